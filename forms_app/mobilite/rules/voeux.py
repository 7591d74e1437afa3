"""Which vœu may join a list: the campaign's types, no duplicate, at most the campaign's limit; and the
decision of an add request, made on the list as one read found it."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from generator.frdates import NBSP
from generator.model import ETAB_RESTRICTIONS, RESTRICTABLE_VOEU_TYPES, VOEU_TYPES, Campaign, Referentiel

from . import codes, fenetre
from .demandes import MSG_LETTRE_AVANT, peut_saisir_voeux

MSG_TYPE_VIDE = "Sélectionnez un type de vœu."
MSG_TYPE = (
    f"Le type de vœu «{NBSP}{{type}}{NBSP}» n'est pas accepté par cette campagne{NBSP}: "
    "choisissez parmi {permis}."
)
MSG_DOUBLON = f"Ce vœu figure déjà dans votre liste (vœu n°{NBSP}{{rang}}){NBSP}: vous ne pouvez pas le saisir deux fois."
MSG_LIMITE = "Vous avez déjà saisi {n} vœux, le maximum pour cette campagne."
MSG_PERIME = f"Votre liste a changé entre-temps{NBSP}: voici la liste à jour."
MSG_LIMITE_ATTEINTE = (
    f"Vous avez saisi {{n}} vœux, le maximum pour cette campagne{NBSP}: pour en ajouter un autre, "
    "supprimez d'abord un vœu de votre liste."
)
MSG_TYPE_ETAB = (
    f"Le type d'établissement «{NBSP}{{valeur}}{NBSP}» n'est pas proposé pour ce vœu{NBSP}: "
    "choisissez parmi {permis}."
)
TOUT_TYPE = "Tout type d'établissement"
# Vœu types from the most precise to the broadest, as candidates are told to rank them.
PRECIS_VERS_LARGE = ("ETB", "COM", "GEO", "DPT", "ACA")


def types_permis(campaign: Campaign) -> list[tuple[str, str]]:
    """(code, label) of the vœu types the campaign accepts, in the model's order."""
    return [(code, label) for code, label in VOEU_TYPES.items() if code in campaign.voeu_types]


def refus_type(campaign: Campaign, type_: str) -> str | None:
    if not type_:
        return MSG_TYPE_VIDE
    if type_ not in campaign.voeu_types:
        permis = ", ".join(label.lower() for _code, label in types_permis(campaign))
        return MSG_TYPE.format(type=VOEU_TYPES.get(type_, type_[:10]), permis=permis)
    return None


def restrictions_permises(campaign: Campaign, type_: str) -> list[tuple[str, str]]:
    """(code, label) of the types d'établissement a vœu of this type may be restricted to ([]: none)."""
    if type_ not in RESTRICTABLE_VOEU_TYPES:
        return []
    return [(code, ETAB_RESTRICTIONS[code][0]) for code in campaign.etab_restrictions if code in ETAB_RESTRICTIONS]


def refus_type_etab(campaign: Campaign, type_: str, type_etab: str) -> str | None:
    """Why a restriction to type_etab ("" for tout type) is refused on a vœu of type type_, or None."""
    if not type_etab:
        return None
    permises = restrictions_permises(campaign, type_)
    if type_etab not in {code for code, _label in permises}:
        noms = ", ".join(f"«{NBSP}{label.lower()}{NBSP}»" for _code, label in [("", TOUT_TYPE), *permises])
        return MSG_TYPE_ETAB.format(valeur=type_etab[:10], permis=noms)
    return None


def libelle_type_etab(type_etab: str) -> str:
    """« Collège » for CLG; « Tout type d'établissement » for ""."""
    return ETAB_RESTRICTIONS[type_etab][0] if type_etab in ETAB_RESTRICTIONS else TOUT_TYPE


def refus_ajout(
    campaign: Campaign, existants: Sequence[tuple[str, str, str]], type_: str, code: str, type_etab: str = ""
) -> str | None:
    """Why (type, code, type_etab) may not be added to the ranked list existants, or None."""
    message = refus_type(campaign, type_) or refus_type_etab(campaign, type_, type_etab)
    if message:
        return message
    if (type_, code, type_etab) in existants:
        return MSG_DOUBLON.format(rang=list(existants).index((type_, code, type_etab)) + 1)
    if len(existants) >= campaign.voeu_limit:
        return MSG_LIMITE.format(n=len(existants))
    return None


def phrase_types(campaign: Campaign) -> str:
    """The sentence that tells how many vœux and of which types this campaign accepts."""
    labels = [label.lower() for _code, label in types_permis(campaign)]
    n = campaign.voeu_limit
    if len(labels) == 1:
        return f"Vous pouvez formuler jusqu'à {n} vœux, tous de type «{NBSP}{labels[0]}{NBSP}»."
    liste = ", ".join(labels[:-1]) + " et " + labels[-1]
    phrase = f"Vous pouvez formuler jusqu'à {n} vœux, de types{NBSP}: {liste}."
    ordre = [t for t in PRECIS_VERS_LARGE if t in campaign.voeu_types]
    if len(ordre) > 1:
        phrase += (f" Classez-les du plus précis ({VOEU_TYPES[ordre[0]].lower()}) au plus large "
                   f"({VOEU_TYPES[ordre[-1]].lower()}).")
    return phrase


# --- the decision of an add request -------------------------------------------------------------

PAGE_ERREUR, PAGE_LISTE, PAGE_AJOUT = "erreur", "liste", "ajout"


@dataclass(frozen=True)
class Refus:
    """An add refused: the status, the message, and the page that shows it (the error page, the
    demande's list as it is now, or the add form with what was typed)."""

    status: int
    message: str
    page: str


@dataclass(frozen=True)
class Ajout:
    """An add accepted: the vœu goes at rank `rank`."""

    rank: int
    voeu: codes.VoeuResolu
    type_etab: str


@dataclass(frozen=True)
class ListeVue:
    """What the decision needs of the demande, as one read found it."""

    mouvement: str
    lettre_enregistree: bool
    version: int
    existants: tuple[tuple[str, str, str], ...]  # (type, code, type_etab) in rank order


def decider_ajout(
    campaign: Campaign, ref: Referentiel, moment: datetime, liste: ListeVue, *,
    version: int | None, type_: str, code: str, type_etab: str, erreur_formulaire: str | None = None,
) -> Refus | Ajout:
    """Every rule of an add, in the order a person meets them: the window, the lettre first, the form,
    the type, the code, the list not changed since the page was shown, the list's own limits."""
    fermee = fenetre.refus(campaign.saisie, moment)
    if fermee:
        return Refus(403, fermee, PAGE_ERREUR)
    if not peut_saisir_voeux(campaign.mouvement(liste.mouvement), liste.lettre_enregistree):
        return Refus(409, MSG_LETTRE_AVANT, PAGE_LISTE)
    if erreur_formulaire:
        return Refus(400, erreur_formulaire, PAGE_AJOUT)
    message = refus_type(campaign, type_)
    if message:
        return Refus(400, message, PAGE_AJOUT)
    try:
        resolu = codes.resoudre(ref, type_, code)
    except codes.CodeRefuse as exc:
        return Refus(400, exc.message, PAGE_AJOUT)
    message = refus_type_etab(campaign, resolu.type, type_etab)
    if message:
        return Refus(400, message, PAGE_AJOUT)
    if version != liste.version:
        return Refus(409, MSG_PERIME, PAGE_LISTE)
    message = refus_ajout(campaign, liste.existants, resolu.type, resolu.code, type_etab)
    if message:
        return Refus(409, message, PAGE_AJOUT)
    return Ajout(len(liste.existants) + 1, resolu, type_etab)
