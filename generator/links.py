"""Find the links written in Markdown and check the internal ones against the site's pages."""
from __future__ import annotations

import re
from collections.abc import Callable

from .urls import link_target
from .validate import suggest

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"`+[^`]*`+")
_INLINE = re.compile(r"\]\(\s*<?([^\s)>]+)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)")
_HTML = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def find_links(body: str, first_line: int) -> list[tuple[int, str]]:
    """Every link target of a Markdown body with its file line, code blocks and spans excluded."""
    found: list[tuple[int, str]] = []
    fence: str | None = None
    for number, text in enumerate(body.splitlines(), start=first_line):
        marker = _FENCE.match(text)
        if marker:
            if fence is None:
                fence = marker.group(1)
            elif marker.group(1) == fence:
                fence = None
            continue
        if fence is not None:
            continue
        text = _CODE_SPAN.sub("", text)
        for pattern in (_INLINE, _REFERENCE, _HTML):
            found.extend((number, m.group(1)) for m in pattern.finditer(text))
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
