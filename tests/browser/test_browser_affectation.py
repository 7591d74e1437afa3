"""Issue 13's journey in Chromium, on intra-2027: a teacher enters her vœux and reads last years' barres
next to her barème on each; after the saisie, the gestionnaire simulates the mouvement (the page follows the
run without reloading by hand), reads the figures of both algorithms, an agent's explanation and the barres,
simulates again, compares, and validates into the results. Every new page: axe-core at 1280 px and 375 px
(nothing scrolls sideways), and the Nu validator in one batch at the end."""
import re
import threading
import time
from datetime import date, datetime

import carriere_kit as kit
import pyotp
import pytest
from playwright.sync_api import expect

from generator.model import PARIS

TEACHER = "Manon Perrin"  # mathématiques, Lycée 0152988S (Cantal)
OTHERS = ("Jean Dupont", "Rémi Pascal")  # mathématiques too: the simulation's other candidates
PASSWORD = "les barres de l'an passé ne disent pas tout"
PENDANT_SAISIE = datetime(2027, 3, 20, 10, 0, tzinfo=PARIS)
APRES_SAISIE = datetime(2027, 4, 20, 10, 0, tzinfo=PARIS)


@pytest.fixture(scope="module")
def affectation_server(built_site, tmp_path_factory):
    """The site and the app on one 127.0.0.1 port, a clock the test moves, simulations run in a thread that
    waits for the test's go (so the progress page is seen), the demo gestionnaire."""
    from forms_app.affectation import taches
    from forms_app.demo import _ensure_gestionnaire

    folder = tmp_path_factory.mktemp("affectation")
    url, accounts = kit.make_app_world(folder, kit.demo_agents(TEACHER, *OTHERS))
    clock = {"now": PENDANT_SAISIE}
    app, wsgi = kit.combined_app(built_site[1], url, CLOCK=lambda: clock["now"], AFFECTATION_EXECUTION="fil",
                                 AVIS_FILE="", AVIS_DOSSIER=str(folder))
    secret, _created = _ensure_gestionnaire(app)
    go = threading.Event()
    real = taches.executer

    def held(app_, simulation_id, **kwargs):
        go.wait(60)
        return real(app_, simulation_id, **kwargs)

    taches.executer = held
    server = kit.LiveServer(wsgi)
    server.app, server.accounts, server.clock, server.totp, server.go = app, accounts, clock, secret, go
    yield server
    server.stop()
    taches.executer = real
    app.extensions["carriere_db"]["engine"].dispose()


def log_in_teacher(page, server):
    identifiant, numen = server.accounts[TEACHER]
    page.goto(server.url + "app/connexion")
    page.get_by_label("Compte utilisateur").fill(identifiant)
    page.get_by_label("Mot de passe").fill(numen)
    page.get_by_role("button", name="Valider").click()
    page.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()


def log_in_gestionnaire(page, server):
    from forms_app.demo import DEMO_GESTIONNAIRE, DEMO_GESTIONNAIRE_PASSWORD

    page.goto(server.url + "app/connexion")
    page.get_by_label("Compte utilisateur").fill(DEMO_GESTIONNAIRE)
    page.get_by_label("Mot de passe").fill(DEMO_GESTIONNAIRE_PASSWORD)
    page.get_by_role("button", name="Valider").click()
    page.get_by_label(re.compile("^Code")).fill(pyotp.TOTP(server.totp).now())
    page.get_by_role("button", name=re.compile("Valider|Confirmer")).click()
    expect(page.get_by_role("link", name="Mutations").first).to_be_visible()


def others_apply(server):
    """Jean Dupont asks for a collège where no seat frees, then Manon's; Rémi Pascal for the Puy-de-Dôme
    (written as the saisie would)."""
    from sqlalchemy import select

    from forms_app.core.db import new_session, write_transaction
    from forms_app.dossier.models import Agent
    from forms_app.mobilite.models import Demande, Voeu

    db = new_session(server.app)
    with write_transaction(db):
        for name, voeux in (("Jean Dupont", [("ETB", "0630726X"), ("ETB", "0152988S")]),
                            ("Rémi Pascal", [("DPT", "063"), ("ETB", "0152988S")])):
            prenom, nom = name.split(" ", 1)
            agent_id = db.scalar(select(Agent.id).where(Agent.prenom == prenom, Agent.nom == nom))
            demande = Demande(agent_id=agent_id, campagne="intra-2027", mouvement="GEN", discipline="", preference="",
                              voeux_version=len(voeux), created_at=PENDANT_SAISIE, updated_at=PENDANT_SAISIE)
            db.add(demande)
            db.flush()
            for rank, (type_, code) in enumerate(voeux, 1):
                db.add(Voeu(demande_id=demande.id, rank=rank, type=type_, code=code, libelle=code, poste="",
                            created_at=PENDANT_SAISIE))
    db.close()


def test_simuler_le_mouvement_journey(page, affectation_server, tmp_path):
    server = affectation_server
    app = server.url + "app/"
    audit = kit.BothWidths(page)
    main = page.get_by_role("main")

    # 1. The teacher applies to the intra movement and reads last years' barres next to her barème.
    log_in_teacher(page, server)
    page.goto(app + "mobilite/intra-2027/ajouter?mouvement=GEN")
    page.get_by_role("button", name="Enregistrer la demande").click()
    page.get_by_role("link", name=re.compile("^Visualiser la demande")).click()
    demande_url = page.url
    for type_, code in (("DPT", "063"), ("COM", "63113"), ("ETB", "0630726X")):
        page.goto(demande_url + f"voeux/ajouter?type={type_}&code={code}")
        page.get_by_role("button", name="Enregistrer").click()
    table = page.get_by_role("table", name=re.compile("^Barème provisionnel de chaque vœu"))
    expect(table).to_contain_text("Barres des années passées")
    expect(table).to_contain_text(re.compile(r"En 2026, il fallait 101 points\s;\svotre barème sur ce vœu\s:\s\d+"))
    expect(table).to_contain_text("Aucune barre publiée pour ce vœu les années passées")
    audit.check("enseignant-barres-voeux")
    page.get_by_role("link", name="comparateur de mobilité (Mathématiques)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mathématiques")
    page.go_back()
    page.get_by_role("button", name="Quitter").click()
    others_apply(server)

    # 2. The saisie is closed: the gestionnaire launches a simulation from the Mutations desk.
    server.clock["now"] = APRES_SAISIE
    log_in_gestionnaire(page, server)
    page.get_by_role("link", name="Mutations").first.click()
    page.get_by_role("link", name="Simuler le mouvement : Mouvement intra-académique 2027").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Simuler le mouvement")
    audit.check("affectation-index")
    page.get_by_label(re.compile("^Note")).fill("première lecture")
    page.get_by_role("button", name="Lancer la simulation").click()
    expect(page.get_by_role("status")).to_have_text("En attente")
    expect(page.get_by_role("link", name="Actualiser")).to_be_visible()
    audit.check("affectation-avancement")
    server.go.set()  # the run starts; the page's script follows it and reloads at the end
    expect(page.get_by_role("heading", name="Les deux algorithmes côte à côte")).to_be_visible(timeout=30_000)
    expect(main).to_contain_text("3 candidats")
    audit.check("affectation-simulation")

    # 3. An agent's explanation, the barres.
    page.get_by_role("link", name="Résultat de chaque agent et ses explications").click()
    audit.check("affectation-agents")
    page.get_by_role("link", name=re.compile("^Dupont Jean")).click()
    expect(main).to_contain_text("vœu 1 : aucune place libérée, son barème 207")
    audit.check("affectation-explication")
    page.get_by_role("link", name=re.compile("^Simulation n° 1")).click()
    page.get_by_role("link", name="Barres par discipline et par vœu").click()
    expect(page.get_by_role("table", name=re.compile("^Barre et nombre d'admis"))).to_contain_text("0152988S")
    audit.check("affectation-barres")

    # 4. A second simulation, compared with the first.
    page.goto(app + "affectation/intra-2027/")
    page.get_by_label(re.compile("^Note")).fill("seconde lecture")
    page.get_by_role("button", name="Lancer la simulation").click()
    expect(page.get_by_role("heading", name="Les deux algorithmes côte à côte")).to_be_visible(timeout=30_000)
    expect(main).to_contain_text("aucune demande ne change de résultat, avec les mêmes données lues")
    page.get_by_role("link", name="Voir le détail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Simulations n° 1 et n° 2 comparées")
    audit.check("affectation-comparaison")

    # 5. Valider: the results area receives them, unpublished.
    page.get_by_role("link", name=re.compile("^Retour à la simulation n° 2")).click()
    page.get_by_label("DA* (acceptation différée)").check()
    page.get_by_role("button", name="Valider la simulation n° 2").click()
    expect(main).to_contain_text(re.compile(r"Simulation n°\s2 validée .*\s3 résultat\(s\) ajouté\(s\)"))
    expect(main).to_contain_text("3 résultats importés, dont 0 publié")
    page.goto(app + "affectation/intra-2027/")
    expect(page.get_by_role("table", name=re.compile("^Simulations"))).to_contain_text("validée")
    audit.check("affectation-index-validee")
    audit.assert_clean(tmp_path / "pages")
