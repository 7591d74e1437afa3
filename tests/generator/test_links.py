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


def test_every_internal_link_resolves(example):
    site, out = example
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
    assert checked > 500
    assert broken == []


def test_links_from_postes_reach_the_app(example):
    site, out = example
    poste = site.postes[0]
    html = (out / "postes" / poste.campagne / "index.html").read_text(encoding="utf-8")
    assert f"{site.config.app_url}/mobilite/voeu?campagne={poste.campagne}&amp;type=ETB&amp;code={poste.uai}" in html
