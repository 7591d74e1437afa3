"""The load benches' shared parts: gunicorn on 127.0.0.1, a fresh PostgreSQL database, populated and
logged-in teachers, and the guard that stops and removes everything started, even on errors.

Used by bench/load_bench.py (wrk and paced runs) and bench/load_paced.py (paced runs alone).
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load_setup  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
NOW = "2026-11-25T10:00:00+01:00"  # inside the saisie window of specifique-2027, whatever the real date
PG_ADMIN = "host=127.0.0.1 port=5432 dbname=postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


class Server:
    """gunicorn -w 2 on 127.0.0.1:port; stop() ends its whole process group."""

    def __init__(self, port: int, env: dict[str, str], log: Path) -> None:
        self.port = port
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--pythonpath", str(REPO),
             "--log-level", "warning", "--timeout", "60", "bench.load_app:application"],
            cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        import http.client

        deadline = time.monotonic() + timeout
        ok = 0
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise load_setup.SetupError(f"gunicorn s'est arrêté (code {self.proc.returncode}) : voir {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("GET", "/app/bench-bonjour")
                if conn.getresponse().status == 200:
                    ok += 1
                    if ok >= 10:  # both workers have built the app
                        return
                conn.close()
            except OSError:
                time.sleep(0.2)
        raise load_setup.SetupError(f"gunicorn ne répond pas sur 127.0.0.1:{self.port}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()


class PgDatabase:
    """A fresh database on 127.0.0.1:5432 (trust), dropped at the end."""

    def __init__(self) -> None:
        import psycopg

        self.name = f"carriere_bench_{secrets.token_hex(4)}"
        try:
            with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=10) as conn:
                user = conn.execute("select current_user").fetchone()[0]
                conn.execute(f'create database "{self.name}"')
        except psycopg.Error as exc:
            raise load_setup.SetupError(
                f"PostgreSQL sur 127.0.0.1:5432 indisponible ({exc.__class__.__name__}) : démarrez-le "
                "(pg_ctlcluster … main start) ou lancez le banc avec --only sqlite") from None
        self.url = f"postgresql+psycopg://{user}@127.0.0.1:5432/{self.name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{self.name}" with (force)')


@contextmanager
def serving(label: str, url: str, work: Path, count: int, database: str = "") -> Iterator[tuple[Server, list]]:
    """Populate count teachers, start gunicorn, log them in with a demande and two vœux; stop at the end."""
    print(f"\n== {label} ==  ({uptime()})", flush=True)
    started = time.monotonic()
    identifiants = load_setup.populate(url, count)
    print(f"  {len(identifiants)} enseignants importés ({time.monotonic() - started:.0f} s)", flush=True)
    port = free_port()
    root = work / "root"
    if not root.exists():
        # A frozen copy: other people editing content/ must not make the workers reload mid-run.
        for part in ("content", "data"):
            shutil.copytree(REPO / part, root / part)
    env = {**os.environ, "CARRIERE_DATABASE_URL": url, "CARRIERE_ROOT": str(root), "CARRIERE_NOW": NOW,
           "CARRIERE_SECRET_KEY": secrets.token_urlsafe(32), "CARRIERE_SITE_DIR": str(work / "no-site")}
    env.pop("CARRIERE_DEV", None)
    server = Server(port, env, work / f"gunicorn-{label}.log")
    try:
        server.wait_ready()
        started = time.monotonic()
        teachers = load_setup.prepare_all(port, identifiants, load_setup.etb_codes(60))
        print(f"  {len(teachers)} connexions, demandes et 2 vœux chacun ({time.monotonic() - started:.0f} s)",
              flush=True)
        yield server, teachers
    finally:
        server.stop()


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def guarded(body) -> int:
    """Run body(work) in a temporary folder; stop cleanly with a French message on Ctrl-C, kill or setup error."""
    # Ctrl-C or a kill: unwind through the finally blocks that stop what we started.
    signal.signal(signal.SIGTERM, _interrupt)
    out: list[str] = [f"Machine : {os.cpu_count()} cœurs ; avant : {uptime()}"]
    code = 0
    with tempfile.TemporaryDirectory(prefix="carriere-load-") as tmp:
        work = Path(tmp)
        try:
            out += body(work)
        except KeyboardInterrupt:
            print("banc interrompu à la demande : serveur arrêté, base et fichiers temporaires supprimés.",
                  file=sys.stderr)
            return 130
        except (load_setup.SetupError, OSError) as exc:
            print(f"banc interrompu : {exc}", file=sys.stderr)
            for log in work.glob("gunicorn-*.log"):
                tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
                if tail.strip():
                    print(f"--- {log.name} ---\n{tail}", file=sys.stderr)
            code = 1
    out.append(f"\nAprès : {uptime()}")
    print("\n".join(out))
    return code


def backends(only: str | None, work: Path, run) -> list[str]:
    """run(label, url, database) on SQLite then PostgreSQL (or the one asked), each on a fresh database."""
    out: list[str] = []
    if only in (None, "sqlite"):
        out += [""] + run("SQLite", f"sqlite:///{work / 'bench.db'}", "")
    if only in (None, "postgresql"):
        pg = PgDatabase()
        try:
            out += [""] + run("PostgreSQL", pg.url, pg.name)
        finally:
            pg.drop()
    return out
