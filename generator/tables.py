"""Read a reference table written as `;`-separated CSV or as a YAML list, keeping each row's line."""
from __future__ import annotations

import csv
import io
import operator
from dataclasses import dataclass, field
from pathlib import Path

from .report import Report
from .validate import shape, suggest
from .yamlio import YamlSyntaxError, YList, YMap, load_yaml

Row = tuple[int, dict[str, str]]  # (file line, column -> stripped text)
# With read_table(..., as_tuples=True): (file line, the stripped texts in the order of `columns`).
TupleRow = tuple[int, tuple[str, ...]]


@dataclass
class Table:
    """Rows of one table, possibly from several files (data/postes/*.csv)."""

    name: str
    label: str  # what messages call it: "data/etablissements.csv"
    chunks: list[tuple[str, list[Row]]] = field(default_factory=list)  # (path, rows); TupleRow with as_tuples
    # Codes written in the table but refused: references to them are not reported a second time.
    rejected: set[str] = field(default_factory=set)

    def rows(self) -> list[tuple[str, int, dict[str, str]]]:
        return [(path, line, row) for path, rows in self.chunks for line, row in rows]


def rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _read_csv(root: Path, path: Path, columns: tuple[str, ...], required: tuple[str, ...],
              report: Report, as_tuples: bool = False) -> list | None:
    name = rel(root, path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            text = handle.read() if as_tuples else ""
            reader = csv.reader(io.StringIO(text) if as_tuples else handle, delimiter=";")
            header = next(reader, None)
            if header is None:
                report.warning(name, 0, "fichier vide : ajoutez une ligne d'en-tête et des lignes, ou supprimez le fichier.")
                return []
            header = [h.strip() for h in header]
            missing = [c for c in required if c not in header]
            if missing:
                hint = " (le séparateur est « ; », pas « , »)" if len(header) == 1 and "," in header[0] else ""
                report.error(
                    name, 1,
                    f"colonne{'s' if len(missing) > 1 else ''} {', '.join(f'« {c} »' for c in missing)} "
                    f"manquante{'s' if len(missing) > 1 else ''}{hint} : la première ligne doit nommer les "
                    f"colonnes {';'.join(columns)}.",
                )
                return None
            for col in header:
                if col not in columns:
                    report.warning(
                        name, 1,
                        f"colonne inconnue « {col} » ignorée{suggest(col, columns)} : colonnes possibles : "
                        f"{', '.join(columns)}.",
                    )
            width = len(header)
            if as_tuples:
                # ASCII without a space or a tab (codes and numbers): no cell to strip.
                loose = not text.isascii() or any(c in text for c in " \t\x0b\x0c\x1c\x1d\x1e\x1f")
                return _tuple_rows(name, reader, header, columns, report, loose)
            known = [(i, c) for i, c in enumerate(header) if c in columns]
            absent = [c for c in columns if c not in header]
            rows: list[Row] = []
            for cells in reader:
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != width:
                    report.error(name, line, _width_message(len(cells), width))
                    continue
                row = {c: cells[i].strip() for i, c in known}
                for c in absent:
                    row[c] = ""
                rows.append((line, row))
            return rows
    except UnicodeDecodeError:
        report.error(name, 0, "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8 (CSV UTF-8 dans un tableur).")
    except csv.Error as exc:
        report.error(name, 0, f"CSV illisible ({exc}) : vérifiez les guillemets.")
    return None


def _width_message(count: int, width: int) -> str:
    return (f"la ligne a {count} valeur{'s' if count > 1 else ''} au lieu de {width} : "
            "vérifiez les « ; » (un « ; » dans un texte doit être entre guillemets).")


def _tuple_rows(name: str, reader, header: list[str], columns: tuple[str, ...],  # type: ignore[no-untyped-def]
                report: Report, loose: bool = True) -> list[TupleRow]:
    """The rows after the header as tuples in the order of `columns`, as few Python steps per row as may be;
    `loose`: some cell may have spaces to strip."""
    width = len(header)
    position = {c: i for i, c in enumerate(header)}  # a column named twice: its last cell, as in dict rows
    indices = [position.get(c, width) for c in columns]  # `width`: the "" appended to each row
    pick = operator.itemgetter(*indices) if len(indices) > 1 else (lambda cells: (cells[indices[0]],))
    strip = str.strip
    rows: list[TupleRow] = []
    for cells in reader:
        if len(cells) != width:
            if any(map(strip, cells)):
                report.error(name, reader.line_num, _width_message(len(cells), width))
            continue
        cells.append("")
        row = tuple(map(strip, pick(cells))) if loose else pick(cells)
        if any(row):
            rows.append((reader.line_num, row))
    return rows


def _cell(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ",".join(v.strip() for v in value)
    return None


def parse_yaml_file(root: Path, path: Path, report: Report) -> tuple[bool, object | None]:
    """Parse a whole YAML file; report encoding, syntax and repeated-key errors; (readable, data)."""
    name = rel(root, path)
    try:
        data, issues = load_yaml(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        report.error(name, 0, "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8.")
        return False, None
    except YamlSyntaxError as exc:
        report.error(name, exc.issue.line, exc.issue.message)
        return False, None
    for issue in issues:
        report.error(name, issue.line, issue.message)
    return True, data


def _read_yaml(root: Path, path: Path, columns: tuple[str, ...], report: Report) -> list[Row] | None:
    name = rel(root, path)
    readable, data = parse_yaml_file(root, path, report)
    if not readable:
        return None
    if data is None:
        return []
    if not isinstance(data, YList):
        report.error(name, 1, "le fichier doit être une liste d'éléments commençant chacun par « - » : "
                              "voir docs/content-format.md.")
        return None
    rows: list[Row] = []
    for index, item in enumerate(data):
        line = data.line_of(index)
        if not isinstance(item, YMap):
            report.error(name, line, f"chaque élément doit être une liste de clés (colonne: valeur), pas {shape(item)} : "
                                     "corrigez cet élément.")
            continue
        row: dict[str, str] = {}
        for key, value in item.items():
            if key not in columns:
                report.warning(name, item.line_of(key), f"colonne inconnue « {key} » ignorée{suggest(key, columns)} : "
                                                        f"colonnes possibles : {', '.join(columns)}.")
                continue
            cell = _cell(value)
            if cell is None:
                report.error(name, item.line_of(key), f"« {key} » doit être un texte (lu : {shape(value)}) : "
                                                      "corrigez la valeur.")
                cell = ""
            row[key] = cell
        for c in columns:
            row.setdefault(c, "")
        rows.append((line, row))
    return rows


def read_table(root: Path, name: str, columns: tuple[str, ...], report: Report,
               required: tuple[str, ...] | None = None, folder: bool = False, as_tuples: bool = False) -> Table:
    """Read data/NAME.csv or data/NAME.yaml (and data/NAME/*.csv|yaml when folder is true).

    as_tuples: each row is the tuple of its texts in the order of `columns` ("" for an absent column), not a
    dict: for tables of tens of thousands of rows."""
    required = columns if required is None else required
    data = root / "data"
    singles = [p for p in (data / f"{name}.csv", data / f"{name}.yaml", data / f"{name}.yml") if p.is_file()]
    files = list(singles)
    if folder and (data / name).is_dir():
        files += sorted(p for p in (data / name).iterdir()
                        if p.is_file() and p.suffix in (".csv", ".yaml", ".yml"))
    label = rel(root, singles[0]) if singles else f"data/{name}.csv"
    table = Table(name, label)
    if len(singles) > 1:
        report.error(rel(root, singles[1]), 0,
                     f"la table « {name} » est écrite deux fois ({', '.join(rel(root, p) for p in singles)}) : "
                     "gardez un seul fichier.")
        files = [singles[0]] + files[len(singles):]
    for path in files:
        if path.suffix == ".csv":
            rows = _read_csv(root, path, columns, required, report, as_tuples)
        else:
            rows = _read_yaml(root, path, columns, report)
            if rows is not None and as_tuples:
                rows = [(line, tuple(row[c] for c in columns)) for line, row in rows]
        if rows is not None:
            table.chunks.append((rel(root, path), rows))
    return table
