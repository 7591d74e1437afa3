"""CV: add, edit, delete with confirmation, reorder with ▲ ▼, print edition, and ownership."""
import html
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from forms_app.core.db import new_session
from forms_app.core.models import AuditEntry
from forms_app.cv.forms import RUBRIQUES
from forms_app.cv.models import CvEntry
from generator.model import PARIS

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def flat(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", text(response)))


def token(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return TOKEN.search(response.get_data(as_text=True)).group(1)


def post(client, page: str, action: str, data: dict | None = None):
    return client.post(action, data={"csrf_token": token(client, page), **(data or {})})


@pytest.fixture
def teacher(app, client, clock, make_teacher, login):
    clock.current = datetime(2026, 11, 6, 10, 0, tzinfo=PARIS)
    agent, account, password = make_teacher(prenom="Claire", nom="Tartemuche")
    login(client, account.identifiant, password)
    return agent


def entries(app, agent_id: int, rubrique: str) -> list[tuple[int, str]]:
    with app.app_context(), new_session(app) as session:
        rows = session.scalars(
            select(CvEntry).where(CvEntry.agent_id == agent_id, CvEntry.rubrique == rubrique)
            .order_by(CvEntry.rank)
        )
        return [(e.rank, e.intitule) for e in rows]


def add(client, rubrique: str, **data):
    page = f"/cv/{rubrique}/ajouter"
    return post(client, page, page, {"intitule": "x", **data})


def entry_id(app, agent_id: int, intitule: str) -> int:
    with app.app_context(), new_session(app) as session:
        return session.scalar(select(CvEntry.id).where(CvEntry.agent_id == agent_id,
                                                       CvEntry.intitule == intitule))


def test_overview_shows_the_information_text(client, teacher):
    page = flat(client.get("/cv/"))
    assert ("Ces informations seront consultables par votre gestionnaire ainsi que par les corps "
            "d'inspection.") in page
    assert "droit d'accès et de rectification" in page
    for rubrique in RUBRIQUES.values():
        assert rubrique.titre in page


@pytest.mark.parametrize("slug", list(RUBRIQUES))
def test_each_rubrique_renders_and_accepts_an_entry(app, client, teacher, slug):
    rubrique = RUBRIQUES[slug]
    form = flat(client.get(f"/cv/{slug}/ajouter"))
    assert f"Ajouter {rubrique.un}" in form and rubrique.intitule in form
    data = {"intitule": "Entrée d'essai", "organisme": "Université Clermont Auvergne",
            "annee_debut": "2010", "annee_fin": "2012", "niveau": "B2", "precisions": "Mention bien"}
    response = add(client, slug, **data)
    assert response.status_code == 302
    page = flat(client.get(response.headers["Location"]))
    assert "L'entrée a été ajoutée à votre CV." in page
    assert "Entrée d'essai" in page
    assert entries(app, teacher.id, slug) == [(1, "Entrée d'essai")]


def test_fields_a_rubrique_does_not_ask_are_not_stored(app, client, teacher):
    add(client, "langues", intitule="Italien", niveau="C1", organisme="ignoré", annee_debut="2001")
    add(client, "diplomes", intitule="CAPES", annee_debut="2005", annee_fin="2006", niveau="C2")
    with app.app_context(), new_session(app) as session:
        langue = session.scalar(select(CvEntry).where(CvEntry.rubrique == "langues"))
        diplome = session.scalar(select(CvEntry).where(CvEntry.rubrique == "diplomes"))
    assert (langue.niveau, langue.organisme, langue.annee_debut) == ("C1", "", None)
    assert (diplome.annee_debut, diplome.annee_fin, diplome.niveau) == (2005, None, "")


CV_REFUSALS = [
    ("formations", {"intitule": ""}, "Ce champ est obligatoire : complétez-le."),
    ("formations", {"intitule": "x" * 201}, "Ce champ accepte au plus 200 caractères (vous en avez saisi 201)."),
    ("formations", {"intitule": "Stage\x07"}, "Ce champ contient des caractères invisibles non autorisés : retirez-les."),
    ("formations", {"annee_debut": "15"}, "Saisissez une année sur quatre chiffres, par exemple 2015."),
    ("formations", {"annee_debut": "２０１５"}, "Saisissez une année sur quatre chiffres, par exemple 2015."),
    ("formations", {"annee_debut": "1850"}, "Saisissez une année entre 1930 et 2031."),
    ("formations", {"annee_debut": "2015", "annee_fin": "2014"},
     "L'année de fin doit être égale ou postérieure à l'année de début."),
    ("langues", {"niveau": ""}, "Choisissez un niveau."),
    ("langues", {"niveau": "Z9"}, "Choisissez un niveau."),
    ("publications", {"precisions": "p" * 2001}, "Ce champ accepte au plus 2\u202f000 caractères (vous en avez saisi 2\u202f001)."),
]


@pytest.mark.parametrize(("slug", "data", "message"), CV_REFUSALS)
def test_entry_refusals_keep_input_and_store_nothing(app, client, teacher, slug, data, message):
    full = {"intitule": "Formation de formateurs", "annee_debut": "", "annee_fin": "", "niveau": "B1", **data}
    response = add(client, slug, **full)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    if full["intitule"] and len(full["intitule"]) < 100 and "\x07" not in full["intitule"]:
        assert f'value="{full["intitule"]}"' in page
    assert entries(app, teacher.id, slug) == []


def test_unknown_rubrique_is_404(client, teacher):
    assert client.get("/cv/loisirs/").status_code == 404
    assert client.get("/cv/loisirs/ajouter").status_code == 404


def test_edit_an_entry(app, client, teacher):
    add(client, "diplomes", intitule="Licence de mathématiques", annee_debut="2002")
    eid = entry_id(app, teacher.id, "Licence de mathématiques")
    form = text(client.get(f"/cv/entrees/{eid}/modifier"))
    assert 'value="Licence de mathématiques"' in form and 'value="2002"' in form
    page = f"/cv/entrees/{eid}/modifier"
    response = post(client, page, page, {"intitule": "Master de mathématiques", "annee_debut": "2004"})
    assert response.status_code == 302
    assert entries(app, teacher.id, "diplomes") == [(1, "Master de mathématiques")]
    refused = post(client, page, page, {"intitule": "", "annee_debut": "2004"})
    assert refused.status_code == 400
    assert entries(app, teacher.id, "diplomes") == [(1, "Master de mathématiques")]
    with app.app_context(), new_session(app) as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "cv.modification")).one()
        assert "Licence de mathématiques" in audit.before and "Master de mathématiques" in audit.after


@pytest.mark.postgres
def test_delete_asks_for_confirmation_and_closes_the_gap(app, client, teacher):
    for name in ("Un", "Deux", "Trois"):
        add(client, "formations", intitule=name)
    eid = entry_id(app, teacher.id, "Deux")
    confirm = flat(client.get(f"/cv/entrees/{eid}/supprimer"))
    assert "Voulez-vous vraiment supprimer cette entrée de la rubrique « Formations »\u00a0?" in confirm
    assert entries(app, teacher.id, "formations") == [(1, "Un"), (2, "Deux"), (3, "Trois")]
    response = post(client, f"/cv/entrees/{eid}/supprimer", f"/cv/entrees/{eid}/supprimer")
    assert response.status_code == 302
    assert "L'entrée a été supprimée." in text(client.get(response.headers["Location"]))
    assert entries(app, teacher.id, "formations") == [(1, "Un"), (2, "Trois")]
    assert client.get(f"/cv/entrees/{eid}/modifier").status_code == 404


@pytest.mark.postgres
def test_reorder_keeps_ranks_one_to_n(app, client, teacher):
    for name in ("A", "B", "C", "D"):
        add(client, "publications", intitule=name)
    ids = {name: entry_id(app, teacher.id, name) for name in "ABCD"}
    page = "/cv/publications/"
    assert post(client, page, f"/cv/entrees/{ids['C']}/monter").status_code == 302
    assert entries(app, teacher.id, "publications") == [(1, "A"), (2, "C"), (3, "B"), (4, "D")]
    post(client, page, f"/cv/entrees/{ids['A']}/descendre")
    assert entries(app, teacher.id, "publications") == [(1, "C"), (2, "A"), (3, "B"), (4, "D")]
    # At the edges nothing moves and the page says why.
    response = post(client, page, f"/cv/entrees/{ids['C']}/monter")
    assert "Cette entrée est déjà en tête." in text(client.get(response.headers["Location"]))
    post(client, page, f"/cv/entrees/{ids['D']}/descendre")
    assert entries(app, teacher.id, "publications") == [(1, "C"), (2, "A"), (3, "B"), (4, "D")]
    listing = text(client.get(page))
    assert listing.index(">C<") < listing.index(">A<") < listing.index(">B<") < listing.index(">D<")


def test_edition_is_a_print_ready_page(app, client, teacher):
    add(client, "diplomes", intitule="Agrégation de mathématiques", organisme="Ministère",
        annee_debut="2008")
    add(client, "langues", intitule="Anglais", niveau="C1")
    response = client.get("/cv/edition")
    page = flat(response)
    assert "Curriculum vitae" in page and "Claire Tartemuche" in page
    raw = text(response)
    assert '<span class="cv-intitule">Agrégation de mathématiques</span>, Ministère (2008)' in raw
    assert '<span class="cv-intitule">Anglais</span> — C1 — expérimenté (autonome)' in raw
    assert "Édité le 06/11/2026" in page
    assert 'assets/app/cv-print.css" media="print"' in response.get_data(as_text=True)
    assert "Formations" not in page.split("Curriculum vitae", 1)[1].split("Pour l'imprimer")[0]


def test_edition_names_the_corps_grade_and_discipline(client, teacher):
    page = flat(client.get("/cv/edition"))
    assert "Professeur certifié, classe normale — Mathématiques" in page
    assert "L1300" not in page


@pytest.mark.postgres
def test_another_teacher_gets_404_on_each_entry_url(app, client, teacher, make_teacher, login):
    add(client, "formations", intitule="Mienne")
    eid = entry_id(app, teacher.id, "Mienne")
    other_client = app.test_client()
    _agent, account, password = make_teacher(prenom="Paul", nom="Autre")
    login(other_client, account.identifiant, password)
    csrf = token(other_client, "/cv/formations/")
    assert other_client.get(f"/cv/entrees/{eid}/modifier").status_code == 404
    assert other_client.get(f"/cv/entrees/{eid}/supprimer").status_code == 404
    for action in ("modifier", "supprimer", "monter", "descendre"):
        response = other_client.post(f"/cv/entrees/{eid}/{action}",
                                     data={"csrf_token": csrf, "intitule": "Volée"})
        assert response.status_code == 404, action
    assert entries(app, teacher.id, "formations") == [(1, "Mienne")]
    assert other_client.get(f"/cv/agents/{teacher.id}/edition").status_code == 403


def test_gestionnaire_reads_a_teachers_cv(app, client, teacher, make_gestionnaire, login):
    add(client, "formations", intitule="Formation à l'évaluation")
    g_client = app.test_client()
    g_account, g_password = make_gestionnaire()
    login(g_client, g_account.identifiant, g_password)
    page = flat(g_client.get(f"/cv/agents/{teacher.id}/edition"))
    assert "Formation à l'évaluation" in page
    assert g_client.get("/cv/agents/99999/edition").status_code == 404


def test_csrf_failure_keeps_the_input(app, client, teacher):
    response = client.post("/cv/formations/ajouter", data={"intitule": "Stage de printemps"})
    assert response.status_code == 400
    page = text(response)
    assert "Votre session a expiré, renvoyez le formulaire." in page
    assert 'value="Stage de printemps"' in page
    assert entries(app, teacher.id, "formations") == []


def test_buttons_without_csrf_change_nothing(app, client, teacher):
    for name in ("A", "B"):
        add(client, "formations", intitule=name)
    b = entry_id(app, teacher.id, "B")
    assert client.post(f"/cv/entrees/{b}/monter").status_code == 400
    assert client.post(f"/cv/entrees/{b}/supprimer").status_code == 400
    assert entries(app, teacher.id, "formations") == [(1, "A"), (2, "B")]


@pytest.mark.parametrize("big", ["2147483648", "99999999999999999999", "0"])
def test_out_of_range_ids_are_404(client, teacher, big):
    assert client.get(f"/cv/entrees/{big}/modifier").status_code == 404
    assert client.get(f"/courrier/{big}").status_code == 404


def test_out_of_range_ids_are_404_for_a_gestionnaire(app, make_gestionnaire, login):
    g_client = app.test_client()
    g_account, g_password = make_gestionnaire()
    login(g_client, g_account.identifiant, g_password)
    for url in ("/dossier/agents/99999999999999999999/", "/cv/agents/99999999999999999999/edition",
                "/courrier/9223372036854775808"):
        assert g_client.get(url).status_code == 404, url
