"""A teacher's demande for a starred movement, in Chromium: lettre before vœux, pièces, vœux up to the limit."""
import io
import re
from datetime import datetime

import carriere_kit as kit
import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter

from generator.model import PARIS

from forms_app.core.pdfcheck import MSG_NOT_PDF
from forms_app.mobilite.rules.demandes import MSG_LETTRE_AVANT
from forms_app.mobilite.rules.voeux import MSG_LIMITE_ATTEINTE

TEACHER = "Loïc Le Goff"
PASSWORD = "la craie blanche crisse sur le tableau vert"
CAMPAGNE = "Mouvements spécifiques 2027"
LETTRE = "Professeur agrégé de mathématiques, je souhaite enseigner en classe préparatoire MPSI."
ETABLISSEMENT = "0630021F"  # LPO Lycée des métiers La Fayette, Clermont-Ferrand (seed)


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def expect_message(page, message: str) -> None:
    assert flat(message) in flat(page.get_by_role("main").inner_text()), f"{page.url} : « {message} » absent"


def a_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def log_in_first_time(page, server, nom):
    identifiant, numen = server.accounts[nom]
    page.goto(server.url + "app/")
    page.get_by_label("Compte utilisateur").fill(identifiant)
    page.get_by_label("Mot de passe").fill(numen)
    page.get_by_role("button", name="Valider").click()
    page.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()


def add_voeu_by_code(page, type_label, code):
    page.get_by_role("link", name="Ajouter un vœu").click()
    page.get_by_label("Type de vœu").select_option(label=type_label)
    page.get_by_label(re.compile("^Code ou N°")).fill(code)
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("button", name="Enregistrer").click()


def voeu_rows(page):
    return page.get_by_role("table", name="Vos vœux, par ordre de préférence").locator("tbody tr")


@pytest.fixture(scope="module")
def communes(example_site):
    """Commune codes for the filler vœux, Riom aside (the guided search picks it)."""
    return [c.code for c in example_site.referentiel.communes.values() if c.libelle != "Riom"]


def test_demande_lettre_pieces_voeux_recapitulatif(page, app_server, example_site, communes, tmp_path):
    """Every screen on the way also gets axe and the Nu validator (one batch at the end)."""
    limit = example_site.campaign("specifique-2027").voeu_limit
    audit = kit.BothWidths(page)
    log_in_first_time(page, app_server, TEACHER)
    page.get_by_role("link", name="Les services").click()
    audit.check("services")
    page.get_by_role("region", name=CAMPAGNE).get_by_role("link", name=re.compile("^Vos demandes")).click()
    audit.check("demandes-vide")

    page.get_by_role("link", name="Ajouter une demande").click()
    page.get_by_role("link", name="Classes préparatoires aux grandes écoles").click()
    audit.check("demande-mouvement")
    page.get_by_role("link", name="Mathématiques", exact=True).click()
    audit.check("demande-preference")
    page.get_by_role("link", name="Mathématiques, physique et sciences de l'ingénieur").click()
    audit.check("demande-confirmer")
    page.get_by_role("button", name="Enregistrer la demande").click()
    audit.check("demandes")
    page.get_by_role("link", name=re.compile("^Visualiser la demande")).click()
    demande_url = page.url

    # Starred movement: no vœu before the lettre, neither by the page nor by its address.
    expect(page.get_by_role("link", name="Ajouter un vœu")).to_have_count(0)
    expect_message(page, MSG_LETTRE_AVANT)
    audit.check("demande-sans-lettre")
    audit.goto(demande_url + "voeux/ajouter", "voeu-avant-lettre", 409)
    page.goto(demande_url)

    page.get_by_role("link", name="Saisir la lettre de motivation").click()
    audit.check("lettre")
    page.get_by_label("Lettre de motivation").fill(LETTRE)
    page.get_by_role("button", name="Enregistrer la lettre de motivation").click()
    expect(page.get_by_role("main")).to_contain_text("Lettre enregistrée")
    audit.check("lettre-enregistree")
    page.get_by_role("link", name="Retour aux vœux").click()

    upload = page.get_by_label("Fichier à joindre").first
    upload.set_input_files(files=[{"name": "rapport.pdf", "mimeType": "application/pdf",
                                   "buffer": b"Ceci est un texte, pas un PDF.\n"}])
    page.get_by_role("button", name=re.compile("^Joindre")).first.click()
    expect_message(page, MSG_NOT_PDF)
    audit.check("piece-refusee", 400)
    page.goto(demande_url)
    page.get_by_label("Fichier à joindre").first.set_input_files(
        files=[{"name": "rapport-inspection.pdf", "mimeType": "application/pdf", "buffer": a_pdf()}])
    page.get_by_role("button", name=re.compile("^Joindre")).first.click()
    expect(page.get_by_role("link", name="rapport-inspection.pdf")).to_be_visible()

    add_voeu_by_code(page, "Établissement", ETABLISSEMENT)
    expect(voeu_rows(page)).to_have_count(1)
    page.get_by_role("link", name="Ajouter un vœu").click()
    page.get_by_label("Type de vœu").select_option(label="Commune")
    page.get_by_label(re.compile("^Nom, commune ou département")).fill("Riom")
    page.get_by_role("button", name="Rechercher").click()
    audit.check("voeu-recherche-guidee")
    page.get_by_role("link", name=re.compile(r"— Riom \(")).click()
    audit.check("voeu-confirmer")
    page.get_by_role("button", name="Enregistrer").click()
    expect(voeu_rows(page)).to_have_count(2)
    for code in communes[: limit - 2]:  # the form is a GET: its result page is one address away
        page.goto(demande_url + f"voeux/ajouter?type=COM&code={code}")
        page.get_by_role("button", name="Enregistrer").click()
    expect(voeu_rows(page)).to_have_count(limit)
    expect(page.get_by_role("link", name="Ajouter un vœu")).to_have_count(0)

    # At the limit the add page says so and offers nothing to add.
    page.goto(demande_url + f"voeux/ajouter?type=COM&code={communes[limit - 2]}")
    expect(page.get_by_text(MSG_LIMITE_ATTEINTE.format(n=limit))).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer")).to_have_count(0)
    expect(page.get_by_label("Type de vœu")).to_have_count(0)
    audit.check("voeu-limite")
    page.goto(demande_url)
    expect(voeu_rows(page)).to_have_count(limit)

    expect(voeu_rows(page).first).to_contain_text(ETABLISSEMENT)
    page.get_by_role("button", name="Descendre le vœu 1", exact=True).click()
    expect(voeu_rows(page).nth(0)).to_contain_text("Riom")
    expect(voeu_rows(page).nth(1)).to_contain_text(ETABLISSEMENT)
    page.get_by_role("button", name=f"Supprimer le vœu {limit}", exact=True).click()
    expect(voeu_rows(page)).to_have_count(limit - 1)
    audit.check("voeux")
    ranks = [row.split("\t")[0].strip() for row in voeu_rows(page).all_inner_texts()]
    assert ranks == [str(n) for n in range(1, limit)]

    page.get_by_role("link", name="Retour aux demandes").click()
    page.get_by_role("link", name=re.compile("récapitulatif")).click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Classes préparatoires aux grandes écoles")
    expect(main).to_contain_text(ETABLISSEMENT)
    expect(main).to_contain_text("Riom")
    audit.check("recapitulatif")

    page.get_by_role("button", name="Quitter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    audit.assert_clean(tmp_path / "pages")


INTRA_NOW = datetime(2027, 3, 20, 10, 0, tzinfo=PARIS)  # inside intra-2027's saisie


@pytest.fixture
def intra_clock(app_server):
    """The app's business clock inside the intra saisie for one test."""
    before = app_server.app.config["CLOCK"]
    app_server.app.config["CLOCK"] = lambda: INTRA_NOW
    yield
    app_server.app.config["CLOCK"] = before


def test_intra_voeux_restricted_guided_and_told(page, app_server, intra_clock, tmp_path):
    """Issue 10 in the browser: the guided choice step by step, a commune limited to collèges, the sentence of
    the campaign's types, a message after ▲ and « Supprimer »; every screen at 1280 px and 375 px."""
    audit = kit.BothWidths(page)
    log_in_first_time(page, app_server, "Camille Roux")
    page.goto(app_server.url + "app/mobilite/intra-2027/")
    page.get_by_role("link", name="Ajouter une demande").click()
    page.get_by_role("link", name="Mouvement intra-académique", exact=True).click()
    page.get_by_role("button", name="Enregistrer la demande").click()
    page.get_by_role("link", name=re.compile("^Visualiser la demande")).click()
    demande_url = page.url
    expect(page.get_by_role("main")).to_contain_text(
        "de types : établissement, commune, groupement de communes, département, académie, zone de remplacement")

    # Both fields empty: the guided choice, step by step.
    page.get_by_role("link", name="Ajouter un vœu").click()
    page.get_by_label("Type de vœu").select_option(label="Établissement")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("Choisissez d'abord le département.")).to_be_visible()
    audit.check("voeu-choix-departement")
    page.get_by_role("link", name="Puy-de-Dôme (063)").click()
    expect(page.get_by_text("Choisissez la commune.")).to_be_visible()
    page.get_by_role("link", name="Clermont-Ferrand (63000)").click()
    audit.check("voeu-choix-etablissement")
    page.get_by_role("link", name=re.compile(f"^{ETABLISSEMENT} — ")).click()
    expect(page.get_by_label("Type d'établissement")).to_have_count(0)  # an établissement is one type already
    page.get_by_role("button", name="Enregistrer").click()
    expect_message(page, "Le vœu est enregistré.")

    # A commune limited to collèges.
    page.get_by_role("link", name="Ajouter un vœu").click()
    page.get_by_label("Type de vœu").select_option(label="Commune")
    page.get_by_label(re.compile("^Code ou N°")).fill("63113")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_label("Type d'établissement").select_option(label="Collège")
    audit.check("voeu-type-etablissement")
    page.get_by_role("button", name="Enregistrer").click()
    second = voeu_rows(page).nth(1)
    expect(second).to_contain_text("Clermont-Ferrand (63000)")
    expect(second).to_contain_text("Collège")
    expect(voeu_rows(page).nth(0)).to_contain_text("Tout type d'établissement")

    page.get_by_role("button", name="Monter le vœu 2", exact=True).click()
    expect_message(page, "Le vœu « Clermont-Ferrand (63000) » passe du rang 2 au rang 1.")
    audit.check("voeux-message")
    page.get_by_role("button", name="Supprimer le vœu 2", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("est supprimé ; les vœux suivants remontent d'un rang.")
    expect(voeu_rows(page)).to_have_count(1)
    page.goto(demande_url)
    audit.check("voeux-intra")
    audit.assert_clean(tmp_path / "pages")
