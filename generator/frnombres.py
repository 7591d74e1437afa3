"""French wording of numbers and counts, shared by pages, downloads and the search index."""
from __future__ import annotations

import math

NNBSP = "\u202f"  # narrow no-break space: the thousands separator of French typography


def nombre(n: int) -> str:
    """« 5 000 », « 20 000 », « 999 »: groups of three digits from four digits on."""
    return f"{n:,}".replace(",", NNBSP)


def compte(n: int, singulier: str, pluriel: str | None = None) -> str:
    """« 0 poste », « 1 poste », « 12 postes », « 5 000 postes »: 0 and 1 take the singular in French.

    `pluriel` defaults to the singular plus « s » (give it for « poste affiché » → « postes affichés »)."""
    mot = singulier if -2 < n < 2 else (pluriel if pluriel is not None else singulier + "s")
    return f"{nombre(n)} {mot}"


def taux(rate: float) -> str:
    """« 96,8 % »: one decimal, cut rather than rounded (never up to a 100 % the site does not reach)."""
    tenths = math.floor(rate * 10 + 1e-9)
    text = f"{tenths // 10},{tenths % 10}" if tenths % 10 else str(tenths // 10)
    return f"{text}{NNBSP}%"


def points(value: float) -> str:
    """« 412 », « 150,2 », « 1 012,5 »: a barème, up to three decimals, no trailing zero."""
    if value == int(value):  # most barèmes: an integer
        return f"{int(value):,}".replace(",", NNBSP)
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text.replace(",", NNBSP).replace(".", ",")
