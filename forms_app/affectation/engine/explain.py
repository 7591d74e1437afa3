"""Why a candidate did not obtain the vœux ranked above the one she got."""
from __future__ import annotations

from dataclasses import dataclass

from .barre import Barre, BarreKey, compute_barres
from .expand import ZoneOrder
from .model import Affectation, Candidat, Mouvement, Resultat, Voeu


@dataclass(frozen=True, slots=True)
class VoeuExplanation:
    """One vœu above the result: the barre (None: « aucune place libérée ») and her barème on it."""

    rang: int
    voeu: Voeu
    bareme: float
    barre: float | None

    def line(self, possessif: str = "votre") -> str:
        """Say it in French: « votre barème » as the candidate reads it, « son barème » for a gestionnaire."""
        barre = "aucune place libérée" if self.barre is None else f"barre {format_points(self.barre)}"
        return f"vœu {self.rang} : {barre}, {possessif} barème {format_points(self.bareme)}"


@dataclass(frozen=True, slots=True)
class Explanation:
    """A candidate's result and, for each vœu ranked above it, why it was not obtained."""

    candidat_id: str
    resultat: Resultat
    above: tuple[VoeuExplanation, ...]

    def lines(self) -> list[str]:
        """Return one French line per vœu above the result."""
        return [v.line() for v in self.above]


def format_points(value: float) -> str:
    """Write points the French way: 412, 150,2 (at most three decimals, no trailing zeros)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",").replace("-", "−")


def explain_candidate(
    mouvement: Mouvement,
    affectation: Affectation,
    candidat_id: str,
    *,
    barres: dict[BarreKey, Barre] | None = None,
    zone_order: ZoneOrder | None = None,
) -> Explanation:
    """Explain one candidate's result; pass `barres` from `compute_barres` when explaining many."""
    found = [c for c in mouvement.candidats if c.id == candidat_id]
    if not found:
        raise KeyError(candidat_id)
    candidat = found[0]
    if barres is None:
        keys = [(candidat.discipline, v) for v in candidat.voeux]
        barres = compute_barres(mouvement, affectation, keys=keys, zone_order=zone_order)
    return explanation_of(candidat, affectation.of(candidat_id), barres)


def explanation_of(candidat: Candidat, resultat: Resultat, barres: dict[BarreKey, Barre]) -> Explanation:
    """List the vœux ranked above the result with their barre and the candidate's barème."""
    stop = len(candidat.voeux) if resultat.rang is None else resultat.rang - 1
    above = tuple(
        VoeuExplanation(i + 1, voeu, candidat.baremes[i], barres[(candidat.discipline, voeu)].barre)
        for i, voeu in enumerate(candidat.voeux[:stop])
    )
    return Explanation(candidat.id, resultat, above)


def explain_candidates(
    mouvement: Mouvement, affectation: Affectation, *, zone_order: ZoneOrder | None = None
) -> dict[str, Explanation]:
    """Explain every candidate's result, computing the barres once."""
    barres = compute_barres(mouvement, affectation, zone_order=zone_order)
    return {c.id: explanation_of(c, affectation.of(c.id), barres) for c in mouvement.candidats}
