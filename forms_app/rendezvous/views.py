"""Rendez-vous de carrière (SIAE): the agents due, the date and place, the compte rendu, the agent's
observations within the delay, the recteur's appréciation finale and the recours; each step reaches the
agent's courrier."""
from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from generator.frdates import datetime_fr
from generator.model import PARIS
from generator.promotion import RendezVousRules

from ..comptes.access import login_required
from ..comptes.models import Account
from ..core import audit
from ..core.clock import now
from ..core.content import current_site
from ..core.db import get_session, write_transaction
from ..core.errors import refuse
from ..core.records import checked_id
from ..courrier.messages import send_message
from ..dossier.models import Agent
from ..evaluateurs.access import evaluateur_required, portee
from .models import AppreciationEvaluateur, RendezVous
from .notification import libelle, notification_commencee, notifier
from .rules import dans_le_delai, fin_de_delai, refus_date, refus_texte, rendez_vous_du

bp = Blueprint("rendezvous", __name__, url_prefix="/rendez-vous")
NB = "\u00a0"
MSG_DATE = "Saisissez la date (JJ/MM/AAAA) et l'heure (HH:MM) du rendez-vous."
MSG_LIEU = "Saisissez le lieu du rendez-vous (200\u00a0caractères au plus)."
MSG_OBS_DELAI = "Le délai pour formuler des observations est écoulé depuis le {fin}\u00a0: rien n'a été enregistré."
MSG_RECOURS_DELAI = "Le délai de recours est écoulé depuis le {fin}\u00a0: rien n'a été enregistré."
MSG_DEJA_TRANSMIS = "Votre texte est déjà transmis\u00a0: il ne peut plus être modifié."
MSG_INVISIBLES = "Retirez les caractères invisibles de votre texte."
MSG_SANS_DATE = "Le rendez-vous n'a pas encore de date\u00a0: le compte rendu se remplit après."
MSG_CR_NOTIFIE = "Le compte rendu est déjà notifié à l'agent\u00a0: il ne peut plus être modifié."
MSG_NIVEAU = "Niveau inconnu pour «\u00a0{item}\u00a0»\u00a0: choisissez-en un dans la liste."
MSG_APPRECIATION_LONGUE = "L'appréciation fait plus de 4\u202f000\u00a0caractères\u00a0: raccourcissez-la."
MSG_RIEN_A_TRANSMETTRE = "Le rendez-vous n'a pas encore de date\u00a0: rien à transmettre."
MSG_DEJA_NOTIFIE = "Le compte rendu est déjà notifié à l'agent."
MSG_GRILLE_INCOMPLETE = "Chaque item de la grille doit avoir un niveau avant la notification."
MSG_CR_PAS_NOTIFIE = "Le compte rendu n'est pas encore notifié à l'agent."
MSG_FINALE_NOTIFIEE = "L'appréciation finale est déjà notifiée\u00a0: elle ne change plus que par la réponse à un recours."
MSG_FINALE_CHOIX = "Choisissez l'appréciation finale dans la liste."
MSG_FINALE_TROP_TOT = ("L'agent peut encore formuler des observations jusqu'au {fin}\u00a0: l'appréciation finale se "
                       "saisit après.")
MSG_PAS_DE_RECOURS = "L'agent n'a pas formé de recours."
MSG_RECOURS_REPONDU = "Ce recours a déjà reçu sa réponse le {le}."
MSG_RECOURS_SILENCE = ("Le délai de réponse est écoulé depuis le {fin}\u00a0: le recours est réputé rejeté (le silence "
                       "vaut refus) ; rien n'a été enregistré.")
MSG_DECISION = "Choisissez la décision\u00a0: appréciation maintenue ou révisée."
MSG_REVISEE = "Choisissez la nouvelle appréciation finale, différente de celle qui a été notifiée."
MSG_REPONSE = "Rédigez la réponse à l'agent (4\u202f000\u00a0caractères au plus)."
DECISIONS = {"maintenue": "appréciation maintenue", "revisee": "appréciation révisée"}


def campagne_rdv():
    """The rendez-vous de carrière campaign in force: the latest one that has begun (else the first)."""
    site = current_site()
    campaigns = [c for c in (site.campaigns if site else []) if c.kind == "rendez-vous"
                 and isinstance(c.regles, RendezVousRules)]
    if not campaigns:
        abort(404)
    begun = [c for c in campaigns if c.phases[0].start <= now()]
    return (begun or campaigns)[-1 if begun else 0]


def _durees():
    return current_site().referentiel.echelons


def du(campaign, agent: Agent):
    return rendez_vous_du(campaign.regles, _durees(), agent.corps, agent.grade, agent.echelon, agent.echelon_depuis)


def _row(db, campaign, agent_id: int) -> RendezVous | None:
    return db.scalar(select(RendezVous).where(RendezVous.campagne == campaign.slug, RendezVous.agent_id == agent_id))


_label = libelle


def _compte_rendu(campaign, rdv: RendezVous | None) -> dict:
    regles = campaign.regles
    if rdv is None:
        return {"grille": [], "appreciations": []}
    niveaux = json.loads(rdv.grille or "{}")
    grille = [(item, niveaux.get(item.code, ""), _label(regles.niveaux, niveaux.get(item.code, "")))
              for item in regles.grille]
    textes = get_session().scalars(select(AppreciationEvaluateur)
                                   .where(AppreciationEvaluateur.rendez_vous_id == rdv.id)
                                   .order_by(AppreciationEvaluateur.evaluateur)).all()
    labels = {"chef_etablissement": "Appréciation du chef d'établissement", "inspecteur": "Appréciation de l'inspecteur"}
    return {"grille": grille, "appreciations": [(labels.get(a.evaluateur, a.evaluateur), a) for a in textes]}


def _account_of(db, agent_id: int) -> int | None:
    return db.scalar(select(Account.id).where(Account.agent_id == agent_id))


def _ensure_row(db, campaign, agent: Agent) -> RendezVous:
    """The agent's rendez-vous record, created when someone first acts on it (she must be due)."""
    rdv = _row(db, campaign, agent.id)
    if rdv is not None:
        return rdv
    due = du(campaign, agent)
    if due is None:
        abort(404)
    moment = now()
    rdv = RendezVous(campagne=campaign.slug, agent_id=agent.id, type=due.type.code, echelon=due.position.echelon,
                     echelon_depuis=due.position.depuis, lieu="", grille="{}", observations="", appreciation_finale="",
                     recours="", created_at=moment, updated_at=moment)
    db.add(rdv)
    db.flush()
    return rdv


# --- the agent ---------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    campaign = campagne_rdv()
    reach = portee()
    if reach is not None:
        return _liste(campaign, reach)
    agent = g.agent
    if agent is None:
        abort(404)
    db = get_session()
    rdv = _row(db, campaign, agent.id)
    return render_template("app/rendezvous/agent.html", **_agent_context(campaign, agent, rdv))


def _agent_context(campaign, agent, rdv, errors=None, values=None) -> dict:
    regles, moment = campaign.regles, now()
    due = du(campaign, agent)
    context = {"campaign": campaign, "regles": regles, "agent": agent, "rdv": rdv, "due": due,
               "errors": errors or {}, "values": values or {}, "type_label": None}
    if rdv is not None:
        context["type_label"] = next((t.label for t in regles.rendez_vous if t.code == rdv.type), rdv.type)
        cr = rdv.compte_rendu_notifie_at
        context["cr_visible"] = cr is not None
        context["obs_ouvertes"] = dans_le_delai(cr, regles.observations_jours, moment) and not rdv.observations_at
        context["obs_fin"] = fin_de_delai(cr, regles.observations_jours) if cr else None
        notif = rdv.appreciation_notifiee_at
        context["appreciation_label"] = _label(regles.appreciations, rdv.appreciation_finale) if notif else ""
        context["recours_ouvert"] = dans_le_delai(notif, regles.recours_jours, moment) and not rdv.recours_at
        context["recours_fin"] = fin_de_delai(notif, regles.recours_jours) if notif else None
        context.update(_suite_recours(regles, rdv, moment))
        if cr is not None:
            context.update(_compte_rendu(campaign, rdv))
    elif due is not None:
        context["type_label"] = due.type.label
    return context


def _suite_recours(regles, rdv: RendezVous, moment: datetime) -> dict:
    """The recours after it is formed: the answer's deadline (silence means refusal) and the CAP's."""
    if rdv.recours_at is None:
        return {}
    reponse_fin = fin_de_delai(rdv.recours_at, regles.reponse_recours_jours)
    out = {"reponse_fin": reponse_fin, "decision_label": DECISIONS.get(rdv.recours_decision, ""),
           "silence": rdv.recours_repondu_at is None and moment >= reponse_fin}
    depart = rdv.recours_repondu_at or (reponse_fin if out["silence"] else None)
    out["cap_fin"] = fin_de_delai(depart, regles.cap_jours) if depart is not None else None
    return out


def _agent_text(field: str, delay_field: str, message_delai: str, max_chars_attr: str, action: str):
    campaign = campagne_rdv()
    agent = g.agent
    if agent is None:
        abort(404)
    db = get_session()
    rdv = _row(db, campaign, agent.id)
    notified = getattr(rdv, delay_field) if rdv is not None else None
    if notified is None:
        abort(404)
    regles = campaign.regles
    jours = regles.observations_jours if field == "observations" else regles.recours_jours
    moment = now()
    if getattr(rdv, f"{field}_at") is not None:
        refuse(409, MSG_DEJA_TRANSMIS)
    if not dans_le_delai(notified, jours, moment):
        fin = fin_de_delai(notified, jours)
        return render_template("app/rendezvous/agent.html", **_agent_context(
            campaign, agent, rdv, {field: message_delai.format(fin=datetime_fr(fin))})), 409
    texte = request.form.get("texte", "").replace("\r\n", "\n")
    maximum = regles.observations_caracteres if field == "observations" else 4000
    problem = refus_texte(texte, maximum) or (MSG_INVISIBLES if any(ord(ch) < 32 and ch not in "\n\t" for ch in texte)
                                              else None)
    if problem:
        return render_template("app/rendezvous/agent.html", **_agent_context(
            campaign, agent, rdv, {field: problem}, {field: texte})), 400
    with write_transaction(db):
        setattr(rdv, field, texte)
        setattr(rdv, f"{field}_at", moment)
        rdv.updated_at = moment
        send_message(db, to_role="gestionnaire", sender_account_id=g.account.id,
                     subject=f"{action} sur le rendez-vous de carrière de {agent.nom_complet}", body=texte)
        audit.record(db, actor_id=g.account.id, action=f"rendez_vous.{field}", target=f"rendez_vous:{rdv.id}",
                     after={"caracteres": len(texte)})
    flash(f"{action} transmis{'es' if field == 'observations' else ''} au service de gestion.")
    return redirect(url_for("rendezvous.index"))


@bp.post("/observations")
@login_required
def observations():
    """The agent's observations on the compte rendu, within the delay counted from its notification."""
    return _agent_text("observations", "compte_rendu_notifie_at", MSG_OBS_DELAI, "observations_caracteres",
                       "Observations")


@bp.post("/recours")
@login_required
def recours():
    """A recours gracieux on the appréciation finale, within the delay counted from its notification."""
    return _agent_text("recours", "appreciation_notifiee_at", MSG_RECOURS_DELAI, "", "Recours")


# --- evaluators and gestionnaires ----------------------------------------------------------------


def _liste(campaign, reach):
    db = get_session()
    rows = {r.agent_id: r for r in db.scalars(select(RendezVous).where(RendezVous.campagne == campaign.slug))}
    lignes = []
    for agent in db.scalars(select(Agent).order_by(Agent.nom, Agent.prenom, Agent.id)):
        if not reach.couvre_agent(agent):
            continue
        due = du(campaign, agent)
        if due is None and agent.id not in rows:
            continue
        lignes.append({"agent": agent, "due": due, "rdv": rows.get(agent.id)})
    return render_template("app/rendezvous/liste.html", campaign=campaign, regles=campaign.regles, lignes=lignes,
                           portee=reach)


def load_agent_en_portee(agent_id: int) -> Agent:
    """An agent the evaluator reaches (her UAI or discipline), any for the recteur and gestionnaires; 404 otherwise."""
    agent = get_session().get(Agent, checked_id(agent_id))
    reach = portee()
    if agent is None or reach is None or not reach.couvre_agent(agent):
        abort(404)
    return agent


def _parse_moment(jour: str, heure: str) -> datetime | None:
    try:
        naive = datetime.strptime(f"{jour.strip()} {heure.strip()}", "%d/%m/%Y %H:%M")
    except ValueError:
        try:
            naive = datetime.strptime(f"{jour.strip()} {heure.strip()}", "%Y-%m-%d %H:%M")
        except ValueError:
            return None
    return naive.replace(tzinfo=PARIS)


@bp.route("/agents/<int:agent_id>", methods=["GET", "POST"])
@evaluateur_required
def agent(agent_id: int):
    """One agent's rendez-vous, for the staff: schedule it, fill the compte rendu, notify, appréciation finale."""
    campaign = campagne_rdv()
    regles = campaign.regles
    target = load_agent_en_portee(agent_id)
    db = get_session()
    reach = portee()
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.form.get("action", "")
        moment = now()
        if action == "planifier" and reach.role in ("gestionnaire", "inspecteur"):
            when = _parse_moment(request.form.get("jour", ""), request.form.get("heure", ""))
            lieu = request.form.get("lieu", "").strip()
            if when is None:
                errors["planifier"] = MSG_DATE
            elif not lieu or len(lieu) > 200 or any(ord(c) < 32 for c in lieu):
                errors["planifier"] = MSG_LIEU
            else:
                errors["planifier"] = refus_date(moment, when, regles.preavis_jours) or ""
            existing = _row(db, campaign, target.id)
            if existing is not None and existing.compte_rendu_notifie_at is not None:
                refuse(409, MSG_CR_NOTIFIE)
            if not errors["planifier"]:
                del errors["planifier"]
                with write_transaction(db):
                    rdv = _ensure_row(db, campaign, target)
                    rdv.date_rdv, rdv.lieu, rdv.date_notifiee_at, rdv.updated_at = when, lieu, moment, moment
                    account_id = _account_of(db, target.id)
                    if account_id is not None:
                        send_message(db, to_account_id=account_id, sender_account_id=None, kind="resultat",
                                     subject="Date de votre rendez-vous de carrière",
                                     body=f"Votre rendez-vous de carrière aura lieu le {datetime_fr(when)}, lieu{NB}: {lieu}.")
                    audit.record(db, actor_id=g.account.id, action="rendez_vous.date", target=f"rendez_vous:{rdv.id}",
                                 after={"date": when.isoformat(), "lieu": lieu})
                flash("Date et lieu notifiés à l'agent dans son courrier.")
                return redirect(url_for("rendezvous.agent", agent_id=agent_id))
        elif action == "compte_rendu" and reach.evaluateur in ("chef_etablissement", "inspecteur"):
            rdv = _row(db, campaign, target.id)
            if rdv is None or rdv.date_rdv is None:
                refuse(409, MSG_SANS_DATE)
            if rdv.compte_rendu_notifie_at is not None:
                refuse(409, MSG_CR_NOTIFIE)
            niveaux = {v.code for v in regles.niveaux}
            grille = json.loads(rdv.grille or "{}")
            for item in regles.grille:
                value = request.form.get(f"item-{item.code}", "")
                if value and value not in niveaux:
                    errors["compte_rendu"] = MSG_NIVEAU.format(item=item.label)
                elif value:
                    grille[item.code] = value
            texte = request.form.get("appreciation", "").replace("\r\n", "\n")
            if len(texte) > 4000:
                errors["compte_rendu"] = MSG_APPRECIATION_LONGUE
            elif any(ord(ch) < 32 and ch not in "\n\t" for ch in texte):
                errors["compte_rendu"] = MSG_INVISIBLES
            if not errors:
                with write_transaction(db):
                    rdv.grille, rdv.updated_at = json.dumps(grille, sort_keys=True), moment
                    if texte.strip():
                        own = db.scalar(select(AppreciationEvaluateur).where(
                            AppreciationEvaluateur.rendez_vous_id == rdv.id,
                            AppreciationEvaluateur.evaluateur == reach.evaluateur))
                        if own is None:
                            db.add(AppreciationEvaluateur(rendez_vous_id=rdv.id, evaluateur=reach.evaluateur,
                                                          texte=texte, account_id=g.account.id, updated_at=moment))
                        else:
                            own.texte, own.account_id, own.updated_at = texte, g.account.id, moment
                    audit.record(db, actor_id=g.account.id, action="rendez_vous.compte_rendu",
                                 target=f"rendez_vous:{rdv.id}", after={"grille": grille})
                flash("Compte rendu enregistré.")
                return redirect(url_for("rendezvous.agent", agent_id=agent_id))
        elif action == "transmettre" and reach.role in ("gestionnaire", "inspecteur"):
            rdv = _row(db, campaign, target.id)
            if rdv is None or rdv.date_rdv is None:
                refuse(409, MSG_RIEN_A_TRANSMETTRE)
            if rdv.compte_rendu_notifie_at is not None:
                refuse(409, MSG_DEJA_NOTIFIE)
            if len(json.loads(rdv.grille or "{}")) < len(regles.grille):
                errors["transmettre"] = MSG_GRILLE_INCOMPLETE
            else:
                with write_transaction(db):
                    rdv.compte_rendu_notifie_at = rdv.updated_at = moment
                    account_id = _account_of(db, target.id)
                    fin = fin_de_delai(moment, regles.observations_jours)
                    if account_id is not None:
                        send_message(db, to_account_id=account_id, sender_account_id=None, kind="resultat",
                                     subject="Compte rendu de votre rendez-vous de carrière",
                                     body=(f"Le compte rendu de votre rendez-vous de carrière est consultable dans "
                                           f"«{NB}Rendez-vous de carrière{NB}». Vous pouvez formuler des observations "
                                           f"jusqu'au {datetime_fr(fin)} (exclu)."))
                    audit.record(db, actor_id=g.account.id, action="rendez_vous.notification",
                                 target=f"rendez_vous:{rdv.id}", after={"fin_observations": fin.isoformat()})
                flash("Compte rendu notifié à l'agent.")
                return redirect(url_for("rendezvous.agent", agent_id=agent_id))
        elif action == "appreciation_finale" and reach.apprecie:
            value = request.form.get("appreciation_finale", "")
            with write_transaction(db):
                # The row locked: the notification échéance running now waits, then finds this one (or the
                # échéance went first and this save is refused as already notified).
                rdv = db.scalar(select(RendezVous).where(RendezVous.campagne == campaign.slug,
                                                         RendezVous.agent_id == target.id).with_for_update())
                cr = rdv.compte_rendu_notifie_at if rdv is not None else None
                if cr is None:
                    refuse(409, MSG_CR_PAS_NOTIFIE)
                if rdv.appreciation_notifiee_at is not None:
                    refuse(409, MSG_FINALE_NOTIFIEE)
                if value not in {v.code for v in regles.appreciations}:
                    errors["appreciation_finale"] = MSG_FINALE_CHOIX
                elif dans_le_delai(cr, regles.observations_jours, moment) and rdv.observations_at is None:
                    errors["appreciation_finale"] = MSG_FINALE_TROP_TOT.format(
                        fin=datetime_fr(fin_de_delai(cr, regles.observations_jours)))
                else:
                    before = rdv.appreciation_finale
                    rdv.appreciation_finale, rdv.appreciation_at, rdv.updated_at = value, moment, moment
                    audit.record(db, actor_id=g.account.id, action="rendez_vous.appreciation_finale",
                                 target=f"rendez_vous:{rdv.id}", before={"appreciation": before or None},
                                 after={"appreciation": value})
                    maintenant = notification_commencee(campaign, moment)
                    if maintenant:
                        notifier(db, campaign, rdv, moment, g.account.id)
            if not errors:
                phase = campaign.phase("notification")
                flash("Appréciation finale notifiée à l'agent." if maintenant else
                      f"Appréciation finale enregistrée{NB}: elle sera notifiée à l'agent le "
                      f"{datetime_fr(phase.start)}, au début de la phase de notification.")
                return redirect(url_for("rendezvous.agent", agent_id=agent_id))
        elif action == "repondre_recours" and (reach.apprecie or reach.role == "gestionnaire"):
            decision = request.form.get("decision", "")
            nouvelle = request.form.get("nouvelle_appreciation", "")
            texte = request.form.get("reponse", "").replace("\r\n", "\n")
            with write_transaction(db):
                rdv = db.scalar(select(RendezVous).where(RendezVous.campagne == campaign.slug,
                                                         RendezVous.agent_id == target.id).with_for_update())
                if rdv is None or rdv.recours_at is None:
                    refuse(409, MSG_PAS_DE_RECOURS)
                if rdv.recours_repondu_at is not None:
                    refuse(409, MSG_RECOURS_REPONDU.format(le=datetime_fr(rdv.recours_repondu_at)))
                fin = fin_de_delai(rdv.recours_at, regles.reponse_recours_jours)
                if moment >= fin:
                    refuse(409, MSG_RECOURS_SILENCE.format(fin=datetime_fr(fin)))
                if decision not in DECISIONS:
                    errors["recours"] = MSG_DECISION
                elif decision == "revisee" and (nouvelle not in {v.code for v in regles.appreciations}
                                                or nouvelle == rdv.appreciation_finale):
                    errors["recours"] = MSG_REVISEE
                elif not texte.strip() or len(texte) > 4000 or any(ord(c) < 32 and c not in "\n\t" for c in texte):
                    errors["recours"] = MSG_REPONSE
                else:
                    before = rdv.appreciation_finale
                    if decision == "revisee":
                        rdv.appreciation_finale = nouvelle
                    rdv.recours_decision, rdv.recours_reponse = decision, texte
                    rdv.recours_repondu_at = rdv.updated_at = moment
                    rdv.recours_account_id = g.account.id
                    cap = fin_de_delai(moment, regles.cap_jours)
                    account_id = _account_of(db, target.id)
                    if account_id is not None:
                        issue = (f"l'appréciation finale est révisée{NB}: {_label(regles.appreciations, nouvelle)}"
                                 if decision == "revisee" else
                                 f"l'appréciation finale est maintenue{NB}: {_label(regles.appreciations, before)}")
                        send_message(db, to_account_id=account_id, sender_account_id=None, kind="resultat",
                                     subject="Réponse à votre recours sur l'appréciation finale",
                                     body=(f"Réponse du recteur à votre recours gracieux{NB}: {issue}.\n\n{texte}\n\n"
                                           f"Vous pouvez saisir la commission administrative paritaire (CAP) "
                                           f"jusqu'au {datetime_fr(cap)} (exclu)."))
                    audit.record(db, actor_id=g.account.id, action="rendez_vous.reponse_recours",
                                 target=f"rendez_vous:{rdv.id}", before={"appreciation": before},
                                 after={"decision": decision, "appreciation": rdv.appreciation_finale})
            if not errors:
                flash("Réponse au recours envoyée à l'agent dans son courrier.")
                return redirect(url_for("rendezvous.agent", agent_id=agent_id))
        else:
            abort(403)
    rdv = _row(db, campaign, target.id)
    moment = now()
    context = {"campaign": campaign, "regles": regles, "agent": target, "rdv": rdv, "due": du(campaign, target),
               "portee": reach, "errors": errors, "niveaux_saisis": json.loads(rdv.grille) if rdv else {},
               "form": request.form if errors else {}, "notification": campaign.phase("notification"),
               "notification_commencee": notification_commencee(campaign, moment), "decisions": DECISIONS,
               **_compte_rendu(campaign, rdv)}
    fixe = rdv.date_rdv.astimezone(PARIS) if rdv is not None and rdv.date_rdv is not None else None
    context["planifie"] = {"jour": request.form.get("jour", "") if errors else (f"{fixe:%d/%m/%Y}" if fixe else ""),
                           "heure": request.form.get("heure", "") if errors else (f"{fixe:%H:%M}" if fixe else ""),
                           "lieu": request.form.get("lieu", "") if errors else (rdv.lieu if rdv is not None else "")}
    if rdv is not None and rdv.compte_rendu_notifie_at:
        context["obs_fin"] = fin_de_delai(rdv.compte_rendu_notifie_at, regles.observations_jours)
        context["obs_ouvertes"] = dans_le_delai(rdv.compte_rendu_notifie_at, regles.observations_jours, moment) \
            and rdv.observations_at is None
    if rdv is not None and rdv.appreciation_notifiee_at:
        context["recours_fin"] = fin_de_delai(rdv.appreciation_notifiee_at, regles.recours_jours)
    if rdv is not None:
        context.update(_suite_recours(regles, rdv, moment))
        own = db.scalar(select(AppreciationEvaluateur.texte).where(AppreciationEvaluateur.rendez_vous_id == rdv.id,
                                                                   AppreciationEvaluateur.evaluateur == reach.evaluateur))
        context["mon_appreciation"] = request.form.get("appreciation", own or "") if errors else (own or "")
    return render_template("app/rendezvous/staff.html", **context), 400 if errors else 200
