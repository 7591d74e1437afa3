"""Figures of an allocation, and two allocations side by side."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .expand import ZoneIndex, ZoneOrder
from .model import Affectation, Candidat, Mouvement, Resultat


@dataclass(frozen=True, slots=True)
class Report:
    """What an allocation gives: moves, satisfaction per vœu rank, entrants placed, mean rank."""

    algorithme: str
    candidats: int
    moves: int
    """Candidates with a poste who end on another one."""
    satisfied_by_rank: tuple[tuple[int, int], ...]
    """(vœu rank, candidates who obtained a poste through it), ranks in increasing order."""
    satisfied: int
    kept: int
    """Candidates with a poste who keep it."""
    entrants: int
    entrants_placed_by_voeu: int
    entrants_placed_by_extension: int
    entrants_without_poste: int
    mean_rank: float | None
    """Mean rank of the vœu obtained, over candidates who obtained one; None if nobody did."""


def report_allocation(mouvement: Mouvement, affectation: Affectation) -> Report:
    """Count what an allocation gives."""
    by_rank: Counter[int] = Counter()
    moves = kept = entrants = by_voeu = by_extension = without = 0
    for candidat in mouvement.candidats:
        resultat = affectation.of(candidat.id)
        if resultat.obtention == "voeu" and resultat.rang is not None:
            by_rank[resultat.rang] += 1
        if candidat.poste_actuel is not None:
            if resultat.poste_id == candidat.poste_actuel:
                kept += 1
            else:
                moves += 1
        if candidat.must_be_placed:
            entrants += 1
            by_voeu += resultat.obtention == "voeu"
            by_extension += resultat.obtention == "extension"
            without += resultat.poste_id is None
    satisfied = sum(by_rank.values())
    mean = sum(rank * count for rank, count in by_rank.items()) / satisfied if satisfied else None
    return Report(
        algorithme=affectation.algorithme,
        candidats=len(mouvement.candidats),
        moves=moves,
        satisfied_by_rank=tuple(sorted(by_rank.items())),
        satisfied=satisfied,
        kept=kept,
        entrants=entrants,
        entrants_placed_by_voeu=by_voeu,
        entrants_placed_by_extension=by_extension,
        entrants_without_poste=without,
        mean_rank=mean,
    )


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two allocations of one mouvement: their reports and who fares better or worse in the second."""

    reference: Report
    other: Report
    better: tuple[str, ...]
    worse: tuple[str, ...]
    """Candidate ids, in the mouvement's order."""


def standing(candidat: Candidat, resultat: Resultat, index: ZoneIndex) -> tuple[int, int]:
    """Place a result in the candidate's own order: vœu rank, then the poste's place in that vœu's zone.

    Keeping her poste after all vœux, the extension, then nothing come last, in that order.
    """
    after = len(candidat.voeux) + 1
    if resultat.rang is not None and resultat.poste_id is not None:
        zone = index.indices(candidat.discipline, candidat.voeux[resultat.rang - 1])
        return (resultat.rang, zone.index(index.position[resultat.poste_id]))
    return {"maintien": (after, 0), "extension": (after + 1, 0)}.get(resultat.obtention, (after + 2, 0))


def compare_allocations(
    mouvement: Mouvement,
    reference: Affectation,
    other: Affectation,
    *,
    zone_order: ZoneOrder | None = None,
) -> Comparison:
    """Report both allocations and list the candidates the second one serves better or worse."""
    index = ZoneIndex(mouvement.postes, zone_order)
    better, worse = [], []
    for candidat in mouvement.candidats:
        before = standing(candidat, reference.of(candidat.id), index)
        after = standing(candidat, other.of(candidat.id), index)
        if after < before:
            better.append(candidat.id)
        elif after > before:
            worse.append(candidat.id)
    return Comparison(
        report_allocation(mouvement, reference),
        report_allocation(mouvement, other),
        tuple(better),
        tuple(worse),
    )
