"""Text as people type it: search keys without accents or case, digits that int() reads. Pure."""
from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[-'’]")


def plain(text: str) -> str:
    """« Élodie D'Aubigny-Vidal » -> « elodie d aubigny vidal »: what a search compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(_SEPARATORS.sub(" ", bare).split())


def chiffres(text: str) -> bool:
    """Only the digits 0 to 9: str.isdigit() also accepts « ² » or « ٣ », which int() refuses or reads as 3,
    so a check on what people type or files hold uses this before int()."""
    return text.isascii() and text.isdigit()
