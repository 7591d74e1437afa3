"""A link checker over the built example site: every internal href/src and anchor exists."""
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.build import build_site
from generator.load import load_site
from generator.model import PARIS

ROOT = Path(__file__).resolve().parents[2]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            elif name == "id" and value:
                self.ids.add(value)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    site, report = load_site(ROOT)
    assert site is not None, report.lines()
    out = tmp_path_factory.mktemp("links") / "site"
    build_site(site, out, now=datetime(2026, 11, 25, 10, 0, tzinfo=PARIS))
    return site, out


def parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def target_file(out: Path, base_path: str, path: str) -> Path:
    rel = unquote(path)[len(base_path):]
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def broken_links(site, out: Path) -> tuple[list[str], int]:
    """Internal links of every built page whose target file or anchor is missing, and how many were checked."""
    base, app = site.config.base_path, site.config.app_url.rstrip("/")
    pages = sorted(out.rglob("*.html"))
    parsed = {p: parse(p) for p in pages}
    broken, checked = [], 0
    for page, links in parsed.items():
        for href in links.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue  # external, mailto:, tel:
            if parts.path == app or parts.path.startswith(app + "/"):
                continue  # the forms app, tested with the app
            if parts.path == "":
                target = page
            else:
                assert parts.path.startswith(base), f"{page}: lien relatif {href}"
                target = target_file(out, base, parts.path)
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(out)}: {href}")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if parts.fragment not in ids:
                    broken.append(f"{page.relative_to(out)}: {href} (ancre absente)")
    return broken, checked


def test_every_internal_link_resolves(example):
    broken, checked = broken_links(*example)
    assert checked > 500
    assert broken == []


def test_links_follow_a_base_path(sample_site_dir, tmp_path):
    """A site served under /carriere/ links every page, asset and file under /carriere/."""
    site_yaml = sample_site_dir / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("chemin: /", "chemin: /carriere/"),
                         encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is not None, report.lines()
    assert site.config.base_path == "/carriere/"
    out = tmp_path / "build" / "site"
    build_site(site, out, now=datetime(2026, 11, 25, 10, 0, tzinfo=PARIS), jobs=1)
    broken, checked = broken_links(site, out)
    assert checked > 100
    assert broken == []
    assert 'href="/carriere/assets/theme.css"' in (out / "guides/index.html").read_text(encoding="utf-8")


def test_links_from_postes_reach_the_app(example):
    site, out = example
    poste = site.postes[0]
    html = (out / "postes" / poste.campagne / "index.html").read_text(encoding="utf-8")
    assert f"{site.config.app_url}/mobilite/voeu?campagne={poste.campagne}&amp;type=ETB&amp;code={poste.uai}" in html
