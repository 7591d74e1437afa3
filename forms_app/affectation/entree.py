"""The engine's input, built from what the database and the content say: pure (no Flask, no database).

A simulation allocates one movement of one campaign. Its candidates are the movement's demandes that are
receivable, not cancelled and hold at least one vœu; each vœu carries the barème the gestionnaire's desk
shows for it (mobilite.rules.bareme: the dossier's elements with his decisions, « vérifié » or not); the
postes are the campaign's vacant postes (data/postes, état V) and, in a movement without lettre de
motivation (the general movement), the seats the candidates hold: a seat whose holder obtains a vœu is
free for the others in the same run (the chains). Ties, the order inside a zone and the extension table
come from the campaign's `affectation` key (generator.model.AffectationRules). docs/affectation.md.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from generator.model import ETAB_RESTRICTIONS, Campaign, Referentiel
from generator.model import Mouvement as MouvementCampagne
from generator.model import Poste as PosteVacant

from ..confirmations.models import ANNULEE, NON_RECEVABLE
from ..mobilite.rules.bareme import Decision, Dossier, Lieu, VoeuLieu, dans, elements_retenus, lieu_declare, lieu_du_voeu
from ..mobilite.rules.demandes import est_recevable
from .engine import Candidat, Mouvement, Poste, Voeu, ZoneKey, ZoneOrder, by_poste_id, by_uai

NBSP = "\u00a0"
# Why a demande of the movement takes no part in the simulation.
EXCLUE_NON_RECEVABLE = "non recevable"
EXCLUE_ANNULEE = "annulée"
EXCLUE_SANS_VOEU = "sans vœu"
EXCLUSIONS = {
    EXCLUE_NON_RECEVABLE: f"non recevable{NBSP}: lettre de motivation absente à la clôture de la saisie",
    EXCLUE_ANNULEE: f"annulée{NBSP}: confirmation de demande non retournée",
    EXCLUE_SANS_VOEU: "aucun vœu saisi",
}
COUPLE = ("marié", "mariée", "marié(e)", "pacsé", "pacsée", "pacsé(e)")
# The id of the seat a holder occupies (her établissement, her discipline): a poste of capacity 1.
SIEGE = "titulaire-"
_TOUS_LES_VOEUX = (None, None, None)  # the scope of an element that bears on every vœu (elements_retenus)


@dataclass(frozen=True, slots=True)
class VoeuLu:
    """One vœu of a demande, as stored: rank, type, code, restriction to a type d'établissement ("" none)."""

    rang: int
    type: str
    code: str
    type_etab: str = ""


@dataclass(frozen=True, slots=True)
class DemandeLue:
    """One demande of the movement with what the simulation reads of its agent, its barème and its état."""

    demande_id: int
    agent_id: int
    discipline: str  # the demande's, or the agent's when the movement asks none
    voeux: tuple[VoeuLu, ...]
    dossier: Dossier
    affectation_uai: str = ""
    date_naissance: date | None = None
    lettre_enregistree: bool = False
    confirmation: str = ""  # ConfirmationDemande.etat, "" when none was sent
    situations: Mapping[str, str] = field(default_factory=dict)  # declared: key -> code
    decisions: Mapping[str, Decision] = field(default_factory=dict)
    verifiee: bool = False


@dataclass(frozen=True, slots=True)
class Participant:
    """Who an engine candidate is: the demande, the agent, her current établissement."""

    demande_id: int
    agent_id: int
    uai_actuel: str  # "" for an entrant
    entrant: bool  # no seat in the académie: must be placed (general movement)
    verifiee: bool


@dataclass(frozen=True)
class Entree:
    """Everything a run needs, and what the pages say about the input."""

    mouvement: Mouvement
    extension: Mapping[ZoneKey, tuple[ZoneKey, ...]] | None
    zone_order: ZoneOrder
    participants: Mapping[str, Participant]  # engine candidate id -> who
    exclues: tuple[tuple[int, int, str], ...]  # (demande id, agent id, EXCLUE_*)
    postes_vacants: int
    sieges: int  # seats held by candidates, offered to the others when they move
    non_verifiees: int


def restrictions_of(type_etab: str) -> tuple[str, ...]:
    """The vœu restrictions an établissement type answers (LPO: « lycée » and « lycée professionnel »)."""
    return tuple(code for code, (_label, types) in ETAB_RESTRICTIONS.items() if type_etab in types)


def groupements_par_commune(ref: Referentiel) -> dict[str, tuple[str, ...]]:
    """Commune → the codes of the groupements holding it."""
    index: dict[str, list[str]] = {}
    for groupement in ref.groupements.values():
        for commune in groupement.communes:
            index.setdefault(commune, []).append(groupement.code)
    return {commune: tuple(sorted(codes)) for commune, codes in index.items()}


def poste_at(poste_id: str, discipline: str, uai: str, ref: Referentiel,
             groupements: Mapping[str, tuple[str, ...]]) -> Poste | None:
    """A poste of one seat at an établissement of the référentiel, with its zones; None when unknown."""
    etab = ref.etablissements.get(uai)
    if etab is None:
        return None
    departement = ref.departements.get(etab.departement)
    return Poste(poste_id, discipline, 1, uai, etab.type, etab.commune, groupements.get(etab.commune, ()),
                 etab.departement, departement.academie if departement else None,
                 restrictions=restrictions_of(etab.type))


def baremes(portees, voeux: Sequence[VoeuLieu], situations: Mapping[str, Lieu]) -> tuple[tuple[float, ...], float]:
    """(the barème of each vœu, the barème stripped of vœu-specific bonuses), from the demande's elements as
    mobilite.rules.bareme keeps them (elements_retenus): what bareme_par_voeu totals, the elements that bear
    on every vœu added once (the stripped barème is theirs: the extension's, a holder's claim on her seat)."""
    base = 0.0
    limites = []
    for scope, element in portees:
        if scope == _TOUS_LES_VOEUX:
            base += element.points
        else:
            limites.append((scope, element.points))
    if not limites:
        total = round(base, 2)
        return tuple(total for _v in voeux), total
    return (tuple(round(base + sum(p for scope, p in limites if dans(scope, v, situations)), 2) for v in voeux),
            round(base, 2))


def exclusion(mouvement: MouvementCampagne | None, demande: DemandeLue) -> str | None:
    """Why the demande takes no part (EXCLUE_*), or None."""
    if demande.confirmation == ANNULEE:
        return EXCLUE_ANNULEE
    if demande.confirmation == NON_RECEVABLE or not est_recevable(mouvement, demande.lettre_enregistree):
        return EXCLUE_NON_RECEVABLE
    if not demande.voeux:
        return EXCLUE_SANS_VOEU
    return None


def tie_break(criteres: Sequence[str], demande: DemandeLue) -> tuple[int, ...]:
    """The campaign's tie-break key (the smaller first): couple first, more children, older."""
    key = []
    for critere in criteres:
        if critere == "situation_familiale":
            key.append(0 if demande.dossier.situation_familiale.strip().lower() in COUPLE else 1)
        elif critere == "enfants":
            key.append(-demande.dossier.enfants)
        elif critere == "age":
            key.append(demande.date_naissance.toordinal() if demande.date_naissance else date.max.toordinal())
    return tuple(key)


class Constructeur:
    """Add the movement's demandes (in chunks, for the progress), then `entree()`."""

    def __init__(self, campaign: Campaign, mouvement: str, ref: Referentiel, postes: Iterable[PosteVacant]) -> None:
        self.campaign, self.ref = campaign, ref
        self.mouvement = campaign.mouvement(mouvement)
        # The general movement (no lettre de motivation) frees the seats of movers: chains, extension.
        self.chaines = self.mouvement is not None and not self.mouvement.lettre_motivation
        self.regles = campaign.affectation
        self.groupements = groupements_par_commune(ref)
        self.postes: list[Poste] = []
        for p in postes:
            if p.campagne == campaign.slug and p.mouvement == mouvement and p.etat == "V":
                poste = poste_at(p.code_poste, p.discipline_code, p.uai, ref, self.groupements)
                if poste is not None:
                    self.postes.append(poste)
        self.postes_vacants = len(self.postes)
        self.candidats: list[Candidat] = []
        self.participants: dict[str, Participant] = {}
        self.exclues: list[tuple[int, int, str]] = []
        self.sieges = self.non_verifiees = 0
        self._lieux: dict[tuple[str, str], Lieu] = {}
        self._debut: dict[str, ZoneKey] = {}  # entrant id -> the zone of her vœu 1
        # Dossiers alike (grade, échelon, years in the post…) with the same decisions share their elements.
        self._portees: dict[tuple, tuple] = {}

    def _lieu(self, type_: str, code: str) -> Lieu:
        key = (type_, code)
        lieu = self._lieux.get(key)
        if lieu is None:
            lieu = self._lieux[key] = lieu_du_voeu(self.ref, type_, code)
        return lieu

    def ajouter(self, demandes: Iterable[DemandeLue]) -> None:
        """Turn each demande into a candidate, or record why it is left out."""
        for d in demandes:
            why = exclusion(self.mouvement, d)
            if why is not None:
                self.exclues.append((d.demande_id, d.agent_id, why))
                continue
            ident = str(d.demande_id)
            voeux = tuple(sorted(d.voeux, key=lambda v: v.rang))
            lieux = [VoeuLieu(v.rang, v.type, v.code, self._lieu(v.type, v.code)) for v in voeux]
            situations = {k: lieu for k, v in d.situations.items() if (lieu := lieu_declare(self.ref, k, v)) is not None}
            key = (d.dossier, tuple(sorted(d.decisions.items())), d.verifiee)
            portees = self._portees.get(key)
            if portees is None:
                if len(self._portees) > 20_000:
                    self._portees.clear()  # memory stays bounded whatever the campaign
                portees = self._portees[key] = elements_retenus(self.campaign.bareme, d.dossier, dict(d.decisions),
                                                                verifie=d.verifiee)
            par_voeu, base = baremes(portees, lieux, situations)
            actuel = None
            if self.chaines and d.affectation_uai in self.ref.etablissements:
                siege = poste_at(SIEGE + ident, d.discipline, d.affectation_uai, self.ref, self.groupements)
                if siege is not None:
                    self.postes.append(siege)
                    actuel = siege.id
                    self.sieges += 1
            entrant = self.chaines and actuel is None
            self.candidats.append(Candidat(
                id=ident, discipline=d.discipline,
                voeux=tuple(Voeu(v.type, v.code, v.type_etab or None) for v in voeux),
                baremes=par_voeu, bareme_base=base, tie_break=tie_break(self.regles.departage, d),
                poste_actuel=actuel, must_be_placed=entrant,
            ))
            self.participants[ident] = Participant(d.demande_id, d.agent_id, d.affectation_uai, entrant, d.verifiee)
            self.non_verifiees += not d.verifiee
            if entrant:
                lieu = lieux[0].lieu
                self._debut[ident] = ("DPT", lieu.departement) if lieu.departement else ("ACA", lieu.academie)

    def extension(self) -> dict[ZoneKey, tuple[ZoneKey, ...]] | None:
        """The engine's table, keyed by each entrant's vœu 1, from the campaign's lines by département or
        académie (a vœu 1 in a département without its line falls back on its académie's)."""
        lignes = dict(self.regles.extension)
        if not self.chaines or not lignes:
            return None
        table: dict[ZoneKey, tuple[ZoneKey, ...]] = {}
        by_id = {c.id: c for c in self.candidats if c.must_be_placed}
        for ident, debut in self._debut.items():
            voeu1 = by_id[ident].voeux[0].zone
            zones = lignes.get(debut)
            if zones is None and debut[0] == "DPT":
                departement = self.ref.departements.get(debut[1])
                zones = lignes.get(("ACA", departement.academie)) if departement else None
            if zones is not None:
                table[voeu1] = zones
        return table

    def entree(self) -> Entree:
        order = by_uai if self.regles.ordre_zone == "uai" else by_poste_id
        return Entree(
            mouvement=Mouvement(tuple(self.candidats), tuple(self.postes)),
            extension=self.extension(), zone_order=order, participants=dict(self.participants),
            exclues=tuple(self.exclues), postes_vacants=self.postes_vacants, sieges=self.sieges,
            non_verifiees=self.non_verifiees,
        )


def construire(campaign: Campaign, mouvement: str, ref: Referentiel, postes: Iterable[PosteVacant],
               demandes: Iterable[DemandeLue]) -> Entree:
    """The whole input at once (tests, the bench); the simulation adds the demandes chunk by chunk."""
    constructeur = Constructeur(campaign, mouvement, ref, postes)
    constructeur.ajouter(demandes)
    return constructeur.entree()
