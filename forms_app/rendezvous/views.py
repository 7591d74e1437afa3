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
from .rules import dans_le_delai, fin_de_delai, refus_date, refus_texte, rendez_vous_du

bp = Blueprint("rendezvous", __name__, url_prefix="/rendez-vous")
MSG_DATE = "Saisissez la date (JJ/MM/AAAA) et l'heure (HH:MM) du rendez-vous."
MSG_LIEU = "Saisissez le lieu du rendez-vous (200 caractères au plus)."
MSG_OBS_DELAI = "Le délai pour formuler des observations est écoulé depuis le {fin} : rien n'a été enregistré."
MSG_RECOURS_DELAI = "Le délai de recours est écoulé depuis le {fin} : rien n'a été enregistré."


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


def _label(valeurs, code: str) -> str:
    return next((v.label for v in valeurs if v.code == code), "")


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
        if cr is not None:
            context.update(_compte_rendu(campaign, rdv))
    elif due is not None:
        context["type_label"] = due.type.label
    return context


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
        refuse(409, "Votre texte est déjà transmis : il ne peut plus être modifié.")
    if not dans_le_delai(notified, jours, moment):
        fin = fin_de_delai(notified, jours)
        return render_template("app/rendezvous/agent.html", **_agent_context(
            campaign, agent, rdv, {field: message_delai.format(fin=datetime_fr(fin))})), 409
    texte = request.form.get("texte", "").replace("\r\n", "\n")
    maximum = regles.observations_caracteres if field == "observations" else 4000
    problem = refus_texte(texte, maximum) or ("Retirez les caractères invisibles de votre texte."
                                              if any(ord(ch) < 32 and ch not in "\n\t" for ch in texte) else None)
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
        if not reach.couvre(agent.affectation_uai or "", agent.discipline or ""):
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
    if agent is None or reach is None or not reach.couvre(agent.affectation_uai or "", agent.discipline or ""):
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
            if not errors["planifier"]:
                del errors["planifier"]
                with write_transaction(db):
                    rdv = _ensure_row(db, campaign, target)
                    rdv.date_rdv, rdv.lieu, rdv.date_notifiee_at, rdv.updated_at = when, lieu, moment, moment
                    account_id = _account_of(db, target.id)
                    if account_id is not None:
                        send_message(db, to_account_id=account_id, sender_account_id=None, kind="resultat",
                                     subject="Date de votre rendez-vous de carrière",
                                     body=f"Votre rendez-vous de carrière aura lieu le {datetime_fr(when)}, lieu : {lieu}.")
                    audit.record(db, actor_id=g.account.id, action="rendez_vous.date", target=f"rendez_vous:{rdv.id}",
                                 after={"date": when.isoformat(), "lieu": lieu})
                flash("Date et lieu notifiés à l'agent dans son courrier.")
                return redirect(url_for("rendezvous.agent", agent_id=agent_id))
        elif action == "compte_rendu" and reach.evaluateur in ("chef_etablissement", "inspecteur"):
            rdv = _row(db, campaign, target.id)
            if rdv is None or rdv.date_rdv is None:
                refuse(409, "Le rendez-vous n'a pas encore de date : le compte rendu se remplit après.")
            if rdv.compte_rendu_notifie_at is not None:
                refuse(409, "Le compte rendu est déjà notifié à l'agent : il ne peut plus être modifié.")
            niveaux = {v.code for v in regles.niveaux}
            grille = json.loads(rdv.grille or "{}")
            for item in regles.grille:
                value = request.form.get(f"item-{item.code}", "")
                if value and value not in niveaux:
                    errors["compte_rendu"] = f"Niveau inconnu pour « {item.label} » : choisissez-en un dans la liste."
                elif value:
                    grille[item.code] = value
            texte = request.form.get("appreciation", "").replace("\r\n", "\n")
            if len(texte) > 4000:
                errors["compte_rendu"] = "L'appréciation fait plus de 4 000 caractères : raccourcissez-la."
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
                refuse(409, "Le rendez-vous n'a pas encore de date : rien à transmettre.")
            if rdv.compte_rendu_notifie_at is not None:
                refuse(409, "Le compte rendu est déjà notifié à l'agent.")
            if len(json.loads(rdv.grille or "{}")) < len(regles.grille):
                errors["transmettre"] = "Chaque item de la grille doit avoir un niveau avant la notification."
            else:
                with write_transaction(db):
                    rdv.compte_rendu_notifie_at = rdv.updated_at = moment
                    account_id = _account_of(db, target.id)
                    fin = fin_de_delai(moment, regles.observations_jours)
                    if account_id is not None:
                        send_message(db, to_account_id=account_id, sender_account_id=None, kind="resultat",
                                     subject="Compte rendu de votre rendez-vous de carrière",
                                     body=(f"Le compte rendu de votre rendez-vous de carrière est consultable dans "
                                           f"« Rendez-vous de carrière ». Vous pouvez formuler des observations "
                                           f"jusqu'au {datetime_fr(fin)} (exclu)."))
                    audit.record(db, actor_id=g.account.id, action="rendez_vous.notification",
                                 target=f"rendez_vous:{rdv.id}", after={"fin_observations": fin.isoformat()})
                flash("Compte rendu notifié à l'agent.")
                return redirect(url_for("rendezvous.agent", agent_id=agent_id))
        elif action == "appreciation_finale" and reach.apprecie:
            rdv = _row(db, campaign, target.id)
            cr = rdv.compte_rendu_notifie_at if rdv is not None else None
            value = request.form.get("appreciation_finale", "")
            if cr is None:
                refuse(409, "Le compte rendu n'est pas encore notifié à l'agent.")
            if rdv.appreciation_notifiee_at is not None:
                refuse(409, "L'appréciation finale est déjà notifiée.")
            if value not in {v.code for v in regles.appreciations}:
                errors["appreciation_finale"] = "Choisissez l'appréciation finale dans la liste."
            elif dans_le_delai(cr, regles.observations_jours, moment) and rdv.observations_at is None:
                errors["appreciation_finale"] = (f"L'agent peut encore formuler des observations jusqu'au "
                                                 f"{datetime_fr(fin_de_delai(cr, regles.observations_jours))} : "
                                                 "l'appréciation finale se saisit après.")
            else:
                with write_transaction(db):
                    rdv.appreciation_finale, rdv.appreciation_at = value, moment
                    rdv.appreciation_notifiee_at = rdv.updated_at = moment
                    account_id = _account_of(db, target.id)
                    fin = fin_de_delai(moment, regles.recours_jours)
                    if account_id is not None:
                        send_message(db, to_account_id=account_id, sender_account_id=None, kind="resultat",
                                     subject="Appréciation finale de votre rendez-vous de carrière",
                                     body=(f"Appréciation finale du recteur : {_label(regles.appreciations, value)}. "
                                           f"Vous pouvez former un recours gracieux jusqu'au {datetime_fr(fin)} (exclu)."))
                    audit.record(db, actor_id=g.account.id, action="rendez_vous.appreciation_finale",
                                 target=f"rendez_vous:{rdv.id}", after={"appreciation": value})
                flash("Appréciation finale notifiée à l'agent.")
                return redirect(url_for("rendezvous.agent", agent_id=agent_id))
        else:
            abort(403)
    rdv = _row(db, campaign, target.id)
    context = {"campaign": campaign, "regles": regles, "agent": target, "rdv": rdv, "due": du(campaign, target),
               "portee": reach, "errors": errors, "niveaux_saisis": json.loads(rdv.grille) if rdv else {},
               "form": request.form if errors else {}, **_compte_rendu(campaign, rdv)}
    if rdv is not None and rdv.compte_rendu_notifie_at:
        context["obs_fin"] = fin_de_delai(rdv.compte_rendu_notifie_at, regles.observations_jours)
    return render_template("app/rendezvous/staff.html", **context), 400 if errors else 200
