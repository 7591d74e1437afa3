"""Problems found in the sources, collected all at once and printed as `path:line: message`."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Severity = Literal["erreur", "avertissement"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the site root, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the whole file or folder
    message: str
    severity: Severity = "erreur"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "avertissement : " if self.severity == "avertissement" else ""
        return f"{where}: {prefix}{self.message}"


class Report:
    """Every problem of one load, errors and warnings, in file then line order."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def error(self, path: str, line: int, message: str) -> None:
        self._items.append(Problem(path, line, message, "erreur"))

    def warning(self, path: str, line: int, message: str) -> None:
        self._items.append(Problem(path, line, message, "avertissement"))

    def add(self, problem: Problem) -> None:
        self._items.append(problem)

    @property
    def problems(self) -> list[Problem]:
        return sorted(set(self._items), key=lambda p: (p.path, p.line, p.severity, p.message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "erreur"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "avertissement"]

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "erreur" for p in self._items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(set(self._items))

    def __bool__(self) -> bool:
        return bool(self._items)

    def summary(self) -> str:
        """Count errors and warnings in French: « 3 erreurs, 1 avertissement »."""
        n_err, n_warn = len(self.errors), len(self.warnings)
        if not n_err and not n_warn:
            return "aucun problème"
        parts = []
        if n_err:
            parts.append(f"{n_err} erreur{'s' if n_err > 1 else ''}")
        if n_warn:
            parts.append(f"{n_warn} avertissement{'s' if n_warn > 1 else ''}")
        return ", ".join(parts)

    def lines(self, dedupe: bool = True) -> list[str]:
        """Printable lines; repeated identical warnings collapse to the first plus a count."""
        if not dedupe:
            return [str(p) for p in self.problems]
        seen: dict[str, int] = {}
        for p in self.warnings:
            seen[p.message] = seen.get(p.message, 0) + 1
        out: list[str] = []
        shown: set[str] = set()
        for p in self.problems:
            if p.severity == "avertissement":
                if p.message in shown:
                    continue
                shown.add(p.message)
                out.append(str(p))
                extra = seen[p.message] - 1
                if extra:
                    out.append(
                        f"  … et {extra} autre{'s' if extra > 1 else ''} fois le même avertissement"
                        " (--verbose pour tout voir)"
                    )
            else:
                out.append(str(p))
        return out
