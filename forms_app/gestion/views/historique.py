"""« Historique »: the audit log of a demande or of an agent's dossier, told in words, newest first,
filtered by kind of action; gestionnaire and teacher actions alike, never a secret."""
from __future__ import annotations

from flask import render_template, request, url_for
from sqlalchemy import or_, select

from generator.frdates import NBSP

from ...comptes.access import role_required
from ...comptes.models import Account
from ...core.db import get_session
from ...core.errors import refuse
from ...core.models import AuditEntry
from ...dossier.models import Agent
from ...dossier.views import ONGLETS
from ...mobilite.models import Demande
from ..loaders import campagne_or_404, load_agent, load_demande, site_or_404
from ..rules import ACTIONS, MSG_PAGE, TYPES_ACTION, en_mots, type_de_l_action
from . import bp
from ...core.texte import chiffres

PAR_PAGE = 100
MSG_TYPE = f"Le type d'action «{NBSP}{{valeur}}{NBSP}» n'existe pas{NBSP}: choisissez-en un dans la liste."


def _filtre():
    """(kind of action, page) from the URL; 400 for an unknown kind or a page that is no number."""
    kind = request.args.get("type", "")[:20]
    if kind and kind not in TYPES_ACTION:
        refuse(400, MSG_TYPE.format(valeur=kind))
    raw = request.args.get("page", "1")[:12] or "1"
    if not chiffres(raw) or not 1 <= int(raw) <= 100_000:
        refuse(400, MSG_PAGE.format(valeur=raw))
    return kind, int(raw)


def _entrees(where, kind: str, page: int, libelles: dict[str, str]):
    """The rows of one page, in words, with who did it; and whether a next page exists."""
    query = select(AuditEntry).where(where)
    if kind:
        query = query.where(or_(*(AuditEntry.action.startswith(p) for p in TYPES_ACTION[kind][1])))
    session = get_session()
    rows = list(session.scalars(query.order_by(AuditEntry.id.desc()).offset((page - 1) * PAR_PAGE).limit(PAR_PAGE + 1)))
    suivante = len(rows) > PAR_PAGE
    rows = rows[:PAR_PAGE]
    actors = {r.actor_id for r in rows if r.actor_id is not None}
    names = {}
    if actors:
        for account_id, role, display, prenom, nom in session.execute(
                select(Account.id, Account.role, Account.display_name, Agent.prenom, Agent.nom)
                .outerjoin(Agent, Agent.id == Account.agent_id).where(Account.id.in_(actors))):
            if role == "gestionnaire":
                names[account_id] = f"{display or 'Gestionnaire'} (gestionnaire)"
            else:
                names[account_id] = f"{prenom} {nom} (l'agent)" if nom else "Un enseignant"
    entrees = [{
        "at": r.at, "qui": names.get(r.actor_id, "L'application" if r.actor_id is None else "Compte supprimé"),
        "quoi": ACTIONS.get(r.action, r.action), "type": TYPES_ACTION.get(type_de_l_action(r.action), ("",))[0],
        "details": en_mots(r.action, r.before, r.after, libelles),
    } for r in rows]
    return entrees, suivante


def _liens(endpoint: str, kind: str, page: int, suivante: bool, **ids) -> dict:
    extra = {"type": kind} if kind else {}
    return {
        "precedente": url_for(endpoint, **ids, **extra, page=page - 1) if page > 1 else None,
        "suivante": url_for(endpoint, **ids, **extra, page=page + 1) if suivante else None,
    }


@bp.get("/demandes/<int:demande_id>/historique")
@role_required("gestionnaire")
def historique_demande(demande_id: int):
    demande = load_demande(demande_id)
    campaign = campagne_or_404(demande.campagne)
    kind, page = _filtre()
    agent = get_session().get(Agent, demande.agent_id)
    libelles = {r.code: r.label for r in campaign.bareme}
    entrees, suivante = _entrees(AuditEntry.target == f"demande:{demande_id}", kind, page, libelles)
    return render_template("app/gestion/historique_demande.html", demande=demande, campaign=campaign, agent=agent,
                           entrees=entrees, kind=kind, page=page, types_action=TYPES_ACTION,
                           liens=_liens("gestion.historique_demande", kind, page, suivante, demande_id=demande_id))


@bp.get("/agents/<int:agent_id>/historique")
@role_required("gestionnaire")
def historique_agent(agent_id: int):
    """The dossier's « Historique » tab: the agent's account, dossier and demandes."""
    agent = load_agent(agent_id)
    kind, page = _filtre()
    session = get_session()
    account = session.scalar(select(Account).where(Account.agent_id == agent.id))
    demandes = list(session.scalars(select(Demande.id).where(Demande.agent_id == agent.id)))
    targets = [f"agent:{agent.id}", *(f"demande:{d}" for d in demandes)]
    if account is not None:
        targets.append(f"compte:{account.identifiant}")
    where = AuditEntry.target.in_(targets)
    if account is not None:
        where = or_(where, AuditEntry.actor_id == account.id)
    libelles = {r.code: r.label for c in site_or_404().campaigns for r in c.bareme}
    entrees, suivante = _entrees(where, kind, page, libelles)
    return render_template("app/gestion/historique_agent.html", agent=agent, identifiant=account.identifiant if account else None,
                           onglets=ONGLETS, onglet="historique", titre_onglet="Historique", own=False, entrees=entrees, kind=kind, page=page,
                           types_action=TYPES_ACTION,
                           liens=_liens("gestion.historique_agent", kind, page, suivante, agent_id=agent_id))
