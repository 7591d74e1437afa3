"""Typed reading of one YAML mapping against its schema, reporting every problem in French."""
from __future__ import annotations

import difflib
from datetime import date, datetime, timedelta, timezone

from .model import PARIS
from .report import Report
from .yamlio import YList, YMap

_EMPTY = ("", "~", "null", "Null", "NULL")
_TRUE = {"true", "oui", "yes", "vrai", "on"}
_FALSE = {"false", "non", "no", "faux", "off"}


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in _EMPTY)


def shape(value: object) -> str:
    """Name what a publisher wrote, for messages."""
    if isinstance(value, dict):
        return "une liste de clés"
    if isinstance(value, list):
        return "une liste"
    return f"« {value} »"


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """A « voulez-vous dire » hint when a close choice exists."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (voulez-vous dire « {close[0]} » ?)" if close else ""


def parse_moment(text: str) -> datetime | None:
    """Parse `AAAA-MM-JJ HH:MM` (or with T, or seconds) as a naive date-time."""
    text = text.strip().replace("T", " ", 1)
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def paris_problem(naive: datetime) -> str | None:
    """Say why a wall-clock time is not a single instant in Europe/Paris, or None if it is."""
    first = naive.replace(tzinfo=PARIS, fold=0)
    back = first.astimezone(timezone.utc).astimezone(PARIS).replace(tzinfo=None)
    shown = naive.strftime("%Y-%m-%d %H:%M")
    if back != naive:
        return (
            f"la date-heure {shown} n'existe pas à Paris (passage à l'heure d'été, les horloges "
            "sautent de 02:00 à 03:00) : choisissez une heure avant 02:00 ou à partir de 03:00."
        )
    second = naive.replace(tzinfo=PARIS, fold=1)
    if first.utcoffset() != second.utcoffset():
        return (
            f"la date-heure {shown} est ambiguë à Paris (elle a lieu deux fois au passage à "
            "l'heure d'hiver) : choisissez une heure avant 02:00 ou à partir de 03:00."
        )
    return None


def show_moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


class Fields:
    """Read the fields of one mapping; each reader reports its own problem and returns None."""

    def __init__(self, report: Report, path: str, data: YMap, where: str = "") -> None:
        self.report = report
        self.path = path
        self.data = data
        self.where = where  # e.g. " dans la phase n° 2", appended to « champ manquant »
        self.ok = True

    def line(self, key: str | None = None) -> int:
        return self.data.line_of(key) if key else self.data.line

    def error(self, line: int, message: str) -> None:
        self.ok = False
        self.report.error(self.path, line, message)

    def check_keys(self, allowed: tuple[str, ...]) -> None:
        """Warn about keys the schema does not know, naming the allowed ones."""
        for key in self.data:
            if key not in allowed:
                self.report.warning(
                    self.path, self.line(key),
                    f"clé inconnue « {key} » ignorée{suggest(key, allowed)} : "
                    f"clés possibles : {', '.join(allowed)}.",
                )

    def _get(self, key: str, required: bool) -> object:
        value = self.data.get(key)
        if is_empty(value):
            if required:
                self.error(self.line(key), f"champ « {key} » manquant{self.where} : ajoutez « {key}: … ».")
            return None
        return value

    def _wrong(self, key: str, value: object, expected: str) -> None:
        self.error(self.line(key), f"« {key} » doit être {expected} (lu : {shape(value)}) : corrigez la valeur.")

    def text(self, key: str, required: bool = True) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self._wrong(key, value, "un texte")
            return None
        return value.strip()

    def integer(self, key: str, required: bool = True, positive: bool = False) -> int | None:
        value = self._get(key, required)
        if value is None:
            return None
        expected = "un nombre entier positif" if positive else "un nombre entier"
        text = value.strip() if isinstance(value, str) else ""
        if not (text.lstrip("-").isdigit() and text.isascii()):
            self._wrong(key, value, expected)
            return None
        number = int(text)
        if positive and number <= 0:
            self._wrong(key, value, expected)
            return None
        return number

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self._get(key, False)
        if value is None:
            return default
        text = value.strip().lower() if isinstance(value, str) else ""
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self._wrong(key, value, "true ou false")
        return default

    def day(self, key: str, required: bool = True) -> date | None:
        value = self._get(key, required)
        if value is None:
            return None
        try:
            if not isinstance(value, str):
                raise ValueError
            return date.fromisoformat(value.strip())
        except ValueError:
            self._wrong(key, value, "une date AAAA-MM-JJ qui existe")
            return None

    def moment(self, key: str, required: bool = True) -> datetime | None:
        """An aware Europe/Paris date-time; gaps and repeats at DST changes are errors."""
        value = self._get(key, required)
        if value is None:
            return None
        naive = parse_moment(value) if isinstance(value, str) else None
        if naive is None:
            self._wrong(key, value, "une date et une heure AAAA-MM-JJ HH:MM")
            return None
        problem = paris_problem(naive)
        if problem:
            self.error(self.line(key), problem)
            return None
        return naive.replace(tzinfo=PARIS)

    def texts(self, key: str, required: bool = False) -> tuple[str, ...] | None:
        """A list of short texts; a single text is accepted as a list of one."""
        value = self._get(key, required)
        if value is None:
            return None if required else ()
        if isinstance(value, str):
            return (value.strip(),)
        if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
            self._wrong(key, value, "une liste de textes, par exemple [a, b]")
            return None
        return tuple(v.strip() for v in value if not is_empty(v))

    def mapping(self, key: str, required: bool = True) -> YMap | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, YMap):
            self._wrong(key, value, "une liste de clés (clé: valeur) sur les lignes suivantes")
            return None
        return value

    def items(self, key: str, required: bool = False) -> list[tuple[int, YMap]]:
        """The mappings of a list of mappings, each with its line."""
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, YList):
            self._wrong(key, value, "une liste d'éléments commençant chacun par « - »")
            return []
        out: list[tuple[int, YMap]] = []
        for index, item in enumerate(value):
            if not isinstance(item, YMap):
                self.error(
                    value.line_of(index),
                    f"chaque élément de « {key} » doit être une liste de clés (code: …, libelle: …), "
                    f"pas {shape(item)} : corrigez cet élément.",
                )
                continue
            out.append((value.line_of(index), item))
        return out


def ends_before(start: datetime, end: datetime) -> bool:
    """True when a window is empty or reversed."""
    return end - start <= timedelta(0)
