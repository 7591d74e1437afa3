"""Benchmark the allocation engine on synthetic national inter and intra mouvements, and `matching`.

Run: .venv/bin/python bench/allocation_bench.py [--seed 2027] [--only inter|intra|matching]
     [--matching-full]

Each measure runs in its own child process (`--child SCENARIO STEP`), which builds the instance, then
times one step and reports the peak resident memory (ru_maxrss) after building and after the step.
Instances are generated from the seed alone: same seed, same instance, same allocation.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from itertools import accumulate
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from forms_app.affectation.engine import (  # noqa: E402
    Affectation,
    Candidat,
    ExtensionTable,
    Mouvement,
    Poste,
    Voeu,
    build_zone_index,
    by_uai,
    expand_voeu,
    report_allocation,
    run_deferred_acceptance,
    run_exchange_cycles,
    run_extension,
)

# --- inter: 31 académies × 40 disciplines, 29,000 candidates, up to 31 ACA vœux ---------------------

ACADEMIES = [f"{i:02d}" for i in range(1, 32)]
DISCIPLINES = [f"L{i:04d}" for i in range(100, 4100, 100)]
UNATTRACTIVE = ("24", "25")  # two académies many want to leave (Créteil and Versailles in real data)


def zipf_weights(count: int, exponent: float) -> list[float]:
    return [1.0 / (rank + 1) ** exponent for rank in range(count)]


def sample_distinct(rnd: random.Random, items: Sequence[str], cum_weights: Sequence[float], k: int,
                    exclude: str | None = None) -> list[str]:
    """Draw k distinct items, each draw weighted (the attractiveness skew), never `exclude`."""
    k = min(k, len(items) - (exclude in items))
    chosen: list[str] = []
    seen = {exclude}
    while len(chosen) < k:
        item = rnd.choices(items, cum_weights=cum_weights)[0]
        if item not in seen:
            seen.add(item)
            chosen.append(item)
    return chosen


def make_inter(seed: int, candidates: int = 29_000, entrants_share: float = 0.2) -> tuple[Mouvement, ExtensionTable]:
    """Build the national inter instance: tenured candidates hold seats of their académie, entrants none."""
    rnd = random.Random(seed)
    order = [a for a in ACADEMIES if a not in UNATTRACTIVE]
    rnd.shuffle(order)
    order += list(UNATTRACTIVE)
    attract = dict(zip(order, zipf_weights(len(order), 0.9)))
    attract_cw = list(accumulate(attract[a] for a in ACADEMIES))
    # Half of the tenured candidates sit in the two académies at the bottom.
    origin_w = [12.0 if a in UNATTRACTIVE else 0.5 + attract[a] for a in ACADEMIES]
    disc_w = zipf_weights(len(DISCIPLINES), 0.8)
    people = []
    holders: dict[tuple[str, str], int] = {}
    for i in range(candidates):
        discipline = rnd.choices(DISCIPLINES, disc_w)[0]
        entrant = rnd.random() < entrants_share
        current = None if entrant else rnd.choices(ACADEMIES, origin_w)[0]
        k = min(31, rnd.randint(5, 31) if entrant else 1 + int(rnd.expovariate(1 / 5)))
        voeux = sample_distinct(rnd, ACADEMIES, attract_cw, k, exclude=current)
        echelon = rnd.randint(2, 11)
        base = 14.0 + 7 * echelon if entrant else 7.0 * echelon + 20 * rnd.randint(1, 12)
        base += 50 * (rnd.randint(0, 3) if not entrant else 0)
        spouse = rnd.choice(voeux) if rnd.random() < 0.3 else None
        family = 150.2 + 100 * rnd.randint(0, 3) if spouse else 0.0
        separation = rnd.choice((0, 190, 325, 475, 600)) if spouse and rnd.random() < 0.4 else 0
        preferential = 20 * rnd.randint(1, 5) if not entrant and not spouse and rnd.random() < 0.15 else 0
        baremes = []
        for rank, aca in enumerate(voeux):
            points = base
            if spouse is not None and abs(int(aca) - int(spouse)) <= 1:
                points += family + separation
            if rank == 0:
                points += preferential + (10 if entrant else 0)
            baremes.append(round(points, 1))
        poste_id = None if current is None else f"{current}-{discipline}"
        if current is not None:
            holders[(current, discipline)] = holders.get((current, discipline), 0) + 1
        people.append(Candidat(
            id=f"I{i:05d}", discipline=discipline, voeux=tuple(Voeu("ACA", a) for a in voeux),
            baremes=tuple(baremes), bareme_base=base, tie_break=(int(spouse is None), rnd.randint(0, 20_000)),
            poste_actuel=poste_id, must_be_placed=entrant,
        ))
    # Vacancies: about one per entrant of each discipline, more where few want to go.
    vacancies: dict[tuple[str, str], int] = {}
    vacancy_cw = list(accumulate(1.0 / attract[a] for a in ACADEMIES))
    for discipline in DISCIPLINES:
        entrants = sum(c.must_be_placed and c.discipline == discipline for c in people)
        for aca in rnd.choices(ACADEMIES, cum_weights=vacancy_cw, k=round(entrants * 1.02)):
            vacancies[(aca, discipline)] = vacancies.get((aca, discipline), 0) + 1
    postes = []
    for aca in ACADEMIES:
        for discipline in DISCIPLINES:
            seats = holders.get((aca, discipline), 0) + vacancies.get((aca, discipline), 0)
            if seats:
                postes.append(Poste(f"{aca}-{discipline}", discipline, seats, academie=aca))
    table = {("ACA", a): [("ACA", b) for b in sorted(ACADEMIES, key=lambda b: (abs(int(b) - int(a)), b))]
             for a in ACADEMIES}
    return Mouvement(tuple(people), tuple(postes)), table


# --- intra: 8,000 candidates × up to 25 vœux over 1,500 établissements, with zone vœux ---------------

DEPARTEMENTS = ("003", "015", "043", "063", "099")
INTRA_DISCIPLINES = [f"L{i:04d}" for i in range(100, 3100, 100)]


def make_intra(seed: int, candidates: int = 8_000, etablissements: int = 1_500,
               entrants_share: float = 0.4) -> tuple[Mouvement, ExtensionTable]:
    """Build one académie's intra instance: établissement and ZR postes, chains, geographic vœux."""
    rnd = random.Random(seed)
    communes = [(f"{d[1:]}{j:03d}", d) for d in DEPARTEMENTS for j in range(60)]
    commune_w = zipf_weights(len(communes), 0.7)
    rnd.shuffle(commune_w)
    groupement_of = {c: f"{d}9{(j % 60) // 10}" for j, (c, d) in enumerate(communes)}
    etabs = []
    for i in range(etablissements):
        commune, dpt = rnd.choices(communes, commune_w)[0]
        kind = rnd.choices(("CLG", "LYC", "LP"), (60, 25, 15))[0]
        etabs.append((f"{dpt[1:]}{i:04d}{chr(65 + i % 26)}", kind, commune, dpt))
    offered = {
        "CLG": INTRA_DISCIPLINES[:12],
        "LYC": INTRA_DISCIPLINES[:24],
        "LP": INTRA_DISCIPLINES[12:],
    }
    disc_w = zipf_weights(len(INTRA_DISCIPLINES), 0.6)
    slots: list[tuple[str, str]] = []  # (poste id, discipline) of établissement postes
    info: dict[str, tuple[str, str, str, str]] = {}
    for uai, kind, commune, dpt in etabs:
        for discipline in offered[kind]:
            if kind == "CLG" or rnd.random() < 0.6:
                pid = f"{uai}-{discipline}"
                slots.append((pid, discipline))
                info[pid] = (uai, kind, commune, dpt)
    zr_zones = [(etabs[i][0], etabs[i][3]) for i in range(0, len(etabs), len(etabs) // 20)][:20]
    by_disc: dict[str, list[str]] = {}
    for pid, discipline in slots:
        by_disc.setdefault(discipline, []).append(pid)
    commune_attract = {c: w for (c, _), w in zip(communes, commune_w)}
    attract = {pid: commune_attract[info[pid][2]] for pid, _ in slots}
    wanted_cw = {d: list(accumulate(attract[p] for p in found)) for d, found in by_disc.items()}
    leaving_cw = {d: list(accumulate(1 / attract[p] for p in found)) for d, found in by_disc.items()}
    people = []
    holders: dict[str, int] = {}
    for i in range(candidates):
        discipline = rnd.choices(INTRA_DISCIPLINES, disc_w)[0]
        mine = by_disc[discipline]
        entrant = rnd.random() < entrants_share
        current = None if entrant else rnd.choices(mine, cum_weights=leaving_cw[discipline])[0]
        if current is not None:
            holders[current] = holders.get(current, 0) + 1
        k = rnd.randint(5, 25)
        wanted = sample_distinct(rnd, mine, wanted_cw[discipline], max(1, k // 2), exclude=current)
        voeux: list[Voeu] = [Voeu("ETB", info[p][0]) for p in wanted]
        home = info[wanted[0]] if wanted else info[mine[0]]
        # Then broader: the commune, its groupement, the département, the académie, zones de remplacement.
        restriction = rnd.choice((None, None, "CLG", "LYC"))
        voeux.append(Voeu("COM", home[2], restriction))
        voeux.append(Voeu("GEO", groupement_of[home[2]]))
        voeux.append(Voeu("DPT", home[3], restriction))
        if entrant or rnd.random() < 0.3:
            voeux.append(Voeu("DPT", rnd.choice(DEPARTEMENTS)))
            voeux.append(Voeu("ACA", "06"))
            zr = rnd.choice(zr_zones)
            voeux += [Voeu("ZRE", zr[0]), Voeu("ZRD", zr[1]), Voeu("ZRA", "06")]
        voeux = list(dict.fromkeys(voeux))[:25]
        base = float(rnd.randint(14, 98) + (0 if entrant else 20 * rnd.randint(0, 8)))
        spouse_dpt = rnd.choice(DEPARTEMENTS) if rnd.random() < 0.3 else None
        baremes = []
        for v in voeux:
            points = base
            if spouse_dpt and v.type in ("COM", "GEO", "DPT", "ZRD") and spouse_dpt in (v.code, home[3]):
                points += 150.2
            if entrant and v.type in ("DPT", "ACA", "ZRD", "ZRA"):
                points += 50  # a bonus some académies give on broad vœux
            baremes.append(points)
        people.append(Candidat(
            id=f"J{i:05d}", discipline=discipline, voeux=tuple(voeux), baremes=tuple(baremes),
            bareme_base=base, tie_break=(int(spouse_dpt is None), rnd.randint(0, 20_000)),
            poste_actuel=current, must_be_placed=entrant,
        ))
    # Vacancies: about one per entrant of each discipline (ZR postes add more), a little more where few
    # want to go.
    vacancies: dict[str, int] = {}
    for discipline, found in by_disc.items():
        entrants = sum(c.must_be_placed and c.discipline == discipline for c in people)
        weights = [attract[p] ** -0.5 for p in found]
        for pid in rnd.choices(found, weights, k=round(entrants * 0.9)):
            vacancies[pid] = vacancies.get(pid, 0) + 1
    postes = []
    for pid, discipline in slots:
        seats = holders.get(pid, 0) + vacancies.get(pid, 0)
        if seats:
            uai, kind, commune, dpt = info[pid]
            postes.append(Poste(pid, discipline, seats, uai, kind, commune, (groupement_of[commune],), dpt, "06"))
    for uai, dpt in zr_zones:
        for discipline in INTRA_DISCIPLINES:
            postes.append(Poste(f"ZR-{uai}-{discipline}", discipline, rnd.randint(1, 3), uai, None, None, (),
                                dpt, "06", zone_remplacement=True))
    # Extension: from the département of vœu 1, then the other départements, then any ZR of the académie.
    dpt_of = {**dict(communes), **{e[0]: e[3] for e in etabs}}
    table: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for c in people:
        first = c.voeux[0]
        start = {"GEO": first.code[:3], "DPT": first.code, "ZRD": first.code}.get(
            first.type, dpt_of.get(first.code, "063"))
        table.setdefault(first.zone, [("DPT", start)] + [("DPT", d) for d in DEPARTEMENTS if d != start]
                         + [("ZRA", "06")])
    return Mouvement(tuple(people), tuple(postes)), table


def without_initial(mouvement: Mouvement) -> Mouvement:
    """The same candidates and seats with nobody holding a poste: the instance `matching` can solve."""
    return Mouvement(tuple(
        Candidat(c.id, c.discipline, c.voeux, c.baremes, c.bareme_base, c.tie_break, None, c.must_be_placed)
        for c in mouvement.candidats
    ), mouvement.postes)


# --- matching -----------------------------------------------------------------------------------------

def matching_inputs(mouvement: Mouvement) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]]:
    """Translate a mouvement without initial assignments into HospitalResident's three dictionaries."""
    index = build_zone_index(mouvement.postes)
    residents: dict[str, list[str]] = {}
    claims: dict[str, list[tuple[float, tuple[object, ...], str]]] = {}
    for c in mouvement.candidats:
        listed: list[str] = []
        seen: set[str] = set()
        for voeu, bareme in zip(c.voeux, c.baremes):
            for p in expand_voeu(index, c.discipline, voeu):
                if p not in seen:  # HR has one rank per pair: a repeated poste keeps its first vœu
                    seen.add(p)
                    listed.append(p)
                    claims.setdefault(p, []).append((-bareme, c.tie_break, c.id))
        if listed:
            residents[c.id] = listed
    hospitals = {p: [cid for *_, cid in sorted(found)] for p, found in claims.items()}
    capacities = {p.id: p.capacity for p in mouvement.postes if p.id in hospitals}
    return residents, hospitals, capacities


# --- child process: build, time one step, report memory -----------------------------------------------

def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(scenario: str, step: str, seed: int) -> dict[str, Any]:
    """Build the scenario's instance, time one step, return figures as a dict."""
    build = make_inter if scenario == "inter" else make_intra
    mouvement, table = build(seed)
    zone_order = by_uai if scenario == "intra" else None
    if step in ("matching", "matching-solver", "da-open"):
        mouvement = without_initial(mouvement)
    figures: dict[str, Any] = {"scenario": scenario, "step": step}
    before = peak_mib()
    figures["built_mib"] = round(before, 1)
    if step in ("da", "da-open"):
        start = time.perf_counter()
        a = run_deferred_acceptance(mouvement, zone_order=zone_order)
        figures["seconds"] = time.perf_counter() - start
        figures["report"] = summary(mouvement, a)
        if step == "da-open":
            figures["allocation"] = a.postes()
    elif step == "exchange":
        a = run_deferred_acceptance(mouvement, zone_order=zone_order)
        start = time.perf_counter()
        b = run_exchange_cycles(mouvement, a, zone_order=zone_order)
        figures["seconds"] = time.perf_counter() - start
        figures["report"] = summary(mouvement, b)
    elif step == "extension":
        a = run_deferred_acceptance(mouvement, zone_order=zone_order)
        start = time.perf_counter()
        b = run_extension(mouvement, a, table, zone_order=zone_order)
        figures["seconds"] = time.perf_counter() - start
        figures["report"] = summary(mouvement, b)
    elif step in ("matching", "matching-solver"):
        from matching.algorithms import hospital_resident
        from matching.games import HospitalResident
        from matching.games.hospital_resident import _make_players

        start = time.perf_counter()
        residents, hospitals, capacities = matching_inputs(mouvement)
        figures["translate_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        if step == "matching":
            game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
            solved = game.solve(optimal="resident")
        else:
            # The solver alone, on matching's own player objects, without its input checks.
            r_players, h_players = _make_players(residents, hospitals, capacities)
            solved = hospital_resident(r_players, h_players, optimal="resident")
        figures["seconds"] = time.perf_counter() - start
        allocation: dict[str, str | None] = {c.id: None for c in mouvement.candidats}
        for hospital, matched in solved.items():
            for resident in matched:
                allocation[resident.name] = hospital.name
        figures["allocation"] = allocation
    figures["peak_mib"] = round(peak_mib(), 1)
    return figures


def summary(mouvement: Mouvement, affectation: Affectation) -> dict[str, Any]:
    r = report_allocation(mouvement, affectation)
    return {
        "candidats": r.candidats, "moves": r.moves, "satisfied": r.satisfied,
        "rank1": dict(r.satisfied_by_rank).get(1, 0), "entrants": r.entrants,
        "entrants_by_voeu": r.entrants_placed_by_voeu, "entrants_by_extension": r.entrants_placed_by_extension,
        "entrants_without": r.entrants_without_poste,
        "mean_rank": None if r.mean_rank is None else round(r.mean_rank, 2),
    }


def child(scenario: str, step: str, seed: int, timeout: float) -> dict[str, Any] | None:
    """Run one measure in a fresh interpreter; None when it exceeds the timeout."""
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", scenario, step, "--seed", str(seed)],
            capture_output=True, text=True, timeout=timeout, check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as failure:
        sys.exit(f"Échec de {scenario}/{step} :\n{failure.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def machine() -> str:
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{model}, {os.cpu_count()} cœurs, Python {platform.python_version()}, charge {load}"


def show(label: str, figures: dict[str, Any] | None) -> None:
    if figures is None:
        print(f"{label:<38} dépasse le délai")
        return
    extra = f"  {figures['report']}" if "report" in figures else ""
    print(f"{label:<38} {figures['seconds']:7.2f} s   mémoire max {figures['peak_mib']:7.1f} Mio "
          f"(instance {figures['built_mib']:.1f}){extra}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--only", choices=("inter", "intra", "matching"))
    parser.add_argument("--matching-full", action="store_true",
                        help="time matching's whole game (its input checks are quadratic) as well as its solver")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--child", nargs=2, metavar=("SCENARIO", "STEP"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child[0], args.child[1], args.seed), default=str))
        return
    print(f"Machine : {machine()}")
    print(f"Graine : {args.seed}")
    steps: list[tuple[str, str, str]] = []
    if args.only in (None, "inter"):
        steps += [("inter", "da", "DA*"), ("inter", "exchange", "échanges après DA*"),
                  ("inter", "extension", "extension après DA*")]
    if args.only in (None, "intra"):
        steps += [("intra", "da", "DA*"), ("intra", "exchange", "échanges après DA*"),
                  ("intra", "extension", "extension après DA*")]
    for scenario, step, label in steps:
        show(f"{scenario}, {label}", child(scenario, step, args.seed, args.timeout))
    if args.only in (None, "matching"):
        compare_with_matching(args.seed, args.timeout, args.matching_full)


def compare_with_matching(seed: int, timeout: float, full: bool) -> None:
    """Time our DA* and matching's solver on the inter instance without initial assignments."""
    print("inter sans affectation initiale : DA* contre matching (HospitalResident, optimal résidents)")
    ours = child("inter", "da-open", seed, timeout)
    show("inter ouvert, DA* (ce moteur)", ours)
    runs: list[tuple[str, Callable[[], dict[str, Any] | None]]] = [
        ("inter ouvert, matching (solveur)", lambda: child("inter", "matching-solver", seed, timeout)),
    ]
    if full:
        runs.append(("inter ouvert, matching (jeu complet)", lambda: child("inter", "matching", seed, timeout)))
    for label, run in runs:
        theirs = run()
        show(label, theirs)
        if ours is None or theirs is None:
            continue
        same = ours["allocation"] == theirs["allocation"]
        print(f"    même affectation : {'oui' if same else 'NON'} ; rapport de temps "
              f"{theirs['seconds'] / ours['seconds']:.1f}× (traduction des entrées "
              f"{theirs['translate_seconds']:.2f} s, non comptée)")


if __name__ == "__main__":
    main()
