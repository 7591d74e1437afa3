"""The gestionnaire's desk: access, filters, verification and corrections, batch actions, the
teacher's barème by phase; on SQLite and PostgreSQL."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from forms_app.core.db import new_session
from forms_app.core.models import AuditEntry
from forms_app.courrier.models import Message
from forms_app.mobilite.models import BaremeDecision, BaremeVerification, CorrectionBareme, Demande, Voeu
from gestion_world import (
    APRES_BAREME,
    APRES_SAISIE,
    INTRA,
    PENDANT_BAREME,
    PENDANT_SAISIE,
    a_pdf,
    csrf_of,
    make_demande,
    post,
    text_of,
)


@pytest.fixture
def monde(app, clock, make_teacher, make_gestionnaire, login):
    """Three teachers with intra demandes; a logged-in gestionnaire client; the clock after the saisie."""
    clock.current = PENDANT_SAISIE
    a, a_account, a_pwd = make_teacher(prenom="Anne", nom="Arnaud", echelon=5, affectation_uai="0630021F",
                                       situation_familiale="Mariée", enfants=2)
    b, b_account, b_pwd = make_teacher(prenom="Bruno", nom="Berger", echelon=9, affectation_uai="0630726X")
    c, c_account, c_pwd = make_teacher(prenom="Chloé", nom="Cordier", echelon=3, affectation_uai="0030226E")
    ids = {
        "anne": make_demande(app, a.id, voeux=[("ETB", "0630021F"), ("COM", "63113"), ("DPT", "063")],
                             situations={"departement_conjoint": "063"},
                             pieces={"justificatif_familial": a_pdf()}),
        "bruno": make_demande(app, b.id, mouvement="SPEA", discipline="L1300", voeux=[("COM", "63300")],
                              lettre="Je souhaite un poste spécifique."),
        "chloe": make_demande(app, c.id, mouvement="SPEA", discipline="L1000"),
    }
    clock.current = APRES_SAISIE
    gestionnaire, password = make_gestionnaire()
    client = app.test_client()
    assert login(client, gestionnaire.identifiant, password).status_code == 302
    teachers = {"anne": (a, a_account, a_pwd), "bruno": (b, b_account, b_pwd), "chloe": (c, c_account, c_pwd)}
    return {"client": client, "ids": ids, "teachers": teachers, "gestionnaire": (gestionnaire, password)}


def relogin(app, monde, login):
    """The gestionnaire logs in again: moving the clock by weeks ends every session (30 min idle)."""
    account, password = monde["gestionnaire"]
    client = app.test_client()
    assert login(client, account.identifiant, password).status_code == 302
    monde["client"] = client
    return client


def teacher(app, monde, login, name: str):
    _agent, account, password = monde["teachers"][name]
    client = app.test_client()
    assert login(client, account.identifiant, password).status_code == 302
    return client


def names(response) -> list[str]:
    text = text_of(response)
    return [n for n in ("Arnaud Anne", "Berger Bruno", "Cordier Chloé") if n in text]


def count(app, model, **where) -> int:
    db = new_session(app)
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    n = db.scalar(query)
    db.close()
    return n


# --- access -------------------------------------------------------------------------------------

def test_only_gestionnaires_reach_the_desk(app, monde, login):
    anne = teacher(app, monde, login, "anne")
    for url in ("/gestion/", f"/gestion/{INTRA}/", f"/gestion/demandes/{monde['ids']['anne']}/",
                f"/gestion/{INTRA}/export.csv", f"/gestion/agents/{monde['teachers']['anne'][0].id}/historique"):
        assert anne.get(url).status_code == 403, url
        assert app.test_client().get(url).status_code == 302, url
    home = text_of(monde["client"].get("/"))
    assert "Mutations" in home
    assert "Mutations" not in text_of(anne.get("/"))


def test_campaigns_then_the_list(app, monde):
    client = monde["client"]
    index = text_of(client.get("/gestion/"))
    assert "Mouvement intra-académique 2027" in index and "3 demandes" in index
    page = client.get(f"/gestion/{INTRA}/")
    assert page.status_code == 200
    assert names(page) == ["Arnaud Anne", "Berger Bruno", "Cordier Chloé"]
    assert "3 demandes." in text_of(page)


# --- filters ------------------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.parametrize("query, expected", [
    ("mouvement=GEN", ["Arnaud Anne"]),
    ("mouvement=SPEA", ["Berger Bruno", "Cordier Chloé"]),
    ("discipline=L1300", ["Berger Bruno"]),
    ("etat=sans_voeu", ["Cordier Chloé"]),
    ("etat=a_verifier", ["Arnaud Anne", "Berger Bruno"]),
    ("etat=verifiee", []),
    ("lettre=saisie", ["Berger Bruno"]),
    ("lettre=manquante", ["Cordier Chloé"]),
    ("pieces=jointes", ["Arnaud Anne"]),
    ("pieces=aucune", ["Berger Bruno", "Cordier Chloé"]),
    ("pieces=manquantes", []),
    ("corrections=en_attente", []),
    ("origine=0630726X", ["Berger Bruno"]),
    ("origine=63113", ["Arnaud Anne", "Berger Bruno"]),
    ("origine=clermont-ferrand", ["Arnaud Anne", "Berger Bruno"]),
    ("origine=Moulins", []),
    ("q=cordier", ["Cordier Chloé"]),
    ("q=anne+arnaud", ["Arnaud Anne"]),
    ("q=bberger", ["Berger Bruno"]),
    ("mouvement=SPEA&etat=a_verifier", ["Berger Bruno"]),
])
def test_filters(app, monde, db_backend, query, expected):
    response = monde["client"].get(f"/gestion/{INTRA}/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


def test_filter_by_numen_and_the_counts_per_filter(app, monde):
    numen = monde["teachers"]["chloe"][0].numen
    assert names(monde["client"].get(f"/gestion/{INTRA}/?q={numen.lower()}")) == ["Cordier Chloé"]
    # A name whatever accents, case and order: « chloe cordier » finds « Chloé Cordier ».
    assert names(monde["client"].get(f"/gestion/{INTRA}/?q=chloe+CORDIER")) == ["Cordier Chloé"]
    html = monde["client"].get(f"/gestion/{INTRA}/").get_data(as_text=True)
    assert ">Postes spécifiques académiques (2)</option>" in html
    assert ">Sans vœu (1)</option>" in html and ">Barème à vérifier (2)</option>" in html
    assert ">Lettre attendue, non saisie (1)</option>" in html


def test_sorting_and_paging_live_in_the_url(app, monde):
    client = monde["client"]
    assert names(client.get(f"/gestion/{INTRA}/?tri=nom-desc")) == ["Arnaud Anne", "Berger Bruno", "Cordier Chloé"]
    html = client.get(f"/gestion/{INTRA}/?tri=nom-desc").get_data(as_text=True)
    assert html.index("Cordier") < html.index("Berger") < html.index("Arnaud")
    html = client.get(f"/gestion/{INTRA}/?mouvement=SPEA&tri=date").get_data(as_text=True)
    assert f'action="/gestion/{INTRA}/lot?mouvement=SPEA&amp;tri=date"' in html


@pytest.mark.parametrize("query, message", [
    ("mouvement=XYZ", "La valeur « XYZ » n'existe pas pour le filtre « Mouvement » : choisissez-en une dans la liste."),
    ("etat=perdue", "La valeur « perdue » n'existe pas pour le filtre « État de la demande »"),
    ("tri=age", "La valeur « age » n'existe pas pour le filtre « Tri »"),
    ("origine=Atlantide", "« Atlantide » n'est ni un établissement (UAI) ni une commune du référentiel"),
    ("page=zéro", "La page « zéro » n'existe pas : indiquez un numéro de page (1, 2…)."),
    ("page=²", "La page « ² » n'existe pas : indiquez un numéro de page (1, 2…)."),
    ("page=9", "La page 9 n'existe pas : la liste en compte 1. Revenez à la page 1."),
    ("q=a%00b", "Le texte recherché contient des caractères invisibles"),
])
def test_unknown_filter_values_are_refused_in_french(app, monde, query, message):
    response = monde["client"].get(f"/gestion/{INTRA}/?{query}")
    assert response.status_code == 400
    assert message in text_of(response)


def test_unknown_campaign_and_forged_ids_answer_404(app, monde):
    client = monde["client"]
    for url in ("/gestion/inconnue/", "/gestion/demandes/999999/", "/gestion/demandes/2147483648/",
                "/gestion/agents/999999/historique", "/gestion/pieces/999999"):
        assert client.get(url).status_code == 404, url


# --- verification -------------------------------------------------------------------------------

def decide(client, demande_id: int, element: str, **data):
    page = f"/gestion/demandes/{demande_id}/"
    return post(client, f"/gestion/demandes/{demande_id}/bareme/{element}", data, page)


@pytest.mark.postgres
def test_verification_element_by_element(app, monde, db_backend):
    client, anne = monde["client"], monde["ids"]["anne"]
    page = text_of(client.get(f"/gestion/demandes/{anne}/"))
    assert "Son dossier" in page and "Vérifier le barème" in page
    assert "Rapprochement de conjoints" in page and "Décision actuelle : non examiné" in page
    assert decide(client, anne, "echelon", decision="verifie").status_code == 302
    assert decide(client, anne, "anciennete_poste", decision="corrige", points="170",
                  motif="Arrêté d'affectation du 1er septembre 2021").status_code == 302
    assert decide(client, anne, "rapprochement_conjoints", decision="accorde",
                  motif="Livret de famille et attestation").status_code == 302
    assert decide(client, anne, "enfants", decision="refuse", motif="Enfants de plus de 18 ans").status_code == 302
    db = new_session(app)
    stored = {d.element: (d.decision, d.points, d.motif) for d in db.scalars(select(BaremeDecision))}
    revision = db.get(Demande, anne).revision
    db.close()
    assert stored == {"echelon": ("verifie", None, ""),
                      "anciennete_poste": ("corrige", 170, "Arrêté d'affectation du 1er septembre 2021"),
                      "rapprochement_conjoints": ("accorde", None, "Livret de famille et attestation"),
                      "enfants": ("refuse", None, "Enfants de plus de 18 ans")}
    assert revision == 4  # each decision moves the teacher's page on
    text = text_of(client.get(f"/gestion/demandes/{anne}/"))
    # Vœu 1 (ETB): échelon 35 + ancienneté 170; vœux 2 and 3 (COM, DPT in the Puy-de-Dôme): + 150,2.
    assert "Vœu 1 (0630021F) : 205 points" in text
    assert "Vœu 2 (63113) : 355,2 points" in text
    assert "Vœu 3 (063) : 355,2 points" in text
    actions = count(app, AuditEntry, action="gestion.bareme.decision")
    assert actions == 4
    # A new decision on the same element replaces it, and the log keeps before and after.
    assert decide(client, anne, "anciennete_poste", decision="verifie").status_code == 302
    db = new_session(app)
    last = db.scalars(select(AuditEntry).where(AuditEntry.action == "gestion.bareme.decision")
                      .order_by(AuditEntry.id.desc())).first()
    db.close()
    assert '"decision": "corrige"' in last.before and '"decision": "verifie"' in last.after


@pytest.mark.parametrize("data, message", [
    ({"decision": "corrige", "points": "10001", "motif": "x"}, "Les points doivent être un nombre entre 0 et 10 000"),
    ({"decision": "corrige", "points": "-5", "motif": "x"}, "Les points doivent être un nombre entre 0 et 10 000"),
    ({"decision": "corrige", "points": "12,345", "motif": "x"}, "avec au plus deux décimales"),
    ({"decision": "corrige", "points": "douze", "motif": "x"}, "Les points doivent être un nombre"),
    ({"decision": "corrige", "points": "", "motif": "x"}, "Indiquez les points retenus pour cet élément"),
    ({"decision": "corrige", "points": "12"}, "Indiquez le motif de la décision : il est montré à l'agent."),
    ({"decision": "accorde", "motif": "x"}, "Cette décision ne s'applique pas à cet élément"),
    ({"decision": "supprime"}, "Cette décision ne s'applique pas à cet élément"),
    ({"decision": "corrige", "points": "12", "motif": "x" * 1001}, "Le motif compte 1001 caractères"),
])
def test_bad_decisions_are_refused_and_change_nothing(app, monde, data, message):
    client, anne = monde["client"], monde["ids"]["anne"]
    response = decide(client, anne, "echelon", **data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(app, BaremeDecision) == 0 and count(app, AuditEntry, action="gestion.bareme.decision") == 0


def test_a_justificatif_is_granted_or_refused_never_verified(app, monde):
    client, anne = monde["client"], monde["ids"]["anne"]
    response = decide(client, anne, "rapprochement_conjoints", decision="verifie")
    assert response.status_code == 400 and count(app, BaremeDecision) == 0
    refused = decide(client, anne, "rapprochement_conjoints", decision="refuse")
    assert refused.status_code == 400 and "Indiquez le motif" in text_of(refused)


def test_unknown_element_answers_404(app, monde):
    response = decide(monde["client"], monde["ids"]["anne"], "bonification_inventee", decision="verifie")
    assert response.status_code == 404


def test_no_verification_while_the_saisie_is_open(app, monde, clock):
    clock.current = PENDANT_SAISIE
    client, anne = monde["client"], monde["ids"]["anne"]
    page = text_of(client.get(f"/gestion/demandes/{anne}/"))
    assert "La saisie des vœux est encore ouverte" in page
    token = csrf_of(client.get(f"/gestion/demandes/{anne}/").data)
    response = client.post(f"/gestion/demandes/{anne}/bareme/echelon", data={"csrf_token": token, "decision": "verifie"})
    assert response.status_code == 403
    assert "La saisie des vœux est encore ouverte : le barème se vérifie une fois les vœux arrêtés" in text_of(response)
    assert client.post(f"/gestion/demandes/{anne}/verifier", data={"csrf_token": token}).status_code == 403
    assert count(app, BaremeDecision) == 0 and count(app, BaremeVerification) == 0


def test_mark_verified(app, monde):
    client, anne = monde["client"], monde["ids"]["anne"]
    response = post(client, f"/gestion/demandes/{anne}/verifier", {}, f"/gestion/demandes/{anne}/")
    assert response.status_code == 302
    again = post(client, f"/gestion/demandes/{anne}/verifier", {}, f"/gestion/demandes/{anne}/")
    assert again.status_code == 302
    assert count(app, BaremeVerification) == 1
    assert count(app, AuditEntry, action="gestion.bareme.verification") == 1
    assert names(client.get(f"/gestion/{INTRA}/?etat=verifiee")) == ["Arnaud Anne"]


# --- the teacher's barème by phase, and her corrections ------------------------------------------

@pytest.mark.postgres
def test_teacher_sees_provisionnel_retenu_then_definitif(app, monde, clock, login, db_backend):
    client, anne = monde["client"], monde["ids"]["anne"]
    decide(client, anne, "rapprochement_conjoints", decision="accorde", motif="Livret de famille")
    decide(client, anne, "enfants", decision="refuse", motif="Attestation absente")
    teacher_client = teacher(app, monde, login, "anne")
    before = text_of(teacher_client.get(f"/mobilite/demandes/{anne}/"))
    assert "Votre barème provisionnel, vœu par vœu" in before
    assert "Livret de famille" not in before  # decisions stay the gestionnaire's until the phase
    assert "Vœu 2 (63113) : 185 points" in before  # 35 + 150: the spouse's bonus is not granted yet
    clock.current = PENDANT_BAREME
    teacher_client = teacher(app, monde, login, "anne")
    during = text_of(teacher_client.get(f"/mobilite/demandes/{anne}/"))
    assert "Votre barème retenu, vœu par vœu" in during
    assert "Vœu 2 (63113) : 335,2 points" in during
    assert "Rapprochement de conjoints (vœux commune, groupement, département et académie) 150,2 Accordé " \
           "Accordé par le gestionnaire. Motif : Livret de famille" in during
    assert "Refusé par le gestionnaire. Motif : Attestation absente" in during
    assert "Demander une correction" in during
    recap = text_of(teacher_client.get(f"/mobilite/{INTRA}/recapitulatif"))
    assert "Barème retenu de chaque vœu" in recap and "Vœu 2 (63113) : 335,2 points" in recap
    clock.current = APRES_BAREME
    teacher_client = teacher(app, monde, login, "anne")
    after = text_of(teacher_client.get(f"/mobilite/demandes/{anne}/"))
    assert "Votre barème définitif, vœu par vœu" in after and "Barème définitif depuis le 19/05/2027" in after
    assert "Demander une correction" not in after


def ask_correction(client, demande_id: int, **data):
    files = data.pop("files", None)
    payload = {"element": "enfants", "texte": "Mes enfants ont 4 et 7 ans.", **data}
    if files:
        payload["fichier"] = files
    return post(client, f"/mobilite/demandes/{demande_id}/corrections", payload, f"/mobilite/demandes/{demande_id}/",
                content_type="multipart/form-data")


@pytest.mark.postgres
def test_correction_requested_then_accepted(app, monde, clock, login, db_backend):
    client, anne = monde["client"], monde["ids"]["anne"]
    decide(client, anne, "enfants", decision="refuse", motif="Attestation absente")
    clock.current = PENDANT_BAREME
    teacher_client = teacher(app, monde, login, "anne")
    pdf = a_pdf(2)
    response = ask_correction(teacher_client, anne, files=(io.BytesIO(pdf), "livret de famille.pdf"))
    assert response.status_code == 302
    db = new_session(app)
    correction = db.scalars(select(CorrectionBareme)).one()
    db.close()
    assert (correction.element, correction.etat, correction.piece_pages, correction.piece_data) == ("enfants", "envoyee", 2, pdf)
    page = text_of(teacher_client.get(f"/mobilite/demandes/{anne}/"))
    assert "état : Envoyée" in page and "livret_de_famille.pdf" in page
    download = teacher_client.get(f"/mobilite/corrections/{correction.id}/piece")
    assert download.status_code == 200 and download.data == pdf
    client = relogin(app, monde, login)
    assert names(client.get(f"/gestion/{INTRA}/?corrections=en_attente")) == ["Arnaud Anne"]
    assert client.get(f"/mobilite/corrections/{correction.id}/piece").data == pdf  # the gestionnaire opens it
    answer = post(client, f"/gestion/corrections/{correction.id}/reponse",
                  {"reponse": "accepter", "motif": "Attestation reçue"}, f"/gestion/demandes/{anne}/")
    assert answer.status_code == 302
    db = new_session(app)
    decision = db.scalars(select(BaremeDecision).where(BaremeDecision.element == "enfants")).one()
    correction = db.get(CorrectionBareme, correction.id)
    message = db.scalars(select(Message).where(Message.to_account_id == monde["teachers"]["anne"][1].id)).one()
    db.close()
    assert (decision.decision, decision.points) == ("accorde", None)
    assert correction.etat == "acceptee" and correction.reponse == "Attestation reçue"
    assert message.subject == "Demande de correction du barème\u00a0: acceptée"
    assert "accordé (200 points)" in message.body
    page = text_of(teacher_client.get(f"/mobilite/demandes/{anne}/"))
    assert "état : Acceptée" in page and "Vœu 2 (63113) : 385 points" in page  # 35 + 150 + 200
    twice = post(client, f"/gestion/corrections/{correction.id}/reponse",
                 {"reponse": "refuser", "motif": "non"}, f"/gestion/demandes/{anne}/")
    assert twice.status_code == 409
    assert "Cette demande de correction a déjà reçu une réponse" in text_of(twice)


def test_correction_refused_with_its_reason(app, monde, clock, login):
    anne = monde["ids"]["anne"]
    clock.current = PENDANT_BAREME
    teacher_client = teacher(app, monde, login, "anne")
    client = relogin(app, monde, login)
    assert ask_correction(teacher_client, anne, element="echelon", texte="Je suis au 6e échelon.").status_code == 302
    db = new_session(app)
    correction_id = db.scalar(select(CorrectionBareme.id))
    db.close()
    no_reason = post(client, f"/gestion/corrections/{correction_id}/reponse", {"reponse": "refuser"},
                     f"/gestion/demandes/{anne}/")
    assert no_reason.status_code == 400 and "Indiquez le motif du refus" in text_of(no_reason)
    neither = post(client, f"/gestion/corrections/{correction_id}/reponse", {"reponse": "peut-etre", "motif": "x"},
                   f"/gestion/demandes/{anne}/")
    assert neither.status_code == 400
    bad_points = post(client, f"/gestion/corrections/{correction_id}/reponse",
                      {"reponse": "accepter", "points": "99999"}, f"/gestion/demandes/{anne}/")
    assert bad_points.status_code == 400 and "Les points doivent être" in text_of(bad_points)
    assert count(app, CorrectionBareme, etat="envoyee") == 1 and count(app, BaremeDecision) == 0
    answer = post(client, f"/gestion/corrections/{correction_id}/reponse",
                  {"reponse": "refuser", "motif": "Échelon 5 au 1er septembre 2026 (arrêté joint au dossier)."},
                  f"/gestion/demandes/{anne}/")
    assert answer.status_code == 302
    page = text_of(teacher_client.get(f"/mobilite/demandes/{anne}/"))
    assert "état : Refusée" in page and "Motif du refus : Échelon 5 au 1er septembre 2026" in page
    courrier = text_of(teacher_client.get("/courrier/"))
    assert "Demande de correction du barème : refusée" in courrier


@pytest.mark.parametrize("moment, message", [
    (APRES_SAISIE, "La demande de correction du barème n'est pas encore ouverte : elle le sera du"),
    (APRES_BAREME, "Le barème est définitif : les demandes de correction étaient ouvertes du"),
])
def test_no_correction_outside_the_phase(app, monde, clock, login, moment, message):
    anne = monde["ids"]["anne"]
    clock.current = moment
    teacher_client = teacher(app, monde, login, "anne")
    token = csrf_of(teacher_client.get(f"/mobilite/demandes/{anne}/").data)
    response = teacher_client.post(f"/mobilite/demandes/{anne}/corrections",
                                   data={"csrf_token": token, "element": "echelon", "texte": "x"})
    assert response.status_code == 403 and message in text_of(response)
    assert count(app, CorrectionBareme) == 0


@pytest.mark.parametrize("data, status, message", [
    ({"element": "inconnu"}, 400, "Choisissez dans la liste l'élément du barème que vous contestez"),
    ({"texte": "   "}, 400, "Expliquez pourquoi cet élément vous paraît faux"),
    ({"texte": "x" * 2001}, 400, "Votre demande compte 2001 caractères ; le maximum est 2000"),
    ({"files": (io.BytesIO(b"pas un PDF"), "a.pdf")}, 400, "n'est pas un PDF"),
    ({"files": (io.BytesIO(b"%PDF-" + b"0" * 310 * 1024), "gros.pdf")}, 413, "300"),
])
def test_bad_correction_requests_are_refused(app, monde, clock, login, data, status, message):
    clock.current = PENDANT_BAREME
    anne = monde["ids"]["anne"]
    teacher_client = teacher(app, monde, login, "anne")
    response = ask_correction(teacher_client, anne, **data)
    assert response.status_code == status
    assert message in text_of(response)
    assert count(app, CorrectionBareme) == 0


def test_a_teacher_reaches_only_her_own_corrections(app, monde, clock, login):
    clock.current = PENDANT_BAREME
    anne_client = teacher(app, monde, login, "anne")
    ask_correction(anne_client, monde["ids"]["anne"], files=(io.BytesIO(a_pdf()), "x.pdf"))
    db = new_session(app)
    correction_id = db.scalar(select(CorrectionBareme.id))
    db.close()
    bruno_client = teacher(app, monde, login, "bruno")
    assert bruno_client.get(f"/mobilite/corrections/{correction_id}/piece").status_code == 404
    token = csrf_of(bruno_client.get(f"/mobilite/demandes/{monde['ids']['bruno']}/").data)
    forged = bruno_client.post(f"/mobilite/demandes/{monde['ids']['anne']}/corrections",
                               data={"csrf_token": token, "element": "echelon", "texte": "x"})
    assert forged.status_code == 404
    assert bruno_client.post(f"/gestion/corrections/{correction_id}/reponse",
                             data={"csrf_token": token, "reponse": "accepter"}).status_code == 403


def test_declared_situation_during_saisie(app, monde, clock, login):
    clock.current = PENDANT_SAISIE
    bruno = monde["ids"]["bruno"]
    client = teacher(app, monde, login, "bruno")
    page = client.get(f"/mobilite/demandes/{bruno}/")
    assert "Département de résidence professionnelle du conjoint" in text_of(page)
    ok = client.post(f"/mobilite/demandes/{bruno}/situation",
                     data={"csrf_token": csrf_of(page.data), "departement_conjoint": "063"})
    assert ok.status_code == 302
    text = text_of(client.get(f"/mobilite/demandes/{bruno}/"))
    assert "Rapprochement de conjoints (vœux commune, groupement, département et académie) 0 En attente" in text
    bad = client.post(f"/mobilite/demandes/{bruno}/situation",
                      data={"csrf_token": csrf_of(page.data), "departement_conjoint": "999"})
    assert bad.status_code == 400 and "« 999 » n'en fait pas partie" in text_of(bad)
    assert count(app, AuditEntry, action="mobilite.situation") == 1
    clock.current = APRES_SAISIE
    client = teacher(app, monde, login, "bruno")
    closed = client.post(f"/mobilite/demandes/{bruno}/situation",
                         data={"csrf_token": csrf_of(page.data), "departement_conjoint": ""})
    assert closed.status_code == 403


# --- write to the agent, batch actions ----------------------------------------------------------

def test_write_to_the_agent_about_the_demande(app, monde, login):
    client, anne = monde["client"], monde["ids"]["anne"]
    empty = post(client, f"/gestion/demandes/{anne}/message", {"objet": "Pièce", "corps": ""}, f"/gestion/demandes/{anne}/")
    assert empty.status_code == 400 and "Le message est vide" in text_of(empty)
    response = post(client, f"/gestion/demandes/{anne}/message",
                    {"objet": "Pièce manquante", "corps": "Merci de déposer l'attestation de l'employeur."},
                    f"/gestion/demandes/{anne}/")
    assert response.status_code == 302
    courrier = teacher(app, monde, login, "anne").get("/courrier/")
    assert "Pièce manquante" in text_of(courrier)
    db = new_session(app)
    message = db.scalars(select(Message).where(Message.subject == "Pièce manquante")).one()
    db.close()
    assert (f"Demande n°\u00a0{anne}\u00a0: Mouvement intra-académique (Mouvement intra-académique 2027)"
            in message.body)


@pytest.mark.postgres
def test_batch_message_and_verification(app, monde, db_backend):
    client, ids = monde["client"], monde["ids"]
    page = f"/gestion/{INTRA}/"
    sent = post(client, f"/gestion/{INTRA}/lot", {"action": "message", "ids": [ids["anne"], ids["chloe"]],
                                                   "objet": "Calendrier", "corps": "Le barème sera affiché le 3 mai."}, page)
    assert sent.status_code == 302
    db = new_session(app)
    to = sorted(db.scalars(select(Message.to_account_id).where(Message.subject == "Calendrier")))
    db.close()
    assert to == sorted([monde["teachers"]["anne"][1].id, monde["teachers"]["chloe"][1].id])
    everyone = post(client, f"/gestion/{INTRA}/lot?mouvement=SPEA", {"action": "verifier", "tout": "1"}, page)
    assert everyone.status_code == 302 and everyone.headers["Location"].endswith("?mouvement=SPEA")
    db = new_session(app)
    verified = sorted(db.scalars(select(BaremeVerification.demande_id)))
    db.close()
    assert verified == sorted([ids["bruno"], ids["chloe"]])
    assert count(app, AuditEntry, action="gestion.bareme.verification") == 2


@pytest.mark.parametrize("data, message", [
    ({"action": "verifier"}, "Cochez au moins une demande"),
    ({"action": "verifier", "ids": ["12abc"]}, "La sélection contient une demande qui n'est pas de cette campagne"),
    ({"action": "verifier", "ids": ["999999"]}, "La sélection contient une demande qui n'est pas de cette campagne"),
    ({"action": "effacer", "ids": ["1"]}, "Choisissez une action parmi les boutons"),
    ({"action": "message", "tout": "1", "objet": "", "corps": "x"}, "Indiquez l'objet du message"),
])
def test_bad_batches_change_nothing(app, monde, data, message):
    response = post(monde["client"], f"/gestion/{INTRA}/lot", data, f"/gestion/{INTRA}/")
    assert response.status_code == 400 and message in text_of(response)
    assert count(app, BaremeVerification) == 0 and count(app, Message) == 0


def test_a_demande_of_another_campaign_is_refused_in_a_batch(app, monde):
    other = make_demande(app, monde["teachers"]["anne"][0].id, campagne="inter-2027", voeux=[("ACA", "06")])
    response = post(monde["client"], f"/gestion/{INTRA}/lot", {"action": "verifier", "ids": [monde["ids"]["anne"], other]},
                    f"/gestion/{INTRA}/")
    assert response.status_code == 400 and count(app, BaremeVerification) == 0


def test_the_gestionnaire_never_changes_voeux(app, monde):
    client, anne = monde["client"], monde["ids"]["anne"]
    db = new_session(app)
    before = [(v.id, v.rank, v.code) for v in db.scalars(select(Voeu).where(Voeu.demande_id == anne).order_by(Voeu.rank))]
    db.close()
    token = csrf_of(client.get(f"/gestion/demandes/{anne}/").data)
    for voeu_id, _rank, _code in before:
        for verb in ("monter", "descendre", "supprimer"):
            response = client.post(f"/mobilite/voeux/{voeu_id}/{verb}", data={"csrf_token": token, "version": "3"})
            assert response.status_code == 404
    added = client.post(f"/mobilite/demandes/{anne}/voeux/ajouter",
                        data={"csrf_token": token, "type": "COM", "code": "63300", "version": "3"})
    assert added.status_code == 404
    assert not [r for r in app.url_map.iter_rules() if r.endpoint.startswith("gestion.") and "voeu" in r.rule]
    db = new_session(app)
    after = [(v.id, v.rank, v.code) for v in db.scalars(select(Voeu).where(Voeu.demande_id == anne).order_by(Voeu.rank))]
    db.close()
    assert after == before


def test_pieces_open_inline_or_download(app, monde):
    client = monde["client"]
    db = new_session(app)
    from forms_app.mobilite.models import PieceJointe

    piece = db.scalars(select(PieceJointe)).one()
    db.close()
    inline = client.get(f"/gestion/pieces/{piece.id}?inline=1")
    assert inline.status_code == 200 and inline.headers["Content-Disposition"].startswith("inline;")
    assert inline.data == piece.data and inline.headers["Content-Type"] == "application/pdf"
    download = client.get(f"/gestion/pieces/{piece.id}")
    assert download.headers["Content-Disposition"].startswith("attachment;")


# --- what the desk keeps per worker follows the database ---------------------------------------------

@pytest.mark.postgres
def test_a_kept_page_is_never_shown_after_a_write(app, monde, db_backend):
    client, ids = monde["client"], monde["ids"]
    assert names(client.get(f"/gestion/{INTRA}/?etat=verifiee")) == []
    assert "Barème vérifié (0)" in text_of(client.get(f"/gestion/{INTRA}/"))
    post(client, f"/gestion/demandes/{ids['bruno']}/verifier", {}, f"/gestion/demandes/{ids['bruno']}/")
    assert names(client.get(f"/gestion/{INTRA}/?etat=verifiee")) == ["Berger Bruno"]
    assert "Barème vérifié (1)" in text_of(client.get(f"/gestion/{INTRA}/"))


@pytest.mark.parametrize("db_backend", ["postgresql"], indirect=True)
def test_a_write_committed_late_is_seen_on_postgresql(app, monde, db_backend):
    """An audit id is taken at insert, not at commit: a transaction still open when the page was kept
    holds a smaller id than the last one seen; its commit must still make the kept page stale."""
    from sqlalchemy import insert

    from forms_app.core.db import engine_of

    client, ids = monde["client"], monde["ids"]
    late = engine_of(app).connect()
    try:
        tx = late.begin()
        late.execute(insert(AuditEntry.__table__).values(at=APRES_SAISIE, actor_id=None, action="gestion.bareme.verification",
                                                          target=f"demande:{ids['anne']}", address=""))
        late.execute(insert(BaremeVerification.__table__).values(demande_id=ids["anne"], verifie_at=APRES_SAISIE))
        decide(client, ids["bruno"], "echelon", decision="verifie")  # a later audit id, committed first
        assert names(client.get(f"/gestion/{INTRA}/?etat=verifiee")) == []
        tx.commit()
    finally:
        late.close()
    assert names(client.get(f"/gestion/{INTRA}/?etat=verifiee")) == ["Arnaud Anne"]


def test_only_mobility_campaigns_are_on_the_desk(app, monde, site_holder):
    site = site_holder()
    others = [c.slug for c in site.campaigns if not c.is_mobilite]
    text = text_of(monde["client"].get("/gestion/"))
    assert "Mouvement intra-académique 2027" in text
    for slug in others:
        assert monde["client"].get(f"/gestion/{slug}/").status_code == 404
        assert site.campaign(slug).title not in text
