"""Find the links written in Markdown and check the internal ones against the site's pages."""
from __future__ import annotations

import re
from collections.abc import Callable

from .urls import link_target
from .validate import suggest

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"`+[^`\n]*`+")
_INLINE = re.compile(r"\]\(\s*<?([^\s)>]+)")  # inline link or image: ](target
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)", re.MULTILINE)  # [id]: target
_HTML = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)  # raw HTML
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _blank_fences(body: str) -> str:
    """Empty the lines of fenced code blocks, keeping line numbers."""
    lines = body.split("\n")
    fence: str | None = None
    for index, text in enumerate(lines):
        marker = _FENCE.match(text)
        if marker and (fence is None or marker.group(1) == fence):
            fence = marker.group(1) if fence is None else None
            lines[index] = ""
        elif fence is not None:
            lines[index] = ""
    return "\n".join(lines)


def find_links(body: str, first_line: int) -> list[tuple[int, str]]:
    """Every link target of a Markdown body with its file line, code blocks and spans excluded."""
    if "](" not in body and "]:" not in body and "=" not in body:
        return []  # most paragraphs have no link: skip the regular expressions
    text = _blank_fences(body) if ("```" in body or "~~~" in body) else body
    if "`" in text:
        text = _CODE_SPAN.sub(lambda m: " " * len(m.group()), text)
    matches = list(_INLINE.finditer(text)) if "](" in text else []
    if "]:" in text:
        matches += _REFERENCE.finditer(text)
    if "=" in text:
        matches += _HTML.finditer(text)
    if not matches:
        return []
    matches.sort(key=lambda m: m.start())
    found: list[tuple[int, str]] = []
    line, seen = first_line, 0
    for m in matches:
        line += text.count("\n", seen, m.start())
        seen = m.start()
        found.append((line, m.group(1)))
    return found


def is_internal(href: str) -> bool:
    return not (href.startswith(("#", "//")) or _SCHEME.match(href))


def link_problem(href: str, pages: set[str], file_exists: Callable[[str], bool], app_url: str) -> str | None:
    """Say why an internal link leads nowhere, or None when it names a page, a file or the app."""
    if not is_internal(href):
        return None
    if not href.startswith("/"):
        return (f"le lien « {href} » est relatif et ne marchera pas depuis toutes les pages : "
                f"écrivez-le depuis la racine du site, avec un « / » devant (« /{href.lstrip('./')} »).")
    if app_url.startswith("/") and (href == app_url or href.startswith(app_url.rstrip("/") + "/")):
        return None
    target = link_target(href)
    if target in pages or target.startswith("assets/"):
        return None
    if target.startswith("fichiers/"):
        if file_exists(target):
            return None
        return (f"le lien « {href} » mène à un fichier absent : ajoutez content/{target} "
                "ou corrigez le lien.")
    if target + "/" in pages:
        return f"le lien « {href} » doit finir par « / » : écrivez « /{target}/ »."
    hint = suggest(target, sorted(pages))
    hint = hint.replace("« ", "« /", 1) if hint else ""
    return (f"le lien « {href} » ne mène à aucune page du site{hint} : corrigez-le "
            "(les adresses possibles sont décrites dans docs/urls.md).")
