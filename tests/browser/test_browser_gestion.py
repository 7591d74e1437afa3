"""Issue 11's journey in Chromium, the clock moved through intra-2027's phases: a teacher applies
(situation, vœux); the saisie closes; the gestionnaire filters the desk, opens the demande, grants one
justificatif element and refuses another with a reason; during the phase « bareme » the teacher reads
the barème retenu vœu by vœu and asks for a correction with a PDF; the gestionnaire accepts it; after
the phase the barème is « définitif ». Every new page: axe-core at 1280 px and 375 px (nothing scrolls
sideways) and the Nu validator, in one batch at the end."""
import io
import re
import time
from datetime import datetime

import carriere_kit as kit
import pyotp
import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter

from generator.model import PARIS

TEACHER = "Yasmina Benali"  # no other browser journey spends her first password
PASSWORD = "le tableau noir garde la trace des craies"
PENDANT_SAISIE = datetime(2027, 3, 20, 10, 0, tzinfo=PARIS)
APRES_SAISIE = datetime(2027, 4, 20, 10, 0, tzinfo=PARIS)
PENDANT_BAREME = datetime(2027, 5, 10, 10, 0, tzinfo=PARIS)
APRES_BAREME = datetime(2027, 5, 25, 10, 0, tzinfo=PARIS)


BothWidths = kit.BothWidths


@pytest.fixture(scope="module")
def gestion_server(built_site, tmp_path_factory):
    """The site and the app on one 127.0.0.1 port, a clock the test moves, the demo gestionnaire."""
    from forms_app.demo import _ensure_gestionnaire

    folder = tmp_path_factory.mktemp("gestion")
    url, accounts = kit.make_app_world(folder, kit.demo_agents(TEACHER))
    clock = {"now": PENDANT_SAISIE}
    app, wsgi = kit.combined_app(built_site[1], url, CLOCK=lambda: clock["now"])
    secret, _created = _ensure_gestionnaire(app)
    server = kit.LiveServer(wsgi)
    server.app, server.accounts, server.clock, server.totp = app, accounts, clock, secret
    yield server
    server.stop()
    app.extensions["carriere_db"]["engine"].dispose()


def a_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def log_out(page):
    page.get_by_role("button", name="Quitter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()


def log_in_teacher(page, server, first: bool = False):
    identifiant, numen = server.accounts[TEACHER]
    page.goto(server.url + "app/connexion")
    page.get_by_label("Compte utilisateur").fill(identifiant)
    page.get_by_label("Mot de passe").fill(numen if first else PASSWORD)
    page.get_by_role("button", name="Valider").click()
    if first:
        page.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
        page.get_by_label("Confirmation du nouveau mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Enregistrer le mot de passe").click()


def fresh_code(server) -> str:
    """A TOTP code not used yet: the app accepts each 30 s step once (wait for the next one)."""
    totp = pyotp.TOTP(server.totp)
    while totp.now() == getattr(server, "last_code", None):
        time.sleep(1)
    server.last_code = totp.now()
    return server.last_code


def log_in_gestionnaire(page, server):
    from forms_app.demo import DEMO_GESTIONNAIRE, DEMO_GESTIONNAIRE_PASSWORD

    page.goto(server.url + "app/connexion")
    page.get_by_label("Compte utilisateur").fill(DEMO_GESTIONNAIRE)
    page.get_by_label("Mot de passe").fill(DEMO_GESTIONNAIRE_PASSWORD)
    page.get_by_role("button", name="Valider").click()
    page.get_by_label(re.compile("^Code")).fill(fresh_code(server))
    page.get_by_role("button", name=re.compile("Valider|Confirmer")).click()
    expect(page.get_by_role("link", name="Mutations").first).to_be_visible()


def total_of(page, rank: int) -> str:
    return flat(page.locator(f"#bareme-voeu-{rank} summary").inner_text())


def test_gestion_des_mutations_journey(page, gestion_server, tmp_path):
    server = gestion_server
    app = server.url + "app/"
    audit = BothWidths(page)
    main = page.get_by_role("main")

    # 1. The teacher applies: a demande, her spouse's département, two vœux.
    log_in_teacher(page, server, first=True)
    page.goto(app + "mobilite/intra-2027/ajouter?mouvement=GEN")
    page.get_by_role("button", name="Enregistrer la demande").click()
    page.get_by_role("link", name=re.compile("^Visualiser la demande")).click()
    demande_url = page.url
    demande_id = int(re.search(r"/demandes/(\d+)/", demande_url).group(1))
    page.get_by_label("Département de résidence professionnelle du conjoint").select_option("063")
    page.get_by_role("button", name="Enregistrer la situation").click()
    for type_, code in (("ETB", "0630021F"), ("COM", "63113")):
        page.goto(demande_url + f"voeux/ajouter?type={type_}&code={code}")
        page.get_by_role("button", name="Enregistrer").click()
    expect(main).to_contain_text("Votre barème provisionnel, vœu par vœu")
    audit.check("enseignant-bareme-provisionnel")
    page.goto(app + "mobilite/intra-2027/recapitulatif")
    expect(main).to_contain_text("Barème provisionnel de chaque vœu")
    audit.check("enseignant-recapitulatif")
    log_out(page)

    # 2. The window closes; the gestionnaire filters, opens the demande, decides.
    server.clock["now"] = APRES_SAISIE
    log_in_gestionnaire(page, server)
    page.get_by_role("link", name="Mutations").first.click()
    audit.check("gestion-mutations")
    page.get_by_role("link", name="Mouvement intra-académique 2027", exact=True).click()
    audit.check("gestion-demandes")
    page.get_by_label("Établissement ou commune d'origine").fill("Atlantide")
    page.get_by_role("button", name="Afficher").click()
    expect(main).to_contain_text("« Atlantide » n'est ni un établissement (UAI) ni une commune du référentiel")
    audit.check("gestion-demandes-erreur", 400)
    page.get_by_label("Établissement ou commune d'origine").fill("")
    page.get_by_label("Nom, NUMEN ou identifiant").fill("benali")
    page.get_by_label("État de la demande").select_option("a_verifier")
    page.get_by_role("button", name="Afficher").click()
    assert "q=benali" in page.url and "etat=a_verifier" in page.url  # the filters live in the URL
    expect(page.get_by_role("table", name=re.compile("^Demandes")).locator("tbody tr")).to_have_count(1)
    audit.check("gestion-demandes-filtrees")
    page.get_by_role("link", name="Benali Yasmina").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande de Madame Yasmina Benali")
    audit.check("gestion-demande")

    rapprochement = page.locator("#element-rapprochement_conjoints")
    rapprochement.get_by_label("Refuser").check()
    rapprochement.get_by_role("button", name=re.compile("^Enregistrer la décision")).click()
    expect(main).to_contain_text("Indiquez le motif de la décision : il est montré à l'agent.")
    audit.check("gestion-decision-erreur", 400)
    rapprochement = page.locator("#element-rapprochement_conjoints")
    rapprochement.get_by_label("Accorder").check()
    rapprochement.get_by_label(re.compile("^Motif")).fill("Livret de famille et attestation de l'employeur du conjoint")
    rapprochement.get_by_role("button", name=re.compile("^Enregistrer la décision")).click()
    expect(page.locator("#element-rapprochement_conjoints")).to_contain_text("Décision actuelle : accordé (150,2 points)")
    enfants = page.locator("#element-enfants")
    enfants.get_by_label("Refuser").check()
    enfants.get_by_label(re.compile("^Motif")).fill("Acte de naissance manquant")
    enfants.get_by_role("button", name=re.compile("^Enregistrer la décision")).click()
    expect(page.locator("#element-enfants")).to_contain_text("Décision actuelle : refusé")
    page.get_by_role("link", name="Historique", exact=True).click()
    expect(main).to_contain_text("Élément du barème examiné")
    audit.check("gestion-historique-demande")
    page.goto(app + "gestion/")
    log_out(page)

    # 3. During the phase « bareme »: the barème retenu, vœu by vœu; a correction with a PDF.
    server.clock["now"] = PENDANT_BAREME
    log_in_teacher(page, server)
    page.goto(demande_url)
    expect(main).to_contain_text("Votre barème retenu, vœu par vœu")
    assert total_of(page, 2) == "Vœu 2 (63113) : 630,2 points, élément par élément"  # 70 + 410 + 150,2
    assert total_of(page, 1) == "Vœu 1 (0630021F) : 480 points, élément par élément"  # not on an ETB vœu
    page.locator("#bareme-voeu-2 summary").click()
    expect(page.locator("#bareme-voeu-2")).to_contain_text("Refusé par le gestionnaire. Motif : Acte de naissance manquant")
    audit.check("enseignant-bareme-retenu")
    page.get_by_label("Élément du barème contesté").select_option(label="Enfant de moins de 18 ans (avec le rapprochement de conjoints)")
    page.get_by_label("Ce qui vous paraît faux, et pourquoi").fill("Ma fille a 9 ans : l'acte de naissance est joint.")
    page.get_by_label(re.compile("^Justificatif")).set_input_files(
        files=[{"name": "acte-de-naissance.pdf", "mimeType": "application/pdf", "buffer": a_pdf()}])
    page.get_by_role("button", name="Demander une correction").click()
    expect(main).to_contain_text("état : Envoyée")
    audit.check("enseignant-correction-envoyee")
    log_out(page)

    # 4. The gestionnaire accepts it; the teacher's courrier has the answer.
    log_in_gestionnaire(page, server)
    page.goto(app + "gestion/intra-2027/?corrections=en_attente")
    page.get_by_role("link", name="Benali Yasmina").click()
    correction = page.locator("[id^=correction-]").first
    correction.get_by_label("Accepter (le barème change)").check()
    correction.get_by_label(re.compile("^Réponse à l'agent")).fill("Acte de naissance reçu.")
    correction.get_by_role("button", name="Envoyer la réponse").click()
    expect(main).to_contain_text("état : Acceptée")
    page.goto(app + f"gestion/agents/{demande_agent(server, demande_id)}/historique")
    expect(main).to_contain_text("Réponse à une demande de correction")
    audit.check("gestion-historique-agent")
    log_out(page)

    # 5. After the phase: définitif.
    server.clock["now"] = APRES_BAREME
    log_in_teacher(page, server)
    page.goto(demande_url)
    expect(main).to_contain_text("Votre barème définitif, vœu par vœu")
    expect(main).to_contain_text("état : Acceptée")
    assert total_of(page, 2) == "Vœu 2 (63113) : 730,2 points, élément par élément"  # + 100 for her child
    expect(page.get_by_role("button", name="Demander une correction")).to_have_count(0)
    audit.check("enseignant-bareme-definitif")
    page.goto(app + "courrier/")
    expect(main).to_contain_text("Demande de correction du barème : acceptée")
    log_out(page)
    audit.assert_clean(tmp_path / "pages")


def demande_agent(server, demande_id: int) -> int:
    from forms_app.core.db import new_session
    from forms_app.mobilite.models import Demande

    db = new_session(server.app)
    agent_id = db.get(Demande, demande_id).agent_id
    db.close()
    return agent_id
