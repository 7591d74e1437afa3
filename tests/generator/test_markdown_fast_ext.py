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
_BLOCK = st.one_of(_HEADING, _HEADING, _TEXT, _TABLE, st.just("[TOC]"),
                   _TEXT.map(lambda t: "!!! note\n    ## " + t), _TEXT.map(lambda t: "```\n## " + t + "\n```"),
                   _TEXT.map(lambda t: t + "\n" + "-" * 3))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_BLOCK, min_size=1, max_size=8))
def test_same_output_as_the_stock_toc_on_generated_documents(blocks):
    same("\n\n".join(blocks) + "\n")


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
