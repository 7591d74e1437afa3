"""`carriere agents import`: every bad row reported, all or nothing, idempotent, identifiants."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from forms_app.comptes.models import Account
from forms_app.core.config import DEFAULTS
from forms_app.core.db import new_session
from forms_app.core.models import AuditEntry
from forms_app.dossier.agents_import import COLUMNS, HEADER_COLUMNS, HEADER_HINT, parse_agents
from forms_app.dossier.models import Agent
from generator.cli import main as carriere
from generator.model import PARIS

HEADER = ";".join(COLUMNS)
GOOD = {
    "numen": "43T1657894PES", "civilite": "M.", "nom": "Dupont", "prenom": "Jean",
    "date_naissance": "13/01/1983", "corps": "professeur certifié", "grade": "classe normale",
    "echelon": "7", "echelon_depuis": "01/06/2024", "discipline": "L1300", "position": "en activité",
    "modalite_service": "temps complet", "affectation_uai": "0630021F", "affectation_depuis": "01/09/2021",
    "adresse": "1 rue de Vercingétorix", "code_postal": "63000", "commune": "Clermont-Ferrand",
    "mail_pro": "jean.dupont@ac-montferrand.example", "mail_perso": "", "telephone": "04.73.12.34.56",
    "portable": "+33 6 12 34 56 78", "situation_familiale": "Marié(e)", "enfants": "2",
    "corps_depuis": "", "services_depuis": "",
}


def row(**changes) -> str:
    values = {**GOOD, **changes}
    return ";".join(values[c] for c in COLUMNS)


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def test_a_good_row_is_typed():
    result = parse_agents(csv_bytes(row()), "agents.csv")
    assert result.problems == []
    values = result.rows[0].values
    assert values["civilite"] == "Monsieur"
    assert values["date_naissance"].isoformat() == "1983-01-13"
    assert values["echelon"] == 7 and values["enfants"] == 2
    assert values["telephone"] == "04 73 12 34 56" and values["portable"] == "06 12 34 56 78"
    assert values["mail_perso"] == "" and values["affectation_uai"] == "0630021F"


def test_a_file_without_the_optional_columns_is_still_valid():
    old_row = ";".join(GOOD[c] for c in HEADER_COLUMNS)
    result = parse_agents(csv_bytes(old_row, header=";".join(HEADER_COLUMNS)), "agents.csv")
    assert result.problems == []
    assert result.rows[0].values["corps_depuis"] is None and result.rows[0].values["services_depuis"] is None


def test_bom_and_extra_columns_and_crlf_are_accepted():
    data = ("\ufeff" + HEADER + ";commentaire\r\n" + row() + ";à revoir\r\n").encode("utf-8")
    result = parse_agents(data, "agents.csv")
    assert result.problems == [] and len(result.rows) == 1


ROW_ERRORS = [
    ({"numen": ""}, "numen manquant : cette colonne est obligatoire"),
    ({"numen": "43T16"}, "numen « 43T16 » : 13 lettres ou chiffres attendus, par exemple 43T1657894PES"),
    ({"civilite": "Dr"}, "civilite « Dr » : écrivez M., Mme, Monsieur ou Madame"),
    ({"nom": ""}, "nom manquant : cette colonne est obligatoire"),
    ({"date_naissance": "31/02/1983"}, "date_naissance « 31/02/1983 » : date JJ/MM/AAAA attendue, par exemple 13/01/1983"),
    ({"date_naissance": "1983-01-13"}, "date_naissance « 1983-01-13 » : date JJ/MM/AAAA attendue, par exemple 13/01/1983"),
    ({"echelon": "douze"}, "echelon « douze » : nombre entier de 1 à 11 attendu"),
    ({"echelon": "12"}, "echelon « 12 » : nombre entier de 1 à 11 attendu"),
    ({"echelon": "²"}, "echelon « ² » : nombre entier de 1 à 11 attendu"),  # isdigit() says yes, int() no
    ({"echelon_depuis": "01/13/2024"}, "echelon_depuis « 01/13/2024 » : date JJ/MM/AAAA attendue, par exemple 13/01/1983"),
    ({"affectation_uai": "0630021A"}, "affectation_uai « 0630021A » : code UAI invalide (7 chiffres et la lettre de contrôle, par exemple 0630021F)"),
    ({"code_postal": "6300"}, "code_postal « 6300 » : 5 chiffres attendus, par exemple 63000"),
    ({"mail_pro": "jean.dupont"}, "mail_pro « jean.dupont » : adresse électronique attendue, par exemple prenom.nom@exemple.fr"),
    ({"telephone": "12345"}, "telephone « 12345 » : numéro français à 10 chiffres attendu, par exemple 04 73 12 34 56"),
    ({"enfants": "-1"}, "enfants « -1 » : nombre d'enfants de moins de 18 ans attendu (0, 1, 2…)"),
    ({"enfants": "deux"}, "enfants « deux » : nombre d'enfants de moins de 18 ans attendu (0, 1, 2…)"),
    ({"nom": "D" * 101}, "nom trop long (101 caractères, 100 au plus) : abrégez-le"),
    ({"adresse": "1 rue\x0bdu lac"}, "adresse : caractère invisible (tabulation, saut de ligne…) à retirer"),
    ({"nom": "---", "prenom": "'"}, "nom et prenom : aucune lettre utilisable pour former l'identifiant"),
]


@pytest.mark.parametrize("changes, message", ROW_ERRORS)
def test_row_errors(changes, message):
    result = parse_agents(csv_bytes(row(), row(**{"numen": "12A1234567BCD", **changes})), "agents.csv")
    assert result.problems == [f"agents.csv:3: {message}"]


def test_every_bad_row_is_reported_in_one_run():
    data = csv_bytes(
        row(civilite="X"),
        row(numen="12A1234567BCD"),
        row(numen="12A1234567BCE", echelon="0", enfants="x"),
        row(numen="43T1657894PES"),
    )
    result = parse_agents(data, "agents.csv")
    assert result.problems == [
        "agents.csv:2: civilite « X » : écrivez M., Mme, Monsieur ou Madame",
        "agents.csv:4: echelon « 0 » : nombre entier de 1 à 11 attendu",
        "agents.csv:4: enfants « x » : nombre d'enfants de moins de 18 ans attendu (0, 1, 2…)",
        "agents.csv:5: numen 43T1657894PES déjà présent ligne 2 : une seule ligne par agent",
    ]


FILE_ERRORS = [
    (b"", "agents.csv:1: le fichier est vide : la première ligne doit être l'en-tête " + HEADER_HINT),
    (HEADER.encode() + b"\n", "agents.csv:2: aucun agent dans le fichier : ajoutez une ligne par agent sous l'en-tête"),
    (HEADER.replace(";", ",").encode() + b"\n",
     "agents.csv:1: séparateur « ; » attendu : enregistrez le fichier au format « CSV (point-virgule) »"),
    (HEADER.replace(";enfants", "").encode() + b"\n",
     "agents.csv:1: colonne manquante : enfants : l'en-tête doit contenir " + HEADER_HINT),
    ((HEADER + ";nom").encode() + b"\n", "agents.csv:1: colonne en double : nom : gardez-en une seule"),
    ((HEADER + "\n" + row() + "\n").encode("utf-8").replace("Vercingétorix".encode(), "Vercingétorix".encode("latin-1")),
     "agents.csv:2: le fichier n'est pas en UTF-8 : enregistrez-le au format « CSV UTF-8 (délimité par des "
     "points-virgules) » puis relancez l'import."),
    (csv_bytes(row() + ";de trop", header=HEADER),
     "agents.csv:2: 26 champs au lieu de 25 : vérifiez les points-virgules de cette ligne"),
]


@pytest.mark.parametrize("data, message", FILE_ERRORS)
def test_file_errors(data, message):
    assert parse_agents(data, "agents.csv").problems == [message]


def test_line_numbers_follow_blank_lines_and_quoted_newlines():
    data = csv_bytes(row(), "", row(numen="12A1234567BCD", adresse='"Bât. A\nrue"'), row(numen="12A1234567BCE", civilite="?"))
    result = parse_agents(data, "agents.csv")
    assert result.problems == [
        "agents.csv:4: adresse : caractère invisible (tabulation, saut de ligne…) à retirer",
        "agents.csv:6: civilite « ? » : écrivez M., Mme, Monsieur ou Madame",
    ]


def test_demo_data_is_valid(project_root):
    path = project_root / "data" / "agents-demo.csv"
    result = parse_agents(path.read_bytes(), str(path))
    assert result.problems == []
    assert len(result.rows) >= 24


# --- the command, on a real database --------------------------------------------------------


@pytest.fixture
def run(db_url, monkeypatch, capsys, app):
    """run(*args) -> (exit code, stdout, stderr) of `carriere` on the test database."""
    monkeypatch.setenv("CARRIERE_DATABASE_URL", db_url)
    monkeypatch.setitem(DEFAULTS, "ARGON2_PARAMS", app.config["ARGON2_PARAMS"])  # fast hashes in tests

    def do(*args: str):
        code = carriere(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return do


def accounts(app) -> dict[str, Account]:
    db = new_session(app)
    rows = {a.identifiant: a for a in db.scalars(select(Account))}
    db.close()
    return rows


def agents(app) -> list[Agent]:
    db = new_session(app)
    rows = db.scalars(select(Agent).order_by(Agent.id)).all()
    db.close()
    return rows


def test_import_creates_agents_and_accounts(app, run, tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(
        row(),
        row(numen="12A1234567BCD", prenom="Anne-Marie", nom="D'Hôtel", civilite="Mme"),
        row(numen="12A1234567BCE", prenom="Jules", nom="Dupont"),
    ))
    code, out, err = run("agents", "import", str(path), "--expire", "31/01/2027")
    assert code == 0, err
    assert "jdupont" in out and "adhotel" in out and "jdupont2" in out
    assert "3 agents lus : 3 créés, 0 mis à jour, 0 inchangé." in out
    rows = accounts(app)
    assert set(rows) == {"jdupont", "adhotel", "jdupont2"}
    jean = rows["jdupont"]
    assert jean.must_change_password and jean.role == "enseignant"
    assert jean.first_secret_expires_at == datetime(2027, 2, 1, 0, 0, tzinfo=PARIS)
    assert "43T1657894PES" not in jean.password_hash


def test_nothing_is_imported_when_a_row_is_bad(app, run, tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(row(), row(numen="12A1234567BCD", echelon="99")))
    code, out, err = run("agents", "import", str(path))
    assert code == 1
    assert f"{path}:3: echelon « 99 » : nombre entier de 1 à 11 attendu" in err
    assert "1 erreur : rien n'a été importé. Corrigez le fichier puis relancez l'import." in err
    assert agents(app) == [] and accounts(app) == {}


def test_reimport_updates_and_never_duplicates(app, run, tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(row(), row(numen="12A1234567BCD", prenom="Julien", nom="Martin")))
    assert run("agents", "import", str(path))[0] == 0
    # A homonym placed first, and a change of échelon for Jean Dupont.
    path.write_bytes(csv_bytes(
        row(numen="99Z9999999XYZ", prenom="Jeanne", nom="Dupont"),
        row(echelon="8", echelon_depuis="01/06/2026"),
        row(numen="12A1234567BCD", prenom="Julien", nom="Martin"),
    ))
    code, out, _err = run("agents", "import", str(path))
    assert code == 0
    assert "3 agents lus : 1 créé, 1 mis à jour, 1 inchangé" in out
    rows = accounts(app)
    assert set(rows) == {"jdupont", "jmartin", "jdupont2"}  # existing identifiants are stable
    by_numen = {a.numen: a for a in agents(app)}
    assert len(by_numen) == 3 and by_numen["43T1657894PES"].echelon == 8
    assert rows["jdupont"].agent_id == by_numen["43T1657894PES"].id
    assert rows["jdupont2"].agent_id == by_numen["99Z9999999XYZ"].id
    db = new_session(app)
    change = db.scalars(select(AuditEntry).where(AuditEntry.action == "agent_modifie")).one()
    db.close()
    assert '"echelon": "7"' in change.before and '"echelon": "8"' in change.after
    assert "43T1657894PES" not in (change.before + change.after)


def test_imported_teacher_logs_in_with_the_numen(app, run, tmp_path, login):
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(row()))
    run("agents", "import", str(path))
    client = app.test_client()
    response = login(client, "jdupont", "43T1657894PES")
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == "/compte/mot-de-passe"


def test_import_is_audited_without_numen(app, run, tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(row()))
    run("agents", "import", str(path))
    db = new_session(app)
    rows = db.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    db.close()
    assert [r.action for r in rows] == ["agent_cree", "import_agents"]
    assert all("43T1657894PES" not in (r.after or "") for r in rows)


def test_import_refuses_a_past_expiry_and_a_missing_file(run, tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(row()))
    code, _out, err = run("agents", "import", str(path), "--expire", "01/01/2020")
    assert code == 1 and "--expire 01/01/2020 : cette date est passée : choisissez une date à venir." in err
    code, _out, err = run("agents", "import", str(tmp_path / "absent.csv"))
    assert code == 1 and "lecture impossible" in err and "vérifiez le chemin du fichier" in err


def test_import_on_an_empty_database_asks_for_the_upgrade(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(DEFAULTS, "ARGON2_PARAMS", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
    monkeypatch.setenv("CARRIERE_DATABASE_URL", f"sqlite:///{tmp_path / 'vide.db'}")
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(row()))
    assert carriere(["agents", "import", str(path)]) == 1
    assert "n'est pas à jour : lancez d'abord « carriere db upgrade »." in capsys.readouterr().err
    assert carriere(["db", "upgrade"]) == 0
    assert "base de données à jour" in capsys.readouterr().out
    assert carriere(["agents", "import", str(path)]) == 0


# --- corps_depuis, services_depuis and the history file --------------------------------------------

from forms_app.dossier.agents_import import AgentRow  # noqa: E402
from forms_app.dossier.historique_import import COLUMNS as HISTORY_COLUMNS  # noqa: E402
from forms_app.dossier.historique_import import parse_history  # noqa: E402
from forms_app.dossier.models import LigneAffectation, LigneCarriere  # noqa: E402

H_HEADER = ";".join(HISTORY_COLUMNS)
NUMEN = GOOD["numen"]


def carriere_line(debut: str, echelon: str, *, corps: str = "professeur certifié", grade: str = "classe normale",
                  position: str = "", numen: str = NUMEN) -> str:
    return f"{numen};carriere;{debut};;{corps};{grade};{echelon};{position};;;"


def affectation_line(debut: str, fin: str, uai: str, *, etablissement: str = "", nature: str = "",
                     numen: str = NUMEN) -> str:
    return f"{numen};affectation;{debut};{fin};;;;;{uai};{etablissement};{nature}"


def history_bytes(*lines: str, header: str = H_HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def agent_rows(**changes) -> list[AgentRow]:
    result = parse_agents(csv_bytes(row(**changes)), "agents.csv")
    assert result.problems == []
    return result.rows


GOOD_HISTORY = [
    carriere_line("01/09/2006", "1", position="stagiaire"),
    carriere_line("01/09/2007", "2"),
    carriere_line("01/09/2010", "4"),
    carriere_line("01/03/2013", "5", position="disponibilité pour convenances personnelles"),
    carriere_line("01/03/2014", "5"),
    carriere_line("01/09/2018", "6"),
    affectation_line("01/09/2006", "01/09/2007", "0931234L", etablissement="Collège Jean-Jaurès, Saint-Denis",
                     nature="année de stage"),
    affectation_line("01/09/2007", "", "0030484K", nature="à titre provisoire"),
]


def test_a_good_history_is_typed_and_closed_periods_are_written():
    history = parse_history(history_bytes(*GOOD_HISTORY), "historique.csv", agent_rows(), "agents.csv")
    assert history.problems == []
    assert [(x.debut.isoformat(), x.echelon, x.position) for x in history.carriere[NUMEN]][:2] == [
        ("2006-09-01", 1, "stagiaire"), ("2007-09-01", 2, "en activité")]
    stage, provisoire = history.affectations[NUMEN]
    assert stage.uai == "0931234L" and stage.etablissement == "Collège Jean-Jaurès, Saint-Denis"
    # An open end means « until the current affectation » (affectation_depuis 01/09/2021).
    assert provisoire.fin.isoformat() == "2021-09-01"
    assert history.filled == {}


def test_the_current_state_in_the_history_fills_the_dates_the_agents_file_left_empty():
    lines = [*GOOD_HISTORY[:-1], carriere_line("01/06/2024", "7"),
             affectation_line("01/09/2021", "", "0630021F", nature="à titre définitif")]
    rows = agent_rows(echelon_depuis="", affectation_depuis="")
    history = parse_history(history_bytes(*lines), "historique.csv", rows, "agents.csv")
    assert history.problems == []
    assert history.filled == {NUMEN: {"echelon_depuis": date(2024, 6, 1), "affectation_depuis": date(2021, 9, 1)}}
    assert [x.echelon for x in history.carriere[NUMEN]][-1] == 6  # the current line is the agents file's
    # With the agents file's dates, the same current lines are simply the current state.
    same = parse_history(history_bytes(*lines), "historique.csv", agent_rows(), "agents.csv")
    assert same.problems == [] and same.filled == {}


HISTORY_ERRORS = [
    (f"{NUMEN};mutation;01/09/2010;;;;;;;;", "type « mutation » : écrivez carriere ou affectation"),
    (carriere_line("31/02/2010", "3"), "debut « 31/02/2010 » : date JJ/MM/AAAA attendue, par exemple 01/09/2015"),
    (carriere_line("", "3"), "debut manquant : indiquez la date de début, au format JJ/MM/AAAA"),
    (carriere_line("01/09/2010", "12"), "echelon « 12 » : nombre entier de 1 à 11 attendu"),
    (carriere_line("01/09/2010", "3", grade=""), "grade manquant : obligatoire pour une ligne carriere"),
    (f"{NUMEN};carriere;01/09/2010;01/09/2011;professeur certifié;classe normale;3;;;;",
     "fin « 01/09/2011 » : sans objet pour une ligne carriere (une ligne carriere dure jusqu'à la ligne "
     "suivante) : laissez-la vide"),
    (f"{NUMEN};carriere;01/09/2010;;professeur certifié;classe normale;3;;0630021F;;",
     "uai « 0630021F » : sans objet pour une ligne carriere (la colonne ne sert qu'aux lignes affectation) : "
     "laissez-la vide"),
    (affectation_line("01/09/2010", "01/09/2012", "0630021A"),
     "uai « 0630021A » : la lettre de contrôle devrait être « F » (0630021F) : corrigez le code"),
    (affectation_line("01/09/2010", "01/09/2012", "63002"),
     "uai « 63002 » : code UAI invalide (7 chiffres et la lettre de contrôle, par exemple 0630021F)"),
    (affectation_line("01/09/2010", "01/09/2012", ""),
     "uai manquant : obligatoire pour une ligne affectation (par exemple 0630021F)"),
    (affectation_line("01/09/2012", "01/09/2010", "0630021F"),
     "fin « 01/09/2010 » : antérieure au début (01/09/2012), vérifiez les dates"),
    (carriere_line("01/09/2010", "3", numen="99Z9999999ZZZ"),
     "numen 99Z9999999ZZZ absent de agents.csv : ajoutez la ligne de l'agent au fichier des agents ou retirez celle-ci"),
    (carriere_line("01/09/1980", "1"),
     "debut 01/09/1980 : antérieur à la date de naissance de l'agent (13/01/1983), vérifiez-le"),
    (carriere_line("01/09/2025", "8"),
     "debut 01/09/2025 : postérieur à l'échelon actuel (echelon_depuis 01/06/2024, agents.csv:2) : "
     "l'historique ne contient que le passé"),
    (carriere_line("01/06/2024", "6"),
     "debut 01/06/2024 : c'est la date de l'échelon actuel (echelon_depuis, agents.csv:2) mais la ligne dit "
     "classe normale échelon 6 : la situation à cette date doit être celle du fichier des agents"),
    (affectation_line("01/09/2021", "", "0030484K"),
     "debut 01/09/2021 : pas antérieur à l'affectation actuelle (affectation_depuis 01/09/2021, agents.csv:2) : "
     "l'historique ne contient que le passé"),
    (affectation_line("01/09/2019", "01/09/2022", "0030484K"),
     "fin 01/09/2022 : postérieure au début de l'affectation actuelle (affectation_depuis 01/09/2021, "
     "agents.csv:2) : corrigez la fin"),
]


@pytest.mark.parametrize(("line", "message"), HISTORY_ERRORS)
def test_history_errors(line, message):
    history = parse_history(history_bytes(line), "historique.csv", agent_rows(), "agents.csv")
    assert history.problems == [f"historique.csv:2: {message}"]


def test_history_errors_between_lines_name_both():
    lines = [carriere_line("01/09/2010", "3"), carriere_line("01/09/2010", "4"),
             affectation_line("01/09/2008", "01/09/2012", "0030484K"),
             affectation_line("01/09/2011", "01/09/2015", "0630021F")]
    history = parse_history(history_bytes(*lines), "historique.csv", agent_rows(), "agents.csv")
    assert history.problems == [
        "historique.csv:3: debut 01/09/2010 : l'agent a déjà une ligne carriere à cette date (ligne 2) : "
        "gardez-en une seule",
        "historique.csv:5: debut 01/09/2011 : chevauche l'affectation de la ligne 4 (jusqu'au 01/09/2012) : "
        "corrigez l'une des deux dates",
    ]


@pytest.mark.parametrize(("changes", "message"), [
    ({"services_depuis": "01/09/1975"}, "services_depuis : date antérieure à la date de naissance, vérifiez-la"),
    ({"services_depuis": "01/09/2010", "corps_depuis": "01/09/2008"},
     "corps_depuis : date antérieure à services_depuis (début des services), vérifiez l'une des deux"),
    ({"corps_depuis": "01/09/2025"},
     "echelon_depuis : date antérieure à corps_depuis (entrée dans le corps), vérifiez l'une des deux"),
    ({"corps_depuis": "1er septembre"}, "corps_depuis « 1er septembre » : date JJ/MM/AAAA attendue, par exemple 13/01/1983"),
])
def test_corps_and_services_dates_are_checked(changes, message):
    assert parse_agents(csv_bytes(row(**changes)), "agents.csv").problems == [f"agents.csv:2: {message}"]


def history_rows(app) -> tuple[list, list]:
    db = new_session(app)
    carriere = [(x.debut.isoformat(), x.echelon, x.position) for x in
                db.scalars(select(LigneCarriere).order_by(LigneCarriere.debut))]
    affectations = [(x.debut.isoformat(), x.fin.isoformat() if x.fin else None, x.uai) for x in
                    db.scalars(select(LigneAffectation).order_by(LigneAffectation.debut))]
    db.close()
    return carriere, affectations


def test_import_with_history_stores_replaces_and_keeps_it(app, run, tmp_path):
    agents_path, history_path = tmp_path / "agents.csv", tmp_path / "historique.csv"
    agents_path.write_bytes(csv_bytes(row(echelon_depuis="")))
    history_path.write_bytes(history_bytes(*GOOD_HISTORY, carriere_line("01/06/2024", "7")))
    code, out, err = run("agents", "import", str(agents_path), "--historique", str(history_path))
    assert code == 0, err
    assert "1 agent lu : 1 créé, 0 mis à jour, 0 inchangé ; historique : 1 agent décrit, 1 mis à jour." in out
    assert agents(app)[0].echelon_depuis == date(2024, 6, 1)  # given by the history
    carriere, affectations = history_rows(app)
    assert len(carriere) == 6 and carriere[3] == ("2013-03-01", 5, "disponibilité pour convenances personnelles")
    assert affectations == [("2006-09-01", "2007-09-01", "0931234L"), ("2007-09-01", "2021-09-01", "0030484K")]

    code, out, _err = run("agents", "import", str(agents_path), "--historique", str(history_path))
    assert "1 inchangé ; historique : 1 agent décrit, 0 mis à jour." in out  # same files: nothing changes
    code, out, _err = run("agents", "import", str(agents_path))  # without the history: it stays
    assert code == 0 and history_rows(app) == (carriere, affectations)

    history_path.write_bytes(history_bytes(carriere_line("01/09/2010", "4"), carriere_line("01/06/2024", "7")))
    code, out, err = run("agents", "import", str(agents_path), "--historique", str(history_path))
    assert code == 0, err
    assert history_rows(app) == ([("2010-09-01", 4, "en activité")], [])  # the file's history replaces the old
    db = new_session(app)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "agent_historique")
                       .order_by(AuditEntry.id.desc())).first()
    db.close()
    assert "2013-03-01" in entry.before and "2013-03-01" not in entry.after


def test_a_bad_history_line_imports_nothing_at_all(app, run, tmp_path):
    agents_path, history_path = tmp_path / "agents.csv", tmp_path / "historique.csv"
    agents_path.write_bytes(csv_bytes(row()))
    history_path.write_bytes(history_bytes(*GOOD_HISTORY, carriere_line("01/09/2010", "12")))
    code, out, err = run("agents", "import", str(agents_path), "--historique", str(history_path))
    assert code == 1
    assert f"{history_path}:10: echelon « 12 » : nombre entier de 1 à 11 attendu" in err
    assert "1 erreur : rien n'a été importé." in err
    assert agents(app) == [] and history_rows(app) == ([], [])


def test_a_bad_agents_file_still_shows_the_history_files_own_errors(run, tmp_path):
    agents_path, history_path = tmp_path / "agents.csv", tmp_path / "historique.csv"
    agents_path.write_bytes(csv_bytes(row(echelon="99")))
    history_path.write_bytes(history_bytes(carriere_line("01/09/2010", "0")))
    code, _out, err = run("agents", "import", str(agents_path), "--historique", str(history_path))
    assert code == 1
    assert f"{agents_path}:2: echelon « 99 »" in err and f"{history_path}:2: echelon « 0 »" in err
    assert "2 erreurs : rien n'a été importé." in err


def test_demo_history_is_valid_and_up_to_date(project_root):
    import subprocess
    import sys

    agents_path = project_root / "data" / "agents-demo.csv"
    path = project_root / "data" / "agents-demo-historique.csv"
    rows = parse_agents(agents_path.read_bytes(), str(agents_path)).rows
    history = parse_history(path.read_bytes(), str(path), rows, str(agents_path))
    assert history.problems == []
    assert history.numens == {r.values["numen"] for r in rows}  # every demo agent has a past
    assert sum(1 for lines in history.carriere.values() for x in lines if "disponibilit" in x.position) >= 2
    assert any(x.etablissement for lines in history.affectations.values() for x in lines)  # outside the académie
    check = subprocess.run([sys.executable, str(project_root / "scripts" / "make_demo_history.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
