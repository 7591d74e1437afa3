"""Last years' barres next to each vœu: what data/barres (Site.barres) says of the same vœu, in the same
movement and discipline, and the « comparateur de mobilité » page of that discipline.

« en 2026, il fallait 412 points ; votre barème sur ce vœu : 380 ». The barres are the site's content: the
demande page's cache key already holds the content's generation (views/voeux.py `_empreinte`).
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.model import CAMPAIGN_BARRE_MOUVEMENTS, Barre, Campaign, Site
from generator.urls import comparateur_path

NBSP = "\u00a0"
ANNEES = 3  # how many past years are shown next to a vœu

Cle = tuple[str, str, str, str, str]  # mouvement, discipline, type_voeu, code_voeu, type_etablissement
Index = dict[Cle, list[tuple[int, float | None, int]]]  # → (année, barre, entrants), the latest first

_lock = threading.Lock()
_kept: dict[str, tuple[object, Index, frozenset[tuple[str, str]]]] = {}


def mouvement_des_barres(campaign: Campaign, mouvement: str) -> str:
    """The movement of data/barres a campaign's movement belongs to: its own code when it names one
    (SPEA → spea), else the first of the campaign's type (intra → intra, inter → inter, specifique → spen)."""
    possibles = CAMPAIGN_BARRE_MOUVEMENTS.get(campaign.kind, ())
    return mouvement.lower() if mouvement.lower() in possibles else (possibles[0] if possibles else "")


def indexer(barres: Iterable[Barre]) -> tuple[Index, frozenset[tuple[str, str]]]:
    """Each vœu's barres, the latest year first; and the (movement, discipline) pairs that have a page."""
    index: Index = {}
    groupes = set()
    for b in barres:
        index.setdefault((b.mouvement, b.discipline, b.type_voeu, b.code_voeu, b.type_etablissement), []).append(
            (b.annee, b.barre, b.entrants))
        groupes.add((b.mouvement, b.discipline))
    for found in index.values():
        found.sort(reverse=True)
    return index, frozenset(groupes)


def index_du_site(site: Site) -> tuple[Index, frozenset[tuple[str, str]]]:
    """The index of the loaded model, made once per model (a reload makes a new Site)."""
    with _lock:
        kept = _kept.get("site")
        if kept is not None and kept[0] is site:
            return kept[1], kept[2]
    index, groupes = indexer(site.barres)
    with _lock:
        _kept["site"] = (site, index, groupes)
    return index, groupes


@dataclass(frozen=True)
class BarresVoeu:
    """Last years' barres of one vœu and the teacher's barème on it, in words."""

    annees: tuple[tuple[int, float | None, int], ...]  # (année, barre, entrants), the latest first
    bareme: float | None

    def phrase(self, points_fr) -> str:
        """« en 2026, il fallait 412 points ; votre barème sur ce vœu : 380 »."""
        if not self.annees:
            return "aucune barre publiée pour ce vœu les années passées"
        annee, barre, _entrants = self.annees[0]
        debut = (f"en {annee}, aucune place ne s'est libérée" if barre is None
                 else f"en {annee}, il fallait {points_fr(barre)} point{'s' if barre >= 2 else ''}")
        if self.bareme is None:
            return debut
        return f"{debut}{NBSP}; votre barème sur ce vœu{NBSP}: {points_fr(self.bareme)}"

    def avant(self, points_fr) -> str:
        """The earlier years: « 2025 : 398 ; 2024 : aucune place » ("" when none)."""
        parts = [f"{annee}{NBSP}: {'aucune place' if barre is None else points_fr(barre)}"
                 for annee, barre, _e in self.annees[1:ANNEES]]
        return f"{NBSP}; ".join(parts)


@dataclass(frozen=True)
class BarresDemande:
    """The barres of each vœu of a demande, and the comparateur page of its discipline (None without one)."""

    voeux: tuple[BarresVoeu, ...]
    page: str | None  # site path, e.g. "comparateur/intra-l1300/"
    mouvement: str
    discipline: str

    @property
    def utiles(self) -> bool:
        return self.page is not None or any(v.annees for v in self.voeux)


def barres_de_la_demande(site: Site, campaign: Campaign, mouvement: str, discipline: str,
                         voeux: Sequence, baremes: Sequence[float | None]) -> BarresDemande:
    """voeux: rows with type, code, type_etab; baremes: the teacher's barème on each (None: unknown)."""
    index, groupes = index_du_site(site)
    barre_mouvement = mouvement_des_barres(campaign, mouvement)
    found = tuple(
        BarresVoeu(tuple(index.get((barre_mouvement, discipline, v.type, v.code, v.type_etab or ""), ())[:ANNEES]),
                   bareme)
        for v, bareme in zip(voeux, baremes))
    page = comparateur_path(barre_mouvement, discipline) if (barre_mouvement, discipline) in groupes else None
    return BarresDemande(found, page, barre_mouvement, discipline)
