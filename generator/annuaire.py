"""Import établissements from the open-data « Annuaire de l'éducation » export into our table."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .referentiel import COLUMNS, uai_problem

REQUIRED = ("Identifiant_de_l_etablissement", "Nom_etablissement", "Type_etablissement", "Code_postal",
            "Code_commune")
# Official Type_etablissement values of the second degree; schools, CIO and the like are skipped.
SECOND_DEGRE = {"college": "CLG", "lycee": "LYC", "erea": "EREA"}


@dataclass
class ImportResult:
    rows: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "FILE:line: message"
    skipped: int = 0  # rows outside the public second degree


def _fold(text: str) -> str:
    """Lower-case without accents, to compare official labels."""
    table = str.maketrans("éèêëàâîïôöûüç", "eeeeaaiioouuc")
    return text.strip().lower().translate(table)


def _flag(row: dict[str, str], column: str) -> bool:
    return (row.get(column) or "").strip().lower() in ("1", "1.0", "oui", "true")


def etab_type(row: dict[str, str]) -> str | None:
    """Our type code (CLG, LYC, LPO, LP, EREA) from the official columns, None outside the second degree."""
    kind = SECOND_DEGRE.get(_fold(row.get("Type_etablissement", "")))
    if kind != "LYC":
        return kind
    pro = _flag(row, "Voie_professionnelle")
    general = _flag(row, "Voie_generale") or _flag(row, "Voie_technologique")
    if pro and general:
        return "LPO"
    if pro:
        return "LP"
    return "LYC"


def _education_prioritaire(value: str) -> str:
    value = value.strip().upper().replace(" ", "")
    return value if value in ("REP", "REP+") else ""


def import_annuaire(source: Path, shown_name: str) -> ImportResult:
    """Read the export; bad rows become `FILE:line: message` problems, good ones our columns."""
    result = ImportResult()
    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=";")
            header = [h.strip() for h in reader.fieldnames or []]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                result.problems.append(
                    f"{shown_name}:1: colonnes manquantes : {', '.join(missing)} : est-ce bien l'export CSV "
                    "(séparateur « ; ») de l'Annuaire de l'éducation ?"
                )
                return result
            seen: dict[str, int] = {}
            for raw in reader:
                line = reader.line_num
                row = {(k or "").strip(): v.strip() for k, v in raw.items() if isinstance(v, str)}
                if _fold(row.get("Statut_public_prive", "")) not in ("public", ""):
                    result.skipped += 1
                    continue
                kind = etab_type(row)
                if kind is None:
                    result.skipped += 1
                    continue
                uai = row.get("Identifiant_de_l_etablissement", "").upper()
                problem = uai_problem(uai)
                if problem:
                    result.problems.append(f"{shown_name}:{line}: {problem}")
                    continue
                if uai in seen:
                    result.problems.append(f"{shown_name}:{line}: l'UAI « {uai} » figure déjà ligne {seen[uai]} : "
                                           "ligne ignorée.")
                    continue
                empty = [c for c in ("Nom_etablissement", "Code_commune") if not row.get(c)]
                if empty:
                    result.problems.append(f"{shown_name}:{line}: colonne {empty[0]} vide : ligne ignorée, "
                                           "complétez-la dans le fichier source.")
                    continue
                seen[uai] = line
                result.rows.append({
                    "uai": uai,
                    "type": kind,
                    "nom": row["Nom_etablissement"],
                    "adresse": row.get("Adresse_1", ""),
                    "code_postal": row.get("Code_postal", ""),
                    "commune": row["Code_commune"],
                    "education_prioritaire": _education_prioritaire(row.get("appartenance_education_prioritaire", "")),
                })
    except UnicodeDecodeError:
        result.problems.append(f"{shown_name}:1: le fichier n'est pas en UTF-8 : téléchargez l'export CSV en UTF-8.")
    except csv.Error as exc:
        result.problems.append(f"{shown_name}:1: CSV illisible ({exc}) : vérifiez le fichier.")
    return result


def write_etablissements(rows: list[dict[str, str]], out: Path) -> None:
    """Write our etablissements table (`;`, UTF-8), sorted by UAI, replacing the file at once."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS["etablissements"], delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: r["uai"]))
    tmp.replace(out)
