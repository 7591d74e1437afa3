"""A publisher moves a campaign date, runs `carriere build`: the planning shows it and the app enforces it."""
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import carriere_kit as kit
import pytest
from playwright.sync_api import expect

from forms_app.core.content import CHECK_EVERY
from generator.frdates import window_fr
from generator.model import PARIS

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=PARIS)  # inside the published saisie of specifique-2027
CAMPAIGN = "content/campagnes/specifique-2027.yaml"
OLD_END, NEW_END = "fin: 2026-12-08 12:00", "fin: 2026-11-20 09:00"
TEACHER = "Marie-Hélène D'Aubigny"
PASSWORD = "un carnet de notes rangé dans le cartable"
CARRIERE = Path(sys.executable).with_name("carriere")


def flat(text: str) -> str:
    """Compare French text whatever its non-breaking spaces."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def carriere_build(root: Path) -> None:
    done = subprocess.run([str(CARRIERE), "build", "--root", str(root), "--jobs", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def move_saisie_end(source: Path, phase_line: int) -> None:
    """Edit the file as a publisher would: the first `fin:` line after the saisie phase's line."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i in range(phase_line - 1, len(lines)) if lines[i].strip().startswith("fin:"))
    assert lines[at].strip() == OLD_END, f"{source}:{at + 1} : la fin de saisie a changé, mettez le test à jour"
    lines[at] = lines[at].replace(OLD_END, NEW_END)
    source.write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def academie(tmp_path):
    """A copy of the example academy a publisher may edit, built, served with the app on a fixed clock."""
    root = tmp_path / "academie"
    for folder in ("content", "data"):
        shutil.copytree(kit.ROOT / folder, root / folder)
    carriere_build(root)
    url, accounts = kit.make_app_world(tmp_path, kit.demo_agents(TEACHER))
    app, wsgi = kit.combined_app(root / "build" / "site", url, SITE_ROOT=str(root), CLOCK=lambda: NOW)
    server = kit.LiveServer(wsgi)
    server.root, server.accounts = root, accounts
    yield server
    server.stop()
    app.extensions["carriere_db"]["engine"].dispose()


def test_moved_deadline_reaches_the_planning_and_the_app(page, academie, example_site):
    saisie = example_site.campaign("specifique-2027").saisie
    page.clock.install(time=NOW)
    planning = academie.url + "plannings/specifique-2027/"
    page.goto(planning)
    row = page.get_by_role("row").filter(has_text=saisie.label)
    assert flat(window_fr(saisie.start, saisie.end)) in flat(row.inner_text())
    expect(row).to_contain_text("ouverte")

    identifiant, numen = academie.accounts[TEACHER]
    page.goto(academie.url + "app/")
    page.get_by_label("Compte utilisateur").fill(identifiant)
    page.get_by_label("Mot de passe").fill(numen)
    page.get_by_role("button", name="Valider").click()
    page.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    page.get_by_role("link", name="Les services").click()
    card = page.get_by_role("region", name="Mouvements spécifiques 2027")
    expect(card).to_contain_text("saisie ouverte")
    assert page.goto(academie.url + "app/mobilite/specifique-2027/ajouter").status == 200

    move_saisie_end(academie.root / CAMPAIGN, saisie.source.line)
    carriere_build(academie.root)
    new_end = saisie.end.replace(year=2026, month=11, day=20, hour=9)

    page.goto(planning)
    row = page.get_by_role("row").filter(has_text=saisie.label)
    assert flat(window_fr(saisie.start, new_end)) in flat(row.inner_text())
    expect(row).to_contain_text("close")

    page.wait_for_timeout(CHECK_EVERY * 1000 + 200)  # the app looks at content/ mtimes at most this often
    page.goto(academie.url + "app/mobilite/")
    expect(page.get_by_role("region", name="Mouvements spécifiques 2027")).to_contain_text("saisie close")
    response = page.goto(academie.url + "app/mobilite/specifique-2027/ajouter")
    assert response.status == 403
    expected = f"La saisie est fermée : elle était ouverte {window_fr(saisie.start, new_end)}."
    assert flat(expected) in flat(page.get_by_role("main").inner_text())
