"""The build of the sample site: golden output, downloads, .ics, safety of the writer."""
import csv
import io
import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from generator import write
from generator.build import MANIFEST, BuildError, build_site
from generator.model import PARIS
from generator.urls import page_paths

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)  # the build date every golden page shows


def files_under(folder: Path, skip=("assets/", MANIFEST)) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(skip)
    }


@pytest.fixture
def built(sample_site, tmp_path):
    out = tmp_path / "build" / "site"
    result = build_site(sample_site, out, now=NOW, jobs=1)
    return out, result


def test_golden_build(built):
    """The sample site renders byte for byte as tests/fixtures/golden (CARRIERE_UPDATE_GOLDEN=1 rewrites it)."""
    out, _ = built
    actual = files_under(out)
    if os.environ.get("CARRIERE_UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in actual.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = files_under(GOLDEN)
    assert sorted(actual) == sorted(expected)
    for rel in expected:
        assert actual[rel].decode() == expected[rel].decode(), rel


def test_pages_follow_the_url_scheme(built, sample_site):
    """Every path of docs/urls.md is built, and nothing else besides theme and copied files."""
    out, _ = built
    built_paths = set()
    for rel in files_under(out, skip=("assets/", "fichiers/", MANIFEST)):
        built_paths.add(rel[: -len("index.html")] if rel.endswith("index.html") and rel != "404.html" else rel)
    assert built_paths == page_paths(sample_site)


def test_second_build_writes_nothing(built, sample_site):
    out, first = built
    assert first.written == len(files_under(out, skip=(MANIFEST,)))
    again = build_site(sample_site, out, now=NOW, jobs=1)
    assert (again.rendered, again.written, again.unchanged) == ([], 0, again.pages)


def test_forced_build_renders_all_but_writes_nothing(built, sample_site):
    out, first = built
    again = build_site(sample_site, out, now=NOW, jobs=1, force=True)
    assert len(again.rendered) == first.pages
    assert again.written == 0


def test_parallel_build_gives_the_same_bytes(built, sample_site, tmp_path, monkeypatch):
    import generator.build as build_module

    out, _ = built
    monkeypatch.setattr(build_module, "PARALLEL_THRESHOLD", 2)
    other = tmp_path / "build" / "parallel"
    result = build_site(sample_site, other, now=NOW, jobs=2)
    assert len(result.rendered) == result.pages
    assert files_under(other) == files_under(out)


def test_ics_has_one_event_per_phase(built, sample_site):
    out, _ = built
    campaign = sample_site.campaigns[0]
    cal = Calendar.from_ical((out / f"plannings/{campaign.slug}.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == [f"{p.label} — {campaign.title}" for p in campaign.phases]
    assert [e.decoded("DTSTART") for e in events] == [p.start for p in campaign.phases]
    assert all(e["DTSTART"].params["TZID"] == "Europe/Paris" for e in events)
    assert [str(e["UID"]) for e in events] == [
        f"{campaign.slug}-{p.code}@carriere.ac-exemple.example" for p in campaign.phases
    ]
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_ics_speaks_french(built, sample_site):
    """Every text of the .ics a calendar may show is French: icalendar's English COMMENT is replaced."""
    out, _ = built
    campaign = sample_site.campaigns[0]
    raw = (out / f"plannings/{campaign.slug}.ics").read_bytes()
    cal = Calendar.from_ical(raw)
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["COMMENT"]) == ("Heure de Paris : changements d'heure décrits du 1er janvier 1970 "
                                  "au 1er janvier 2038.")
    texts = [str(c[name]) for c in cal.walk() for name in ("COMMENT", "SUMMARY", "DESCRIPTION", "X-WR-CALNAME")
             if name in c]
    english = {"this", "the", "only", "works", "from", "timezone", "to"}
    assert [t for t in texts if english & set(t.lower().replace(".", " ").split())] == []


def test_postes_csv_opens_in_a_spreadsheet(built, sample_site):
    out, _ = built
    slug = sample_site.postes[0].campagne
    raw = (out / f"postes/{slug}.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["code_poste", "campagne", "mouvement"]
    expected = [p for p in sample_site.postes if p.campagne == slug]
    assert sorted(r[0] for r in rows[1:]) == sorted(p.code_poste for p in expected)
    first = next(r for r in rows[1:] if r[0] == expected[0].code_poste)
    assert first[rows[0].index("voeu_url")] == (
        f"/app/mobilite/voeu?campagne={slug}&type=ETB&code={expected[0].uai}&poste={expected[0].code_poste}"
    )


def test_postes_json_lists_every_poste(built, sample_site):
    out, _ = built
    slug = sample_site.postes[0].campagne
    data = json.loads((out / f"postes/{slug}.json").read_text(encoding="utf-8"))
    assert data["campagne"] == slug
    assert data["avertissement"].startswith("Liste indicative et non exhaustive")
    by_code = {p["code_poste"]: p for p in data["postes"]}
    for poste in sample_site.postes:
        if poste.campagne == slug:
            assert by_code[poste.code_poste]["uai"] == poste.uai
            assert by_code[poste.code_poste]["discipline_code"] == poste.discipline_code


def test_postes_page_links_each_poste_to_the_app(built, sample_site):
    out, _ = built
    poste = sample_site.postes[0]
    html = (out / f"postes/{poste.campagne}/index.html").read_text(encoding="utf-8")
    link = (f'href="/app/mobilite/voeu?campagne={poste.campagne}&amp;type=ETB&amp;code={poste.uai}'
            f'&amp;poste={poste.code_poste}"')
    assert link in html
    assert "La liste des postes vacants est indicative et non exhaustive" in html


def test_fichiers_and_assets_are_copied(built, sample_site_dir):
    out, _ = built
    assert (out / "fichiers/annexe-intra.pdf").read_bytes() == (
        sample_site_dir / "content/fichiers/annexe-intra.pdf").read_bytes()
    for name in ("theme.css", "print.css", "planning.js", "postes.js", "search.js"):
        assert (out / "assets" / name).is_file(), name


def test_removed_guide_disappears_from_the_build(built, sample_site):
    out, _ = built
    gone = sample_site.guides.pop()
    result = build_site(sample_site, out, now=NOW, jobs=1)
    assert not (out / f"guides/{gone.slug}").exists()
    assert result.removed == 1
    assert gone.title not in (out / "guides/index.html").read_text(encoding="utf-8")


def test_sitemap_has_absolute_urls(built):
    out, _ = built
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://carriere.ac-exemple.example/guides/</loc>" in sitemap
    assert "404.html" not in sitemap


# Both writers: write_if_changed (one call per file) and the build's OutputWriter (folders checked once).
WRITERS = {"write_if_changed": write.write_if_changed,
           "OutputWriter": lambda out, relpath, data: write.OutputWriter(out).write(relpath, data)}


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("relpath", ["../evil.html", "/etc/evil.html", "guides/../../evil.html",
                                     "guides/./../../evil.html", "guides//../../evil.html"])
def test_writer_refuses_paths_outside_the_output(tmp_path, relpath, writer):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(write.OutsideOutputError, match="chemin de sortie refusé"):
        WRITERS[writer](out, relpath, b"x")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["out"]


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("relpath", ["guides/x/index.html", "guides/index.html"])
def test_writer_refuses_a_symlink_out_of_the_output(tmp_path, writer, relpath):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (out / "guides").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(write.OutsideOutputError):
        WRITERS[writer](out, relpath, b"x")
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize("writer", WRITERS)
def test_writer_refuses_a_file_symlink_out_of_the_output(tmp_path, writer):
    out = tmp_path / "out"
    (out / "guides").mkdir(parents=True)
    (tmp_path / "secret.html").write_bytes(b"secret")
    (out / "guides" / "index.html").symlink_to(tmp_path / "secret.html")
    with pytest.raises(write.OutsideOutputError):
        WRITERS[writer](out, "guides/index.html", b"x")
    assert (tmp_path / "secret.html").read_bytes() == b"secret"


def test_output_writer_checks_a_folder_once_and_follows_links_inside(tmp_path):
    out = tmp_path / "out"
    (out / "real").mkdir(parents=True)
    (out / "alias").symlink_to(out / "real")  # a link that stays inside the output is allowed, as before
    writer = write.OutputWriter(out)
    assert writer.write("a/b/index.html", b"one") is True
    assert writer.write("a/b/index.html", b"one") is False  # same bytes: not rewritten
    assert writer.write("a/b/index.html", b"two") is True
    assert writer.write("alias/page.html", b"x") is True
    assert (out / "a" / "b" / "index.html").read_bytes() == b"two"
    assert (out / "real" / "page.html").read_bytes() == b"x"
    assert writer.dirs == {"", "a", "a/b", "alias"}
    assert not [p for p in out.rglob("*") if ".tmp" in p.name]


def test_work_is_split_heavy_outputs_first_every_page_once(sample_site):
    from generator.build import HEAVY_BUILDERS, _chunks
    from generator.pages import SiteView, plan_pages

    pages = plan_pages(SiteView(sample_site, NOW))
    pages = pages + [p for p in pages if p.builder == "guide"] * 40  # enough light pages to shrink chunks
    dirty = list(range(len(pages)))
    chunks = _chunks(pages, dirty, 2)
    flat = [i for chunk in chunks for i in chunk]
    assert sorted(flat) == dirty
    heavy = [n for n, i in enumerate(flat) if pages[i].builder in HEAVY_BUILDERS]
    assert heavy == list(range(len(heavy))) and heavy
    sizes = [len(c) for c in chunks if pages[c[0]].builder not in HEAVY_BUILDERS]
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] <= 8 < sizes[0]


@pytest.mark.parametrize("target", [".", "content", "content/guides", "data"])
def test_build_refuses_to_write_over_the_sources(sample_site, sample_site_dir, target):
    before = files_under(sample_site_dir, skip=())
    with pytest.raises(BuildError, match="dossier de sortie refusé"):
        build_site(sample_site, sample_site_dir / target, now=NOW)
    assert files_under(sample_site_dir, skip=()) == before


def test_stale_outputs_are_removed_only_inside_the_output(built, sample_site, tmp_path):
    out, _ = built
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"].append("../outside.txt")
    (out / MANIFEST).write_text(json.dumps(manifest))
    (tmp_path / "build" / "outside.txt").write_text("keep me")
    build_site(sample_site, out, now=NOW, jobs=1)
    assert (tmp_path / "build" / "outside.txt").read_text() == "keep me"


def test_academie_templates_and_assets_override_ours(sample_site_dir, tmp_path):
    from generator.load import load_site

    (sample_site_dir / "gabarits/assets").mkdir(parents=True)
    (sample_site_dir / "gabarits/assets/theme.css").write_text("body { color: #000; }\n")
    (sample_site_dir / "gabarits/site").mkdir()
    (sample_site_dir / "gabarits/site/404.html").write_text(
        '{% extends "base.html" %}{% block title %}Perdu{% endblock %}{% block main %}<h1>Perdu ?</h1>{% endblock %}')
    site_yaml = sample_site_dir / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "templates: gabarits\n", encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is not None, report.lines()
    out = tmp_path / "build" / "site"
    build_site(site, out, now=NOW, jobs=1)
    assert (out / "assets/theme.css").read_text() == "body { color: #000; }\n"
    assert (out / "assets/planning.js").is_file()
    assert "<title>Perdu — Portail carrière" in (out / "404.html").read_text(encoding="utf-8")
    assert build_site(site, out, now=NOW, jobs=1).written == 0


def test_planning_states_without_javascript(built, sample_site):
    """Each phase shows its state at build time, with its ISO dates for the script, and says when."""
    out, _ = built
    campaign = sample_site.campaigns[0]
    html = (out / f"plannings/{campaign.slug}/index.html").read_text(encoding="utf-8")
    assert "État au 25 novembre 2026, date de génération de la page." in html
    labels = {"a_venir": "à venir", "ouverte": "ouverte", "close": "close"}
    for phase in campaign.phases:
        end = phase.end.isoformat(timespec="minutes") if phase.end else ""
        span = (f'data-etat data-debut="{phase.start.isoformat(timespec="minutes")}" data-fin="{end}">'
                f"{labels[phase.state_at(NOW)]}</span>")
        assert span in html, phase.code
    assert '<script src="/assets/planning.js" defer></script>' in html


@pytest.mark.parametrize(("template", "message"), [
    ('{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n',
     "gabarits/site/404.html:3: erreur de syntaxe dans le gabarit : Expected an expression, got 'end of statement "
     "block' ; corrigez le gabarit puis relancez la construction."),
    ('{% extends "base.html" %}\n{% block title %}x{% endblock %}\n{% block main %}\n{{ inconnue.x }}\n{% endblock %}\n',
     "gabarits/site/404.html:4: le gabarit ne peut pas produire « 404.html » : 'inconnue' is undefined ; "
     "vérifiez les noms de variables et de blocs (voir docs/theme.md)."),
])
def test_a_broken_override_template_is_reported_with_file_and_line(sample_site_dir, tmp_path, template, message):
    from generator.load import load_site

    (sample_site_dir / "gabarits/site").mkdir(parents=True)
    (sample_site_dir / "gabarits/site/404.html").write_text(template, encoding="utf-8")
    site_yaml = sample_site_dir / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "templates: gabarits\n", encoding="utf-8")
    site, _ = load_site(sample_site_dir)
    with pytest.raises(BuildError) as info:
        build_site(site, tmp_path / "build" / "site", now=NOW, jobs=1)
    assert str(info.value) == message


def test_progress_is_plain_lines_off_a_terminal(sample_site, tmp_path, capsys):
    result = build_site(sample_site, tmp_path / "build" / "site", now=NOW, jobs=1, progress="auto")
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == f"Rendu : {result.pages}/{result.pages} pages"
    assert all(line.startswith("Rendu : ") for line in lines)


def test_progress_callback_counts_rendered_pages(sample_site, tmp_path):
    seen: list[tuple[int, int]] = []
    result = build_site(sample_site, tmp_path / "build" / "site", now=NOW, jobs=1,
                        progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (result.pages, result.pages)
