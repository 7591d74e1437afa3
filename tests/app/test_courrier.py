"""Courrier: threads between a teacher and the gestionnaires, read receipts, unread count, access."""
import html
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from forms_app.core.db import new_session, write_transaction
from forms_app.core.models import AuditEntry
from forms_app.courrier.messages import send_message
from forms_app.courrier.models import Message
from generator.model import PARIS

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
UNREAD = re.compile(r"(\d+) non lus?")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def flat(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", text(response)))


def token(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return TOKEN.search(response.get_data(as_text=True)).group(1)


def post(client, page: str, action: str, data: dict):
    return client.post(action, data={"csrf_token": token(client, page), **data})


def unread(client) -> int:
    """The count the header shows (0 when it shows none)."""
    found = UNREAD.search(flat(client.get("/courrier/")))
    return int(found.group(1)) if found else 0


@pytest.fixture
def people(app, clock, make_teacher, make_gestionnaire, login):
    """A teacher and a gestionnaire, each logged in on their own client."""
    clock.current = datetime(2026, 11, 6, 14, 5, tzinfo=PARIS)
    agent, account, password = make_teacher(prenom="Claire", nom="Tartemuche")
    teacher = app.test_client()
    login(teacher, account.identifiant, password)
    g_account, g_password = make_gestionnaire()
    gestionnaire = app.test_client()
    login(gestionnaire, g_account.identifiant, g_password)
    return {"teacher": teacher, "account": account, "gestionnaire": gestionnaire,
            "g_account": g_account}


def messages(app) -> list[Message]:
    with app.app_context(), new_session(app) as session:
        return list(session.scalars(select(Message).order_by(Message.id)))


@pytest.mark.postgres
def test_a_thread_between_teacher_and_gestionnaire(app, people):
    teacher, gestionnaire = people["teacher"], people["gestionnaire"]
    assert unread(teacher) == 0 and unread(gestionnaire) == 0

    response = post(teacher, "/courrier/ecrire", "/courrier/ecrire",
                    {"objet": "Question sur mon échelon", "corps": "Bonjour,\nmon échelon est-il à jour ?"})
    assert response.status_code == 302
    assert "Votre message a été envoyé." in text(teacher.get(response.headers["Location"]))
    root = messages(app)[0]
    assert (root.to_role, root.sender_account_id) == ("gestionnaire", people["account"].id)

    assert unread(gestionnaire) == 1
    listing = flat(gestionnaire.get("/courrier/"))
    assert "Non lu" in listing and "Question sur mon échelon" in listing and "Claire Tartemuche" in listing
    thread = flat(gestionnaire.get(f"/courrier/{root.id}"))
    assert "Claire Tartemuche → Les gestionnaires, le 06/11/2026 à 14 h 05" in thread
    assert "mon échelon est-il à jour ?" in thread
    assert unread(gestionnaire) == 0  # opened by its recipient: read

    response = post(gestionnaire, f"/courrier/{root.id}", f"/courrier/{root.id}/repondre",
                    {"corps": "Oui, depuis le 1er septembre."})
    assert response.status_code == 302
    assert unread(teacher) == 1
    answer = messages(app)[1]
    assert (answer.thread_id, answer.to_account_id, answer.subject) == (
        root.id, people["account"].id, "Re : Question sur mon échelon")
    thread = flat(teacher.get(f"/courrier/{answer.id}"))
    assert "Oui, depuis le 1er septembre." in thread and "(gestionnaire)" in thread
    assert unread(teacher) == 0

    # The teacher's answer goes back to the gestionnaires' box, in the same thread.
    post(teacher, f"/courrier/{root.id}", f"/courrier/{root.id}/repondre", {"corps": "Merci."})
    last = messages(app)[2]
    assert (last.thread_id, last.to_role, last.subject) == (root.id, "gestionnaire",
                                                            "Re : Question sur mon échelon")
    assert unread(gestionnaire) == 1


def test_a_sender_opening_their_own_message_does_not_mark_it_read(app, people):
    teacher = people["teacher"]
    post(teacher, "/courrier/ecrire", "/courrier/ecrire", {"objet": "Objet", "corps": "Texte"})
    root = messages(app)[0]
    assert teacher.get(f"/courrier/{root.id}").status_code == 200
    assert messages(app)[0].read_at is None


def test_gestionnaire_writes_to_a_teacher(app, people):
    gestionnaire, teacher = people["gestionnaire"], people["teacher"]
    identifiant = people["account"].identifiant
    form = text(gestionnaire.get(f"/courrier/ecrire?a={identifiant}"))
    assert f'value="{identifiant}"' in form
    response = post(gestionnaire, "/courrier/ecrire", "/courrier/ecrire",
                    {"destinataire": identifiant, "objet": "Pièce manquante", "corps": "Merci d'envoyer…"})
    assert response.status_code == 302
    assert unread(teacher) == 1
    assert "Pièce manquante" in flat(teacher.get("/courrier/"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"destinataire": ""}, "Indiquez l'identifiant de l'enseignant."),
        ({"destinataire": "personne"}, "Aucun enseignant n'a l'identifiant « personne » : vérifiez-le."),
        ({"objet": ""}, "Indiquez l'objet du message."),
        ({"corps": "  "}, "Écrivez votre message."),
        ({"corps": "c" * 5001}, "Ce champ accepte au plus 5\u202f000 caractères (vous en avez saisi 5\u202f001)."),
        ({"objet": "Objet\x00"}, "Ce champ contient des caractères invisibles non autorisés : retirez-les."),
    ],
)
def test_new_message_refusals(app, people, data, message):
    full = {"destinataire": people["account"].identifiant, "objet": "Objet gardé", "corps": "Texte", **data}
    response = post(people["gestionnaire"], "/courrier/ecrire", "/courrier/ecrire", full)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    if full["objet"] == "Objet gardé":
        assert 'value="Objet gardé"' in page
    assert messages(app) == []


def test_a_gestionnaire_account_is_no_teacher_destinataire(app, people):
    response = post(people["gestionnaire"], "/courrier/ecrire", "/courrier/ecrire",
                    {"destinataire": people["g_account"].identifiant, "objet": "o", "corps": "c"})
    assert response.status_code == 400
    assert messages(app) == []


def test_reply_refusal_keeps_the_thread(app, people):
    teacher = people["teacher"]
    post(teacher, "/courrier/ecrire", "/courrier/ecrire", {"objet": "Objet", "corps": "Texte"})
    root = messages(app)[0]
    response = post(teacher, f"/courrier/{root.id}", f"/courrier/{root.id}/repondre", {"corps": ""})
    assert response.status_code == 400
    assert "Écrivez votre message." in text(response)
    assert len(messages(app)) == 1


@pytest.mark.postgres
def test_another_teacher_gets_404_on_messages(app, people, make_teacher, login):
    teacher = people["teacher"]
    post(teacher, "/courrier/ecrire", "/courrier/ecrire", {"objet": "Privé", "corps": "Texte"})
    root = messages(app)[0]
    other = app.test_client()
    _agent, account, password = make_teacher(prenom="Paul", nom="Autre")
    login(other, account.identifiant, password)
    csrf = token(other, "/courrier/ecrire")
    assert other.get(f"/courrier/{root.id}").status_code == 404
    assert other.post(f"/courrier/{root.id}/repondre", data={"csrf_token": csrf, "corps": "x"}).status_code == 404
    assert "Privé" not in flat(other.get("/courrier/"))
    assert other.get("/courrier/99999").status_code == 404
    assert len(messages(app)) == 1


def test_send_message_from_the_application(app, people):
    with app.app_context(), new_session(app) as session:
        with write_transaction(session):
            message = send_message(session, to_account_id=people["account"].id, sender_account_id=None,
                                   subject="Résultat de votre demande", body="Vœu 1 obtenu.",
                                   kind="resultat")
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "courrier.envoi")).one()
        assert audit.target == f"message:{message.id}"
    teacher = people["teacher"]
    assert unread(teacher) == 1
    thread = flat(teacher.get(f"/courrier/{message.id}"))
    assert "L'administration → Claire Tartemuche" in thread and "Vœu 1 obtenu." in thread
    # Nobody at the gestionnaires' side reads a teacher's results through the courrier.
    assert people["gestionnaire"].get(f"/courrier/{message.id}").status_code == 404


def test_send_message_needs_exactly_one_recipient(app):
    with app.app_context(), new_session(app) as session:
        with pytest.raises(ValueError):
            send_message(session, sender_account_id=None, subject="s", body="b")
        with pytest.raises(ValueError):
            send_message(session, to_account_id=1, to_role="gestionnaire", sender_account_id=None,
                         subject="s", body="b")


def test_courrier_needs_a_login(client):
    for url in ("/courrier/", "/courrier/1", "/courrier/ecrire"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_csrf_failure_keeps_the_message(app, people):
    response = people["teacher"].post("/courrier/ecrire", data={"objet": "Mon objet", "corps": "Mon texte"})
    assert response.status_code == 400
    page = text(response)
    assert "Votre session a expiré, renvoyez le formulaire." in page
    assert 'value="Mon objet"' in page and "Mon texte" in page
    assert messages(app) == []


# --- PDF attachments, both ways ----------------------------------------------------------------

import io  # noqa: E402

import hostile_pdfs as hostile  # noqa: E402

from forms_app.courrier.models import PieceMessage  # noqa: E402

S = "\u00a0"


def send_with_files(client, action: str, page: str, data: dict, files: list[tuple[bytes, str]]):
    form = {"csrf_token": token(client, page), **data,
            "pieces": [(io.BytesIO(content), name) for content, name in files]}
    return client.post(action, data=form, content_type="multipart/form-data")


def stored_pieces(app) -> list[PieceMessage]:
    with app.app_context(), new_session(app) as session:
        return list(session.scalars(select(PieceMessage).order_by(PieceMessage.id)))


def test_pdfs_travel_both_ways_and_only_readers_download_them(app, people, make_teacher, login):
    teacher, gestionnaire = people["teacher"], people["gestionnaire"]
    first, second = hostile.valid_pdf(), hostile.valid_pdf() + b"\n% autre"
    sent = send_with_files(teacher, "/courrier/ecrire", "/courrier/ecrire",
                           {"objet": "Mon arrêté de nomination", "corps": "Ci-joint."},
                           [(first, "arrêté de nomination.pdf"), (second, "annexe.pdf"), (b"", "")])
    assert sent.status_code == 302
    message_id = messages(app)[-1].id
    rows = stored_pieces(app)
    assert [(p.message_id, p.filename, p.pages) for p in rows] == [
        (message_id, "arrete_de_nomination.pdf", 1), (message_id, "annexe.pdf", 1)]
    thread = text(gestionnaire.get(f"/courrier/{message_id}"))
    assert "Pièces jointes" in thread
    assert f'href="/courrier/pieces/{rows[0].id}" download>arrete_de_nomination.pdf</a> (PDF, 1{S}Ko, 1 page)' in thread
    download = gestionnaire.get(f"/courrier/pieces/{rows[0].id}")
    assert download.status_code == 200 and download.data == first
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == 'attachment; filename="arrete_de_nomination.pdf"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert teacher.get(f"/courrier/pieces/{rows[1].id}").data == second  # the sender too

    answer = send_with_files(gestionnaire, f"/courrier/{message_id}/repondre", f"/courrier/{message_id}",
                             {"corps": "Voici votre arrêté signé."}, [(first, "signé.pdf")])
    assert answer.status_code == 302
    back = stored_pieces(app)[-1]
    assert back.filename == "signe.pdf"
    assert "signe.pdf" in text(teacher.get(f"/courrier/{message_id}"))
    assert teacher.get(f"/courrier/pieces/{back.id}").status_code == 200

    intruder = app.test_client()
    _agent, account, password = make_teacher(prenom="Paul", nom="Curieux")
    login(intruder, account.identifiant, password)
    for piece in stored_pieces(app):
        assert intruder.get(f"/courrier/pieces/{piece.id}").status_code == 404
    assert intruder.get("/courrier/pieces/99999999999").status_code == 404
    assert app.test_client().get(f"/courrier/pieces/{back.id}").status_code == 302  # anonymous: log in first
    audit = [e for e in audit_rows(app) if e.action == "courrier.envoi"]
    assert '"sha256"' in audit[-1].after and '"signe.pdf"' in audit[-1].after


def audit_rows(app) -> list[AuditEntry]:
    with app.app_context(), new_session(app) as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


@pytest.mark.parametrize(("files", "status", "message"), [
    ([(b"PK\x03\x04 un document Word", "rapport.docx")], 400,
     f"«{S}rapport.docx{S}» n'est pas un PDF{S}: enregistrez le document au format PDF"),
    ([(b"%PDF-" + b"0" * (300 * 1024), "gros.pdf")], 413,
     f"«{S}gros.pdf{S}»{S}: le fichier dépasse la taille maximale de 300{S}Ko"),
    ([(hostile.openaction_javascript(), "script.pdf")], 400, f"«{S}script.pdf{S}»{S}: ce PDF contient"),
    ([(hostile.valid_pdf(), f"p{n}.pdf") for n in range(4)], 400,
     f"Joignez 3 fichiers au plus{S}: vous en avez choisi 4."),
])
def test_refused_attachments_send_nothing(app, people, files, status, message):
    teacher = people["teacher"]
    before = len(messages(app))
    response = send_with_files(teacher, "/courrier/ecrire", "/courrier/ecrire",
                               {"objet": "Pièces", "corps": "Voir les pièces."}, files)
    assert response.status_code == status
    page = text(response)
    assert message in page
    assert 'value="Pièces"' in page  # what was typed stays
    assert len(messages(app)) == before and stored_pieces(app) == []


def test_a_refused_attachment_in_an_answer_keeps_the_thread(app, people):
    teacher, gestionnaire = people["teacher"], people["gestionnaire"]
    post(teacher, "/courrier/ecrire", "/courrier/ecrire", {"objet": "Question", "corps": "Bonjour."})
    root = messages(app)[-1].id
    response = send_with_files(gestionnaire, f"/courrier/{root}/repondre", f"/courrier/{root}",
                               {"corps": "Réponse"}, [(b"pas un pdf", "note.txt")])
    assert response.status_code == 400
    assert f"«{S}note.txt{S}» n'est pas un PDF" in text(response) and "Bonjour." in text(response)
    assert len(messages(app)) == 1
