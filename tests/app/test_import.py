"""`carriere agents import`: every bad row reported, all or nothing, idempotent, identifiants."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from forms_app.comptes.models import Account
from forms_app.core.config import DEFAULTS
from forms_app.core.db import new_session
from forms_app.core.models import AuditEntry
from forms_app.dossier.agents_import import COLUMNS, parse_agents
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
    (b"", "agents.csv:1: le fichier est vide : la première ligne doit être l'en-tête " + HEADER),
    (HEADER.encode() + b"\n", "agents.csv:2: aucun agent dans le fichier : ajoutez une ligne par agent sous l'en-tête"),
    (HEADER.replace(";", ",").encode() + b"\n",
     "agents.csv:1: séparateur « ; » attendu : enregistrez le fichier au format « CSV (point-virgule) »"),
    (HEADER.replace(";enfants", "").encode() + b"\n",
     "agents.csv:1: colonne manquante : enfants : l'en-tête doit contenir " + HEADER),
    ((HEADER + ";nom").encode() + b"\n", "agents.csv:1: colonne en double : nom : gardez-en une seule"),
    ((HEADER + "\n" + row() + "\n").encode("utf-8").replace("Vercingétorix".encode(), "Vercingétorix".encode("latin-1")),
     "agents.csv:2: le fichier n'est pas en UTF-8 : enregistrez-le au format « CSV UTF-8 (délimité par des "
     "points-virgules) » puis relancez l'import."),
    (csv_bytes(row() + ";de trop", header=HEADER),
     "agents.csv:2: 24 champs au lieu de 23 : vérifiez les points-virgules de cette ligne"),
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
