"""Every template compiles; every built page has a title, French language and no inline code (CSP)."""
import re
from datetime import datetime
from pathlib import Path

import pytest

from generator.build import build_site
from generator.load import load_site
from generator.model import PARIS
from generator.render import PROJECT_TEMPLATES, make_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def example_build(tmp_path_factory) -> Path:
    """The example academy of the repository (content/ and data/), built once for this module."""
    site, report = load_site(ROOT)
    assert site is not None, report.lines()
    out = tmp_path_factory.mktemp("example") / "site"
    build_site(site, out, now=datetime(2026, 11, 25, 10, 0, tzinfo=PARIS))
    return out


def site_templates() -> list[str]:
    return sorted(p.relative_to(PROJECT_TEMPLATES).as_posix()
                  for p in PROJECT_TEMPLATES.glob("**/*.html") if not p.is_relative_to(PROJECT_TEMPLATES / "app"))


@pytest.mark.parametrize("name", site_templates())
def test_template_compiles(name):
    site, _ = load_site(ROOT)
    assert site is not None
    env = make_env(site.root, site.config)
    env.get_template(name)


def html_pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if "assets" not in p.parts)


def test_every_page_sets_a_title(example_build):
    pages = html_pages(example_build)
    assert len(pages) > 30
    for page in pages:
        html = page.read_text(encoding="utf-8")
        titles = re.findall(r"<title>(.*?)</title>", html, re.S)
        assert len(titles) == 1, page
        assert re.match(r"\S.* — Portail carrière · Académie de Montferrand$", titles[0]), (page, titles[0])
        assert html.startswith('<!doctype html>\n<html lang="fr">'), page
        assert len(re.findall(r"<h1[ >]", html)) >= 1, page


def test_no_inline_script_or_style(example_build):
    """A strict Content-Security-Policy (no 'unsafe-inline') can serve every page."""
    for page in html_pages(example_build):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page
        assert "<style" not in html and " style=" not in html, page
        assert not re.search(r"\son[a-z]+=", html), page


def test_titles_are_unique(example_build):
    titles = {}
    for page in html_pages(example_build):
        title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S).group(1)
        assert title not in titles, (page, titles.get(title))
        titles[title] = page


def test_headings_never_skip_a_level(example_build):
    """One h1 per page, then no level skipped (RGAA 9.1, declared conforme in content/accessibilite.yaml)."""
    for page in html_pages(example_build):
        levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", page.read_text(encoding="utf-8"))]
        assert levels.count(1) == 1 and levels[0] == 1, (page, levels)
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), (page, levels)
