"""Échelons over time: when an agent changes échelon, from the durations of data/echelons.csv (pure).

Promotions (eligibility at the reference date), rendez-vous de carrière (who is due) and « Vos
perspectives » (next échelon) all project the same way: no Flask, no database.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ..dossier.rules import add_months, duree_entre

MAX_STEPS = 20  # a grade has at most a dozen échelons: a bound on the projection loop


@dataclass(frozen=True)
class Position:
    """An échelon and the day it started."""

    echelon: int
    depuis: date


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def duree_mois(durees: Mapping, corps: str, grade: str, echelon: int, accelere: bool = False) -> int | None:
    """Months spent in this échelon (None: last échelon, or the grade is not described)."""
    grade_n, corps_n = _norm(grade), _norm(corps)
    found = None
    for (c, g, e), duree in durees.items():
        if e == echelon and _norm(g) == grade_n and _norm(c) in (corps_n, ""):
            if found is None or _norm(c) == corps_n:  # a line for the corps wins over the general one
                found = duree
    if found is None:
        return None
    if accelere and found.duree_acceleree_mois is not None:
        return found.duree_acceleree_mois
    return found.duree_mois


def prochain_echelon(durees: Mapping, corps: str, grade: str, position: Position,
                     accelere: bool = False) -> Position | None:
    """The next échelon and the day it starts; None at the grade's last échelon."""
    months = duree_mois(durees, corps, grade, position.echelon, accelere)
    if months is None:
        return None
    return Position(position.echelon + 1, add_months(position.depuis, months))


def position_au(durees: Mapping, corps: str, grade: str, position: Position, jour: date) -> Position:
    """The échelon held on `jour`, moving up by the standard durations from the current position."""
    for _ in range(MAX_STEPS):
        suivant = prochain_echelon(durees, corps, grade, position)
        if suivant is None or suivant.depuis > jour:
            return position
        position = suivant
    return position


def mois_entre(debut: date, fin: date) -> int:
    """Whole months from debut to fin (0 when fin is earlier)."""
    duree = duree_entre(debut, fin)
    return 0 if duree is None else duree.ans * 12 + duree.mois
