"""Dossier pages: each tab for its owner, the Perso form, signalements, and who may read what."""
import html
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from forms_app.core.db import new_session
from forms_app.core.models import AuditEntry
from forms_app.courrier.models import Message
from forms_app.dossier.models import Agent
from generator.model import PARIS

S = "\u00a0"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

DOSSIER = dict(
    civilite="Mme",
    prenom="Claire",
    nom="Tartemuche",
    date_naissance=date(1980, 5, 10),
    corps="professeur certifié",
    grade="classe normale",
    echelon=7,
    echelon_depuis=date(2023, 9, 1),
    discipline="L1300",
    position="en activité",
    modalite_service="temps partiel sur autorisation",
    affectation_uai="0030484K",
    affectation_depuis=date(2019, 9, 1),
    adresse="1 rue de Vercingétorix",
    code_postal="63000",
    commune="Clermont-Ferrand",
    mail_pro="claire.tartemuche@ac-montferrand.example",
    mail_perso="claire@exemple.fr",
    telephone="04 73 11 22 33",
    portable="06 12 34 56 78",
    situation_familiale="Pacsé(e)",
    enfants=2,
)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def token(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return TOKEN.search(response.get_data(as_text=True)).group(1)


def post(client, page: str, action: str, data: dict):
    return client.post(action, data={"csrf_token": token(client, page), **data})


@pytest.fixture
def teacher(app, client, clock, make_teacher, login):
    clock.current = datetime(2026, 11, 6, 10, 0, tzinfo=PARIS)
    agent, account, password = make_teacher(**DOSSIER)
    login(client, account.identifiant, password)
    return agent


def agent_row(app, agent_id: int) -> Agent:
    with app.app_context():
        with new_session(app) as session:
            return session.get(Agent, agent_id)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/dossier/", ["Vous êtes…", "Mme Claire Tartemuche", "Fonctionnaire de l'Éducation nationale",
                       "professeur certifié", "classe normale", "07", "01/09/2023", "Mathématiques",
                       "temps partiel sur autorisation", "1 rue de Vercingétorix",
                       "63000 Clermont-Ferrand", "06 12 34 56 78", "claire@exemple.fr",
                       "Collège Vercingétorix", "Montluçon"]),
        ("/dossier/perso", ["10/05/1980", "Vos numéros de téléphone et votre mail personnel", "claire.tartemuche@ac-montferrand.example"]),
        ("/dossier/carriere", ["Statut", "Corps", "Grade", "Échelon", "Position",
                               "Modalité de service", "01/09/2023"]),
        ("/dossier/affectations", ["Collège Vercingétorix", "0030484K", "depuis le 01/09/2019",
                                   f"éducation prioritaire{S}: REP"]),
        ("/dossier/anciennetes", ["Anciennetés au 06/11/2026",
                                  f"Ancienneté dans l'échelon 01/09/2023 3{S}ans 2{S}mois 5{S}jours",
                                  f"Ancienneté dans le poste 01/09/2019 7{S}ans 2{S}mois 5{S}jours",
                                  f"Âge 10/05/1980 46{S}ans"]),
        ("/dossier/situation", ["Pacsé(e)", "Enfants de moins de 18 ans 2",
                                "Signaler un changement de situation"]),
    ],
)
def test_each_tab_renders_for_its_owner(client, teacher, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    page = re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", text(response)))
    for piece in expected:
        assert piece in page, piece


def test_unknown_tab_is_404(client, teacher):
    assert client.get("/dossier/inconnu").status_code == 404


@pytest.mark.parametrize(
    ("data", "stored"),
    [
        ({"telephone": "0473998877", "portable": "+33 7 11 22 33 44", "mail_perso": "c.t@exemple.org"},
         {"telephone": "04 73 99 88 77", "portable": "07 11 22 33 44", "mail_perso": "c.t@exemple.org"}),
        ({"telephone": "04.73.99.88.77", "portable": "06-12-34-56-79", "mail_perso": ""},
         {"telephone": "04 73 99 88 77", "portable": "06 12 34 56 79", "mail_perso": ""}),
        ({"telephone": "", "portable": "", "mail_perso": "  claire@exemple.fr  "},
         {"telephone": "", "portable": "", "mail_perso": "claire@exemple.fr"}),
    ],
)
def test_perso_stores_normalised_phones_and_mail(app, client, teacher, data, stored):
    response = post(client, "/dossier/perso", "/dossier/perso", data)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Vos coordonnées ont été enregistrées." in page
    agent = agent_row(app, teacher.id)
    assert {k: getattr(agent, k) for k in stored} == stored
    with app.app_context(), new_session(app) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "dossier.perso")).one()
        assert entry.target == f"agent:{teacher.id}"
        assert "04 73 11 22 33" in entry.before


PERSO_REFUSALS = [
    ("telephone", "12345",
     "Saisissez un numéro à 10 chiffres commençant par 0, par exemple 04 73 12 34 56."),
    ("telephone", "0073112233",
     "Saisissez un numéro à 10 chiffres commençant par 0, par exemple 04 73 12 34 56."),
    ("portable", "04 73 11 22 33",
     "Saisissez un numéro de portable à 10 chiffres commençant par 06 ou 07, par exemple 06 12 34 56 78."),
    ("mail_perso", "claire.exemple.fr",
     "Saisissez une adresse électronique complète, par exemple prenom.nom@exemple.fr."),
    ("mail_perso", "claire@exemple",
     "Saisissez une adresse électronique complète, par exemple prenom.nom@exemple.fr."),
    ("mail_perso", "a" * 300 + "@exemple.fr",
     "Ce champ accepte au plus 254 caractères (vous en avez saisi 311)."),
    ("telephone", "04 73\x0011 22 33",
     "Ce champ contient des caractères invisibles non autorisés : retirez-les."),
]


@pytest.mark.parametrize(("field", "value", "message"), PERSO_REFUSALS)
def test_perso_refuses_bad_input_and_changes_nothing(app, client, teacher, field, value, message):
    data = {"telephone": "04 73 11 22 33", "portable": "06 12 34 56 78", "mail_perso": "claire@exemple.fr"}
    data[field] = value
    response = post(client, "/dossier/perso", "/dossier/perso", data)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    if "\x00" not in value:
        assert f'value="{value}"' in page  # what the user typed is kept
    agent = agent_row(app, teacher.id)
    assert (agent.telephone, agent.portable, agent.mail_perso) == (
        "04 73 11 22 33", "06 12 34 56 78", "claire@exemple.fr")


def test_perso_cannot_change_anything_else(app, client, teacher):
    data = {"telephone": "04 73 11 22 33", "portable": "06 12 34 56 78", "mail_perso": "claire@exemple.fr",
            "nom": "Autre", "echelon": "11", "adresse": "ailleurs"}
    response = post(client, "/dossier/perso", "/dossier/perso", data)
    assert response.status_code == 302
    agent = agent_row(app, teacher.id)
    assert (agent.nom, agent.echelon, agent.adresse) == ("Tartemuche", 7, "1 rue de Vercingétorix")


@pytest.mark.postgres
def test_signalement_reaches_the_gestionnaires_courrier(app, client, teacher, make_gestionnaire, login):
    response = post(client, "/dossier/signaler", "/dossier/signaler", {
        "rubrique": "enfants", "description": "Naissance de notre troisième enfant.",
        "date_effet": "15/10/2026"})
    assert response.status_code == 302
    assert ("Votre signalement a été transmis à votre gestionnaire ; il figure dans votre courrier."
            in text(client.get(response.headers["Location"])))
    # The dossier itself is unchanged: only a gestionnaire changes it.
    assert agent_row(app, teacher.id).enfants == 2
    with app.app_context(), new_session(app) as session:
        message = session.scalars(select(Message)).one()
        assert (message.kind, message.to_role, message.rubrique, message.date_effet) == (
            "signalement", "gestionnaire", "enfants", date(2026, 10, 15))

    client = app.test_client()
    g_account, g_password = make_gestionnaire()
    login(client, g_account.identifiant, g_password)
    listing = text(client.get("/courrier/?filtre=signalements"))
    assert "Changement de situation : enfants" in listing
    assert "Claire Tartemuche" in listing
    thread = re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", text(client.get(f"/courrier/{message.id}"))))
    assert "Rubrique Enfants" in thread
    assert "Date d'effet 15/10/2026" in thread
    assert "Naissance de notre troisième enfant." in thread
    assert f'href="/dossier/agents/{teacher.id}/"' in text(client.get(f"/courrier/{message.id}"))


SIGNALEMENT_REFUSALS = [
    ({"rubrique": ""}, "Choisissez la rubrique concernée."),
    ({"rubrique": "salaire"}, "Choisissez la rubrique concernée."),
    ({"description": "   "}, "Décrivez le changement de situation."),
    ({"description": "x" * 2001}, "Ce champ accepte au plus 2\u202f000 caractères (vous en avez saisi 2\u202f001)."),
    ({"date_effet": ""}, "Indiquez la date d'effet, au format JJ/MM/AAAA."),
    ({"date_effet": "31/02/2026"}, "Saisissez une date réelle au format JJ/MM/AAAA, par exemple 01/09/2026."),
    ({"date_effet": "demain"}, "Saisissez une date réelle au format JJ/MM/AAAA, par exemple 01/09/2026."),
    ({"description": "bonjour\x1b[31m"}, "Ce champ contient des caractères invisibles non autorisés : retirez-les."),
]


@pytest.mark.parametrize(("change", "message"), SIGNALEMENT_REFUSALS)
def test_signalement_refusals(app, client, teacher, change, message):
    data = {"rubrique": "adresse", "description": "Nouvelle adresse : 2 place de Jaude.",
            "date_effet": "01/11/2026", **change}
    response = post(client, "/dossier/signaler", "/dossier/signaler", data)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    if "\x1b" not in data["description"] and len(data["description"]) < 100:
        assert data["description"].strip() in page
    with app.app_context(), new_session(app) as session:
        assert session.scalars(select(Message)).all() == []


def test_signalement_accepts_a_date_picker_value(app, client, teacher):
    response = post(client, "/dossier/signaler", "/dossier/signaler", {
        "rubrique": "adresse", "description": "Déménagement.", "date_effet": "2026-11-01"})
    assert response.status_code == 302
    with app.app_context(), new_session(app) as session:
        assert session.scalars(select(Message.date_effet)).one() == date(2026, 11, 1)


@pytest.mark.postgres
def test_another_teacher_gets_404_on_a_dossier(app, client, teacher, make_teacher):
    other, _account, _password = make_teacher(prenom="Paul", nom="Autre")
    for url in (f"/dossier/agents/{other.id}/", f"/dossier/agents/{other.id}/perso",
                f"/dossier/agents/{other.id}/anciennetes"):
        assert client.get(url).status_code == 404, url
    # Their own dossier through the same URL scheme is fine.
    assert client.get(f"/dossier/agents/{teacher.id}/carriere").status_code == 200
    assert client.get("/dossier/agents/").status_code == 403


def test_gestionnaire_reads_a_teachers_dossier(app, client, make_teacher, make_gestionnaire, login):
    agent, account, _password = make_teacher(**DOSSIER)
    g_account, g_password = make_gestionnaire()
    login(client, g_account.identifiant, g_password)
    found = text(client.get("/dossier/agents/?q=tartem"))
    assert "Tartemuche Claire" in found and account.identifiant in found
    page = text(client.get(f"/dossier/agents/{agent.id}/perso"))
    assert "Dossier de Mme Claire Tartemuche" in page
    assert 'name="telephone"' not in page  # read-only for the gestionnaire
    assert "04 73 11 22 33" in page
    assert client.get("/dossier/agents/99999/").status_code == 404
    assert client.post("/dossier/perso", data={}).status_code in (400, 404)


def test_csrf_failure_keeps_the_input_and_changes_nothing(app, client, teacher):
    response = client.post("/dossier/perso", data={
        "csrf_token": "périmé", "telephone": "04 73 99 88 77", "portable": "", "mail_perso": ""})
    assert response.status_code == 400
    page = text(response)
    assert "Votre session a expiré, renvoyez le formulaire." in page
    assert 'value="04 73 99 88 77"' in page
    assert agent_row(app, teacher.id).telephone == "04 73 11 22 33"
    # The page carries a fresh token: sending again works.
    again = client.post("/dossier/perso", data={
        "csrf_token": TOKEN.search(response.get_data(as_text=True)).group(1),
        "telephone": "04 73 99 88 77", "portable": "", "mail_perso": ""})
    assert again.status_code == 302
    assert agent_row(app, teacher.id).telephone == "04 73 99 88 77"


@pytest.mark.postgres
def test_dossier_search_refuses_control_characters(app, client, make_teacher, make_gestionnaire, login):
    make_teacher(**DOSSIER)
    g_account, g_password = make_gestionnaire()
    login(client, g_account.identifiant, g_password)
    response = client.get("/dossier/agents/?q=tarte%00muche")
    assert response.status_code == 400
    page = text(response)
    assert "Ce champ contient des caractères invisibles non autorisés : retirez-les." in page
    assert "\x00" not in page and 'value="tartemuche"' in page


# --- the gestionnaire's list of dossiers -------------------------------------------------------


def flat(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", text(response))).replace(S, " ").replace("\u202f", " ")


@pytest.fixture
def gestion(app, client, make_gestionnaire, login):
    account, password = make_gestionnaire()
    login(client, account.identifiant, password)
    return client


def test_the_list_shows_every_dossier_without_typing_a_name(client, make_teacher, make_agent, gestion):
    make_teacher(**DOSSIER)
    make_agent(prenom="Nathalie", nom="Girard", corps="conseiller principal d'éducation", discipline="",
               affectation_uai="0630021F")
    response = client.get("/dossier/agents/")
    assert response.status_code == 200
    page = flat(response)
    assert "2 dossiers" in page
    assert "Tartemuche Claire ctartemuche professeur certifié, classe normale Mathématiques Collège Vercingétorix (0030484K)" in page
    assert "Girard Nathalie — conseiller principal d'éducation, classe normale Sans discipline Lycée des métiers La Fayette (0630021F)" in page
    assert "L1300" not in page


@pytest.mark.parametrize(("query", "found", "absent"), [
    ("discipline=L1300", ["Tartemuche"], ["Girard", "Aubert"]),
    ("discipline=aucune", ["Girard"], ["Tartemuche", "Aubert"]),
    ("etablissement=0030484k", ["Tartemuche"], ["Girard", "Aubert"]),
    ("etablissement=la+fayette", ["Girard"], ["Tartemuche", "Aubert"]),
    ("etablissement=vercingetorix", ["Tartemuche"], ["Girard", "Aubert"]),
    ("q=43t1657894pes", ["Aubert"], ["Tartemuche", "Girard"]),
    ("q=ctartem", ["Tartemuche"], ["Girard", "Aubert"]),
    ("q=claire+tarte", ["Tartemuche"], ["Girard", "Aubert"]),
    ("q=girard&discipline=L1300", [], ["Tartemuche", "Girard", "Aubert"]),
])
def test_the_list_filters_by_discipline_etablissement_and_text(client, make_teacher, make_agent, gestion,
                                                              query, found, absent):
    make_teacher(**DOSSIER)
    make_agent(prenom="Nathalie", nom="Girard", discipline="", affectation_uai="0630021F")
    make_agent(prenom="Pierre", nom="Aubert", discipline="L1000", numen="43T1657894PES")
    response = client.get(f"/dossier/agents/?{query}")
    assert response.status_code == 200
    page = flat(response)
    for name in found:
        assert name in page, (query, name)
    for name in absent:
        assert name not in page, (query, name)
    if not found:
        assert "Aucun dossier ne correspond à ces critères." in page
    assert 'href="/dossier/agents/"' in text(response)  # back to every dossier


def test_the_list_is_sorted_by_name_and_paged_by_50_with_filters_in_the_links(app, client, gestion):
    from forms_app.core.db import write_transaction

    moment = app.config["CLOCK"]()
    db = new_session(app)
    with write_transaction(db):
        for n in range(120):
            db.add(Agent(numen=f"{n:03d}T0000000PES", civilite="Madame", nom=f"Nom{n:03d}", prenom="Ana",
                         date_naissance=date(1980, 1, 1), corps="professeur certifié", grade="classe normale",
                         echelon=5, discipline="L1300" if n % 2 else "L0422", position="en activité",
                         modalite_service="temps complet", created_at=moment, updated_at=moment))
    db.close()
    first = flat(client.get("/dossier/agents/"))
    assert "120 dossiers, page 1 sur 3" in first
    assert first.index("Nom000") < first.index("Nom001") < first.index("Nom049")
    assert "Nom050" not in first
    last = client.get("/dossier/agents/?page=3")
    assert "Nom119" in flat(last) and "Nom099" not in flat(last)
    backwards = flat(client.get("/dossier/agents/?tri=nom-desc"))
    assert backwards.index("Nom119") < backwards.index("Nom070") and "Nom069" not in backwards
    maths = client.get("/dossier/agents/?discipline=L1300&tri=nom-desc")
    assert "60 dossiers, page 1 sur 2" in flat(maths)
    assert 'href="/dossier/agents/?discipline=L1300&tri=nom-desc&page=2"' in text(maths)


@pytest.mark.parametrize(("query", "message"), [
    ("discipline=L9999", "Discipline « L9999 » inconnue : choisissez-en une dans la liste."),
    ("etablissement=0030484A", "L'UAI « 0030484A » n'est pas valide : sa lettre de contrôle devrait être « K » (0030484K)."),
    ("etablissement=lycee+imaginaire", "Aucun établissement ne correspond à « lycee imaginaire » : saisissez son UAI"),
    ("tri=age", "Choisissez un tri de la liste : nom de A à Z ou de Z à A."),
    ("page=abc", "La page « abc » n'existe pas : indiquez un numéro de page (1, 2…)."),
    ("page=0", "La page « 0 » n'existe pas"),
    ("page=²", "La page « ² » n'existe pas : indiquez un numéro de page (1, 2…)."),  # isdigit() says yes, int() no
    ("page=7", "La page 7 n'existe pas : la liste en compte 1. Revenez à la page 1."),
    ("q=" + "x" * 81, "Ce champ accepte au plus 80 caractères (vous en avez saisi 81)."),
])
def test_unknown_filter_values_get_a_400_in_french(client, make_teacher, gestion, query, message):
    make_teacher(**DOSSIER)
    response = client.get(f"/dossier/agents/?{query}")
    assert response.status_code == 400
    page = flat(response)
    assert message in page
    assert "Tartemuche" not in page


# --- whose dossier the words speak of ----------------------------------------------------------


def test_the_teacher_reads_about_herself(client, teacher):
    page = flat(client.get("/dossier/"))
    for words in ("Vous êtes…", "Votre adresse…", "Votre situation administrative…", "Vos affectations…"):
        assert words in page
    assert "Son adresse" not in page
    assert "afin qu'une autre personne ne puisse pas consulter votre dossier" in flat(client.get("/"))
    assert "Calculées d'après les dates de votre dossier" in flat(client.get("/dossier/anciennetes"))


def test_the_gestionnaire_reads_about_the_agent(client, make_teacher, gestion):
    agent, _account, _password = make_teacher(**DOSSIER)
    page = flat(client.get(f"/dossier/agents/{agent.id}/"))
    for words in ("L'agent…", "Son adresse…", "Sa situation administrative…", "Ses affectations…",
                  "Dossier de Mme Claire Tartemuche"):
        assert words in page
    for words in ("Vous êtes", "Votre adresse", "Votre situation", "Vos affectations", "Votre dossier"):
        assert words not in page
    home = flat(client.get("/"))
    assert "Espace gestionnaire" in home and "Votre assistant carrière" not in home
    assert "afin qu'une autre personne ne puisse pas consulter les dossiers des agents" in home
    assert "consulter votre dossier" not in home
    assert "Calculées d'après les dates de son dossier" in flat(client.get(f"/dossier/agents/{agent.id}/anciennetes"))


# --- header and home page ----------------------------------------------------------------------


def test_the_header_leads_to_the_dossier_the_cv_and_the_guides(client, teacher):
    page = text(client.get("/"))
    header = page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    for link in ('<a href="/dossier/">Votre dossier</a>', '<a href="/cv/">Votre CV</a>',
                 '<a href="/guides/">Aide</a>', '<a href="/courrier/">Votre courrier'):
        assert link in header, link
    main = page.split('<main', 1)[1]
    assert '<a href="/guides/">Les guides</a>' in main
    assert "Informez-vous sur les procédures de gestion qui vous concernent…" in main


def test_a_gestionnaire_header_has_aide_but_no_dossier_of_her_own(client, gestion):
    page = text(client.get("/"))
    header = page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert '<a href="/guides/">Aide</a>' in header
    assert "Votre dossier" not in header and "Votre CV" not in header
    assert '<a href="/guides/">Les guides</a>' in page.split('<main', 1)[1]


# --- history: Carrière, Affectations, Anciennetés ----------------------------------------------


@pytest.fixture
def with_history(app, teacher):
    from forms_app.core.db import write_transaction
    from forms_app.dossier.models import LigneAffectation, LigneCarriere

    db = new_session(app)
    with write_transaction(db):
        db.add_all([
            LigneCarriere(agent_id=teacher.id, debut=date(2004, 9, 1), corps="professeur des écoles",
                          grade="classe normale", echelon=3, position="en activité"),
            LigneCarriere(agent_id=teacher.id, debut=date(2008, 9, 1), corps="professeur certifié",
                          grade="classe normale", echelon=4, position="en activité"),
            LigneCarriere(agent_id=teacher.id, debut=date(2012, 3, 1), corps="professeur certifié",
                          grade="classe normale", echelon=5,
                          position="disponibilité pour convenances personnelles"),
            LigneCarriere(agent_id=teacher.id, debut=date(2013, 3, 1), corps="professeur certifié",
                          grade="classe normale", echelon=5, position="en activité"),
            LigneCarriere(agent_id=teacher.id, debut=date(2019, 9, 1), corps="professeur certifié",
                          grade="classe normale", echelon=6, position="en activité"),
            LigneAffectation(agent_id=teacher.id, debut=date(2008, 9, 1), fin=date(2009, 9, 1), uai="0931234L",
                             etablissement="Collège Jean-Jaurès, Saint-Denis (académie de Créteil)",
                             nature="année de stage"),
            LigneAffectation(agent_id=teacher.id, debut=date(2009, 9, 1), fin=date(2019, 9, 1), uai="0630021F",
                             etablissement="", nature="à titre définitif"),
        ])
    db.close()
    return teacher


def test_the_career_tab_shows_the_history_newest_first(client, with_history):
    page = flat(client.get("/dossier/carriere"))
    assert "Historique de carrière" in page
    rows = page.split("Historique de carrière", 1)[1]
    assert rows.index("01/09/2023 en cours professeur certifié classe normale 07 en activité") < rows.index(
        "01/09/2019 01/09/2023 professeur certifié classe normale 06 en activité") < rows.index(
        "01/03/2012 01/03/2013 professeur certifié classe normale 05 disponibilité pour convenances personnelles") < rows.index(
        "01/09/2004 01/09/2008 professeur des écoles classe normale 03 en activité")


def test_the_affectations_tab_shows_the_past_posts(client, with_history):
    page = flat(client.get("/dossier/affectations"))
    assert "Affectation actuelle Collège Vercingétorix" in page
    past = page.split("Affectations précédentes", 1)[1]
    assert past.index("01/09/2009 01/09/2019 Lycée des métiers La Fayette, Clermont-Ferrand (0630021F) à titre définitif") < past.index(
        "01/09/2008 01/09/2009 Collège Jean-Jaurès, Saint-Denis (académie de Créteil) (0931234L) année de stage")


def test_the_anciennetes_tab_shows_ags_and_corps(client, with_history):
    page = flat(client.get("/dossier/anciennetes"))
    # AGS from the first line (01/09/2004), a year of disponibilité deducted; corps certifié since 2008.
    assert ("Ancienneté générale de service (AGS) 01/09/2004 21 ans 2 mois 5 jours "
            "(disponibilité déduite : 365 jours)") in page
    assert "Ancienneté dans le corps 01/09/2008 17 ans 2 mois 5 jours (disponibilité déduite : 365 jours)" in page
    assert "Ancienneté dans le grade 01/09/2008" in page
    assert "Ancienneté dans l'échelon 01/09/2023 3 ans 2 mois 5 jours" in page


def test_without_history_the_tabs_say_so(client, teacher):
    assert "Son dossier ne contient pas" not in flat(client.get("/dossier/carriere"))
    assert "Votre dossier ne contient pas encore les échelons précédents." in flat(client.get("/dossier/carriere"))
    assert "Aucune affectation précédente enregistrée." in flat(client.get("/dossier/affectations"))
    assert "Ancienneté générale de service (AGS) — Date non renseignée" in flat(client.get("/dossier/anciennetes"))


def test_the_gestionnaire_reads_the_same_history(client, with_history, make_gestionnaire, login):
    account, password = make_gestionnaire()
    other = client.application.test_client()
    login(other, account.identifiant, password)
    assert "01/09/2004 01/09/2008 professeur des écoles" in flat(other.get(f"/dossier/agents/{with_history.id}/carriere"))


# --- « Signaler un changement » with a justificatif; the gestionnaire updates the dossier from it -------

import io  # noqa: E402

import hostile_pdfs as hostile  # noqa: E402

from forms_app.courrier.models import PieceMessage  # noqa: E402
from forms_app.dossier.models import LigneCarriere  # noqa: E402


def signal(client, rubrique: str, description: str, date_effet: str, justificatif=None):
    data = {"csrf_token": token(client, "/dossier/signaler"), "rubrique": rubrique, "description": description,
            "date_effet": date_effet}
    if justificatif is not None:
        data["justificatif"] = (io.BytesIO(justificatif[0]), justificatif[1])
    return client.post("/dossier/signaler", data=data, content_type="multipart/form-data")


def last_signalement(app) -> Message:
    with app.app_context(), new_session(app) as session:
        return session.scalars(select(Message).where(Message.kind == "signalement").order_by(Message.id.desc())).first()


@pytest.fixture
def desk(app, make_gestionnaire, login):
    """A gestionnaire's client, apart from the teacher's."""
    account, password = make_gestionnaire()
    other = app.test_client()
    login(other, account.identifiant, password)
    return other


def test_a_signalement_carries_its_justificatif_to_the_gestionnaire(app, client, teacher, desk):
    pdf = hostile.valid_pdf()
    response = signal(client, "adresse", "Déménagement au 2 place de Jaude.", "01/11/2026",
                      (pdf, "justificatif de domicile.pdf"))
    assert response.status_code == 302
    message = last_signalement(app)
    with app.app_context(), new_session(app) as session:
        piece = session.scalars(select(PieceMessage).where(PieceMessage.message_id == message.id)).one()
    thread = text(desk.get(f"/courrier/{message.id}"))
    assert f'href="/courrier/pieces/{piece.id}" download>justificatif_de_domicile.pdf</a>' in thread
    assert desk.get(f"/courrier/pieces/{piece.id}").data == pdf
    assert f'href="/dossier/signalements/{message.id}/mise-a-jour"' in thread
    assert "Mettre à jour le dossier" not in text(client.get(f"/courrier/{message.id}"))  # not for the teacher


def test_a_justificatif_that_is_no_pdf_sends_nothing(app, client, teacher):
    response = signal(client, "adresse", "Déménagement.", "01/11/2026", (b"PK\x03\x04docx", "bail.docx"))
    assert response.status_code == 400
    assert f"«{S}bail.docx{S}» n'est pas un PDF" in text(response)
    assert "Déménagement." in text(response)
    assert last_signalement(app) is None


def test_the_gestionnaire_updates_the_address_and_the_teacher_is_told(app, client, teacher, desk):
    signal(client, "adresse", "Nous habitons désormais 2 place de Jaude, 63000 Clermont-Ferrand.", "01/11/2026",
           (hostile.valid_pdf(), "domicile.pdf"))
    message = last_signalement(app)
    url = f"/dossier/signalements/{message.id}/mise-a-jour"
    page = text(desk.get(url))
    assert "Mettre à jour le dossier de Mme Claire Tartemuche" in page
    assert "Nous habitons désormais 2 place de Jaude" in page and "domicile.pdf" in page
    assert 'value="1 rue de Vercingétorix"' in page and 'value="63000"' in page  # prefilled from the dossier
    response = post(desk, url, url, {"adresse": "2 place de Jaude", "code_postal": "63000",
                                     "commune": "Clermont-Ferrand"})
    assert response.status_code == 302 and response.headers["Location"] == f"/courrier/{message.id}"
    assert "Le dossier de Claire Tartemuche a été mis à jour ; l'agent en est informé dans son courrier." in flat(
        desk.get(response.headers["Location"]))
    assert agent_row(app, teacher.id).adresse == "2 place de Jaude"
    with app.app_context(), new_session(app) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "dossier.mise_a_jour")).one()
        told = session.scalars(select(Message).where(Message.kind == "dossier")).one()
    assert '"1 rue de Vercingétorix"' in entry.before and '"2 place de Jaude"' in entry.after
    assert str(message.id) in entry.after
    assert told.thread_id == message.id and told.read_at is None
    # The teacher reads it in her courrier, in the thread of her signalement.
    inbox = flat(client.get("/courrier/"))
    assert "1 non lu" in inbox and "Votre dossier a été mis à jour" in inbox
    thread = flat(client.get(f"/courrier/{message.id}"))
    assert "Mise à jour du dossier" in thread
    assert "votre dossier a été mis à jour (rubrique adresse) :" in thread
    assert "- Adresse : 1 rue de Vercingétorix → 2 place de Jaude" in thread
    assert "2 place de Jaude" in flat(client.get("/dossier/"))


def test_a_change_of_echelon_keeps_the_old_one_in_the_history(app, client, teacher, desk):
    signal(client, "carriere", "Promue au 8e échelon.", "01/09/2026")
    message = last_signalement(app)
    url = f"/dossier/signalements/{message.id}/mise-a-jour"
    page = text(desk.get(url))
    assert 'value="01/09/2026"' in page  # the signalement's date d'effet
    data = {"corps": "professeur certifié", "grade": "classe normale", "echelon": "8",
            "echelon_depuis": "01/09/2026", "position": "en activité"}
    early = post(desk, url, url, {**data, "echelon_depuis": "01/09/2022"})
    assert early.status_code == 400
    assert ("La date d'effet doit suivre le 01/09/2023, début de la situation actuelle (qui passe dans "
            "l'historique) : corrigez-la.") in flat(early)
    assert post(desk, url, url, data).status_code == 302
    agent = agent_row(app, teacher.id)
    assert (agent.echelon, agent.echelon_depuis) == (8, date(2026, 9, 1))
    with app.app_context(), new_session(app) as session:
        lines = [(x.debut, x.echelon) for x in session.scalars(select(LigneCarriere))]
    assert lines == [(date(2023, 9, 1), 7)]
    assert "01/09/2023 01/09/2026 professeur certifié classe normale 07" in flat(client.get("/dossier/carriere"))


@pytest.mark.parametrize(("rubrique", "data", "message"), [
    ("adresse", {"adresse": "2 place de Jaude", "code_postal": "630", "commune": "Clermont-Ferrand"},
     "Saisissez un code postal à 5 chiffres, par exemple 63000."),
    ("enfants", {"enfants": "beaucoup"}, "Saisissez un nombre entier de 0 à 20."),
    ("enfants", {"enfants": "2"}, "Aucun changement : les valeurs saisies sont déjà celles du dossier."),
    ("carriere", {"corps": "professeur certifié", "grade": "classe normale", "echelon": "12",
                  "echelon_depuis": "01/09/2026", "position": "en activité"}, "Saisissez un nombre entier de 1 à 11."),
    ("situation_familiale", {"situation_familiale": ""}, "Indiquez la situation familiale, par exemple Marié(e)."),
])
def test_a_refused_update_changes_nothing(app, client, teacher, desk, rubrique, data, message):
    signal(client, "autre", "Plusieurs changements.", "01/11/2026")
    signalement = last_signalement(app)
    url = f"/dossier/signalements/{signalement.id}/mise-a-jour?rubrique={rubrique}"
    before = agent_row(app, teacher.id).snapshot()
    response = post(desk, url, url, data)
    assert response.status_code == 400
    assert message in flat(response)
    assert agent_row(app, teacher.id).snapshot() == before
    with app.app_context(), new_session(app) as session:
        assert session.scalars(select(Message).where(Message.kind == "dossier")).all() == []


def test_a_signalement_autre_asks_which_rubrique_and_unknown_ones_are_refused(app, client, teacher, desk):
    signal(client, "autre", "Changement de nom d'usage.", "01/11/2026")
    signalement = last_signalement(app)
    url = f"/dossier/signalements/{signalement.id}/mise-a-jour"
    page = flat(desk.get(url))
    assert "Choisissez ci-dessus la rubrique du dossier que ce signalement modifie." in page
    assert post(desk, url, url, {}).status_code == 400
    unknown = desk.get(url + "?rubrique=salaire")
    assert unknown.status_code == 400
    assert "Rubrique « salaire » inconnue : choisissez-en une dans la liste ci-dessous." in flat(unknown)
    assert 'name="enfants"' in text(desk.get(url + "?rubrique=enfants"))


def test_only_gestionnaires_update_and_only_from_a_signalement(app, client, teacher, desk):
    signal(client, "enfants", "Naissance.", "01/11/2026")
    signalement = last_signalement(app)
    assert client.get(f"/dossier/signalements/{signalement.id}/mise-a-jour").status_code == 403
    post(client, "/courrier/ecrire", "/courrier/ecrire", {"objet": "Question", "corps": "Bonjour."})
    with app.app_context(), new_session(app) as session:
        plain = session.scalars(select(Message).where(Message.kind == "message")).one()
    assert desk.get(f"/dossier/signalements/{plain.id}/mise-a-jour").status_code == 404
    assert desk.get("/dossier/signalements/99999/mise-a-jour").status_code == 404


@pytest.mark.parametrize("q", ["elodie", "ÉLODIE", "Élodie D'Aubigny", "aubigny elodie", "d aubigny-vidal", "VIDAL"])
def test_a_name_is_found_whatever_accents_case_and_order_are_typed(client, make_agent, gestion, q):
    """A stored search form of the name (agents.recherche): « elodie » finds « Élodie », on both databases."""
    make_agent(prenom="Élodie", nom="D'Aubigny-Vidal", numen="12E3456789ABC")
    make_agent(prenom="Pierre", nom="Aubert", numen="43T1657894PES")
    page = flat(client.get("/dossier/agents/", query_string={"q": q}))
    assert "D'Aubigny-Vidal" in page, q
    assert "Aubert" not in page, q


def test_a_search_with_like_wildcards_matches_them_literally(client, make_agent, gestion):
    make_agent(prenom="Pierre", nom="Aubert", numen="43T1657894PES")
    assert "Aucun dossier ne correspond à ces critères." in flat(client.get("/dossier/agents/?q=%25"))
    assert "Aucun dossier ne correspond à ces critères." in flat(client.get("/dossier/agents/?q=_"))
