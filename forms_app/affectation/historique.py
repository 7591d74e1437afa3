"""A validated simulation's barres as next year's history: rows of data/barres (docs/donnees.md).

Pure: no Flask, no database. `compute_barres` (engine/barre.py) gives the barre of each (discipline, vœu);
these functions write them in the format the site generator reads back (generator/barres.py), so that
the published comparateur de mobilité shows them the next year:

    rows = barres_rows(compute_barres(mouvement, affectation), annee=2027, mouvement="intra")
    Path("data/barres/2027-intra.csv").write_text(barres_csv(rows), encoding="utf-8")
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from generator.barres import COLUMNS
from generator.model import BARRE_MOUVEMENTS, VOEU_TYPES

from .engine import Barre, BarreKey

HistoryRow = dict[str, str]  # column of data/barres -> its text


def format_barre(value: float | None) -> str:
    """A barème as data/barres writes it: 412, 150.2 (at most three decimals); empty for nobody admitted."""
    if value is None:
        return ""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def barres_rows(barres: Mapping[BarreKey, Barre] | Iterable[Barre], *, annee: int,
                mouvement: str) -> list[HistoryRow]:
    """One row of data/barres per barre, sorted by discipline, type of vœu, code and type d'établissement.

    `barres` is what compute_barres returns (or its values); `annee` the year of the movement (the rentrée it
    fills) and `mouvement` a key of generator.model.BARRE_MOUVEMENTS (inter, intra, spen, spea). Raises
    ValueError, in French, on a year or a movement the site could not read."""
    if not 1000 <= annee <= 9999:
        raise ValueError(f"année {annee} : il faut l'année du mouvement sur quatre chiffres (par exemple 2027).")
    if mouvement not in BARRE_MOUVEMENTS:
        raise ValueError(f"mouvement « {mouvement} » inconnu : mouvements possibles : {', '.join(BARRE_MOUVEMENTS)}.")
    items = barres.values() if isinstance(barres, Mapping) else barres
    order = {t: i for i, t in enumerate(VOEU_TYPES)}
    rows = [{
        "annee": str(annee), "mouvement": mouvement, "discipline": b.discipline, "type_voeu": b.voeu.type,
        "code_voeu": b.voeu.code, "type_etablissement": b.voeu.etablissement_type or "",
        "barre": format_barre(b.barre), "entrants": str(b.admis),
    } for b in items]
    rows.sort(key=lambda r: (r["discipline"], order.get(r["type_voeu"], len(order)), r["type_voeu"], r["code_voeu"],
                             r["type_etablissement"]))
    return rows


def barres_csv(rows: Iterable[HistoryRow]) -> str:
    """The CSV text of a data/barres file: UTF-8, `;`-separated, the header line then one line per row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
