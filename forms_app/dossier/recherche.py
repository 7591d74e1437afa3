"""Finding agents by what a gestionnaire types: a name in any accents, case and order, an identifiant, a NUMEN."""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, func, or_

from ..core.texte import plain


def nom_ou_numen(q: str, recherche, numen) -> ColumnElement[bool]:
    """Agents whose name holds every word of q (« elodie vidal », « Vidal Élodie ») or whose NUMEN is q
    (spaces ignored); recherche and numen: the agents' columns in the caller's query."""
    mots = plain(q).split()
    par_nom = and_(*(recherche.contains(mot, autoescape=True) for mot in mots)) if mots else false()
    return or_(par_nom, numen == "".join(q.split()).upper())


def identifiant_contient(q: str, identifiant) -> ColumnElement[bool]:
    """Accounts whose identifiant holds q, case ignored (LIKE's wildcards typed are taken literally)."""
    return func.lower(identifiant).contains(q.strip().lower(), autoescape=True)
