"""Walk every URL rule of the app: anonymous visitors get nothing, no teacher reaches another's data.

The walker discovers rules from app.url_map. Integer parameters are filled with the ids of the
OTHER teacher's records; a new rule with a parameter the table below does not know fails the test,
so that every new kind of record gets its access check.
"""
from __future__ import annotations

import pytest
from sqlalchemy import or_, select

from forms_app.core.db import new_session, write_transaction

MARKERS = ("Bérénice", "Rivalière", "Agrégation de mécanique céleste", "Objet confidentiel de Bérénice",
           "Lettre secrète de Bérénice", "Vœu caché de Bérénice", "piece-de-berenice.pdf")
PUBLIC = {("auth.login", "GET"), ("auth.login", "POST")}  # the login form shows no record
STRING_PARAMS = {"slug": "diplomes", "onglet": "carriere"}  # not a default: no canonical redirect
STRING_PARAMS_BY_AREA = {"mobilite": {"slug": "specifique-2027"}, "promotions": {"slug": "hors-classe-2027"},
                         "affectation": {"slug": "intra-2027"}}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def other_teacher(app, make_teacher):
    """Bérénice Rivalière, with a dossier, a CV entry, messages both ways and a demande; returns her ids."""
    from forms_app.courrier.messages import send_message
    from forms_app.courrier.models import PieceMessage
    from forms_app.cv.models import CvEntry

    agent, account, _password = make_teacher(prenom="Bérénice", nom="Rivalière",
                                             mail_pro="berenice.r@ac-montferrand.example")
    db = new_session(app)
    with write_transaction(db):
        entry = CvEntry(agent_id=agent.id, rubrique="diplomes", rank=1, intitule=MARKERS[2], organisme="",
                        niveau="", precisions="", updated_at=app.config["CLOCK"]())
        db.add(entry)
        to_her = send_message(db, to_account_id=account.id, sender_account_id=None,
                              subject=MARKERS[3], body="Réponse à votre demande.")
        from_her = send_message(db, to_role="gestionnaire", sender_account_id=account.id,
                                subject=MARKERS[3] + " (envoi)", body="Ma question.")
        her_pdf = PieceMessage(message_id=from_her.id, filename="piece-de-berenice.pdf", size=5, pages=1,
                               sha256="0" * 64, data=MARKERS[3].encode(), created_at=app.config["CLOCK"]())
        db.add(her_pdf)
        db.flush()
    ids = {"agent_id": agent.id, "account_id": account.id, "entry_id": entry.id,
           "message_id": to_her.id, "sent_message_id": from_her.id, "piece_message_id": her_pdf.id,
           **_mobilite(app, agent.id)}
    db.close()
    return ids


def _mobilite(app, agent_id: int) -> dict[str, int]:
    """Her demande, with a lettre, a vœu and a pièce jointe (helper H8b)."""
    from forms_app.mobilite.models import CorrectionBareme, Demande, Lettre, PieceJointe, Voeu

    moment = app.config["CLOCK"]()
    db = new_session(app)
    with write_transaction(db):
        demande = Demande(agent_id=agent_id, campagne="specifique-2027", mouvement="OCCITAN", discipline="L1000",
                          preference="", voeux_version=0, created_at=moment, updated_at=moment)
        db.add(demande)
        db.flush()
        voeu = Voeu(demande_id=demande.id, rank=1, type="ETB", code="0630021F", libelle=MARKERS[2], poste="",
                    created_at=moment)
        piece = PieceJointe(demande_id=demande.id, kind="rapport_inspection", filename="Riviere.pdf", size=5,
                            pages=1, sha256="0" * 64, data=MARKERS[3].encode(), created_at=moment)
        correction = CorrectionBareme(demande_id=demande.id, element="echelon", texte=MARKERS[3], etat="envoyee",
                                      reponse="", created_at=moment, piece_filename="Riviere.pdf", piece_size=5,
                                      piece_pages=1, piece_sha256="0" * 64, piece_data=MARKERS[3].encode())
        db.add_all([voeu, piece, correction,
                    Lettre(demande_id=demande.id, texte=MARKERS[3], brouillon="", enregistree_at=moment)])
        db.flush()
        ids = {"demande_id": demande.id, "voeu_id": voeu.id, "piece_id": piece.id, "correction_id": correction.id}
    db.close()
    return ids


def int_values(ids: dict) -> dict[str, list[int]]:
    """Each integer parameter → the other teacher's ids to try."""
    return {
        "agent_id": [ids["agent_id"]],
        "entry_id": [ids["entry_id"]],
        "message_id": [ids["message_id"], ids["sent_message_id"]],
        "account_id": [ids["account_id"]],
        "demande_id": [ids["demande_id"]],
        "voeu_id": [ids["voeu_id"]],
        "piece_id": [ids["piece_id"]],
        "correction_id": [ids["correction_id"]],
        "piece_message_id": [ids["piece_message_id"]],
        "simulation_id": [1],  # simulations are the gestionnaires' (role_required): any id is refused
    }


def urls(app, ids: dict):
    """(endpoint, method, url) for every rule, parameters filled."""
    ints = int_values(ids)
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        int_params = [name for name, conv in rule._converters.items() if conv.__class__.__name__ == "IntegerConverter"]
        unknown = [p for p in int_params if p not in ints]
        assert not unknown, f"{rule.rule}: paramètre {unknown} inconnu du test d'accès : ajoutez-le à int_values()"
        combos = [{}]
        for name in int_params:
            combos = [{**c, name: value} for c in combos for value in ints[name]]
        for combo in combos:
            strings = {**STRING_PARAMS, **STRING_PARAMS_BY_AREA.get(rule.endpoint.split(".")[0], {})}
            values = {**{n: strings.get(n, "x") for n in rule.arguments if n not in int_params}, **combo}
            values.update({k: v for k, v in (rule.defaults or {}).items() if k in values})
            path = rule.build(values, append_unknown=False)[1]
            for method in sorted(rule.methods - IGNORED_METHODS):
                yield rule.endpoint, method, path, bool(int_params)


def snapshot(app, ids: dict) -> tuple:
    """What the other teacher owns, to prove nothing changed."""
    from forms_app.courrier.models import Message
    from forms_app.cv.models import CvEntry
    from forms_app.dossier.models import Agent

    db = new_session(app)
    agent = db.get(Agent, ids["agent_id"])
    state = (
        agent.snapshot(),
        [e.snapshot() for e in db.scalars(select(CvEntry).where(CvEntry.agent_id == ids["agent_id"]))],
        [(m.subject, m.body, m.read_at) for m in db.scalars(
            select(Message).where(or_(Message.to_account_id == ids["account_id"],
                                      Message.sender_account_id == ids["account_id"],
                                      Message.thread_id.in_([ids["message_id"], ids["sent_message_id"]])))
            .order_by(Message.id))],
        _mobilite_state(db, ids),
    )
    db.close()
    return state


def _mobilite_state(db, ids: dict) -> tuple:
    from forms_app.mobilite.models import Demande, Lettre, PieceJointe, Voeu

    demande = db.get(Demande, ids["demande_id"])
    return (
        demande.snapshot() if demande else None,
        [(v.rank, v.code) for v in db.scalars(select(Voeu).where(Voeu.demande_id == ids["demande_id"]))],
        [(x.texte, x.brouillon) for x in db.scalars(select(Lettre).where(Lettre.demande_id == ids["demande_id"]))],
        [p.sha256 for p in db.scalars(select(PieceJointe).where(PieceJointe.demande_id == ids["demande_id"]))],
    )


def leaks(html: str) -> list[str]:
    return [m for m in MARKERS if m in html]


def test_anonymous_requests_are_refused_everywhere(app, other_teacher):
    client = app.test_client()
    before = snapshot(app, other_teacher)
    seen = 0
    for endpoint, method, url, _has_ids in urls(app, other_teacher):
        response = client.open(url, method=method, data={"csrf_token": "x"})
        html = response.get_data().decode("utf-8", "replace")  # a PDF of her own is bytes
        seen += 1
        assert not leaks(html), (method, url)
        if (endpoint, method) in PUBLIC:
            continue
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/connexion"), (method, url)
            assert_french_redirect(response)
        else:
            assert response.status_code in (400, 401, 403, 404, 405), (method, url, response.status_code)
    assert seen >= 20
    assert snapshot(app, other_teacher) == before


def test_a_teacher_never_reaches_another_teachers_records(app, other_teacher, teacher_client, csrf):
    client, _agent, _account = teacher_client
    before = snapshot(app, other_teacher)
    token = csrf(client.get("/").data)
    checked = 0
    for endpoint, method, url, has_ids in urls(app, other_teacher):
        if endpoint == "auth.logout":
            continue
        data = {"csrf_token": token, "intitule": "piratage", "corps": "piratage", "objet": "piratage",
                "message": "piratage", "telephone": "0473000000"}
        response = client.open(url, method=method, data=data)
        html = response.get_data().decode("utf-8", "replace")
        assert not leaks(html), (method, url, response.status_code)
        if has_ids:
            assert response.status_code in (403, 404), (method, url, response.status_code)
            checked += 1
    assert checked >= 8
    assert snapshot(app, other_teacher) == before
    assert client.get("/compte").status_code == 200  # still logged in: the walk really ran as a teacher


def assert_french_redirect(response) -> None:
    """A redirect's body is a short French page naming where it leads, never Werkzeug's English."""
    from html import escape

    body = response.get_data(as_text=True)
    location = response.headers["Location"]
    assert response.mimetype == "text/html"
    assert '<html lang="fr">' in body and "<title>Redirection</title>" in body
    assert f'Redirection vers <a href="{escape(location)}">{escape(location)}</a>.' in body
    assert "Redirecting" not in body and "redirected" not in body


def test_every_kind_of_redirect_has_a_french_body(app, client, make_teacher, login, form_post):
    _agent, account, password = make_teacher(prenom="Paul", nom="Redirigé")
    anonymous = client.get("/dossier/")  # the login gate
    assert anonymous.status_code == 302
    assert_french_redirect(anonymous)
    response = login(client, account.identifiant, password)  # after a form
    assert response.status_code == 302
    assert_french_redirect(response)
    slash = client.get("/dossier")  # Werkzeug's own redirect to the canonical URL
    assert slash.status_code == 308
    assert_french_redirect(slash)
    saved = form_post(client, "/dossier/perso", {"telephone": "04 73 00 00 01", "portable": "", "mail_perso": ""})
    assert saved.status_code == 302
    assert_french_redirect(saved)
    assert client.head("/dossier").get_data() == b""  # HEAD still carries no body
    out = form_post(client, "/deconnexion", page="/")
    assert out.status_code == 302
    assert_french_redirect(out)


def test_walker_fails_on_an_unknown_integer_parameter(app, other_teacher):
    from werkzeug.routing import Rule

    app.url_map.add(Rule("/essai/<int:bidule_id>", endpoint="essai.voir"))
    with pytest.raises(AssertionError, match="bidule_id"):
        list(urls(app, other_teacher))


def test_gestionnaire_reaches_a_teachers_dossier(gestionnaire_client, other_teacher):
    client, _account = gestionnaire_client
    response = client.get(f"/dossier/agents/{other_teacher['agent_id']}/")
    assert response.status_code == 200 and "Rivalière" in response.get_data(as_text=True)

