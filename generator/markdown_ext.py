"""Markdown for guides and notes: the extensions of the content format, site-root links, wide tables."""
from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.extensions.admonition import AdmonitionExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor

# Given as classes: by name, Markdown scans every installed package's entry points first (~50 ms per build).
EXTENSIONS = (TableExtension, TocExtension, AttrListExtension, AdmonitionExtension, FencedCodeExtension,
              SaneListExtension)


@dataclass(frozen=True)
class TocEntry:
    id: str
    title: str
    level: int
    children: tuple["TocEntry", ...]


@dataclass(frozen=True)
class RenderedMarkdown:
    html: str
    toc: tuple[TocEntry, ...]


class _SiteLinks(Treeprocessor):
    """Prefix site-root links with base_path and wrap tables so they scroll on narrow screens."""

    def __init__(self, md: markdown.Markdown, base_path: str) -> None:
        super().__init__(md)
        self.base_path = base_path

    def run(self, root: etree.Element) -> None:
        tables = [
            (parent, index, child)
            for parent in root.iter()
            for index, child in enumerate(parent)
            if child.tag == "table"
        ]
        for parent, index, table in tables:
            # Focusable so a keyboard can scroll a wide table on a narrow screen.
            wrap = etree.Element("div", {"class": "table-wrap", "tabindex": "0", "role": "region",
                                         "aria-label": "Tableau"})
            parent.remove(table)
            wrap.append(table)
            parent.insert(index, wrap)
        for element in root.iter():
            for attr in ("href", "src"):
                value = element.get(attr)
                if value and value.startswith("/") and not value.startswith("//"):
                    element.set(attr, self.base_path + value[1:])


class SiteLinksExtension(Extension):
    def __init__(self, base_path: str) -> None:
        super().__init__()
        self.base_path = base_path

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        # After inline processing (20) so links exist, before toc (5) does not matter.
        md.treeprocessors.register(_SiteLinks(md, self.base_path), "carriere_links", 15)


def make_markdown(base_path: str) -> markdown.Markdown:
    """One reusable converter per process; call `convert` for each document."""
    return markdown.Markdown(
        extensions=[*(TocExtension(toc_depth="2-3") if ext is TocExtension else ext() for ext in EXTENSIONS),
                    SiteLinksExtension(base_path)],
        output_format="html",
    )


def _toc(tokens: list[dict]) -> tuple[TocEntry, ...]:
    return tuple(
        TocEntry(t["id"], t["name"], t["level"], _toc(t.get("children", []))) for t in tokens
    )


def convert(md: markdown.Markdown, text: str) -> RenderedMarkdown:
    """Render one document and its table of contents (h2 and h3)."""
    md.reset()
    html = md.convert(text)
    return RenderedMarkdown(html, _toc(getattr(md, "toc_tokens", [])))
