"""Our toc and attr_list tree processors (decision 0006) give the stock extensions' HTML and table of contents."""
import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.toc import TocExtension

from generator import markdown_ext
from generator.markdown_ext import (EXTENSIONS, FAST_TOC_FOR, FastAttrListExtension, FastTocExtension,
                                    SiteLinksExtension, convert)


def _stock(extension: type) -> object:
    if issubclass(extension, TocExtension):
        return TocExtension(toc_depth="2-3")
    if issubclass(extension, AttrListExtension):
        return AttrListExtension()
    return extension()


def _pair() -> tuple[markdown.Markdown, markdown.Markdown]:
    """Ours as the build makes it, and the same converter with the stock toc and attr_list extensions."""
    ours = markdown_ext.make_markdown("/base/")
    stock = markdown.Markdown(extensions=[*map(_stock, EXTENSIONS), SiteLinksExtension("/base/")],
                              output_format="html")
    assert [type(p) for p in stock.treeprocessors] != [type(p) for p in ours.treeprocessors]
    return ours, stock


OURS, STOCK = _pair()


def same(text: str) -> None:
    mine, theirs = convert(OURS, text), convert(STOCK, text)
    assert mine == theirs
    assert OURS.toc_tokens == STOCK.toc_tokens  # every field, "html" and "data-toc-label" included


def test_the_installed_markdown_is_the_one_the_fast_toc_mirrors():
    """A new Python-Markdown minor version: compare its toc.py with ours, then move FAST_TOC_FOR."""
    assert markdown.__version_info__[:2] == FAST_TOC_FOR
    assert FastTocExtension in EXTENSIONS and FastAttrListExtension in EXTENSIONS
    assert type(OURS.treeprocessors["toc"]).__name__ == "_FastTocTreeprocessor"
    assert type(OURS.treeprocessors["attr_list"]).__name__ == "_FastAttrListTreeprocessor"
    assert type(OURS.treeprocessors["inline"]).__name__ == "_FastInlineProcessor"
    for name in ("hashheader", "setextheader", "hr", "quote", "reference", "table", "admonition"):
        assert type(OURS.parser.blockprocessors[name]).__name__.startswith("_Fast"), name
    for name in ("normalize_whitespace", "fenced_code_block", "html_block"):
        assert type(OURS.preprocessors[name]).__name__.startswith("_Fast"), name
    assert type(OURS.treeprocessors["unescape"]).__name__ == "_FastUnescapeTreeprocessor"


def test_the_fast_block_processors_keep_the_stock_order_and_state():
    """Same names in the same order, each with the stock instance's settings (the table's config…)."""
    for registry in ("parser.blockprocessors", "preprocessors"):
        ours, stock = OURS, STOCK
        for attr in registry.split("."):
            ours, stock = getattr(ours, attr), getattr(stock, attr)
        list(ours), list(stock)  # iterating sorts the registries by priority
        assert ours._priority == stock._priority  # names and priorities, in order
        assert [type(x).__mro__[1 if type(x).__name__.startswith("_Fast") else 0] for x in ours] == \
            [type(x) for x in stock]
    assert OURS.parser.blockprocessors["table"].config == STOCK.parser.blockprocessors["table"].config
    assert OURS.parser.blockprocessors["hr"].parser is OURS.parser


def test_the_fast_blocks_leave_another_extensions_subclass_alone():
    """A processor of another class under a stock name (an extension's own) is not replaced."""
    from markdown.blockprocessors import HashHeaderProcessor
    from markdown.extensions import Extension

    class Loud(HashHeaderProcessor):
        pass

    class LoudExtension(Extension):
        def extendMarkdown(self, md):  # noqa: N802
            md.parser.blockprocessors.register(Loud(md.parser), "hashheader", 70)

    md = markdown.Markdown(extensions=[LoudExtension(), markdown_ext.FastBlocksExtension()])
    assert type(md.parser.blockprocessors["hashheader"]) is Loud
    assert type(md.parser.blockprocessors["hr"]).__name__ == "_FastHRProcessor"
    assert md.convert("# Titre") == "<h1>Titre</h1>"


def test_the_fast_inline_pass_stands_aside_for_an_unknown_inline_pattern():
    """An extension adding an inline pattern (its trigger unknown to us): the stock pass stays."""
    from markdown.extensions import Extension
    from markdown.inlinepatterns import SimpleTagInlineProcessor

    class Strike(Extension):
        def extendMarkdown(self, md):  # noqa: N802
            md.inlinePatterns.register(SimpleTagInlineProcessor(r"(~~)(.+?)~~", "del"), "del", 75)

    md = markdown.Markdown(extensions=[Strike(), markdown_ext.FastInlineExtension()])
    assert type(md.treeprocessors["inline"]).__name__ == "InlineProcessor"
    assert md.convert("a ~~b~~ c") == "<p>a <del>b</del> c</p>"


EXAMPLES = [
    "## Calendrier\n\nTexte.\n\n### Étapes\n\n## Calendrier\n\n## Calendrier\n",  # duplicate ids
    "## Éléments à fournir : pièces justificatives\n\n### Œuvres & cætera\n",  # accents, ligatures, &
    "## Titre avec `code | pipe` et *emphase*\n\n## **Gras** [lien](/guides/x/)\n",
    "## A &amp; B &lt;tag&gt; &copy; &#233;\n\n## 3 < 4 > 2\n",
    "## Titre <span class=\"x\">HTML</span> brut\n\n## <!-- commentaire --> après\n",
    "## Échappé \\*étoile\\* et \\# dièse\n\n## Tiret \\_ bas\n",
    "## Identifiant imposé {: #mon-id }\n\n## Mon id\n\n## mon-id\n",
    "## Étiquette {: data-toc-label=\"Court *texte*\" }\n\nTexte.\n",
    "## Classe {: .important }\n\n#### Niveau quatre\n\n# Niveau un\n",
    "Setext\n------\n\nAutre\n=====\n",
    "[TOC]\n\n## Un\n\n### Deux\n",
    "## Sommaire\n\n- [TOC]\n\n## Deux\n",
    "!!! note \"À lire\"\n    ## Dans une admonition\n\n    Texte.\n\n## Après\n",
    "```\n## pas un titre\n```\n\n## Vrai titre\n",
    "| Étape | Ouverture |\n|:---|---:|\n| a \\| b | `x | y` |\n|  |  |\n\n## Après le tableau\n",
    "## \n\n## _\n\n## 1_2\n\n## titre_1\n\n## titre\n\n## titre\n",
    "## ÉTÉ été Été\n\n## Ça va ?\n\n## « Guillemets » — tiret\n",
    "## Lien auto <https://exemple.fr/>\n\n## Image ![alt](/x.png)\n",
    "## Titre final   \n\n##    Espaces   multiples   \n",
    "Paragraphe.\n{: .note }\n\n- un\n- deux {: .x }\n\n*em*{: .y } et `code {: .z }` et &#123; et \\{: .w }\n",
    "| a | b |\n|---|---|\n| c {: .td } | d |\n\n## Titre {: #t .c data-x=\"1\" }\n",
    "- un\n    {: .li }\n\n    - sous-liste\n\n[lien](/x){: target=_blank }\n",
    "Pas d'attributs ici, seulement des accolades } et { isolées.\n\n## { }\n",
    # block syntax: each fast block processor or preprocessor must give the stock result
    "Texte\n# Titre dans le bloc\nsuite\n\n#Sans espace\n\n####### sept\n\n \\# échappé\n",
    "Titre\n===\nsuite\n\nTitre\n- pas une liste\n\nTitre\n  ---\n\nUn\nDeux\n---\n",
    "---\n\n * * *\n\n   ___\n\n    ---\n\n-- -\n\ntexte\n***\nsuite\n\n- - -\n\n_-_\n",
    "> citation\n> suite\n\n   > trois espaces\n\n    > code\n\ntexte\n> citation après\n\na > b\n",
    "[ref]: /guides/x/ \"Titre\"\n[autre]: <https://exemple.fr/>\n\nVoir [ref] et [lien][autre].\n\n"
    "texte\n   [b]: /y/\n\n[c]:/z/\n(titre)\n\n[pas une définition] : non\n",
    "a | b\n--|--\nc | d\n\n| seul |\n|---|\n| x |\n\n|a\n|-\n\nx|y\nz\n\n`a|b`\n---\n",
    "!!! note\n    Texte.\n\n    Encore.\n\n        code dedans\n\nHors.\n\n    indenté après\n\n!!!pas\n\nx !!! y\n",
    "- liste\n\n    !!! tip \"T\"\n        dedans\n\n    suite\n\n!!! warning\n\n    vide avant\n",
    "Tab\tdans le texte\n\n\tcode tabulé\n\n- a\n\n\t- b\n",
    "Fin de ligne\r\nWindows\r\rMac\r\n\r\n## Titre\r\n",
    "Ligne\n   \nblanche avec espaces\n \n\n  \n## Après\n",
    "Marques \x02STX\x03 et \x02\x03 seules\n",
    "```\ncode\n```\n\n~~~ python\nx = 1\n~~~\n\n``pas une clôture``\n\n````\n```\n````\n",
    "<div class=\"x\">\nbloc HTML\n</div>\n\nTexte & fin, &eacute; &#233; &amp; &lt;\n\n<p>para</p>\n\na < b > c\n",
    "<!-- commentaire -->\n\n<hr>\n\n<br/>\n\n&copy\n\n& seul\n",
    "~~~\nseulement des tildes\n~~~\n",
    "Entités sans balise : &copy et &eacute;, &#233 &#x41; & seul &amp;\n\n&copy\n",
    "Paragraphe\nfin  \n\n  \n  \n## Titre\n",
    "Tab\tseul\n",
    "Retour\rseul\n",
    "Un\n \ndeux\n",
    "Marque \x03 seule\n",
    "Échappés \\* \\_ \\[ dans [un \\*lien\\*](/guides/a\\_b/ \"titre \\* \\_\") et `code \\*`\n\n"
    "![image \\_](/i\\_1.png) *em \\* em* \\\\\n\n## Titre \\_ \\#\n",
]


@pytest.mark.parametrize("text", EXAMPLES)
def test_same_output_as_the_stock_toc_on_examples(text):
    same(text)


_WORDS = st.sampled_from([
    "Calendrier", "étapes", "Œuvre", "ça", "à", "&", "&amp;", "<b>", "</b>", "<", ">", "`code`", "`a|b`",
    "*em*", "**fort**", "_souligné_", "\\*", "\\|", "|", "[lien](/guides/x/)", "[TOC]", "#", "x_1", "_1",
    "{: #id }", "{: .c }", "{: data-toc-label=\"É t\" }", "—", "«", "»", "'", "\"", "1", "-", "  ",
    "<!-- c -->", "&#233;", "\u00a0", "É", "ÿ", "ß", "Ω",
    # inline syntax: each inline pattern's trigger (the fast inline pass must give the stock result)
    "fin  \nsuite", "<https://exemple.fr/>", "<nom@exemple.fr>", "![image](/i.png)", "[x][ref]", "[ref]",
    "\\\\", "__gras__", "***fort***", "a*b", "a_b_c", "<span>", "&copy;", "&#x41;", "``a`b``", "\\`",
])
_TEXT = st.lists(_WORDS, min_size=0, max_size=6).map(" ".join)
_HEADING = st.tuples(st.integers(1, 6), _TEXT).map(lambda t: "#" * t[0] + " " + t[1])
_CELL = st.lists(st.sampled_from(["a", "é", "\\|", "`x|y`", "", " ", "**b**", "1"]), max_size=3).map(" ".join)
_TABLE = st.tuples(
    st.integers(1, 4).flatmap(lambda n: st.tuples(
        st.lists(_CELL, min_size=n, max_size=n),
        st.lists(st.sampled_from(["---", ":---", "---:", ":---:"]), min_size=n, max_size=n),
        st.lists(st.lists(_CELL, min_size=n, max_size=n), max_size=3),
    )),
).map(lambda t: "\n".join(["| " + " | ".join(t[0][0]) + " |", "| " + " | ".join(t[0][1]) + " |",
                           *("| " + " | ".join(r) + " |" for r in t[0][2])]))
_LINE_START = st.sampled_from(["", " ", "  ", "   ", "    ", "\t", "#", "# ", "> ", ">", "- ", "* ", "1. ", "!!! ",
                               "!!! note ", "[r]: ", "[r]:/x", "---", "***", "___", "- - -", "===", "```",
                               "~~~", "<div>", "</div>", "<p>", "&", "|", "| ", "\x02", "\r"])
_LINE = st.tuples(_LINE_START, _TEXT, st.sampled_from(["", " ", "  ", " |", "|", " #", "\r", "\t"])).map("".join)
_LINES = st.lists(_LINE, min_size=1, max_size=4).map("\n".join)
_BLOCK = st.one_of(_HEADING, _HEADING, _TEXT, _TABLE, st.just("[TOC]"), _LINES, _LINES,
                   _TEXT.map(lambda t: "!!! note\n    ## " + t), _TEXT.map(lambda t: "```\n## " + t + "\n```"),
                   _TEXT.map(lambda t: t + "\n" + "-" * 3))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_BLOCK, min_size=1, max_size=8))
def test_same_output_as_the_stock_toc_on_generated_documents(blocks):
    same("\n\n".join(blocks) + "\n")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_BLOCK, min_size=1, max_size=8), st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n", "\n    \n"]),
                                                           min_size=8, max_size=8))
def test_same_output_as_the_stock_blocks_on_generated_documents(blocks, separators):
    """Block syntax at line starts, joined by one or more newlines (blocks within blocks)."""
    same("".join(b + sep for b, sep in zip(blocks, separators)))


def test_same_output_on_the_sample_site(sample_site):
    for doc in [*sample_site.guides, *sample_site.notes]:
        same(doc.body_md)


def test_same_output_on_the_bench_corpus():
    import random
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import corpus

    rng = random.Random(corpus.SEED)
    for index in range(200):
        same(corpus.guide_body(rng, index, 200))


def test_the_block_level_memo_lasts_one_document():
    """A tag made block-level between two documents (as an extension may do) is seen by the next one."""
    md = markdown_ext.make_markdown("/")
    assert type(md).__name__ == "_Markdown"
    text = "<madeup>\ntexte\n</madeup>\n\nsuite\n"
    stock = markdown.Markdown()
    assert convert(md, text).html == stock.convert(text)
    assert md.is_block_level("madeup") is False and md.is_block_level("DIV/") is True
    md.block_level_elements.append("madeup")
    stock.block_level_elements.append("madeup")
    assert convert(md, text).html == stock.convert(text)
    assert md.is_block_level("madeup") is True
