"""Tableau d'avancement for 10,000 promouvables (hors classe 2027 rules): ranking, ties, promotions. Pure, in memory.

Run: .venv/bin/python bench/promotions_tableau.py [N]
"""
from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forms_app.promotions.echelons import Position  # noqa: E402
from forms_app.promotions.rules import Candidat, tableau  # noqa: E402
from generator.load import load_site  # noqa: E402


def main(n: int = 10_000, runs: int = 5) -> None:
    site, _ = load_site(Path(__file__).resolve().parent.parent)
    regles = site.campaign("hors-classe-2027").regles
    rng = random.Random(14)
    values = [None] + [v.code for v in regles.appreciations]
    candidats = [Candidat(i, f"Nom{rng.randrange(3000)}", "P", "promouvables",
                          Position(rng.choice((9, 10, 11)), date(2019, 9, 1) + timedelta(days=rng.randrange(2000))),
                          date(1965, 1, 1) + timedelta(days=rng.randrange(8000)), None, rng.choice(values))
                 for i in range(1, n + 1)]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        lignes = tableau(regles, candidats)
        times.append(time.perf_counter() - start)
    print(f"tableau d'avancement : {n} promouvables, {sum(ln.promu for ln in lignes)} promotions, "
          f"meilleur {min(times):.3f} s, pire {max(times):.3f} s sur {runs} exécutions (objectif < 2 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
