"""Load and cross-check the reference tables: académies, départements, communes, groupements,
établissements and disciplines."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .model import (
    Academie,
    Commune,
    Departement,
    Discipline,
    Etablissement,
    Groupement,
    Referentiel,
    uai_check_letter,
)
from .promotion import CIRCONSCRIPTION_COLUMNS, ECHELON_COLUMNS, ECHELON_REQUIRED, load_circonscriptions, load_echelons
from .report import Report
from .tables import Table, read_table

COLUMNS: dict[str, tuple[str, ...]] = {
    "academies": ("code", "libelle"),
    "departements": ("code", "libelle", "academie"),
    "communes": ("code", "libelle", "departement", "code_postal"),
    "groupements": ("code", "libelle", "departement", "communes"),
    "etablissements": ("uai", "type", "nom", "adresse", "code_postal", "commune", "education_prioritaire"),
    "disciplines": ("code", "libelle"),
}
# Columns that may be left empty.
OPTIONAL: dict[str, tuple[str, ...]] = {
    "etablissements": ("adresse", "code_postal", "education_prioritaire"),
    "communes": ("code_postal",),
}
EDUCATION_PRIORITAIRE = ("", "REP", "REP+")


def uai_problem(uai: str) -> str | None:
    """Say what is wrong with a UAI code, or None when its check letter is right."""
    if len(uai) != 8 or not uai[:7].isdigit() or not uai[:7].isascii():
        return (f"l'UAI « {uai} » n'est pas valide : il faut 7 chiffres puis une lettre de contrôle "
                "(exemple : 0630021F) ; corrigez le code.")
    expected = uai_check_letter(int(uai[:7]))
    if uai[7] != expected:
        return (f"l'UAI « {uai} » n'est pas valide : sa lettre de contrôle devrait être « {expected} » "
                f"({uai[:7]}{expected}) ; corrigez le code.")
    return None


def duplicate_message(code: str, where: str) -> str:
    return f"le code « {code} » est déjà défini {where} : supprimez le doublon ou changez le code."


def where_defined(first_path: str, first_line: int, path: str) -> str:
    return f"ligne {first_line}" if first_path == path else f"dans {first_path}:{first_line}"


class _Indexer:
    """Collect one table into a dict by key, reporting empty required cells and duplicates."""

    def __init__(self, report: Report, table: Table, key: str) -> None:
        self.report = report
        self.table = table
        self.key = key
        self.required = tuple(c for c in COLUMNS[table.name] if c not in OPTIONAL.get(table.name, ()))
        self.seen: dict[str, tuple[str, int]] = {}

    def rows(self) -> Iterator[tuple[str, int, dict[str, str]]]:
        """Yield (path, line, row) for rows with every required cell and a new key."""
        for path, line, row in self.table.rows():
            empty = [c for c in self.required if not row.get(c)]
            if empty:
                self.report.error(
                    path, line,
                    f"colonne{'s' if len(empty) > 1 else ''} {', '.join(f'« {c} »' for c in empty)} "
                    f"vide{'s' if len(empty) > 1 else ''} : remplissez-la{'s' if len(empty) > 1 else ''}.",
                )
                if row.get(self.key):
                    self.table.rejected.add(row[self.key])
                continue
            code = row[self.key]
            if code in self.seen:
                first_path, first_line = self.seen[code]
                self.report.error(path, line, duplicate_message(code, where_defined(first_path, first_line, path)))
                continue
            self.seen[code] = (path, line)
            yield path, line, row

    def reject(self, path: str, line: int, row: dict[str, str], message: str | None) -> None:
        """Refuse a row; message None when its cause was already reported elsewhere."""
        if message:
            self.report.error(path, line, message)
        self.table.rejected.add(row[self.key])


def _unknown(code: str, known: dict, other: Table) -> bool | None:
    """True: report an unknown code; None: unknown but already reported in its own table; False: known."""
    if code in known:
        return False
    return None if code in other.rejected else True


def load_referentiel(root: Path, report: Report) -> tuple[Referentiel, dict[str, Table]]:
    """Read every reference table, check codes and links between them, and index them by code."""
    tables = {name: read_table(root, name, cols, report) for name, cols in COLUMNS.items()}
    ref = Referentiel()
    t = tables

    for _, _, row in _Indexer(report, t["academies"], "code").rows():
        ref.academies[row["code"]] = Academie(row["code"], row["libelle"])

    idx = _Indexer(report, t["departements"], "code")
    for path, line, row in idx.rows():
        if len(row["code"]) != 3:
            idx.reject(path, line, row, f"le code de département « {row['code']} » doit avoir 3 caractères, comme "
                                        "le début des UAI (exemple : 063) : corrigez le code.")
            continue
        unknown = _unknown(row["academie"], ref.academies, t["academies"])
        if unknown is not False:
            idx.reject(path, line, row, unknown and f"l'académie « {row['academie']} » n'existe pas dans "
                                                    f"{t['academies'].label} : ajoutez-la ou corrigez la colonne "
                                                    "« academie ».")
            continue
        ref.departements[row["code"]] = Departement(row["code"], row["libelle"], row["academie"])

    def departement_message(code: str) -> str:
        return (f"le département « {code} » n'existe pas dans {t['departements'].label} : ajoutez-le ou corrigez "
                "la colonne « departement ».")

    idx = _Indexer(report, t["communes"], "code")
    for path, line, row in idx.rows():
        unknown = _unknown(row["departement"], ref.departements, t["departements"])
        if unknown is not False:
            idx.reject(path, line, row, unknown and departement_message(row["departement"]))
            continue
        ref.communes[row["code"]] = Commune(row["code"], row["libelle"], row["departement"], row["code_postal"])

    idx = _Indexer(report, t["groupements"], "code")
    for path, line, row in idx.rows():
        communes = tuple(c.strip() for c in row["communes"].split(",") if c.strip())
        unknown = _unknown(row["departement"], ref.departements, t["departements"])
        if unknown is not False:
            idx.reject(path, line, row, unknown and departement_message(row["departement"]))
            continue
        missing = [c for c in communes if _unknown(c, ref.communes, t["communes"]) is not False]
        if missing:
            reported = [c for c in missing if c not in t["communes"].rejected]
            n = len(reported)
            idx.reject(path, line, row, reported and (
                f"commune{'s' if n > 1 else ''} inconnue{'s' if n > 1 else ''} "
                f"{', '.join(f'« {c} »' for c in reported)} : ajoutez-l{'es' if n > 1 else 'a'} à "
                f"{t['communes'].label} ou corrigez la colonne « communes »."))
            continue
        ref.groupements[row["code"]] = Groupement(row["code"], row["libelle"], row["departement"], communes)

    for path, line, row in _Indexer(report, t["disciplines"], "code").rows():
        ref.disciplines[row["code"]] = Discipline(row["code"], row["libelle"])

    idx = _Indexer(report, t["etablissements"], "uai")
    names: dict[tuple[str, str], tuple[str, int, str]] = {}  # (commune, nom) -> where, UAI of the first
    for path, line, row in idx.rows():
        uai = row["uai"]
        problem = uai_problem(uai)
        if problem:
            idx.reject(path, line, row, problem)
            continue
        unknown = _unknown(uai[:3], ref.departements, t["departements"])
        if unknown is not False:
            idx.reject(path, line, row, unknown and f"le département « {uai[:3]} » de l'UAI « {uai} » n'existe pas "
                                                    f"dans {t['departements'].label} : ajoutez-le ou corrigez l'UAI.")
            continue
        unknown = _unknown(row["commune"], ref.communes, t["communes"])
        if unknown is not False:
            idx.reject(path, line, row, unknown and f"la commune « {row['commune']} » n'existe pas dans "
                                                    f"{t['communes'].label} : ajoutez-la ou corrigez la colonne "
                                                    "« commune ».")
            continue
        if row["education_prioritaire"] not in EDUCATION_PRIORITAIRE:
            idx.reject(path, line, row, f"« education_prioritaire » doit être vide, REP ou REP+ (lu : "
                                        f"« {row['education_prioritaire']} ») : corrigez la valeur.")
            continue
        first = names.setdefault((row["commune"], " ".join(row["nom"].casefold().split())), (path, line, uai))
        if first[2] != uai:
            report.warning(path, line, f"« {row['nom']} » est déjà le nom de l'établissement {first[2]} de la même "
                                       f"commune ({where_defined(first[0], first[1], path)}) : les enseignants "
                                       "choisissent un établissement par son nom ; distinguez les deux noms "
                                       "(site, spécialité…) ou vérifiez l'UAI.")
        ref.etablissements[uai] = Etablissement(
            uai=uai, type=row["type"], nom=row["nom"], adresse=row["adresse"],
            code_postal=row["code_postal"], commune=row["commune"],
            education_prioritaire=row["education_prioritaire"],
        )
    echelons = read_table(root, "echelons", ECHELON_COLUMNS, report, required=ECHELON_REQUIRED)
    ref.echelons = load_echelons(echelons, report)
    circonscriptions = read_table(root, "circonscriptions", CIRCONSCRIPTION_COLUMNS, report)
    ref.circonscriptions = load_circonscriptions(circonscriptions, report, ref.departements, ref.communes,
                                                 (t["departements"].label, t["communes"].label))
    return ref, tables
