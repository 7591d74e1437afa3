"""« Vos perspectives », pure: next échelon, next rendez-vous de carrière, when promouvable to the hors classe.

Computed from the dossier (échelon and its start), the échelon durations (data/echelons.csv) and the
rules of the published campaigns; every loop is bounded (MAX_YEARS school years ahead)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from generator.promotion import PromotionRules, RendezVousRules

from ..promotions.echelons import Position, mois_entre, position_au, prochain_echelon
from ..promotions.rules import vivier_ok

MAX_YEARS = 15


@dataclass(frozen=True)
class Jalon:
    jour: date
    titre: str
    texte: str


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _31_aout(year: int, reference: date) -> date:
    return reference.replace(year=year) if not (reference.month == 2 and reference.day == 29) else date(year, 2, 28)


def prochains_echelons(durees: Mapping, corps: str, grade: str, position: Position) -> list[Jalon]:
    """The next échelon (and the accelerated date when the grid has one)."""
    suivant = prochain_echelon(durees, corps, grade, position)
    if suivant is None:
        return []
    texte = f"Passage au {suivant.echelon}e échelon à l'ancienneté"
    rapide = prochain_echelon(durees, corps, grade, position, accelere=True)
    if rapide is not None and rapide.depuis < suivant.depuis:
        texte += f"\u00a0; le {rapide.depuis:%d/%m/%Y} avec une accélération d'un an (rendez-vous de carrière)"
    return [Jalon(suivant.depuis, f"{suivant.echelon}e échelon", texte + ".")]


def prochain_rendez_vous(regles: RendezVousRules, durees: Mapping, corps: str, grade: str, position: Position,
                         today: date) -> Jalon | None:
    """The first school year (from this one) whose 31 August finds her due for a rendez-vous de carrière."""
    if _norm(grade) != "classe normale":
        return None
    for offset in range(MAX_YEARS):
        reference = _31_aout(regles.date_reference.year + offset, regles.date_reference)
        if reference < today and offset == 0 and regles.date_reference < today:
            continue
        at = position_au(durees, corps, grade, position, reference)
        months = mois_entre(at.depuis, reference)
        for t in regles.rendez_vous:
            if at.echelon == t.echelon and t.de_mois <= months < t.a_mois:
                debut = reference.year - 1
                return Jalon(reference, t.label, f"Année scolaire {debut}-{reference.year} (situation au "
                                                 f"{reference:%d/%m/%Y}){'' if offset else ', cette année'}.")
    return None


def promouvable_hors_classe(regles: PromotionRules, durees: Mapping, corps: str, grade: str, position: Position,
                            today: date) -> Jalon | None:
    """The first campaign reference date (31 August of a year) on which she is promouvable."""
    if _norm(grade) != _norm(regles.grade_origine) or not regles.viviers:
        return None
    if regles.corps and _norm(corps) not in {_norm(c) for c in regles.corps}:
        return None
    vivier = next((v for v in regles.viviers if not v.candidature), regles.viviers[0])
    for offset in range(MAX_YEARS):
        reference = _31_aout(regles.date_reference.year + offset, regles.date_reference)
        if reference < today:
            continue
        at = position_au(durees, corps, grade, position, reference)
        if vivier_ok(vivier, at, reference):
            return Jalon(reference, f"Promouvable\u00a0: {regles.nature_label.lower()}",
                         f"Promouvable à la {regles.nature_label.lower()} pour la campagne dont la situation est "
                         f"appréciée au {reference:%d/%m/%Y} ({at.echelon}e échelon depuis le {at.depuis:%d/%m/%Y}).")
    return None


def frise(jalons: Sequence[Jalon], today: date, width: int = 800) -> list[dict]:
    """Positions of the milestones on a timeline from today to the last one (for the SVG picture)."""
    if not jalons:
        return []
    last = max(j.jour for j in jalons)
    span = max((last - today).days, 1)
    left, right = 40, width - 40
    points = []
    for index, j in enumerate(sorted(jalons, key=lambda j: j.jour)):
        x = left + (right - left) * max((j.jour - today).days, 0) / span
        points.append({"x": round(x, 1), "jalon": j, "haut": index % 2 == 0, "numero": index + 1})
    return points
