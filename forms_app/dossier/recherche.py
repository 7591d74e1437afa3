"""Finding agents by what a gestionnaire types: a name in any accents, case and order, an identifiant, a NUMEN."""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, or_

from ..core.texte import plain


def agent_texte(q: str, recherche, numen, identifiant) -> ColumnElement[bool]:
    """Agents whose name holds every word of q (« elodie vidal », « Vidal Élodie »), whose identifiant holds q,
    or whose NUMEN is q (spaces ignored); the three columns of the caller's query."""
    mots = plain(q).split()
    par_nom = and_(*(recherche.contains(mot, autoescape=True) for mot in mots)) if mots else None
    par_identifiant = func.lower(identifiant).contains(q.strip().lower(), autoescape=True)
    par_numen = numen == "".join(q.split()).upper()
    return or_(*(c for c in (par_nom, par_identifiant, par_numen) if c is not None))
