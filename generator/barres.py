"""Read and check data/barres: the barres of past campaigns (lowest barème admitted, entrants) per vœu.

Tens of thousands of rows: rows read as tuples, each distinct value checked once, one tuple made per row.
"""
from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable
from pathlib import Path

from .model import (
    BARRE_MOUVEMENTS,
    ETAB_RESTRICTIONS,
    RESTRICTABLE_VOEU_TYPES,
    VOEU_TYPES,
    Barre,
    Referentiel,
)
from .referentiel import uai_problem
from .report import Report
from .tables import Table, read_table
from .validate import suggest

COLUMNS = ("annee", "mouvement", "discipline", "type_voeu", "code_voeu", "type_etablissement", "barre", "entrants")
# Columns the header must name: only the restriction to a type d'établissement may be left out.
HEADER_REQUIRED = ("annee", "mouvement", "discipline", "type_voeu", "code_voeu", "barre", "entrants")
# Cells that may not be empty (an empty barre means nobody entered), by position in COLUMNS.
FILLED = ((0, "annee"), (1, "mouvement"), (2, "discipline"), (3, "type_voeu"), (4, "code_voeu"), (7, "entrants"))

# The table of data/ a vœu's code names, by vœu type; and what one of its rows is called in messages.
ZONE_TABLES: dict[str, str] = {
    "ACA": "academies", "DPT": "departements", "COM": "communes", "GEO": "groupements",
    "ETB": "etablissements", "ZRE": "etablissements", "ZRD": "departements", "ZRA": "academies",
}
ZONE_NOUNS = {
    "academies": ("une académie", "l'académie"), "departements": ("un département", "le département"),
    "communes": ("une commune", "la commune"), "groupements": ("un groupement", "le groupement"),
    "etablissements": ("un établissement", "l'établissement"),
}
# Movements whose barres are published per académie only.
ACADEMIE_ONLY = ("inter",)

_POINTS = re.compile(r"\d{1,6}(?:[.,]\d{1,3})?")
BarreKey = tuple[str, str, str, str, str]  # mouvement, discipline, type_voeu, code_voeu, type_etablissement


class _Checks:
    """What a row's texts mean, each distinct text (or movement, discipline and vœu) worked out once."""

    def __init__(self, ref: Referentiel, tables: dict[str, Table]) -> None:
        self.ref, self.tables = ref, tables
        self.zones = {"academies": ref.academies, "departements": ref.departements, "communes": ref.communes,
                      "groupements": ref.groupements, "etablissements": ref.etablissements}
        self.years: dict[str, int | None] = {}
        self.points: dict[str, float | None] = {"": None}
        # (mouvement, discipline, type_voeu, code_voeu, type_etablissement) -> (problems, the same texts as
        # one shared tuple: rows that repeat a vœu share its strings, in memory and in the cache).
        self.voeux: dict[tuple[str, ...], tuple[list[str | None], tuple[str, ...]]] = {}

    def year(self, text: str) -> int | None:
        if text not in self.years:
            self.years[text] = int(text) if len(text) == 4 and text.isdigit() and text.isascii() else None
        return self.years[text]

    def barre(self, text: str) -> float | None:
        if text not in self.points:
            self.points[text] = float(text.replace(",", ".")) if _POINTS.fullmatch(text) else None
        return self.points[text]

    def voeu(self, key: tuple[str, ...]) -> tuple[list[str | None], tuple[str, ...]]:
        """The problems of a movement, discipline and vœu (None: reported in its own table)."""
        mouvement, discipline, type_voeu, code, etab = key
        zone_table = ZONE_TABLES.get(type_voeu)
        if not etab and zone_table is not None and mouvement in BARRE_MOUVEMENTS and code in self.zones[zone_table] \
                and discipline in self.ref.disciplines and (type_voeu == "ACA" or mouvement not in ACADEMIE_ONLY):
            found = self.voeux[key] = ([], key)  # the usual case, in as few steps as possible
            return found
        problems: list[str | None] = []
        if mouvement not in BARRE_MOUVEMENTS:
            problems.append(f"mouvement inconnu « {mouvement} »{suggest(mouvement, tuple(BARRE_MOUVEMENTS))} : "
                            f"mouvements possibles : {', '.join(BARRE_MOUVEMENTS)}.")
        disciplines = self.tables["disciplines"]
        if discipline not in self.ref.disciplines:
            problems.append(None if discipline in disciplines.rejected else
                            f"la discipline « {discipline} » n'existe pas dans {disciplines.label} : ajoutez-la ou "
                            "corrigez la colonne « discipline ».")
        if zone_table is None:
            problems.append(f"type de vœu inconnu « {type_voeu} »{suggest(type_voeu, tuple(VOEU_TYPES))} : types "
                            f"possibles : {', '.join(VOEU_TYPES)}.")
        else:
            if mouvement in ACADEMIE_ONLY and type_voeu != "ACA":
                problems.append(f"le mouvement {mouvement} ne publie que des barres par académie (type de vœu "
                                f"ACA), lu : « {type_voeu} » : corrigez « type_voeu » ou « mouvement ».")
            if code not in self.zones[zone_table]:
                table = self.tables[zone_table]
                some, the = ZONE_NOUNS[zone_table]
                problem = uai_problem(code) if zone_table == "etablissements" else None
                problems.append(None if code in table.rejected else problem or (
                    f"le code « {code} » d'un vœu {type_voeu} n'est pas {some} de {table.label} : corrigez "
                    f"« code_voeu » ou ajoutez {the} à {table.label}."))
            if etab in ETAB_RESTRICTIONS and type_voeu not in RESTRICTABLE_VOEU_TYPES:
                problems.append(f"« type_etablissement » ne s'applique qu'aux vœux {', '.join(RESTRICTABLE_VOEU_TYPES)} "
                                f"(lu sur un vœu {type_voeu}) : videz la colonne.")
        if etab and etab not in ETAB_RESTRICTIONS:
            problems.append(f"type d'établissement inconnu « {etab} »{suggest(etab, tuple(ETAB_RESTRICTIONS))} : "
                            f"types possibles : {', '.join(ETAB_RESTRICTIONS)}, ou vide pour tout type.")
        found = self.voeux[key] = (problems, key)
        return found


def _plain_barres(rows: list[tuple[str, ...]], checks: _Checks) -> tuple[list[Barre], set[tuple[str, str]]] | None:
    """Every row as a Barre, and the (mouvement, discipline) pairs, when no row has a problem: column by column,
    in C code. None otherwise: the rows are then gone through one by one, to say what is wrong where."""
    if not rows:
        return [], set()
    annees, mouvements, disciplines, types, codes, etabs, texts, counts = zip(*rows)
    if "" in annees or "" in mouvements or "" in disciplines or "" in types or "" in codes or "" in counts:
        return None
    if len(set(zip(annees, mouvements, disciplines, types, codes, etabs))) != len(rows):
        return None  # a vœu given twice for a year
    ref = checks.ref
    distinct_mouvements = set(mouvements)
    if not distinct_mouvements <= BARRE_MOUVEMENTS.keys() or not set(disciplines) <= ref.disciplines.keys():
        return None
    for type_voeu, code in set(zip(types, codes)):
        zone_table = ZONE_TABLES.get(type_voeu)
        if zone_table is None or code not in checks.zones[zone_table]:
            return None
    if distinct_mouvements & set(ACADEMIE_ONLY) and any(
            type_voeu != "ACA" for mouvement, type_voeu in set(zip(mouvements, types)) if mouvement in ACADEMIE_ONLY):
        return None
    distinct_etabs = set(etabs) - {""}
    if distinct_etabs and (not distinct_etabs <= ETAB_RESTRICTIONS.keys() or any(
            etab and type_voeu not in RESTRICTABLE_VOEU_TYPES for type_voeu, etab in set(zip(types, etabs)))):
        return None
    years = {text: checks.year(text) for text in set(annees)}
    points = {text: checks.barre(text) if text else None for text in set(texts)}
    numbers = {text: int(text) if text.isdigit() and text.isascii() else None for text in set(counts)}
    if None in years.values() or None in numbers.values() or any(v is None for k, v in points.items() if k):
        return None
    entrants = list(map(numbers.__getitem__, counts))
    if list(map(operator.not_, texts)) != list(map(operator.not_, entrants)):
        return None  # a barre without entrant, or entrants without a barre
    # One str object per distinct text: rows repeating a vœu share its strings, in memory and in the cache.
    shared = {text: text for column in (mouvements, disciplines, types, codes, etabs) for text in set(column)}
    same = shared.__getitem__
    return list(map(functools.partial(tuple.__new__, Barre), zip(
        map(years.__getitem__, annees), map(same, mouvements), map(same, disciplines), map(same, types),
        map(same, codes), map(same, etabs), map(points.__getitem__, texts), entrants))), \
        set(zip(mouvements, disciplines))


def _counts_problem(text: str, barre: float | None, count: str) -> str | None:
    """What is wrong with a row's barre and entrants, or None."""
    if text and barre is None:
        return (f"« barre » doit être un nombre de points (412 ou 412,5), ou rester vide si personne n'est entré "
                f"(lu : « {text} ») : corrigez la valeur.")
    if not (count.isdigit() and count.isascii()):
        return f"« entrants » doit être un nombre entier, 0 ou plus (lu : « {count} ») : corrigez la valeur."
    entrants = int(count)
    if not text and entrants:
        return (f"la barre est vide mais {entrants} entrant{'s sont indiqués' if entrants > 1 else ' est indiqué'} : "
                "indiquez la barre (le plus petit barème admis) ou mettez 0 entrant.")
    if text and not entrants:
        return (f"une barre de {text} points est indiquée sans entrant : indiquez le nombre d'entrants, ou videz "
                "« barre » si personne n'est entré.")
    return None


def load_barres(root: Path, report: Report, ref: Referentiel,
                tables: dict[str, Table]) -> tuple[list[Barre], set[tuple[str, str]]]:
    """Read data/barres.csv|yaml and data/barres/*; check each row against the référentiel.

    Also returns every (mouvement, discipline) written, valid or not, for the link check."""
    table = read_table(root, "barres", COLUMNS, report, required=HEADER_REQUIRED, folder=True, as_tuples=True)
    checks = _Checks(ref, tables)
    fast = _plain_barres([row for _, chunk in table.chunks for _, row in chunk], checks)
    if fast is not None:
        return fast
    voeux, years, points, counts = checks.voeux, checks.years, checks.points, {"0": 0}
    # Where each (vœu, année) was first written, per vœu: small dicts rather than one key per row.
    written: dict[tuple[str, ...], dict[str, tuple[str, int]]] = {}
    barres: list[Barre] = []
    make = tuple.__new__
    err = report.error
    for path, rows in table.chunks:
        for line, row in rows:
            key = row[1:6]
            if not (row[0] and row[1] and row[2] and row[3] and row[4] and row[7]):
                empty = [name for i, name in FILLED if not row[i]]
                many = len(empty) > 1
                err(path, line, f"colonne{'s' if many else ''} {', '.join(f'« {c} »' for c in empty)} "
                                f"vide{'s' if many else ''} : remplissez-l{'es' if many else 'a'}.")
                written.setdefault(key, {})  # its movement and discipline, for the link check
                continue
            lines = written.get(key)
            if lines is None:
                lines = written[key] = {}
            first = lines.get(row[0])
            if first is not None:
                where = f"ligne {first[1]}" if first[0] == path else f"dans {first[0]}:{first[1]}"
                zone = f"{row[3]} {row[4]}" + (f" {row[5]}" if row[5] else "")
                err(path, line, f"la barre {row[0]} du vœu {zone} ({row[1]}, {row[2]}) est déjà donnée {where} : "
                                "supprimez le doublon.")
                continue
            lines[row[0]] = (path, line)
            problems, voeu = voeux.get(key) or checks.voeu(key)
            annee = years.get(row[0]) or checks.year(row[0])
            text, count = row[6], row[7]
            barre = points[text] if text in points else checks.barre(text)
            entrants = counts.get(count)
            if entrants is None:
                entrants = counts[count] = int(count) if count.isdigit() and count.isascii() else -1
            if problems or annee is None or (barre is None) != (entrants == 0) or entrants < 0:
                for problem in problems:
                    if problem:
                        err(path, line, problem)
                if annee is None:
                    err(path, line, f"« annee » doit être l'année du mouvement sur quatre chiffres, AAAA (lu : "
                                    f"« {row[0]} ») : corrigez la valeur, par exemple 2026.")
                problem = _counts_problem(text, barre, count)
                if problem:
                    err(path, line, problem)
                continue
            barres.append(make(Barre, (annee, *voeu, barre, entrants)))
    return barres, {key[:2] for key in written}


def barres_by_voeu(barres: Iterable[Barre]) -> dict[BarreKey, tuple[Barre, ...]]:
    """(mouvement, discipline, type_voeu, code_voeu, type_etablissement) -> its barres, oldest year first."""
    found: dict[BarreKey, list[Barre]] = {}
    for b in barres:
        found.setdefault((b.mouvement, b.discipline, b.type_voeu, b.code_voeu, b.type_etablissement), []).append(b)
    return {key: tuple(sorted(items, key=lambda b: b.annee)) for key, items in found.items()}
