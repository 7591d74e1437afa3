"""Postes vacants as CSV (for spreadsheets) and JSON (for programs)."""
from __future__ import annotations

import csv
import io
import json

from .pages import PosteRow

COLUMNS = (
    "code_poste", "campagne", "mouvement", "mouvement_libelle", "discipline_code", "discipline",
    "uai", "etablissement", "commune", "code_postal", "departement_code", "departement",
    "specificite", "profil", "etat", "education_prioritaire", "publie_le", "contact", "voeu_url",
)
assert COLUMNS == PosteRow._fields


def postes_csv(rows) -> bytes:
    """`;`-separated, UTF-8 with a BOM so spreadsheet software guesses the encoding."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def postes_json(campaign: tuple[str, str, str], rows) -> bytes:
    slug, title, year = campaign
    data = {
        "campagne": slug,
        "titre": title,
        "annee": year,
        "avertissement": "Liste indicative et non exhaustive : vos vœux ne sont pas limités à ces postes.",
        "postes": [row._asdict() for row in rows],
    }
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
