"""Promotion rules (SIAP), pure: eligibility at the reference date, quotas, barème, ties, the tableau.

Every number comes from the campaign file (generator.promotion.PromotionRules) and data/echelons.csv;
nothing here imports Flask or touches the database.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from generator.frdates import date_fr
from generator.promotion import DEPARTAGE, PromotionRules, Valeur, Vivier

from .echelons import Position, mois_entre, position_au
from ..core.texte import chiffres


@dataclass(frozen=True)
class Situation:
    """What the dossier says of an agent, as eligibility reads it."""

    corps: str
    grade: str
    echelon: int
    echelon_depuis: date | None
    date_naissance: date
    corps_depuis: date | None = None


@dataclass(frozen=True)
class Eligibilite:
    promouvable: bool
    motif: str  # « promouvable : 9e échelon depuis le 1er mars 2025 » or why not
    vivier: str | None = None
    position: Position | None = None  # échelon at the reference date, and since when


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"


def _mois(n: int) -> str:
    return f"{n}\u00a0mois"


def vivier_ok(vivier: Vivier, position: Position, reference: date) -> bool:
    """In this vivier's échelon range, with enough time in the échelon on the reference day."""
    if position.echelon < vivier.echelon_min:
        return False
    if position.echelon > vivier.echelon_min:
        return True
    return mois_entre(position.depuis, reference) >= vivier.anciennete_echelon_min_mois


def concerne(regles: PromotionRules, situation: Situation) -> bool:
    """Whether the campaign is for her corps and grade at all (promouvable or not yet)."""
    return ((not regles.corps or _norm(situation.corps) in {_norm(c) for c in regles.corps})
            and _norm(situation.grade) == _norm(regles.grade_origine))


def eligibilite(regles: PromotionRules, situation: Situation, durees: Mapping,
                candidatures: Iterable[str] = ()) -> Eligibilite:
    """Whether the agent is promouvable on the campaign's reference date, in which vivier, and why (not).

    `candidatures`: the viviers she applied to (a vivier with `candidature` needs one)."""
    applied = set(candidatures)
    if regles.corps and _norm(situation.corps) not in {_norm(c) for c in regles.corps}:
        return Eligibilite(False, f"non promouvable\u00a0: la campagne concerne les corps {', '.join(regles.corps)}.")
    if _norm(situation.grade) != _norm(regles.grade_origine):
        return Eligibilite(False, f"non promouvable\u00a0: la campagne concerne le grade «\u00a0{regles.grade_origine}\u00a0» "
                                  f"(votre grade\u00a0: {situation.grade}).")
    if situation.echelon_depuis is None:
        return Eligibilite(False, "non promouvable\u00a0: la date d'entrée dans votre échelon manque à votre dossier\u00a0; "
                                  "signalez-la à votre gestionnaire.")
    reference = regles.date_reference
    position = position_au(durees, situation.corps, situation.grade,
                           Position(situation.echelon, situation.echelon_depuis), reference)
    depuis = f"{_ordinal(position.echelon)} échelon depuis le {date_fr(position.depuis, weekday=False)}"
    for vivier in regles.viviers:
        if not vivier_ok(vivier, position, reference):
            continue
        if vivier.candidature and vivier.code not in applied:
            continue
        label = "" if len(regles.viviers) == 1 else f" ({vivier.label.lower()})"
        return Eligibilite(True, f"promouvable{label}\u00a0: {depuis}, situation au "
                                 f"{date_fr(reference, weekday=False)}.", vivier.code, position)
    needs = regles.viviers[0]
    open_to_application = [v for v in regles.viviers if v.candidature and vivier_ok(v, position, reference)]
    if open_to_application:
        v = open_to_application[0]
        return Eligibilite(False, f"promouvable sur candidature seulement ({v.label.lower()})\u00a0: {depuis}\u00a0; "
                                  "déposez votre candidature pendant la phase de candidature.", None, position)
    months = mois_entre(position.depuis, reference)
    if position.echelon == needs.echelon_min:
        why = (f"{_mois(months)} dans le {_ordinal(position.echelon)} échelon au "
               f"{date_fr(reference, weekday=False)}, il en faut {_mois(needs.anciennete_echelon_min_mois)}")
    else:
        why = (f"{_ordinal(position.echelon)} échelon au {date_fr(reference, weekday=False)}, il faut le "
               f"{_ordinal(needs.echelon_min)} échelon"
               + (f" depuis {_mois(needs.anciennete_echelon_min_mois)}" if needs.anciennete_echelon_min_mois else ""))
    return Eligibilite(False, f"non promouvable\u00a0: {why}.", None, position)


def plage_points(regles: PromotionRules, position: Position) -> int:
    """Points for the position in the plage d'appel on the reference date (0 outside the table)."""
    years = mois_entre(position.depuis, regles.date_reference) // 12
    rows = [r for r in regles.plage_appel if r.echelon == position.echelon and r.annees <= years]
    if rows:
        return max(rows, key=lambda r: r.annees).points
    lower = [r for r in regles.plage_appel if r.echelon < position.echelon]
    above = [r for r in regles.plage_appel if r.echelon > position.echelon]
    if lower and not above:  # beyond the table's last échelon: its best row
        return max(r.points for r in lower)
    return 0


def bareme(regles: PromotionRules, position: Position, appreciation: str | None) -> int:
    """Plage d'appel + the recteur's appréciation (an agent without one gets only the plage)."""
    valeur = regles.appreciation(appreciation)
    return plage_points(regles, position) + (valeur.points or 0 if valeur is not None else 0)


def arrondir(value: float, arrondi: str) -> int:
    """Round a share of agents as the campaign says (inferieur, superieur, plus_proche)."""
    if arrondi == "superieur":
        return math.ceil(value - 1e-9)
    if arrondi == "plus_proche":
        return math.floor(value + 0.5)
    return math.floor(value + 1e-9)


def quota_max(nombre: int, pourcent: float, arrondi: str = "inferieur") -> int:
    """At most this many agents of `nombre` may get a value limited to `pourcent`."""
    return arrondir(nombre * pourcent / 100, arrondi)


@dataclass(frozen=True)
class Quota:
    valeur: Valeur
    maximum: int
    utilise: int

    @property
    def restant(self) -> int:
        return max(0, self.maximum - self.utilise)


def quotas(valeurs: Sequence[Valeur], nombre: int, comptes: Mapping[str, int], arrondi: str) -> list[Quota]:
    """The values with a quota, their maximum for `nombre` agents and how many are given."""
    return [Quota(v, quota_max(nombre, v.quota_pourcent, arrondi), comptes.get(v.code, 0))
            for v in valeurs if v.quota_pourcent is not None]


def refus_quota(valeurs: Sequence[Valeur], nombre: int, comptes: Mapping[str, int], arrondi: str,
                nouvelle: str | None, ancienne: str | None) -> str | None:
    """Why giving `nouvelle` (instead of `ancienne`) would break a quota; None when it may be given."""
    if nouvelle is None or nouvelle == ancienne:
        return None
    valeur = next((v for v in valeurs if v.code == nouvelle), None)
    if valeur is None or valeur.quota_pourcent is None:
        return None
    maximum = quota_max(nombre, valeur.quota_pourcent, arrondi)
    if comptes.get(nouvelle, 0) + 1 > maximum:
        pct = f"{valeur.quota_pourcent:g}".replace(".", ",")
        return (f"Quota atteint pour «\u00a0{valeur.label}\u00a0»\u00a0: {maximum} au plus sur {nombre} ({pct}\u202f%). "
                "Choisissez une autre valeur, ou retirez d'abord cette valeur à un autre agent.")
    return None


@dataclass(frozen=True)
class Candidat:
    """One promouvable as the tableau ranks her."""

    id: int
    nom: str
    prenom: str
    vivier: str
    position: Position
    date_naissance: date
    corps_depuis: date | None
    appreciation: str | None


@dataclass
class Ligne:
    candidat: Candidat
    bareme: int
    rang: int = 0
    promu: bool = False
    ex_aequo: bool = False  # same barème and same tie-breaking criteria as a neighbour
    plage: int = 0
    points_appreciation: int = 0
    departage: tuple = field(default=(), repr=False)


def cle_departage(regles: PromotionRules, c: Candidat) -> tuple:
    """Sort key of the campaign's tie-breaking criteria (smaller first)."""
    key: list = []
    for critere in regles.departage:
        if critere == "echelon":
            key.append(-c.position.echelon)
        elif critere == "anciennete_echelon":
            key.append(c.position.depuis)
        elif critere == "anciennete_corps":
            key.append(c.corps_depuis or date.max)
        elif critere == "age":
            key.append(c.date_naissance)
    return tuple(key)


def contingents(regles: PromotionRules, effectifs: Mapping[str, int]) -> dict[str, int]:
    """Promotions per vivier: the rate of all promouvables, shared by the viviers' parts when given."""
    total = arrondir(sum(effectifs.values()) * regles.taux_promotion / 100, regles.arrondi)
    if all(v.part_pourcent is None for v in regles.viviers):
        return {"": total}
    return {v.code: arrondir(total * (v.part_pourcent or 0) / 100, regles.arrondi) for v in regles.viviers}


def tableau(regles: PromotionRules, candidats: Iterable[Candidat]) -> list[Ligne]:
    """Rank by barème then the tie-breaking criteria; promote up to each vivier's contingent.

    Agents equal on every criterion are marked ex aequo (listed by name, then id, so that the order is
    stable); the gestionnaires see them."""
    lignes = []
    for c in candidats:
        valeur = regles.appreciation(c.appreciation)
        plage = plage_points(regles, c.position)
        points = (valeur.points or 0) if valeur is not None else 0
        lignes.append(Ligne(c, plage + points, plage=plage, points_appreciation=points,
                            departage=cle_departage(regles, c)))
    lignes.sort(key=lambda ln: (-ln.bareme, ln.departage, ln.candidat.nom.casefold(), ln.candidat.prenom.casefold(),
                                ln.candidat.id))
    effectifs: dict[str, int] = {}
    for ln in lignes:
        effectifs[ln.candidat.vivier] = effectifs.get(ln.candidat.vivier, 0) + 1
    parts = contingents(regles, effectifs)
    used: dict[str, int] = {}
    for rang, ln in enumerate(lignes, start=1):
        ln.rang = rang
        group = "" if "" in parts else ln.candidat.vivier
        if used.get(group, 0) < parts.get(group, 0):
            ln.promu = True
            used[group] = used.get(group, 0) + 1
    for before, after in zip(lignes, lignes[1:]):
        if (before.bareme, before.departage) == (after.bareme, after.departage):
            before.ex_aequo = after.ex_aequo = True
    return lignes


def criteres_departage(regles: PromotionRules) -> str:
    """« à barème égal : l'échelon le plus élevé, puis … »"""
    if not regles.departage:
        return "à barème égal, les agents sont classés par ordre alphabétique"
    return "à barème égal\u00a0: " + ", puis ".join(DEPARTAGE[c] for c in regles.departage)


# The recteur's page of appréciations: one échelon of the plage d'appel at a time once the list is long.
TOUS = "tous"
UN_ECHELON_AU_DELA = 1000  # more promouvables than this: the page opens on the first échelon


@dataclass(frozen=True)
class VueAppreciations:
    """Which rows the recteur's page shows: one échelon (None: all) and, or not, only those still to fill."""

    echelon: int | None
    a_renseigner: bool

    def args(self) -> dict[str, str]:
        """The URL's query for this view (what a link or a redirect carries)."""
        out = {"echelon": TOUS if self.echelon is None else str(self.echelon)}
        if self.a_renseigner:
            out["a_renseigner"] = "1"
        return out


def lire_vue_appreciations(args: Mapping[str, str], echelons: Sequence[int], total: int) -> VueAppreciations | str:
    """The view the URL asks for, or a French message saying what to fix. Without `echelon`: every échelon,
    or the first one when more than UN_ECHELON_AU_DELA promouvables would make one heavy page."""
    raw = (args.get("echelon") or "").strip()
    if raw == "":
        echelon = echelons[0] if echelons and total > UN_ECHELON_AU_DELA else None
    elif raw == TOUS:
        echelon = None
    elif chiffres(raw) and int(raw) in echelons:
        echelon = int(raw)
    else:
        known = ", ".join(str(e) for e in echelons) or "aucun pour l'instant"
        return (f"Échelon «\u00a0{raw[:20]}\u00a0» inconnu\u00a0: choisissez un échelon de la plage d'appel "
                f"({known}) ou «\u00a0tous\u00a0».")
    flag = (args.get("a_renseigner") or "").strip()
    if flag not in ("", "1"):
        return "Le filtre «\u00a0à renseigner\u00a0» vaut 1 ou est absent\u00a0: retirez-le de l'adresse."
    return VueAppreciations(echelon, flag == "1")
