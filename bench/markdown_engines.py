"""Time Markdown engines on the benchmark's guides: how much of a build is the Markdown library itself.

Run: .venv/bin/python bench/markdown_engines.py [--guides 500]
(the engines are installed in the peers' throwaway virtualenv, never in the project's).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

ENGINES = ["mistune", "markdown-it-py", "mdit-py-plugins"]

# Runs inside the peers' virtualenv; CPU time, so a busy machine changes the figures little.
TIMER = r'''
import sys, time
from pathlib import Path
texts = [p.read_text(encoding="utf-8").split("---", 2)[2] for p in sorted(Path(sys.argv[1]).glob("*.md"))]
cpu = time.process_time

def per_page(convert):
    for text in texts[:20]:
        convert(text)
    start = cpu()
    for text in texts:
        convert(text)
    return (cpu() - start) / len(texts) * 1000

import markdown
pm = markdown.Markdown(extensions=["tables", "toc", "attr_list", "admonition", "fenced_code", "sane_lists"])
def python_markdown(text):
    pm.reset()
    return pm.convert(text)
print(f"Python-Markdown {markdown.__version__} (tables, toc, attr_list, admonition, fenced_code, "
      f"sane_lists) : {per_page(python_markdown):.2f} ms/page")

from markdown_it import MarkdownIt, __version__ as mdit_version
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_plugin
mi = MarkdownIt("commonmark").enable("table").use(anchors_plugin, max_level=3).use(attrs_plugin).use(admon_plugin)
print(f"markdown-it-py {mdit_version} (table, anchors, attrs, admon) : {per_page(mi.render):.2f} ms/page")

import mistune
ms = mistune.create_markdown(plugins=["table"])
print(f"mistune {mistune.__version__} (table) : {per_page(ms):.2f} ms/page")
'''


def main() -> int:
    import corpus
    import peers

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guides", type=int, default=500, help="nombre de guides mesurés (500)")
    args = parser.parse_args()
    bin_dir = peers.ensure_venv()
    subprocess.run([str(bin_dir / "pip"), "install", "--quiet", *ENGINES], check=True)
    with tempfile.TemporaryDirectory(prefix="carriere-md-") as tmp:
        generated = corpus.generate(Path(tmp) / "site", args.guides, 0)
        guides = generated.root / "content" / "guides"
        return subprocess.run([str(bin_dir / "python"), "-c", TIMER, str(guides)]).returncode


if __name__ == "__main__":
    raise SystemExit(main())
