"""kill -9 of the gunicorn server in the middle of a burst of vœu edits: every acknowledged edit survives.

The app runs as in production (gunicorn, 2 workers, SQLite file, 127.0.0.1, free port). Threads edit
one vœu list over HTTP, following the list's version protocol: each acknowledged edit (302) moved
the version from v to v + 1, so the acknowledged edits are totally ordered by the version they sent.
The whole process group is killed with SIGKILL while requests are in flight, the server is started
again on the same file, and the stored list must be the replay of the acknowledged edits (plus, at
most, edits whose answer was lost in the kill), with ranks 1..n and no duplicate.
"""
from __future__ import annotations

import http.client
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from robust_world import TEACHER_PASSWORD, add_teacher

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-20T10:00:00+01:00"  # inside the saisie window of specifique-2027
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
ROW = re.compile(r'<tr id="voeu-(\d+)">\s*<td>(\d+)</td><td>([^<]+)</td>')
THREADS = 4
KILL_AFTER = 24  # acknowledged edits before the kill
MAX_EDITS = 400
MAXIMUM = 15  # voeux.maximum of specifique-2027


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn in its own process group, so SIGKILL reaches the master and both workers."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log, self.port = env, log, free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.port = free_port()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{self.port}",
                 "--graceful-timeout", "1", "forms_app.wsgi:application"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/app/connexion")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("le serveur n'a pas démarré :\n" + self.log.read_text(errors="replace")[-2000:])

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def request(self, method: str, path: str, *, cookie: str = "", form: dict | None = None):
        """(status, headers, body) of one request on a fresh connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            headers = {"Cookie": cookie} if cookie else {}
            body = None
            if form is not None:
                body = urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.headers, response.read().decode("utf-8", "replace")
        finally:
            conn.close()


def session_cookie(headers) -> str:
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith("carriere_session="):
            return value.split(";", 1)[0]
    return ""


def log_in(server: Server, identifiant: str) -> str:
    _s, headers, html = server.request("GET", "/app/connexion")
    cookie = session_cookie(headers)
    status, headers, _html = server.request("POST", "/app/connexion", cookie=cookie, form={
        "identifiant": identifiant, "password": TEACHER_PASSWORD, "csrf_token": CSRF.search(html).group(1)})
    assert status == 302, status
    return session_cookie(headers) or cookie


def read_list(server: Server, cookie: str, demande_id: int) -> tuple[str, int, list[tuple[int, str]]]:
    """(csrf token, version, [(voeu id, code)] in rank order) as the list page shows them."""
    status, _h, html = server.request("GET", f"/app/mobilite/demandes/{demande_id}/", cookie=cookie)
    assert status == 200, status
    rows = [(int(vid), code) for vid, _rank, code in ROW.findall(html)]
    return CSRF.search(html).group(1), int(VERSION.search(html).group(1)) if rows else -1, rows


def replay(order: list[str], op: tuple[str, str]) -> list[str]:
    kind, code = op
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


def stored(db_path: Path, demande_id: int) -> tuple[int, list[tuple[int, str]]]:
    with sqlite3.connect(db_path) as conn:
        version = conn.execute("select voeux_version from demandes where id = ?", (demande_id,)).fetchone()[0]
        rows = conn.execute("select rank, code from voeux where demande_id = ? order by rank, id",
                            (demande_id,)).fetchall()
    return version, rows


@pytest.fixture
def prepared(tmp_path, sqlite_template, project_root):
    """A SQLite file with a teacher and her demande holding 3 vœux; the server's environment."""
    from forms_app import create_app
    from forms_app.core.db import new_session, write_transaction
    from forms_app.mobilite.models import Demande, Voeu

    db_path = tmp_path / "carriere.db"
    shutil.copyfile(sqlite_template, db_path)
    url = f"sqlite:///{db_path}"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url, "SITE_ROOT": str(project_root),
                      "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
                      "CLOCK": lambda: __import__("forms_app.core.clock", fromlist=["x"]).parse_fixed_now(NOW)})
    teacher = add_teacher(app, prenom="Élise", nom="Reprise")
    lines = (project_root / "data" / "etablissements.csv").read_text(encoding="utf-8").splitlines()[1:]
    pool = [line.split(";")[0] for line in lines]
    moment = app.config["CLOCK"]()
    db = new_session(app)
    with write_transaction(db):
        demande = Demande(agent_id=teacher["agent"].id, campagne="specifique-2027", mouvement="OCCITAN",
                          discipline="L1000", preference="", voeux_version=0, created_at=moment, updated_at=moment)
        db.add(demande)
        db.flush()
        for rank, code in enumerate(pool[:3], start=1):
            db.add(Voeu(demande_id=demande.id, rank=rank, type="ETB", code=code, libelle=code, poste="",
                        created_at=moment))
        demande_id = demande.id
    db.close()
    app.extensions["carriere_db"]["engine"].dispose()
    env = {**os.environ, "CARRIERE_DATABASE_URL": url, "CARRIERE_ROOT": str(project_root), "CARRIERE_NOW": NOW,
           "CARRIERE_SECRET_KEY": "clé du test de coupure", "CARRIERE_DEV": "1",
           "CARRIERE_SITE_DIR": str(tmp_path / "site")}
    return {"db": db_path, "env": env, "identifiant": teacher["identifiant"], "demande_id": demande_id,
            "initial": pool[:3], "fresh": pool[3:]}


def test_acknowledged_edits_survive_a_kill_9(prepared, tmp_path):
    server = Server(prepared["env"], tmp_path / "gunicorn.log")
    demande_id = prepared["demande_id"]
    fresh = iter(prepared["fresh"])
    fresh_lock = threading.Lock()
    acked: dict[int, tuple[str, str]] = {}  # version sent → the edit it made
    lost: list[tuple[int, tuple[str, str]]] = []  # sent, answer lost in the kill
    counts = {"edits": 0, "refused": 0}
    killed = threading.Event()
    lock = threading.Lock()
    try:
        server.start()
        cookies = [log_in(server, prepared["identifiant"]) for _ in range(THREADS)]  # one session per tab
        unexpected: list[int] = []

        def edit(seed: int) -> None:
            rng = random.Random(seed)
            cookie = cookies[seed]
            while not killed.is_set():
                with lock:
                    if counts["edits"] >= MAX_EDITS:
                        return
                    counts["edits"] += 1
                try:
                    token, version, rows = read_list(server, cookie, demande_id)
                except (OSError, http.client.HTTPException, AssertionError):
                    return  # the server is gone
                kinds = ["ajout"] * (len(rows) < MAXIMUM) + ["monter", "descendre"] + ["suppression"] * (len(rows) > 2)
                kind = rng.choice(kinds)
                if kind == "ajout":
                    with fresh_lock:
                        code = next(fresh)
                    url, data = f"/app/mobilite/demandes/{demande_id}/voeux/ajouter", {"type": "ETB", "code": code}
                else:
                    low, high = (1 if kind == "monter" else 0), len(rows) - (1 if kind == "descendre" else 0)
                    vid, code = rows[rng.randrange(low, high)]
                    action = {"monter": "monter", "descendre": "descendre", "suppression": "supprimer"}[kind]
                    url, data = f"/app/mobilite/voeux/{vid}/{action}", {}
                op = (kind, code)
                try:
                    status, _h, _b = server.request("POST", url, cookie=cookie,
                                                    form={"csrf_token": token, "version": str(version), **data})
                except (OSError, http.client.HTTPException):
                    with lock:
                        lost.append((version, op))
                    return
                with lock:
                    if status == 302:
                        if version in acked:
                            unexpected.append(-version)  # two edits accepted from the same version
                        acked[version] = op
                    elif status in (404, 409):  # a vœu deleted meanwhile, or a stale list
                        counts["refused"] += 1
                    else:
                        unexpected.append(status)

        threads = [threading.Thread(target=edit, args=(seed,)) for seed in range(THREADS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(acked) < KILL_AFTER and time.monotonic() < deadline:
            time.sleep(0.005)
        server.kill()  # SIGKILL to master and workers, requests in flight
        killed.set()
        for thread in threads:
            thread.join(timeout=20)
        assert not unexpected, unexpected
        assert len(acked) >= KILL_AFTER, f"seulement {len(acked)} éditions acceptées avant la coupure"

        server.start()  # same file, as after a crash
        version, rows = stored(prepared["db"], demande_id)
        # Every acknowledged edit is in the history; a lost answer may or may not have been committed.
        assert all(v < version for v in acked), (sorted(acked), version)
        expected = list(prepared["initial"])
        for step in range(version):
            if step in acked:
                expected = replay(expected, acked[step])
            else:
                candidates = [op for v, op in lost if v == step]
                assert len(candidates) == 1, f"version {step} : ni accusée ni en vol ({candidates})"
                expected = replay(expected, candidates[0])
        assert [code for _rank, code in rows] == expected
        assert [rank for rank, _code in rows] == list(range(1, len(rows) + 1))
        assert len({code for _rank, code in rows}) == len(rows)

        # The restarted server shows the same list to the same session, and takes edits again.
        cookie = cookies[0]
        token, shown_version, shown = read_list(server, cookie, demande_id)
        assert [code for _vid, code in shown] == expected and shown_version == version
        status, _h, _b = server.request("POST", f"/app/mobilite/voeux/{shown[-1][0]}/monter", cookie=cookie,
                                        form={"csrf_token": token, "version": str(version)})
        assert status == 302
        assert stored(prepared["db"], demande_id)[0] == version + 1
    finally:
        server.kill()
