"""Dossier: the tabs of seed 003 (Synthèse … Situation particulière), phones and signalements."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from ..comptes.access import login_required, role_required
from ..comptes.models import Account
from ..core import audit
from ..core.clock import now
from ..core.content import current_site
from ..core.db import get_session, write_transaction
from ..core.fields import normaliser_telephone
from ..core.security import form_view
from ..courrier.messages import send_message
from .forms import RUBRIQUES_SIGNALEMENT, PersoForm, SignalementForm
from .loaders import load_dossier, load_own_agent
from .models import Agent
from .rules import anciennetes

bp = Blueprint("dossier", __name__, url_prefix="/dossier")

ONGLETS: dict[str, str] = {
    "synthese": "Synthèse",
    "perso": "Perso",
    "carriere": "Carrière",
    "affectations": "Affectations",
    "anciennetes": "Anciennetés",
    "situation": "Situation particulière",
}
PERSO_FIELDS = ("telephone", "portable", "mail_perso")


def statut_de(agent: Agent) -> str:
    """The statut line of the seed's "situation administrative", derived from the corps and grade."""
    text = f"{agent.corps} {agent.grade}".lower()
    if "contractuel" in text:
        return "Agent contractuel"
    if "stagiaire" in text:
        return "Fonctionnaire stagiaire de l'Éducation nationale"
    return "Fonctionnaire de l'Éducation nationale"


def _context(agent: Agent) -> dict:
    """Everything the tabs show about one agent, with codes resolved through the référentiel."""
    site = current_site()
    ref = site.referentiel if site is not None else None
    etab = ref.etablissements.get(agent.affectation_uai) if ref and agent.affectation_uai else None
    commune_etab = ref.communes.get(etab.commune) if ref and etab else None
    discipline = ref.disciplines.get(agent.discipline) if ref and agent.discipline else None
    jour = now().date()
    return {
        "agent": agent,
        "aujourd_hui": jour,
        "statut": statut_de(agent),
        "etab": etab,
        "commune_etab": commune_etab.libelle if commune_etab else (etab.commune if etab else ""),
        "discipline": discipline.libelle if discipline else agent.discipline,
        "anciennetes": anciennetes(
            date_naissance=agent.date_naissance,
            echelon_depuis=agent.echelon_depuis,
            affectation_depuis=agent.affectation_depuis,
            jour=jour,
        ),
        "onglets": ONGLETS,
        "own": getattr(g, "agent", None) is not None and g.agent.id == agent.id,
    }


def _render(agent: Agent, onglet: str, status: int = 200, *, form=None, identifiant=None):
    if onglet not in ONGLETS:
        abort(404)
    return render_template(
        f"app/dossier/{onglet}.html", onglet=onglet, form=form, identifiant=identifiant,
        **_context(agent),
    ), status


@bp.get("/")
@login_required
def synthese():
    """The Synthèse tab of the teacher's own dossier; gestionnaires go to the dossier search."""
    if g.account.role == "gestionnaire" and getattr(g, "agent", None) is None:
        return redirect(url_for("dossier.agents"))
    return _render(load_own_agent(), "synthese")


@bp.get("/<onglet>")
@login_required
def onglet(onglet: str):
    """One tab of the logged-in teacher's own dossier."""
    agent = load_own_agent()
    return _render(agent, onglet, form=PersoForm(obj=agent) if onglet == "perso" else None)


@bp.post("/perso")
@login_required
@form_view
def perso():
    """Change phones and personal mail: the only fields a teacher writes in the dossier."""
    agent = load_own_agent()
    form = PersoForm()
    if not form.validate():
        return _render(agent, "perso", 400, form=form)
    values = {
        "telephone": normaliser_telephone(form.telephone.data) if form.telephone.data else "",
        "portable": normaliser_telephone(form.portable.data) if form.portable.data else "",
        "mail_perso": form.mail_perso.data or "",
    }
    before = {name: getattr(agent, name) or "" for name in PERSO_FIELDS}
    if values == before:
        flash("Aucune modification : vos coordonnées sont inchangées.", "info")
        return redirect(url_for("dossier.onglet", onglet="perso"))
    session = get_session()
    with write_transaction(session):
        agent = session.merge(agent)
        for name, value in values.items():
            setattr(agent, name, value)
        agent.updated_at = now()
        audit.record(session, actor_id=g.account.id, action="dossier.perso",
                     target=f"agent:{agent.id}", before=before, after=values)
    flash("Vos coordonnées ont été enregistrées.", "success")
    return redirect(url_for("dossier.onglet", onglet="perso"))


@bp.route("/signaler", methods=["GET", "POST"])
@login_required
@form_view
def signaler():
    """Send a structured change of situation to the gestionnaires' courrier."""
    agent = load_own_agent()
    form = SignalementForm()
    if request.method == "GET":
        if request.args.get("rubrique") in RUBRIQUES_SIGNALEMENT:
            form.rubrique.data = request.args["rubrique"]
        return render_template("app/dossier/signaler.html", form=form, agent=agent, onglets=ONGLETS)
    if not form.validate():
        return render_template("app/dossier/signaler.html", form=form, agent=agent, onglets=ONGLETS), 400
    session = get_session()
    libelle = RUBRIQUES_SIGNALEMENT[form.rubrique.data]
    with write_transaction(session):
        send_message(
            session,
            to_role="gestionnaire",
            sender_account_id=g.account.id,
            subject=f"Changement de situation : {libelle.lower()}",
            body=form.description.data,
            kind="signalement",
            rubrique=form.rubrique.data,
            date_effet=form.date_effet_value,
        )
    flash("Votre signalement a été transmis à votre gestionnaire ; il figure dans votre courrier.",
          "success")
    return redirect(url_for("dossier.onglet", onglet="situation"))


@bp.get("/agents/")
@login_required
@role_required("gestionnaire")
def agents():
    """Find a teacher's dossier by name or identifiant (gestionnaires)."""
    # Control characters (NUL above all) would make PostgreSQL refuse the query: drop them.
    q = "".join(c for c in request.args.get("q", "") if c.isprintable()).strip()[:80]
    rows = []
    if q:
        pattern = f"%{q.lower()}%"
        query = (
            select(Agent, Account.identifiant)
            .join(Account, Account.agent_id == Agent.id)
            .where(or_(func.lower(Agent.nom).like(pattern), func.lower(Agent.prenom).like(pattern),
                       func.lower(Account.identifiant).like(pattern)))
            .order_by(Agent.nom, Agent.prenom)
            .limit(50)
        )
        rows = list(get_session().execute(query))
    return render_template("app/dossier/agents.html", q=q, rows=rows)


@bp.get("/agents/<int:agent_id>/", defaults={"onglet": "synthese"})
@bp.get("/agents/<int:agent_id>/<onglet>")
@login_required
def agent_onglet(agent_id: int, onglet: str):
    """One tab of a teacher's dossier, read by a gestionnaire (a teacher reaches only their own)."""
    agent = load_dossier(agent_id)
    identifiant = get_session().scalar(select(Account.identifiant).where(Account.agent_id == agent.id))
    return _render(agent, onglet, identifiant=identifiant)
