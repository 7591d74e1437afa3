"""The lettre de motivation in Chromium: live counter, draft kept on the server as one types; then a vœu."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "browser"))
import carriere_kit as kit  # noqa: E402

pytestmark = pytest.mark.browser
PASSWORD = "la chaîne des Puys sous la neige"


@pytest.fixture
def server(tmp_path, project_root, monkeypatch):
    """The forms app at /app with the theme's assets at /assets, the business clock inside the saisie."""
    monkeypatch.setenv("CARRIERE_NOW", "2026-11-20T10:00")
    site_dir = tmp_path / "site"
    shutil.copytree(project_root / "templates" / "assets", site_dir / "assets")
    url, accounts = kit.make_app_world(tmp_path, kit.demo_agents("Marie-Hélène D'Aubigny"))
    app, wsgi = kit.combined_app(site_dir, url)
    live = kit.LiveServer(wsgi)
    live.account = accounts["Marie-Hélène D'Aubigny"]
    yield live
    live.stop()
    app.extensions["carriere_db"]["engine"].dispose()


def test_lettre_draft_autosave_then_voeu(server):
    from playwright.sync_api import expect, sync_playwright

    kit.require_chromium()
    identifiant, numen = server.account
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(kit.CHROMIUM), args=kit.CHROMIUM_ARGS)
        page = browser.new_page(locale="fr-FR", timezone_id="Europe/Paris")
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(server.url + "app/")
        page.get_by_label("Compte utilisateur").fill(identifiant)
        page.get_by_label("Mot de passe").fill(numen)
        page.get_by_role("button", name="Valider").click()
        page.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
        page.get_by_label("Confirmation du nouveau mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Enregistrer le mot de passe").click()

        page.get_by_role("link", name="Services", exact=True).click()
        page.get_by_role("region", name="Mouvements spécifiques 2027").get_by_role("link").last.click()
        page.get_by_role("link", name="Ajouter une demande").click()
        page.get_by_role("link", name="*Théâtre expression dramatique").click()
        page.get_by_role("link", name="Lettres classiques").click()
        page.get_by_role("button", name="Enregistrer la demande").click()
        expect(page.get_by_role("main")).to_contain_text("En attente de saisie de la lettre de motivation…")

        page.get_by_role("link", name="Saisir la lettre de motivation").click()
        page.get_by_label("Lettre de motivation").press_sequentially("Bonjour, je souhaite", delay=15)
        expect(page.locator("#texte-compteur")).to_have_text("20 caractères sur 5000.")
        expect(page.locator("#texte-brouillon")).to_have_text("Brouillon enregistré à 10:00")
        page.reload()  # the draft survives a closed tab
        expect(page.get_by_label("Lettre de motivation")).to_have_value("Bonjour, je souhaite")
        page.get_by_role("button", name="Enregistrer la lettre de motivation").click()
        expect(page.get_by_text("Votre lettre de motivation est enregistrée.")).to_be_visible()

        page.get_by_role("link", name="Retour aux vœux").click()
        page.get_by_role("link", name="Ajouter un vœu").click()
        page.get_by_label("Type de vœu").select_option("ETB")
        page.get_by_label("Code ou N°").fill("0630021F")
        page.get_by_role("button", name="Rechercher").click()
        expect(page.get_by_role("main")).to_contain_text("LPO Lycée des métiers La Fayette")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("cell", name="0630021F")).to_be_visible()
        violations = kit.axe_violations(page)
        browser.close()
    assert violations == []
    assert errors == []
