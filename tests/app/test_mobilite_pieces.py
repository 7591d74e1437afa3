"""Pièces jointes: screened PDFs of the kinds the campaign accepts, stored with their SHA-256, safe downloads."""
from __future__ import annotations

import hashlib
import io
import re
from html import unescape

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from sqlalchemy import select

from forms_app.core.db import new_session
from forms_app.core.models import AuditEntry
from forms_app.mobilite.models import Demande, PieceJointe

SPEC = "specifique-2027"
NBSP = "\u00a0"


def csrf_from(html) -> str:
    if isinstance(html, bytes):
        html = html.decode()
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def text_of(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.data.decode(), flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def pdf(pages: int = 1, *, javascript: bool = False) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if javascript:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def demande(app, teacher_client):
    """(client, demande_id) for a demande of the specific movements."""
    client, agent, _ = teacher_client
    token = csrf_from(client.get(f"/mobilite/{SPEC}/ajouter?mouvement=OCCITAN&discipline=L1000").data)
    client.post(f"/mobilite/{SPEC}/ajouter", data={"csrf_token": token, "mouvement": "OCCITAN", "discipline": "L1000"})
    db = new_session(app)
    demande_id = db.scalar(select(Demande.id).where(Demande.agent_id == agent.id))
    db.close()
    return client, demande_id


def upload(client, demande_id: int, data: bytes, kind: str = "rapport_inspection", filename: str = "rapport.pdf"):
    token = csrf_from(client.get(f"/mobilite/demandes/{demande_id}/").data)
    return client.post(f"/mobilite/demandes/{demande_id}/pieces", content_type="multipart/form-data", data={
        "csrf_token": token, "kind": kind, "fichier": (io.BytesIO(data), filename)})


def pieces(app, demande_id: int) -> list[PieceJointe]:
    db = new_session(app)
    rows = list(db.scalars(select(PieceJointe).where(PieceJointe.demande_id == demande_id)))
    db.close()
    return rows


def test_upload_store_download_replace_delete(app, demande):
    client, demande_id = demande
    page = text_of(client.get(f"/mobilite/demandes/{demande_id}/"))
    assert "Rapport d'inspection ou de rendez-vous de carrière (facultatif)" in page
    assert "Ce fichier doit être au format PDF et de taille max 300 Ko." in page
    first = pdf(2)
    assert upload(client, demande_id, first, filename="Rapport d'inspection été.pdf").status_code == 302
    (stored,) = pieces(app, demande_id)
    assert (stored.sha256, stored.size, stored.pages) == (hashlib.sha256(first).hexdigest(), len(first), 2)
    assert stored.filename == "Rapport_d_inspection_ete.pdf"
    download = client.get(f"/mobilite/pieces/{stored.id}")
    assert download.data == first
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == 'attachment; filename="Rapport_d_inspection_ete.pdf"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"].startswith("sandbox")
    second = pdf(3)
    assert upload(client, demande_id, second).status_code == 302
    (replaced,) = pieces(app, demande_id)
    assert replaced.sha256 == hashlib.sha256(second).hexdigest()
    token = csrf_from(client.get(f"/mobilite/demandes/{demande_id}/").data)
    assert client.post(f"/mobilite/pieces/{replaced.id}/supprimer", data={"csrf_token": token}).status_code == 302
    assert pieces(app, demande_id) == []
    db = new_session(app)
    actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("mobilite.piece.%"))
                              .order_by(AuditEntry.id)))
    db.close()
    assert actions == ["mobilite.piece.depot", "mobilite.piece.remplacement", "mobilite.piece.suppression"]


@pytest.mark.parametrize("data, status, message", [
    (b"%PDF-" + b"0" * (300 * 1024), 413, f"Le fichier dépasse la taille maximale de 300{NBSP}Ko"),
    (b"GIF89a not a pdf", 400, f"Ce fichier n'est pas un PDF, même si son nom se termine par .pdf{NBSP}:"),
    ("js", 400, "Ce PDF contient du JavaScript et une action automatique à l'ouverture (OpenAction), que le portail refuse par sécurité"),
])
def test_refused_uploads_say_why(app, demande, data, status, message):
    client, demande_id = demande
    response = upload(client, demande_id, pdf(javascript=True) if data == "js" else data)
    assert response.status_code == status
    assert message in text_of(response)
    assert pieces(app, demande_id) == []


def test_kind_not_accepted_by_the_campaign_is_refused(app, demande):
    client, demande_id = demande
    response = upload(client, demande_id, pdf(), kind="justificatif_familial")
    assert response.status_code == 400
    assert f"Ce type de pièce n'est pas demandé par cette campagne{NBSP}: choisissez-en un dans la liste." in text_of(response)


def test_download_only_by_owner_and_gestionnaires(app, demande, make_teacher, make_gestionnaire, login):
    client, demande_id = demande
    upload(client, demande_id, pdf())
    (stored,) = pieces(app, demande_id)
    other = app.test_client()
    _a, account, password = make_teacher(nom="Martin")
    login(other, account.identifiant, password)
    assert other.get(f"/mobilite/pieces/{stored.id}").status_code == 404
    staff = app.test_client()
    g_account, g_password = make_gestionnaire()
    login(staff, g_account.identifiant, g_password)
    assert staff.get(f"/mobilite/pieces/{stored.id}").status_code == 200


@pytest.mark.parametrize("filename, message", [
    ("rapport.docx", f"Le fichier «{NBSP}rapport.docx{NBSP}» n'est pas un PDF{NBSP}: ouvrez-le avec le logiciel qui "
                     "l'a créé, enregistrez le document en PDF"),
    ("photo.JPG", f"Le fichier «{NBSP}photo.JPG{NBSP}» n'est pas un PDF"),
    ("rapport.pdf", f"Ce fichier n'est pas un PDF, même si son nom se termine par .pdf{NBSP}:"),
])
def test_a_file_that_is_no_pdf_is_told_in_words_that_fit_its_name(app, demande, filename, message):
    client, demande_id = demande
    refused = upload(client, demande_id, b"PK\x03\x04 not a pdf", filename=filename)
    assert refused.status_code == 400
    assert message in text_of(refused)
    assert "même si son nom se termine par .pdf" not in text_of(refused) or filename.endswith(".pdf")


def test_a_body_over_the_app_cap_shows_the_demande_with_the_piece_limit(app, demande):
    """Werkzeug refuses a body over MAX_CONTENT_LENGTH before the view: the teacher still lands on her demande,
    told the 300 Ko limit, nothing stored."""
    client, demande_id = demande
    token = csrf_from(client.get(f"/mobilite/demandes/{demande_id}/").data)
    boundary = "limite-de-test"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in (("csrf_token", token), ("kind", "rapport_inspection"))]
    body = b"".join(parts) + (
        f'--{boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="gros.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n").encode() + b"%PDF-1.4\n" + b"0" * app.config["MAX_CONTENT_LENGTH"] \
        + f"\r\n--{boundary}--\r\n".encode()
    # A bytes body (not files=…): the test client then keeps no temporary file open after the refusal.
    big = client.post(f"/mobilite/demandes/{demande_id}/pieces", data=body,
                      content_type=f"multipart/form-data; boundary={boundary}")
    assert big.status_code == 413
    text = text_of(big)
    assert f"Le fichier envoyé est trop volumineux{NBSP}: une pièce jointe fait au plus 300{NBSP}Ko." in text
    assert "Liste de vos vœux" in text and "Pièces jointes" in text
    db = new_session(app)
    assert db.scalar(select(PieceJointe.id)) is None
    db.close()
