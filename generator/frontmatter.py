"""Split a Markdown file into its YAML front matter and its body, keeping file line numbers."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Split:
    meta: str  # YAML text between the two `---` lines
    meta_offset: int  # add to a 1-based line of `meta` to get the file line, minus one
    body: str
    body_first_line: int  # file line of the body's first line


class FrontMatterError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def split_front_matter(text: str) -> Split:
    """Return the front matter and body; raise FrontMatterError when the `---` fences are missing."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise FrontMatterError(
            1,
            "le fichier doit commencer par un en-tête entre deux lignes « --- » "
            "(titre, resume…) : ajoutez une ligne « --- » tout en haut.",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return Split(
                meta="".join(lines[1:index]),
                meta_offset=1,
                body="".join(lines[index + 1:]),
                body_first_line=index + 2,
            )
    raise FrontMatterError(
        1,
        "l'en-tête ouvert par « --- » n'est jamais refermé : ajoutez une ligne « --- » "
        "après le dernier champ de l'en-tête.",
    )
