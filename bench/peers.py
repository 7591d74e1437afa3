"""Prepare Pelican and MkDocs: a throwaway virtualenv and a project holding the same guides."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

PEERS_VENV = Path("/tmp/carriere-bench-peers")
PEER_PACKAGES = ["pelican", "markdown", "mkdocs"]
# The Markdown extensions our generator enables; the peers get the same ones, so they do the same work.
EXTENSIONS = ["tables", "toc", "attr_list", "admonition"]


def ensure_venv(venv: Path = PEERS_VENV) -> Path:
    """Create the peers' virtualenv once; return its bin folder."""
    bin_dir = venv / "bin"
    if not (bin_dir / "pelican").exists() or not (bin_dir / "mkdocs").exists():
        print(f"Installation de Pelican et MkDocs dans {venv}…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(bin_dir / "pip"), "install", "--quiet", *PEER_PACKAGES], check=True)
    return bin_dir


def versions(bin_dir: Path) -> dict[str, str]:
    """Installed versions of the peers, for the report."""
    out = subprocess.run(
        [str(bin_dir / "python"), "-c",
         "import importlib.metadata as m;"
         "print(*(f'{p}={m.version(p)}' for p in ('pelican', 'mkdocs', 'markdown')), sep='\\n')"],
        capture_output=True, text=True, check=True,
    ).stdout
    return dict(line.split("=", 1) for line in out.split())


PELICAN_CONF = """\
AUTHOR = "Académie de Montferrand"
SITENAME = "Portail carrière"
SITEURL = ""
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
DEFAULT_DATE = (2026, 11, 14)
DEFAULT_CATEGORY = "guides"
PATH = "content"
RELATIVE_URLS = True
# No feeds, and none of the listings our site does not have either (tags, authors, archives). The
# default theme needs the category page of each article, so the one category "guides" stays.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAGS_SAVE_AS = ""
TAG_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DEFAULT_PAGINATION = False
ARTICLE_URL = "guides/{slug}/"
ARTICLE_SAVE_AS = "guides/{slug}/index.html"
MARKDOWN = {
    "extensions": %(extensions)r,
    "output_format": "html5",
}
"""

MKDOCS_YML = """\
site_name: Portail carrière
site_url: https://carriere.ac-montferrand.example/
theme:
  name: mkdocs
  locale: fr
# A nav of one entry: every guide is still built, but no page carries a menu of all 5,000 guides
# (our pages do not either); the default nav would make each page list every other one.
nav:
  - Accueil: index.md
# The default search plugin stays on: our build also writes a search index of every page.
plugins:
  - search
markdown_extensions: %(extensions)s
"""


def pelican_meta(meta: dict) -> str:
    """Our front matter as Pelican metadata lines."""
    return (f"Title: {meta['titre']}\nSlug: {{slug}}\nSummary: {meta['resume']}\n"
            f"Tags: {', '.join(meta['etiquettes'])}\n")


def write_pelican(project: Path, guides: list[tuple[str, dict, str]]) -> None:
    """A Pelican project with each guide as an article under guides/<slug>/."""
    shutil.rmtree(project, ignore_errors=True)
    content = project / "content"
    content.mkdir(parents=True)
    (project / "pelicanconf.py").write_text(PELICAN_CONF % {"extensions": EXTENSIONS}, encoding="utf-8")
    for slug, meta, body in guides:
        head = pelican_meta(meta).replace("{slug}", slug)
        (content / f"{slug}.md").write_text(f"{head}\n{body}", encoding="utf-8")


def write_mkdocs(project: Path, guides: list[tuple[str, dict, str]]) -> None:
    """A MkDocs project with each guide as docs/guides/<slug>.md."""
    shutil.rmtree(project, ignore_errors=True)
    docs = project / "docs" / "guides"
    docs.mkdir(parents=True)
    (project / "mkdocs.yml").write_text(
        MKDOCS_YML % {"extensions": "[" + ", ".join(EXTENSIONS) + "]"}, encoding="utf-8")
    (project / "docs" / "index.md").write_text("# Portail carrière\n\nLes guides.\n", encoding="utf-8")
    for slug, meta, body in guides:
        title = meta["titre"].replace('"', '\\"')
        front = f'---\ntitle: "{title}"\n---\n\n'
        (docs / f"{slug}.md").write_text(f"{front}# {meta['titre']}\n\n{body}", encoding="utf-8")


def pelican_command(bin_dir: Path, project: Path, out: Path) -> list[str]:
    return [str(bin_dir / "pelican"), str(project / "content"), "-s", str(project / "pelicanconf.py"),
            "-o", str(out), "-q"]


def mkdocs_command(bin_dir: Path, project: Path, out: Path) -> list[str]:
    return [str(bin_dir / "mkdocs"), "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(out)]
