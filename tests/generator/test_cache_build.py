"""A build from cached sources publishes the same bytes as a clean build, and derives postes rows only when needed."""
import json
from datetime import datetime
from pathlib import Path

import pytest

from generator import pages
from generator.build import MANIFEST, build_site
from generator.load import load_site
from generator.model import PARIS

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)


def cached_build(root: Path, out: Path) -> list[str]:
    site, report = load_site(root, out.parent / ".carriere-cache")
    assert site is not None, report.lines()
    return sorted(build_site(site, out, now=NOW, jobs=1).rendered)


def published(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MANIFEST}


def clean_build(root: Path, out: Path) -> dict[str, bytes]:
    site, report = load_site(root)
    assert site is not None, report.lines()
    build_site(site, out, now=NOW, jobs=1, force=True)
    return published(out)


@pytest.fixture
def built(sample_site_dir, tmp_path):
    out = tmp_path / "build" / "site"
    assert len(cached_build(sample_site_dir, out)) > 20
    return sample_site_dir, out


def refuse_rows(monkeypatch):
    def refuse(self):
        raise AssertionError("postes rows derived although no postes page changed")
    monkeypatch.setattr(pages.SiteView, "_derive_rows", refuse)


def test_guide_edit_derives_no_postes_row(built, monkeypatch):
    root, out = built
    path = root / "content/guides/se-connecter.md"
    path.write_text(path.read_text(encoding="utf-8").replace("en minuscules.", "en minuscules, sans accent."),
                    encoding="utf-8")
    refuse_rows(monkeypatch)
    assert cached_build(root, out) == ["guides/se-connecter/index.html"]
    monkeypatch.undo()
    assert published(out) == clean_build(root, out.parent / "clean")


def test_poste_edit_renders_its_pages_like_a_clean_build(built):
    root, out = built
    postes = root / "data/postes.csv"
    postes.write_text(postes.read_text(encoding="utf-8").replace("P0002;intra-2027;GEN;0630069H;L0202;;;SV;REP;",
                                                                 "P0002;intra-2027;GEN;0630069H;L0202;;Profil lu;SV;REP;"),
                      encoding="utf-8")
    rendered = cached_build(root, out)
    assert "postes/intra-2027/index.html" in rendered and "postes/intra-2027.csv" in rendered
    assert not any(p.startswith("guides/") for p in rendered)
    assert "Profil lu" in (out / "postes/intra-2027.csv").read_text(encoding="utf-8")
    assert published(out) == clean_build(root, out.parent / "clean")


def test_postes_pages_rendered_from_cached_summary_match_a_clean_build(built):
    root, out = built
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["derived"]["rows"]  # the summary the next build starts from
    # Forget the postes outputs only: they are rendered again while the tables are unchanged.
    manifest["outputs"] = {k: v for k, v in manifest["outputs"].items() if not k.startswith("postes/")}
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    for path in (out / "postes").rglob("*"):
        if path.is_file():
            path.write_bytes(b"")
    rendered = cached_build(root, out)
    assert "postes/intra-2027/index.html" in rendered
    assert all(p.startswith("postes/") for p in rendered)
    assert published(out) == clean_build(root, out.parent / "clean")


def test_a_summary_of_other_tables_is_not_used(built, monkeypatch):
    root, out = built
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["derived"]["key"][0] = "0" * 40
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    called = []
    derive = pages.SiteView._derive_rows
    monkeypatch.setattr(pages.SiteView, "_derive_rows", lambda self: called.append(1) or derive(self))
    assert cached_build(root, out) == []
    assert called == [1]
