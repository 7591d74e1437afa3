"""Concurrent edits of one vœu list, on SQLite and PostgreSQL: no lost, doubled or misranked vœu.

Each round, several clients (each with its own session and database connection) read the same
list, then post at once. Exactly one edit per round may win; the others get 409. Replaying the
accepted edits in order on a plain list must give exactly what the database holds.
"""
from __future__ import annotations

import random
import re
import threading

import pytest
from sqlalchemy import select

from forms_app.core.db import new_session, write_transaction
from forms_app.mobilite.models import Demande, Voeu
from forms_app.mobilite.rules.voeux import MSG_PERIME

SPEC = "specifique-2027"
CLIENTS = 5
ROUNDS = 4
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ROW = re.compile(r'<tr id="voeu-(\d+)">\s*<td>(\d+)</td><td>([^<]+)</td>')


def etablissements(project_root) -> list[str]:
    lines = (project_root / "data" / "etablissements.csv").read_text(encoding="utf-8").splitlines()[1:]
    return [line.split(";")[0] for line in lines]


def snapshot(client, demande_id: int) -> tuple[str, str, list[tuple[int, str]]]:
    """(csrf token, version, [(voeu id, code)] in rank order) as the list page shows them."""
    html = client.get(f"/mobilite/demandes/{demande_id}/").data.decode()
    version = re.search(r'name="version" value="(\d+)"', html)
    rows = [(int(vid), code) for vid, _rank, code in ROW.findall(html)]
    return CSRF.search(html).group(1), version.group(1) if version else "", rows


def replay(order: list[str], op: tuple[str, str, str]) -> list[str]:
    kind, code, extra = op
    order = list(order)
    if kind == "ajout":
        order.append(code)
    elif kind == "suppression":
        order.remove(code)
    else:
        i = order.index(code)
        j = i - 1 if kind == "monter" else i + 1
        order[i], order[j] = order[j], order[i]
    return order


@pytest.mark.postgres
def test_concurrent_edits_keep_exactly_the_accepted_ones(app, make_teacher, login, project_root, db_backend):
    agent, account, password = make_teacher()
    pool = etablissements(project_root)
    moment = app.config["CLOCK"]()
    db = new_session(app)
    with write_transaction(db):
        demande = Demande(agent_id=agent.id, campagne=SPEC, mouvement="OCCITAN", discipline="L1000",
                          preference="", voeux_version=0, created_at=moment, updated_at=moment)
        db.add(demande)
        db.flush()
        for rank, code in enumerate(pool[:4], start=1):
            db.add(Voeu(demande_id=demande.id, rank=rank, type="ETB", code=code, libelle=code, poste="",
                        created_at=moment))
        demande_id = demande.id
    db.close()
    clients = []
    for _ in range(CLIENTS):
        c = app.test_client()
        assert login(c, account.identifiant, password).status_code == 302
        clients.append(c)

    rng = random.Random(20261120)
    fresh = iter(pool[10:])
    expected = pool[:4]
    for round_no in range(ROUNDS):
        seen = [snapshot(c, demande_id) for c in clients]  # every client reads the same list
        tokens = [token for token, _v, _r in seen]
        _token, version, rows = seen[0]
        assert all((v, r) == (version, rows) for _t, v, r in seen)
        assert [code for _vid, code in rows] == expected
        plans = []
        for i in range(CLIENTS):
            kind = rng.choice(["ajout", "monter", "descendre", "suppression"]) if i else "ajout"
            if kind == "ajout":
                code = next(fresh)
                plans.append((kind, code, f"/mobilite/demandes/{demande_id}/voeux/ajouter",
                              {"type": "ETB", "code": code}))
                continue
            index = rng.randrange(1 if kind == "monter" else 0, len(rows) - (1 if kind == "descendre" else 0))
            vid, code = rows[index]
            action = {"monter": "monter", "descendre": "descendre", "suppression": "supprimer"}[kind]
            plans.append((kind, code, f"/mobilite/voeux/{vid}/{action}", {"demande": str(demande_id)}))
        barrier = threading.Barrier(CLIENTS)
        results: list[tuple[int, int]] = [None] * CLIENTS  # type: ignore[list-item]
        pages: list[str] = [""] * CLIENTS

        def run(i: int) -> None:
            kind, code, url, data = plans[i]
            barrier.wait()
            response = clients[i].post(url, data={"csrf_token": tokens[i], "version": version, **data})
            results[i] = (i, response.status_code)
            pages[i] = response.data.decode()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        statuses = [status for _i, status in results]
        assert set(statuses) <= {302, 409}, statuses
        winners = [i for i, status in results if status == 302]
        assert len(winners) == 1, (round_no, statuses)
        for i, status in results:
            if status == 409:
                assert MSG_PERIME in pages[i].replace("&#39;", "'")
        kind, code, _url, _data = plans[winners[0]]
        expected = replay(expected, (kind, code, ""))

    db = new_session(app)
    stored = list(db.execute(select(Voeu.rank, Voeu.code).where(Voeu.demande_id == demande_id).order_by(Voeu.rank)))
    version = db.scalar(select(Demande.voeux_version).where(Demande.id == demande_id))
    db.close()
    assert [code for _rank, code in stored] == expected
    assert [rank for rank, _code in stored] == list(range(1, len(expected) + 1))
    assert version == ROUNDS


@pytest.mark.postgres
def test_concurrent_first_drafts_make_one_lettre(app, make_teacher, login, db_backend):
    from forms_app.mobilite.models import Lettre

    agent, account, password = make_teacher()
    moment = app.config["CLOCK"]()
    db = new_session(app)
    with write_transaction(db):
        demande = Demande(agent_id=agent.id, campagne=SPEC, mouvement="THEA", discipline="L0202",
                          preference="", voeux_version=0, created_at=moment, updated_at=moment)
        db.add(demande)
        db.flush()
        demande_id = demande.id
    db.close()
    clients, tokens = [], []
    for _ in range(CLIENTS):
        c = app.test_client()
        login(c, account.identifiant, password)
        clients.append(c)
        tokens.append(CSRF.search(c.get(f"/mobilite/demandes/{demande_id}/lettre").data.decode()).group(1))
    barrier = threading.Barrier(CLIENTS)
    statuses: list[int] = [0] * CLIENTS

    def run(i: int) -> None:
        barrier.wait()
        statuses[i] = clients[i].post(f"/mobilite/demandes/{demande_id}/lettre/brouillon",
                                      data={"texte": f"brouillon {i}"}, headers={"X-CSRFToken": tokens[i]}).status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [200] * CLIENTS
    db = new_session(app)
    lettres = list(db.scalars(select(Lettre).where(Lettre.demande_id == demande_id)))
    db.close()
    assert len(lettres) == 1 and lettres[0].brouillon.startswith("brouillon ")
