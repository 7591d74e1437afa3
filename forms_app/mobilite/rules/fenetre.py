"""Is a campaign's saisie open? Half-open [start, end) in Europe/Paris, on aware datetimes."""
from __future__ import annotations

from datetime import datetime

from generator.frdates import NBSP, window_fr
from generator.model import Campaign, Phase

MSG_FERMEE = f"La saisie est fermée{NBSP}: elle était ouverte {{fenetre}}."
MSG_A_VENIR = f"La saisie n'est pas encore ouverte{NBSP}: elle sera ouverte {{fenetre}}."
MSG_SANS_SAISIE = f"Cette campagne n'a pas de période de saisie{NBSP}: aucune demande ne peut y être faite."


class FenetreFermee(Exception):
    """A write outside the window; message is French, for the teacher."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def refus(phase: Phase | None, now: datetime) -> str | None:
    """Why a write at `now` is refused, or None when the phase is open."""
    if now.tzinfo is None:
        raise ValueError("naive datetime: compare aware instants only")
    if phase is None:
        return MSG_SANS_SAISIE
    state = phase.state_at(now)
    if state == "ouverte":
        return None
    fenetre = window_fr(phase.start, phase.end)
    return (MSG_A_VENIR if state == "a_venir" else MSG_FERMEE).format(fenetre=fenetre)


def verifier_saisie(campaign: Campaign, now: datetime) -> None:
    """Raise FenetreFermee unless the campaign's saisie is open at `now`."""
    message = refus(campaign.saisie, now)
    if message is not None:
        raise FenetreFermee(message)


def phase_telephone(campaign: Campaign) -> Phase | None:
    """Phones follow their own phase when the campaign has one, else the saisie."""
    return campaign.phase("telephone") or campaign.saisie


def verifier_telephone(campaign: Campaign, now: datetime) -> None:
    message = refus(phase_telephone(campaign), now)
    if message is not None:
        raise FenetreFermee(message.replace("La saisie", "La saisie des numéros de téléphone", 1))


def etat_saisie(campaign: Campaign, now: datetime) -> str:
    """"a_venir", "ouverte" or "close" for the saisie (a campaign without one is "close")."""
    phase = campaign.saisie
    return phase.state_at(now) if phase is not None else "close"
