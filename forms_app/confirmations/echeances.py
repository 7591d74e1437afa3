"""The confirmations' échéances: send them at the close of the saisie; cancel the demandes whose
confirmation was not returned at the end of the return phase (phase « confirmation »)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from generator.frdates import datetime_fr
from generator.model import Campaign

from ..comptes.models import Account
from ..core import audit, echeances
from ..core.clock import now
from ..courrier.messages import send_message
from ..dossier.models import Agent
from ..mobilite.models import Confirmation, Demande, Lettre
from ..mobilite.rules.demandes import est_recevable
from . import document
from .models import ANNULEE, ATTENTE, NON_RECEVABLE, ConfirmationDemande, page_changee

AGENTS_PAR_LOT = 20  # PDFs are rendered inside the batch's transaction: keep a batch short
ANNULATIONS_PAR_LOT = 500

SUJET_CONFIRMATION = "Confirmation de demande — {titre}"
SUJET_ANNULATION = "Demande annulée — {titre}"


def _texte_confirmation(campaign: Campaign, lignes: list[tuple[str, str]], date_limite: datetime | None) -> str:
    lines = [f"{campaign.title} : la saisie est close. Voici la confirmation de chacune de vos demandes, en PDF "
             "joint à ce message.", ""]
    for libelle, etat in lignes:
        if etat == NON_RECEVABLE:
            lines.append(f"- {libelle} : non recevable (lettre de motivation non enregistrée avant la clôture de "
                         "la saisie) ; rien à renvoyer.")
        else:
            lines.append(f"- {libelle} : à vérifier, signer et retourner.")
    lines.append("")
    if date_limite is not None and any(etat == ATTENTE for _l, etat in lignes):
        lines += [
            f"Retournez chaque confirmation signée avant le {datetime_fr(date_limite)} : ouvrez Les services, "
            "votre demande, puis « Confirmation de demande », et déposez le PDF signé, avec vos corrections "
            "éventuelles et leurs pièces justificatives (sans justificatif, la bonification n'est pas accordée).",
            "Une confirmation non retournée annule la demande. Une fois la confirmation retournée, les vœux ne "
            "peuvent plus être modifiés.",
        ]
    else:
        lines.append("Conservez ces documents : ils récapitulent vos demandes telles qu'elles ont été enregistrées.")
    return "\n".join(lines)


def envoyer_confirmations(session: Session, campaign: Campaign, at: datetime) -> tuple[int, bool]:
    """One batch: the confirmations of up to AGENTS_PAR_LOT agents who have none yet; (demandes, finished?)."""
    done = select(ConfirmationDemande.demande_id)
    pending = (select(Demande.agent_id).where(Demande.campagne == campaign.slug, Demande.id.not_in(done))
               .distinct().order_by(Demande.agent_id).limit(AGENTS_PAR_LOT + 1))
    agent_ids = list(session.scalars(pending))
    if not agent_ids:
        return 0, True
    phase = campaign.phase("confirmation")
    date_limite = phase.end if phase is not None else None
    moment = now()
    count = 0
    for agent_id in agent_ids[:AGENTS_PAR_LOT]:
        agent = session.get(Agent, agent_id)
        demandes = list(session.scalars(
            select(Demande).where(Demande.agent_id == agent_id, Demande.campagne == campaign.slug,
                                  Demande.id.not_in(done)).order_by(Demande.created_at, Demande.id)))
        pdfs, rows, lignes = [], [], []
        for demande in demandes:
            mouvement = campaign.mouvement(demande.mouvement)
            lettre_at = session.scalar(select(Lettre.enregistree_at).where(Lettre.demande_id == demande.id))
            etat = ATTENTE if est_recevable(mouvement, lettre_at is not None) else NON_RECEVABLE
            ctx = document.contexte(session, agent, campaign, demande, moment, etat=etat,
                                    date_limite=date_limite if etat == ATTENTE else None)
            fichier = document.pdf(ctx)
            pdfs.append(fichier)
            lignes.append((f"demande n° {demande.id}, {'*' if ctx['ligne'].etoile else ''}{ctx['ligne'].libelle}",
                           etat))
            rows.append(ConfirmationDemande(
                demande_id=demande.id, agent_id=agent_id, campagne=campaign.slug, etat=etat, pdf=fichier.data,
                pdf_sha256=fichier.report.sha256, envoyee_at=moment,
                date_limite=date_limite if etat == ATTENTE else None, retour_mode="", corrections=""))
        account_id = session.scalar(select(Account.id).where(Account.agent_id == agent_id))
        message = None
        if account_id is not None:
            message = send_message(session, to_account_id=account_id, sender_account_id=None,
                                   subject=SUJET_CONFIRMATION.format(titre=campaign.title)[:200],
                                   body=_texte_confirmation(campaign, lignes, date_limite), kind="confirmation",
                                   pieces=pdfs)
            if session.scalar(select(Confirmation.id).where(Confirmation.agent_id == agent_id,
                                                            Confirmation.campagne == campaign.slug)) is None:
                session.add(Confirmation(agent_id=agent_id, campagne=campaign.slug, message_id=message.id,
                                         sent_at=moment))
        for row in rows:
            row.message_id = message.id if message is not None else None
            session.add(row)
        session.flush()
        page_changee(session, [row.demande_id for row in rows])
        for row in rows:
            audit.record(session, actor_id=None, action="confirmations.envoi", target=f"demande:{row.demande_id}",
                         after={"etat": row.etat, "sha256": row.pdf_sha256})
        count += len(rows)
    return count, len(agent_ids) <= AGENTS_PAR_LOT


def _texte_annulation(campaign: Campaign, libelles: list[str], date_limite: datetime | None) -> str:
    quand = f" avant le {datetime_fr(date_limite)}" if date_limite is not None else ""
    lines = [f"{campaign.title} : la confirmation signée de la demande suivante ne nous est pas parvenue{quand}."
             if len(libelles) == 1 else
             f"{campaign.title} : les confirmations signées des demandes suivantes ne nous sont pas parvenues{quand}.",
             ""]
    lines += [f"- {libelle} : annulée" for libelle in libelles]
    lines += ["", "Comme l'indique la note de service, une confirmation de demande non retournée annule la demande : "
              "elle ne participera pas au mouvement.",
              "Si vous pensez qu'il s'agit d'une erreur (confirmation envoyée par courrier postal, par exemple), "
              "répondez à ce message."]
    return "\n".join(lines)


def annuler_non_retournees(session: Session, campaign: Campaign, at: datetime) -> tuple[int, bool]:
    """One batch: cancel the demandes whose confirmation is still awaited; one message per agent."""
    rows = list(session.scalars(
        select(ConfirmationDemande).where(ConfirmationDemande.campagne == campaign.slug,
                                          ConfirmationDemande.etat == ATTENTE)
        .order_by(ConfirmationDemande.agent_id, ConfirmationDemande.id).limit(ANNULATIONS_PAR_LOT + 1)))
    if not rows:
        return 0, True
    fini = len(rows) <= ANNULATIONS_PAR_LOT
    rows = rows[:ANNULATIONS_PAR_LOT]
    if not fini:  # never split one agent's demandes between two batches: one message each
        last = rows[-1].agent_id
        rows = [r for r in rows if r.agent_id != last] or rows
    moment = now()
    par_agent: dict[int, list[ConfirmationDemande]] = {}
    for row in rows:
        par_agent.setdefault(row.agent_id, []).append(row)
    from ..mobilite.lecture import ligne

    for agent_id, confirmations in par_agent.items():
        libelles = []
        for row in confirmations:
            row.etat, row.annulee_at = ANNULEE, moment
            demande = session.get(Demande, row.demande_id)
            libelles.append(f"demande n° {demande.id}, {ligne(session, demande, campaign).libelle}")
            audit.record(session, actor_id=None, action="confirmations.annulation", target=f"demande:{demande.id}",
                         before={"etat": ATTENTE}, after={"etat": ANNULEE, "motif": "confirmation non retournée"})
        account_id = session.scalar(select(Account.id).where(Account.agent_id == agent_id))
        if account_id is not None:
            send_message(session, to_account_id=account_id, sender_account_id=None,
                         subject=SUJET_ANNULATION.format(titre=campaign.title)[:200],
                         body=_texte_annulation(campaign, libelles, confirmations[0].date_limite), kind="confirmation")
    session.flush()
    page_changee(session, [row.demande_id for row in rows])
    return len(rows), fini


echeances.register("mobilite.confirmations", "saisie", "fin", envoyer_confirmations,
                   "envoi des confirmations de demande")
echeances.register("mobilite.annulations", "confirmation", "fin", annuler_non_retournees,
                   "annulation des demandes sans confirmation retournée")
