"""Publish a campaign's imported results: one courrier message per agent (and its e-mail notice), an SMS
to those who gave a portable, the result on the demande's page. Bulk statements: 30,000 results in
well under a minute on PostgreSQL (docs/performance.md)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from generator.model import Campaign

from ..avis.outbox import avis_de_messages, avis_sms
from ..comptes.models import Account
from ..core import echeances
from ..core.audit import client_address, scrub
from ..core.clock import now, security_now
from ..core.models import AuditEntry
from ..courrier.models import Message
from ..mobilite.models import Demande
from .lecture import phrase
from .models import Resultat

AGENTS_PAR_LOT = 1000
SUJET = "Résultat de votre demande — {titre}"
# The seed's words (I-Prof's SIAM home page), in the present tense: the result is there.
ENTREE = "Le résultat de votre demande vous est communiqué dans votre courrier."


def _libelle_demande(campaign: Campaign, referentiel, mouvement: str, discipline: str, preference: str) -> str:
    m = campaign.mouvement(mouvement)
    parts = [("*" if m is not None and m.lettre_motivation else "") + (m.label if m else mouvement)]
    d = referentiel.disciplines.get(discipline) if discipline else None
    if discipline:
        parts.append(d.libelle if d else discipline)
    if preference:
        p = next((p.label for p in (m.preferences if m else ()) if p.code == preference), preference)
        parts.append(f"préférence : {p}")
    return ", ".join(parts)


def corps_message(campaign: Campaign, lignes: list[tuple[int, str, str]]) -> str:
    """lignes: (demande id, libellé, phrase)."""
    out = [ENTREE, "", f"{campaign.title} — résultat définitif de votre demande de mutation :", ""]
    out += [f"- Demande n° {demande_id}, {libelle} : {texte}." for demande_id, libelle, texte in lignes]
    out += ["", "Vous le retrouvez aussi sur la page de votre demande (Les services › votre demande)."]
    return "\n".join(out)


def texte_sms(campaign: Campaign, issues: list[tuple[str, int | None]]) -> str:
    if len(issues) == 1:
        issue, rang = issues[0]
        quoi = {"satisfait": f"demande satisfaite (vœu n° {rang})", "maintenu": "demande : maintien",
                "extension": "affectation en extension"}.get(
            issue, "demande non satisfaite")
    else:
        quoi = f"résultats de vos {len(issues)} demandes"
    return f"{campaign.title} : {quoi}. Le détail est dans votre courrier du portail carrière."


def publier_lot(session: Session, campaign: Campaign, actor: int | None, referentiel,
                moment: datetime | None = None) -> tuple[int, bool]:
    """Publish the unpublished results of up to AGENTS_PAR_LOT agents (in the open write transaction);
    (results published, finished?)."""
    moment = moment or now()
    agents = list(session.scalars(
        select(Resultat.agent_id).where(Resultat.campagne == campaign.slug, Resultat.publie_at.is_(None))
        .distinct().order_by(Resultat.agent_id).limit(AGENTS_PAR_LOT + 1)))
    if not agents:
        return 0, True
    fini = len(agents) <= AGENTS_PAR_LOT
    agents = agents[:AGENTS_PAR_LOT]
    rows = session.execute(
        select(Resultat.id, Resultat.agent_id, Resultat.demande_id, Resultat.issue, Resultat.voeu_rang, Resultat.uai,
               Resultat.libelle, Demande.mouvement, Demande.discipline, Demande.preference, Account.id.label("account_id"))
        .join(Demande, Demande.id == Resultat.demande_id)
        .outerjoin(Account, Account.agent_id == Resultat.agent_id)
        .where(Resultat.campagne == campaign.slug, Resultat.publie_at.is_(None),
               Resultat.agent_id.between(agents[0], agents[-1]))
        .order_by(Resultat.agent_id, Resultat.demande_id)).all()
    par_agent: dict[int, list] = {}
    for row in rows:
        par_agent.setdefault(row.agent_id, []).append(row)
    subject = SUJET.format(titre=campaign.title)[:200]
    with_account = [(agent_id, rs) for agent_id, rs in par_agent.items() if rs[0].account_id is not None]
    message_ids: dict[int, int] = {}
    if with_account:
        values = [{"thread_id": None, "to_account_id": rs[0].account_id, "to_role": None, "sender_account_id": None,
                   "kind": "resultat", "subject": subject, "rubrique": None, "date_effet": None,
                   "created_at": moment, "read_at": None,
                   "body": corps_message(campaign, [(r.demande_id, _libelle_demande(
                       campaign, referentiel, r.mouvement, r.discipline, r.preference),
                       phrase(r.issue, r.voeu_rang, r.uai, r.libelle)) for r in rs])}
                  for _agent_id, rs in with_account]
        table = Message.__table__
        ids = session.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), values).scalars().all()
        message_ids = {agent_id: mid for (agent_id, _rs), mid in zip(with_account, ids)}
        at, address = security_now(), client_address()
        session.execute(AuditEntry.__table__.insert(), [
            {"at": at, "actor_id": actor, "action": "courrier.envoi", "target": f"message:{mid}", "before": None,
             "after": scrub({"kind": "resultat", "to_account_id": rs[0].account_id, "subject": subject}),
             "address": address}
            for (agent_id, rs), mid in zip(with_account, ids)])
        avis_de_messages(session, [(mid, rs[0].account_id) for (_a, rs), mid in zip(with_account, ids)])
        avis_sms(session, [(rs[0].account_id, mid, texte_sms(campaign, [(r.issue, r.voeu_rang) for r in rs]))
                           for (_a, rs), mid in zip(with_account, ids)])
    table = Resultat.__table__
    session.execute(update(table).where(table.c.id == bindparam("rid")).values(
        publie_at=bindparam("publie_at"), message_id=bindparam("mid")).execution_options(synchronize_session=False),
        [{"rid": r.id, "publie_at": moment, "mid": message_ids.get(r.agent_id)} for r in rows])
    from ..confirmations.models import page_changee

    page_changee(session, [r.demande_id for r in rows])
    session.execute(AuditEntry.__table__.insert(), [{
        "at": security_now(), "actor_id": actor, "action": "resultats.publication",
        "target": f"campagne:{campaign.slug}", "before": None,
        "after": scrub({"resultats": len(rows), "messages": len(message_ids)}), "address": client_address()}])
    return len(rows), fini


def publier(session: Session, campaign: Campaign, actor: int | None) -> int:
    """Publish every unpublished result of the campaign, batch after batch (each its own transaction)."""
    from ..core.content import current_site
    from ..core.db import write_transaction

    referentiel = current_site().referentiel
    total = 0
    while True:
        with write_transaction(session):
            n, fini = publier_lot(session, campaign, actor, referentiel)
        total += n
        if fini:
            return total


def _echeance(session: Session, campaign: Campaign, at: datetime) -> tuple[int, bool]:
    from ..core.content import current_site

    return publier_lot(session, campaign, None, current_site().referentiel)


echeances.register("resultats.publication", "resultats", "debut", _echeance,
                   "publication des résultats importés")
