"""Write three years of plausible barres for the example academy (data/barres/AAAA.csv), deterministically.

Reads the hand-written tables (académies, départements, communes, groupements, disciplines) and the
établissements written by make_demo_data.py, and writes one file per year of the mouvement, 2024 to 2026:

- inter: the barre to enter each académie, per discipline (vœu ACA), with the number of entrants;
- intra (académie de Montferrand): per discipline, the académie, its départements (and the Puy-de-Dôme's
  lycées, for the disciplines taught in collège and lycée), its zones de remplacement départementales, its
  groupements, the communes and the lycées where the discipline is taught. A vœu does not appear every year
  (nothing is published for a vœu nobody asked for), and some years nobody entered (empty barre).

The broader the vœu, the lower its barre; Clermont-Ferrand and its agglomération are the most sought after,
the Cantal the least. Running the script twice gives the same bytes; `--check` also loads the result with the
site's loader and prints its messages (exit code 1 on a problem).

    .venv/bin/python scripts/make_demo_barres.py          # write, then check
    .venv/bin/python scripts/make_demo_barres.py --check  # check only: same bytes as it would write, no problem
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from generator.barres import COLUMNS  # noqa: E402

DATA = ROOT / "data"
FOLDER = DATA / "barres"
SEED = "2027-barres"
YEARS = (2024, 2025, 2026)
ACADEMIE = "06"  # Montferrand

# Which disciplines each type of établissement teaches (as the postes of make_demo_data.py).
TAUGHT = {
    "CLG": {"L0202", "L0422", "L0421", "L0426", "L1000", "L1300", "L1400", "L1500", "L1600", "L1700", "L1800",
            "L1900", "L0080"},
    "LYC": {"L0100", "L0201", "L0202", "L0422", "L0421", "L0426", "L1000", "L1100", "L1300", "L1500", "L1600",
            "L1900", "L0080"},
    "LPO": {"L0100", "L0202", "L0422", "L1000", "L1100", "L1300", "L1414", "L1500", "L1600", "L1900", "P1315"},
    "LP": {"P1315", "L1900", "L0080"},
    "EREA": {"P1315", "L1900"},
}
# How sought after a discipline is (a higher barre) and how many teachers it moves (entrants).
DEMAND = {
    "L1900": (1.35, 14), "L1000": (1.15, 18), "L0100": (1.1, 3), "L1600": (1.0, 12), "L0202": (0.9, 22),
    "L0422": (0.9, 22), "L1100": (0.9, 5), "L0080": (0.9, 5), "L1800": (0.85, 5), "L0426": (0.8, 10),
    "L1500": (0.8, 11), "L1700": (0.7, 5), "L0201": (0.6, 3), "L1300": (0.6, 28), "L0421": (0.5, 4),
    "L1400": (0.5, 9), "P1315": (0.5, 8), "L1414": (0.4, 3),
}
# How sought after each académie is at the inter movement (0: entered with the smallest barème).
ATTRACTION = {
    "01": 0.45, "02": 0.7, "03": 0.35, "04": 0.95, "06": 0.4, "07": 0.35, "08": 0.75, "09": 0.3, "10": 0.65,
    "11": 0.9, "12": 0.25, "13": 0.6, "14": 1.0, "15": 0.35, "16": 0.85, "17": 0.9, "18": 0.35, "19": 0.2,
    "20": 0.15, "22": 0.45, "23": 0.8, "24": 0.02, "25": 0.05, "27": 1.0, "28": 0.95, "31": 0.9, "32": 0.9,
    "33": 0.1, "43": 0.02, "70": 0.35,
}
# How sought after each département of the académie is, at the intra movement.
DEPARTEMENTS = {"063": 1.0, "003": 0.55, "043": 0.5, "015": 0.3}
# Share of the académie's entrants going to each département.
SHARES = {"063": 0.45, "003": 0.25, "043": 0.18, "015": 0.12}
# The broader the vœu, the lower its barre.
PRECISION = {"ACA": 0.04, "ZRD": 0.07, "DPT": 0.14, "GEO": 0.42, "COM": 0.65, "ETB": 1.0}
# Chance that a vœu is published a given year (somebody asked for it), and that nobody entered.
PUBLISHED = {"GEO": 0.92, "COM": 0.8, "ETB": 0.55}
NOBODY = {"GEO": 0.05, "COM": 0.12, "ETB": 0.18}


def read(name: str) -> list[dict[str, str]]:
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def points(rnd: random.Random, value: float) -> str:
    """A barème as the files write it: an integer, sometimes with the decimal of a bonus (150,2)."""
    whole = max(14, round(value))
    return f"{whole}.{rnd.choice((2, 5))}" if rnd.random() < 0.25 else str(whole)


def drift(rnd: random.Random) -> dict[int, float]:
    """A slow move of a vœu's barre from one year to the next."""
    level, moves = 1.0, {}
    for year in YEARS:
        level *= rnd.uniform(0.88, 1.12)
        moves[year] = level
    return moves


def inter_rows(rnd: random.Random, academies: list[str], disciplines: list[str]) -> list[list[str]]:
    rows = []
    for code in disciplines:
        demand, size = DEMAND[code]
        for academie in academies:
            attraction = ATTRACTION.get(academie, 0.4)
            moves = drift(rnd)
            for year in YEARS:
                entrants = round(size * (1.25 - attraction) * rnd.uniform(0.4, 1.3))
                if entrants <= 0:
                    rows.append([str(year), "inter", code, "ACA", academie, "", "", "0"])
                    continue
                value = 21 + 1350 * attraction * demand * moves[year] * rnd.uniform(0.85, 1.15)
                rows.append([str(year), "inter", code, "ACA", academie, "", points(rnd, value), str(entrants)])
    return rows


def intra_rows(rnd: random.Random, disciplines: list[str]) -> list[list[str]]:
    communes = {c["code"]: c for c in read("communes")}
    etabs = read("etablissements")
    groupements = read("groupements")
    per_commune: dict[str, int] = {}
    for e in etabs:
        per_commune[e["commune"]] = per_commune.get(e["commune"], 0) + 1
    biggest = max(per_commune.values())
    # A town with many schools is sought after; Clermont-Ferrand's agglomération most of all.
    town = {code: 0.45 + 0.55 * (n / biggest) ** 0.5 for code, n in per_commune.items()}
    rows = []
    for code in disciplines:
        demand, size = DEMAND[code]
        types = {t for t, taught in TAUGHT.items() if code in taught}
        places = [e for e in etabs if e["type"] in types]
        both = bool(types & {"CLG"}) and bool(types & {"LYC", "LPO"})
        # (type, code, restriction, attraction, entrants at most)
        voeux: list[tuple[str, str, str, float, int]] = [("ACA", ACADEMIE, "", 0.5, size * 3)]
        for dpt, attraction in DEPARTEMENTS.items():
            voeux.append(("DPT", dpt, "", attraction, max(1, round(size * 3 * SHARES[dpt]))))
            voeux.append(("ZRD", dpt, "", attraction, max(1, round(size * SHARES[dpt]))))
        if both:
            voeux.append(("DPT", "063", "LYC", 1.15, max(1, round(size * 0.6))))
        for g in groupements:
            members = [c for c in g["communes"].split(",") if c in town]
            if any(e["commune"] in members for e in places):
                attraction = DEPARTEMENTS[g["departement"]] * max(town[c] for c in members)
                voeux.append(("GEO", g["code"], "", attraction, max(1, round(size * 0.4))))
        for commune in sorted({e["commune"] for e in places}):
            attraction = DEPARTEMENTS[communes[commune]["departement"]] * town[commune]
            voeux.append(("COM", commune, "", attraction, max(1, round(size * 0.2))))
        for e in places:
            if e["type"] in ("LYC", "LPO", "LP"):
                attraction = DEPARTEMENTS[e["uai"][:3]] * town[e["commune"]]
                voeux.append(("ETB", e["uai"], "", attraction, 2))
        for type_voeu, zone, restriction, attraction, most in voeux:
            moves = drift(rnd)
            for year in YEARS:
                if rnd.random() > PUBLISHED.get(type_voeu, 1.0):
                    continue
                if rnd.random() < NOBODY.get(type_voeu, 0.0):
                    rows.append([str(year), "intra", code, type_voeu, zone, restriction, "", "0"])
                    continue
                value = 14 + 1100 * demand * attraction * PRECISION[type_voeu] * moves[year] * rnd.uniform(0.8, 1.2)
                entrants = rnd.randint(max(1, most // 2), most)
                rows.append([str(year), "intra", code, type_voeu, zone, restriction, points(rnd, value), str(entrants)])
    return rows


def make_files() -> dict[str, str]:
    """File name -> CSV text, one file per year, rows by movement, discipline, vœu."""
    rnd = random.Random(SEED)
    academies = [a["code"] for a in read("academies")]
    disciplines = [d["code"] for d in read("disciplines") if d["code"] in DEMAND]
    rows = inter_rows(rnd, academies, disciplines) + intra_rows(rnd, disciplines)
    files = {}
    for year in YEARS:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(r for r in rows if r[0] == str(year))
        files[f"{year}.csv"] = out.getvalue()
    return files


def check(files: dict[str, str]) -> list[str]:
    """Differences with the committed files, then every problem the site's loader finds in data/barres."""
    from generator.load import load_site

    problems = [f"data/barres/{name}: diffère de ce que le script écrit ; relancez-le sans --check."
                for name, text in files.items()
                if not (FOLDER / name).is_file() or (FOLDER / name).read_text(encoding="utf-8") != text]
    _, report = load_site(ROOT)
    problems += [str(p) for p in report.problems if p.path.startswith("data/barres")]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écrit les barres de démonstration (data/barres/AAAA.csv).")
    parser.add_argument("--check", action="store_true", help="vérifier seulement, sans rien écrire")
    args = parser.parse_args(argv)
    files = make_files()
    if not args.check:
        FOLDER.mkdir(exist_ok=True)
        for name, text in files.items():
            (FOLDER / name).write_text(text, encoding="utf-8")
    problems = check(files)
    for p in problems:
        print(p)
    print(f"{sum(t.count(chr(10)) - 1 for t in files.values())} barres, {len(problems)} problème(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
