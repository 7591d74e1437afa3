"""SIAP and SIAE in Chromium, on a clock we move through the 2026-2027 campaigns (issue 14).

A gestionnaire opens the hors classe campaign; a chef d'établissement and an inspecteur give their avis within
the 20 % quota (the choice that would exceed it is refused, saved as you go or sent whole); the recteur gives
the appréciations; the teacher reads them in the Synthèse, prints it (the button, the print stylesheet: only
the synthèse on paper) and downloads the PDF. A rendez-vous de carrière: date, compte rendu by both
evaluators, observations accepted within the delay and refused once it is over, the appréciation finale
entered in July and notified by the app itself at the notification phase, a recours and its answer.

Every new page (evaluators', the dossier de promotion's tabs and Synthèse, tableau, gestion, rendez-vous,
« Vos perspectives », candidature, evaluators' accounts) and its error states: axe-core 0 at 1280 px and at
375 px where nothing scrolls sideways, and Nu 0 on the HTML the browser received. Screenshots in
build/screenshots/app-promo-*.png."""
from __future__ import annotations

import io
import re
from datetime import datetime

import carriere_kit as kit
import pyotp
import pytest
from playwright.sync_api import expect

from generator.model import PARIS

HC = "hors-classe-2027"
UAI = "0630021F"  # LPO Lycée des métiers La Fayette
PASSWORD = "une longue phrase pour les promotions de grade"
HEADER = ("numen;civilite;nom;prenom;date_naissance;corps;grade;echelon;echelon_depuis;discipline;position;"
          "modalite_service;affectation_uai;affectation_depuis;adresse;code_postal;commune;mail_pro;mail_perso;"
          "telephone;portable;situation_familiale;enfants")
# (numen, civilité, nom, prénom, grade, échelon, depuis): five promouvables of the hors classe in the lycée
# (one « Très satisfaisant » each for the chef and the inspecteur), two teachers due for their 2nd rendez-vous,
# one hors classe teacher for the classe exceptionnelle's candidature.
AGENTS = [
    ("11A1000001AAA", "Madame", "Arnaud", "Anne", "classe normale", 9, "01/01/2025"),
    ("11A1000002AAB", "Monsieur", "Berger", "Bruno", "classe normale", 9, "01/06/2024"),
    ("11A1000003AAC", "Madame", "Caron", "Chloé", "classe normale", 10, "01/03/2025"),
    ("11A1000004AAD", "Monsieur", "Dumas", "David", "classe normale", 11, "01/01/2022"),
    ("11A1000005AAE", "Madame", "Esnault", "Élise", "classe normale", 9, "01/05/2025"),
    ("11A1000006AAF", "Madame", "Girard", "Gaëlle", "classe normale", 8, "01/01/2026"),
    ("11A1000007AAG", "Monsieur", "Hamon", "Henri", "classe normale", 8, "01/02/2026"),
    ("11A1000008AAH", "Monsieur", "Hors", "Hugo", "hors classe", 4, "01/01/2024"),
]
STAFF = {"gestion": ("gestionnaire", "Claire", "Gestion", "", ""),
         "chef": ("chef_etablissement", "Paule", "Proviseure", UAI, ""),
         "ipr": ("inspecteur", "Ivan", "Inspecteur", "", "L1300"),
         "recteur": ("recteur", "Rémi", "Recteur", "", "")}


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


class Horloge:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def agents_csv() -> str:
    rows = [HEADER]
    for i, (numen, civ, nom, prenom, grade, echelon, depuis) in enumerate(AGENTS):
        rows.append(f"{numen};{civ};{nom};{prenom};01/0{1 + i}/197{i};professeur certifié;{grade};{echelon};{depuis};"
                    f"L1300;en activité;temps complet;{UAI};01/09/2015;1 rue de l'École;63000;Clermont-Ferrand;"
                    f"{prenom.lower()}.{nom.lower()}@ac-montferrand.example;;;;Célibataire;0")
    return "\n".join(rows) + "\n"


@pytest.fixture
def monde(built_site, tmp_path):
    """The app on a clock we move, échéances looked for on requests every second; teachers and staff."""
    from sqlalchemy import select

    from forms_app.comptes.models import Account
    from forms_app.core.db import new_session, write_transaction
    from forms_app.evaluateurs.models import Perimetre

    url, accounts = kit.make_app_world(tmp_path, agents_csv())
    horloge = Horloge(paris(2027, 1, 20, 10, 0))
    app, wsgi = kit.combined_app(built_site[1], url, CLOCK=horloge, ECHEANCES_INTERVALLE=1)
    server = kit.LiveServer(wsgi)
    hasher = app.extensions["carriere_hasher"]
    secrets = {}
    db = new_session(app)
    with write_transaction(db):
        for identifiant, _numen in accounts.values():
            account = db.scalar(select(Account).where(Account.identifiant == identifiant))
            account.password_hash, account.must_change_password = hasher.hash(PASSWORD), False
        for key, (role, prenom, nom, uai, discipline) in STAFF.items():
            secrets[key] = pyotp.random_base32()
            account = Account(identifiant=key, role=role, agent_id=None, display_name=f"{prenom} {nom}",
                              password_hash=hasher.hash(PASSWORD), must_change_password=False,
                              totp_secret=secrets[key], totp_enabled=True, created_at=horloge())
            db.add(account)
            db.flush()
            if role != "gestionnaire":
                db.add(Perimetre(account_id=account.id, uai=uai, discipline=discipline, appreciation_recteur=False))
    db.close()
    yield {"server": server, "app": app, "horloge": horloge, "accounts": accounts, "secrets": secrets}
    server.stop()
    app.extensions["carriere_db"]["engine"].dispose()


def connecter(context, monde, identifiant: str, secret: str | None = None):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(monde["server"].url + "app/connexion")
    page.get_by_label("Compte utilisateur").fill(identifiant)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Valider").click()
    if secret is not None:
        page.get_by_label(re.compile("^Code")).fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("button", name="Quitter")).to_be_visible()
    return page


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_promotion_and_rendez_vous_journey(browser, browser_context_args, monde, tmp_path):
    app_url = monde["server"].url + "app/"
    horloge = monde["horloge"]
    pages: list = []
    contexts: list = []

    def session(identifiant, secret=None):
        contexts.append(browser.new_context(**browser_context_args))
        page = connecter(contexts[-1], monde, identifiant, secret)
        pages.append(kit.BothWidths(page))
        return page, pages[-1]

    try:
        journey(monde, session, app_url, horloge)
    finally:
        for context in contexts:
            context.close()
    problems = [p for audit in pages for p in audit.problems]
    kit.save_pages([page for audit in pages for page in audit.html], tmp_path / "pages")
    problems += [f"Nu, {line}" for line in kit.nu_errors(tmp_path / "pages")]
    assert sum(len(audit.html) for audit in pages) == 48  # every page checked, at both widths
    assert not problems, f"{len(problems)} problème(s) :\n" + "\n".join(problems)


def journey(monde, session, app_url, horloge):
    """The journey itself; each page it checks lands in its session's audit."""

    def at(*moment):
        horloge.moment = paris(*moment)


    teacher_id = monde["accounts"]["Anne Arnaud"][0]
    anne, a_audit = session(teacher_id)
    gestion, g_audit = session("gestion", monde["secrets"]["gestion"])
    main = lambda page: page.get_by_role("main")  # noqa: E731

    # --- January: the dossier phase; the gestionnaire opens the campaign -----------------------
    anne.get_by_role("link", name="Promotions").first.click()
    expect(main(anne)).to_contain_text("Promouvable\u00a0: 9e échelon depuis le 1er janvier 2025")
    a_audit.check("promo-accueil-enseignant")
    anne.get_by_role("region", name="Avancement à la hors classe 2027").get_by_role(
        "link", name="Consulter votre dossier de promotion").click()
    a_audit.check("promo-dossier-situation")
    for onglet, nom in (("affectations", "Affectations"), ("qualifications", "Qualifications et compétences"),
                        ("activites", "Activités professionnelles"), ("fonctions", "Fonctions et missions"),
                        ("distinctions", "Distinctions honorifiques"), ("synthese", "Synthèse")):
        anne.get_by_role("navigation", name="Rubriques du dossier de promotion").get_by_role("link", name=nom).click()
        expect(anne.get_by_role("heading", level=2, name=nom)).to_be_visible()
        a_audit.check(f"promo-dossier-{onglet}")
    expect(main(anne)).to_contain_text("Les avis et l'appréciation seront consultables à partir du 06/04/2027")

    gestion.get_by_role("link", name="Promotions").first.click()
    g_audit.check("promo-accueil-gestionnaire")
    gestion.get_by_role("link", name=re.compile("Comptes des évaluateurs")).click()
    g_audit.check("promo-evaluateurs")
    gestion.get_by_label("Profil").select_option("inspecteur")
    gestion.get_by_label("Prénom").fill("Inès")
    gestion.get_by_label("Nom", exact=True).fill("Circo")
    gestion.get_by_role("textbox", name=re.compile("^Circonscription")).fill("063-NULLE-PART")
    gestion.get_by_role("button", name="Créer le compte").click()
    expect(main(gestion)).to_contain_text("Circonscription inconnue")
    g_audit.check("promo-evaluateurs-erreur", 400)
    gestion.get_by_role("textbox", name=re.compile("^Circonscription")).fill("063-RIOM")
    gestion.get_by_role("button", name="Créer le compte").click()
    expect(main(gestion)).to_contain_text("Circonscription de Riom (063-RIOM, premier degré)")
    g_audit.check("promo-evaluateurs-cree")
    gestion.goto(app_url + "promotions/")
    gestion.get_by_role("region", name="Avancement à la hors classe 2027").get_by_role(
        "link", name=re.compile("Gérer la campagne")).click()
    g_audit.check("promo-gestion-avant")
    gestion.get_by_role("button", name=re.compile("Ouvrir la campagne")).click()
    expect(gestion.get_by_role("status")).to_contain_text("Liste des promouvables établie\u00a0: 5 promouvables")
    g_audit.check("promo-gestion")

    # The classe exceptionnelle's candidature (premier vivier), with its error state.
    hugo, h_audit = session(monde["accounts"]["Hugo Hors"][0])
    hugo.goto(app_url + "promotions/classe-exceptionnelle-2027/candidature")
    h_audit.check("promo-candidature")
    hugo.get_by_label("Nombre d'années d'exercice").fill("5")
    hugo.get_by_role("button", name="Enregistrer ma candidature").click()
    expect(main(hugo)).to_contain_text("Cochez au moins une des fonctions exercées.")
    h_audit.check("promo-candidature-erreur", 400)
    hugo.get_by_label("Conseiller pédagogique ou formateur académique").check()
    hugo.get_by_label("Nombre d'années d'exercice").fill("9")
    hugo.get_by_label(re.compile("^Justificatifs")).set_input_files(
        [{"name": "arrete.pdf", "mimeType": "application/pdf", "buffer": a_pdf()}])
    hugo.get_by_role("button", name="Enregistrer ma candidature").click()
    expect(main(hugo)).to_contain_text("Candidature enregistrée le")
    h_audit.check("promo-candidature-enregistree")

    # --- February: the avis, within the quotas ------------------------------------------------
    at(2027, 2, 15, 10, 0)
    chef, c_audit = session("chef", monde["secrets"]["chef"])
    chef.get_by_role("link", name="Promotions").first.click()
    c_audit.check("promo-accueil-chef")
    chef.get_by_role("region", name="Avancement à la hors classe 2027").get_by_role("link", name="Saisir les avis").click()
    quota = chef.locator("[data-quota='tres_satisfaisant']")
    expect(quota).to_contain_text("0 sur 1 au plus")
    c_audit.check("promo-avis")
    status = chef.locator(".save-status")
    chef.get_by_label("Avis pour David Dumas").select_option("tres_satisfaisant")
    expect(status).to_have_text("Avis enregistré.")
    expect(quota).to_contain_text("1 sur 1 au plus")
    chef.get_by_label("Avis pour Chloé Caron").select_option("tres_satisfaisant")  # saved as you go: refused
    expect(status).to_contain_text("Quota atteint pour «\u00a0Très satisfaisant\u00a0»\u00a0: 1 au plus sur 5")
    expect(chef.get_by_label("Avis pour Chloé Caron")).to_have_value("")
    expect(chef.get_by_label("Avis pour Chloé Caron")).to_have_attribute("aria-invalid", "true")
    chef.get_by_label("Avis pour Chloé Caron").select_option("satisfaisant")
    expect(status).to_have_text("Avis enregistré.")
    # The whole form sent at once (as without JavaScript): the quota breaks, nothing of it is saved.
    chef.evaluate("""() => {
        for (const s of document.querySelectorAll("select[id^='avis-']")) { s.value = "tres_satisfaisant"; }
    }""")
    chef.get_by_role("button", name="Enregistrer les avis").click()
    expect(main(chef)).to_contain_text("Rien n'a été enregistré.")
    c_audit.check("promo-avis-quota-refuse", 409)
    chef.goto(app_url + f"promotions/{HC}/avis")
    expect(chef.get_by_label("Avis pour David Dumas")).to_have_value("tres_satisfaisant")
    expect(chef.get_by_label("Avis pour Chloé Caron")).to_have_value("satisfaisant")
    for nom in ("Anne Arnaud", "Bruno Berger", "Élise Esnault"):
        chef.get_by_label(f"Avis pour {nom}").select_option("satisfaisant")
        expect(status).to_have_text("Avis enregistré.")
    chef.get_by_role("link", name="Arnaud Anne").click()
    expect(chef.get_by_role("heading", level=1)).to_contain_text("Dossier de promotion de Madame Anne Arnaud")
    c_audit.check("promo-dossier-agent")
    chef.get_by_role("link", name="Synthèse", exact=True).click()
    c_audit.check("promo-dossier-agent-synthese")

    ipr, i_audit = session("ipr", monde["secrets"]["ipr"])
    ipr.goto(app_url + f"promotions/{HC}/avis")
    expect(main(ipr)).to_contain_text("Avis de l'inspecteur")
    ipr.get_by_label("Avis pour Anne Arnaud").select_option("tres_satisfaisant")
    expect(ipr.locator(".save-status")).to_have_text("Avis enregistré.")
    ipr.get_by_label("Avis pour Bruno Berger").select_option("tres_satisfaisant")
    expect(ipr.locator(".save-status")).to_contain_text("Quota atteint")
    i_audit.check("promo-avis-inspecteur")

    # The rendez-vous de carrière: the inspecteur fixes the dates (15 days' notice at least).
    ipr.goto(app_url + "rendez-vous/")
    expect(main(ipr)).to_contain_text("2 agents dans votre périmètre")
    i_audit.check("promo-rdv-liste")
    for nom in ("Girard Gaëlle", "Hamon Henri"):
        ipr.goto(app_url + "rendez-vous/")
        ipr.get_by_role("link", name=nom).click()
        ipr.get_by_label("Date (JJ/MM/AAAA)").fill("20/02/2027")
        ipr.get_by_label("Heure (HH:MM)").fill("10:00")
        ipr.get_by_label("Lieu").fill("Lycée La Fayette, salle 12")
        ipr.get_by_role("button", name="Fixer et notifier la date").click()
        if nom.startswith("Girard"):
            expect(main(ipr)).to_contain_text("au moins 15\u00a0jours avant\u00a0: choisissez le 02/03/2027")
            i_audit.check("promo-rdv-date-refusee", 400)
        ipr.get_by_label("Date (JJ/MM/AAAA)").fill("05/03/2027")
        ipr.get_by_role("button", name="Fixer et notifier la date").click()
        expect(ipr.get_by_role("status")).to_contain_text("Date et lieu notifiés")
    i_audit.check("promo-rdv-planifie")

    # --- March: compte rendu (both evaluators), notified; the recteur's appréciations ---------
    at(2027, 3, 10, 10, 0)
    girard_url = hamon_url = ""
    for nom in ("Girard Gaëlle", "Hamon Henri"):
        ipr.goto(app_url + "rendez-vous/")
        ipr.get_by_role("link", name=nom).click()
        if nom.startswith("Girard"):
            girard_url = ipr.url
        else:
            hamon_url = ipr.url
        for select in ipr.get_by_role("table", name="Grille d'évaluation").get_by_role("combobox").all():
            select.select_option("tres_satisfaisant")
        ipr.get_by_label("Votre appréciation littérale").fill("Une séance maîtrisée, des élèves engagés.")
        ipr.get_by_role("button", name="Enregistrer le compte rendu").click()
        expect(ipr.get_by_role("status")).to_contain_text("Compte rendu enregistré.")
        if nom.startswith("Girard"):
            i_audit.check("promo-rdv-compte-rendu")
        chef.goto(ipr.url)
        chef.get_by_label("Votre appréciation littérale").fill("Collègue investie dans la vie du lycée.")
        chef.get_by_role("button", name="Enregistrer le compte rendu").click()
        expect(chef.get_by_role("status")).to_contain_text("Compte rendu enregistré.")
        ipr.reload()
        ipr.get_by_role("button", name="Notifier le compte rendu à l'agent").click()
        expect(ipr.get_by_role("status")).to_contain_text("Compte rendu notifié à l'agent.")
    c_audit.check("promo-rdv-staff-chef")

    recteur, r_audit = session("recteur", monde["secrets"]["recteur"])
    recteur.goto(app_url + f"promotions/{HC}/appreciations")
    r_audit.check("promo-appreciations")
    rstatus = recteur.locator(".save-status")
    recteur.get_by_label("Appréciation pour Anne Arnaud").select_option("excellent")  # 0 « Excellent » out of 3
    expect(rstatus).to_contain_text("Quota atteint pour «\u00a0Excellent\u00a0»\u00a0: 0 au plus sur 3")
    for nom, valeur in (("Anne Arnaud", "tres_satisfaisant"), ("Bruno Berger", "satisfaisant"),
                        ("Élise Esnault", "satisfaisant"), ("Chloé Caron", "satisfaisant"),
                        ("David Dumas", "satisfaisant")):
        recteur.get_by_label(f"Appréciation pour {nom}").select_option(valeur)
        expect(rstatus).to_have_text("Appréciation enregistrée.")
    recteur.reload()
    r_audit.check("promo-appreciations-saisies")

    # Observations: Gaëlle Girard within the delay; Henri Hamon opens the form on the last evening and sends
    # it after midnight: refused.
    girard, gi_audit = session(monde["accounts"]["Gaëlle Girard"][0])
    girard.get_by_role("link", name="Promotions").first.click()
    girard.goto(app_url + "rendez-vous/")
    expect(main(girard)).to_contain_text("Une séance maîtrisée, des élèves engagés.")
    gi_audit.check("promo-rdv-agent-compte-rendu")
    girard.get_by_label("Observations sur le compte rendu").fill("Je remercie les évaluateurs ; je précise "
                                                                  "que la classe était en demi-groupe.")
    girard.get_by_role("button", name="Transmettre mes observations").click()
    expect(girard.get_by_role("status")).to_contain_text("Observations transmises au service de gestion.")
    gi_audit.check("promo-rdv-agent-observations")
    at(2027, 3, 31, 23, 50)
    hamon, ha_audit = session(monde["accounts"]["Henri Hamon"][0])
    hamon.goto(app_url + "rendez-vous/")
    expect(main(hamon)).to_contain_text("Jusqu'au 01/04/2027 à 00:00 (exclu)")
    hamon.get_by_label("Observations sur le compte rendu").fill("Observations envoyées trop tard.")
    at(2027, 4, 1, 0, 0)
    hamon.get_by_role("button", name="Transmettre mes observations").click()
    expect(main(hamon)).to_contain_text("Le délai pour formuler des observations est écoulé depuis le jeudi "
                                        "1er avril 2027 à 0\u00a0h\u00a000\u00a0: rien n'a été enregistré.")
    ha_audit.check("promo-rdv-observations-refusees", 409)
    hamon.goto(app_url + "rendez-vous/")
    expect(main(hamon)).to_contain_text("Le délai pour formuler des observations s'est terminé le 01/04/2027")

    # --- April: the teacher reads the avis in the Synthèse, prints it, downloads the PDF -------
    at(2027, 4, 10, 10, 0)
    anne.goto(app_url + f"promotions/{HC}/dossier/qualifications")
    expect(main(anne)).to_contain_text("Dossier arrêté le 08/02/2027 à 12:00, à la fin de sa mise à jour")
    a_audit.check("promo-dossier-arrete")
    anne.goto(app_url + "rendez-vous/")
    expect(main(anne)).to_contain_text("Vous n'avez pas de rendez-vous de carrière cette année scolaire")
    a_audit.check("promo-rdv-aucun")
    chef.goto(app_url + f"promotions/{HC}/avis")
    expect(chef.get_by_label("Avis pour David Dumas")).to_be_disabled()
    c_audit.check("promo-avis-close")
    anne.goto(app_url + f"promotions/{HC}/dossier/synthese")
    synthese = anne.locator("dl.synthese-avis")
    expect(synthese).to_contain_text("Avis du chef d'établissement Satisfaisant", use_inner_text=True)
    expect(synthese).to_contain_text("Avis de l'inspecteur Très satisfaisant", use_inner_text=True)
    expect(synthese).to_contain_text("Appréciation du recteur Très satisfaisant", use_inner_text=True)
    a_audit.check("promo-synthese")
    with anne.expect_download() as download:
        anne.get_by_role("link", name="Télécharger la synthèse (PDF)").click()
    from pypdf import PdfReader
    pdf = PdfReader(download.value.path())
    text = flat(pdf.pages[0].extract_text())
    assert "Dossier de promotion de grade de Anne Arnaud" in text
    assert "Avis de l'inspecteur Très satisfaisant" in text and "Appréciation du recteur Très satisfaisant" in text
    anne.get_by_role("link", name="Imprimer").click()
    expect(anne.get_by_role("heading", level=1)).to_have_text("Avancement à la hors classe 2027 : synthèse")
    a_audit.check("promo-synthese-imprimer")
    anne.evaluate("() => { window.__imprime = 0; window.print = () => { window.__imprime += 1; }; }")
    anne.get_by_role("button", name="Imprimer").click()
    assert anne.evaluate("() => window.__imprime") == 1
    anne.emulate_media(media="print")
    expect(anne.get_by_role("button", name="Imprimer")).to_be_hidden()
    expect(anne.locator(".site-header")).to_be_hidden()
    expect(anne.get_by_role("link", name="Télécharger la synthèse (PDF)")).to_be_hidden()
    expect(anne.locator("dl.synthese-avis")).to_be_visible()
    kit.screenshot(anne, "app-promo-synthese-impression")
    printed = PdfReader(io.BytesIO(anne.pdf(format="A4")))
    paper = flat(" ".join(p.extract_text() for p in printed.pages))
    assert len(printed.pages) == 1, paper
    assert "Appréciation du recteur" in paper and "Très satisfaisant" in paper
    for absent in ("Vos perspectives", "Quitter", "Télécharger la synthèse", "Retour au dossier", "Plan du site"):
        assert absent not in paper, absent
    anne.emulate_media(media="screen")

    # --- June: the tableau d'avancement and its publication ------------------------------------
    at(2027, 6, 20, 10, 0)
    gestion.goto(app_url + f"promotions/{HC}/gestion")
    gestion.get_by_role("link", name="Consulter le tableau d'avancement").click()
    rows = gestion.get_by_role("table", name="Classement").get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Dumas David")  # 11+4 (110) + Satisfaisant (105): the one promotion
    expect(rows.nth(1)).to_contain_text("Promu")
    expect(rows.nth(3)).to_contain_text("Arnaud Anne")  # 9+2 (0) + Très satisfaisant (125), after Caron (145)
    g_audit.check("promo-tableau")
    gestion.goto(app_url + f"promotions/{HC}/gestion")
    gestion.get_by_role("button", name="Publier les résultats dans le courrier").click()
    expect(gestion.get_by_role("status")).to_contain_text("Résultats publiés\u00a0: 5 messages envoyés")
    g_audit.check("promo-gestion-publiee")

    # --- July: the appréciation finale, entered, kept for the notification phase ---------------
    at(2027, 7, 5, 10, 0)
    recteur.goto(girard_url)
    recteur.get_by_label("Appréciation finale").select_option("tres_satisfaisant")
    recteur.get_by_role("button", name="Enregistrer l'appréciation finale").click()
    expect(recteur.get_by_role("status")).to_contain_text("elle sera notifiée à l'agent le mercredi 1er septembre "
                                                          "2027 à 8\u00a0h\u00a000")
    r_audit.check("promo-rdv-appreciation-enregistree")
    girard.goto(app_url + "rendez-vous/")
    expect(main(girard)).not_to_contain_text("Appréciation finale du recteur")

    # --- September: the app notifies it by itself; a recours, and its answer ------------------
    at(2027, 9, 1, 8, 0, 30)
    girard.goto(app_url + "rendez-vous/")  # a request: the due échéance starts in the background
    for _ in range(40):
        if "Appréciation finale du recteur" in girard.get_by_role("main").inner_text():
            break
        girard.wait_for_timeout(250)
        girard.reload()
    expect(main(girard)).to_contain_text("Très satisfaisant (notifiée le 01/09/2027 à 08:00")
    gi_audit.check("promo-rdv-agent-appreciation")
    girard.get_by_label("Recours gracieux auprès du recteur").fill("Je demande la révision de l'appréciation "
                                                                     "au vu de mon investissement.")
    girard.get_by_role("button", name="Transmettre mon recours").click()
    expect(girard.get_by_role("status")).to_contain_text("Recours transmis")
    expect(main(girard)).to_contain_text("le silence vaut refus")
    gi_audit.check("promo-rdv-agent-recours")
    recteur.goto(girard_url)
    expect(main(recteur)).to_contain_text("À répondre avant le 02/10/2027 à 00:00 (exclu)")
    recteur.get_by_role("button", name="Envoyer la réponse").click()
    expect(main(recteur)).to_contain_text("Choisissez la décision")
    r_audit.check("promo-rdv-recours-erreur", 400)
    recteur.get_by_label("Appréciation maintenue").check()
    recteur.get_by_label("Réponse à l'agent").fill("Après réexamen du compte rendu, l'appréciation est maintenue.")
    recteur.get_by_role("button", name="Envoyer la réponse").click()
    expect(recteur.get_by_role("status")).to_contain_text("Réponse au recours envoyée")
    r_audit.check("promo-rdv-staff-recours-repondu")
    girard.goto(app_url + "rendez-vous/")
    expect(main(girard)).to_contain_text("appréciation maintenue")
    expect(main(girard)).to_contain_text("Vous pouvez saisir la commission administrative paritaire (CAP) jusqu'au")
    gi_audit.check("promo-rdv-agent-reponse")
    girard.goto(app_url + "courrier/")
    expect(main(girard)).to_contain_text("Réponse à votre recours sur l'appréciation finale")

    # « Vos perspectives »: the timeline picture and the same facts in text.
    for who, audit in ((girard, gi_audit), (anne, a_audit)):
        who.get_by_role("link", name="Vos perspectives").click()
        who.wait_for_load_state()  # the stylesheet applied: one of the two timelines (wide, narrow) is shown
        timeline = who.get_by_role("img", name="Frise de vos perspectives de carrière")
        expect(timeline).to_be_visible()
        expect(main(who).get_by_role("heading", name="En bref")).to_be_visible()
        audit.check("promo-perspectives" if who is anne else "promo-perspectives-rdv")


def a_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
