"""The provisional barème of a demande, computed from the dossier by the campaign's rules (data)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from generator.frdates import NBSP
from generator.model import VOEU_TYPES, BaremeRule

SUR_JUSTIFICATIF = f"Sur demande et justificatif{NBSP}: examiné par votre gestionnaire."
NON_CALCULE = f"Élément non calculé automatiquement{NBSP}: examiné par votre gestionnaire."


@dataclass(frozen=True)
class Dossier:
    """What the barème reads of an agent's dossier."""

    corps: str
    grade: str
    echelon: int
    affectation_depuis: date | None
    education_prioritaire: str  # of the current établissement: "", "REP", "REP+"
    situation_familiale: str
    enfants: int
    jour: date  # the date the barème is computed for


@dataclass(frozen=True)
class Ligne:
    code: str
    libelle: str
    points: float
    detail: str
    calcule: bool  # False: shown, but points depend on a justificatif


@dataclass(frozen=True)
class Bareme:
    lignes: tuple[Ligne, ...]

    @property
    def total(self) -> float:
        return sum(ligne.points for ligne in self.lignes if ligne.calcule)


def points_fr(value: float) -> str:
    """150.2 -> "150,2"; 14.0 -> "14"."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").replace(".", ",")


def annees_pleines(depuis: date | None, jour: date) -> int:
    if depuis is None or depuis > jour:
        return 0
    years = jour.year - depuis.year
    if (jour.month, jour.day) < (depuis.month, depuis.day):
        years -= 1
    return years


def _num(params: dict, key: str, default: float = 0) -> float:
    value = params.get(key, default)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _grade(d: Dossier) -> str:
    text = d.grade.lower()
    if "exceptionnelle" in text:
        return "classe_exceptionnelle"
    if "hors classe" in text or "hors-classe" in text:
        return "hors_classe"
    return "echelon"


def _portee(params: dict) -> str:
    types = params.get("types_voeux")
    if not isinstance(types, (list, tuple)) or not types:
        return ""
    noms = ", ".join(VOEU_TYPES.get(str(t), str(t)).lower() for t in types)
    return f" Porte sur les vœux de type{NBSP}: {noms}."


def _ligne(rule: BaremeRule, d: Dossier) -> Ligne | None:
    p = rule.params
    code = rule.code
    if code in ("echelon", "hors_classe", "classe_exceptionnelle"):
        if _grade(d) != code:
            return None
        par = _num(p, "points_par_echelon")
        if code == "echelon":
            points = max(_num(p, "minimum"), par * d.echelon)
            detail = f"{points_fr(par)} points par échelon, {d.echelon}e échelon"
        else:
            base_key = "points_base_agreges" if "agrég" in d.corps.lower() and "points_base_agreges" in p else "points_base"
            points = _num(p, base_key) + par * d.echelon
            detail = f"{points_fr(_num(p, base_key))} points + {points_fr(par)} par échelon, {d.echelon}e échelon"
            if "plafond" in p and points > _num(p, "plafond"):
                points = _num(p, "plafond")
                detail += f", plafonné à {points_fr(points)}"
        return Ligne(code, rule.label, points, detail, True)
    if code == "anciennete_poste":
        ans = annees_pleines(d.affectation_depuis, d.jour)
        tranche = int(_num(p, "annees_par_tranche"))
        tranches = ans // tranche if tranche > 0 else 0
        points = _num(p, "points_par_an") * ans + _num(p, "bonus_par_tranche") * tranches
        detail = f"{ans} an{'s' if ans > 1 else ''} dans le poste"
        if tranches:
            detail += f", dont {tranches} tranche{'s' if tranches > 1 else ''} de {tranche} ans"
        return Ligne(code, rule.label, points, detail, True)
    if code == "education_prioritaire":
        ans = annees_pleines(d.affectation_depuis, d.jour)
        requis = int(_num(p, "annees_requises"))
        if d.education_prioritaire not in ("REP", "REP+"):
            return None
        key = "points_rep_plus" if d.education_prioritaire == "REP+" else "points_rep"
        if ans < requis:
            return Ligne(code, rule.label, 0, f"{d.education_prioritaire}{NBSP}: {ans} an{'s' if ans > 1 else ''} sur les {requis} requis", True)
        return Ligne(code, rule.label, _num(p, key), f"{d.education_prioritaire}, {ans} ans dans l'établissement", True)
    if code == "stagiaire":
        if "stagiaire" not in f"{d.corps} {d.grade}".lower():
            return None
        return Ligne(code, rule.label, _num(p, "points"), "Fonctionnaire stagiaire", True)
    if code in ("rapprochement_conjoints", "enfants", "separation", "voeu_preferentiel", "handicap",
                "reintegration"):
        detail = SUR_JUSTIFICATIF
        if code == "enfants" and d.enfants:
            detail = f"{d.enfants} enfant{'s' if d.enfants > 1 else ''} au dossier. " + detail
        return Ligne(code, rule.label, 0, detail + _portee(p), False)
    return Ligne(code, rule.label, 0, NON_CALCULE + _portee(p), False)


def calculer(rules: Sequence[BaremeRule], dossier: Dossier) -> Bareme:
    """Each element that applies, with its points and why; elements that need a document say so."""
    lignes = [ligne for rule in rules if (ligne := _ligne(rule, dossier)) is not None]
    return Bareme(tuple(lignes))
