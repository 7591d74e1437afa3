"""Read and check the history CSV that may come with an agents file (docs/agents-csv.md). Pure: no Flask,
no database.

One line per past state of the career (type `carriere`: from this date on, this corps, grade, échelon
and position) or per past affectation (type `affectation`: this établissement from a date to a date).
Every line names an agent of the agents file imported with it; the current state stays the agents file's.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date

from generator.model import is_valid_uai, uai_check_letter

from .agents_import import _CONTROL, ECHELON_MAX, AgentRow, _date, decode
from ..core.texte import chiffres

COLUMNS: tuple[str, ...] = (
    "numen", "type", "debut", "fin", "corps", "grade", "echelon", "position", "uai", "etablissement", "nature",
)
HEADER_REQUIRED: tuple[str, ...] = ("numen", "type", "debut")
TYPES = {"carriere": "carriere", "carrière": "carriere", "affectation": "affectation"}
FOR_TYPE = {
    "carriere": {"corps", "grade", "echelon", "position"},
    "affectation": {"fin", "uai", "etablissement", "nature"},
}
MAX_LENGTH = {"corps": 120, "grade": 120, "position": 120, "etablissement": 200, "nature": 60}
MAX_LINES_PER_AGENT = 200
DEFAULT_POSITION = "en activité"


@dataclass(frozen=True)
class HistoryLine:
    """One checked line: where it was read, and its typed values."""

    line: int
    numen: str
    type: str  # "carriere" | "affectation"
    debut: date
    fin: date | None = None
    corps: str = ""
    grade: str = ""
    echelon: int = 0
    position: str = ""
    uai: str = ""
    etablissement: str = ""
    nature: str = ""


@dataclass
class History:
    """Per NUMEN, the past career lines and past affectations to store; what the agents file gains."""

    carriere: dict[str, list[HistoryLine]] = field(default_factory=dict)
    affectations: dict[str, list[HistoryLine]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # Dates the agents file left empty and the history gives: {numen: {"echelon_depuis": date, …}}.
    filled: dict[str, dict[str, date]] = field(default_factory=dict)

    @property
    def numens(self) -> set[str]:
        return set(self.carriere) | set(self.affectations)


def _check_line(raw: dict[str, str]) -> tuple[dict, list[str]]:
    """Typed values of one line and what is wrong with it, on its own."""
    problems: list[str] = []
    values: dict = {}
    texts = {name: (raw.get(name) or "").strip() for name in COLUMNS}
    for name, text in texts.items():
        if _CONTROL.search(text):
            problems.append(f"{name} : caractère invisible (tabulation, saut de ligne…) à retirer")
            texts[name] = ""
    numen = texts["numen"].upper().replace(" ", "")
    if not numen:
        problems.append("numen manquant : indiquez le NUMEN de l'agent, comme dans le fichier des agents")
    elif not re.fullmatch(r"[0-9A-Z]{13}", numen):
        problems.append(f"numen « {texts['numen']} » : 13 lettres ou chiffres attendus, par exemple 43T1657894PES")
    values["numen"] = numen
    kind = TYPES.get(texts["type"].lower())
    if kind is None:
        problems.append(f"type « {texts['type']} » : écrivez carriere ou affectation")
        return values, problems
    values["type"] = kind
    for name in ("debut", "fin"):
        if not texts[name]:
            values[name] = None
            continue
        parsed = _date(texts[name])
        if parsed is None:
            problems.append(f"{name} « {texts[name]} » : date JJ/MM/AAAA attendue, par exemple 01/09/2015")
        values[name] = parsed
    if not texts["debut"]:
        problems.append("debut manquant : indiquez la date de début, au format JJ/MM/AAAA")
    for name in sorted(set(COLUMNS) - set(HEADER_REQUIRED) - FOR_TYPE[kind]):
        if texts[name]:
            what = ("une ligne carriere dure jusqu'à la ligne suivante" if name == "fin" else
                    f"la colonne ne sert qu'aux lignes {'affectation' if kind == 'carriere' else 'carriere'}")
            problems.append(f"{name} « {texts[name]} » : sans objet pour une ligne {kind} ({what}) : laissez-la vide")
    for name, limit in MAX_LENGTH.items():
        if len(texts[name]) > limit:
            problems.append(f"{name} trop long ({len(texts[name])} caractères, {limit} au plus) : abrégez-le")
    if kind == "carriere":
        for name in ("corps", "grade"):
            if not texts[name]:
                problems.append(f"{name} manquant : obligatoire pour une ligne carriere")
            values[name] = texts[name]
        text = texts["echelon"]
        if not text:
            problems.append("echelon manquant : obligatoire pour une ligne carriere")
        elif not chiffres(text) or not 1 <= int(text) <= ECHELON_MAX:
            problems.append(f"echelon « {text} » : nombre entier de 1 à {ECHELON_MAX} attendu")
        else:
            values["echelon"] = int(text)
        values["position"] = texts["position"] or DEFAULT_POSITION
    else:
        uai = texts["uai"].upper()
        if not uai:
            problems.append("uai manquant : obligatoire pour une ligne affectation (par exemple 0630021F)")
        elif re.fullmatch(r"\d{7}[A-Z]", uai) and not is_valid_uai(uai):
            expected = uai_check_letter(int(uai[:7]))
            problems.append(f"uai « {texts['uai']} » : la lettre de contrôle devrait être « {expected} » "
                            f"({uai[:7]}{expected}) : corrigez le code")
        elif not is_valid_uai(uai):
            problems.append(f"uai « {texts['uai']} » : code UAI invalide (7 chiffres et la lettre de contrôle, "
                            "par exemple 0630021F)")
        values["uai"] = uai
        values["etablissement"] = texts["etablissement"]
        values["nature"] = texts["nature"]
        if values.get("debut") and values.get("fin") and values["fin"] < values["debut"]:
            problems.append(f"fin « {texts['fin']} » : antérieure au début ({texts['debut']}), vérifiez les dates")
    return values, problems


def check_lines(data: bytes, path: str) -> list[str]:
    """The problems of the file's lines on their own (when the agents file is not good enough to check more)."""
    return _read(data, path)[1]


def _read(data: bytes, path: str) -> tuple[list[HistoryLine], list[str]]:
    """Every line of the file checked on its own."""
    text, problem = decode(data, path)
    if problem:
        return [], [problem]
    if not text.strip():
        return [], [f"{path}:1: le fichier est vide : la première ligne doit être l'en-tête {';'.join(COLUMNS)}"]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        return [], [f"{path}:1: en-tête illisible ({exc}) : vérifiez les guillemets"]
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        return [], [f"{path}:1: séparateur « ; » attendu : enregistrez le fichier au format « CSV (point-virgule) »"]
    missing = [c for c in HEADER_REQUIRED if c not in header]
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    problems = []
    if missing:
        problems.append(f"{path}:1: colonne{'s' if len(missing) > 1 else ''} manquante{'s' if len(missing) > 1 else ''}"
                        f" : {', '.join(missing)} : l'en-tête doit contenir {';'.join(COLUMNS)}")
    if duplicates:
        problems.append(f"{path}:1: colonne en double : {', '.join(duplicates)} : gardez-en une seule")
    if problems:
        return [], problems
    lines: list[HistoryLine] = []
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"{path}:{start}: ligne illisible ({exc}) : vérifiez les guillemets")
            break
        line, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"{path}:{line}: {len(cells)} champs au lieu de {len(header)} : "
                            "vérifiez les points-virgules de cette ligne")
            continue
        values, found = _check_line(dict(zip(header, cells)))
        problems.extend(f"{path}:{line}: {p}" for p in found)
        if not found:
            lines.append(HistoryLine(line=line, **values))
    return lines, problems


def _jour(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _same_state(line: HistoryLine, agent: dict) -> bool:
    return (line.corps.lower(), line.grade.lower(), line.echelon) == (
        agent["corps"].lower(), agent["grade"].lower(), agent["echelon"])


def _check_carriere(lines: list[HistoryLine], agent: dict, where: str, path: str,
                    filled: dict[str, date]) -> tuple[list[HistoryLine], list[str]]:
    """An agent's career lines against each other and against the agents file's current state."""
    problems: list[str] = []
    seen: dict[date, int] = {}
    for line in lines:
        if line.debut in seen:
            problems.append(f"{path}:{line.line}: debut {_jour(line.debut)} : l'agent a déjà une ligne carriere à "
                            f"cette date (ligne {seen[line.debut]}) : gardez-en une seule")
        seen.setdefault(line.debut, line.line)
    if problems:
        return [], problems
    ordered = sorted(lines, key=lambda line: line.debut)
    depuis = agent.get("echelon_depuis")
    kept = []
    for line in ordered:
        if depuis is not None and line.debut == depuis:
            if not _same_state(line, agent):
                problems.append(
                    f"{path}:{line.line}: debut {_jour(line.debut)} : c'est la date de l'échelon actuel "
                    f"(echelon_depuis, {where}) mais la ligne dit {line.grade} échelon {line.echelon} : "
                    "la situation à cette date doit être celle du fichier des agents")
            continue  # the current state: the agents file holds it
        if depuis is not None and line.debut > depuis:
            problems.append(
                f"{path}:{line.line}: debut {_jour(line.debut)} : postérieur à l'échelon actuel (echelon_depuis "
                f"{_jour(depuis)}, {where}) : l'historique ne contient que le passé")
            continue
        kept.append(line)
    if depuis is None and kept and _same_state(kept[-1], agent):
        # The last line is the current state: it says since when the échelon is held.
        filled["echelon_depuis"] = kept.pop().debut
    return kept, problems


def _check_affectations(lines: list[HistoryLine], agent: dict, where: str, path: str,
                        filled: dict[str, date]) -> tuple[list[HistoryLine], list[str]]:
    """An agent's past affectations: in order, without overlap, before the current one."""
    problems: list[str] = []
    ordered = sorted(lines, key=lambda line: (line.debut, line.line))
    depuis = agent.get("affectation_depuis")
    kept = []
    for line in ordered:
        if depuis is not None and line.debut == depuis and line.uai == agent.get("affectation_uai"):
            continue  # the current affectation: the agents file holds it
        if depuis is not None and line.debut >= depuis:
            problems.append(
                f"{path}:{line.line}: debut {_jour(line.debut)} : pas antérieur à l'affectation actuelle "
                f"(affectation_depuis {_jour(depuis)}, {where}) : l'historique ne contient que le passé")
            continue
        if depuis is not None and line.fin is not None and line.fin > depuis:
            problems.append(
                f"{path}:{line.line}: fin {_jour(line.fin)} : postérieure au début de l'affectation actuelle "
                f"(affectation_depuis {_jour(depuis)}, {where}) : corrigez la fin")
            continue
        if kept and kept[-1].debut == line.debut:
            problems.append(f"{path}:{line.line}: debut {_jour(line.debut)} : même début que la ligne "
                            f"{kept[-1].line} : une affectation à la fois")
            continue
        if kept and kept[-1].fin is not None and kept[-1].fin > line.debut:
            problems.append(f"{path}:{line.line}: debut {_jour(line.debut)} : chevauche l'affectation de la ligne "
                            f"{kept[-1].line} (jusqu'au {_jour(kept[-1].fin)}) : corrigez l'une des deux dates")
            continue
        kept.append(line)
    if depuis is None and kept and kept[-1].fin is None and kept[-1].uai == agent.get("affectation_uai"):
        filled["affectation_depuis"] = kept.pop().debut
    # An open end means « until the next one »: write it down, so that each line says its own period.
    closed = [replace(line, fin=line.fin or (kept[i + 1].debut if i + 1 < len(kept) else depuis))
              for i, line in enumerate(kept)]
    return closed, problems


def parse_history(data: bytes, path: str, agents: list[AgentRow], agents_path: str) -> History:
    """Check every line, then each agent's lines against the agents file read with it; all problems at once."""
    history = History()
    lines, history.problems = _read(data, path)
    by_numen = {row.values["numen"]: row for row in agents}
    per_agent: dict[str, list[HistoryLine]] = {}
    for line in lines:
        row = by_numen.get(line.numen)
        if row is None:
            history.problems.append(
                f"{path}:{line.line}: numen {line.numen} absent de {agents_path} : ajoutez la ligne de l'agent "
                "au fichier des agents ou retirez celle-ci")
            continue
        naissance = row.values.get("date_naissance")
        if naissance and line.debut < naissance:
            history.problems.append(f"{path}:{line.line}: debut {_jour(line.debut)} : antérieur à la date de "
                                    f"naissance de l'agent ({_jour(naissance)}), vérifiez-le")
            continue
        per_agent.setdefault(line.numen, []).append(line)
    for numen, mine in per_agent.items():
        row = by_numen[numen]
        where = f"{agents_path}:{row.line}"
        if len(mine) > MAX_LINES_PER_AGENT:
            history.problems.append(f"{path}:{mine[MAX_LINES_PER_AGENT].line}: plus de {MAX_LINES_PER_AGENT} lignes "
                                    f"pour l'agent {numen} : gardez les plus utiles")
            continue
        filled: dict[str, date] = {}
        carriere, found = _check_carriere([m for m in mine if m.type == "carriere"], row.values, where, path, filled)
        history.problems.extend(found)
        affectations, found = _check_affectations([m for m in mine if m.type == "affectation"], row.values, where,
                                                  path, filled)
        history.problems.extend(found)
        history.carriere[numen] = carriere
        history.affectations[numen] = affectations
        if filled:
            history.filled[numen] = filled
    history.problems.sort(key=_line_order)
    return history


def _line_order(problem: str) -> tuple:
    head, _, rest = problem.partition(": ")
    path, _, line = head.rpartition(":")
    return (path, int(line) if line.isdigit() else 0, rest)
