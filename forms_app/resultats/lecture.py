"""How a result reads: one phrase for the courrier, the demande's page and the SMS."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import EXTENSION, MAINTENU, SATISFAIT, Resultat


def phrase(issue: str, voeu_rang: int | None, uai: str, libelle: str) -> str:
    """« satisfaite sur le vœu n° 2 : LPO Lycée La Fayette (0630021F) », « maintenue », « non satisfaite »."""
    if issue == SATISFAIT:
        lieu = f"{libelle} ({uai})" if uai and libelle else (libelle or uai)
        return f"satisfaite sur le vœu n°\u00a0{voeu_rang}\u00a0: {lieu}"
    if issue == MAINTENU:
        return "maintenue : vous restez sur votre affectation actuelle"
    if issue == EXTENSION:
        lieu = f"{libelle} ({uai})" if uai and libelle else (libelle or uai)
        return f"affectation hors de vos vœux, en extension\u00a0: {lieu}"
    return "non satisfaite"


class Publie:
    """A published result as the demande's page shows it."""

    def __init__(self, row: Resultat) -> None:
        self.row = row
        self.publie_at = row.publie_at
        self.phrase = phrase(row.issue, row.voeu_rang, row.uai, row.libelle)


def resultat_publie(session: Session, demande_id: int) -> Publie | None:
    row = session.scalar(select(Resultat).where(Resultat.demande_id == demande_id, Resultat.publie_at.is_not(None)))
    return Publie(row) if row is not None else None
