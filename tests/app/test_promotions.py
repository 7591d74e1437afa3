"""Promotions and rendez-vous de carrière through the app: roles and scopes (404 outside), avis within quotas,
the recteur's appréciations, the Synthèse once the consultation opens, print and PDF, tableau, exports,
publication in the courrier; a rendez-vous from its date to the recours. SQLite and PostgreSQL."""
from __future__ import annotations

import html
import io
from datetime import date, datetime

import pyotp
import pytest
from sqlalchemy import func, select

from forms_app.comptes.models import Account
from forms_app.core.content import current_site
from forms_app.core.db import new_session, write_transaction
from forms_app.courrier.models import Message
from forms_app.evaluateurs.models import Perimetre
from forms_app.promotions.lecture import comptes_appreciations, comptes_appreciations_en_base, table_appreciations
from forms_app.promotions.models import Promouvable
from generator.model import PARIS

UAI = "0630021F"
AUTRE_UAI = "0634067D"
HC = "hors-classe-2027"
AVANT = datetime(2027, 1, 20, 10, 0, tzinfo=PARIS)  # dossier phase
AVIS = datetime(2027, 2, 15, 10, 0, tzinfo=PARIS)
APPRECIATION = datetime(2027, 3, 15, 10, 0, tzinfo=PARIS)
CONSULTATION = datetime(2027, 4, 10, 10, 0, tzinfo=PARIS)
TABLEAU = datetime(2027, 6, 20, 10, 0, tzinfo=PARIS)
PASSWORD = "les avis se donnent en conscience"


@pytest.fixture
def make_staff(app):
    """make_staff(role, uai=, discipline=) -> (account, password), TOTP enrolled."""
    hasher = app.extensions["carriere_hasher"]

    def make(role, *, nom, uai="", discipline="", appreciation_recteur=False):
        db = new_session(app)
        with write_transaction(db):
            account = Account(identifiant=nom.lower(), role=role, agent_id=None, display_name=f"Claude {nom}",
                              password_hash=hasher.hash(PASSWORD), must_change_password=False,
                              totp_secret=pyotp.random_base32(), totp_enabled=True,
                              created_at=app.config["CLOCK"]())
            db.add(account)
            db.flush()
            db.add(Perimetre(account_id=account.id, uai=uai, discipline=discipline,
                             appreciation_recteur=appreciation_recteur))
        db.close()
        return account

    return make


@pytest.fixture
def world(app, make_teacher, make_gestionnaire, make_staff):
    """Five promouvables in UAI (math), one in another UAI (history), one too young; staff of each role."""
    teachers = {}
    for i, (nom, echelon, depuis, uai, disc) in enumerate([
        ("Arnaud", 9, date(2025, 1, 1), UAI, "L1300"), ("Berger", 9, date(2024, 6, 1), UAI, "L1300"),
        ("Caron", 10, date(2025, 3, 1), UAI, "L1300"), ("Dumas", 11, date(2022, 1, 1), UAI, "L1300"),
        ("Esnault", 9, date(2025, 5, 1), UAI, "L1300"), ("Ferrand", 10, date(2024, 1, 1), AUTRE_UAI, "L1000"),
        ("Girard", 7, date(2025, 1, 1), UAI, "L1300"),
    ]):
        agent, account, password = make_teacher(prenom="Lou", nom=nom, echelon=echelon, echelon_depuis=depuis,
                                                affectation_uai=uai, discipline=disc,
                                                date_naissance=date(1970 + i, 1, 1))
        teachers[nom] = (agent, account, password)
    gestionnaire, gpassword = make_gestionnaire()
    return {
        "teachers": teachers,
        "gestionnaire": (gestionnaire, gpassword),
        "chef": make_staff("chef_etablissement", nom="Chef", uai=UAI),
        "ipr": make_staff("inspecteur", nom="Ipr", discipline="L1300"),
        "recteur": make_staff("recteur", nom="Recteur"),
    }


def log(app, login, identifiant, password):
    client = app.test_client()
    response = login(client, identifiant, password)
    assert response.status_code == 302, response.data.decode()
    return client


def staff(app, login, account):
    return log(app, login, account.identifiant, PASSWORD)


def teacher(app, login, world, nom):
    _, account, password = world["teachers"][nom]
    return log(app, login, account.identifiant, password)


def ids(app):
    db = new_session(app)
    found = dict(db.execute(select(Promouvable.agent_id, Promouvable.id).where(Promouvable.campagne == HC)).all())
    db.close()
    return found


def opened(app, login, world, clock, form_post):
    """In the avis phase, the gestionnaire opens the list: (promouvable id by agent id, agent id by name)."""
    clock.current = AVIS
    gclient = log(app, login, world["gestionnaire"][0].identifiant, world["gestionnaire"][1])
    assert form_post(gclient, f"/promotions/{HC}/ouvrir", page=f"/promotions/{HC}/gestion").status_code == 302
    return ids(app), {n: v[0].id for n, v in world["teachers"].items()}


def test_teacher_sees_whether_she_is_promouvable_and_why(app, login, world, clock):
    clock.current = AVANT
    body = html.unescape(teacher(app, login, world, "Arnaud").get("/promotions/").data.decode())
    assert "Promouvable\u00a0: 9e échelon depuis le 1er janvier 2025, situation au 31 août 2027." in body
    body = html.unescape(teacher(app, login, world, "Girard").get("/promotions/").data.decode())
    assert "Non promouvable\u00a0: 7e échelon au 31 août 2027, il faut le 9e échelon depuis 24\u00a0mois." in body
    client = teacher(app, login, world, "Arnaud")
    for onglet in ("situation", "affectations", "qualifications", "activites", "fonctions", "distinctions", "synthese"):
        assert client.get(f"/promotions/{HC}/dossier/{onglet}", follow_redirects=True).status_code == 200, onglet
    page = html.unescape(client.get(f"/promotions/{HC}/dossier/qualifications").data.decode())
    assert "Compléter «\u00a0Diplômes\u00a0» dans votre CV" in page  # the dossier phase is open
    assert client.get(f"/promotions/{HC}/dossier/inconnu").status_code == 404
    assert client.get("/promotions/inter-2027/dossier/").status_code == 404


def test_roles_and_scopes(app, login, world, clock, form_post):
    clock.current = AVIS
    gclient = log(app, login, world["gestionnaire"][0].identifiant, world["gestionnaire"][1])
    assert form_post(gclient, f"/promotions/{HC}/ouvrir", page=f"/promotions/{HC}/gestion").status_code == 302
    promouvables = ids(app)
    t = world["teachers"]
    assert set(promouvables) == {t[n][0].id for n in ("Arnaud", "Berger", "Caron", "Dumas", "Esnault", "Ferrand")}
    chef, ipr, recteur = (staff(app, login, world[k]) for k in ("chef", "ipr", "recteur"))
    inside, outside = t["Arnaud"][0].id, t["Ferrand"][0].id
    for client in (chef, ipr):
        assert client.get(f"/promotions/{HC}/agents/{inside}/synthese").status_code == 200
        assert client.get(f"/promotions/{HC}/agents/{outside}/synthese").status_code == 404
        assert client.get(f"/promotions/{HC}/agents/{t['Girard'][0].id}/").status_code == 404  # not promouvable
        assert client.get(f"/rendez-vous/agents/{outside}").status_code == 404
        assert client.get(f"/promotions/{HC}/tableau").status_code == 403
        assert client.get(f"/promotions/{HC}/appreciations").status_code == 403
    assert recteur.get(f"/promotions/{HC}/agents/{outside}/synthese").status_code == 200
    assert recteur.get(f"/promotions/{HC}/avis").status_code == 403  # the recteur gives appréciations
    arnaud = teacher(app, login, world, "Arnaud")
    assert arnaud.get(f"/promotions/{HC}/agents/{outside}/").status_code == 403
    assert arnaud.get(f"/promotions/{HC}/avis").status_code == 403
    assert arnaud.get("/evaluateurs/").status_code == 403
    assert chef.get("/evaluateurs/").status_code == 403


def test_recteur_chooses_an_echelon_and_the_rows_still_to_fill(app, login, world, clock, form_post):
    p, t = opened(app, login, world, clock, form_post)
    clock.current = APPRECIATION
    recteur = staff(app, login, world["recteur"])
    page = html.unescape(recteur.get(f"/promotions/{HC}/appreciations").data.decode())
    assert "Arnaud" in page and "Dumas" in page  # six promouvables: every échelon on one page
    assert "9e (3)" in page.replace("<sup>", "").replace("</sup>", "")

    page = html.unescape(recteur.get(f"/promotions/{HC}/appreciations?echelon=9").data.decode())
    assert "Arnaud" in page and "Berger" in page and "Esnault" in page
    assert "Caron" not in page and "Dumas" not in page and "Ferrand" not in page

    # Saved from the 9th échelon's page: back on the same page; then only the rows still to fill.
    saved = form_post(recteur, f"/promotions/{HC}/appreciations?echelon=9&a_renseigner=1",
                      {f"appreciation-{p[t['Arnaud']]}": "satisfaisant"})
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/promotions/{HC}/appreciations?echelon=9&a_renseigner=1")
    page = html.unescape(recteur.get(saved.headers["Location"]).data.decode())
    assert "Arnaud" not in page and "Berger" in page and "Esnault" in page
    assert "3 promouvables, 2 à renseigner" in page.replace("<sup>", "").replace("</sup>", "")

    db = new_session(app)  # the page's counts come from the database: the same as counting the rows
    with app.app_context():
        campaign = current_site().campaign(HC)
    counted = comptes_appreciations_en_base(db, campaign)
    assert counted == comptes_appreciations(table_appreciations(db, campaign))
    assert {e: n for e, (n, _c) in counted.items()} == {9: 3, 10: 2, 11: 1} and counted[9][1] == {"satisfaisant": 1}
    assert [ln.nom for ln in table_appreciations(db, campaign, 9)] == ["Arnaud", "Berger", "Esnault"]
    db.close()

    before = recteur.get(f"/promotions/{HC}/appreciations?echelon=tous").data
    for query in ("echelon=8", "echelon=neuf", "a_renseigner=oui"):
        refused = recteur.get(f"/promotions/{HC}/appreciations?{query}")
        assert refused.status_code == 400, query
        body = html.unescape(refused.data.decode())
        assert "choisissez un échelon de la plage d'appel (9, 10, 11)" in body or "vaut 1 ou est absent" in body
    assert recteur.get(f"/promotions/{HC}/appreciations?echelon=tous").data == before


def test_avis_quota_appreciations_synthese_tableau_publication(app, login, world, clock, form_post):
    p, t = opened(app, login, world, clock, form_post)
    chef = staff(app, login, world["chef"])
    page = html.unescape(chef.get(f"/promotions/{HC}/avis").data.decode())
    assert "Avis du chef d'établissement" in page and "Ferrand" not in page
    assert "«\u00a0Très satisfaisant\u00a0»\u00a0: <span class=\"quota-utilise\">0</span> sur 1 au plus" in page
    ok = form_post(chef, f"/promotions/{HC}/avis", {f"avis-{p[t['Dumas']]}": "tres_satisfaisant",
                                                   f"avis-{p[t['Caron']]}": "satisfaisant"})
    assert ok.status_code == 302
    refused = form_post(chef, f"/promotions/{HC}/avis", {f"avis-{p[t['Arnaud']]}": "tres_satisfaisant",
                                                        f"avis-{p[t['Berger']]}": "a_consolider"})
    assert refused.status_code == 409
    assert "Quota atteint pour «\u00a0Très satisfaisant\u00a0»\u00a0: 1 au plus sur 5 (20\u202f%)." in html.unescape(refused.data.decode())
    # Nothing of the refused form was saved; a swap within the quota is accepted.
    swap = form_post(chef, f"/promotions/{HC}/avis", {f"avis-{p[t['Dumas']]}": "satisfaisant",
                                                     f"avis-{p[t['Arnaud']]}": "tres_satisfaisant"})
    assert swap.status_code == 302
    token = chef.get(f"/promotions/{HC}/avis").data.decode().split('name="csrf_token" value="')[1].split('"')[0]
    as_you_go = chef.post(f"/promotions/{HC}/avis", data={"csrf_token": token, f"avis-{p[t['Berger']]}": "a_consolider"},
                          headers={"Accept": "application/json"})
    assert as_you_go.status_code == 200 and as_you_go.json["ok"]
    bad = chef.post(f"/promotions/{HC}/avis", data={"csrf_token": token, f"avis-{p[t['Berger']]}": "génial"},
                    headers={"Accept": "application/json"})
    assert bad.status_code == 400 and "choisissez-en une dans la liste" in bad.json["message"]
    ipr = staff(app, login, world["ipr"])
    assert form_post(ipr, f"/promotions/{HC}/avis", {f"avis-{p[t['Arnaud']]}": "tres_satisfaisant"}).status_code == 302

    # Outside the avis phase: refused, nothing changes.
    clock.current = APPRECIATION
    chef = staff(app, login, world["chef"])
    late = form_post(chef, f"/promotions/{HC}/avis", {f"avis-{p[t['Caron']]}": "a_consolider"})
    assert late.status_code == 409 and "La saisie des avis n'est pas ouverte" in html.unescape(late.data.decode())

    recteur = staff(app, login, world["recteur"])
    # 9th échelon: Arnaud, Berger, Esnault (3) -> Excellent at most 0 (10 %), Très satisfaisant at most 1 (45 %).
    refused = form_post(recteur, f"/promotions/{HC}/appreciations", {f"appreciation-{p[t['Arnaud']]}": "excellent"})
    assert refused.status_code == 409 and "Quota atteint pour «\u00a0Excellent\u00a0»\u00a0: 0 au plus sur 3" in html.unescape(refused.data.decode())
    assert form_post(recteur, f"/promotions/{HC}/appreciations", {
        f"appreciation-{p[t['Arnaud']]}": "tres_satisfaisant", f"appreciation-{p[t['Berger']]}": "satisfaisant",
        f"appreciation-{p[t['Esnault']]}": "satisfaisant", f"appreciation-{p[t['Caron']]}": "satisfaisant",
        f"appreciation-{p[t['Dumas']]}": "satisfaisant", f"appreciation-{p[t['Ferrand']]}": "a_consolider",
    }).status_code == 302

    arnaud = teacher(app, login, world, "Arnaud")
    before = arnaud.get(f"/promotions/{HC}/dossier/synthese").data.decode()
    assert "Les avis et l'appréciation seront consultables à partir du 06/04/2027 à 12:00" in before
    assert "Très satisfaisant" not in before
    clock.current = CONSULTATION
    arnaud = teacher(app, login, world, "Arnaud")
    synthese = arnaud.get(f"/promotions/{HC}/dossier/synthese").data.decode()
    assert "<dt>Avis du chef d&#39;établissement</dt><dd>Très satisfaisant</dd>" in synthese
    assert "<dt>Avis de l&#39;inspecteur</dt><dd>Très satisfaisant</dd>" in synthese
    assert "<dt>Appréciation du recteur</dt><dd>Très satisfaisant</dd>" in synthese
    assert "Imprimer" in synthese
    assert "promotions-print.css" in arnaud.get(f"/promotions/{HC}/synthese/imprimer").data.decode()
    pdf = arnaud.get(f"/promotions/{HC}/synthese.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    from pypdf import PdfReader
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    # The page's own partial through WeasyPrint: each avis under its label, French typography kept (« — »).
    assert "Avis du chef d'établissement\nTrès satisfaisant" in text
    assert "Dossier de promotion de grade de Lou Arnaud — " in text

    gclient = log(app, login, world["gestionnaire"][0].identifiant, world["gestionnaire"][1])
    # Tableau: 6 promouvables at 22.5 % -> 1 promotion; Dumas (11+5 years: 110 + 105) leads.
    tableau = gclient.get(f"/promotions/{HC}/tableau").data.decode()
    assert tableau.index("Dumas") < tableau.index("Caron") and "1 promotion" in tableau
    csv = gclient.get(f"/promotions/{HC}/tableau.csv")
    assert csv.data.startswith("\ufeffRang;Nom;".encode()) and "1;Dumas;Lou" in csv.data.decode()
    xlsx = gclient.get(f"/promotions/{HC}/tableau.xlsx")
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[2]][:3] == [1, "Dumas", "Lou"]
    assert gclient.get(f"/promotions/{HC}/tableau.ods").status_code == 404

    assert form_post(gclient, f"/promotions/{HC}/publier", page=f"/promotions/{HC}/gestion").status_code == 409
    clock.current = TABLEAU
    gclient = log(app, login, world["gestionnaire"][0].identifiant, world["gestionnaire"][1])
    assert form_post(gclient, f"/promotions/{HC}/publier", page=f"/promotions/{HC}/gestion").status_code == 302
    assert form_post(gclient, f"/promotions/{HC}/publier", page=f"/promotions/{HC}/gestion").status_code == 302
    db = new_session(app)
    messages = db.scalars(select(Message).where(Message.subject == "Résultat\u00a0: Avancement à la hors classe 2027")).all()
    db.close()
    assert len(messages) == 6  # once each, however many times published
    dumas = next(m for m in messages if m.to_account_id == world["teachers"]["Dumas"][1].id)
    assert "promu(e) au grade «\u00a0hors classe\u00a0» à compter du 01/09/2027" in dumas.body


@pytest.mark.postgres
def test_storage_on_both_databases(app, login, world, clock, form_post, db_backend):
    clock.current = AVIS
    gclient = log(app, login, world["gestionnaire"][0].identifiant, world["gestionnaire"][1])
    assert form_post(gclient, f"/promotions/{HC}/ouvrir", page=f"/promotions/{HC}/gestion").status_code == 302
    assert form_post(gclient, f"/promotions/{HC}/ouvrir", page=f"/promotions/{HC}/gestion").status_code == 302
    p = ids(app)
    assert len(p) == 6
    chef = staff(app, login, world["chef"])
    arnaud = world["teachers"]["Arnaud"][0].id
    assert form_post(chef, f"/promotions/{HC}/avis", {f"avis-{p[arnaud]}": "tres_satisfaisant"}).status_code == 302
    clock.current = TABLEAU
    gclient = log(app, login, world["gestionnaire"][0].identifiant, world["gestionnaire"][1])
    assert form_post(gclient, f"/promotions/{HC}/publier", page=f"/promotions/{HC}/gestion").status_code == 302
    db = new_session(app)
    assert db.scalar(select(func.count(Promouvable.id)).where(Promouvable.publie_at.is_not(None))) == 6
    db.close()
    _rendez_vous_flow(app, login, world, clock, form_post, make_due=True)


def _rendez_vous_flow(app, login, world, clock, form_post, make_due=False):
    t = world["teachers"]
    # Girard: 7th échelon since 01/01/2025 -> 8th on 01/01/2028; make her due: 8th since 01/01/2026 (19 months).
    db = new_session(app)
    from forms_app.dossier.models import Agent
    with write_transaction(db):
        agent = db.get(Agent, t["Girard"][0].id)
        agent.echelon, agent.echelon_depuis = 8, date(2026, 1, 1)
    db.close()
    clock.current = datetime(2027, 3, 1, 10, 0, tzinfo=PARIS)
    ipr = staff(app, login, world["ipr"])
    liste = ipr.get("/rendez-vous/").data.decode()
    assert "Girard" in liste and "Deuxième rendez-vous" in liste
    url = f"/rendez-vous/agents/{t['Girard'][0].id}"
    too_soon = form_post(ipr, url, {"action": "planifier", "jour": "10/03/2027", "heure": "10:00", "lieu": "Salle 12"})
    assert too_soon.status_code == 400 and "au moins 15\u00a0jours avant" in html.unescape(too_soon.data.decode())
    assert form_post(ipr, url, {"action": "planifier", "jour": "16/03/2027", "heure": "10:00",
                                "lieu": "Lycée, salle 12"}).status_code == 302
    girard = teacher(app, login, world, "Girard")
    assert "16/03/2027 à 10:00" in girard.get("/rendez-vous/").data.decode()
    grille = {f"item-c{i}": "tres_satisfaisant" for i in range(1, 12)}
    assert form_post(ipr, url, {"action": "compte_rendu", **grille, "appreciation": "Séance maîtrisée."}).status_code == 302
    chef = staff(app, login, world["chef"])
    assert form_post(chef, url, {"action": "compte_rendu", "appreciation": "Collègue investie."}).status_code == 302
    clock.current = datetime(2027, 3, 20, 9, 0, tzinfo=PARIS)  # notified before the DST change of 28 March
    ipr = staff(app, login, world["ipr"])  # a new session after each move of the clock (idle time-out)
    assert form_post(ipr, url, {"action": "transmettre"}).status_code == 302
    girard = teacher(app, login, world, "Girard")
    page = girard.get("/rendez-vous/").data.decode()
    assert "Séance maîtrisée." in page and "Collègue investie." in page and "Transmettre mes observations" in page
    recteur = staff(app, login, world["recteur"])
    early = form_post(recteur, url, {"action": "appreciation_finale", "appreciation_finale": "excellent"})
    assert early.status_code == 400 and "peut encore formuler des observations" in html.unescape(early.data.decode())
    clock.current = datetime(2027, 4, 11, 0, 0, tzinfo=PARIS)  # 20/03 + 21 days: ended at midnight ending 10/04
    girard = teacher(app, login, world, "Girard")
    late = form_post(girard, "/rendez-vous/observations", {"texte": "Je souhaite préciser…"}, page="/rendez-vous/")
    assert late.status_code == 409 and "Le délai pour formuler des observations est écoulé" in html.unescape(late.data.decode())
    clock.current = datetime(2027, 4, 10, 23, 59, tzinfo=PARIS)
    girard, recteur = teacher(app, login, world, "Girard"), staff(app, login, world["recteur"])
    too_long = form_post(girard, "/rendez-vous/observations", {"texte": "x" * 2001}, page="/rendez-vous/")
    assert too_long.status_code == 400 and "2\u202f000 au plus" in html.unescape(too_long.data.decode())
    assert form_post(girard, "/rendez-vous/observations", {"texte": "Je souhaite préciser…"},
                     page="/rendez-vous/").status_code == 302
    # Entered before the notification phase: kept for it, still editable, not shown to the agent.
    saved = form_post(recteur, url, {"action": "appreciation_finale", "appreciation_finale": "excellent"},
                      follow_redirects=True)
    assert "elle sera notifiée à l'agent le mercredi 1er septembre 2027 à 8\u00a0h\u00a000" in html.unescape(
        saved.data.decode())
    assert "Excellent" not in girard.get("/rendez-vous/").data.decode()
    assert form_post(recteur, url, {"action": "appreciation_finale",
                                    "appreciation_finale": "tres_satisfaisant"}).status_code == 302
    # The notification phase begins: the échéance notifies it, once, whoever runs it and however often.
    from forms_app.core.echeances import run_due
    clock.current = datetime(2027, 9, 1, 8, 0, tzinfo=PARIS)
    first = [b for b in run_due(app) if b.due.echeance.action == "rendezvous.notification"]
    again = [b for b in run_due(app) if b.due.echeance.action == "rendezvous.notification"]
    assert [b.nombre for b in first] == [1] and [(b.nombre, b.deja_faite) for b in again] == [(0, True)]
    girard, recteur = teacher(app, login, world, "Girard"), staff(app, login, world["recteur"])
    page = girard.get("/rendez-vous/").data.decode()
    assert "<strong>Très satisfaisant</strong>" in page and "Transmettre mon recours" in page
    frozen = form_post(recteur, url, {"action": "appreciation_finale", "appreciation_finale": "excellent"})
    assert frozen.status_code == 409 and "déjà notifiée" in html.unescape(frozen.data.decode())
    clock.current = datetime(2027, 10, 2, 0, 0, tzinfo=PARIS)  # notified 01/09 + 30 days: ended at midnight
    girard = teacher(app, login, world, "Girard")
    late = form_post(girard, "/rendez-vous/recours", {"texte": "Recours."}, page="/rendez-vous/")
    assert late.status_code == 409 and "Le délai de recours est écoulé" in html.unescape(late.data.decode())
    db = new_session(app)
    subjects = [m.subject for m in db.scalars(select(Message).where(Message.to_account_id == t["Girard"][1].id))]
    db.close()
    assert subjects == ["Date de votre rendez-vous de carrière", "Compte rendu de votre rendez-vous de carrière",
                        "Appréciation finale de votre rendez-vous de carrière"]


def test_rendez_vous(app, login, world, clock, form_post):
    _rendez_vous_flow(app, login, world, clock, form_post)


def test_classe_exceptionnelle_candidature(app, login, make_teacher, clock, form_post):
    from hostile_pdfs import valid_pdf
    agent, account, password = make_teacher(prenom="Lou", nom="Hors", grade="hors classe", echelon=4,
                                            echelon_depuis=date(2024, 1, 1))
    clock.current = datetime(2027, 1, 20, 10, 0, tzinfo=PARIS)
    client = log(app, login, account.identifiant, password)
    url = "/promotions/classe-exceptionnelle-2027/candidature"
    missing = form_post(client, url, {"fonctions": ["formateur"], "annees": "5"})
    body = missing.data.decode()
    assert missing.status_code == 400 and "8\u00a0au moins" in body and "Joignez le justificatif" in body
    ok = form_post(client, url, {"fonctions": ["formateur", "referent"], "annees": "9",
                                 "justificatifs": (io.BytesIO(valid_pdf()), "arrete.pdf")},
                   content_type="multipart/form-data")
    assert ok.status_code == 302
    assert "Promouvable (premier vivier" in client.get("/promotions/").data.decode()
    clock.current = datetime(2027, 2, 2, 10, 0, tzinfo=PARIS)
    client = log(app, login, account.identifiant, password)
    assert form_post(client, url, {"fonctions": ["formateur"], "annees": "9"}).status_code == 409


def test_evaluator_accounts_have_totp_and_are_created_by_a_gestionnaire(app, login, gestionnaire_client, form_post):
    client, _ = gestionnaire_client
    bad = form_post(client, "/evaluateurs/", {"role": "chef_etablissement", "prenom": "Anne", "nom": "Proviseur",
                                              "uai": "0630021A"})
    assert bad.status_code == 400 and "Saisissez l&#39;UAI" in bad.data.decode()
    created = form_post(client, "/evaluateurs/", {"role": "chef_etablissement", "prenom": "Anne", "nom": "Proviseur",
                                                  "uai": UAI})
    assert created.status_code == 200
    first = created.data.decode().split("<code>")[1].split("</code>")[0]
    new = app.test_client()
    login(new, "aproviseur", first)
    assert new.get("/promotions/").headers["Location"].endswith("/compte/mot-de-passe")
    form_post(new, "/compte/mot-de-passe", {"new_password": PASSWORD + " et la rigueur",
                                            "confirm": PASSWORD + " et la rigueur"})
    assert new.get("/promotions/").headers["Location"].endswith("/compte/double-authentification")


def test_perspectives_page(app, login, world, clock):
    clock.current = AVANT
    page = teacher(app, login, world, "Girard").get("/perspectives/").data.decode()
    assert "Vos perspectives" in page and '<svg class="timeline timeline-large"' in page and 'timeline-etroite' in page and "8e échelon" in page
    assert "Promouvable\u00a0: hors classe" in html.unescape(page)
