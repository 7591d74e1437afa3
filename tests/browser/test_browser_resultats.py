"""From the close of the saisie to the result, in Chromium: the confirmation PDF arrives in the courrier
(opened: pdftoppm → PNG), the signed confirmation is uploaded, the gestionnaire sees it returned, another
teacher's demande is cancelled at the deadline, results are imported and published, the teacher reads her
result; the e-mails reached a real SMTP server and the SMS file holds the SMS. New pages: axe-core 0 at
1280 px and 375 px (nothing scrolls sideways) and Nu 0."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta

import carriere_kit as kit
import pyotp
import pytest
from playwright.sync_api import expect

from generator.model import PARIS

sys.path.insert(0, str(kit.ROOT / "tests" / "app"))
from serveurs_locaux import SmtpLocal  # noqa: E402

SAISIE_FIN = datetime(2026, 12, 9, 12, 0, tzinfo=PARIS)
RETOUR_FIN = datetime(2026, 12, 17, 12, 0, tzinfo=PARIS)
RESULTATS = datetime(2027, 3, 3, 12, 0, tzinfo=PARIS)
PASSWORD = "une phrase de passe pour le parcours des résultats"
JEANNE, LOIC = "Jeanne Martin", "Loïc Le Goff"


class Horloge:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


DeuxLargeurs = kit.BothWidths


@pytest.fixture
def monde(built_site, tmp_path):
    """Two teachers of inter-2027 with a demande each, the app on a clock we move, notices to 127.0.0.1."""
    smtp = SmtpLocal()
    url, accounts = kit.make_app_world(tmp_path, kit.demo_agents(JEANNE, LOIC))
    horloge = Horloge(SAISIE_FIN - timedelta(hours=1))
    app, wsgi = kit.combined_app(built_site[1], url, CLOCK=horloge, ECHEANCES_INTERVALLE=1,
                                 AVIS_SMTP_HOST="127.0.0.1", AVIS_SMTP_PORT=smtp.port, AVIS_SMTP_TLS="aucun",
                                 AVIS_FILE=str(tmp_path / "file.db"), AVIS_DOSSIER=str(tmp_path / "instance"),
                                 AVIS_SMS="fichier", APP_URL="http://127.0.0.1/app")
    server = kit.LiveServer(wsgi)
    from sqlalchemy import select

    from forms_app.comptes.models import Account
    from forms_app.core.db import new_session, write_transaction
    from forms_app.dossier.models import Agent
    from forms_app.mobilite.models import Demande, Voeu

    hasher = app.extensions["carriere_hasher"]
    demandes = {}
    db = new_session(app)
    with write_transaction(db):
        for name, voeux in ((JEANNE, [("10", "Lyon"), ("02", "Aix-Marseille")]), (LOIC, [("01", "Paris")])):
            account = db.scalar(select(Account).where(Account.identifiant == accounts[name][0]))
            account.password_hash, account.must_change_password = hasher.hash(PASSWORD), False
            agent = db.get(Agent, account.agent_id)
            agent.mail_pro = f"{account.identifiant}@ac-montferrand.example"
            agent.portable = "06 12 34 56 78" if name == JEANNE else ""
            moment = SAISIE_FIN - timedelta(days=5)
            demande = Demande(agent_id=agent.id, campagne="inter-2027", mouvement="GEN", discipline="",
                              preference="", voeux_version=len(voeux), created_at=moment, updated_at=moment)
            db.add(demande)
            db.flush()
            for rank, (code, libelle) in enumerate(voeux, 1):
                db.add(Voeu(demande_id=demande.id, rank=rank, type="ACA", code=code, libelle=libelle, poste="",
                            created_at=moment))
            demandes[name] = (demande.id, agent.numen, account.identifiant)
    db.close()
    yield {"app": app, "url": server.url, "horloge": horloge, "smtp": smtp, "demandes": demandes,
           "sms": tmp_path / "instance" / "sms" / "sms.txt"}
    server.stop()
    smtp.stop()
    app.extensions["carriere_db"]["engine"].dispose()


def laisser_faire(monde, page, moment):
    """Move the clock, load a page: the app notices the due échéance and does it in the background."""
    monde["horloge"].moment = moment
    veille = monde["app"].extensions["carriere_echeances"]
    veille.next_look = 0
    page.goto(monde["url"] + "app/connexion")
    assert veille.thread is not None
    veille.thread.join(timeout=120)
    assert not veille.thread.is_alive() and veille.last_error is None


def connecter(page, monde, identifiant, password=PASSWORD):
    page.goto(monde["url"] + "app/connexion")
    page.get_by_label("Compte utilisateur").fill(identifiant)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Valider").click()


def deconnecter(page):
    page.get_by_role("button", name="Quitter").click()


def test_from_the_close_of_the_saisie_to_the_result(page, browser, browser_context_args, monde, tmp_path):
    app_url = monde["url"] + "app/"
    audit = DeuxLargeurs(page)
    main = page.get_by_role("main")
    gpage = browser.new_context(**browser_context_args).new_page()  # the gestionnaire's own browser
    gpage.set_default_timeout(10_000)
    gaudit = DeuxLargeurs(gpage)
    gmain = gpage.get_by_role("main")
    jeanne_demande, _jeanne_numen, jeanne_id = monde["demandes"][JEANNE]
    loic_demande, _loic_numen, loic_id = monde["demandes"][LOIC]

    # 1. The saisie closes: the app sends the confirmations by itself.
    laisser_faire(monde, page, SAISIE_FIN)
    connecter(page, monde, jeanne_id)
    page.goto(app_url + "courrier/")
    page.get_by_role("link", name=re.compile("Confirmation de demande — Mouvement inter-académique 2027")).click()
    expect(main).to_contain_text("Retournez chaque confirmation signée avant le jeudi 17 décembre 2026")
    audit.check("courrier-confirmation")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(rf"confirmation-demande-{jeanne_demande}\.pdf")).click()
    pdf = tmp_path / "confirmation.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm absent : lancez `make test-deps` (paquet Debian poppler-utils)"
    kit.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                    str(kit.SCREENSHOTS / "confirmation-pdf")], check=True, timeout=60)
    assert list(kit.SCREENSHOTS.glob("confirmation-pdf*.png"))

    # 2. She opens her demande, then the confirmation, and returns it signed.
    page.goto(app_url + f"mobilite/demandes/{jeanne_demande}/")
    expect(main).to_contain_text("En attente de retour")
    page.get_by_role("link", name="Ouvrir la confirmation de demande").click()
    audit.check("confirmation-a-retourner")
    page.get_by_role("link", name="Afficher la confirmation pour l'imprimer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmation de demande")
    audit.check("confirmation-document")
    page.go_back()
    page.get_by_role("button", name="Retourner la confirmation").click()
    expect(main).to_contain_text("Joignez la confirmation signée, au format PDF.")
    audit.check("confirmation-erreur", 400)
    page.get_by_label("Confirmation signée (PDF)").set_input_files(str(pdf))
    page.get_by_label(re.compile("^Corrections")).fill("Mon conjoint travaille à Lyon depuis septembre.")
    page.get_by_role("button", name="Retourner la confirmation").click()
    expect(main).to_contain_text("retournée le 09/12/2026 à 12:00")
    audit.check("confirmation-retournee")
    audit.goto(app_url + "compte", "compte-avis")
    deconnecter(page)

    # 3. The gestionnaire sees it returned, and Loïc's not returned.
    from forms_app.demo import DEMO_GESTIONNAIRE, DEMO_GESTIONNAIRE_PASSWORD, _ensure_gestionnaire

    secret, _created = _ensure_gestionnaire(monde["app"])
    connecter(gpage, monde, DEMO_GESTIONNAIRE, DEMO_GESTIONNAIRE_PASSWORD)
    gpage.get_by_label(re.compile("^Code")).fill(pyotp.TOTP(secret).now())
    gpage.get_by_role("button", name=re.compile("Valider|Confirmer")).click()
    gpage.goto(app_url + "gestion/")
    expect(gmain).to_contain_text("Confirmations : 1 retournée, 1 non retournée")
    gaudit.check("bureau-mutations")
    gpage.get_by_role("link", name="Suivi des confirmations : Mouvement inter-académique 2027").click()
    expect(gpage.get_by_role("row").filter(has_text="Martin")).to_contain_text("Retournée")
    expect(gpage.get_by_role("row").filter(has_text="Le Goff")).to_contain_text("En attente de retour")
    gaudit.check("suivi-confirmations")
    gpage.get_by_role("link", name="Non retournées").click()
    expect(gmain).not_to_contain_text("Martin")
    gaudit.check("suivi-non-retournees")
    gpage.get_by_role("link", name=f"Demande n° {loic_demande}").click()
    expect(gmain).to_contain_text("En attente de retour")
    gaudit.check("confirmation-gestionnaire")
    gpage.goto(app_url + f"gestion/demandes/{loic_demande}/")  # the desk's page of the demande
    expect(gpage.locator("#confirmation")).to_have_text("Confirmation de demande")
    gaudit.check("bureau-demande")
    gpage.get_by_role("button", name="Marquer reçue par courrier postal").click()
    expect(gmain).to_contain_text("reçue par courrier postal")
    gaudit.check("bureau-demande-papier")
    from sqlalchemy import update

    from forms_app.confirmations.models import ConfirmationDemande
    from forms_app.core.db import new_session

    db = new_session(monde["app"])  # put it back: Loïc's demande is the one the deadline cancels below
    with db.begin():
        db.execute(update(ConfirmationDemande).where(ConfirmationDemande.demande_id == loic_demande)
                   .values(etat="attente", retournee_at=None, retour_mode="", recue_par=None))
    db.close()

    # 4. The deadline passes: Loïc's demande is cancelled, with a message.
    laisser_faire(monde, page, RETOUR_FIN)
    connecter(page, monde, loic_id)
    page.goto(app_url + f"mobilite/demandes/{loic_demande}/")
    expect(main).to_contain_text("cette demande est annulée depuis le 17/12/2026 à 12:00")
    page.goto(app_url + "courrier/")
    page.get_by_role("link", name=re.compile("Demande annulée — Mouvement inter-académique 2027")).click()
    expect(main).to_contain_text("une confirmation de demande non retournée annule la demande")
    audit.check("courrier-annulation")
    deconnecter(page)

    # 5. Results imported (an error first, then the right file) and published.
    monde["horloge"].moment = RESULTATS - timedelta(days=1)
    gpage.goto(app_url + "gestion/")
    gpage.get_by_role("link", name="Résultats : Mouvement inter-académique 2027").click()
    gaudit.check("resultats")
    entete = "numen;demande;resultat;voeu;uai;libelle\n"
    jeanne_numen, loic_numen = monde["demandes"][JEANNE][1], monde["demandes"][LOIC][1]
    faux = entete + f"{jeanne_numen};{jeanne_demande};satisfait;5;;\n"
    gpage.get_by_label("Fichier des résultats").set_input_files(
        files=[{"name": "resultats.csv", "mimeType": "text/csv", "buffer": faux.encode()}])
    gpage.get_by_role("button", name="Importer").click()
    expect(gmain).to_contain_text("resultats.csv:2: « satisfait » demande le numéro du vœu obtenu")
    gaudit.check("resultats-erreur", 400)
    bon = entete + f"{jeanne_numen};{jeanne_demande};satisfait;2;;\n{loic_numen};{loic_demande};non satisfait;;;\n"
    gpage.get_by_label("Fichier des résultats").set_input_files(
        files=[{"name": "resultats.csv", "mimeType": "text/csv", "buffer": bon.encode()}])
    gpage.get_by_role("button", name="Importer").click()
    expect(gmain).to_contain_text("2 résultat(s) ajouté(s)")
    gaudit.check("resultats-importes")
    gpage.get_by_role("button", name="Publier 2 résultats").click()
    expect(gmain).to_contain_text("2 résultat(s) publié(s)")

    # 6. Jeanne reads her result in the courrier and on her demande.
    connecter(page, monde, jeanne_id)
    page.goto(app_url + "courrier/")
    page.get_by_role("link", name=re.compile("Résultat de votre demande — Mouvement inter-académique 2027")).click()
    expect(main).to_contain_text("Le résultat de votre demande vous est communiqué dans votre courrier.")
    expect(main).to_contain_text("satisfaite sur le vœu n°\u00a02\u00a0: Aix-Marseille")
    audit.check("courrier-resultat")
    page.goto(app_url + f"mobilite/demandes/{jeanne_demande}/")
    expect(main).to_contain_text("satisfaite sur le vœu n°\u00a02\u00a0: Aix-Marseille")
    audit.check("demande-resultat")

    # 7. The worker sends the notices: e-mails to the SMTP server, the SMS to its file.
    from forms_app.avis.worker import livrer

    bilan = livrer(monde["app"])
    assert bilan.abandonnes == 0 and bilan.reportes == 0
    recus = monde["smtp"].boite.messages
    to_jeanne = [m for m in recus if m["to"] == [f"{jeanne_id}@ac-montferrand.example"]]
    to_loic = [m for m in recus if m["to"] == [f"{loic_id}@ac-montferrand.example"]]
    assert len(to_jeanne) == 2 and len(to_loic) == 3  # confirmation, result; confirmation, cancellation, result
    assert all("Un nouveau message vous attend dans votre courrier" == m["subject"] for m in recus)
    assert all("http://127.0.0.1/app/courrier/" in m["body"] and "Aix-Marseille" not in m["body"] for m in recus)
    sms = monde["sms"].read_text(encoding="utf-8")
    assert "à 06 12 34 56 78 : Mouvement inter-académique 2027 : demande satisfaite (vœu n° 2)" in sms
    assert sms.count("\n") == 1
    assert livrer(monde["app"]).envoyes == 0

    audit.assert_clean(tmp_path / "pages")
    gaudit.assert_clean(tmp_path / "pages-gestion")
    gpage.context.close()
