"""Write the demo agents' history (data/agents-demo-historique.csv) from data/agents-demo.csv, deterministically.

Each career is walked back from the agents file's current échelon with the PPCR durations (classe normale:
1, 1, 2, 2, 2.5, 3, 3, 3.5, 4, 4 years; hors classe: 2, 2, 2.5, 2.5, 3 years) down to the year the agent
turned 23, where the career starts (a reclassement explains a start above the 1st échelon). Hors classe
agents come from the 11th échelon of the classe normale; agrégés born before 1975 were certifiés first;
one agent in twelve took a year of disponibilité. Affectations: the year of stage, sometimes outside the
académie, then one or two posts before the current one. Running it twice gives the same bytes.

    .venv/bin/python scripts/make_demo_history.py          # write the file
    .venv/bin/python scripts/make_demo_history.py --check  # exit 1 when the file is not what it would write
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from forms_app.dossier.rules import add_months  # noqa: E402

DATA = ROOT / "data"
OUT = DATA / "agents-demo-historique.csv"
HEADER = ["numen", "type", "debut", "fin", "corps", "grade", "echelon", "position", "uai", "etablissement", "nature"]
# Months spent in échelon k before reaching k + 1.
CLASSE_NORMALE = {1: 12, 2: 12, 3: 24, 4: 24, 5: 30, 6: 36, 7: 36, 8: 42, 9: 48, 10: 48}
HORS_CLASSE = {1: 24, 2: 24, 3: 30, 4: 30, 5: 36}
MONTHS_IN_LAST_CN = 36  # years in the 11th échelon before the hors classe
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
ELSEWHERE = [  # first posts outside the académie: (département, serial, label)
    ("093", 1234, "Collège Jean-Jaurès, Saint-Denis (académie de Créteil)"),
    ("095", 2210, "Lycée Camille-Pissarro, Pontoise (académie de Versailles)"),
    ("069", 3105, "Collège Victor-Grignard, Lyon (académie de Lyon)"),
    ("042", 1877, "Lycée Jean-Monnet, Saint-Étienne (académie de Lyon)"),
]


def uai(dept: str, serial: int) -> str:
    digits = f"{dept}{serial:04d}"
    return digits + UAI_LETTERS[int(digits) % 23]


def ddmmyyyy(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def pick(numen: str, salt: str, n: int) -> int:
    """A stable choice among n, from the NUMEN."""
    return int(hashlib.sha256(f"{numen}:{salt}".encode()).hexdigest(), 16) % n


def career(agent: dict[str, str]) -> list[tuple[date, str, str, int, str]]:
    """Past (date, corps, grade, échelon, position), oldest first, ending before the current échelon."""
    born = datetime.strptime(agent["date_naissance"], "%d/%m/%Y").date()
    start = date(born.year + 23, 9, 1)
    current = datetime.strptime(agent["echelon_depuis"], "%d/%m/%Y").date()
    corps, grade, echelon = agent["corps"], agent["grade"], int(agent["echelon"])
    # The échelons before the current one, newest first, each with the months it lasted.
    steps = []
    if grade == "hors classe":
        steps += [(grade, k, HORS_CLASSE[k]) for k in range(echelon - 1, 0, -1)]
        steps.append(("classe normale", 11, MONTHS_IN_LAST_CN))
        steps += [("classe normale", k, CLASSE_NORMALE[k]) for k in range(10, 0, -1)]
    else:
        steps += [(grade, k, CLASSE_NORMALE[k]) for k in range(echelon - 1, 0, -1)]
    lines: list[tuple[date, str, str, int, str]] = []
    when = current
    for step_grade, k, months in steps:
        previous = add_months(when, -months)
        if previous < start:
            if add_months(start, 12) <= when:
                # Entered at this échelon by a reclassement, the year the agent turned 23.
                lines.append((start, corps, step_grade, k, "en activité"))
            break
        when = previous
        lines.append((when, corps, step_grade, k, "en activité"))
    lines.reverse()
    if corps == "professeur agrégé" and born.year < 1975 and len(lines) > 3:
        # Certifié for the first part of the career, agrégé by the liste d'aptitude.
        cut = len(lines) // 2
        lines = [(d, "professeur certifié", g, e, p) if i < cut else (d, c, g, e, p)
                 for i, (d, c, g, e, p) in enumerate(lines)]
    if pick(agent["numen"], "disponibilite", 12) == 0 and len(lines) >= 3:
        # A year of disponibilité in the middle: the échelon is frozen, the earlier lines come a year earlier.
        i = len(lines) // 2
        d, c, g, e, _p = lines[i]
        pause = add_months(d, 6)
        earlier = [(add_months(x[0], -12), *x[1:]) for x in lines[: i + 1]]
        lines = earlier + [(add_months(pause, -12), c, g, e, "disponibilité pour convenances personnelles"),
                           (pause, c, g, e, "en activité")] + lines[i + 1:]
        lines = [x for x in lines if x[0] >= date(born.year + 21, 9, 1)]
    return lines


def affectations(agent: dict[str, str], entree: date, etabs: list[dict[str, str]]) -> list[list[str]]:
    """Past affectations: [debut, fin, uai, etablissement, nature], oldest first."""
    current = datetime.strptime(agent["affectation_depuis"], "%d/%m/%Y").date()
    entree = date(entree.year, 9, 1) if entree.month <= 9 else date(entree.year + 1, 9, 1)
    if current < add_months(entree, 12):
        return []
    kind = next(e["type"] for e in etabs if e["uai"] == agent["affectation_uai"])
    same_kind = [e for e in etabs if e["type"] == kind and e["uai"] != agent["affectation_uai"]]
    rows = []
    stage_end = add_months(entree, 12)
    if pick(agent["numen"], "ailleurs", 3) == 0:
        dept, serial, label = ELSEWHERE[pick(agent["numen"], "ou", len(ELSEWHERE))]
        rows.append([entree, stage_end, uai(dept, serial), label, "année de stage"])
    else:
        etab = same_kind[pick(agent["numen"], "stage", len(same_kind))]
        rows.append([entree, stage_end, etab["uai"], "", "année de stage"])
    years = (current - stage_end).days // 365
    if years >= 6:
        middle = date(stage_end.year + years // 3, 9, 1)
        first = same_kind[pick(agent["numen"], "provisoire", len(same_kind))]
        second = same_kind[pick(agent["numen"], "definitif", len(same_kind))]
        rows.append([stage_end, middle, first["uai"], "", "à titre provisoire"])
        rows.append([middle, current, second["uai"], "", "à titre définitif"])
    elif years >= 1:
        first = same_kind[pick(agent["numen"], "definitif", len(same_kind))]
        rows.append([stage_end, current, first["uai"], "", "à titre définitif"])
    return [[ddmmyyyy(a), ddmmyyyy(b), u, label, nature] for a, b, u, label, nature in rows]


def history_text() -> str:
    agents = read(DATA / "agents-demo.csv")
    etabs = read(DATA / "etablissements.csv")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    for agent in agents:
        lines = career(agent)
        for debut, corps, grade, echelon, position in lines:
            writer.writerow([agent["numen"], "carriere", ddmmyyyy(debut), "", corps, grade, echelon, position,
                             "", "", ""])
        entree = lines[0][0] if lines else datetime.strptime(agent["echelon_depuis"], "%d/%m/%Y").date()
        for debut, fin, code, label, nature in affectations(agent, entree, etabs):
            writer.writerow([agent["numen"], "affectation", debut, fin, "", "", "", "", code, label, nature])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écrit l'historique des agents de démonstration.")
    parser.add_argument("--check", action="store_true", help="vérifier seulement que le fichier est à jour")
    args = parser.parse_args(argv)
    text = history_text()
    if args.check:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == text
        print("à jour" if same else f"{OUT.relative_to(ROOT)} n'est pas à jour : relancez sans --check")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)} : {text.count(chr(10)) - 1} lignes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
