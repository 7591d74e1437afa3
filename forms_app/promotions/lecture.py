"""What the promotion pages read and write: eligibility from the dossier, the list of promouvables, avis,
appréciations, the tableau d'avancement and its publication."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from generator.model import Campaign
from generator.promotion import PromotionRules

from ..comptes.models import Account
from ..core import audit
from ..courrier.messages import send_message
from ..dossier.models import Agent
from ..evaluateurs.access import Portee, premier_degre
from ..rendezvous.models import RendezVous
from .echelons import Position
from .models import AppreciationRecteur, AvisPromotion, Candidature, Promouvable
from .rules import Candidat, Eligibilite, Situation, eligibilite, tableau


def situation(agent: Agent) -> Situation:
    return Situation(corps=agent.corps, grade=agent.grade, echelon=agent.echelon, echelon_depuis=agent.echelon_depuis,
                     date_naissance=agent.date_naissance, corps_depuis=getattr(agent, "corps_depuis", None))


def candidatures_de(db: Session, campaign: Campaign, agent_id: int) -> list[str]:
    return list(db.scalars(select(Candidature.vivier).where(Candidature.campagne == campaign.slug,
                                                             Candidature.agent_id == agent_id)))


def eligibilite_de(db: Session, campaign: Campaign, regles: PromotionRules, agent: Agent, durees) -> Eligibilite:
    return eligibilite(regles, situation(agent), durees, candidatures_de(db, campaign, agent.id))


def ouvrir(db: Session, campaign: Campaign, regles: PromotionRules, durees, moment: datetime,
           actor_id: int | None) -> tuple[int, int, int]:
    """Establish the list of promouvables from the dossiers (idempotent): add the newly eligible, drop those
    no longer eligible who have neither avis nor appréciation, keep the others. (added, removed, total).

    A promouvable without an appréciation gets the one kept for her (reprendre_appreciations); once the dossier
    phase is over, a newly added promouvable's dossier is frozen at once (gel)."""
    applied: dict[int, set[str]] = {}
    for agent_id, vivier in db.execute(select(Candidature.agent_id, Candidature.vivier)
                                       .where(Candidature.campagne == campaign.slug)):
        applied.setdefault(agent_id, set()).add(vivier)
    existing = {p.agent_id: p for p in db.scalars(select(Promouvable).where(Promouvable.campagne == campaign.slug))}
    eligible: dict[int, tuple[Agent, Eligibilite]] = {}
    for agent in db.scalars(select(Agent)):
        result = eligibilite(regles, situation(agent), durees, applied.get(agent.id, ()))
        if result.promouvable and result.position is not None:
            eligible[agent.id] = (agent, result)
    added = removed = 0
    for agent_id, (agent, result) in eligible.items():
        line = existing.get(agent_id)
        if line is None:
            db.add(Promouvable(campagne=campaign.slug, agent_id=agent_id, vivier=result.vivier,
                               echelon=result.position.echelon, echelon_depuis=result.position.depuis,
                               uai=agent.affectation_uai or "", discipline=agent.discipline or "",
                               premier_degre=premier_degre(agent.corps), nature=regles.nature, created_at=moment))
            added += 1
        else:
            line.vivier, line.echelon, line.echelon_depuis = result.vivier, result.position.echelon, result.position.depuis
            line.uai, line.discipline = agent.affectation_uai or "", agent.discipline or ""
            line.premier_degre, line.nature = premier_degre(agent.corps), regles.nature
    gone = [p for agent_id, p in existing.items() if agent_id not in eligible]
    if gone:
        ids = [p.id for p in gone]
        kept = set(db.scalars(select(AvisPromotion.promouvable_id).where(AvisPromotion.promouvable_id.in_(ids))))
        kept |= set(db.scalars(select(AppreciationRecteur.promouvable_id)
                               .where(AppreciationRecteur.promouvable_id.in_(ids))))
        for p in gone:
            if p.id not in kept:
                db.delete(p)
                removed += 1
    db.flush()
    repris = reprendre_appreciations(db, campaign, regles, moment)
    dossier = campaign.phase("dossier")
    figes = 0
    if dossier is not None and dossier.end is not None and dossier.end <= moment:
        from .gel import figer_dossiers

        figes = figer_dossiers(db, campaign, moment, limite=None)[0]
    total = db.scalar(select(func.count(Promouvable.id)).where(Promouvable.campagne == campaign.slug)) or 0
    audit.record(db, actor_id=actor_id, action="promotion.ouverture", target=f"campagne:{campaign.slug}",
                 after={"ajoutes": added, "retires": removed, "promouvables": total, "appreciations_reprises": repris,
                        "dossiers_figes": figes})
    return added, removed, total


def reprendre_appreciations(db: Session, campaign: Campaign, regles: PromotionRules, moment: datetime) -> int:
    """Give each promouvable of the campaign without an appréciation the one kept for her: the latest given in
    an earlier campaign of the same nature, or the appréciation finale of a rendez-vous de carrière the campaign
    takes up (`reprise_rendez_vous`), whichever is the more recent; its origin is recorded. Returns how many."""
    sans = dict(db.execute(
        select(Promouvable.agent_id, Promouvable.id)
        .outerjoin(AppreciationRecteur, AppreciationRecteur.promouvable_id == Promouvable.id)
        .where(Promouvable.campagne == campaign.slug, AppreciationRecteur.promouvable_id.is_(None))).all())
    if not sans:
        return 0
    valides = {v.code for v in regles.appreciations}
    found: dict[int, tuple[datetime, str, str]] = {}  # agent -> (when, value, origin)
    ici = aliased(Promouvable)  # this campaign's line of the same agent
    earlier = (select(Promouvable.agent_id, Promouvable.campagne, AppreciationRecteur.valeur,
                      AppreciationRecteur.updated_at)
               .join(AppreciationRecteur, AppreciationRecteur.promouvable_id == Promouvable.id)
               .join(ici, (ici.agent_id == Promouvable.agent_id) & (ici.campagne == campaign.slug))
               .where(Promouvable.nature == regles.nature, Promouvable.campagne != campaign.slug,
                      AppreciationRecteur.updated_at <= moment))
    for agent_id, campagne, valeur, when in db.execute(earlier):
        if agent_id in sans and valeur in valides and (agent_id not in found or when > found[agent_id][0]):
            found[agent_id] = (when, valeur, f"campagne {campagne}")
    if regles.reprise_rendez_vous:
        rdv = (select(RendezVous.agent_id, RendezVous.campagne, RendezVous.type, RendezVous.appreciation_finale,
                      RendezVous.appreciation_notifiee_at)
               .join(ici, (ici.agent_id == RendezVous.agent_id) & (ici.campagne == campaign.slug))
               .where(RendezVous.type.in_(regles.reprise_rendez_vous),
                      RendezVous.appreciation_notifiee_at.is_not(None), RendezVous.appreciation_notifiee_at <= moment))
        for agent_id, campagne, code, valeur, when in db.execute(rdv):
            if agent_id in sans and valeur in valides and (agent_id not in found or when > found[agent_id][0]):
                found[agent_id] = (when, valeur, f"appréciation finale du rendez-vous de carrière ({campagne}, {code})")
    for agent_id, (_when, valeur, origine) in found.items():
        db.add(AppreciationRecteur(promouvable_id=sans[agent_id], valeur=valeur, origine=origine, account_id=None,
                                   updated_at=moment))
        audit.record(db, actor_id=None, action="promotion.appreciation_reprise", target=f"promouvable:{sans[agent_id]}",
                     after={"appreciation": valeur, "origine": origine})
    db.flush()
    return len(found)


def dans_la_portee(query, reach: Portee):
    """Restrict a query on Promouvable to the account's reach."""
    if reach.tout:
        return query
    if reach.evaluateur == "chef_etablissement":
        return query.where(Promouvable.uai == reach.uai, Promouvable.uai != "")
    if reach.evaluateur == "inspecteur" and reach.circonscription:
        return query.where(Promouvable.premier_degre.is_(True), Promouvable.uai.in_(sorted(reach.uais)))
    if reach.evaluateur == "inspecteur":
        return query.where(Promouvable.discipline == reach.discipline, Promouvable.discipline != "",
                           Promouvable.premier_degre.is_(False))
    return query.where(Promouvable.id.is_(None))


@dataclass
class LigneAvis:
    promouvable: PromouvableLu
    nom: str
    prenom: str
    avis: str | None

    @property
    def depuis(self) -> str:
        """« 01/09/2024 »: the start of her échelon on the reference date."""
        return f"{self.promouvable.echelon_depuis:%d/%m/%Y}"


@dataclass(frozen=True)
class PromouvableLu:
    """What a table row reads of a promouvable (columns, not an ORM object: a table of 300 rows is read on
    every choice saved as you go)."""

    id: int
    agent_id: int
    echelon: int
    echelon_depuis: date


def table_avis(db: Session, campaign: Campaign, reach: Portee) -> list[LigneAvis]:
    """The promouvables in reach, by name, with the avis of the reach's kind of evaluator."""
    query = (select(Promouvable.id, Promouvable.agent_id, Promouvable.echelon, Promouvable.echelon_depuis,
                    Agent.nom, Agent.prenom, AvisPromotion.valeur)
             .join(Agent, Agent.id == Promouvable.agent_id)
             .outerjoin(AvisPromotion, (AvisPromotion.promouvable_id == Promouvable.id)
                        & (AvisPromotion.evaluateur == (reach.evaluateur or "")))
             .where(Promouvable.campagne == campaign.slug)
             .order_by(Agent.nom, Agent.prenom, Promouvable.id))
    return [LigneAvis(PromouvableLu(pid, agent_id, echelon, depuis), nom, prenom, valeur)
            for pid, agent_id, echelon, depuis, nom, prenom, valeur in db.execute(dans_la_portee(query, reach))]


def enregistrer_avis(db: Session, promouvable: Promouvable | PromouvableLu, evaluateur: str, valeur: str | None, actor_id: int,
                     moment: datetime) -> None:
    """Set (or clear, with None) an evaluator's avis; audited."""
    current = db.scalar(select(AvisPromotion).where(AvisPromotion.promouvable_id == promouvable.id,
                                                    AvisPromotion.evaluateur == evaluateur))
    before = current.valeur if current is not None else None
    if before == valeur:
        return
    if valeur is None:
        db.delete(current)
    elif current is None:
        db.add(AvisPromotion(promouvable_id=promouvable.id, evaluateur=evaluateur, valeur=valeur, account_id=actor_id,
                             updated_at=moment))
    else:
        current.valeur, current.account_id, current.updated_at = valeur, actor_id, moment
    audit.record(db, actor_id=actor_id, action="promotion.avis", target=f"promouvable:{promouvable.id}",
                 before={"evaluateur": evaluateur, "avis": before}, after={"evaluateur": evaluateur, "avis": valeur})


@dataclass
class LigneAppreciation:
    promouvable: Promouvable
    nom: str
    prenom: str
    appreciation: str | None
    avis: dict
    origine: str = ""  # where a kept appréciation comes from


def table_appreciations(db: Session, campaign: Campaign, echelon: int | None = None) -> list[LigneAppreciation]:
    """Every promouvable (or those of one échelon), by échelon then name, with her appréciation and the
    evaluators' avis."""
    of_campaign = [Promouvable.campagne == campaign.slug]
    if echelon is not None:
        of_campaign.append(Promouvable.echelon == echelon)
    rows = db.execute(select(Promouvable, Agent.nom, Agent.prenom, AppreciationRecteur.valeur,
                             AppreciationRecteur.origine)
                      .join(Agent, Agent.id == Promouvable.agent_id)
                      .outerjoin(AppreciationRecteur, AppreciationRecteur.promouvable_id == Promouvable.id)
                      .where(*of_campaign)
                      .order_by(Promouvable.echelon, Agent.nom, Agent.prenom, Promouvable.id)).all()
    avis: dict[int, dict] = {}
    for pid, evaluateur, valeur in db.execute(
            select(AvisPromotion.promouvable_id, AvisPromotion.evaluateur, AvisPromotion.valeur)
            .join(Promouvable, Promouvable.id == AvisPromotion.promouvable_id)
            .where(*of_campaign)):
        avis.setdefault(pid, {})[evaluateur] = valeur
    return [LigneAppreciation(p, nom, prenom, valeur, avis.get(p.id, {}), origine or "")
            for p, nom, prenom, valeur, origine in rows]


def enregistrer_appreciation(db: Session, promouvable: Promouvable, valeur: str | None, actor_id: int,
                             moment: datetime) -> None:
    current = db.get(AppreciationRecteur, promouvable.id)
    before = current.valeur if current is not None else None
    if before == valeur:
        return
    if valeur is None:
        db.delete(current)
    elif current is None:
        db.add(AppreciationRecteur(promouvable_id=promouvable.id, valeur=valeur, origine="", account_id=actor_id,
                                   updated_at=moment))
    else:
        current.valeur, current.account_id, current.updated_at, current.origine = valeur, actor_id, moment, ""
    audit.record(db, actor_id=actor_id, action="promotion.appreciation", target=f"promouvable:{promouvable.id}",
                 before={"appreciation": before}, after={"appreciation": valeur})


def comptes_appreciations(lignes: Iterable[LigneAppreciation]) -> dict[int, tuple[int, Counter]]:
    """Per échelon: how many promouvables, and how many of each appréciation."""
    out: dict[int, tuple[int, Counter]] = {}
    for ln in lignes:
        n, counts = out.get(ln.promouvable.echelon, (0, Counter()))
        if ln.appreciation:
            counts[ln.appreciation] += 1
        out[ln.promouvable.echelon] = (n + 1, counts)
    return out


def comptes_appreciations_en_base(db: Session, campaign: Campaign) -> dict[int, tuple[int, Counter]]:
    """The same counts as comptes_appreciations, counted by the database (no row read)."""
    out: dict[int, tuple[int, Counter]] = {}
    for echelon, valeur, n in db.execute(
            select(Promouvable.echelon, AppreciationRecteur.valeur, func.count())
            .outerjoin(AppreciationRecteur, AppreciationRecteur.promouvable_id == Promouvable.id)
            .where(Promouvable.campagne == campaign.slug)
            .group_by(Promouvable.echelon, AppreciationRecteur.valeur)):
        total, counts = out.get(echelon, (0, Counter()))
        if valeur:
            counts[valeur] += n
        out[echelon] = (total + n, counts)
    return out


def classement(db: Session, campaign: Campaign, regles: PromotionRules):
    """The tableau d'avancement as it stands: every promouvable ranked (rules.tableau)."""
    rows = db.execute(select(Promouvable.id, Promouvable.vivier, Promouvable.echelon, Promouvable.echelon_depuis,
                             Agent.nom, Agent.prenom, Agent.date_naissance, Agent.corps_depuis,
                             AppreciationRecteur.valeur)
                      .join(Agent, Agent.id == Promouvable.agent_id)
                      .outerjoin(AppreciationRecteur, AppreciationRecteur.promouvable_id == Promouvable.id)
                      .where(Promouvable.campagne == campaign.slug))
    candidats = [Candidat(pid, nom, prenom, vivier, Position(echelon, depuis), naissance, corps_depuis, valeur)
                 for pid, vivier, echelon, depuis, nom, prenom, naissance, corps_depuis, valeur in rows]
    return tableau(regles, candidats)


def publier(db: Session, campaign: Campaign, regles: PromotionRules, moment: datetime,
            actor_id: int | None) -> int:
    """Publish the tableau: each promouvable not yet told gets her result in her courrier (idempotent: a
    second run sends nothing to those already told). Returns how many messages were sent."""
    lignes = classement(db, campaign, regles)
    by_id = {p.id: p for p in db.scalars(select(Promouvable).where(Promouvable.campagne == campaign.slug))}
    accounts = dict(db.execute(select(Account.agent_id, Account.id)
                               .join(Promouvable, Promouvable.agent_id == Account.agent_id)
                               .where(Promouvable.campagne == campaign.slug)).all())
    sent = 0
    for ln in lignes:
        p = by_id[ln.candidat.id]
        if p.publie_at is not None:
            continue
        p.rang, p.promu, p.publie_at = ln.rang, ln.promu, moment
        account_id = accounts.get(p.agent_id)
        if account_id is None:
            continue
        if ln.promu:
            body = (f"Vous êtes inscrite ou inscrit au tableau d'avancement « {campaign.title} » (rang {ln.rang}, "
                    f"barème {ln.bareme}\u00a0points)\u00a0: vous êtes promu(e) au grade «\u00a0{regles.grade_acces}\u00a0» à compter du "
                    f"{regles.date_reference + timedelta(days=1):%d/%m/%Y}.")
        else:
            body = (f"Vous n'êtes pas inscrite ou inscrit au tableau d'avancement « {campaign.title} » cette année "
                    f"(rang {ln.rang}, barème {ln.bareme} points). Votre dossier sera de nouveau examiné lors de la "
                    "prochaine campagne si vous restez promouvable.")
        message = send_message(db, to_account_id=account_id, sender_account_id=None,
                               subject=f"Résultat\u00a0: {campaign.title}", body=body, kind="resultat")
        p.message_id = message.id
        sent += 1
    audit.record(db, actor_id=actor_id, action="promotion.publication", target=f"campagne:{campaign.slug}",
                 after={"messages": sent})
    return sent


def avis_de(db: Session, promouvable_id: int) -> dict[str, str]:
    return dict(db.execute(select(AvisPromotion.evaluateur, AvisPromotion.valeur)
                           .where(AvisPromotion.promouvable_id == promouvable_id)).all())

