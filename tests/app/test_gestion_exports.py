"""Exports of the desk read back and compared with the database: CSV (`;`, BOM), XLSX, ZIP of the
pièces (one folder per agent); from the desk, from a batch selection and from `carriere mobilite
export`; on SQLite and PostgreSQL."""
from __future__ import annotations

import argparse
import csv
import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from forms_app.core.db import new_session
from forms_app.core.models import AuditEntry
from forms_app.gestion import exports
from forms_app.gestion.cli import register_export
from forms_app.mobilite.bareme import calcul
from forms_app.mobilite.models import Demande, PieceJointe, Voeu
from gestion_world import APRES_SAISIE, INTRA, PENDANT_SAISIE, a_pdf, make_demande, post


@pytest.fixture
def monde(app, clock, make_teacher, make_gestionnaire, login):
    clock.current = PENDANT_SAISIE
    a, _acc, _pwd = make_teacher(prenom="Anne", nom="Arnaud", echelon=5, affectation_uai="0630021F", enfants=2)
    b, _acc, _pwd = make_teacher(prenom="Bruno", nom="Berger", echelon=9, affectation_uai="0630726X")
    c, _acc, _pwd = make_teacher(prenom="Chloé", nom="Cordier", echelon=3)
    ids = {
        "anne": make_demande(app, a.id, voeux=[("ETB", "0630021F"), ("COM", "63113"), ("DPT", "063")],
                             situations={"departement_conjoint": "063"},
                             pieces={"justificatif_familial": a_pdf(1), "rapport_inspection": a_pdf(2)}),
        "bruno": make_demande(app, b.id, mouvement="SPEA", discipline="L1300", voeux=[("COM", "63300")],
                              lettre="Lettre.", pieces={"rapport_inspection": a_pdf(3)}),
        "chloe": make_demande(app, c.id, mouvement="SPEA", discipline="L1000"),
    }
    clock.current = APRES_SAISIE
    gestionnaire, password = make_gestionnaire()
    client = app.test_client()
    assert login(client, gestionnaire.identifiant, password).status_code == 302
    page = f"/gestion/demandes/{ids['anne']}/"
    post(client, f"/gestion/demandes/{ids['anne']}/bareme/rapprochement_conjoints",
         {"decision": "accorde", "motif": "Livret de famille"}, page)
    post(client, f"/gestion/demandes/{ids['anne']}/bareme/anciennete_poste",
         {"decision": "corrige", "points": "170,5", "motif": "Arrêté"}, page)
    return {"client": client, "ids": ids, "agents": {"anne": a, "bruno": b, "chloe": c}}


def expected_rows(app, campaign_slug: str = INTRA, only: set[int] | None = None) -> list[list[str]]:
    """What the export must say, computed again from the database through the pages' own barème."""
    from forms_app.gestion.exports import _cell
    from forms_app.mobilite.bareme import decisions_de, situations_de
    from forms_app.mobilite.models import BaremeVerification
    from forms_app.comptes.models import Account
    from forms_app.dossier.models import Agent
    from generator.model import VOEU_TYPES

    with app.app_context():
        from forms_app.core.content import current_site

        site = current_site()
        campaign = site.campaign(campaign_slug)
        db = new_session(app)
        rows = []
        for demande in db.scalars(select(Demande).where(Demande.campagne == campaign_slug).order_by(Demande.id)):
            if only is not None and demande.id not in only:
                continue
            agent = db.get(Agent, demande.agent_id)
            ident = db.scalar(select(Account.identifiant).where(Account.agent_id == agent.id)) or ""
            voeux = list(db.scalars(select(Voeu).where(Voeu.demande_id == demande.id).order_by(Voeu.rank)))
            head = [agent.nom, agent.prenom, ident, agent.affectation_uai, str(demande.id),
                    campaign.mouvement(demande.mouvement).label, demande.discipline]
            if not voeux:
                rows.append(head + [""] * (4 + len(campaign.bareme) + 1))
                continue
            baremes = calcul(campaign, agent, voeux, situations_de(db, demande.id), decisions_de(db, demande.id),
                             db.get(BaremeVerification, demande.id) is not None, site.referentiel)
            for v, b in zip(voeux, baremes):
                points = {e.code: e.points for e in b.elements}
                rows.append(head + [str(v.rank), VOEU_TYPES[v.type], v.code, v.libelle,
                                    *(_cell(points[r.code]) if r.code in points else "" for r in campaign.bareme),
                                    _cell(b.total)])
        db.close()
    return rows


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.postgres
def test_csv_export_reads_back_as_the_database(app, monde, db_backend):
    response = monde["client"].get(f"/gestion/{INTRA}/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{INTRA}-voeux-')
    rows = read_csv(response.data)
    with app.app_context():
        from forms_app.core.content import current_site

        assert rows[0] == exports.entetes(current_site().campaign(INTRA))
    assert rows[1:] == expected_rows(app)
    anne_voeu_2 = rows[2]
    assert anne_voeu_2[:11] == ["Arnaud", "Anne", "aarnaud", "0630021F", str(monde["ids"]["anne"]),
                                "Mouvement intra-académique", "", "2", "Commune", "63113", "Clermont-Ferrand"]
    assert anne_voeu_2[-1] == "355,7"  # 35 + 170,5 + 150,2
    assert rows[-1][7:11] == ["", "", "", ""]  # Chloé: no vœu, one line all the same
    db = new_session(app)
    assert db.scalar(select(AuditEntry.after).where(AuditEntry.action == "gestion.export")) is not None
    db.close()


@pytest.mark.postgres
def test_xlsx_export_reads_back_as_the_csv(app, monde, db_backend):
    response = monde["client"].get(f"/gestion/{INTRA}/export.xlsx?mouvement=GEN")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    values = [["" if c is None else c for c in row] for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    expected = expected_rows(app, only={monde["ids"]["anne"]})
    assert len(values) == 1 + len(expected) == 4
    for got, want in zip(values[1:], expected):
        assert [str(v).replace(".", ",") if isinstance(v, float) else str(v) for v in got] == want
    assert values[2][-1] == 355.7


@pytest.mark.postgres
def test_zip_of_the_pieces_one_folder_per_agent(app, monde, db_backend):
    response = monde["client"].get(f"/gestion/{INTRA}/pieces.zip")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    names = sorted(archive.namelist())
    db = new_session(app)
    stored = {p.demande_id: p for p in db.scalars(select(PieceJointe))}
    by_name = {(p.demande_id, p.kind): p.data for p in db.scalars(select(PieceJointe))}
    db.close()
    assert len(names) == 3 and len(stored) == 2
    assert {n.split("/")[0] for n in names} == {"Arnaud_Anne_aarnaud", "Berger_Bruno_bberger"}
    anne = monde["ids"]["anne"]
    name = f"Arnaud_Anne_aarnaud/demande-{anne}_justificatif_familial_justificatif_familial.pdf"
    assert archive.read(name) == by_name[(anne, "justificatif_familial")]


def test_a_selection_exports_only_its_demandes(app, monde):
    ids = monde["ids"]
    response = post(monde["client"], f"/gestion/{INTRA}/lot", {"action": "csv", "ids": [ids["bruno"], ids["chloe"]]},
                    f"/gestion/{INTRA}/")
    assert response.status_code == 200
    rows = read_csv(response.data)
    assert [r[0] for r in rows[1:]] == ["Berger", "Cordier"]
    assert rows[1:] == expected_rows(app, only={ids["bruno"], ids["chloe"]})
    zipped = post(monde["client"], f"/gestion/{INTRA}/lot", {"action": "zip", "ids": [ids["bruno"]]}, f"/gestion/{INTRA}/")
    assert zipfile.ZipFile(io.BytesIO(zipped.data)).namelist() == [
        f"Berger_Bruno_bberger/demande-{ids['bruno']}_rapport_inspection_rapport_inspection.pdf"]


def test_a_filtered_list_exports_its_demandes(app, monde):
    rows = read_csv(monde["client"].get(f"/gestion/{INTRA}/export.csv?mouvement=SPEA").data)
    assert [r[0] for r in rows[1:]] == ["Berger", "Cordier"]
    bad = monde["client"].get(f"/gestion/{INTRA}/export.csv?mouvement=NON")
    assert bad.status_code == 400


def run_cli(monkeypatch, db_url, project_root, *argv):
    monkeypatch.setenv("CARRIERE_DATABASE_URL", db_url)
    monkeypatch.setenv("CARRIERE_ROOT", str(project_root))
    monkeypatch.setenv("CARRIERE_SECRET_KEY", "clé de test")
    parser = argparse.ArgumentParser(prog="carriere mobilite")
    register_export(parser.add_subparsers())
    args = parser.parse_args(["export", *argv])
    return args.func(args)


@pytest.mark.postgres
def test_cli_export_csv_and_xlsx(app, monde, db_url, project_root, monkeypatch, tmp_path, capsys, db_backend):
    out = tmp_path / "intra.csv"
    assert run_cli(monkeypatch, db_url, project_root, INTRA, "--out", str(out)) == 0
    assert read_csv(out.read_bytes())[1:] == expected_rows(app)
    xlsx = tmp_path / "intra.xlsx"
    assert run_cli(monkeypatch, db_url, project_root, INTRA, "--format", "xlsx", "--out", str(xlsx)) == 0
    workbook = openpyxl.load_workbook(xlsx, read_only=True)
    assert sum(1 for _ in workbook.active.iter_rows()) == 1 + len(expected_rows(app))
    workbook.close()
    assert run_cli(monkeypatch, db_url, project_root, "inconnue") == 1
    assert "campagne inconnue : inconnue" in capsys.readouterr().err
    assert run_cli(monkeypatch, db_url, project_root, INTRA, "--format", "xlsx") == 2


def test_the_command_is_registered_under_carriere_mobilite():
    from forms_app.mobilite.cli import register

    parser = argparse.ArgumentParser(prog="carriere")
    register(parser.add_subparsers())
    args = parser.parse_args(["mobilite", "export", INTRA, "--format", "xlsx", "--out", "x.xlsx"])
    assert (args.campagne, args.format, str(args.out)) == (INTRA, "xlsx", "x.xlsx")
