"""The desk's reads: a campaign's demandes filtered, sorted and paged; counts per filter; what each
row of a page shows. Every filter is a condition on `demandes` (EXISTS on the small tables)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, not_, or_, select, text
from sqlalchemy.orm import Session

from generator.model import Campaign

from ..comptes.models import Account
from ..core.models import AuditEntry
from ..dossier.models import Agent
from ..dossier.recherche import identifiant_contient, nom_ou_numen
from ..mobilite.models import BaremeVerification, CorrectionBareme, Demande, Lettre, PieceJointe, Voeu
from .rules import PAR_PAGE, Filtres

D, A = Demande.__table__, Agent.__table__


def _a_des_voeux():
    """A demande with vœux has a first one (ranks run 1..n without gaps): read in ix_voeux_premier."""
    return exists().where(Voeu.demande_id == D.c.id, Voeu.rank == 1)


def _verifiee():
    return exists().where(BaremeVerification.demande_id == D.c.id)


def _lettre_saisie():
    return exists().where(Lettre.demande_id == D.c.id, Lettre.enregistree_at.is_not(None))


def _une_piece(kind: str | None = None):
    condition = [PieceJointe.demande_id == D.c.id]
    if kind is not None:
        condition.append(PieceJointe.kind == kind)
    return exists().where(*condition)


def _corrections(etat: str | None):
    condition = [CorrectionBareme.demande_id == D.c.id]
    if etat is not None:
        condition.append(CorrectionBareme.etat == etat)
    return exists().where(*condition)


def _starred(campaign: Campaign) -> list[str]:
    return [m.code for m in campaign.mouvements if m.lettre_motivation]


def conditions(campaign: Campaign, f: Filtres) -> list:
    """The WHERE clauses of the filters (the campaign's own included)."""
    where = [D.c.campagne == campaign.slug]
    if f.mouvement:
        where.append(D.c.mouvement == f.mouvement)
    if f.discipline:
        where.append(D.c.discipline == f.discipline)
    if f.etat == "sans_voeu":
        where.append(not_(_a_des_voeux()))
    elif f.etat == "a_verifier":
        where.extend([_a_des_voeux(), not_(_verifiee())])
    elif f.etat == "verifiee":
        where.append(_verifiee())
    if f.lettre == "saisie":
        where.append(_lettre_saisie())
    elif f.lettre == "manquante":
        where.extend([D.c.mouvement.in_(_starred(campaign) or [""]), not_(_lettre_saisie())])
    if f.pieces == "manquantes":
        required = [p.code for p in campaign.pieces if p.required]
        where.append(or_(*(not_(_une_piece(k)) for k in required)) if required else D.c.id.is_(None))
    elif f.pieces == "aucune":
        where.append(not_(_une_piece()))
    elif f.pieces == "jointes":
        where.append(_une_piece())
    if f.corrections == "en_attente":
        where.append(_corrections("envoyee"))
    elif f.corrections == "toutes":
        where.append(_corrections(None))
    if f.uais is not None:
        where.append(A.c.affectation_uai.in_(f.uais or [""]))
    if f.q:
        identifiants = select(Account.agent_id).where(identifiant_contient(f.q, Account.identifiant))
        where.append(or_(nom_ou_numen(f.q, A.c.recherche, A.c.numen), A.c.id.in_(identifiants)))
    return where


def _ordre(tri: str) -> list:
    nom = [A.c.nom, A.c.prenom, D.c.id]
    return {
        "nom": nom,
        "nom-desc": [c.desc() for c in nom],
        "date": [D.c.created_at, D.c.id],
        "date-desc": [D.c.created_at.desc(), D.c.id.desc()],
        "mouvement": [D.c.mouvement, A.c.nom, A.c.prenom, D.c.id],
    }[tri]


def selection(campaign: Campaign, f: Filtres):
    """SELECT demandes.id of the filtered list, in its order."""
    return select(D.c.id).select_from(D.join(A, A.c.id == D.c.agent_id)).where(*conditions(campaign, f))


def ids_filtres(session: Session, campaign: Campaign, f: Filtres, limit: int | None = None) -> list[int]:
    query = selection(campaign, f).order_by(*_ordre(f.tri))
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


@dataclass
class Ligne:
    demande_id: int
    agent_id: int
    nom: str
    prenom: str
    identifiant: str
    mouvement: str
    discipline: str
    affectation_uai: str
    created_at: object
    nb_voeux: int = 0
    lettre: bool = False
    pieces: int = 0
    verifiee: bool = False
    corrections_en_attente: int = 0


def page_de(session: Session, campaign: Campaign, f: Filtres) -> tuple[int, list[Ligne]]:
    """(number of demandes that match, the rows of the asked page), in one query: the filtered list is
    counted by a window over it, then only the page's rows get their details (vœux, lettre, pièces…)."""
    order = _ordre(f.tri)
    page = (select(D.c.id, D.c.agent_id, A.c.nom, A.c.prenom, D.c.mouvement, D.c.discipline, A.c.affectation_uai,
                   D.c.created_at, func.count().over().label("total"),
                   func.row_number().over(order_by=order).label("pos"))
            .select_from(D.join(A, A.c.id == D.c.agent_id)).where(*conditions(campaign, f))
            .order_by(*order).offset((f.page - 1) * PAR_PAGE).limit(PAR_PAGE).subquery("page"))
    pid = page.c.id
    rows = session.execute(select(
        page,
        select(func.count()).select_from(Voeu.__table__).where(Voeu.demande_id == pid).scalar_subquery().label("nb_voeux"),
        exists().where(Lettre.demande_id == pid, Lettre.enregistree_at.is_not(None)).label("lettre"),
        select(func.count()).select_from(PieceJointe.__table__).where(PieceJointe.demande_id == pid)
        .scalar_subquery().label("pieces"),
        exists().where(BaremeVerification.demande_id == pid).label("verifiee"),
        select(func.count()).select_from(CorrectionBareme.__table__)
        .where(CorrectionBareme.demande_id == pid, CorrectionBareme.etat == "envoyee").scalar_subquery().label("corr"),
        select(Account.identifiant).where(Account.agent_id == page.c.agent_id).limit(1).scalar_subquery()
        .label("identifiant"),
    ).order_by(page.c.pos)).all()
    if not rows:
        total = session.scalar(select(func.count()).select_from(D.join(A, A.c.id == D.c.agent_id))
                               .where(*conditions(campaign, f))) or 0
        return total, []
    lignes = [Ligne(r.id, r.agent_id, r.nom, r.prenom, r.identifiant or "", r.mouvement, r.discipline,
                    r.affectation_uai, r.created_at, r.nb_voeux, bool(r.lettre), r.pieces, bool(r.verifiee), r.corr)
              for r in rows]
    return rows[0].total, lignes


def comptes(session: Session, campaign: Campaign) -> dict[str, dict[str, int]]:
    """For each filter, the number of the campaign's demandes under each of its values."""
    slug = campaign.slug
    in_campaign = D.c.campagne == slug
    out: dict[str, dict[str, int]] = {"mouvement": {}, "discipline": {}, "etat": {}, "lettre": {}, "pieces": {},
                                      "corrections": {}}
    total = session.scalar(select(func.count()).select_from(D).where(in_campaign)) or 0
    out["total"] = {"": total}
    for code, n in session.execute(select(D.c.mouvement, func.count()).where(in_campaign).group_by(D.c.mouvement)):
        out["mouvement"][code] = n
    for code, n in session.execute(select(D.c.discipline, func.count()).where(in_campaign).group_by(D.c.discipline)):
        out["discipline"][code] = n
    avec_voeux = session.scalar(select(func.count()).select_from(D).where(in_campaign, _a_des_voeux())) or 0
    verifiees = session.scalar(select(func.count()).select_from(
        BaremeVerification.__table__.join(D, D.c.id == BaremeVerification.demande_id)).where(in_campaign)) or 0
    verifiees_avec = session.scalar(select(func.count()).select_from(
        BaremeVerification.__table__.join(D, D.c.id == BaremeVerification.demande_id))
        .where(in_campaign, _a_des_voeux())) or 0
    out["etat"] = {"sans_voeu": total - avec_voeux, "a_verifier": avec_voeux - verifiees_avec, "verifiee": verifiees}
    saisies = session.scalar(select(func.count()).select_from(Lettre.__table__.join(D, D.c.id == Lettre.demande_id))
                             .where(in_campaign, Lettre.enregistree_at.is_not(None))) or 0
    starred = _starred(campaign)
    manquantes = session.scalar(select(func.count()).select_from(D).where(
        in_campaign, D.c.mouvement.in_(starred or [""]), not_(_lettre_saisie()))) or 0
    out["lettre"] = {"saisie": saisies, "manquante": manquantes}
    avec_piece = session.scalar(select(func.count(func.distinct(PieceJointe.demande_id))).select_from(
        PieceJointe.__table__.join(D, D.c.id == PieceJointe.demande_id)).where(in_campaign)) or 0
    required = [p.code for p in campaign.pieces if p.required]
    manquent = session.scalar(select(func.count()).select_from(D).where(
        in_campaign, or_(*(not_(_une_piece(k)) for k in required)))) if required else 0
    out["pieces"] = {"manquantes": manquent or 0, "aucune": total - avec_piece, "jointes": avec_piece}
    corr = CorrectionBareme.__table__.join(D, D.c.id == CorrectionBareme.demande_id)
    out["corrections"] = {
        "en_attente": session.scalar(select(func.count(func.distinct(CorrectionBareme.demande_id))).select_from(corr)
                                     .where(in_campaign, CorrectionBareme.etat == "envoyee")) or 0,
        "toutes": session.scalar(select(func.count(func.distinct(CorrectionBareme.demande_id))).select_from(corr)
                                 .where(in_campaign)) or 0,
    }
    return out


def generation(conn) -> tuple:
    """Moves on with every write of the app (each is audited): the key of what the desk keeps per worker.

    On PostgreSQL an audit row's id is taken when it is written, not when its transaction commits, so a
    transaction still open may hold a smaller id than the last one seen: the write transactions running
    in this database (pg_stat_activity.backend_xid, one role for all the app's connections) are part of
    the key, which changes when one of them ends. A write that has not written yet will take a larger
    audit id. SQLite writers commit one after the other, in the order of their ids.
    """
    if conn.dialect.name == "postgresql":
        return tuple(conn.execute(_GENERATION_PG).one())
    return (conn.execute(select(func.max(AuditEntry.id))).scalar() or 0,)


_GENERATION_PG = text(
    "SELECT (SELECT max(id) FROM audit_log), "
    "(SELECT string_agg(backend_xid::text, ',' ORDER BY backend_xid::text) FROM pg_stat_activity "
    " WHERE datname = current_database() AND backend_xid IS NOT NULL)"
)


def demandes_de_la_campagne(session: Session, campaign: Campaign, ids: list[int]) -> list[int]:
    """The ids given that are demandes of this campaign (a forged id is left out)."""
    if not ids:
        return []
    found = set(session.scalars(select(D.c.id).where(D.c.id.in_(ids), and_(D.c.campagne == campaign.slug))))
    return [i for i in ids if i in found]
