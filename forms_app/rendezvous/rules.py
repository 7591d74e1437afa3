"""Rendez-vous de carrière rules (SIAE), pure: who is due, the notice before the date, the delays.

Delays are counted in Europe/Paris calendar days: a delay of N days from a notification made on day D
ends at the end of day D + N, Paris time, whatever the daylight-saving changes in between (adding N × 24 h
in UTC would end an hour early or late across a change).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from generator.frnombres import nombre
from generator.model import PARIS
from generator.promotion import RendezVousRules, RendezVousType

from ..promotions.echelons import Position, mois_entre, position_au

GRADE = "classe normale"  # the rendez-vous de carrière take place in the classe normale


@dataclass(frozen=True)
class Du:
    """A rendez-vous an agent is due for, and the échelon position it is counted from."""

    type: RendezVousType
    position: Position
    mois: int  # months in the échelon on the reference date


def rendez_vous_du(regles: RendezVousRules, durees: Mapping, corps: str, grade: str, echelon: int,
                   depuis: date | None) -> Du | None:
    """The rendez-vous the agent is due for in the campaign's school year, or None.

    Counted on the reference date (31 August): in the rule's échelon for at least de_mois and less than
    a_mois whole months."""
    if depuis is None or " ".join(grade.casefold().split()) != GRADE:
        return None
    position = position_au(durees, corps, grade, Position(echelon, depuis), regles.date_reference)
    months = mois_entre(position.depuis, regles.date_reference)
    for t in regles.rendez_vous:
        if position.echelon == t.echelon and t.de_mois <= months < t.a_mois:
            return Du(t, position, months)
    return None


def fin_de_delai(notifie_at: datetime, jours: int) -> datetime:
    """The first instant after a delay of `jours` days from a notification: midnight (Paris) ending day D + N."""
    day = notifie_at.astimezone(PARIS).date() + timedelta(days=jours + 1)
    return datetime.combine(day, time(0, 0), tzinfo=PARIS)


def dans_le_delai(notifie_at: datetime | None, jours: int, moment: datetime) -> bool:
    """Whether `moment` falls within the delay (never before a notification)."""
    return notifie_at is not None and notifie_at <= moment < fin_de_delai(notifie_at, jours)


def premiere_date_possible(notification: datetime, preavis_jours: int) -> date:
    """The earliest day a rendez-vous notified at `notification` may take place (Paris calendar)."""
    return notification.astimezone(PARIS).date() + timedelta(days=preavis_jours)


def refus_date(notification: datetime, rendez_vous: datetime, preavis_jours: int) -> str | None:
    """Why this date cannot be given now; None when the notice is long enough."""
    first = premiere_date_possible(notification, preavis_jours)
    if rendez_vous.astimezone(PARIS).date() < first:
        return (f"La date du rendez-vous doit être notifiée au moins {preavis_jours}\u00a0jours avant\u00a0: choisissez "
                f"le {first:%d/%m/%Y} ou une date postérieure.")
    return None


def refus_texte(texte: str, maximum: int) -> str | None:
    """Observations and recours: not empty, at most `maximum` characters."""
    if not texte.strip():
        return "Saisissez votre texte."
    if len(texte) > maximum:
        return f"Votre texte fait {nombre(len(texte))}\u00a0caractères\u00a0: {nombre(maximum)} au plus. Raccourcissez-le."
    return None
