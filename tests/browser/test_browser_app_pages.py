"""Every page of the forms app a teacher meets, logged out and in, with its forms' error states:
zero axe-core violations in Chromium at 1280 px and at 375 px (where nothing scrolls sideways), and the
HTML the browser received valid for the Nu validator."""
import io
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import carriere_kit as kit
from conftest import TEACHERS
from playwright.sync_api import expect

NEW_PASSWORD = "la bibliothèque du lycée ferme à dix-huit heures"
BothWidths = kit.BothWidths


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_file(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


def import_history(app_server, folder, *names: str) -> None:
    """Import these demo agents again with their lines of data/agents-demo-historique.csv."""
    from forms_app.dossier.cli import import_file

    agents_csv = kit.demo_agents(*names)
    numens = {line.split(";")[0] for line in agents_csv.splitlines()[1:]}
    lines = (kit.ROOT / "data" / "agents-demo-historique.csv").read_text(encoding="utf-8").splitlines()
    history = "\n".join([lines[0], *(x for x in lines[1:] if x.split(";")[0] in numens)]) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agents.csv").write_text(agents_csv, encoding="utf-8")
    (folder / "historique.csv").write_text(history, encoding="utf-8")
    err = io.StringIO()
    code, _outcome = import_file(folder / "agents.csv", app_server.app.config["DATABASE_URL"], None,
                                 historique=folder / "historique.csv", out=io.StringIO(), err=err)
    assert code == 0, err.getvalue()


def test_app_pages_are_accessible_and_valid(page, app_server, tmp_path):
    identifiant, numen = app_server.accounts["Julien Martin"]
    import_history(app_server, tmp_path / "import", "Julien Martin")
    app = app_server.url + "app/"
    audit = BothWidths(page)
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
    expect(main.get_by_role("link", name="Les guides")).to_be_visible()
    audit.check("accueil")

    audit.goto(app + "dossier/", "dossier")
    expect(main).to_contain_text("Vous êtes…")
    expect(main).to_contain_text("Votre adresse…")
    tabs = page.get_by_role("main").get_by_role("navigation").first.get_by_role("link")
    for href in tabs.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        audit.goto(urljoin(page.url, href), "dossier-" + href.rstrip("/").rsplit("/", 1)[-1])
    audit.goto(app + "dossier/carriere", "dossier-carriere")
    history = page.get_by_role("table", name="Historique de carrière")
    expect(history.get_by_role("row").nth(1)).to_contain_text("en cours")
    expect(history).to_contain_text("01/01/1998")  # his 1st échelon, from the history file
    audit.goto(app + "dossier/affectations", "dossier-affectations")
    expect(page.get_by_role("table", name="Affectations précédentes")).to_contain_text("année de stage")
    audit.goto(app + "dossier/anciennetes", "dossier-anciennetes")
    expect(page.get_by_role("row", name=re.compile("Ancienneté générale de service"))).to_contain_text("01/01/1998")
    audit.goto(app + "dossier/perso", "dossier-perso")
    page.get_by_label(re.compile("^Téléphone")).fill("pas un numéro")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_label(re.compile("^Téléphone"))).to_have_attribute("aria-invalid", "true")
    audit.check("dossier-perso-erreur", 400)
    audit.goto(app + "dossier/signaler", "signaler")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(main).to_contain_text("Décrivez le changement de situation.")
    audit.check("signaler-erreur", 400)
    page.get_by_label("Rubrique concernée").select_option("adresse")
    page.get_by_label("Description du changement").fill("Nouvelle adresse : 2 place de Jaude, 63000 Clermont-Ferrand.")
    page.get_by_label("Date d'effet").fill("01/11/2026")
    page.get_by_label(re.compile("^Justificatif")).set_input_files(
        {"name": "bail.docx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04 document"})
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(main).to_contain_text("n'est pas un PDF")
    audit.check("signaler-justificatif-erreur", 400)
    page.get_by_label(re.compile("^Justificatif")).set_input_files(pdf_file("bail.pdf"))
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(main).to_contain_text("Votre signalement a été transmis")
    audit.check("signaler-envoye")

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
    expect(main).to_contain_text("Professeur certifié, classe normale — Histoire-géographie")

    audit.goto(app + "courrier/", "courrier")
    audit.goto(app + "courrier/ecrire", "courrier-ecrire")
    page.get_by_role("button", name="Envoyer").click()
    expect(main).to_contain_text("Indiquez l'objet du message.")
    audit.check("courrier-ecrire-erreur", 400)
    page.get_by_label("Objet").fill("Mon arrêté")
    page.get_by_label("Message").fill("Voici mon arrêté de promotion.")
    page.get_by_label(re.compile("^Pièces jointes")).set_input_files([pdf_file(f"p{n}.pdf") for n in range(4)])
    page.get_by_role("button", name="Envoyer").click()
    expect(main).to_contain_text("Joignez 3 fichiers au plus")
    audit.check("courrier-ecrire-pieces-erreur", 400)
    page.get_by_label(re.compile("^Pièces jointes")).set_input_files([pdf_file("arrêté.pdf")])
    page.get_by_role("button", name="Envoyer").click()
    expect(main).to_contain_text("Votre message a été envoyé.")
    expect(main.get_by_role("link", name="arrete.pdf")).to_be_visible()
    audit.check("courrier-fil-pieces")
    audit.goto(app + "compte", "compte")
    audit.goto(app + "compte/double-authentification", "double-authentification")
    audit.goto(app + "mobilite/", "services", narrow=False)  # the mobilité pages have their own checks

    assert len(audit.html) >= 33
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


def signalement_of(app_server, identifiant: str) -> int:
    """A signalement from this teacher, with a justificatif, as « Signaler un changement » sends it."""
    from sqlalchemy import select

    from forms_app.comptes.models import Account
    from forms_app.core.db import new_session, write_transaction
    from forms_app.courrier.messages import send_message
    from forms_app.courrier.pieces import lire_pieces

    class Upload:
        filename = "livret de famille.pdf"
        stream = io.BytesIO(pdf_bytes())

    app = app_server.app
    with app.test_request_context():
        pieces = lire_pieces([Upload()])
        db = new_session(app)
        with write_transaction(db):
            account_id = db.scalar(select(Account.id).where(Account.identifiant == identifiant))
            message = send_message(db, to_role="gestionnaire", sender_account_id=account_id,
                                   subject="Changement de situation : enfants", body="Naissance de Léa.",
                                   kind="signalement", rubrique="enfants", pieces=pieces)
        message_id = message.id
        db.close()
    return message_id


def test_gestionnaire_pages_are_accessible_and_valid(page, app_server, tmp_path):
    """The gestionnaire's side: code step, every dossier listed and filtered, a teacher's dossier (in words
    about the agent) and CV, a signalement's update of the dossier, courrier with a PDF, and « Réactiver le
    NUMEN » (for Loïc Le Goff, whom no other browser test logs in)."""
    import pyotp

    from forms_app.demo import DEMO_GESTIONNAIRE, DEMO_GESTIONNAIRE_PASSWORD, _ensure_gestionnaire

    secret, _created = _ensure_gestionnaire(app_server.app)
    identifiant, _numen = app_server.accounts["Loïc Le Goff"]
    import_history(app_server, tmp_path / "import", "Loïc Le Goff")
    signalement = signalement_of(app_server, identifiant)
    app = app_server.url + "app/"
    audit = BothWidths(page)
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
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace gestionnaire")
    expect(main).to_contain_text("consulter les dossiers des agents")
    audit.check("gestion-accueil")

    audit.goto(app + "dossier/agents/", "gestion-liste")
    listing = page.get_by_role("table")
    expect(listing.get_by_role("row")).to_have_count(len(TEACHERS) + 1)  # a header, every teacher: nothing typed
    expect(listing).to_contain_text("Mathématiques - physique-chimie (PLP)")
    expect(listing).not_to_contain_text("P1315")
    page.get_by_label("Établissement (UAI ou nom)").fill("lycée imaginaire")
    page.get_by_role("button", name="Afficher").click()
    expect(main).to_contain_text("Aucun établissement ne correspond")
    audit.check("gestion-liste-erreur", 400)
    page.get_by_label("Établissement (UAI ou nom)").fill("")
    page.get_by_label("Nom, prénom, NUMEN ou identifiant").fill("le goff")
    page.get_by_label("Trier par").select_option("nom-desc")
    page.get_by_role("button", name="Afficher").click()
    assert "tri=nom-desc" in page.url and "q=le+goff" in page.url  # the filters live in the URL
    audit.check("gestion-liste-filtree")
    page.get_by_role("link", name=re.compile("Le Goff")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Loïc Le Goff")
    expect(main).to_contain_text("L'agent…")
    expect(main).to_contain_text("Son adresse…")
    expect(main).not_to_contain_text("Vous êtes")
    audit.check("gestion-dossier-agent")
    dossier_url = page.url
    audit.goto(dossier_url + "carriere", "gestion-dossier-carriere")
    expect(page.get_by_role("table", name="Historique de carrière")).to_contain_text("hors classe")
    page.goto(dossier_url)
    page.get_by_role("link", name="Consulter son CV").click()
    expect(main).to_contain_text("Professeur de lycée professionnel, hors classe — Mathématiques - physique-chimie (PLP)")
    audit.check("gestion-cv-agent")

    audit.goto(app + f"courrier/{signalement}", "gestion-signalement")
    expect(main.get_by_role("link", name="livret_de_famille.pdf")).to_be_visible()
    page.get_by_role("link", name="Mettre à jour le dossier à partir de ce signalement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mettre à jour le dossier")
    audit.check("gestion-mise-a-jour")
    page.get_by_label("Enfants de moins de 18 ans").fill("beaucoup")
    page.get_by_role("button", name="Mettre à jour le dossier").click()
    expect(main).to_contain_text("Saisissez un nombre entier de 0 à 20.")
    audit.check("gestion-mise-a-jour-erreur", 400)
    page.get_by_label("Enfants de moins de 18 ans").fill("4")
    page.get_by_role("button", name="Mettre à jour le dossier").click()
    expect(main).to_contain_text("l'agent en est informé dans son courrier")
    expect(main).to_contain_text("Enfants de moins de 18 ans : 3 → 4")
    page.get_by_label("Message").fill("Votre dossier est à jour ; voici l'attestation.")
    page.get_by_label(re.compile("^Pièces jointes")).set_input_files([pdf_file("attestation.pdf")])
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(main.get_by_role("link", name="attestation.pdf")).to_be_visible()
    audit.check("gestion-signalement-traite")

    page.goto(dossier_url)
    page.get_by_role("link", name="Réactiver son NUMEN (mot de passe perdu)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réactiver le NUMEN")
    audit.check("gestion-reactiver-numen")
    page.get_by_role("button", name="Réactiver le NUMEN").click()
    expect(main).to_contain_text(f"({identifiant}) est de nouveau son mot de passe initial")
    audit.check("gestion-numen-reactive")
    audit.goto(app + "courrier/", "gestion-courrier")
    audit.goto(app + "courrier/ecrire", "gestion-courrier-ecrire")

    assert len(audit.html) >= 18
    audit.assert_clean(tmp_path / "pages")
