"""Identifiants: first-name initial + surname, lower case, plain letters; homonyms numbered."""
from __future__ import annotations

import unicodedata
from collections.abc import Collection

_LIGATURES = {"æ": "ae", "œ": "oe", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"}


def plain_letters(text: str) -> str:
    """Lower-case ASCII letters and digits of text: accents dropped, spaces and punctuation removed."""
    lowered = text.lower()
    for ligature, plain in _LIGATURES.items():
        lowered = lowered.replace(ligature, plain)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum())


def base_identifiant(prenom: str, nom: str) -> str:
    """Jean Dupont → jdupont; Anne-Marie D'Hôtel → adhotel."""
    initial = plain_letters(prenom)[:1]
    return (initial + plain_letters(nom))[:60]


def next_identifiant(base: str, taken: Collection[str]) -> str:
    """base if free, else base2, base3…"""
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"
