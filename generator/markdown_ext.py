"""Markdown for guides and notes: the extensions of the content format, site-root links, wide tables."""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown.blockprocessors import (BlockQuoteProcessor, HashHeaderProcessor, HRProcessor, ReferenceProcessor,
                                     SetextHeaderProcessor)
from markdown.extensions import Extension
from markdown.extensions.admonition import AdmonitionExtension, AdmonitionProcessor
from markdown.extensions.attr_list import AttrListExtension, AttrListTreeprocessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor, FencedCodeExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension, TableProcessor
from markdown.extensions import toc as _tocmod  # helpers read when used: older versions lack some
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.preprocessors import HtmlBlockPreprocessor, NormalizeWhitespace
from markdown.treeprocessors import InlineProcessor, Treeprocessor, UnescapeTreeprocessor

# Text the serializer, the unescaper or a postprocessor would change: "&<>" are escaped, STX/ETX mark
# placeholders (stashed HTML, escaped characters, "&" substitutes). A heading's text without any of them
# and without child elements renders as itself.
_NOT_PLAIN = re.compile("[&<>\x02\x03]")
_STOCK_POSTPROCESSORS = {"raw_html", "amp_substitute"}


class _FastTocTreeprocessor(TocTreeprocessor):
    """The toc extension's tree processor, minus work this site never uses (decision 0006).

    Identical ids, heading HTML and toc_tokens. Differences: a plain heading (text only, nothing the
    serializer or a postprocessor would change) is not serialized to find its inner HTML, and the TOC
    `<div>` is only built when a `[TOC]` marker may need it, so `md.toc` stays "" otherwise (this site
    renders its table of contents from toc_tokens in the template)."""

    def run(self, doc: etree.Element) -> None:
        marker = self.marker
        postprocessors = self.md.postprocessors
        if (marker and any(el.text and len(el) == 0 and el.text.strip() == marker for el in doc.iter())) or \
                len(postprocessors) != len(_STOCK_POSTPROCESSORS) or \
                not all(name in postprocessors for name in _STOCK_POSTPROCESSORS):
            super().run(doc)  # the stock path: it puts the TOC div in place of the marker
            return
        used_ids = {el.attrib["id"] for el in doc.iter() if "id" in el.attrib}
        id_counters: dict[str, int] = {}
        toc_tokens = []
        header_rgx = self.header_rgx
        for el in doc.iter():
            if isinstance(el.tag, str) and header_rgx.match(el.tag):
                self.set_level(el)
                text = el.text
                if len(el) == 0 and not (text and _NOT_PLAIN.search(text)):
                    innerhtml = text.strip() if text else ""
                    name = " ".join(innerhtml.split())
                else:
                    innerhtml = _tocmod.render_inner_html(_tocmod.remove_fnrefs(el), self.md)
                    name = _tocmod.strip_tags(innerhtml)
                if "id" not in el.attrib:
                    el.attrib["id"] = _tocmod.unique(self.slugify(html.unescape(name), self.sep), used_ids,
                                                     id_counters)
                data_toc_label = ""
                if "data-toc-label" in el.attrib:
                    label = _tocmod.unescape(el.attrib["data-toc-label"])
                    data_toc_label = _tocmod.run_postprocessors(label, self.md)
                    name = _tocmod.escape_cdata(_tocmod.strip_tags(data_toc_label))
                    del el.attrib["data-toc-label"]
                level = int(el.tag[-1])
                if self.toc_top <= level <= self.toc_bottom:
                    toc_tokens.append({"level": level, "id": _unescape(el.attrib["id"]), "name": name,
                                       "html": innerhtml, "data-toc-label": data_toc_label})
                if self.use_anchors:
                    self.add_anchor(el, el.attrib["id"])
                if self.use_permalinks not in [False, None]:
                    self.add_permalink(el, el.attrib["id"])
        self.md.toc_tokens = _tocmod.nest_toc_tokens(toc_tokens)


def _unescape(text: str) -> str:
    """toc's unescape(), which builds an UnescapeTreeprocessor per call; only STX-marked text changes."""
    if "\x02" not in text:
        return text
    return _tocmod.unescape(text)


class FastTocExtension(TocExtension):
    """TocExtension with the tree processor above; same options, same registration (priority 5)."""

    TreeProcessorClass = _FastTocTreeprocessor


class _FastAttrListTreeprocessor(AttrListTreeprocessor):
    """attr_list's tree processor, run only when some text or tail holds a "{" (decision 0006).

    Each of its patterns (block, heading/cell, inline) starts with a literal "{" and only ever
    searches an element's text or tail: without one anywhere, the stock run changes nothing."""

    def run(self, doc: etree.Element) -> None:
        for el in doc.iter():
            text, tail = el.text, el.tail
            if (text and "{" in text) or (tail and "{" in tail):
                super().run(doc)
                return


class FastAttrListExtension(AttrListExtension):
    """AttrListExtension with the tree processor above; same name and priority (8)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.treeprocessors.register(_FastAttrListTreeprocessor(md), "attr_list", 8)
        md.registerExtension(self)


# Every inline pattern of Python-Markdown 3.11 needs one of these in the text it looks at: a backslash
# (escape), a backtick (code), "[" (links, references, images), "<" (autolinks, raw HTML), "&"
# (entities), "*" or "_" (emphasis), or two spaces before a line end (line break). STX/ETX mark
# placeholders. Text without any of them comes out of the inline pass unchanged.
_INLINE_TRIGGER = re.compile(r"[\\`\[<&*_\x02\x03]|  \n")
_INLINE_PATTERNS_3_11 = ("backtick", "escape", "reference", "link", "image_link", "image_reference",
                         "short_reference", "short_image_ref", "autolink", "automail", "linebreak", "html",
                         "entity", "em_strong")


class _FastInlineProcessor(InlineProcessor):
    """The inline pass, skipping the pattern loop on text no pattern can match (decision 0006).

    Most text of a guide is plain prose: the stock pass tries its fourteen patterns on it one after
    another and returns it as it was."""

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802,N803
        if _INLINE_TRIGGER.search(data) is None:
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


class FastInlineExtension(Extension):
    """Put the inline pass above in place of the stock one, when the patterns are the known ones.

    Registered last, so it sees every pattern the other extensions add; with any other set (another
    extension, another Python-Markdown), the stock pass stays."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        if tuple(item.name for item in md.inlinePatterns._priority) == _INLINE_PATTERNS_3_11:
            md.treeprocessors.register(_FastInlineProcessor(md), "inline", 20)


def _some_line_starts(block: str, chars: str) -> bool:
    """Whether a line of block begins, after at most three spaces, with one of chars."""
    for line in block.split("\n"):
        head = line[:4].lstrip(" ")
        if head and head[0] in chars:
            return True
    return False


# Block processors and preprocessors of Python-Markdown 3.11 whose pattern needs a character that most
# blocks of prose lack (decision 0006, second addendum). Each test below is a necessary condition of the
# stock regex; when it holds, the stock method decides, so the result is the stock one in every case.

class _FastHashHeaderProcessor(HashHeaderProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        # RE: (?:^|\n)#{1,6}… — a "#" at the start of the block or of a line.
        return (block.startswith("#") or "\n#" in block) and super().test(parent, block)


class _FastSetextHeaderProcessor(SetextHeaderProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        # RE.match: ^.*?\n(?:=+|-+) — "." stops at a newline: the second line starts with "=" or "-".
        end = block.find("\n")
        return end >= 0 and block[end + 1:end + 2] in ("=", "-") and super().test(parent, block)


class _FastHRProcessor(HRProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        # SEARCH_RE (multiline): ^[ ]{0,3}(?=-+…|_+…|\*+…) — a line starting so.
        return ("-" in block or "_" in block or "*" in block) and _some_line_starts(block, "-_*") \
            and super().test(parent, block)


class _FastBlockQuoteProcessor(BlockQuoteProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        # RE: (^|\n)[ ]{0,3}> — a line starting with ">" after at most three spaces.
        return ">" in block and _some_line_starts(block, ">") and super().test(parent, block)


class _FastReferenceProcessor(ReferenceProcessor):
    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        # RE: ^[ ]{0,3}\[([^\[\]]*)\]: — without "]:" the stock run puts the block back and says False.
        if "]:" not in blocks[0]:
            return False
        return super().run(parent, blocks)


class _FastTableProcessor(TableProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        # Without a pipe the header row splits into one cell and has no border: never a table.
        return "|" in block and super().test(parent, block)


class _FastAdmonitionProcessor(AdmonitionProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        # RE: (?:^|\n)!!! — without it, the stock test's second half (content of an admonition above).
        if block.startswith("!!!") or "\n!!!" in block:
            return super().test(parent, block)
        if self.current_sibling is None and not block.startswith(" " * self.tab_length):
            return False  # parse_content finds no sibling for a block that is not indented, and keeps none
        return self.parse_content(parent, block)[0] is not None


class _FastNormalizeWhitespace(NormalizeWhitespace):
    def run(self, lines: list[str]) -> list[str]:
        # The stock steps, each skipped when the text holds nothing it changes.
        source = "\n".join(lines)
        if "\x02" in source or "\x03" in source:
            source = source.replace(markdown.util.STX, "").replace(markdown.util.ETX, "")
        if "\r" in source:
            source = source.replace("\r\n", "\n").replace("\r", "\n")
        source += "\n\n"
        if "\t" in source:
            source = source.expandtabs(self.md.tab_length)
        if " \n" in source:
            source = _BLANK_SPACES.sub("\n", source)
        return source.split("\n")


_BLANK_SPACES = re.compile(r"(?<=\n) +\n")  # the stock pattern, compiled once


class _FastFencedBlockPreprocessor(FencedBlockPreprocessor):
    def run(self, lines: list[str]) -> list[str]:
        # FENCED_BLOCK_RE opens with ~~~ or ```: without either, the stock run returns the lines as joined and split.
        text = "\n".join(lines)
        if "```" not in text and "~~~" not in text:
            return text.split("\n")
        return super().run(lines)


class _FastHtmlBlockPreprocessor(HtmlBlockPreprocessor):
    def run(self, lines: list[str]) -> list[str]:
        # Python's HTML parser only stops at "<" or "&" (charrefs unconverted): without either, the stock
        # run hands the whole text to handle_data, which keeps it as it is.
        source = "\n".join(lines)
        if "<" not in source and "&" not in source:
            return source.split("\n")
        return super().run(lines)


class _FastUnescapeTreeprocessor(UnescapeTreeprocessor):
    def run(self, root: etree.Element) -> None:
        # RE: STX(\d+)ETX — a text, tail or attribute value without STX is left as the stock sub leaves it.
        unescape = self.unescape
        for elem in root.iter():
            text, tail = elem.text, elem.tail
            if text and "\x02" in text and not elem.tag == "code":
                elem.text = unescape(text)
            if tail and "\x02" in tail:
                elem.tail = unescape(tail)
            if elem.attrib:
                for key, value in elem.items():
                    if value is not None and "\x02" in value:
                        elem.set(key, unescape(value))


_FAST_BLOCKS = {HashHeaderProcessor: _FastHashHeaderProcessor, SetextHeaderProcessor: _FastSetextHeaderProcessor,
                HRProcessor: _FastHRProcessor, BlockQuoteProcessor: _FastBlockQuoteProcessor,
                ReferenceProcessor: _FastReferenceProcessor, TableProcessor: _FastTableProcessor,
                AdmonitionProcessor: _FastAdmonitionProcessor}
_FAST_PREPROCESSORS = {NormalizeWhitespace: _FastNormalizeWhitespace,
                       FencedBlockPreprocessor: _FastFencedBlockPreprocessor,
                       HtmlBlockPreprocessor: _FastHtmlBlockPreprocessor}
_FAST_TREEPROCESSORS = {UnescapeTreeprocessor: _FastUnescapeTreeprocessor}


class FastBlocksExtension(Extension):
    """Put the processors above in place of the stock ones, same names, priorities and state.

    Registered last; only an instance of exactly the stock class is replaced (a subclass from another
    extension may test differently), by a copy of its state under the fast class."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        for registry, fast in ((md.parser.blockprocessors, _FAST_BLOCKS), (md.preprocessors, _FAST_PREPROCESSORS),
                               (md.treeprocessors, _FAST_TREEPROCESSORS)):
            for item in list(registry._priority):
                old = registry[item.name]
                cls = fast.get(type(old))
                if cls is not None:
                    new = cls.__new__(cls)
                    new.__dict__.update(old.__dict__)
                    registry.register(new, item.name, item.priority)


# The Python-Markdown minor version whose TocTreeprocessor.run, attr_list patterns and inline patterns
# the classes above mirror; with any other, the stock extensions are used
# (tests/generator/test_markdown_fast_ext.py fails then: compare the sources again, then move this).
FAST_TOC_FOR = (3, 11)
_SAME_MINOR = markdown.__version_info__[:2] == FAST_TOC_FOR
_Toc = FastTocExtension if _SAME_MINOR else TocExtension
_AttrList = FastAttrListExtension if _SAME_MINOR else AttrListExtension

# Given as classes: by name, Markdown scans every installed package's entry points first (~50 ms per build).
EXTENSIONS = (TableExtension, _Toc, _AttrList, AdmonitionExtension, FencedCodeExtension,
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


class _Markdown(markdown.Markdown):
    """Markdown whose is_block_level answers each tag from a memo kept for one convert() (decision 0006).

    The prettifier alone asks ≈ 80 times per guide, and each stock answer lowers the tag and scans the
    list of block-level tags; the answer only depends on that list, which nothing changes while a
    document is converted (the memo starts empty at each convert, so a change between two is seen)."""

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self._block_level: dict = {}
        super().__init__(**kwargs)

    def convert(self, source: str) -> str:
        self._block_level = {}
        return super().convert(source)

    def is_block_level(self, tag) -> bool:  # type: ignore[no-untyped-def]
        try:
            return self._block_level[tag]
        except KeyError:
            answer = self._block_level[tag] = super().is_block_level(tag)
            return answer
        except TypeError:  # an unhashable tag: no memo
            return super().is_block_level(tag)


def make_markdown(base_path: str) -> markdown.Markdown:
    """One reusable converter per process; call `convert` for each document."""
    return (_Markdown if _SAME_MINOR else markdown.Markdown)(
        extensions=[*(ext(toc_depth="2-3") if issubclass(ext, TocExtension) else ext() for ext in EXTENSIONS),
                    SiteLinksExtension(base_path),
                    *((FastInlineExtension(), FastBlocksExtension()) if _SAME_MINOR else ())],
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
