"""Text as people search it: without accents or case, hyphens and apostrophes as spaces. Pure."""
from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[-'’]")


def plain(text: str) -> str:
    """« Élodie D'Aubigny-Vidal » -> « elodie d aubigny vidal »: what a search compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(_SEPARATORS.sub(" ", bare).split())
