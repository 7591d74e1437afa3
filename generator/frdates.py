"""French wording of dates and phase windows, shared by pages, .ics and tests."""
from __future__ import annotations

from datetime import date, datetime

from .model import PARIS

JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MOIS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)
NBSP = "\u00a0"

STATE_LABELS: dict[str, str] = {"a_venir": "à venir", "ouverte": "ouverte", "close": "close"}


def date_fr(value: date, *, weekday: bool = True) -> str:
    """"mardi 17 novembre 2026", or "17 novembre 2026" without the weekday; "1er" for the first."""
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {MOIS[value.month - 1]} {value.year}"
    return f"{JOURS[value.weekday()]} {text}" if weekday else text


def time_fr(value: datetime) -> str:
    """"12 h 00" with non-breaking spaces, in Europe/Paris."""
    local = value.astimezone(PARIS)
    return f"{local.hour}{NBSP}h{NBSP}{local.minute:02d}"


def datetime_fr(value: datetime) -> str:
    """"mardi 17 novembre 2026 à 12 h 00"."""
    local = value.astimezone(PARIS)
    return f"{date_fr(local.date())} à {time_fr(local)}"


def window_fr(start: datetime, end: datetime | None) -> str:
    """"du … au …", or "à compter du …" for an open-ended phase."""
    if end is None:
        return f"à compter du {datetime_fr(start)}"
    return f"du {datetime_fr(start)} au {datetime_fr(end)}"


def iso(value: datetime) -> str:
    """ISO 8601 with the Paris offset, read by the planning script."""
    return value.astimezone(PARIS).isoformat(timespec="minutes")
