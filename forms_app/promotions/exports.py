"""The tableau d'avancement as CSV (`;`, UTF-8 with BOM for spreadsheets) and XLSX (xlsxwriter in
constant-memory mode, as the gestionnaires' other exports)."""
from __future__ import annotations

import csv
import io
import os
import tempfile

from generator.promotion import PromotionRules

from .rules import Ligne

EN_TETES = ["Rang", "Nom", "Prénom", "Vivier", "Échelon", "Dans l'échelon depuis", "Appréciation du recteur",
            "Points plage d'appel", "Points appréciation", "Barème", "Ex aequo", "Promu"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sans_formule(value):
    """A text a spreadsheet would read as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def lignes_export(regles: PromotionRules, lignes: list[Ligne]) -> list[list]:
    out = []
    for ln in lignes:
        c = ln.candidat
        vivier = regles.vivier(c.vivier)
        valeur = regles.appreciation(c.appreciation)
        out.append([ln.rang, _sans_formule(c.nom), _sans_formule(c.prenom), vivier.label if vivier else c.vivier,
                    c.position.echelon, c.position.depuis.strftime("%d/%m/%Y"), valeur.label if valeur else "",
                    ln.plage, ln.points_appreciation, ln.bareme, "oui" if ln.ex_aequo else "",
                    "oui" if ln.promu else "non"])
    return out


def tableau_csv(regles: PromotionRules, lignes: list[Ligne]) -> tuple[bytes, str]:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(EN_TETES)
    writer.writerows(lignes_export(regles, lignes))
    return ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"


def tableau_xlsx(regles: PromotionRules, lignes: list[Ligne]) -> tuple[bytes, str]:
    import xlsxwriter

    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="carriere-tableau-")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": tempfile.gettempdir(),
                                              "strings_to_numbers": False, "strings_to_formulas": False,
                                              "strings_to_urls": False})
        sheet = workbook.add_worksheet("Tableau d'avancement")
        sheet.write_row(0, 0, EN_TETES, workbook.add_format({"bold": True}))
        sheet.freeze_panes(1, 0)
        for index, row in enumerate(lignes_export(regles, lignes), start=1):
            sheet.write_row(index, 0, row)
        workbook.close()
        with open(path, "rb") as stream:
            return stream.read(), XLSX
    finally:
        os.unlink(path)
