"""Demandes: what a demande shows as its state, and the lettre de motivation's limits."""
from __future__ import annotations

from generator.frdates import NBSP
from generator.model import Campaign, Mouvement

LETTRE_MAX = 5000  # characters; long enough for a page and a half, short enough to be read

ETAT_LETTRE = "En attente de saisie de la lettre de motivation…"
ETAT_VOEUX = "Vœux à saisir"
ETAT_COMPLETE = "Complète"
ETAT_NON_RECEVABLE = (
    f"Non recevable{NBSP}: la lettre de motivation n'a pas été enregistrée avant la clôture de la saisie"
)

MSG_DOUBLON = (
    f"Vous avez déjà une demande pour ce mouvement et cette discipline{NBSP}: "
    "complétez-la plutôt que d'en créer une seconde."
)
MSG_MOUVEMENT = f"Ce mouvement n'existe pas dans cette campagne{NBSP}: choisissez-en un dans la liste."
MSG_DISCIPLINE = f"Choisissez une discipline de mouvement dans la liste{NBSP}: ce mouvement en demande une."
MSG_PREFERENCE = f"Choisissez une préférence dans la liste{NBSP}: ce mouvement en demande une."
MSG_LETTRE_AVANT = (
    f"ATTENTION{NBSP}: pour ce mouvement, la lettre de motivation doit être rédigée et enregistrée "
    f"avant la saisie des vœux. Enregistrez d'abord votre lettre de motivation."
)
MSG_LETTRE_VIDE = f"La lettre de motivation est vide{NBSP}: rédigez-la avant de l'enregistrer."
MSG_LETTRE_LONGUE = (
    f"La lettre de motivation compte {{n}} caractères{NBSP}; le maximum est {LETTRE_MAX}{NBSP}: "
    "raccourcissez-la."
)


def est_recevable(mouvement: Mouvement | None, lettre_enregistree: bool) -> bool:
    """A starred movement's demande is receivable only with its lettre (note de service: written before the
    vœux, within the saisie)."""
    return not (mouvement is not None and mouvement.lettre_motivation and not lettre_enregistree)


def etat(mouvement: Mouvement | None, lettre_enregistree: bool, nb_voeux: int, saisie_close: bool = False) -> str:
    """The "Vœux" column of the list of demandes; once saisie has closed, a starred demande without its
    lettre is no longer waiting for it: it is not receivable."""
    if not est_recevable(mouvement, lettre_enregistree):
        return ETAT_NON_RECEVABLE if saisie_close else ETAT_LETTRE
    if nb_voeux == 0:
        return ETAT_VOEUX
    return ETAT_COMPLETE


def refus_creation(
    campaign: Campaign, mouvement: str, discipline: str, preference: str,
    existantes: set[tuple[str, str]],
) -> str | None:
    """Why a new demande (mouvement, discipline, préférence) is refused, or None."""
    m = campaign.mouvement(mouvement)
    if m is None:
        return MSG_MOUVEMENT
    if m.disciplines and discipline not in m.disciplines:
        return MSG_DISCIPLINE
    if not m.disciplines and discipline:
        return MSG_DISCIPLINE
    if m.preferences and preference not in {p.code for p in m.preferences}:
        return MSG_PREFERENCE
    if not m.preferences and preference:
        return MSG_PREFERENCE
    if (mouvement, discipline) in existantes:
        return MSG_DOUBLON
    return None


def refus_lettre(texte: str, *, brouillon: bool = False) -> str | None:
    """Why a lettre (or a draft, which may be empty) is refused, or None."""
    if not brouillon and not texte.strip():
        return MSG_LETTRE_VIDE
    if len(texte) > LETTRE_MAX:
        return MSG_LETTRE_LONGUE.format(n=len(texte))
    return None


def peut_saisir_voeux(mouvement: Mouvement | None, lettre_enregistree: bool) -> bool:
    """A starred movement needs its saved lettre before any vœu."""
    return not (mouvement is not None and mouvement.lettre_motivation and not lettre_enregistree)
