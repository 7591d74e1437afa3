"""A teacher's first visit, in Chromium, as a person reads the screens: with the mouse, then keyboard only."""
import re

import pytest
from playwright.sync_api import expect

NEW_PASSWORD = "les volcans d'Auvergne dorment en hiver"
DIPLOME = "Master de mathématiques appliquées"
FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";  // past the last element: the browser's own controls
  const style = getComputedStyle(el);
  if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 1)
    return `${el.tagName} « ${el.textContent.trim().slice(0, 40)} » : contour de focus invisible`;
  return "";
}"""


def heading(page):
    return page.get_by_role("heading", level=1)


def test_first_login_dossier_cv_logout(page, app_server):
    identifiant, numen = app_server.accounts["Jean Dupont"]
    page.goto(app_server.url + "app/")
    expect(heading(page)).to_have_text("Connexion")
    page.get_by_label("Compte utilisateur").fill(identifiant)
    page.get_by_label("Mot de passe").fill(numen)
    page.get_by_role("button", name="Valider").click()

    expect(heading(page)).to_have_text("Choisissez votre mot de passe")
    page.goto(app_server.url + "app/dossier/")  # no other page before the password is changed
    expect(heading(page)).to_have_text("Choisissez votre mot de passe")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("trop court")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("trop court")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_text("Le mot de passe doit comporter au moins 12 caractères.")).to_be_visible()
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_text("Votre mot de passe a été changé.")).to_be_visible()

    header = page.get_by_role("banner")
    for name in ("Accueil", "Votre courrier", "Votre dossier", "Votre CV", "Services", "Votre compte", "Aide"):
        expect(header.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Les guides")).to_be_visible()
    header.get_by_role("link", name="Votre dossier", exact=True).click()
    expect(heading(page)).to_have_text("Votre dossier")
    expect(page.get_by_role("main")).to_contain_text("Monsieur Jean Dupont")
    expect(page.get_by_role("main")).to_contain_text("0634067D")

    header.get_by_role("link", name="Aide", exact=True).click()
    expect(heading(page)).to_have_text("Guides")  # the published guides, on the site
    page.go_back()
    header.get_by_role("link", name="Votre CV", exact=True).click()
    page.get_by_role("navigation", name="Rubriques du CV").get_by_role("link", name="Diplômes").click()
    page.get_by_role("link", name="Ajouter un diplôme").click()
    page.get_by_label("Intitulé du diplôme").fill(DIPLOME)
    page.get_by_label("Année d'obtention").fill("2004")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("main")).to_contain_text(DIPLOME)

    page.get_by_role("button", name="Quitter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    body = page.locator("body").inner_text()
    # "jdupont pour Jean Dupont" is the login page's own example: look for what only the dossier says.
    for personal in (DIPLOME, "Monsieur Jean Dupont", "professeur agrégé", "0634067D", numen):
        assert personal not in body, f"après déconnexion, le bouton Précédent montre « {personal} »"
    page.goto(app_server.url + "app/cv/diplomes/")
    expect(heading(page)).to_have_text("Connexion")


def tab_to(page, target, what, limit=120):
    """Press Tab until target has the focus, checking at each step that the focus is visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        problem = page.evaluate(FOCUS_VISIBLE)
        assert not problem, f"{page.url} : {problem}"
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{page.url} : {what} n'est jamais atteint avec Tab")


def press(page, role, name, within=None):
    """Tab to a link or button by its name (text: exact; or a pattern), press Enter, wait for the next page."""
    scope = within or page
    target = scope.get_by_role(role, name=name, exact=True) if isinstance(name, str) else scope.get_by_role(role, name=name)
    tab_to(page, target, f"« {getattr(name, 'pattern', name)} »")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def add_voeu(page, type_label, code):
    """Ajouter un vœu with the keyboard: type-ahead in the select, the code, Enter, then Enregistrer."""
    press(page, "link", "Ajouter un vœu")
    tab_to(page, page.get_by_label("Type de vœu"), "la liste « Type de vœu »")
    page.keyboard.type(type_label)
    type_in(page, re.compile("^Code ou N°"), code)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    press(page, "button", "Enregistrer")


def type_in(page, label, text, exact=False):
    """Tab to a field by its label, then type, as a keyboard user does."""
    tab_to(page, page.get_by_label(label, exact=exact), f"le champ « {label} »")
    page.keyboard.type(text)


def test_first_login_keyboard_only(page, app_server):
    identifiant, numen = app_server.accounts["Jeanne Martin"]
    page.goto(app_server.url + "app/")
    type_in(page, "Compte utilisateur", identifiant)
    type_in(page, "Mot de passe", numen)
    page.keyboard.press("Enter")

    expect(heading(page)).to_have_text("Choisissez votre mot de passe")
    type_in(page, "Nouveau mot de passe", NEW_PASSWORD, exact=True)
    type_in(page, "Confirmation du nouveau mot de passe", NEW_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Votre mot de passe a été changé.")).to_be_visible()

    press(page, "link", "Votre dossier", within=page.get_by_role("banner"))
    expect(heading(page)).to_have_text("Votre dossier")
    expect(page.get_by_role("main")).to_contain_text("Jeanne Martin")

    page.goto(app_server.url + "app/cv/diplomes/")
    press(page, "link", "Ajouter un diplôme")
    type_in(page, "Intitulé du diplôme", DIPLOME)
    press(page, "button", "Enregistrer")
    expect(page.get_by_role("main")).to_contain_text(DIPLOME)

    page.goto(app_server.url + "app/mobilite/specifique-2027/")  # typing an address is keyboard use too
    press(page, "link", "Ajouter une demande")
    press(page, "link", "Enseignement en langue occitane")
    press(page, "link", "Mathématiques")
    press(page, "button", "Enregistrer la demande")
    press(page, "link", re.compile("^Visualiser la demande"))
    add_voeu(page, "Commune", "63113")
    add_voeu(page, "Département", "063")
    rows = page.get_by_role("table", name="Vos vœux, par ordre de préférence").locator("tbody tr")
    expect(rows).to_have_count(2)
    press(page, "button", "Monter le vœu 2")
    expect(rows.first).to_contain_text("063")

    press(page, "button", "Quitter")
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/app/connexion"))
