"""The confirmation's return: the signed PDF (screened like pièces jointes), corrections and justificatifs,
« retournée le … »; every refusal with its French message and nothing written; the gestionnaire's
follow-up (returned / not returned, a paper return marked, audited); « non recevable »; the cancellation."""
from __future__ import annotations

import io
import re
from html import unescape

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from suivi_support import INTER, MOT_DE_PASSE, RETOUR_DEBUT, RETOUR_FIN, SAISIE_FIN, make_demande, small_pdf

from forms_app.confirmations.models import ConfirmationDemande, FichierConfirmation
from forms_app.core.db import new_session
from forms_app.core.echeances import run_due
from forms_app.core.models import AuditEntry
from forms_app.courrier.models import Message

SPEC = "specifique-2027"


def confirmation(app, demande_id):
    db = new_session(app)
    row = db.scalar(select(ConfirmationDemande).where(ConfirmationDemande.demande_id == demande_id))
    db.close()
    return row


def fichiers(app, demande_id):
    db = new_session(app)
    rows = db.execute(select(FichierConfirmation.role, FichierConfirmation.rang, FichierConfirmation.filename)
                      .join(ConfirmationDemande, ConfirmationDemande.id == FichierConfirmation.confirmation_id)
                      .where(ConfirmationDemande.demande_id == demande_id)
                      .order_by(FichierConfirmation.role, FichierConfirmation.rang)).all()
    db.close()
    return [tuple(r) for r in rows]


def upload(client, csrf, demande_id, *, signee=None, justificatifs=(), corrections=""):
    page = client.get(f"/confirmations/demandes/{demande_id}/")
    data = {"csrf_token": csrf(page.data), "corrections": corrections}
    if signee is not None:
        data["signee"] = (io.BytesIO(signee[1]), signee[0])
    if justificatifs:
        data["justificatifs"] = [(io.BytesIO(d), n) for n, d in justificatifs]
    return client.post(f"/confirmations/demandes/{demande_id}/retour", data=data,
                       content_type="multipart/form-data")


@pytest.fixture
def sent(app, clock, make_teacher, login, client):
    """A teacher of inter-2027 whose confirmation has just been sent (saisie closed), logged in."""
    agent, account, password = make_teacher(password=MOT_DE_PASSE)
    demande_id = make_demande(app, agent.id)
    clock.current = SAISIE_FIN
    run_due(app, campagne=INTER)
    clock.current = RETOUR_DEBUT
    login(client, account.identifiant, password)
    return client, agent, account, demande_id


@pytest.mark.postgres
def test_the_teacher_returns_the_signed_confirmation(app, clock, sent, csrf, db_backend):
    client, agent, account, demande_id = sent
    page = unescape(client.get(f"/confirmations/demandes/{demande_id}/").get_data(as_text=True))
    assert "En attente de retour" in page and "à retourner signée avant le 17/12/2026 à 12:00" in page
    pdf = client.get(f"/confirmations/demandes/{demande_id}/pdf")
    assert pdf.headers["Content-Type"] == "application/pdf" and "attachment" in pdf.headers["Content-Disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in ("Confirmation de demande", "Jean Dupont", "Lyon", "Aix-Marseille", "Échelon",
                     "Ancienneté de poste", "Situation familiale", "Barème provisionnel", "Signature",
                     "À retourner signée avant le 17/12/2026"):
        assert expected in text, expected
    printable = unescape(client.get(f"/confirmations/demandes/{demande_id}/document").get_data(as_text=True))
    assert "<h1>Confirmation de demande</h1>" in printable and "confirmation.css" in printable

    response = upload(client, csrf, demande_id, signee=("confirmation signée.pdf", small_pdf(2)),
                      justificatifs=[("livret.pdf", small_pdf())], corrections="Mon conjoint travaille à Lyon.")
    assert response.status_code == 302
    page = unescape(client.get(f"/confirmations/demandes/{demande_id}/").get_data(as_text=True))
    assert "retournée le 10/12/2026 à 12:00" in page and "Mon conjoint travaille à Lyon." in page
    assert fichiers(app, demande_id) == [("justificatif", 1, "livret.pdf"), ("signee", 1, "confirmation_signee.pdf")]
    assert client.get(f"/confirmations/demandes/{demande_id}/fichiers/signee").status_code == 200
    assert client.get(f"/confirmations/demandes/{demande_id}/fichiers/justificatif-1").status_code == 200
    assert client.get(f"/confirmations/demandes/{demande_id}/fichiers/justificatif-2").status_code == 404
    demande_page = unescape(client.get(f"/mobilite/demandes/{demande_id}/").get_data(as_text=True))
    assert "Retournée</strong>, retournée le 10/12/2026 à 12:00" in demande_page

    again = upload(client, csrf, demande_id, signee=("x.pdf", small_pdf()))
    assert again.status_code == 409
    assert "Cette confirmation a déjà été retournée le jeudi 10 décembre 2026" in unescape(again.get_data(as_text=True))
    assert len(fichiers(app, demande_id)) == 2
    # vœux are frozen: the saisie is closed, and a forged write is refused
    assert client.post(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=ACA&code=01",
                       data={"csrf_token": csrf(client.get(f"/mobilite/demandes/{demande_id}/").data)}
                       ).status_code == 403
    clock.current = RETOUR_FIN
    run_due(app, campagne=INTER)
    assert confirmation(app, demande_id).etat == "retournee"  # a returned demande is never cancelled
    db = new_session(app)
    actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.target == f"demande:{demande_id}")))
    db.close()
    assert {"confirmations.envoi", "confirmations.retour"} <= actions


@pytest.mark.parametrize("signee, justificatifs, corrections, status, message", [
    (None, [], "", 400, "Joignez la confirmation signée, au format PDF."),
    (("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100), [], "", 400, "n'est pas un PDF"),
    (("gros.pdf", small_pdf() + b"%" + b"0" * 310 * 1024), [], "", 413, "300"),
    (("signee.pdf", small_pdf()), [(f"j{i}.pdf", small_pdf()) for i in range(4)], "", 400,
     "Joignez 3 fichiers au plus"),
    (("signee.pdf", small_pdf()), [], "x" * 2001, 400, "Vos corrections font plus de 2\u202f000 caractères"),
])
def test_a_refused_return_says_what_to_fix_and_writes_nothing(app, sent, csrf, signee, justificatifs, corrections,
                                                              status, message):
    client, _agent, _account, demande_id = sent
    response = upload(client, csrf, demande_id, signee=signee, justificatifs=justificatifs, corrections=corrections)
    assert response.status_code == status
    assert message in unescape(response.get_data(as_text=True))
    assert confirmation(app, demande_id).etat == "attente" and fichiers(app, demande_id) == []


def test_after_the_deadline_the_return_is_closed_and_the_demande_cancelled(app, clock, sent, csrf, login):
    client, _agent, account, demande_id = sent
    clock.current = RETOUR_FIN
    login(client, account.identifiant, MOT_DE_PASSE)  # the week's wait ended the session
    response = upload(client, csrf, demande_id, signee=("signee.pdf", small_pdf()))
    assert response.status_code == 403
    assert "Le retour des confirmations est fermé : il était possible jusqu'au jeudi 17 décembre 2026" in \
        unescape(response.get_data(as_text=True))
    run_due(app, campagne=INTER)
    row = confirmation(app, demande_id)
    assert row.etat == "annulee"
    db = new_session(app)
    (message,) = db.scalars(select(Message).where(Message.subject.like("Demande annulée%")))
    db.close()
    assert message.to_account_id == account.id
    assert "ne nous est pas parvenue avant le jeudi 17 décembre 2026" in message.body
    assert "une confirmation de demande non retournée annule la demande" in message.body
    page = unescape(client.get(f"/mobilite/demandes/{demande_id}/").get_data(as_text=True))
    assert "Annulée (non retournée)</strong> : cette demande est annulée depuis le 17/12/2026 à 12:00" in page
    listing = unescape(client.get("/mobilite/inter-2027/").get_data(as_text=True))
    assert "Annulée le 17/12/2026 à 12:00 : confirmation non retournée" in listing
    assert upload(client, csrf, demande_id, signee=("s.pdf", small_pdf())).status_code == 403


def test_another_teachers_confirmation_is_not_found(app, sent, make_teacher, login, csrf):
    _client, _agent, _account, demande_id = sent
    _other_agent, other, password = make_teacher(nom="Autre")
    other_client = app.test_client()
    login(other_client, other.identifiant, password)
    for path in ("", "pdf", "document", "fichiers/signee"):
        assert other_client.get(f"/confirmations/demandes/{demande_id}/{path}").status_code == 404
    assert other_client.get("/confirmations/gestion/inter-2027/").status_code == 403


@pytest.mark.postgres
def test_the_gestionnaire_sees_returned_and_marks_a_paper_return(app, clock, make_teacher, request, csrf,
                                                                 db_backend):
    deposee = make_demande(app, make_teacher(nom="Depot")[0].id)
    papier = make_demande(app, make_teacher(nom="Papier")[0].id)
    clock.current = SAISIE_FIN
    run_due(app, campagne=INTER)
    clock.current = RETOUR_DEBUT
    client, gestionnaire = request.getfixturevalue("gestionnaire_client")
    db = new_session(app)
    with db.begin():
        db.get(ConfirmationDemande, confirmation(app, deposee).id).etat = "retournee"
    db.close()
    page = unescape(client.get("/confirmations/gestion/inter-2027/").get_data(as_text=True))
    assert "Retournée : 1" in page and "En attente de retour : 1" in page
    filtered = unescape(client.get("/confirmations/gestion/inter-2027/?etat=non-retournees").get_data(as_text=True))
    assert f"Demande n° {papier}" in filtered and f"Demande n° {deposee}" not in filtered
    assert client.get("/confirmations/gestion/inter-2027/?etat=perdues").status_code == 400
    assert "Filtre inconnu" in unescape(client.get("/confirmations/gestion/inter-2027/?etat=perdues").get_data(as_text=True))
    desk = unescape(client.get("/gestion/").get_data(as_text=True)) if "gestion.index" in app.view_functions else ""
    if desk:
        assert "1 retournée, 1 non retournée" in desk and "Suivi des confirmations" in desk

    response = client.post(f"/confirmations/gestion/demandes/{papier}/papier",
                           data={"csrf_token": csrf(filtered), "etat": "non-retournees"})
    assert response.status_code == 302 and response.headers["Location"].endswith("?etat=non-retournees")
    row = confirmation(app, papier)
    assert (row.etat, row.retour_mode, row.recue_par) == ("retournee", "papier", gestionnaire.id)
    again = client.post(f"/confirmations/gestion/demandes/{papier}/papier", data={"csrf_token": csrf(filtered)})
    assert again.status_code == 409 and "reçue par courrier postal" in unescape(again.get_data(as_text=True))
    db = new_session(app)
    (audit,) = db.scalars(select(AuditEntry).where(AuditEntry.action == "confirmations.retour_papier"))
    db.close()
    assert audit.actor_id == gestionnaire.id and audit.target == f"demande:{papier}"
    detail = unescape(client.get(f"/confirmations/demandes/{papier}/").get_data(as_text=True))
    assert "reçue par courrier postal" in detail


def test_a_starred_demande_without_lettre_is_confirmed_non_recevable(app, clock, make_teacher, login, client):
    agent, account, password = make_teacher()
    sans = make_demande(app, agent.id, campagne=SPEC, mouvement="CINE", discipline="L0202",
                        voeux=[("ETB", "0630021F", "LPO La Fayette")])
    avec = make_demande(app, agent.id, campagne=SPEC, mouvement="THEA", discipline="L0202",
                        voeux=[("ETB", "0630021F", "LPO La Fayette")], lettre=True)
    clock.current = SAISIE_FIN.replace(day=8)
    run_due(app, campagne=SPEC)
    login(client, account.identifiant, password)
    assert (confirmation(app, sans).etat, confirmation(app, avec).etat) == ("non_recevable", "attente")
    page = unescape(client.get(f"/confirmations/demandes/{sans}/").get_data(as_text=True))
    assert "Non recevable" in page and "Il n'y a rien à retourner." in page
    assert 'name="signee"' not in page
    pdf = client.get(f"/confirmations/demandes/{sans}/pdf").data
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Demande non recevable" in text and "vous n'avez rien à renvoyer" in text
    db = new_session(app)
    (message,) = db.scalars(select(Message).where(Message.kind == "confirmation"))
    db.close()
    assert re.search(r"Cinéma audiovisuel.*: non recevable", message.body)


def test_the_demande_page_kept_in_the_page_cache_shows_the_new_state(app, sent, make_gestionnaire, login, csrf):
    """The demande's page is kept per worker with a fingerprint (docs/mobilite.md): a return marked by the
    gestionnaire moves the demande's revision on, so the next read shows it."""
    client, _agent, _account, demande_id = sent
    for _ in range(2):
        assert "En attente de retour" in unescape(client.get(f"/mobilite/demandes/{demande_id}/").get_data(as_text=True))
    gestionnaire, password = make_gestionnaire()
    other = app.test_client()
    login(other, gestionnaire.identifiant, password)
    page = other.get(f"/confirmations/demandes/{demande_id}/")
    assert other.post(f"/confirmations/gestion/demandes/{demande_id}/papier",
                      data={"csrf_token": csrf(page.data), "retour": "demande"}).status_code == 302
    assert "Retournée</strong>, retournée le" in unescape(client.get(f"/mobilite/demandes/{demande_id}/").get_data(as_text=True))
