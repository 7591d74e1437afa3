"""« Historique »: the audit log of a demande and of an agent's dossier, in words, filtered by kind of
action, gestionnaire and teacher actions alike, never a secret; on SQLite and PostgreSQL."""
from __future__ import annotations

import json

import pytest

from forms_app.core.db import new_session, write_transaction
from forms_app.core.models import AuditEntry
from forms_app.gestion.rules import en_mots
from gestion_world import APRES_SAISIE, INTRA, PENDANT_SAISIE, csrf_of, make_demande, post, text_of


@pytest.fixture
def monde(app, clock, make_teacher, make_gestionnaire, login):
    clock.current = PENDANT_SAISIE
    agent, account, password = make_teacher(prenom="Anne", nom="Arnaud", echelon=5, affectation_uai="0630021F")
    teacher = app.test_client()
    assert login(teacher, account.identifiant, password).status_code == 302
    demande_id = make_demande(app, agent.id, voeux=[("ETB", "0630021F")])
    page = teacher.get(f"/mobilite/demandes/{demande_id}/voeux/ajouter?type=COM&code=63113")
    added = teacher.post(f"/mobilite/demandes/{demande_id}/voeux/ajouter",
                         data={"csrf_token": csrf_of(page.data), "type": "COM", "code": "63113", "version": "1"})
    assert added.status_code == 302
    clock.current = APRES_SAISIE
    gestionnaire, gpassword = make_gestionnaire(prenom="Claire", nom="Gestion")
    client = app.test_client()
    assert login(client, gestionnaire.identifiant, gpassword).status_code == 302
    url = f"/gestion/demandes/{demande_id}/"
    post(client, f"{url}bareme/anciennete_poste", {"decision": "corrige", "points": "170", "motif": "Arrêté"}, url)
    post(client, f"{url}bareme/anciennete_poste", {"decision": "verifie"}, url)
    post(client, f"{url}message", {"objet": "Votre demande", "corps": "Bien reçue."}, url)
    return {"client": client, "demande_id": demande_id, "agent": agent, "account": account}


@pytest.mark.postgres
def test_the_demandes_history_in_words(app, monde, db_backend):
    response = monde["client"].get(f"/gestion/demandes/{monde['demande_id']}/historique")
    assert response.status_code == 200
    text = text_of(response)
    assert "Élément du barème examiné" in text and "Claire Gestion (gestionnaire)" in text
    assert "Élément : Ancienneté dans le poste." in text
    assert "Décision : corrigé → vérifié." in text and "Points : 170 → (vide)." in text
    assert "Vœu ajouté" in text and "Anne Arnaud (l'agent)" in text
    assert "Vœux avant : 1. Établissement 0630021F." in text
    assert "Vœux après : 1. Établissement 0630021F, 2. Commune 63113." in text
    assert "Message écrit à l'agent" in text and "Objet : Votre demande." in text
    html = response.get_data(as_text=True)
    assert '{"' not in html and "&#34;" not in html  # never raw JSON
    # newest first
    assert text.index("Message écrit à l'agent") < text.index("Élément du barème examiné") < text.index("Vœu ajouté")


@pytest.mark.parametrize("kind, shown, hidden", [
    ("bareme", "Élément du barème examiné", "Vœu ajouté"),
    ("voeux", "Vœu ajouté", "Élément du barème examiné"),
    ("courrier", "Message écrit à l'agent", "Vœu ajouté"),
])
def test_filter_by_kind_of_action(app, monde, kind, shown, hidden):
    text = text_of(monde["client"].get(f"/gestion/demandes/{monde['demande_id']}/historique?type={kind}"))
    assert shown in text and hidden not in text


def test_unknown_kind_or_page_is_refused(app, monde):
    url = f"/gestion/demandes/{monde['demande_id']}/historique"
    bad = monde["client"].get(f"{url}?type=secrets")
    assert bad.status_code == 400 and "Le type d'action « secrets » n'existe pas" in text_of(bad)
    assert monde["client"].get(f"{url}?page=abc").status_code == 400
    assert monde["client"].get(f"{url}?page=²").status_code == 400


@pytest.mark.postgres
def test_the_agents_history_is_a_tab_of_the_dossier(app, monde, db_backend):
    agent = monde["agent"]
    dossier = monde["client"].get(f"/dossier/agents/{agent.id}/")
    assert f'href="/gestion/agents/{agent.id}/historique"' in dossier.get_data(as_text=True)
    response = monde["client"].get(f"/gestion/agents/{agent.id}/historique")
    assert response.status_code == 200
    text = text_of(response)
    assert "Dossier de M. Anne Arnaud" in text and "Historique" in text
    assert "Connexion" in text and "Vœu ajouté" in text and "Élément du barème examiné" in text
    compte = text_of(monde["client"].get(f"/gestion/agents/{agent.id}/historique?type=compte"))
    assert "Connexion" in compte and "Vœu ajouté" not in compte


def test_a_teacher_has_no_history_tab_and_no_history_page(app, monde, login, make_teacher):
    _agent, account, password = make_teacher(prenom="Paul", nom="Pons")
    teacher = app.test_client()
    login(teacher, account.identifiant, password)
    assert "Historique" not in text_of(teacher.get("/dossier/"))
    assert teacher.get(f"/gestion/agents/{monde['agent'].id}/historique").status_code == 403


def test_never_a_secret_even_if_a_row_holds_one(app, monde):
    agent = monde["agent"]
    db = new_session(app)
    with write_transaction(db):
        # Written around audit.record(), which would drop these keys: the reader must not rely on it.
        db.add(AuditEntry(at=APRES_SAISIE, actor_id=None, action="dossier.mise_a_jour", target=f"agent:{agent.id}",
                          before=json.dumps({"numen": agent.numen, "telephone": "04 73 00 00 00"}),
                          after=json.dumps({"numen": agent.numen, "password": "mot de passe en clair",
                                            "totp_secret": "JBSWY3DPEHPK3PXP", "telephone": "04 73 11 11 11"}),
                          address=""))
    db.close()
    html = monde["client"].get(f"/gestion/agents/{agent.id}/historique").get_data(as_text=True)
    assert agent.numen not in html and "mot de passe en clair" not in html and "JBSWY3DPEHPK3PXP" not in html
    assert "Téléphone : 04 73 00 00 00 → 04 73 11 11 11." in text_of(monde["client"].get(
        f"/gestion/agents/{agent.id}/historique"))


def test_words_for_each_shape_of_row():
    assert en_mots("x", None, None) == []
    assert en_mots("x", "pas du json", None) == []
    assert en_mots("gestion.bareme.decision", None, json.dumps({"element": "echelon", "decision": "accorde",
                                                               "points": 150.2}), {"echelon": "Échelon"}) == [
        "Élément\u00a0: Échelon.", "Décision\u00a0: accordé.", "Points\u00a0: 150,2."]
    assert en_mots("x", json.dumps({"inconnu": {"a": 1}, "code": "123456"}), None) == []
