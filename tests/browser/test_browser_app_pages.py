"""Every page of the forms app a teacher meets, logged out and in, with its forms' error states:
zero axe-core violations in Chromium, and the HTML the browser received valid for the Nu validator."""
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import carriere_kit as kit
from playwright.sync_api import expect

NEW_PASSWORD = "la bibliothèque du lycée ferme à dix-huit heures"


def test_app_pages_are_accessible_and_valid(page, app_server, tmp_path):
    identifiant, numen = app_server.accounts["Julien Martin"]
    app = app_server.url + "app/"
    audit = kit.Audit(page)
    main = page.get_by_role("main")

    audit.goto(app + "connexion", "connexion")
    page.get_by_role("button", name="Valider").click()
    expect(main).to_contain_text("Saisissez votre compte utilisateur")
    audit.check("connexion-vide", 400)
    page.get_by_label("Compte utilisateur").fill(identifiant)
    page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
    page.get_by_role("button", name="Valider").click()
    expect(main).to_contain_text("Compte utilisateur ou mot de passe incorrect.")
    audit.check("connexion-erreur", 401)
    audit.goto(app + "page-inconnue", "app-404", 404)

    audit.goto(app + "connexion", "connexion")
    page.get_by_label("Compte utilisateur").fill(identifiant)
    page.get_by_label("Mot de passe").fill(numen.lower())  # an identifier: its case does not count
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisissez votre mot de passe")
    audit.check("mot-de-passe-impose")
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD + " !")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(main).to_contain_text("Les deux mots de passe saisis sont différents")
    audit.check("mot-de-passe-erreur", 400)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(main).to_contain_text("Votre assistant carrière")
    audit.check("accueil")

    audit.goto(app + "dossier/", "dossier")
    tabs = page.get_by_role("main").get_by_role("navigation").first.get_by_role("link")
    for href in tabs.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        audit.goto(urljoin(page.url, href), "dossier-" + href.rstrip("/").rsplit("/", 1)[-1])
    audit.goto(app + "dossier/perso", "dossier-perso")
    page.get_by_label(re.compile("^Téléphone")).fill("pas un numéro")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_label(re.compile("^Téléphone"))).to_have_attribute("aria-invalid", "true")
    audit.check("dossier-perso-erreur", 400)
    audit.goto(app + "dossier/signaler", "signaler")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(main).to_contain_text("Décrivez le changement de situation.")
    audit.check("signaler-erreur", 400)

    audit.goto(app + "cv/", "cv")
    audit.goto(app + "cv/diplomes/", "cv-rubrique")
    page.get_by_role("link", name="Ajouter un diplôme").click()
    audit.check("cv-ajouter")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_label("Intitulé du diplôme")).to_have_attribute("aria-invalid", "true")
    audit.check("cv-ajouter-erreur", 400)
    page.get_by_label("Intitulé du diplôme").fill("Licence de mathématiques")
    page.get_by_role("button", name="Enregistrer").click()
    expect(main).to_contain_text("Licence de mathématiques")
    audit.check("cv-rubrique-remplie")
    audit.goto(app + "cv/edition", "cv-edition")

    audit.goto(app + "courrier/", "courrier")
    audit.goto(app + "courrier/ecrire", "courrier-ecrire")
    page.get_by_role("button", name="Envoyer").click()
    expect(main).to_contain_text("Indiquez l'objet du message.")
    audit.check("courrier-ecrire-erreur", 400)
    audit.goto(app + "compte", "compte")
    audit.goto(app + "compte/double-authentification", "double-authentification")
    audit.goto(app + "mobilite/", "services")

    assert len(audit.html) >= 25
    audit.assert_clean(tmp_path / "pages")


def test_voeu_link_from_a_poste_asks_to_log_in_and_keeps_the_target(page, app_server, example_site):
    poste = next(p for p in example_site.postes if p.campagne == kit.postes_campaign(example_site))
    page.goto(app_server.url + f"postes/{poste.campagne}/")
    row = page.get_by_role("row").filter(has_text=poste.code_poste)
    row.get_by_role("link", name=re.compile("Ajouter à mes vœux")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page.get_by_text("Connectez-vous pour accéder à cette page.")).to_be_visible()
    expected = f"/mobilite/voeu?campagne={poste.campagne}&type=ETB&code={poste.uai}&poste={poste.code_poste}"
    assert parse_qs(urlsplit(page.url).query).get("next") == [expected], page.url


def test_gestionnaire_pages_are_accessible_and_valid(page, app_server, tmp_path):
    """The gestionnaire's side: code step, dossier search, a teacher's dossier and CV, courrier, and
    « Réactiver le NUMEN » (for Loïc Le Goff, whom no other browser test logs in)."""
    import pyotp

    from forms_app.cli import DEMO_GESTIONNAIRE, DEMO_GESTIONNAIRE_PASSWORD, _ensure_gestionnaire

    secret, _created = _ensure_gestionnaire(app_server.app)
    identifiant, _numen = app_server.accounts["Loïc Le Goff"]
    app = app_server.url + "app/"
    audit = kit.Audit(page)
    main = page.get_by_role("main")

    audit.goto(app + "connexion", "gestion-connexion")
    page.get_by_label("Compte utilisateur").fill(DEMO_GESTIONNAIRE)
    page.get_by_label("Mot de passe").fill(DEMO_GESTIONNAIRE_PASSWORD)
    page.get_by_role("button", name="Valider").click()
    audit.check("gestion-code")
    page.get_by_label(re.compile("^Code")).fill("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.get_by_role("button", name=re.compile("Valider|Confirmer")).click()
    audit.check("gestion-code-erreur", 401)
    page.get_by_label(re.compile("^Code")).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=re.compile("Valider|Confirmer")).click()
    expect(main).to_be_visible()
    audit.check("gestion-accueil")

    audit.goto(app + "dossier/agents/", "gestion-recherche")
    page.get_by_label("Nom, prénom ou identifiant").fill("le goff")
    page.get_by_role("button", name="Rechercher").click()
    audit.check("gestion-recherche-resultats")
    page.get_by_role("link", name=re.compile("Le Goff")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Loïc Le Goff")
    audit.check("gestion-dossier-agent")
    dossier_url = page.url
    page.get_by_role("link", name="Consulter son CV").click()
    audit.check("gestion-cv-agent")
    page.goto(dossier_url)
    page.get_by_role("link", name="Réactiver son NUMEN (mot de passe perdu)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réactiver le NUMEN")
    audit.check("gestion-reactiver-numen")
    page.get_by_role("button", name="Réactiver le NUMEN").click()
    expect(main).to_contain_text(f"({identifiant}) est de nouveau son mot de passe initial")
    audit.check("gestion-numen-reactive")
    audit.goto(app + "courrier/", "gestion-courrier")
    audit.goto(app + "courrier/ecrire", "gestion-courrier-ecrire")

    assert len(audit.html) >= 11
    audit.assert_clean(tmp_path / "pages")
