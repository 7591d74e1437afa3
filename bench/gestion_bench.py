"""Bench of the gestionnaire's desk on PostgreSQL: 30,000 demandes × 15 vœux (intra-2027).

    .venv/bin/python bench/gestion_bench.py [--demandes 30000] [--voeux 15] [--pdfs 5000] [--clients 10]
                                            [--requetes 1500] [--duree 60]

1. A fresh database on 127.0.0.1:5432 (trust), migrated; agents, accounts, demandes, vœux, declared
   situations, decisions, verifications, corrections and lettres written with COPY; `--pdfs` pièces
   jointes of about 64 Ko (real PDFs); one gestionnaire with TOTP.
2. gunicorn -w 2 on 127.0.0.1 (clock fixed after the saisie); the gestionnaire logs in over HTTP.
3. The desk: `--clients` threads, each on its keep-alive connection, request filtered desk pages in turn
   (8 filter sets: mouvement and état, discipline, text, commune of origin and sort, corrections,
   pièces and page, lettre, vérifiées and page) until `--requetes` answers or `--duree` seconds; p50,
   p95, p99 of each answer's time (send to last byte).
4. The full CSV export over HTTP (`/export.csv`): time to the last byte, lines read back.
5. The XLSX export (`carriere mobilite export --format xlsx`) and the ZIP of every pièce jointe, each in
   a process of its own: time and peak memory (ru_maxrss of the child).
Targets (issue 11): desk p95 < 150 ms at 10 clients; CSV < 10 s; XLSX and ZIP peak memory < 200 Mo.
Only 127.0.0.1 is reached; everything is bounded in count and time; the database is dropped at the end.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load_server, load_setup  # noqa: E402
from bench.load_setup import Client, SetupError, csrf_of  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CAMPAGNE = "intra-2027"
NOW = "2027-04-20T10:00:00+02:00"  # after intra-2027's saisie: the desk's decisions are open
PASSWORD = "banc-du-bureau-des-mutations-2027"
FILTRES = [
    "?mouvement=GEN&etat=a_verifier",
    "?discipline=L1300",
    "?q=martin",
    "?origine=63113&tri=date-desc",
    "?corrections=en_attente",
    "?pieces=aucune&page=3",
    "?lettre=manquante",
    "?etat=verifiee&tri=nom-desc&page=2",
]
NOMS = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier"]
PRENOMS = ["Anne", "Bruno", "Chloé", "David", "Élise", "Fabien", "Gaëlle", "Hugo", "Inès", "Julien", "Karim",
           "Léa", "Marc", "Nadia", "Olivier", "Pauline"]


def pg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def a_pdf(size: int, rng: random.Random) -> bytes:
    """A real PDF of about `size` bytes: one page whose content stream holds a long comment."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    stream = DecodedStreamObject()
    stream.set_data(b"% " + bytes(rng.getrandbits(8) % 90 + 33 for _ in range(size)) + b"\n")
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def populate(url: str, demandes: int, voeux: int, pdfs: int) -> dict:
    """Write the mouvement with COPY; the gestionnaire's identifiant and TOTP secret."""
    import psycopg
    import pyotp

    from forms_app.comptes.passwords import make_hasher
    from forms_app.core.config import DEFAULTS
    from forms_app.core.db import make_engine
    from forms_app.core.migrate import upgrade
    from generator.load import load_site

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    site, _report = load_site(REPO)
    ref = site.referentiel
    campaign = site.campaign(CAMPAGNE)
    spea = next(m for m in campaign.mouvements if m.code == "SPEA")
    uais = sorted(ref.etablissements)
    pool = ([("ETB", u, ref.etablissements[u].nom) for u in uais]
            + [("COM", c.code, c.libelle) for c in ref.communes.values()]
            + [("GEO", g.code, g.libelle) for g in ref.groupements.values()]
            + [("DPT", d.code, d.libelle) for d in ref.departements.values() if d.academie == "06"]
            + [("ACA", "06", "Académie de Clermont-Ferrand")])
    departements = [d.code for d in ref.departements.values() if d.academie == "06"]
    rng = random.Random(2027)
    moment = datetime(2027, 3, 25, 10, 0, tzinfo=timezone.utc)
    hasher = make_hasher(DEFAULTS["ARGON2_PARAMS"])
    dummy = hasher.hash("compte-de-banc-sans-connexion")
    secret = pyotp.random_base32()
    started = time.monotonic()
    with psycopg.connect(pg_dsn(url)) as conn:
        with conn.cursor() as cur:
            with cur.copy(load_setup.COPY_AGENTS) as copy:
                for i in range(1, demandes + 1):
                    nom = f"{NOMS[i % len(NOMS)]}{'' if i <= len(NOMS) else i}"
                    copy.write_row((i, f"{i:07d}BANC{i % 97:02d}"[:13], "Madame" if i % 2 else "Monsieur", nom,
                                    PRENOMS[i % len(PRENOMS)], date(1980 + i % 20, 1 + i % 12, 1 + i % 28),
                                    "professeur certifié", "hors classe" if i % 5 == 0 else "classe normale",
                                    1 + i % 11, date(2024, 9, 1), "L1300" if i % 3 == 0 else "L1000",
                                    "en activité", "temps complet", uais[i % len(uais)],
                                    date(2010 + i % 15, 9, 1), "", "", "", "", "", "", "",
                                    "Marié" if i % 3 else "Célibataire", i % 4, moment, moment))
            with cur.copy("COPY accounts (id, identifiant, role, agent_id, display_name, password_hash, "
                          "must_change_password, totp_enabled, created_at) FROM STDIN") as copy:
                for i in range(1, demandes + 1):
                    copy.write_row((i, f"banc{i}", "enseignant", i, "", dummy, False, False, moment))
                copy.write_row((demandes + 1, "gestion", "gestionnaire", None, "Gestionnaire du banc",
                                hasher.hash(PASSWORD), False, True, moment))
            cur.execute("UPDATE accounts SET totp_secret = %s WHERE identifiant = 'gestion'", (secret,))
            with cur.copy("COPY demandes (id, agent_id, campagne, mouvement, discipline, preference, "
                          "voeux_version, revision, created_at, updated_at) FROM STDIN") as copy:
                for i in range(1, demandes + 1):
                    special = i % 10 == 0
                    copy.write_row((i, i, CAMPAGNE, "SPEA" if special else "GEN",
                                    spea.disciplines[i % len(spea.disciplines)] if special else "", "",
                                    voeux, 0, moment + timedelta(seconds=i), moment + timedelta(seconds=i)))
            with cur.copy("COPY voeux (demande_id, rank, type, code, type_etab, libelle, poste, created_at) "
                          "FROM STDIN") as copy:
                for i in range(1, demandes + 1):
                    for rank, (vtype, code, libelle) in enumerate(rng.sample(pool, voeux), start=1):
                        copy.write_row((i, rank, vtype, code, "", libelle[:300], "", moment))
            with cur.copy("COPY lettres (demande_id, texte, enregistree_at, brouillon) FROM STDIN") as copy:
                for i in range(10, demandes + 1, 20):  # half of the SPEA demandes
                    copy.write_row((i, "Lettre de motivation du banc.", moment, ""))
            with cur.copy("COPY bareme_situations (demande_id, cle, valeur, updated_at) FROM STDIN") as copy:
                for i in range(1, demandes + 1, 3):
                    copy.write_row((i, "departement_conjoint", departements[i % len(departements)], moment))
            with cur.copy("COPY bareme_decisions (demande_id, element, decision, points_centiemes, motif, "
                          "decided_by, decided_at) FROM STDIN") as copy:
                for i in range(1, demandes + 1, 5):
                    copy.write_row((i, "echelon", "verifie", None, "", demandes + 1, moment))
                    copy.write_row((i, "rapprochement_conjoints", "accorde", None, "Livret de famille",
                                    demandes + 1, moment))
            with cur.copy("COPY bareme_verifications (demande_id, verifie_par, verifie_at) FROM STDIN") as copy:
                for i in range(1, demandes + 1, 10):
                    copy.write_row((i, demandes + 1, moment))
            with cur.copy("COPY bareme_corrections (demande_id, element, texte, etat, reponse, created_at, "
                          "piece_filename, piece_size, piece_pages, piece_sha256) FROM STDIN") as copy:
                for i in range(7, demandes + 1, 20):
                    copy.write_row((i, "echelon", "Mon échelon est faux.", "envoyee", "", moment, "", 0, 0, ""))
            samples = [a_pdf(64 * 1024 - 700, rng) for _ in range(8)]
            with cur.copy("COPY pieces_jointes (demande_id, kind, filename, content_type, size, pages, sha256, "
                          "data, created_at) FROM STDIN") as copy:
                for n in range(pdfs):
                    data = samples[n % len(samples)]
                    copy.write_row((1 + n * max(1, demandes // max(pdfs, 1)) % demandes, "justificatif_familial",
                                    "justificatif.pdf", "application/pdf", len(data), 1, "0" * 64, data, moment))
            for table in ("agents", "accounts", "demandes"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
        with conn.cursor() as cur:
            cur.execute("ANALYZE")
        conn.commit()
    return {"secret": secret, "seconds": time.monotonic() - started}


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (those gone count 0)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def server_pids(server, database_name: str) -> list[int]:
    """The gunicorn workers and this database's PostgreSQL backends (the work of the app)."""
    import psycopg

    workers = subprocess.run(["ps", "--ppid", str(server.proc.pid), "-o", "pid="], capture_output=True,
                             text=True, check=False).stdout.split()
    with psycopg.connect(load_server.PG_ADMIN, autocommit=True) as conn:
        backends = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                               (database_name,))]
    return [int(p) for p in workers] + backends


def log_in(port: int, secret: str) -> str:
    """The gestionnaire's session cookie, after the password and the TOTP code."""
    import pyotp

    client = Client(port)
    try:
        _loc, text = client.expect("GET", "/app/connexion", None, (200,))
        location, _text = client.expect("POST", "/app/connexion", {"identifiant": "gestion", "password": PASSWORD,
                                                                  "csrf_token": csrf_of(text)}, (302,))
        _loc, text = client.expect("GET", "/app/connexion/code", None, (200,))
        client.expect("POST", "/app/connexion/code", {"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(text)},
                      (302,))
        client.expect("GET", f"/app/gestion/{CAMPAGNE}/", None, (200,))
        return client.cookie
    finally:
        client.close()


def desk_load(port: int, cookie: str, clients: int, requests: int, duration: float) -> dict:
    """clients threads request the filtered desk pages until `requests` answers or `duration` seconds."""
    import http.client

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    counter = iter(range(requests))

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": f"carriere_session={cookie}"}
        try:
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                path = f"/app/gestion/{CAMPAGNE}/{FILTRES[(n + index) % len(FILTRES)]}"
                start = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status] = statuses.get(response.status, 0) + 1
        finally:
            conn.close()

    for path in FILTRES:  # warm-up: each worker builds its templates and counts once
        for _ in range(2):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("GET", f"/app/gestion/{CAMPAGNE}/{path}", headers={"Cookie": f"carriere_session={cookie}"})
            c.getresponse().read()
            c.close()
    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return {"answers": len(ordered), "rate": len(ordered) / elapsed, "p50": pct(0.50), "p95": pct(0.95),
            "p99": pct(0.99), "mean": statistics.fmean(ordered) * 1000, "statuses": statuses}


def csv_over_http(port: int, cookie: str) -> dict:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    conn.request("GET", f"/app/gestion/{CAMPAGNE}/export.csv", headers={"Cookie": f"carriere_session={cookie}"})
    response = conn.getresponse()
    first = None
    size = lines = 0
    while block := response.read(65536):
        if first is None:
            first = time.perf_counter() - start
        size += len(block)
        lines += block.count(b"\n")
    elapsed = time.perf_counter() - start
    conn.close()
    return {"status": response.status, "seconds": elapsed, "first_byte": first or elapsed, "bytes": size,
            "lines": lines}


CHILD = r'''
import json, resource, sys, time, zipfile
sys.path.insert(0, {repo!r})
kind, out = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if kind == "xlsx":
    import argparse
    from pathlib import Path
    from forms_app.gestion.cli import cmd_export
    code = cmd_export(argparse.Namespace(campagne={campagne!r}, format="xlsx", out=Path(out)))
    count = None
else:
    from forms_app import create_app
    from forms_app.core.content import current_site
    from forms_app.core.db import engine_of
    from forms_app.gestion import exports
    app = create_app()
    with app.app_context(), engine_of(app).connect() as conn, open(out, "wb") as f:
        for block in exports.zip_stream(exports.pieces(conn, current_site().campaign({campagne!r}))):
            f.write(block)
    code = 0
    count = len(zipfile.ZipFile(out).namelist())
elapsed = time.perf_counter() - start
print(json.dumps({{"code": code, "seconds": elapsed, "count": count,
                  "peak_mo": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
'''


def in_child(kind: str, out: Path, env: dict) -> dict:
    script = CHILD.format(repo=str(REPO), campagne=CAMPAGNE)
    proc = subprocess.run([sys.executable, "-c", script, kind, str(out)], env=env, capture_output=True, text=True,
                          timeout=900, cwd=REPO)
    if proc.returncode != 0:
        raise SetupError(f"export {kind} : {proc.stderr[-1500:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["bytes"] = out.stat().st_size
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demandes", type=int, default=30_000)
    parser.add_argument("--voeux", type=int, default=15)
    parser.add_argument("--pdfs", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requetes", type=int, default=1_500, help="answers measured on the desk (bound)")
    parser.add_argument("--duree", type=float, default=60, help="seconds at most for the desk (bound)")
    args = parser.parse_args(argv)

    def body(work: Path) -> list[str]:
        out = [f"Banc du bureau des mutations : {args.demandes} demandes × {args.voeux} vœux, {args.pdfs} PDF, "
               f"PostgreSQL ({load_server.uptime()})"]
        database = load_server.PgDatabase()
        server = None
        try:
            filled = populate(database.url, args.demandes, args.voeux, args.pdfs)
            out.append(f"- données écrites (COPY) en {filled['seconds']:.0f} s")
            root = work / "root"
            for part in ("content", "data"):
                shutil.copytree(REPO / part, root / part)
            env = {**os.environ, "CARRIERE_DATABASE_URL": database.url, "CARRIERE_ROOT": str(root),
                   "CARRIERE_NOW": NOW, "CARRIERE_SECRET_KEY": secrets.token_urlsafe(32),
                   "CARRIERE_SITE_DIR": str(work / "no-site")}
            env.pop("CARRIERE_DEV", None)
            port = load_server.free_port()
            server = load_server.Server(port, env, work / "gunicorn-gestion.log")
            server.wait_ready()
            cookie = log_in(port, filled["secret"])
            pids = server_pids(server, database.name)
            before = cpu_seconds(pids)
            desk = desk_load(port, cookie, args.clients, args.requetes, args.duree)
            cpu = (cpu_seconds(pids) - before) * 1000 / max(desk["answers"], 1)
            out.append(f"- bureau filtré, {args.clients} clients : {desk['answers']} réponses, {desk['rate']:.0f}/s, "
                       f"p50 {desk['p50']:.1f} ms, p95 {desk['p95']:.1f} ms, p99 {desk['p99']:.1f} ms "
                       f"(statuts {desk['statuses']}) ; CPU {cpu:.1f} ms par réponse (workers et PostgreSQL) — "
                       f"objectif p95 < 150 ms : "
                       f"{'atteint' if desk['p95'] < 150 and set(desk['statuses']) == {200} else 'non atteint'}")
            pids = server_pids(server, database.name)
            before = cpu_seconds(pids)
            exported = csv_over_http(port, cookie)
            cpu = cpu_seconds(pids) - before
            out.append(f"- export CSV complet (HTTP) : {exported['seconds']:.1f} s, premier octet "
                       f"{exported['first_byte'] * 1000:.0f} ms, {exported['lines']} lignes, "
                       f"{exported['bytes'] / 1e6:.1f} Mo (statut {exported['status']}) ; CPU {cpu:.1f} s "
                       f"(worker et PostgreSQL) — objectif < 10 s : "
                       f"{'atteint' if exported['seconds'] < 10 and exported['status'] == 200 else 'non atteint'}")
            server.stop()
            server = None
            xlsx = in_child("xlsx", work / "export.xlsx", env)
            out.append(f"- export XLSX (commande) : {xlsx['seconds']:.0f} s, {xlsx['bytes'] / 1e6:.1f} Mo, "
                       f"mémoire maximale {xlsx['peak_mo']:.0f} Mo — objectif < 200 Mo : "
                       f"{'atteint' if xlsx['peak_mo'] < 200 and xlsx['code'] == 0 else 'non atteint'}")
            archive = in_child("zip", work / "pieces.zip", env)
            out.append(f"- ZIP des pièces : {archive['count']} PDF, {archive['seconds']:.1f} s, "
                       f"{archive['bytes'] / 1e6:.0f} Mo, mémoire maximale {archive['peak_mo']:.0f} Mo — "
                       f"objectif < 200 Mo : {'atteint' if archive['peak_mo'] < 200 else 'non atteint'}")
        finally:
            if server is not None:
                server.stop()
            database.drop()
        return out

    return load_server.guarded(body)


if __name__ == "__main__":
    sys.exit(main())
