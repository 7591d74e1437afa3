"""Read and check the agents CSV (docs/agents-csv.md). Pure: no Flask, no database."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from generator.model import is_valid_uai

from ..comptes.identifiants import base_identifiant
from ..core.texte import chiffres

COLUMNS: tuple[str, ...] = (
    "numen", "civilite", "nom", "prenom", "date_naissance", "corps", "grade", "echelon",
    "echelon_depuis", "discipline", "position", "modalite_service", "affectation_uai",
    "affectation_depuis", "adresse", "code_postal", "commune", "mail_pro", "mail_perso",
    "telephone", "portable", "situation_familiale", "enfants", "corps_depuis", "services_depuis",
)
# Columns a file may leave out of its header (files written before they existed stay valid).
OPTIONAL_COLUMNS = frozenset({"corps_depuis", "services_depuis"})
HEADER_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)
HEADER_HINT = f"{';'.join(HEADER_COLUMNS)} (colonnes facultatives : {', '.join(sorted(OPTIONAL_COLUMNS))})"
REQUIRED = frozenset({"numen", "civilite", "nom", "prenom", "date_naissance", "corps", "grade", "echelon",
                      "position", "modalite_service"})
MAX_LENGTH = {
    "nom": 100, "prenom": 100, "corps": 120, "grade": 120, "discipline": 120, "position": 120,
    "modalite_service": 120, "adresse": 250, "commune": 120, "situation_familiale": 60,
}
DATES = ("date_naissance", "echelon_depuis", "affectation_depuis", "corps_depuis", "services_depuis")
CIVILITES = {"m": "Monsieur", "m.": "Monsieur", "monsieur": "Monsieur", "mme": "Madame", "mme.": "Madame",
             "madame": "Madame"}
ECHELON_MAX = 11
ENFANTS_MAX = 20

_NUMEN = re.compile(r"^[0-9A-Z]{13}$")
_MAIL = re.compile(r"^[^@\s;]+@[^@\s.;]+(\.[^@\s.;]+)*\.[A-Za-z]{2,}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass
class AgentRow:
    """One valid row: its line in the file and typed values keyed by column."""

    line: int
    values: dict


@dataclass
class ParseResult:
    rows: list[AgentRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "FILE:line: message"

    @property
    def ok(self) -> bool:
        return not self.problems


def _date(text: str) -> date | None:
    if not re.fullmatch(r"\d{2}/\d{2}/\d{4}", text):
        return None
    try:
        value = datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2100 else None


def _phone(text: str) -> str | None:
    """"0473123456", "04.73.12.34.56", "+33 4 73 12 34 56" → "04 73 12 34 56"; None if not French."""
    compact = re.sub(r"[\s.\-]", "", text)
    if compact.startswith("+33"):
        compact = "0" + compact[3:]
    if not re.fullmatch(r"0[1-9]\d{8}", compact):
        return None
    return " ".join(compact[i : i + 2] for i in range(0, 10, 2))


def check_row(raw: dict[str, str]) -> tuple[dict, list[str]]:
    """Typed values of one row and the French messages of what is wrong with it."""
    values: dict = {}
    problems: list[str] = []
    for name in COLUMNS:
        text = (raw.get(name) or "").strip()
        if _CONTROL.search(text):
            problems.append(f"{name} : caractère invisible (tabulation, saut de ligne…) à retirer")
            continue
        if not text:
            if name in REQUIRED:
                problems.append(f"{name} manquant : cette colonne est obligatoire")
            values[name] = None if name in DATES else ("" if name != "enfants" else 0)
            continue
        limit = MAX_LENGTH.get(name)
        if limit and len(text) > limit:
            problems.append(f"{name} trop long ({len(text)} caractères, {limit} au plus) : abrégez-le")
            continue
        if name == "numen":
            numen = text.upper().replace(" ", "")
            if not _NUMEN.match(numen):
                problems.append(f"numen « {text} » : 13 lettres ou chiffres attendus, par exemple 43T1657894PES")
            values[name] = numen
        elif name == "civilite":
            civilite = CIVILITES.get(text.lower())
            if civilite is None:
                problems.append(f"civilite « {text} » : écrivez M., Mme, Monsieur ou Madame")
            values[name] = civilite
        elif name in DATES:
            parsed = _date(text)
            if parsed is None:
                problems.append(f"{name} « {text} » : date JJ/MM/AAAA attendue, par exemple 13/01/1983")
            values[name] = parsed
        elif name == "echelon":
            if not chiffres(text) or not 1 <= int(text) <= ECHELON_MAX:
                problems.append(f"echelon « {text} » : nombre entier de 1 à {ECHELON_MAX} attendu")
            else:
                values[name] = int(text)
        elif name == "enfants":
            if not chiffres(text) or int(text) > ENFANTS_MAX:
                problems.append(f"enfants « {text} » : nombre d'enfants de moins de 18 ans attendu (0, 1, 2…)")
            else:
                values[name] = int(text)
        elif name == "affectation_uai":
            uai = text.upper()
            if not is_valid_uai(uai):
                problems.append(
                    f"affectation_uai « {text} » : code UAI invalide (7 chiffres et la lettre de contrôle, "
                    "par exemple 0630021F)"
                )
            values[name] = uai
        elif name == "code_postal":
            if not re.fullmatch(r"\d{5}", text):
                problems.append(f"code_postal « {text} » : 5 chiffres attendus, par exemple 63000")
            values[name] = text
        elif name in ("mail_pro", "mail_perso"):
            if len(text) > 254 or not _MAIL.match(text):
                problems.append(f"{name} « {text} » : adresse électronique attendue, par exemple prenom.nom@exemple.fr")
            values[name] = text
        elif name in ("telephone", "portable"):
            number = _phone(text)
            if number is None:
                problems.append(f"{name} « {text} » : numéro français à 10 chiffres attendu, par exemple 04 73 12 34 56")
            values[name] = number
        else:
            values[name] = text
    if values.get("nom") and values.get("prenom") and not base_identifiant(values["prenom"], values["nom"]):
        problems.append("nom et prenom : aucune lettre utilisable pour former l'identifiant")
    naissance = values.get("date_naissance")
    for name in ("echelon_depuis", "corps_depuis", "services_depuis", "affectation_depuis"):
        if naissance and values.get(name) and values[name] < naissance:
            problems.append(f"{name} : date antérieure à la date de naissance, vérifiez-la")
    if values.get("services_depuis") and values.get("corps_depuis") and values["corps_depuis"] < values["services_depuis"]:
        problems.append("corps_depuis : date antérieure à services_depuis (début des services), vérifiez l'une "
                        "des deux")
    if values.get("corps_depuis") and values.get("echelon_depuis") and values["echelon_depuis"] < values["corps_depuis"]:
        problems.append("echelon_depuis : date antérieure à corps_depuis (entrée dans le corps), vérifiez l'une "
                        "des deux")
    return values, problems


def decode(data: bytes, path: str) -> tuple[str | None, str | None]:
    """The text of the file (UTF-8, BOM accepted), or a problem line."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, (
            f"{path}:{line}: le fichier n'est pas en UTF-8 : enregistrez-le au format "
            "« CSV UTF-8 (délimité par des points-virgules) » puis relancez l'import."
        )


def parse_agents(data: bytes, path: str) -> ParseResult:
    """Check every row; collect every problem as `path:line: message`."""
    result = ParseResult()
    text, problem = decode(data, path)
    if problem:
        result.problems.append(problem)
        return result
    if not text.strip():
        result.problems.append(f"{path}:1: le fichier est vide : la première ligne doit être l'en-tête {HEADER_HINT}")
        return result
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        result.problems.append(f"{path}:1: en-tête illisible ({exc}) : vérifiez les guillemets")
        return result
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        result.problems.append(
            f"{path}:1: séparateur « ; » attendu : enregistrez le fichier au format « CSV (point-virgule) »"
        )
        return result
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL_COLUMNS]
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if missing:
        result.problems.append(
            f"{path}:1: colonne{'s' if len(missing) > 1 else ''} manquante{'s' if len(missing) > 1 else ''} : "
            f"{', '.join(missing)} : l'en-tête doit contenir {HEADER_HINT}"
        )
    if duplicates:
        result.problems.append(f"{path}:1: colonne en double : {', '.join(duplicates)} : gardez-en une seule")
    if missing or duplicates:
        return result
    seen: dict[str, int] = {}
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.problems.append(f"{path}:{start}: ligne illisible ({exc}) : vérifiez les guillemets")
            break
        line = start
        start = reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            result.problems.append(
                f"{path}:{line}: {len(cells)} champs au lieu de {len(header)} : "
                "vérifiez les points-virgules de cette ligne"
            )
            continue
        values, problems = check_row(dict(zip(header, cells)))
        numen = values.get("numen")
        if numen and numen in seen:
            problems.append(f"numen {numen} déjà présent ligne {seen[numen]} : une seule ligne par agent")
        elif numen:
            seen[numen] = line
        result.problems.extend(f"{path}:{line}: {p}" for p in problems)
        if not problems:
            result.rows.append(AgentRow(line, values))
    if not result.rows and not result.problems:
        result.problems.append(f"{path}:{start}: aucun agent dans le fichier : ajoutez une ligne par agent sous l'en-tête")
    return result
