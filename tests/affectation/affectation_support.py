"""Builders, hypothesis strategies and the guarantees of the allocation, checked the slow obvious way."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from hypothesis import strategies as st

from forms_app.affectation.engine import (
    Affectation,
    Candidat,
    Mouvement,
    Poste,
    Resultat,
    Voeu,
    build_zone_index,
    expand_voeu,
)

UAIS = ("0630001A", "0630002B", "0630003C", "0630004D", "0630005E", "0630006F")
COMMUNES = ("63113", "63124", "63430")
GROUPEMENTS = ("063951", "063952")
DEPARTEMENTS = ("063", "003")
TYPES = ("CLG", "LYC", "LP")


def poste(id: str, uai: str | None, *, capacity: int = 1, discipline: str = "L1300", type_: str | None = "CLG",
          commune: str | None = None, groupements: tuple[str, ...] = (), departement: str | None = "063",
          academie: str | None = "06", zr: bool = False) -> Poste:
    """Build a poste with the défaut of the example académie."""
    return Poste(id, discipline, capacity, uai, None if zr else type_, commune, groupements, departement,
                 academie, zr)


def candidat(id: str, *voeux: tuple[Voeu, float], base: float | None = None, tie: tuple[object, ...] = (),
             actuel: str | None = None, entrant: bool = False, discipline: str = "L1300") -> Candidat:
    """Build a candidate from (vœu, barème) pairs; the base barème defaults to the lowest of them."""
    baremes = tuple(b for _, b in voeux)
    return Candidat(id, discipline, tuple(v for v, _ in voeux), baremes,
                    min(baremes, default=0.0) if base is None else base, tie, actuel, entrant)


def etb(uai: str, type_: str | None = None) -> Voeu:
    return Voeu("ETB", uai, type_)


# --- random instances -------------------------------------------------------------------------------

@st.composite
def mouvements(draw: st.DrawFn, *, max_candidats: int = 7, max_postes: int = 6, initial: bool = True,
               constant_bareme: bool = False, geographic: bool = True, disciplines: int = 1,
               bonus: bool = False) -> Mouvement:
    """Draw a small mouvement: a few postes in a toy académie, candidates with vœux, holders, entrants.

    With `bonus`, each vœu's barème is the base plus a vœu-specific bonus (what block exchanges need).
    """
    n_postes = draw(st.integers(1, max_postes))
    postes = []
    for i in range(n_postes):
        zr = geographic and draw(st.booleans()) and draw(st.booleans())
        postes.append(Poste(
            id=f"P{i}",
            discipline=f"D{draw(st.integers(0, disciplines - 1))}",
            capacity=draw(st.integers(1, 2)),
            uai=draw(st.sampled_from(UAIS)),
            etablissement_type=None if zr else draw(st.sampled_from(TYPES)),
            commune=draw(st.sampled_from(COMMUNES)),
            groupements=tuple(draw(st.lists(st.sampled_from(GROUPEMENTS), max_size=2, unique=True))),
            departement=draw(st.sampled_from(DEPARTEMENTS)),
            academie="06",
            zone_remplacement=zr,
        ))
    seats = {p.id: p.capacity for p in postes}
    n = draw(st.integers(2, max_candidats))
    candidats = []
    for i in range(n):
        discipline = f"D{draw(st.integers(0, disciplines - 1))}"
        mine = [p for p in postes if p.discipline == discipline and seats[p.id] > 0]
        actuel = None
        if initial and mine and (bonus or draw(st.booleans())):
            actuel = draw(st.sampled_from(mine)).id
            seats[actuel] -= 1
        voeux = draw(st.lists(voeu_strategy(postes, discipline, geographic), min_size=1, max_size=4))
        level = draw(st.integers(0, 6))
        if constant_bareme:
            baremes = tuple(float(level) for _ in voeux)
        elif bonus:
            baremes = tuple(float(level + draw(st.integers(0, 4))) for _ in voeux)
        else:
            baremes = tuple(float(draw(st.integers(0, 6))) for _ in voeux)
        candidats.append(Candidat(
            id=f"c{i}",
            discipline=discipline,
            voeux=tuple(voeux),
            baremes=baremes,
            bareme_base=float(level),
            tie_break=(draw(st.integers(0, 2)),),
            poste_actuel=actuel,
            must_be_placed=actuel is None and draw(st.booleans()),
        ))
    return Mouvement(tuple(candidats), tuple(postes))


def voeu_strategy(postes: list[Poste], discipline: str, geographic: bool) -> st.SearchStrategy[Voeu]:
    """Vœux naming the places of the drawn postes, mostly of the candidate's discipline."""
    mine = [p for p in postes if p.discipline == discipline] or postes
    places = st.sampled_from(mine)
    restriction = st.sampled_from((None, None, *TYPES))
    etbs = st.builds(lambda p, t: Voeu("ZRE" if p.zone_remplacement else "ETB", p.uai or "", t), places,
                     st.sampled_from((None, None, None, "CLG")))
    if not geographic:
        return etbs
    zones = st.one_of(
        st.builds(lambda p, t: Voeu("COM", p.commune or "", t), places, restriction),
        st.builds(lambda g, t: Voeu("GEO", g, t), st.sampled_from(GROUPEMENTS), restriction),
        st.builds(lambda p: Voeu("DPT", p.departement or ""), places),
        st.builds(lambda t: Voeu("ACA", "06", t), restriction),
        st.builds(lambda p, t: Voeu(t, p.departement if t == "ZRD" else "06"), places,
                  st.sampled_from(("ZRD", "ZRA"))),
    )
    return st.one_of(etbs, etbs, zones)


# --- the guarantees, checked from the definitions ---------------------------------------------------

Contract = tuple[int, str]
"""(vœu index, poste id): a candidate's ranked options once her vœux are expanded."""


def contracts(mouvement: Mouvement, c: Candidat) -> list[Contract]:
    """Return the candidate's options in her order: her vœux expanded, then her own poste."""
    index = build_zone_index(mouvement.postes)
    listed = [(vi, p) for vi, v in enumerate(c.voeux) for p in expand_voeu(index, c.discipline, v)]
    if c.poste_actuel is not None:
        listed.append((len(c.voeux), c.poste_actuel))
    return listed


def position(mouvement: Mouvement, c: Candidat, r: Resultat) -> int:
    """Return where the result sits in the candidate's options (len(options) when she has nothing)."""
    options = contracts(mouvement, c)
    if r.poste_id is None:
        return len(options)
    if r.obtention == "maintien" and r.rang is None:
        return len(options) - 1
    if r.obtention == "extension":
        return len(options)
    assert r.rang is not None
    return options.index((r.rang - 1, r.poste_id))


def claims_above(mouvement: Mouvement, c: Candidat, r: Resultat) -> Iterator[Contract]:
    """Yield the options the candidate ranks strictly above her result."""
    yield from contracts(mouvement, c)[: position(mouvement, c, r)]


def priority(c: Candidat, vi: int) -> tuple[float, tuple[object, ...], str]:
    """Sort key of a claim by barème on a vœu, smaller is preferred."""
    return (-c.baremes[vi], c.tie_break, c.id)


def individual_rationality_violations(mouvement: Mouvement, a: Affectation) -> list[str]:
    """List holders who end without a poste or on an option ranked below their own poste."""
    bad = []
    for c in mouvement.candidats:
        if c.poste_actuel is None:
            continue
        r = a.of(c.id)
        options = contracts(mouvement, c)
        own_at = next(i for i, (_, p) in enumerate(options) if p == c.poste_actuel)
        if r.poste_id is None or position(mouvement, c, r) > own_at:
            bad.append(c.id)
    return bad


def justified_envy(mouvement: Mouvement, a: Affectation) -> list[tuple[str, str, str]]:
    """List (envious, poste, holder): a poste she ranks above her result, held by a lower barème on it.

    A holder who keeps her own poste is not envied: her claim there comes first.
    """
    candidats = {c.id: c for c in mouvement.candidats}
    holders: dict[str, list[Resultat]] = {}
    for r in a.resultats:
        if r.poste_id is not None:
            holders.setdefault(r.poste_id, []).append(r)
    found = []
    for c in mouvement.candidats:
        for vi, p in claims_above(mouvement, c, a.of(c.id)):
            for h in holders.get(p, []):
                if h.obtention == "maintien" or h.candidat_id == c.id:
                    continue
                assert h.rang is not None
                if priority(c, vi) < priority(candidats[h.candidat_id], h.rang - 1):
                    found.append((c.id, p, h.candidat_id))
    return found


def wasted_seats(mouvement: Mouvement, a: Affectation) -> list[tuple[str, str]]:
    """List (candidate, poste): a poste she ranks above her result that still has a free seat."""
    used: dict[str, int] = {}
    for r in a.resultats:
        if r.poste_id is not None:
            used[r.poste_id] = used.get(r.poste_id, 0) + 1
    capacity = {p.id: p.capacity for p in mouvement.postes}
    return [
        (c.id, p)
        for c in mouvement.candidats
        for _, p in claims_above(mouvement, c, a.of(c.id))
        if used.get(p, 0) < capacity[p]
    ]


def over_capacity(mouvement: Mouvement, a: Affectation) -> list[str]:
    """List postes holding more candidates than seats."""
    used: dict[str, int] = {}
    for r in a.resultats:
        if r.poste_id is not None:
            used[r.poste_id] = used.get(r.poste_id, 0) + 1
    return [p.id for p in mouvement.postes if used.get(p.id, 0) > p.capacity]


def with_voeux(c: Candidat, voeux: tuple[Voeu, ...], bareme: float) -> Candidat:
    """Return the candidate with another list of vœux, all at one barème."""
    return replace(c, voeux=voeux, baremes=tuple(bareme for _ in voeux))


def holding_priority(mouvement: Mouvement, h: Candidat, r: Resultat) -> tuple[float, tuple[object, ...], str]:
    """A holder's claim on her poste: barème on the vœu she holds it by, her base on her own poste."""
    if r.poste_id == h.poste_actuel or r.rang is None:
        return (-h.bareme_base, h.tie_break, h.id)
    return priority(h, r.rang - 1)


def true_envy(mouvement: Mouvement, a: Affectation) -> set[tuple[str, str]]:
    """Return (envious, poste) pairs by barème alone: she ranks the poste above her result and beats
    the claim of one of its holders (a holder kept on her own poste claims it with her base barème)."""
    candidats = {c.id: c for c in mouvement.candidats}
    holders: dict[str, list[Resultat]] = {}
    for r in a.resultats:
        if r.poste_id is not None:
            holders.setdefault(r.poste_id, []).append(r)
    found = set()
    for c in mouvement.candidats:
        for vi, p in claims_above(mouvement, c, a.of(c.id)):
            for r in holders.get(p, []):
                h = candidats[r.candidat_id]
                if h.id != c.id and priority(c, vi) < holding_priority(mouvement, h, r):
                    found.add((c.id, p))
    return found


@st.composite
def exchange_markets(draw: st.DrawFn, max_holders: int = 6) -> Mouvement:
    """Draw holders who each want other holders' postes with a bonus, and entrants who break DA*'s chains."""
    n = draw(st.integers(2, max_holders))
    postes = tuple(poste(f"P{i}", UAIS[i], capacity=1) for i in range(n))
    people = []
    for i in range(n):
        others = [p for p in postes if p.id != f"P{i}"]
        wanted = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
        base = float(draw(st.integers(0, 5)))
        people.append(candidat(f"t{i}", *((etb(p.uai or ""), base + draw(st.integers(0, 5))) for p in wanted),
                               base=base, tie=(draw(st.integers(0, 1)),), actuel=f"P{i}"))
    for j in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from(postes))
        people.append(candidat(f"x{j}", (etb(target.uai or ""), float(draw(st.integers(0, 12)))), entrant=True))
    return Mouvement(tuple(people), postes)
