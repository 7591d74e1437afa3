"""CPU per request of the hot routes, in one process, without HTTP: quick figures and profiles.

Run: .venv/bin/python bench/load_profile.py [--n 2000] [--profile liste|move|add|baseline]
Not the load bench (bench/load_bench.py measures through gunicorn and wrk); this one shows where a
request's CPU goes, so a change can be judged in seconds.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import load_setup  # noqa: E402

NOW = "2026-11-25T10:00:00+01:00"  # inside the saisie window of specifique-2027


def environ(method: str, path: str, cookie: str, body: bytes = b"") -> dict:
    return {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_COOKIE": f"{load_setup.COOKIE}={cookie}" if cookie else "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "https", "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }


def call(app, method: str, path: str, cookie: str, body: bytes = b"") -> tuple[str, bytes]:
    status = []
    chunks = app(environ(method, path, cookie, body), lambda s, h, e=None: status.append(s))
    data = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return status[0], data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CPU par requête des routes chaudes, sans HTTP.")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--profile", choices=("baseline", "liste", "move", "add"))
    parser.add_argument("--postgresql", action="store_true", help="une base neuve sur 127.0.0.1:5432 (confiance)")
    parser.add_argument("--sql", action="store_true",
                        help="montre les échanges avec la base d'une requête de chaque route")
    parser.add_argument("--sans-cache", action="store_true",
                        help="PAGE_CACHE_ENTRIES=0 : chaque lecture de la liste la rend de nouveau")
    args = parser.parse_args(argv)
    pg = None
    if args.postgresql:
        from load_server import PgDatabase

        pg = PgDatabase()
    try:
        return run(args, pg)
    finally:
        if pg is not None:
            pg.drop()


def run(args, pg) -> int:
    with tempfile.TemporaryDirectory(prefix="carriere-hot-") as tmp:
        url = pg.url if pg is not None else f"sqlite:///{tmp}/hot.db"
        (identifiant,) = load_setup.populate(url, 1)
        os.environ.update({"CARRIERE_DATABASE_URL": url, "CARRIERE_NOW": NOW, "CARRIERE_SECRET_KEY": "x" * 40})
        from forms_app import create_app

        app = create_app({"PAGE_CACHE_ENTRIES": 0} if args.sans_cache else None)
        app.add_url_rule("/bench-bonjour", "bench_bonjour", lambda: "ok")
        client = app.test_client()
        base = "https://127.0.0.1"
        text = client.get("/connexion", base_url=base).text
        csrf = load_setup.csrf_of(text)
        client.post("/connexion", base_url=base, data={"csrf_token": csrf, "identifiant": identifiant,
                                                        "password": load_setup.PASSWORD})
        camp = f"/mobilite/{load_setup.CAMPAGNE}"
        text = client.get(f"{camp}/ajouter?mouvement={load_setup.MOUVEMENT}&discipline={load_setup.DISCIPLINE}",
                          base_url=base).text
        csrf = load_setup.csrf_of(text)
        client.post(f"{camp}/ajouter", base_url=base, data={"csrf_token": csrf, "mouvement": load_setup.MOUVEMENT,
                                                             "discipline": load_setup.DISCIPLINE, "preference": ""})
        demande = int(re.search(r"/mobilite/demandes/(\d+)/", client.get(f"{camp}/", base_url=base).text).group(1))
        codes = load_setup.etb_codes(15)
        for version, code in enumerate(codes[:2]):
            client.post(f"/mobilite/demandes/{demande}/voeux/ajouter", base_url=base, data={
                "csrf_token": csrf, "version": str(version), "type": "ETB", "code": code, "poste": ""})
        cookie = client.get_cookie(load_setup.COOKIE, domain="127.0.0.1").value
        page = client.get(f"/mobilite/demandes/{demande}/", base_url=base).text
        voeux = [int(v) for v in dict.fromkeys(re.findall(r"/mobilite/voeux/(\d+)/supprimer", page))]
        state = {"version": int(load_setup.VERSION_RE.search(page).group(1) or 0), "flip": False, "code": 2}

        def baseline():
            return call(app, "GET", "/bench-bonjour", "")

        def liste():
            return call(app, "GET", f"/mobilite/demandes/{demande}/", cookie)

        def move():
            target = voeux[0] if state["flip"] else voeux[1]
            state["flip"] = not state["flip"]
            body = f"csrf_token={csrf}&version={state['version']}".encode()
            state["version"] += 1
            return call(app, "POST", f"/mobilite/voeux/{target}/monter", cookie, body)

        def add():
            code = codes[2 + state["code"] % 13]
            state["code"] += 1
            body = f"csrf_token={csrf}&version={state['version']}&type=ETB&code={code}&poste=".encode()
            state["version"] += 1
            return call(app, "POST", f"/mobilite/demandes/{demande}/voeux/ajouter", cookie, body)

        def remove_last():
            # Not measured: takes the added vœu away, so the list stays at three and never fills up.
            from sqlalchemy import func, select

            from forms_app.core.db import new_session
            from forms_app.mobilite.models import Voeu

            db = new_session(app)
            last = db.scalar(select(func.max(Voeu.id)))
            db.close()
            body = f"csrf_token={csrf}&version={state['version']}".encode()
            state["version"] += 1
            status, _ = call(app, "POST", f"/mobilite/voeux/{last}/supprimer", cookie, body)
            assert status.startswith("30"), status

        def timed_adds(n: int, profile: cProfile.Profile | None = None) -> float:
            spent = 0.0
            for _ in range(n):
                start = time.process_time()
                if profile:
                    profile.enable()
                status, body = add()
                if profile:
                    profile.disable()
                spent += time.process_time() - start
                assert status.startswith("30"), (status, body[-500:])
                remove_last()
            return spent / n * 1000

        routes = {"baseline": baseline, "liste": liste, "move": move}
        for name, fn in routes.items():
            status, _ = fn()
            assert status[:3] in ("200", "303", "302"), (name, status)
        if args.sql:
            show_statements(app, {"liste": liste, "liste (gardée)": liste, "move": move, "add": add})
            remove_last()
        figures = {}
        for name, fn in routes.items():
            for _ in range(50):
                fn()
            start = time.process_time()
            for _ in range(args.n):
                fn()
            figures[name] = (time.process_time() - start) / args.n * 1000
        timed_adds(20)
        figures["add"] = timed_adds(min(args.n, 1000))
        for name, ms in figures.items():
            print(f"{name:<9} {ms:6.3f} ms CPU/req  ({figures['baseline'] / ms * 100:5.1f} % de la référence)")
        if args.profile:
            prof = cProfile.Profile(time.process_time) if os.environ.get("CPU") else cProfile.Profile()
            if args.profile == "add":
                timed_adds(min(args.n, 500), prof)
            else:
                prof.enable()
                for _ in range(min(args.n, 500)):
                    routes[args.profile]()
                prof.disable()
            pstats.Stats(prof).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("TOP", "60")))
    return 0


def show_statements(app, routes: dict) -> None:
    """Print what one request of each route sends to the database: pool check-outs (and their ping),
    transactions and statements; each is at least one round trip on PostgreSQL."""
    from sqlalchemy import event

    from forms_app.core.db import engine_of

    engine = engine_of(app)
    seen: list[str] = []
    hooks = {
        "checkout": (engine.pool, lambda *a: seen.append("check-out")),
        "begin": (engine, lambda conn: seen.append("BEGIN")),
        "commit": (engine, lambda conn: seen.append("COMMIT")),
        "rollback": (engine, lambda conn: seen.append("ROLLBACK")),
        "before_cursor_execute": (engine, lambda conn, cur, sql, *a: seen.append(" ".join(sql.split())[:110])),
    }
    traced: list = []
    if engine.dialect.name == "postgresql":
        # libpq's own trace: what really goes over the wire (autocommit sends no BEGIN, an idle
        # rollback sends nothing); each Query or Sync message waits for the server's answer.
        trace_file = tempfile.TemporaryFile("w+")

        def trace(dbapi_connection, *_a):
            dbapi_connection.pgconn.trace(trace_file.fileno())
            traced.append(dbapi_connection)

        hooks["checkout"] = (engine.pool, lambda *a: (seen.append("check-out"), trace(*a)))
    for name, (target, fn) in hooks.items():
        event.listen(target, name, fn)
    try:
        for route, fn in routes.items():
            seen.clear()
            if traced:
                trace_file.seek(0)
                trace_file.truncate()
            fn()
            trips = ""
            if traced:
                trace_file.seek(0)
                wire = [line.split("\t") for line in trace_file.read().splitlines()]
                sent = [w[3] if w[1] == "F" else w[2] for w in wire if len(w) > 2 and "F" in w[1:3]]
                trips = f", {sum(1 for m in sent if m.startswith(('Query', 'Sync')))} allers-retours réseau"
            print(f"-- {route}: {len(seen)} échanges{trips}")
            for line in seen:
                print("   ", line)
    finally:
        for connection in traced:
            if not connection.closed:
                connection.pgconn.untrace()
        for name, (target, fn) in hooks.items():
            event.remove(target, name, fn)


if __name__ == "__main__":
    sys.exit(main())
