"""Durations the dossier shows, computed from dates alone (no Flask, no database)."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

NBSP = "\u00a0"


@dataclass(frozen=True)
class Duree:
    """A calendar duration: whole years, then whole months, then days."""

    ans: int
    mois: int
    jours: int


def add_months(start: date, months: int) -> date:
    """Move forward by whole months, landing on the month's last day when the day does not exist."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def duree_entre(debut: date, fin: date) -> Duree | None:
    """Years, months and days from debut to fin; None when fin comes before debut.

    A month is complete on the same day of a later month, or on that month's last day when the
    day does not exist there (31 January → 28 February, 29 February → 28 February next year).
    """
    if fin < debut:
        return None
    months = (fin.year - debut.year) * 12 + (fin.month - debut.month)
    # The estimate may overshoot by one when fin's day is earlier in its month.
    while months > 0 and add_months(debut, months) > fin:
        months -= 1
    jours = (fin - add_months(debut, months)).days
    return Duree(ans=months // 12, mois=months % 12, jours=jours)


def age(naissance: date, jour: date) -> int | None:
    """Age in whole years on a given day; None for a birth date in the future."""
    duree = duree_entre(naissance, jour)
    return None if duree is None else duree.ans


def annees_completes(debut: date, jour: date) -> int:
    """Whole years elapsed since debut (0 before the first anniversary or for a future date)."""
    duree = duree_entre(debut, jour)
    return 0 if duree is None else duree.ans


def _unit(value: int, singular: str, plural: str) -> str:
    # French uses the singular for 0 and 1 ("0 jour", "1 an").
    return f"{value}{NBSP}{singular if value < 2 else plural}"


def format_duree(duree: Duree) -> str:
    """French wording: "3 ans 2 mois 5 jours", zero parts left out, "0 jour" for nothing."""
    parts = []
    if duree.ans:
        parts.append(_unit(duree.ans, "an", "ans"))
    if duree.mois:
        parts.append(f"{duree.mois}{NBSP}mois")
    if duree.jours or not parts:
        parts.append(_unit(duree.jours, "jour", "jours"))
    return " ".join(parts)


def format_age(years: int) -> str:
    """French wording of an age: "1 an", "42 ans"."""
    return _unit(years, "an", "ans")


@dataclass(frozen=True)
class Anciennete:
    """One line of the Anciennetés tab."""

    libelle: str
    depuis: date | None
    texte: str  # what the page shows


def anciennetes(
    *,
    date_naissance: date | None,
    echelon_depuis: date | None,
    affectation_depuis: date | None,
    jour: date,
) -> list[Anciennete]:
    """The lines of the Anciennetés tab for one agent on a given day."""
    lines = []
    for libelle, depuis in (
        ("Ancienneté dans l'échelon", echelon_depuis),
        ("Ancienneté dans le poste", affectation_depuis),
    ):
        lines.append(Anciennete(libelle, depuis, _texte_duree(depuis, jour)))
    if date_naissance is None:
        texte = "Date de naissance non renseignée"
    else:
        years = age(date_naissance, jour)
        texte = "Date à venir" if years is None else format_age(years)
    lines.append(Anciennete("Âge", date_naissance, texte))
    return lines


def _texte_duree(depuis: date | None, jour: date) -> str:
    if depuis is None:
        return "Date non renseignée"
    duree = duree_entre(depuis, jour)
    return "Date à venir" if duree is None else format_duree(duree)
