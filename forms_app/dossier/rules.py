"""Durations the dossier shows, computed from dates alone (no Flask, no database)."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

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


@dataclass(frozen=True)
class Etat:
    """A state of the career from a date on: the agents file's current one, or a line of the history."""

    debut: date | None
    corps: str
    grade: str
    echelon: int
    position: str = "en activité"


@dataclass(frozen=True)
class Periode:
    """A state of the career and how long it lasted (fin None: still the current one)."""

    etat: Etat
    debut: date
    fin: date | None


def periodes_carriere(passe: list[Etat], actuel: Etat | None) -> list[Periode]:
    """The career as periods, oldest first: each state lasts until the next one starts.

    The current state closes the list when its start is known; states without a date are left out."""
    etats = sorted((e for e in passe if e.debut is not None), key=lambda e: e.debut)
    if actuel is not None and actuel.debut is not None:
        etats = [e for e in etats if e.debut < actuel.debut] + [actuel]
    return [
        Periode(etat, etat.debut, etats[i + 1].debut if i + 1 < len(etats) else None)
        for i, etat in enumerate(etats)
    ]


def hors_services(position: str) -> bool:
    """A period that does not count as services: disponibilité (détachement and congés do count)."""
    return "disponibilit" in position.lower()


def jours_hors_services(periodes: list[Periode], depuis: date, jour: date) -> int:
    """Days of disponibilité between depuis and jour."""
    total = 0
    for p in periodes:
        if not hors_services(p.etat.position):
            continue
        debut, fin = max(p.debut, depuis), min(p.fin or jour, jour)
        total += max(0, (fin - debut).days)
    return total


def _suite_depuis(periodes: list[Periode], meme) -> date | None:
    """Start of the last unbroken run of periods that satisfy meme (the current one included)."""
    debut = None
    for p in reversed(periodes):
        if not meme(p.etat):
            break
        debut = p.debut
    return debut


def entree_dans_le_corps(periodes: list[Periode], corps: str) -> date | None:
    """When the agent entered her current corps, as the history tells (None without history)."""
    if len(periodes) < 2:
        return None  # the current state alone says since when the échelon is held, not the corps
    return _suite_depuis(periodes, lambda e: e.corps.lower() == corps.lower())


def entree_dans_le_grade(periodes: list[Periode], corps: str, grade: str) -> date | None:
    """When the agent reached her current grade in her current corps (None without history)."""
    if len(periodes) < 2:
        return None
    return _suite_depuis(periodes, lambda e: (e.corps.lower(), e.grade.lower()) == (corps.lower(), grade.lower()))


def debut_des_services(periodes: list[Periode]) -> date | None:
    """The first day the history knows of: the start of the AGS when the agents file does not give it."""
    return periodes[0].debut if len(periodes) >= 2 else None


def anciennete_de_services(depuis: date, periodes: list[Periode], jour: date) -> Duree | None:
    """Time since depuis, disponibilités deducted (they move the start later by their length in days)."""
    return duree_entre(depuis + timedelta(days=jours_hors_services(periodes, depuis, jour)), jour)


def anciennetes(
    *,
    date_naissance: date | None,
    echelon_depuis: date | None,
    affectation_depuis: date | None,
    jour: date,
    services_depuis: date | None = None,
    corps_depuis: date | None = None,
    grade_depuis: date | None = None,
    periodes: list[Periode] | None = None,
) -> list[Anciennete]:
    """The lines of the Anciennetés tab for one agent on a given day.

    AGS (ancienneté générale de service) and ancienneté dans le corps count from services_depuis and
    corps_depuis, or from the history when the agents file leaves them empty; a disponibilité is deducted.
    """
    periodes = periodes or []
    services = services_depuis or debut_des_services(periodes)
    lines = [
        Anciennete("Ancienneté générale de service (AGS)", services, _texte_services(services, periodes, jour)),
        Anciennete("Ancienneté dans le corps", corps_depuis, _texte_services(corps_depuis, periodes, jour)),
        Anciennete("Ancienneté dans le grade", grade_depuis, _texte_services(grade_depuis, periodes, jour)),
    ]
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


def _texte_services(depuis: date | None, periodes: list[Periode], jour: date) -> str:
    if depuis is None:
        return "Date non renseignée"
    duree = anciennete_de_services(depuis, periodes, jour)
    if duree is None:
        return "Date à venir"
    deduits = jours_hors_services(periodes, depuis, jour)
    texte = format_duree(duree)
    return f"{texte} (disponibilité déduite{NBSP}: {_unit(deduits, 'jour', 'jours')})" if deduits else texte


def _texte_duree(depuis: date | None, jour: date) -> str:
    if depuis is None:
        return "Date non renseignée"
    duree = duree_entre(depuis, jour)
    return "Date à venir" if duree is None else format_duree(duree)
