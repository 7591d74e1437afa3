"""The vœu list's page cache: a page sent again only while nothing it shows has changed."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from flask import template_rendered
from sqlalchemy import select, update
from test_mobilite import add_voeu, creer_demande, csrf_from, demande_ids, save_lettre
from test_mobilite_pieces import pdf

from forms_app.core.db import new_session, write_transaction
from forms_app.courrier.messages import send_message
from forms_app.dossier.models import Agent
from forms_app.mobilite.models import Voeu
from generator.model import PARIS

SPEC = "specifique-2027"
pytestmark = pytest.mark.postgres  # the cache is checked against the database: both backends


@pytest.fixture
def renders(app):
    """Names of the templates rendered since the fixture started."""
    names: list[str] = []

    def record(_sender, template, context, **_extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    yield names
    template_rendered.disconnect(record, app)


@pytest.fixture
def occitan(app, teacher_client):
    """(client, agent, demande_id): a demande without lettre, holding one vœu."""
    client, agent, _ = teacher_client
    creer_demande(client, SPEC, "OCCITAN", "L1000")
    (demande_id,) = demande_ids(app, agent.id)
    assert add_voeu(client, demande_id, "ETB", "0630021F").status_code == 302
    return client, agent, demande_id


def page(client, demande_id: int) -> str:
    response = client.get(f"/mobilite/demandes/{demande_id}/")
    assert response.status_code == 200
    return response.data.decode()


def version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def voeu_ids(html: str) -> list[int]:
    return [int(v) for v in dict.fromkeys(re.findall(r"/mobilite/voeux/(\d+)/supprimer", html))]


def test_a_second_read_sends_the_same_page_without_rendering(app, occitan, renders):
    client, _agent, demande_id = occitan
    page(client, demande_id)  # the flash of the add is shown once: that page is not kept
    first = page(client, demande_id)
    renders.clear()
    response = client.get(f"/mobilite/demandes/{demande_id}/")
    assert response.data.decode() == first
    assert renders == []
    assert app.extensions["carriere_pages"].hits >= 1
    # A kept page is still personal: the same headers as a rendered one, nothing stored by the browser.
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_flash_is_shown_once_then_the_page_is_kept_without_it(occitan):
    client, _agent, demande_id = occitan
    assert "Le vœu est enregistré." in page(client, demande_id)
    assert "Le vœu est enregistré." not in page(client, demande_id)
    assert "Le vœu est enregistré." not in page(client, demande_id)


def _add(client, demande_id):
    assert add_voeu(client, demande_id, "COM", "63113").status_code == 302


def _press(client, demande_id, index: int, action: str):
    """Press a vœu's button (« monter », « supprimer »…) on the list as it is shown now."""
    html = page(client, demande_id)
    return client.post(f"/mobilite/voeux/{voeu_ids(html)[index]}/{action}", data={
        "csrf_token": csrf_from(html), "version": version(html), "demande": str(demande_id)})


def _move(client, demande_id):
    assert _press(client, demande_id, 1, "monter").status_code == 302


def _delete(client, demande_id):
    assert _press(client, demande_id, 0, "supprimer").status_code == 302


def _piece(client, demande_id):
    html = page(client, demande_id)
    response = client.post(f"/mobilite/demandes/{demande_id}/pieces", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(html), "kind": "rapport_inspection", "fichier": (io.BytesIO(pdf()), "rapport.pdf")})
    assert response.status_code == 302


@pytest.mark.parametrize("change", [_add, _move, _delete, _piece], ids=["ajout", "deplacement", "suppression", "piece"])
def test_each_write_shows_on_the_next_read(occitan, change):
    client, _agent, demande_id = occitan
    if change in (_move, _delete):
        _add(client, demande_id)
    page(client, demande_id)
    old = page(client, demande_id)  # kept
    change(client, demande_id)
    page(client, demande_id)  # the write's flash, if any
    new = page(client, demande_id)
    assert version(new) != version(old) or change is _piece
    if change is _add:
        assert "63113" not in old and "63113" in new
    if change is _move:
        assert voeu_ids(new) == list(reversed(voeu_ids(old)))
    if change is _delete:
        assert "0630021F" in old and "0630021F" not in new
    if change is _piece:
        assert "rapport.pdf" not in old and "rapport.pdf" in new


def test_a_saved_lettre_shows_on_the_next_read(app, teacher_client):
    client, agent, _ = teacher_client
    creer_demande(client, SPEC, "CPGE", "L1300", "MPSI")
    (demande_id,) = demande_ids(app, agent.id)
    page(client, demande_id)
    assert "Saisir la lettre de motivation" in page(client, demande_id)
    assert save_lettre(client, demande_id).status_code == 302
    page(client, demande_id)  # the lettre's flash, if any
    html = page(client, demande_id)
    assert "Visualiser la lettre de motivation" in html and "Saisir la lettre de motivation" not in html


def test_a_new_message_shows_in_the_header_of_the_next_read(app, occitan, teacher_client):
    client, _agent, demande_id = occitan
    _, _, account = teacher_client
    page(client, demande_id)
    assert "non lu" not in page(client, demande_id)
    db = new_session(app)
    with write_transaction(db):
        send_message(db, to_account_id=account.id, sender_account_id=None, subject="Votre demande",
                     body="Pièce reçue.")
    db.close()
    assert "1 non lu" in page(client, demande_id)


def test_a_dossier_changed_by_an_import_shows_on_the_next_read(app, occitan):
    client, agent, demande_id = occitan
    page(client, demande_id)
    assert "hors classe" not in page(client, demande_id)
    db = new_session(app)
    with write_transaction(db):
        db.execute(update(Agent).where(Agent.id == agent.id).values(grade="hors classe", echelon=2))
    db.close()
    assert "hors classe" in page(client, demande_id)


class BusinessClock:
    """The business clock alone: the session's security clock stays still, so the login holds."""

    def __init__(self, start) -> None:
        self.current = start

    def __call__(self):
        return self.current


@pytest.fixture
def business(app_config) -> BusinessClock:
    clock = BusinessClock(app_config["CLOCK"]())
    app_config["CLOCK"] = clock
    return clock


def test_the_close_of_the_saisie_shows_without_any_write(business, app, occitan):
    client, _agent, demande_id = occitan
    end = datetime(2026, 12, 8, 12, 0, tzinfo=PARIS)  # the specifique saisie's end
    business.current = end - timedelta(minutes=1)
    page(client, demande_id)
    assert "Supprimer" in page(client, demande_id)
    business.current = end  # the same day: only the window's state tells the pages apart
    html = page(client, demande_id)
    assert "La saisie est fermée" in html
    assert "Supprimer" not in html and "Ajouter un vœu" not in html


def test_a_reloaded_content_is_shown_on_the_next_read(app, occitan, site_holder):
    client, _agent, demande_id = occitan
    page(client, demande_id)
    old = page(client, demande_id)
    site = site_holder.site
    campaign = site.campaign(SPEC)
    renamed = type(campaign)(**{**campaign.__dict__, "title": "Mouvements spécifiques rebaptisés"})
    campaigns = tuple(renamed if c.slug == SPEC else c for c in site.campaigns)
    try:
        site_holder.site = type(site)(**{**site.__dict__, "campaigns": campaigns})
        site_holder.generation += 1
        new = page(client, demande_id)
    finally:
        site_holder.site = site
        site_holder.generation += 1
    assert "Mouvements spécifiques rebaptisés" in new and "Mouvements spécifiques rebaptisés" not in old


def test_each_session_gets_its_own_token_and_its_forms_work(app, make_teacher, login):
    agent, account, password = make_teacher()
    first, second = app.test_client(), app.test_client()
    assert login(first, account.identifiant, password).status_code == 302
    creer_demande(first, SPEC, "OCCITAN", "L1000")
    (demande_id,) = demande_ids(app, agent.id)
    _add(first, demande_id)
    page(first, demande_id)
    html_first = page(first, demande_id)
    # The same teacher in a second browser: a session and a CSRF secret of its own.
    assert login(second, account.identifiant, password).status_code == 302
    html_second = page(second, demande_id)
    assert csrf_from(html_second) != csrf_from(html_first)
    assert add_voeu(first, demande_id, "COM", "03190").status_code == 302
    html_second = page(second, demande_id)
    response = second.post(f"/mobilite/voeux/{voeu_ids(html_second)[1]}/monter",
                           data={"csrf_token": csrf_from(html_second), "version": version(html_second)})
    assert response.status_code == 302
    db = new_session(app)
    codes = db.scalars(select(Voeu.code).where(Voeu.demande_id == demande_id).order_by(Voeu.rank)).all()
    db.close()
    assert codes == ["03190", "63113"]


def test_another_teacher_never_gets_a_kept_page(app, occitan, make_teacher, login):
    owner, _agent, demande_id = occitan
    page(owner, demande_id)
    page(owner, demande_id)
    _, other, password = make_teacher(nom="Autre", prenom="Anne")
    client = app.test_client()
    assert login(client, other.identifiant, password).status_code == 302
    assert client.get(f"/mobilite/demandes/{demande_id}/").status_code == 404


def test_after_logout_the_kept_page_is_not_sent(occitan):
    client, _agent, demande_id = occitan
    html = page(client, demande_id)
    page(client, demande_id)
    client.post("/deconnexion", data={"csrf_token": csrf_from(html)})
    response = client.get(f"/mobilite/demandes/{demande_id}/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_the_cache_keeps_at_most_its_size():
    from forms_app.core.pagecache import PageCache

    cache = PageCache(2)
    for n in range(3):
        cache.put(("s", n), "e", b"page %d" % n)
    assert len(cache) == 2
    assert cache.get(("s", 0), "e") is None
    assert cache.get(("s", 2), "e") == b"page 2"
    assert cache.get(("s", 2), "autre") is None
    assert PageCache(0).get(("s", 1), "e") is None


def test_adds_without_reading_the_page_leave_one_message(app, occitan):
    """A client that never follows the redirect must not pile up copies of the message in its session."""
    client, _agent, demande_id = occitan
    html = page(client, demande_id)
    token, start = csrf_from(html), int(version(html))
    for n, code in enumerate(("0030226E", "0030484K", "63113")):
        response = client.post(f"/mobilite/demandes/{demande_id}/voeux/ajouter", data={
            "csrf_token": token, "version": str(start + n), "type": "COM" if code == "63113" else "ETB",
            "code": code, "poste": ""})
        assert response.status_code == 302
    shown = page(client, demande_id)
    assert shown.count("Le vœu est enregistré.") == 1
    assert "Le vœu est enregistré." not in page(client, demande_id)
    assert all(code in shown for code in ("0030226E", "0030484K", "63113"))


def test_a_double_click_on_supprimer_answers_with_the_current_list(app, occitan):
    """The second click names a vœu already gone: 409 and the list as it is, not « page introuvable »."""
    client, _agent, demande_id = occitan
    _add(client, demande_id)
    html = page(client, demande_id)
    first = voeu_ids(html)[0]
    form = {"csrf_token": csrf_from(html), "version": version(html), "demande": str(demande_id)}
    assert client.post(f"/mobilite/voeux/{first}/supprimer", data=form).status_code == 302
    again = client.post(f"/mobilite/voeux/{first}/supprimer", data=form)
    assert again.status_code == 409
    text = again.data.decode().replace("&#39;", "'")
    assert "Votre liste a changé entre-temps" in text and "63113" in text and "0630021F" not in text
    # The current version and a vœu that never was in the list: nothing to say but 404.
    current = {**form, "version": version(page(client, demande_id))}
    assert client.post(f"/mobilite/voeux/{first}/supprimer", data=current).status_code == 404


@pytest.fixture
def queries(app, monkeypatch):
    """Statements sent to the database since the fixture started: ("fastread" | "execute", sql)."""
    from sqlalchemy import event

    from forms_app.core import fastread
    from forms_app.core.db import engine_of

    sent: list[tuple[str, str]] = []
    real = fastread.first

    def counted(connection, statement, params):
        sent.append(("fastread", str(statement)))
        return real(connection, statement, params)

    def executed(_conn, _cursor, statement, *_args):
        sent.append(("execute", statement))

    monkeypatch.setattr(fastread, "first", counted)
    engine = engine_of(app)
    event.listen(engine, "before_cursor_execute", executed)
    yield sent
    event.remove(engine, "before_cursor_execute", executed)


def test_a_kept_page_reads_the_database_once_with_the_session(app, occitan, queries):
    """The fingerprint is read in the session's own query (identity.ReadAlong): one statement in all."""
    client, _agent, demande_id = occitan
    page(client, demande_id)  # the add's message, shown once
    first = page(client, demande_id)
    queries.clear()
    assert page(client, demande_id) == first
    assert [kind for kind, _sql in queries] == ["fastread"]
    assert "demandes" in queries[0][1] and "user_sessions" in queries[0][1]
    head = client.head(f"/mobilite/demandes/{demande_id}/")
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(first.encode()))
    assert [kind for kind, _sql in queries] == ["fastread", "fastread"]
