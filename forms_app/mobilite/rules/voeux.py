"""Which vœu may join a list: the campaign's types, no duplicate, at most the campaign's limit."""
from __future__ import annotations

from collections.abc import Sequence

from generator.frdates import NBSP
from generator.model import VOEU_TYPES, Campaign

MSG_TYPE_VIDE = "Sélectionnez un type de vœu."
MSG_TYPE = (
    f"Le type de vœu «{NBSP}{{type}}{NBSP}» n'est pas accepté par cette campagne{NBSP}: "
    "choisissez parmi {permis}."
)
MSG_DOUBLON = f"Ce vœu figure déjà dans votre liste (vœu n°{NBSP}{{rang}}){NBSP}: vous ne pouvez pas le saisir deux fois."
MSG_LIMITE = "Vous avez déjà saisi {n} vœux, le maximum pour cette campagne."
MSG_PERIME = f"Votre liste a changé entre-temps{NBSP}: voici la liste à jour."


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


def refus_ajout(
    campaign: Campaign, existants: Sequence[tuple[str, str]], type_: str, code: str
) -> str | None:
    """Why (type, code) may not be added to the ranked list existants, or None."""
    message = refus_type(campaign, type_)
    if message:
        return message
    if (type_, code) in existants:
        return MSG_DOUBLON.format(rang=list(existants).index((type_, code)) + 1)
    if len(existants) >= campaign.voeu_limit:
        return MSG_LIMITE.format(n=len(existants))
    return None
