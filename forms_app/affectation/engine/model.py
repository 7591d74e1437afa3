"""The engine's input and output: plain frozen dataclasses, no behaviour beyond checks."""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

VOEU_TYPES = ("ETB", "COM", "GEO", "DPT", "ACA", "ZRE", "ZRD", "ZRA")
# Vœux on zones de remplacement name a ZR poste's établissement de rattachement, département or académie.
ZR_TYPES = ("ZRE", "ZRD", "ZRA")

Obtention = Literal["voeu", "maintien", "extension", "sans_poste"]
ZoneKey = tuple[str, str]
"""A zone as a campaign names it: (vœu type, code), e.g. ("ACA", "06") or ("DPT", "063")."""


@dataclass(frozen=True, slots=True)
class Voeu:
    """One ranked wish: a type, a code, and an optional type d'établissement (None = tout type)."""

    type: str
    code: str
    etablissement_type: str | None = None

    @property
    def zone(self) -> ZoneKey:
        return (self.type, self.code)


@dataclass(frozen=True, slots=True)
class Poste:
    """Seats of one discipline at one place: an établissement poste, a ZR poste, or inter seats of an académie.

    `capacity` counts every seat, those held by participating candidates included: a seat whose holder
    leaves becomes free for the others in the same run.
    """

    id: str
    discipline: str
    capacity: int = 1
    uai: str | None = None
    etablissement_type: str | None = None
    commune: str | None = None
    groupements: tuple[str, ...] = ()
    departement: str | None = None
    academie: str | None = None
    zone_remplacement: bool = False
    restrictions: tuple[str, ...] = ()
    """The types d'établissement a restricted vœu may name to reach this poste, when there are several
    (a lycée polyvalent answers both « lycée » and « lycée professionnel »); empty: `etablissement_type`."""


@dataclass(frozen=True, slots=True)
class Candidat:
    """One demande: ranked vœux with the barème of each, and what the campaign rules add.

    `baremes[i]` is the barème on `voeux[i]`. `bareme_base` is the barème stripped of vœu-specific
    bonuses (used by the extension, and as a holder's claim on her own poste in the exchange phase).
    `tie_break` is computed by the caller from the campaign's rules (e.g. family situation, then age):
    the smaller tuple is preferred; the candidate id breaks the remaining ties.
    """

    id: str
    discipline: str
    voeux: tuple[Voeu, ...]
    baremes: tuple[float, ...]
    bareme_base: float = 0.0
    tie_break: tuple[object, ...] = ()
    poste_actuel: str | None = None
    must_be_placed: bool = False


@dataclass(frozen=True, slots=True)
class Mouvement:
    """One allocation problem: the candidats and the postes they compete for."""

    candidats: tuple[Candidat, ...]
    postes: tuple[Poste, ...]


@dataclass(frozen=True, slots=True)
class Resultat:
    """What one candidate ends with.

    `rang` is the 1-based rank of the vœu through which the final poste was reached (also for a holder
    whose own poste lies in one of her vœux); None when she keeps her poste as her implicit last choice,
    was placed by the extension, or has nothing. `bareme` is her barème on that vœu.
    """

    candidat_id: str
    poste_id: str | None
    obtention: Obtention
    rang: int | None = None
    bareme: float | None = None


@dataclass(frozen=True, slots=True)
class Affectation:
    """The outcome of one algorithm: one result per candidate, in the mouvement's order."""

    algorithme: str
    resultats: tuple[Resultat, ...]
    _by_id: Mapping[str, Resultat] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {r.candidat_id: r for r in self.resultats})

    def of(self, candidat_id: str) -> Resultat:
        """Return the result of one candidate (KeyError when unknown)."""
        return self._by_id[candidat_id]

    def postes(self) -> dict[str, str | None]:
        """Return candidate id → poste id (None without a poste)."""
        return {r.candidat_id: r.poste_id for r in self.resultats}


class MouvementInvalide(ValueError):
    """The input breaks the model's rules; `problems` lists all of them."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def check_mouvement(mouvement: Mouvement) -> list[str]:
    """Return every problem of the input, in French, in input order (empty when it is usable)."""
    problems: list[str] = []
    postes: dict[str, Poste] = {}
    for poste in mouvement.postes:
        if poste.id in postes:
            problems.append(f"poste {poste.id} : identifiant en double")
        postes[poste.id] = poste
        if poste.capacity < 1:
            problems.append(f"poste {poste.id} : capacité {poste.capacity}, il en faut au moins 1")
    seen: set[str] = set()
    holders: dict[str, int] = {}
    for candidat in mouvement.candidats:
        where = f"candidat {candidat.id}"
        if candidat.id in seen:
            problems.append(f"{where} : identifiant en double")
        seen.add(candidat.id)
        if len(candidat.baremes) != len(candidat.voeux):
            problems.append(f"{where} : {len(candidat.voeux)} vœux mais {len(candidat.baremes)} barèmes")
        for rang, voeu in enumerate(candidat.voeux, start=1):
            if voeu.type not in VOEU_TYPES:
                problems.append(f"{where} : vœu {rang} de type inconnu « {voeu.type} »")
        if any(not math.isfinite(b) for b in (*candidat.baremes, candidat.bareme_base)):
            problems.append(f"{where} : barème non numérique")
        if candidat.poste_actuel is not None:
            if candidat.poste_actuel not in postes:
                problems.append(f"{where} : poste actuel {candidat.poste_actuel} inconnu")
            else:
                holders[candidat.poste_actuel] = holders.get(candidat.poste_actuel, 0) + 1
    for poste_id, count in holders.items():
        if count > postes[poste_id].capacity:
            problems.append(
                f"poste {poste_id} : {count} titulaires pour {postes[poste_id].capacity} place(s)"
            )
    try:
        sorted(c.tie_break for c in mouvement.candidats)
    except TypeError:
        problems.append("départage : des clés de départage ne se comparent pas entre elles")
    return problems


def require_valid(mouvement: Mouvement) -> None:
    """Raise MouvementInvalide with every problem when the input is not usable."""
    problems = check_mouvement(mouvement)
    if problems:
        raise MouvementInvalide(problems)
