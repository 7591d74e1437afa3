"""« Simuler le mouvement »: run, progress, result pages, two simulations compared, validation into the
results area, audit, no demande changed; gestionnaires only; bad input refused in French. On SQLite and
PostgreSQL. The world (intra-2027, GEN, mathématiques):

- Anne Arnaud holds a seat at the LPO La Fayette (0630021F) and asks for the lycée Vialatte (0634430Y),
  whose one vacant poste she obtains: her seat is freed;
- Bruno Berger, an entrant, asks for La Fayette and obtains Anne's seat (the chain);
- Chloé Cordier, an entrant with a lower barème, asks for La Fayette then Vialatte, obtains neither and is
  placed by the extension (line « DPT 063 ») on the first free poste of the Puy-de-Dôme by UAI;
- Denis Dumas's demande is cancelled (confirmation not returned); Émilie Ehrel's has no vœu.
"""
from __future__ import annotations

import json
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from forms_app.affectation.models import BarreSimulee, CandidatSimule, ResultatSimule, Simulation
from forms_app.confirmations.models import ConfirmationDemande
from forms_app.core.db import new_session, write_transaction
from forms_app.core.models import AuditEntry
from forms_app.mobilite.models import BaremeDecision, BaremeVerification, Demande, Situation, Voeu
from forms_app.resultats.models import Resultat
from gestion_world import APRES_SAISIE, INTRA, PENDANT_SAISIE, csrf_of, make_demande, text_of

LA_FAYETTE, VIALATTE, EIFFEL = "0630021F", "0634430Y", "0636707Y"


@pytest.fixture
def monde(app, app_config, clock, make_teacher, make_gestionnaire, login):
    clock.current = PENDANT_SAISIE
    anne, *_ = make_teacher(prenom="Anne", nom="Arnaud", echelon=9, affectation_uai=LA_FAYETTE,
                            affectation_depuis=date(2019, 9, 1))
    bruno, *_ = make_teacher(prenom="Bruno", nom="Berger", echelon=5, affectation_uai="", affectation_depuis=None,
                             date_naissance=date(1970, 3, 1))
    chloe, *_ = make_teacher(prenom="Chloé", nom="Cordier", echelon=3, affectation_uai="", affectation_depuis=None,
                             date_naissance=date(1995, 3, 1))
    denis, *_ = make_teacher(prenom="Denis", nom="Dumas", affectation_uai=LA_FAYETTE)
    emilie, *_ = make_teacher(prenom="Émilie", nom="Ehrel", affectation_uai=LA_FAYETTE)
    ids = {
        "anne": make_demande(app, anne.id, voeux=[("ETB", VIALATTE)]),
        "bruno": make_demande(app, bruno.id, voeux=[("ETB", LA_FAYETTE)]),
        "chloe": make_demande(app, chloe.id, voeux=[("ETB", LA_FAYETTE), ("ETB", VIALATTE)]),
        "denis": make_demande(app, denis.id, voeux=[("ETB", VIALATTE)]),
        "emilie": make_demande(app, emilie.id),
    }
    db = new_session(app)
    with write_transaction(db):
        db.add(ConfirmationDemande(demande_id=ids["denis"], agent_id=denis.id, campagne=INTRA, etat="annulee",
                                   pdf=b"%PDF-", pdf_sha256="0" * 64, envoyee_at=APRES_SAISIE,
                                   annulee_at=APRES_SAISIE))
    db.close()
    clock.current = APRES_SAISIE
    gestionnaire, password = make_gestionnaire()
    client = app.test_client()
    assert login(client, gestionnaire.identifiant, password).status_code == 302
    agents = {"anne": anne, "bruno": bruno, "chloe": chloe, "denis": denis, "emilie": emilie}
    return {"client": client, "ids": ids, "agents": agents, "gestionnaire": gestionnaire}


@pytest.fixture
def immediat(app):
    app.config["AFFECTATION_EXECUTION"] = "immediat"
    return app


def lancer(client, note: str = "", mouvement: str = "GEN"):
    page = client.get(f"/affectation/{INTRA}/")
    return client.post(f"/affectation/{INTRA}/simulations", data={"csrf_token": csrf_of(page.data),
                                                                  "mouvement": mouvement, "note": note})


def demandes_state(app) -> tuple:
    """Everything a simulation must leave alone."""
    db = new_session(app)
    state = (
        [(d.id, d.agent_id, d.voeux_version, d.revision, d.updated_at) for d in db.scalars(select(Demande).order_by(Demande.id))],
        [(v.demande_id, v.rank, v.type, v.code, v.type_etab) for v in db.scalars(select(Voeu).order_by(Voeu.id))],
        [(s.demande_id, s.cle, s.valeur) for s in db.scalars(select(Situation).order_by(Situation.id))],
        [(b.demande_id, b.element, b.decision) for b in db.scalars(select(BaremeDecision).order_by(BaremeDecision.id))],
        [(c.demande_id, c.etat) for c in db.scalars(select(ConfirmationDemande).order_by(ConfirmationDemande.id))],
    )
    db.close()
    return state


def actions(app) -> list[str]:
    db = new_session(app)
    found = list(db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("affectation.%")
                                                           | AuditEntry.action.like("resultats.%")).order_by(AuditEntry.id)))
    db.close()
    return found


def simulations(app) -> list[tuple]:
    db = new_session(app)
    rows = [(s.numero, s.etat, s.progression) for s in db.scalars(select(Simulation).order_by(Simulation.id))]
    db.close()
    return rows


@pytest.mark.postgres
def test_a_simulation_runs_explains_and_never_changes_a_demande(app, db_backend, monde, immediat):
    client, ids = monde["client"], monde["ids"]
    before = demandes_state(app)
    desk = client.get("/gestion/")
    assert f'href="/affectation/{INTRA}/"' in desk.get_data(as_text=True)
    response = lancer(client, note="première")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    text = text_of(page)
    assert page.status_code == 200
    assert "Simulation n° 1 : Mouvement intra-académique" in text and "État : terminée" in text
    assert "3 candidats ; demandes écartées : 1 annulée, 1 sans vœu." in text
    assert "Titulaires mutés 1 1" in text  # DA* and the exchanges side by side
    assert "Entrants placés sur un vœu 1 sur 2 1 sur 2" in text
    assert "Entrants placés par l'extension 1 1" in text
    assert "C'est la première simulation terminée de ce mouvement" in text
    sim_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert client.get(f"/affectation/simulations/{sim_id}/etat.json").get_json() == {
        "etat": "terminee", "progression": 100, "etape": "Terminée", "fini": True}

    agents = text_of(client.get(f"/affectation/simulations/{sim_id}/agents"))
    assert "Arnaud Anne : explication n° " in agents
    assert f"vœu n° 1 : LYC Lycée Alexandre-Vialatte, Billom ({VIALATTE})" in agents
    assert f"vœu n° 1 : LPO Lycée des métiers La Fayette, Clermont-Ferrand ({LA_FAYETTE})" in agents
    assert f"extension : CLG Collège Gustave-Eiffel, Billom ({EIFFEL})" in agents
    assert "Écartée : annulée : confirmation de demande non retournée" in agents
    assert "Écartée : aucun vœu saisi" in agents
    assert text_of(client.get(f"/affectation/simulations/{sim_id}/agents?q=cordier")).count(" : explication") == 1

    why = text_of(client.get(f"/affectation/simulations/{sim_id}/demandes/{ids['chloe']}"))
    assert "Résultat : extension : CLG Collège Gustave-Eiffel" in why
    assert "vœu 1 : barre 35, son barème 21" in why  # Bruno's barème on La Fayette
    assert "vœu 2 : barre 253, son barème 21" in why  # Anne's on Vialatte: 63 + 7 years in her post (190)
    bruno = text_of(client.get(f"/affectation/simulations/{sim_id}/demandes/{ids['bruno']}"))
    assert "Vœu 1 obtenu : aucun vœu n'était placé avant." in bruno
    denis = text_of(client.get(f"/affectation/simulations/{sim_id}/demandes/{ids['denis']}"))
    assert "n'a pas pris part à la simulation : annulée" in denis

    barres = text_of(client.get(f"/affectation/simulations/{sim_id}/barres?discipline=L1300"))
    assert f"Établissement {LA_FAYETTE} — LPO Lycée des métiers La Fayette" in barres
    assert (f"Établissement {LA_FAYETTE} — LPO Lycée des métiers La Fayette 21 boulevard Robert Schuman "
            "Clermont-Ferrand 35 1 35 1") in barres
    csv = client.get(f"/affectation/simulations/{sim_id}/barres.csv?algorithme=da")
    assert csv.mimetype == "text/csv"
    assert csv.get_data(as_text=True).splitlines() == [
        "annee;mouvement;discipline;type_voeu;code_voeu;type_etablissement;barre;entrants",
        f"2027;intra;L1300;ETB;{LA_FAYETTE};;35;1",
        f"2027;intra;L1300;ETB;{VIALATTE};;253;1",
    ]
    assert demandes_state(app) == before
    assert actions(app) == ["affectation.lancement", "affectation.simulation"]
    db = new_session(app)
    assert db.scalar(select(func.count()).select_from(CandidatSimule)) == 5
    assert db.scalar(select(func.count()).select_from(ResultatSimule)) == 6
    assert db.scalar(select(func.count()).select_from(BarreSimulee)) == 4
    db.close()


@pytest.mark.postgres
def test_two_simulations_are_compared(app, db_backend, monde, immediat):
    """A handicap bonus granted to Chloé after the first simulation: she takes Anne's seat from Bruno."""
    client, ids = monde["client"], monde["ids"]
    first = lancer(client).headers["Location"]
    db = new_session(app)
    with write_transaction(db):
        db.add(BaremeDecision(demande_id=ids["chloe"], element="handicap", decision="accorde", points_centiemes=None,
                              motif="RQTH", decided_at=APRES_SAISIE))
        db.add(BaremeVerification(demande_id=ids["chloe"], verifie_at=APRES_SAISIE))
    db.close()
    second = lancer(client, note="après la RQTH").headers["Location"]
    text = text_of(client.get(second))
    assert ("Par rapport à la simulation n° 1 (DA*) : 2 demandes obtiennent un autre résultat, dont 1 mieux servie "
            "et 1 moins bien servie ; les données lues ont changé entre les deux.") in text
    sim2 = int(second.rstrip("/").rsplit("/", 1)[1])
    detail = client.get(f"/affectation/simulations/{sim2}/difference")
    assert detail.status_code == 200
    lines = text_of(detail)
    assert "Berger Bruno (demande n° " in lines and "Cordier Chloé (demande n° " in lines
    assert "extension : CLG Collège Gustave-Eiffel" in lines and "vœu n° 1 : LPO Lycée des métiers La Fayette" in lines
    why = text_of(client.get(f"/affectation/simulations/{sim2}/demandes/{ids['bruno']}"))
    assert "vœu 1 : barre 121, son barème 35" in why
    third = lancer(client, note="sans changement").headers["Location"]
    assert ("aucune demande ne change de résultat, avec les mêmes données lues" in text_of(client.get(third)))
    sim1 = int(first.rstrip("/").rsplit("/", 1)[1])
    both = text_of(client.get(f"/affectation/simulations/{sim2}/difference?avec={sim1}&algorithme=echanges"))
    assert "DA* puis échanges de blocs : 2 demandes obtiennent un autre résultat" in both
    index = text_of(client.get(f"/affectation/{INTRA}/"))
    assert "Simulation n° 3 Mouvement intra-académique" in index and "sans changement" in index


@pytest.mark.postgres
def test_validating_hands_the_results_to_the_results_area(app, db_backend, monde, immediat):
    client, ids = monde["client"], monde["ids"]
    location = lancer(client).headers["Location"]
    sim_id = int(location.rstrip("/").rsplit("/", 1)[1])
    before = demandes_state(app)
    page = client.get(location)
    bad = client.post(f"/affectation/simulations/{sim_id}/valider", data={"csrf_token": csrf_of(page.data),
                                                                         "algorithme": "hasard"})
    assert bad.status_code == 400
    assert "Choisissez l'algorithme dont les résultats deviennent ceux de la campagne." in text_of(bad)
    response = client.post(f"/affectation/simulations/{sim_id}/valider",
                           data={"csrf_token": csrf_of(page.data), "algorithme": "da"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/resultats/{INTRA}/")
    assert "Simulation n° 1 validée (DA* (acceptation différée)) : 5 résultat(s) ajouté(s)" in text_of(
        client.get(response.headers["Location"]))
    db = new_session(app)
    rows = {r.demande_id: (r.issue, r.voeu_rang, r.uai, r.publie_at) for r in db.scalars(select(Resultat))}
    sim = db.get(Simulation, sim_id)
    assert (sim.algorithme_valide, sim.validee_at is not None) == ("da", True)
    db.close()
    assert rows == {
        ids["anne"]: ("satisfait", 1, VIALATTE, None),
        ids["bruno"]: ("satisfait", 1, LA_FAYETTE, None),
        ids["chloe"]: ("extension", None, EIFFEL, None),
        ids["denis"]: ("non_satisfait", None, "", None),
        ids["emilie"]: ("non_satisfait", None, "", None),
    }
    assert actions(app) == ["affectation.lancement", "affectation.simulation", "resultats.import",
                            "affectation.validation"]
    assert demandes_state(app) == before
    assert "Validée le " in text_of(client.get(location))


def test_progress_is_shown_while_it_runs(app, monde):
    """Held between two steps, the running simulation's page shows its bar, its step and « Actualiser »; the
    JSON says where it is; released, it ends « terminée »."""
    from forms_app.affectation import simulation as runs

    client = monde["client"]
    app.config["AFFECTATION_EXECUTION"] = "immediat"
    with app.app_context():
        db = new_session(app)
        with write_transaction(db):
            sim = runs.creer(db, app.extensions["carriere_site"]().campaign(INTRA), "GEN", "", monde["gestionnaire"].id)
            sim_id = sim.id
        db.close()
    arrived, release = threading.Event(), threading.Event()

    def hold(etape: str) -> None:
        if etape == "da":
            arrived.set()
            release.wait(10)

    worker = threading.Thread(target=runs.executer, args=(app, sim_id), kwargs={"apres_etape": hold})
    worker.start()
    try:
        assert arrived.wait(10)
        page = client.get(f"/affectation/simulations/{sim_id}/")
        html = page.get_data(as_text=True)
        assert 'data-etat-url="/affectation/simulations/%d/etat.json"' % sim_id in html
        assert '<progress id="progression" max="100" value="' in html and ">Actualiser</a>" in html
        assert 'src="/assets/app/affectation.js"' in html and "<meta http-equiv" not in html
        etat = client.get(f"/affectation/simulations/{sim_id}/etat.json").get_json()
        assert etat == {"etat": "en_cours", "progression": 46, "etape": "Algorithme de référence (DA*)", "fini": False}
        assert "Algorithme de référence (DA*)" in text_of(page) and "46 %" in text_of(page)
        again = lancer(client)
        assert again.status_code == 409
        assert "La simulation n° 1 est déjà en cours pour cette campagne" in text_of(again)
    finally:
        release.set()
        worker.join(10)
    assert client.get(f"/affectation/simulations/{sim_id}/etat.json").get_json()["etat"] == "terminee"
    assert "affectation.js" not in client.get(f"/affectation/simulations/{sim_id}/").get_data(as_text=True)


def test_the_worker_runs_it_from_the_project_s_queue(app_config, monde, tmp_path):
    """With a queue configured, launching enqueues the task the worker knows by name; the worker runs it."""
    from forms_app import create_app
    from forms_app.affectation.taches import TACHE
    from forms_app.avis.file import huey_for

    target = str(tmp_path / "file.db")
    queued = create_app({**app_config, "AVIS_FILE": target})
    try:
        huey = huey_for(target)
        assert any(name.endswith("." + TACHE) for name in huey._registry._registry)
        client = queued.test_client()
        client.set_cookie(*_session_cookie(monde["client"]))
        response = lancer(client)
        assert response.status_code == 302
        assert simulations(queued) == [(1, "attente", 0)]
        assert huey.pending_count() == 1
        huey.execute(huey.dequeue())
        assert simulations(queued) == [(1, "terminee", 100)]
    finally:
        queued.extensions["carriere_db"]["engine"].dispose()


def _session_cookie(client):
    cookie = next(c for c in client._cookies.values())
    return cookie.key, cookie.value


def test_a_failure_is_told_and_leaves_nothing(app, monde, immediat, monkeypatch):
    from forms_app.affectation import simulation as runs

    def broken(*args, **kwargs):
        raise RuntimeError("données incohérentes : poste I27-0132 : 2 titulaires pour 1 place(s)")

    monkeypatch.setattr(runs, "run_deferred_acceptance", broken)
    location = lancer(monde["client"]).headers["Location"]
    text = text_of(monde["client"].get(location))
    assert ("La simulation a échoué : données incohérentes : poste I27-0132 : 2 titulaires pour 1 place(s). Rien "
            "n'a été enregistré ; relancez-la.") in text
    assert simulations(app) == [(1, "echec", 46)]
    assert actions(app) == ["affectation.lancement", "affectation.simulation_echec"]
    db = new_session(app)
    assert db.scalar(select(func.count()).select_from(CandidatSimule)) == 0
    db.close()


REFUS = [
    pytest.param("saisie", None, 409, "La saisie de cette campagne n'est pas close", id="saisie still open"),
    pytest.param("mouvement", {"mouvement": "CPGE"}, 400, "Choisissez un mouvement de la campagne dans la liste",
                 id="movement of another campaign"),
    pytest.param("note", {"note": "x" * 201}, 400, "Ce champ accepte au plus 200 caractères (vous en avez saisi 201).",
                 id="note too long"),
    pytest.param("note", {"note": "a\u0007b"}, 400, "Ce champ contient des caractères invisibles non autorisés",
                 id="control character"),
    pytest.param("csrf", {"csrf_token": "faux"}, 400, "Votre session a expiré, renvoyez le formulaire.", id="csrf"),
]


@pytest.mark.parametrize("cas, data, status, message", REFUS)
def test_a_bad_launch_is_refused_in_french_and_creates_nothing(app, clock, monde, immediat, cas, data, status,
                                                              message):
    client = monde["client"]
    if cas == "saisie":
        clock.current = PENDANT_SAISIE
    page = client.get(f"/affectation/{INTRA}/")
    form = {"csrf_token": csrf_of(page.data), "mouvement": "GEN", "note": "", **(data or {})}
    response = client.post(f"/affectation/{INTRA}/simulations", data=form)
    assert response.status_code == status
    assert message in text_of(response)
    assert simulations(app) == [] and actions(app) == []


@pytest.mark.postgres
def test_bad_addresses_answer_4xx_in_french(app, db_backend, monde, immediat):
    client = monde["client"]
    sim_id = int(lancer(client).headers["Location"].rstrip("/").rsplit("/", 1)[1])
    cases = [
        (f"/affectation/simulations/{sim_id}/agents?page=0", 400, "La page 0 n'existe pas"),
        (f"/affectation/simulations/{sim_id}/agents?page=²", 400, "n'existe pas"),
        (f"/affectation/simulations/{sim_id}/difference?avec=²", 400, "La simulation à comparer n'existe pas"),
        (f"/affectation/simulations/{sim_id}/agents?page=9", 400, "La page 9 n'existe pas : la liste en compte 1."),
        (f"/affectation/simulations/{sim_id}/barres?discipline=L9999", 400, "Aucune barre pour la discipline « L9999 »"),
        (f"/affectation/simulations/{sim_id}/barres.csv?algorithme=x", 400, "Algorithme inconnu"),
        (f"/affectation/simulations/{sim_id}/difference", 404, "Aucune simulation terminée de ce mouvement avant"),
        (f"/affectation/simulations/{sim_id}/difference?avec=999", 400, "La simulation à comparer n'existe pas"),
        (f"/affectation/simulations/{sim_id}/demandes/999999", 404, "ne fait pas partie de cette simulation"),
        ("/affectation/simulations/999999/", 404, ""),
        ("/affectation/hors-classe-2027/", 404, ""),
        ("/affectation/inconnue/", 404, ""),
    ]
    for url, status, message in cases:
        response = client.get(url)
        assert response.status_code == status, url
        assert message in text_of(response), url


@pytest.mark.postgres
def test_only_gestionnaires_reach_simulations(app, db_backend, monde, immediat, make_teacher, login):
    sim_id = int(lancer(monde["client"]).headers["Location"].rstrip("/").rsplit("/", 1)[1])
    _agent, account, password = make_teacher(prenom="Théo", nom="Tardif")
    teacher = app.test_client()
    assert login(teacher, account.identifiant, password).status_code == 302
    urls = [f"/affectation/{INTRA}/", f"/affectation/simulations/{sim_id}/", f"/affectation/simulations/{sim_id}/agents",
            f"/affectation/simulations/{sim_id}/etat.json", f"/affectation/simulations/{sim_id}/barres.csv",
            f"/affectation/simulations/{sim_id}/demandes/{monde['ids']['anne']}"]
    for url in urls:
        assert teacher.get(url).status_code == 403, url
        anonymous = app.test_client().get(url)
        assert anonymous.status_code == 302 and "/connexion" in anonymous.headers["Location"], url
    token = csrf_of(teacher.get("/").data)
    assert teacher.post(f"/affectation/simulations/{sim_id}/valider",
                        data={"csrf_token": token, "algorithme": "da"}).status_code == 403
    assert teacher.post(f"/affectation/{INTRA}/simulations", data={"csrf_token": token, "mouvement": "GEN"}).status_code == 403
    assert simulations(app) == [(1, "terminee", 100)]
    db = new_session(app)
    assert db.scalar(select(func.count()).select_from(Resultat)) == 0
    db.close()


def test_bilan_is_plain_json(app, monde, immediat):
    lancer(monde["client"])
    db = new_session(app)
    bilan = json.loads(db.scalar(select(Simulation.bilan)))
    db.close()
    assert bilan["exclues"] == {"annulée": 1, "sans vœu": 1}
    assert (bilan["postes_vacants"], bilan["sieges"], bilan["non_verifiees"]) == (227, 1, 3)
    assert bilan["departage"] == ["situation_familiale", "enfants", "age"] and bilan["ordre_zone"] == "uai"
    assert bilan["rapports"]["da"]["entrants_placed_by_extension"] == 1
