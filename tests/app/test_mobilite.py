"""Mobilité through the test client: services, demandes in steps, lettre, vœux, refusals, récapitulatif."""
from __future__ import annotations

import re
from datetime import datetime
from html import unescape

import pytest
from sqlalchemy import func, select, update

from forms_app.comptes.models import UserSession
from forms_app.core.db import new_session, write_transaction
from forms_app.core.models import AuditEntry
from forms_app.dossier.models import Agent
from forms_app.mobilite.models import Demande, Lettre, Voeu
from forms_app.mobilite.rules.demandes import ETAT_COMPLETE, ETAT_LETTRE, ETAT_VOEUX, MSG_DOUBLON, MSG_LETTRE_AVANT
from forms_app.mobilite.rules.voeux import MSG_PERIME
from generator.model import PARIS

NBSP = "\u00a0"
SPEC = "specifique-2027"
INTRA = "intra-2027"


def csrf_from(html) -> str:
    """The CSRF token of the first form of a page."""
    if isinstance(html, bytes):
        html = html.decode()
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def text_of(response) -> str:
    """Visible text of a page, entities decoded, blanks collapsed (non-breaking spaces kept)."""
    html = response.data.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def creer_demande(client, slug: str, mouvement: str, discipline: str = "", preference: str = ""):
    page = f"/mobilite/{slug}/ajouter?mouvement={mouvement}&discipline={discipline}&preference={preference}"
    token = csrf_from(client.get(page).data)
    return client.post(f"/mobilite/{slug}/ajouter", data={
        "csrf_token": token, "mouvement": mouvement, "discipline": discipline, "preference": preference})


def demande_ids(app, agent_id: int) -> list[int]:
    db = new_session(app)
    ids = list(db.scalars(select(Demande.id).where(Demande.agent_id == agent_id).order_by(Demande.id)))
    db.close()
    return ids


def voeux_of(app, demande_id: int) -> list[tuple[int, str, str]]:
    db = new_session(app)
    rows = [(v.rank, v.type, v.code) for v in db.scalars(
        select(Voeu).where(Voeu.demande_id == demande_id).order_by(Voeu.rank))]
    db.close()
    return rows


def version_of(client, demande_id: int) -> str:
    html = client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=ETB&code=0630021F").data.decode()
    return re.search(r'name="version" type="hidden" value="(\d+)"|name="version" value="(\d+)"', html).group(0).split('"')[-2]


def add_voeu(client, demande_id: int, type_: str, code: str, version: str | None = None, type_etab: str = ""):
    page = client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type={type_}&code={code}")
    html = page.data.decode()
    found = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', html)
    token = csrf_from(html)
    return client.post(f"/mobilite/demandes/{demande_id}/voeux/ajouter", data={
        "csrf_token": token, "type": type_, "code": code, "type_etab": type_etab,
        "version": version if version is not None else (found.group(1) if found else "0")})


def save_lettre(client, demande_id: int, texte: str = "Madame, Monsieur, je souhaite enseigner en CPGE."):
    token = csrf_from(client.get(f"/mobilite/demandes/{demande_id}/lettre").data)
    return client.post(f"/mobilite/demandes/{demande_id}/lettre", data={"csrf_token": token, "texte": texte})


# --- services ---------------------------------------------------------------------------------

def test_services_page_lists_campaigns_with_state_and_planning(teacher_client):
    client, _agent, _account = teacher_client
    text = text_of(client.get("/mobilite/"))
    assert "Mouvements spécifiques 2027 saisie ouverte" in text
    assert "Mouvement intra-académique 2027 saisie à venir" in text
    assert f"Du mardi 17 novembre 2026 à 12{NBSP}h{NBSP}00 au mardi 8 décembre 2026 à 12{NBSP}h{NBSP}00 : Saisie et modification des demandes, lettres de motivation et vœux" in text
    assert 'href="/plannings/specifique-2027/"' in client.get("/mobilite/").data.decode()


def test_services_page_welcomes_as_siam_does(teacher_client):
    """Seed 001: how to inform oneself, what one can do, the lignes directrices, a note d'information at each
    step (from the campaign files), and the RGPD mention of the algorithmic processing."""
    client, _agent, _account = teacher_client
    page = client.get("/mobilite/")
    html, text = page.data.decode(), text_of(page)
    assert "Pour vous informer" in text and "Pour saisir et suivre votre demande" in text
    assert ("Mentions RGPD : les décisions individuelles prises dans le cadre des mouvements des personnels du "
            "second degré donnent lieu à la mise en œuvre d'un traitement algorithmique") in text
    assert html.count('href="/notes-de-service/2026-121/">lignes directrices de gestion') == 3
    assert 'href="/notes-de-service/2026-123/">note d\'information' in html
    assert ('<span class="etat-note">(ouverte)</span> — <a href="/guides/saisir-une-demande-de-mouvement-specifique/">'
            'note d\'information<span class="visually-hidden"> : Saisie et modification des demandes') in html


# --- demandes ---------------------------------------------------------------------------------

def test_demande_in_steps_movement_discipline_preference(app, teacher_client):
    client, agent, _account = teacher_client
    step1 = text_of(client.get(f"/mobilite/{SPEC}/ajouter"))
    assert "*Classes préparatoires aux grandes écoles" in step1 and "Enseignement en langue occitane" in step1
    step2 = text_of(client.get(f"/mobilite/{SPEC}/ajouter?mouvement=CPGE"))
    assert "Critère mouvement : Classes préparatoires aux grandes écoles" in step2
    assert "Sélectionnez une discipline de mouvement en cliquant sur son lien" in step2
    step3 = text_of(client.get(f"/mobilite/{SPEC}/ajouter?mouvement=CPGE&discipline=L1500"))
    assert "Physique, chimie et sciences de l'ingénieur" in step3
    response = creer_demande(client, SPEC, "CPGE", "L1500", "PCSI")
    assert response.status_code == 302
    text = text_of(client.get(f"/mobilite/{SPEC}/"))
    assert ("*Classes préparatoires aux grandes écoles Physique-chimie Préférence : "
            "Physique, chimie et sciences de l'ingénieur 0 " + ETAT_LETTRE) in text
    assert "20/11/2026 à 10:00" in text
    db = new_session(app)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "mobilite.demande.creation")).one()
    db.close()
    assert '"mouvement": "CPGE"' in entry.after


def test_second_demande_for_same_movement_and_discipline_is_refused(app, teacher_client):
    client, agent, _ = teacher_client
    assert creer_demande(client, SPEC, "CINE", "L0202").status_code == 302
    response = creer_demande(client, SPEC, "CINE", "L0202")
    assert response.status_code == 409
    assert MSG_DOUBLON in text_of(response)
    assert creer_demande(client, SPEC, "CINE", "L1800").status_code == 302
    assert len(demande_ids(app, agent.id)) == 2


@pytest.mark.parametrize("mouvement, discipline, preference, message", [
    ("XYZ", "", "", "Ce mouvement n'existe pas dans cette campagne\u00a0: choisissez-en un dans la liste."),
    ("CPGE", "", "MPSI", "Choisissez une discipline de mouvement dans la liste\u00a0: ce mouvement en demande une."),
    ("CPGE", "L1300", "", "Choisissez une préférence dans la liste\u00a0: ce mouvement en demande une."),
])
def test_forged_demande_is_refused(teacher_client, mouvement, discipline, preference, message):
    client, _, _ = teacher_client
    token = csrf_from(client.get(f"/mobilite/{SPEC}/").data)
    response = client.post(f"/mobilite/{SPEC}/ajouter", data={
        "csrf_token": token, "mouvement": mouvement, "discipline": discipline, "preference": preference})
    assert response.status_code == 400
    assert message in text_of(response)


def test_delete_demande_after_confirmation(app, teacher_client):
    client, agent, _ = teacher_client
    creer_demande(client, SPEC, "OCCITAN", "L1300")
    (demande_id,) = demande_ids(app, agent.id)
    empty = text_of(client.get(f"/mobilite/demandes/{demande_id}/supprimer"))
    assert "Elle ne compte aucun vœu ; sa lettre de motivation et ses pièces jointes seront supprimées." in empty
    assert "0 vœu" not in empty
    add_voeu(client, demande_id, "ETB", "0630021F")
    confirm = client.get(f"/mobilite/demandes/{demande_id}/supprimer")
    assert "Voulez-vous vraiment supprimer la demande" in text_of(confirm)
    assert "Sa lettre de motivation, ses pièces jointes et son vœu seront supprimés." in text_of(confirm)
    response = client.post(f"/mobilite/demandes/{demande_id}/supprimer", data={"csrf_token": csrf_from(confirm.data)})
    assert response.status_code == 302
    assert demande_ids(app, agent.id) == []
    assert voeux_of(app, demande_id) == []


def test_another_teachers_demande_answers_404(app, client, teacher_client, make_teacher, login):
    client, agent, _ = teacher_client
    creer_demande(client, SPEC, "OCCITAN", "L1300")
    (demande_id,) = demande_ids(app, agent.id)
    other = app.test_client()
    _a, account, password = make_teacher(nom="Martin")
    login(other, account.identifiant, password)
    assert other.get(f"/mobilite/demandes/{demande_id}/").status_code == 404
    assert other.get(f"/mobilite/demandes/{demande_id}/lettre").status_code == 404


# --- lettre -----------------------------------------------------------------------------------

@pytest.mark.postgres
def test_starred_movement_needs_the_lettre_before_voeux(app, teacher_client):
    client, agent, _ = teacher_client
    creer_demande(client, SPEC, "CPGE", "L1300", "MPSI")
    (demande_id,) = demande_ids(app, agent.id)
    page = text_of(client.get(f"/mobilite/demandes/{demande_id}/"))
    assert MSG_LETTRE_AVANT in page and "Ajouter un vœu" not in page
    refused = client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=ETB&code=0630021F")
    assert refused.status_code == 409
    assert MSG_LETTRE_AVANT in text_of(refused)
    forged = client.post(f"/mobilite/demandes/{demande_id}/voeux/ajouter", data={
        "csrf_token": csrf_from(client.get(f"/mobilite/{SPEC}/").data), "type": "ETB", "code": "0630021F",
        "version": "0"})
    assert forged.status_code == 409
    assert voeux_of(app, demande_id) == []
    assert save_lettre(client, demande_id).status_code == 302
    assert "Visualiser la lettre de motivation" in text_of(client.get(f"/mobilite/{SPEC}/"))
    services = text_of(client.get("/mobilite/"))
    assert ("Lettre de motivation pour le mouvement Classes préparatoires aux grandes écoles Mathématiques "
            "Préférence : Mathématiques, physique et sciences de l'ingénieur : Visualiser la lettre de motivation") in services
    assert ETAT_VOEUX in text_of(client.get(f"/mobilite/{SPEC}/"))
    # The lettre check reads the saved lettre with the list, in the add's one read.
    assert add_voeu(client, demande_id, "ETB", "0630021F").status_code == 302
    assert f"1 {ETAT_COMPLETE}" in text_of(client.get(f"/mobilite/{SPEC}/"))
    assert add_voeu(client, demande_id, "COM", "63113").status_code == 302
    assert voeux_of(app, demande_id) == [(1, "ETB", "0630021F"), (2, "COM", "63113")]
    stale = add_voeu(client, demande_id, "DPT", "63", version="1")
    assert stale.status_code == 409 and MSG_PERIME in text_of(stale)
    assert len(voeux_of(app, demande_id)) == 2


def test_lettre_view_change_and_length_cap(app, teacher_client):
    client, agent, _ = teacher_client
    creer_demande(client, SPEC, "THEA", "L0202")
    (demande_id,) = demande_ids(app, agent.id)
    assert "La lettre de motivation est vide\u00a0: rédigez-la avant de l'enregistrer." in text_of(
        save_lettre(client, demande_id, "   "))
    too_long = save_lettre(client, demande_id, "a" * 5001)
    assert too_long.status_code == 400
    assert "La lettre de motivation compte 5001 caractères\u00a0; le maximum est 5000\u00a0: raccourcissez-la." in text_of(too_long)
    save_lettre(client, demande_id, "Première version.\nDeuxième paragraphe.")
    seen = text_of(client.get(f"/mobilite/demandes/{demande_id}/lettre?voir=1"))
    assert "Première version." in seen and "Deuxième paragraphe." in seen
    save_lettre(client, demande_id, "Version corrigée.")
    db = new_session(app)
    lettre = db.scalars(select(Lettre).where(Lettre.demande_id == demande_id)).one()
    db.close()
    assert lettre.texte == "Version corrigée."


def test_draft_autosave_endpoint_keeps_the_text(app, teacher_client):
    client, agent, _ = teacher_client
    creer_demande(client, SPEC, "THEA", "L0202")
    (demande_id,) = demande_ids(app, agent.id)
    page = client.get(f"/mobilite/demandes/{demande_id}/lettre")
    token = csrf_from(page.data)
    assert 'aria-live="polite"' in page.data.decode()
    refused = client.post(f"/mobilite/demandes/{demande_id}/lettre/brouillon", data={"texte": "sans jeton"})
    assert refused.status_code == 400
    response = client.post(f"/mobilite/demandes/{demande_id}/lettre/brouillon", data={"texte": "Un brouillon"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json()["message"] == "Brouillon enregistré à 10:00"
    again = client.get(f"/mobilite/demandes/{demande_id}/lettre")
    assert "Un brouillon</textarea>" in again.data.decode()
    # A draft is not a saved lettre: vœux still wait.
    assert ETAT_LETTRE in text_of(client.get(f"/mobilite/{SPEC}/"))


# --- vœux -------------------------------------------------------------------------------------

@pytest.fixture
def occitan(app, teacher_client):
    """A teacher with one demande whose movement needs no lettre: (client, demande_id)."""
    client, agent, _ = teacher_client
    creer_demande(client, SPEC, "OCCITAN", "L1000")
    (demande_id,) = demande_ids(app, agent.id)
    return client, demande_id


def test_rechercher_shows_the_libelle_then_enregistrer(app, occitan):
    client, demande_id = occitan
    found = text_of(client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=ETB&code=0630021f"))
    assert "Enregistrement du vœu" in found
    assert "Libellé LPO Lycée des métiers La Fayette 21 boulevard Robert Schuman Clermont-Ferrand" in found
    assert add_voeu(client, demande_id, "ETB", "0630021F").status_code == 302
    text = text_of(client.get(f"/mobilite/demandes/{demande_id}/"))
    assert "1 0630021F Établissement LPO Lycée des métiers La Fayette" in text
    assert voeux_of(app, demande_id) == [(1, "ETB", "0630021F")]


@pytest.mark.parametrize("type_, code, message", [
    ("ETB", "0630021G", "Le code «\u00a00630021G\u00a0» n'est pas un code d'établissement (UAI) valide\u00a0: sa lettre de contrôle devrait être «\u00a0F\u00a0» (0630021F). Vérifiez le code."),
    ("ETB", "9999999Z", "Le code «\u00a09999999Z\u00a0» n'est pas un code d'établissement (UAI) valide\u00a0: sa lettre de contrôle devrait être «\u00a0P\u00a0» (9999999P). Vérifiez le code."),
    ("ETB", "063002", "Le code «\u00a0063002\u00a0» n'est pas un code d'établissement (UAI)\u00a0: 7 chiffres puis une lettre, par exemple 0630021F."),
    ("ETB", "0630000H", "Aucun établissement ne porte le code «\u00a00630000H\u00a0» dans le référentiel de l'académie\u00a0: vérifiez le code ou utilisez la saisie guidée."),
    ("COM", "99999", "Aucun commune ne porte le code"),
    ("ZRE", "ZRE063", "Le type de vœu «\u00a0Zone de remplacement (établissement)\u00a0» n'est pas accepté par cette campagne\u00a0: choisissez parmi établissement, commune, groupement de communes, département, académie."),
])
def test_bad_codes_are_refused(occitan, type_, code, message):
    client, demande_id = occitan
    response = client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type={type_}&code={code}")
    assert response.status_code == 400
    assert message in text_of(response)


def insert_voeux(app, demande_id: int, codes: list[str]) -> None:
    """Put ETB vœux straight in the database, as if entered earlier."""
    from forms_app.core.db import write_transaction
    from forms_app.mobilite.models import Voeu as V

    moment = app.config["CLOCK"]()
    db = new_session(app)
    with write_transaction(db):
        start = len(voeux_of(app, demande_id))
        for i, code in enumerate(codes, start=start + 1):
            db.add(V(demande_id=demande_id, rank=i, type="ETB", code=code, libelle=code, poste="", created_at=moment))
    db.close()


def uais(project_root, n: int, skip: str = "") -> list[str]:
    lines = (project_root / "data" / "etablissements.csv").read_text(encoding="utf-8").splitlines()[1:]
    return [line.split(";")[0] for line in lines if not line.startswith(skip or "#")][:n]


@pytest.mark.postgres
def test_duplicate_and_limit_are_refused(app, occitan, project_root):
    client, demande_id = occitan
    add_voeu(client, demande_id, "ETB", "0630021F")
    dup = add_voeu(client, demande_id, "ETB", "0630021F")
    assert dup.status_code == 409
    assert "Ce vœu figure déjà dans votre liste (vœu n°\u00a01)\u00a0: vous ne pouvez pas le saisir deux fois." in text_of(dup)
    insert_voeux(app, demande_id, uais(project_root, 14, skip="0630021F"))
    assert "Ajouter un vœu" not in text_of(client.get(f"/mobilite/demandes/{demande_id}/"))
    # At the limit the add page says so and offers nothing to add (no « Vœu n° 16 sur 15 », no form).
    full = client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=DPT&code=63")
    assert full.status_code == 200
    assert ("Vous avez saisi 15 vœux, le maximum pour cette campagne\u00a0: pour en ajouter un autre, supprimez "
            "d'abord un vœu de votre liste.") in text_of(full)
    assert "16 sur 15" not in text_of(full) and "/voeux/ajouter" not in full.data.decode().split("<main", 1)[1]
    assert '<button type="submit" class="button">Enregistrer</button>' not in full.data.decode()
    # A request sent anyway, at the list's current version, is refused with the limit.
    db = new_session(app)
    version = str(db.get(Demande, demande_id).voeux_version)
    db.close()
    over = add_voeu(client, demande_id, "DPT", "63", version=version)
    assert over.status_code == 409
    assert "Vous avez déjà saisi 15 vœux, le maximum pour cette campagne." in text_of(over)
    assert len(voeux_of(app, demande_id)) == 15


def test_geographic_voeux_resolve(app, occitan):
    client, demande_id = occitan
    for type_, code in (("COM", "63113"), ("GEO", "003951"), ("DPT", "63"), ("ACA", "06")):
        assert add_voeu(client, demande_id, type_, code).status_code == 302, (type_, code)
    assert voeux_of(app, demande_id) == [(1, "COM", "63113"), (2, "GEO", "003951"), (3, "DPT", "063"),
                                         (4, "ACA", "06")]
    text = text_of(client.get(f"/mobilite/demandes/{demande_id}/"))
    assert "1 63113 Commune Clermont-Ferrand (63000)" in text and "3 063 Département Puy-de-Dôme" in text
    assert "4 06 Académie Académie de Montferrand" in text


def test_guided_search_lists_matches_to_pick(occitan):
    client, demande_id = occitan
    page = client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=ETB&code=&q=la+fayette+clermont")
    text = text_of(page)
    assert "Résultats de la recherche" in text
    assert "0630021F — LPO Lycée des métiers La Fayette 21 boulevard Robert Schuman Clermont-Ferrand" in text
    assert f'href="/mobilite/demandes/{demande_id}/voeux/ajouter?type=ETB&amp;code=0630021F"' in page.data.decode()
    none = text_of(client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=COM&code=&q=zzzz"))
    assert ("Aucun résultat : essayez un autre nom, une commune ou un département, ou videz le champ pour une saisie "
            "guidée.") in none


def move(client, demande_id: int, voeu_rank: int, action: str, version: str | None = None):
    html = client.get(f"/mobilite/demandes/{demande_id}/").data.decode()
    ids = re.findall(r'<tr id="voeu-(\d+)">', html)
    shown = re.search(r'name="version" value="(\d+)"', html).group(1)
    return client.post(f"/mobilite/voeux/{ids[voeu_rank - 1]}/{action}",
                       data={"csrf_token": csrf_from(html), "version": version if version is not None else shown})


@pytest.mark.postgres
def test_move_up_down_and_delete_keep_ranks_without_gaps(app, occitan):
    client, demande_id = occitan
    for code in ("0630021F", "63113", "63"):
        add_voeu(client, demande_id, "ETB" if len(code) == 8 else ("COM" if len(code) == 5 else "DPT"), code)
    html = client.get(f"/mobilite/demandes/{demande_id}/").data.decode()
    assert 'aria-label="Monter le vœu 3"' in html and 'aria-label="Descendre le vœu 1"' in html
    assert 'aria-label="Monter le vœu 1"' not in html
    assert move(client, demande_id, 3, "monter").status_code == 302
    assert [c for _r, _t, c in voeux_of(app, demande_id)] == ["0630021F", "063", "63113"]
    assert move(client, demande_id, 1, "descendre").status_code == 302
    assert [c for _r, _t, c in voeux_of(app, demande_id)] == ["063", "0630021F", "63113"]
    assert move(client, demande_id, 1, "supprimer").status_code == 302
    assert voeux_of(app, demande_id) == [(1, "ETB", "0630021F"), (2, "COM", "63113")]


@pytest.mark.postgres
def test_stale_form_is_refused_with_the_current_list(app, occitan):
    client, demande_id = occitan
    add_voeu(client, demande_id, "ETB", "0630021F")
    add_voeu(client, demande_id, "COM", "63113")
    html = client.get(f"/mobilite/demandes/{demande_id}/").data.decode()
    old_version = re.search(r'name="version" value="(\d+)"', html).group(1)
    assert move(client, demande_id, 2, "monter").status_code == 302
    stale = move(client, demande_id, 2, "monter", version=old_version)
    assert stale.status_code == 409
    assert MSG_PERIME in text_of(stale)
    assert "1 63113 Commune" in text_of(stale)
    # A double click on "Enregistrer": the second submission carries the same version.
    page = client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=DPT&code=63").data.decode()
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page).group(1)
    first = add_voeu(client, demande_id, "DPT", "63", version=version)
    second = add_voeu(client, demande_id, "DPT", "63", version=version)
    assert (first.status_code, second.status_code) == (302, 409)
    assert MSG_PERIME in text_of(second)
    assert [r for r, _t, _c in voeux_of(app, demande_id)] == [1, 2, 3]


def _traces(app, demande_id: int) -> tuple:
    """What a refused write must leave as it was: the demande's versions, its audit rows, the sessions' data."""
    db = new_session(app)
    try:
        demande = db.get(Demande, demande_id)
        audits = db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.target == f"demande:{demande_id}"))
        data = sorted(db.scalars(select(UserSession.data)).all())
        return demande.voeux_version, demande.revision, audits, data
    finally:
        db.close()


@pytest.mark.postgres
def test_a_write_refused_as_stale_changes_nothing(app, occitan):
    client, demande_id = occitan
    add_voeu(client, demande_id, "ETB", "0630021F")
    add_voeu(client, demande_id, "COM", "63113")
    client.get(f"/mobilite/demandes/{demande_id}/")  # the « enregistré » message is read
    html = client.get(f"/mobilite/demandes/{demande_id}/").data.decode()
    old_version = re.search(r'name="version" value="(\d+)"', html).group(1)
    assert move(client, demande_id, 2, "monter").status_code == 302
    client.get(f"/mobilite/demandes/{demande_id}/")  # the move's message is read
    before = _traces(app, demande_id), voeux_of(app, demande_id)
    for action in ("monter", "descendre", "supprimer"):
        assert move(client, demande_id, 2, action, version=old_version).status_code == 409
    assert add_voeu(client, demande_id, "DPT", "63", version=old_version).status_code == 409
    assert (_traces(app, demande_id), voeux_of(app, demande_id)) == before


@pytest.mark.postgres
def test_the_same_voeu_added_meanwhile_by_another_request_is_refused_and_nothing_is_written(
        app, occitan, monkeypatch):
    """Between the list read and its write, another request stores the same vœu (without the version,
    as a bug or a by-hand edit would): the unique constraint stops the write, which leaves nothing."""
    from forms_app.mobilite import ecriture

    client, demande_id = occitan
    add_voeu(client, demande_id, "ETB", "0630021F")
    client.get(f"/mobilite/demandes/{demande_id}/")
    page = client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=COM&code=63113").data.decode()
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page).group(1)
    real = ecriture.session_row_params

    def meanwhile(flash):
        insert_voeux_typed(app, demande_id, "COM", "63113")
        return real(flash)

    monkeypatch.setattr(ecriture, "session_row_params", meanwhile)
    before = _traces(app, demande_id)
    response = add_voeu(client, demande_id, "COM", "63113", version=version)
    assert response.status_code == 409
    assert MSG_PERIME in text_of(response)
    assert _traces(app, demande_id) == before
    assert voeux_of(app, demande_id) == [(1, "ETB", "0630021F"), (2, "COM", "63113")]  # the other request's
    assert "Le vœu est enregistré." not in text_of(client.get(f"/mobilite/demandes/{demande_id}/"))


@pytest.mark.postgres
@pytest.mark.parametrize("action", ["ajouter", "monter", "supprimer"])
def test_a_list_changed_between_its_read_and_the_write_gets_nothing_written(app, occitan, monkeypatch, action):
    """Another tab deletes vœu 1 after this request read the list and before it writes: the write finds
    the version moved on and writes none of its parts (vœux, audit row, session message)."""
    from forms_app.mobilite import ecriture

    client, demande_id = occitan
    add_voeu(client, demande_id, "ETB", "0630021F")
    add_voeu(client, demande_id, "COM", "63113")
    client.get(f"/mobilite/demandes/{demande_id}/")
    real = ecriture.session_row_params

    def meanwhile(flash):
        db = new_session(app)
        with write_transaction(db):
            first = db.scalars(select(Voeu).where(Voeu.demande_id == demande_id, Voeu.rank == 1)).one()
            db.delete(first)
            db.flush()
            db.execute(update(Voeu).where(Voeu.demande_id == demande_id).values(rank=1))
            db.execute(update(Demande).where(Demande.id == demande_id)
                       .values(voeux_version=Demande.voeux_version + 1, revision=Demande.revision + 1))
        db.close()
        return real(flash)

    monkeypatch.setattr(ecriture, "session_row_params", meanwhile)
    db = new_session(app)
    audits = db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.target == f"demande:{demande_id}"))
    sessions = sorted(db.scalars(select(UserSession.data)).all())
    db.close()
    if action == "ajouter":
        response = add_voeu(client, demande_id, "DPT", "63")
    else:
        response = move(client, demande_id, 2, action)
    assert response.status_code == 409
    assert MSG_PERIME in text_of(response)
    monkeypatch.setattr(ecriture, "session_row_params", real)
    assert voeux_of(app, demande_id) == [(1, "COM", "63113")]  # the other tab's change, and only it
    after = _traces(app, demande_id)
    assert after[2:] == (audits, sessions)


def insert_voeux_typed(app, demande_id: int, type_: str, code: str) -> None:
    from forms_app.mobilite.models import Voeu as V

    db = new_session(app)
    with write_transaction(db):
        rank = len(voeux_of(app, demande_id)) + 1
        db.add(V(demande_id=demande_id, rank=rank, type=type_, code=code, libelle=code, poste="",
                 created_at=app.config["CLOCK"]()))
    db.close()


def test_from_a_poste_lands_on_the_add_screen(app, client, make_teacher, login):
    url = f"/mobilite/voeu?campagne={SPEC}&type=ETB&code=0630021F&poste=S27-0018"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/connexion?next=" in anonymous.headers["Location"]
    client.get(anonymous.headers["Location"])
    _agent, account, password = make_teacher()
    after_login = login(client, account.identifiant, password)
    assert after_login.headers["Location"].endswith(url)
    none = text_of(client.get(url))
    assert "Vous n'avez aucune demande dans cette campagne" in none and "Ajouter une demande" in none
    creer_demande(client, SPEC, "OCCITAN", "L1000")
    one = client.get(url)
    assert one.status_code == 302 and "type=ETB" in one.headers["Location"] and "poste=S27-0018" in one.headers["Location"]
    landing = text_of(client.get(one.headers["Location"]))
    assert "Enregistrement du vœu" in landing and "Poste S27-0018" in landing
    creer_demande(client, SPEC, "OCCITAN", "L1300")
    several = text_of(client.get(url))
    assert "choisissez celle à laquelle ajouter ce vœu" in several
    # The établissement is named with its commune, not only by its UAI.
    assert ("Vœu à ajouter : établissement 0630021F — LPO Lycée des métiers La Fayette 21 boulevard Robert "
            "Schuman Clermont-Ferrand (poste S27-0018).") in several


def test_recapitulatif_lists_demandes_and_voeux_with_last_change(app, occitan, clock):
    client, demande_id = occitan
    clock.advance(minutes=20)
    add_voeu(client, demande_id, "ETB", "0630021F")
    recap = client.get(f"/mobilite/{SPEC}/recapitulatif")
    text = text_of(recap)
    assert "Récapitulatif de vos demandes — Mouvements spécifiques 2027" in text
    html = recap.data.decode()
    assert '<button type="button" class="button" data-imprimer hidden>Imprimer</button>' in html
    assert 'assets/app/imprimer.js" defer></script>' in html
    assert "Dernière modification de vos demandes : 20/11/2026 à 10:20." in text
    assert "1 0630021F Établissement LPO Lycée des métiers La Fayette" in text
    assert "Éditer un récapitulatif" in text_of(client.get(f"/mobilite/{SPEC}/"))


def test_phones_are_validated_and_stored(app, teacher_client):
    client, agent, _ = teacher_client
    page = client.get(f"/mobilite/{SPEC}/")
    assert "Saisissez ou modifiez vos numéros de téléphone" in text_of(page)
    bad = client.post(f"/mobilite/{SPEC}/telephones", data={"csrf_token": csrf_from(page.data),
                                                           "telephone": "", "portable": "04 73 00 00 00"})
    assert bad.status_code == 400
    assert "Saisissez un numéro de portable à 10 chiffres commençant par 06 ou 07" in text_of(bad)
    ok = client.post(f"/mobilite/{SPEC}/telephones", data={"csrf_token": csrf_from(page.data),
                                                          "telephone": "0473123456", "portable": "+33612345678"})
    assert ok.status_code == 302
    db = new_session(app)
    stored = db.get(Agent, agent.id)
    db.close()
    assert (stored.telephone, stored.portable) == ("04 73 12 34 56", "06 12 34 56 78")


@pytest.fixture
def intra_open(app_config):
    """The business clock inside the intra-2027 saisie (the security clock stays as it is)."""
    app_config["CLOCK"] = lambda: datetime(2027, 3, 20, 10, 0, tzinfo=PARIS)


def test_bareme_is_shown_with_its_detail_and_marked_provisional(intra_open, app, client, make_teacher, login):
    _agent, account, password = make_teacher(grade="classe normale", echelon=7, affectation_uai="0630021F")
    login(client, account.identifiant, password)
    token = csrf_from(client.get(f"/mobilite/{INTRA}/").data)
    client.post(f"/mobilite/{INTRA}/ajouter", data={"csrf_token": token, "mouvement": "GEN"})
    db = new_session(app)
    demande_id = db.scalar(select(Demande.id))
    db.close()
    text = text_of(client.get(f"/mobilite/demandes/{demande_id}/"))
    assert "Votre barème provisionnel, vœu par vœu" in text
    assert "Le barème se calcule vœu par vœu" in text
    page = client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=ETB&code=0630021F")
    client.post(f"/mobilite/demandes/{demande_id}/voeux/ajouter",
                data={"csrf_token": csrf_from(page.data), "type": "ETB", "code": "0630021F", "version": "0"})
    text = text_of(client.get(f"/mobilite/demandes/{demande_id}/"))
    assert "Barème provisionnel, calculé à partir de votre dossier" in text
    assert "Échelon (classe normale) 49 Calculé 7 points par échelon, 7e échelon" in text
    assert "Ancienneté dans le poste 150 Calculé 5 ans dans le poste, dont 1 tranche de 4 ans" in text
    assert "Total du vœu 199" in text


@pytest.mark.postgres
def test_forged_type_is_refused_and_list_edits_are_audited(app, occitan):
    client, demande_id = occitan
    token = csrf_from(client.get(f"/mobilite/demandes/{demande_id}/").data)
    forged = client.post(f"/mobilite/demandes/{demande_id}/voeux/ajouter",
                         data={"csrf_token": token, "type": "ZRA", "code": "06", "version": "0"})
    assert forged.status_code == 400
    assert ("Le type de vœu «\u00a0Zone de remplacement (académie)\u00a0» n'est pas accepté par cette campagne"
            in text_of(forged))
    add_voeu(client, demande_id, "ETB", "0630021F")
    add_voeu(client, demande_id, "COM", "63113")
    move(client, demande_id, 2, "monter")
    db = new_session(app)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "mobilite.voeu.monter")).one()
    db.close()
    assert entry.target == f"demande:{demande_id}"
    assert '{"numero": "0630021F", "poste": "", "rank": 1, "type": "ETB", "type_etab": ""}' in entry.before
    assert '{"numero": "63113", "poste": "", "rank": 1, "type": "COM", "type_etab": ""}' in entry.after


def test_zones_de_remplacement_are_added_on_the_intra(intra_open, app, client, make_teacher, login):
    """As the note de service 2026-124 says: UAI of rattachement, département of the académie, « 06 »."""
    agent, account, password = make_teacher()
    login(client, account.identifiant, password)
    token = csrf_from(client.get(f"/mobilite/{INTRA}/").data)
    client.post(f"/mobilite/{INTRA}/ajouter", data={"csrf_token": token, "mouvement": "GEN"})
    (demande_id,) = demande_ids(app, agent.id)
    for type_, code in (("ZRE", "0630021F"), ("ZRD", "63"), ("ZRA", "06")):
        assert add_voeu(client, demande_id, type_, code).status_code == 302, (type_, code)
    assert voeux_of(app, demande_id) == [(1, "ZRE", "0630021F"), (2, "ZRD", "063"), (3, "ZRA", "06")]
    text = text_of(client.get(f"/mobilite/demandes/{demande_id}/"))
    assert "2 063 Zone de remplacement (département) Puy-de-Dôme" in text
    assert "3 06 Zone de remplacement (académie) Académie de Montferrand" in text
    refused = add_voeu(client, demande_id, "ZRD", "042")
    assert refused.status_code == 400
    assert ("Aucune zone de remplacement départementale ne porte le code\u00a0«\u00a0042\u00a0»"
            .replace("code\u00a0«", "code «") in text_of(refused))
    assert len(voeux_of(app, demande_id)) == 3


def test_closed_campaign_services_and_other_areas(app, teacher_client):
    client, _agent, _ = teacher_client
    assert client.get("/mobilite/inconnue/").status_code == 404
    assert client.get("/mobilite/voeu?campagne=inconnue&type=ETB&code=0630021F").status_code == 404
    intra = client.get(f"/mobilite/{INTRA}/")
    assert intra.status_code == 200
    assert "La saisie n'est pas encore ouverte\u00a0: elle sera ouverte du mercredi 17 mars 2027" in text_of(intra)
    assert "Ajouter une demande" not in text_of(intra)
    assert client.get(f"/mobilite/{INTRA}/ajouter").status_code == 403
    assert 'href="/mobilite/">Services</a>' in client.get("/").data.decode()


# --- issue 10: what a teacher meets ------------------------------------------------------------

def intra_demande(app, client, make_teacher, login) -> int:
    agent, account, password = make_teacher()
    login(client, account.identifiant, password)
    token = csrf_from(client.get(f"/mobilite/{INTRA}/").data)
    client.post(f"/mobilite/{INTRA}/ajouter", data={"csrf_token": token, "mouvement": "GEN"})
    (demande_id,) = demande_ids(app, agent.id)
    return demande_id


def voeux_typed(app, demande_id: int) -> list[tuple[int, str, str, str]]:
    db = new_session(app)
    rows = db.execute(select(Voeu.rank, Voeu.type, Voeu.code, Voeu.type_etab)
                      .where(Voeu.demande_id == demande_id).order_by(Voeu.rank)).all()
    db.close()
    return [tuple(r) for r in rows]


def test_a_zone_voeu_may_be_restricted_to_a_type_etablissement(intra_open, app, client, make_teacher, login):
    demande_id = intra_demande(app, client, make_teacher, login)
    page = client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=COM&code=63113").data.decode()
    assert '<label for="type_etab">Type d\'établissement</label>' in page
    options = re.findall(r'<option value="([A-Z]*)"[^>]*>([^<]+)</option>', unescape(page.split('id="type_etab"')[1]))
    assert options == [("", "Tout type d'établissement"), ("CLG", "Collège"), ("LYC", "Lycée"),
                       ("LP", "Lycée professionnel")]
    assert add_voeu(client, demande_id, "COM", "63113", type_etab="CLG").status_code == 302
    assert add_voeu(client, demande_id, "COM", "63113").status_code == 302
    again = add_voeu(client, demande_id, "COM", "63113", type_etab="CLG")
    assert again.status_code == 409
    assert "Ce vœu figure déjà dans votre liste (vœu n°\u00a01)" in text_of(again)
    forged = add_voeu(client, demande_id, "COM", "63113", type_etab="EREA")
    assert forged.status_code == 400
    assert ("Le type d'établissement «\u00a0EREA\u00a0» n'est pas proposé pour ce vœu\u00a0: choisissez parmi "
            "«\u00a0tout type d'établissement\u00a0», «\u00a0collège\u00a0», «\u00a0lycée\u00a0», "
            "«\u00a0lycée professionnel\u00a0».") in text_of(forged)
    on_etb = add_voeu(client, demande_id, "ETB", "0630021F", type_etab="CLG")
    assert on_etb.status_code == 400
    assert 'id="type_etab"' not in client.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=ETB&code=0630021F").data.decode()
    assert voeux_typed(app, demande_id) == [(1, "COM", "63113", "CLG"), (2, "COM", "63113", "")]
    text = text_of(client.get(f"/mobilite/demandes/{demande_id}/"))
    assert "N° Code ou N° Type vœu Libellé Type d'établissement Actions" in text
    assert "1 63113 Commune Clermont-Ferrand (63000) Collège" in text
    assert "2 63113 Commune Clermont-Ferrand (63000) Tout type d'établissement" in text


def test_the_voeu_page_sentence_comes_from_the_campaign(app, client, make_teacher, login, intra_open, occitan):
    occitan_client, occitan_id = occitan
    spec = text_of(occitan_client.get(f"/mobilite/demandes/{occitan_id}/"))
    assert ("Vous pouvez formuler jusqu'à 15 vœux, de types\u00a0: établissement, commune, groupement de communes, "
            "département et académie. Classez-les du plus précis (établissement) au plus large (académie).") in spec


def test_the_inter_voeu_page_says_academie_only(app, client, make_teacher, login):
    app.config["CLOCK"] = lambda: datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)  # inside the inter saisie
    agent, account, password = make_teacher()
    login(client, account.identifiant, password)
    token = csrf_from(client.get("/mobilite/inter-2027/").data)
    client.post("/mobilite/inter-2027/ajouter", data={"csrf_token": token, "mouvement": "GEN"})
    (demande_id,) = demande_ids(app, agent.id)
    text = text_of(client.get(f"/mobilite/demandes/{demande_id}/"))
    assert "Vous pouvez formuler jusqu'à 31 vœux, tous de type «\u00a0académie\u00a0»." in text
    assert "établissement" not in text.split("Liste de vos vœux")[1].split("Retour aux demandes")[0].lower()


def test_an_empty_guided_search_lists_the_choices_step_by_step(app, occitan):
    client, demande_id = occitan
    base = f"/mobilite/demandes/{demande_id}/voeux/ajouter"
    first = client.get(f"{base}?type=ETB&code=&q=")
    assert first.status_code == 200
    text = text_of(first)
    assert "Saisie guidée\u00a0: établissement" in text or "Saisie guidée : établissement" in text
    assert "Choisissez d'abord le département." in text and "Puy-de-Dôme (063)" in text
    html = first.data.decode()
    assert f'href="{base}?type=ETB&amp;dpt=063#saisie-guidee"' in html
    second = client.get(f"{base}?type=ETB&dpt=063")
    assert "Choisissez la commune." in text_of(second) and "Clermont-Ferrand (63000)" in text_of(second)
    third = client.get(f"{base}?type=ETB&dpt=063&commune=63113")
    assert "Choisissez le vœu." in text_of(third)
    assert f'href="{base}?type=ETB&amp;code=0630021F"' in third.data.decode()
    assert "Enregistrement du vœu" in text_of(client.get(f"{base}?type=ETB&code=0630021F"))


def test_moves_and_deletions_say_what_happened(app, occitan):
    client, demande_id = occitan
    add_voeu(client, demande_id, "ETB", "0630021F")
    add_voeu(client, demande_id, "COM", "63113")
    client.get(f"/mobilite/demandes/{demande_id}/")
    assert move(client, demande_id, 2, "monter").status_code == 302
    shown = text_of(client.get(f"/mobilite/demandes/{demande_id}/"))
    assert "Le vœu «\u00a0Clermont-Ferrand (63000)\u00a0» passe du rang 2 au rang 1." in shown
    assert "passe du rang" not in text_of(client.get(f"/mobilite/demandes/{demande_id}/"))  # shown once
    assert move(client, demande_id, 1, "descendre").status_code == 302
    assert "Le vœu «\u00a0Clermont-Ferrand (63000)\u00a0» passe du rang 1 au rang 2." in text_of(
        client.get(f"/mobilite/demandes/{demande_id}/"))
    assert move(client, demande_id, 1, "supprimer").status_code == 302
    assert ("Le vœu n°\u00a01 «\u00a0LPO Lycée des métiers La Fayette 21 boulevard Robert Schuman Clermont-Ferrand"
            "\u00a0» est supprimé\u00a0; les vœux suivants remontent d'un rang.") in text_of(
        client.get(f"/mobilite/demandes/{demande_id}/"))


def test_a_starred_demande_without_lettre_is_non_recevable_once_saisie_closes(app, teacher_client):
    client, agent, _ = teacher_client
    creer_demande(client, SPEC, "CPGE", "L1300", "MPSI")
    (demande_id,) = demande_ids(app, agent.id)
    assert ETAT_LETTRE in text_of(client.get(f"/mobilite/{SPEC}/"))
    app.config["CLOCK"] = lambda: datetime(2026, 12, 20, 10, 0, tzinfo=PARIS)  # after the saisie of SPEC
    listing = client.get(f"/mobilite/{SPEC}/")
    text = text_of(listing)
    assert ETAT_LETTRE not in text
    assert "Non recevable\u00a0: la lettre de motivation n'a pas été enregistrée avant la clôture de la saisie" in text
    assert f"/mobilite/demandes/{demande_id}/lettre" not in listing.data.decode()
    page = client.get(f"/mobilite/demandes/{demande_id}/")
    assert "cette demande ne sera pas examinée" in text_of(page)
    assert "Saisir la lettre de motivation" not in text_of(page)


def test_promotion_and_rendez_vous_campaigns_are_not_mutation_campaigns(teacher_client):
    """Les services list the campaigns of mutation only; a promotion's slug answers 404 on their pages."""
    client, _agent, _account = teacher_client
    services = text_of(client.get("/mobilite/"))
    assert "Mouvements spécifiques 2027" in services
    assert "hors classe" not in services.lower() and "rendez-vous de carrière" not in services.lower()
    for slug in ("hors-classe-2027", "rendez-vous-carriere-2026-2027"):
        assert client.get(f"/mobilite/{slug}/").status_code == 404
        assert client.get(f"/mobilite/{slug}/recapitulatif").status_code == 404
