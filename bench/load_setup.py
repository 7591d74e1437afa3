"""Load bench preparation: a fresh database, demo teachers, their sessions, demandes and vœux."""
from __future__ import annotations

import csv
import http.client
import io
import random
import re
import string
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CAMPAGNE = "specifique-2027"
MOUVEMENT, DISCIPLINE = "OCCITAN", "L1300"  # no lettre de motivation: vœux straight away
PASSWORD = "banc-de-charge-montferrand-2026"
COOKIE = "carriere_session"
HEADER = ("numen;civilite;nom;prenom;date_naissance;corps;grade;echelon;echelon_depuis;discipline;position;"
          "modalite_service;affectation_uai;affectation_depuis;adresse;code_postal;commune;mail_pro;mail_perso;"
          "telephone;portable;situation_familiale;enfants")
# The COPY the PostgreSQL benches write their agents with (gestion, affectation, promotions): one row per
# agent, these columns in this order.
COPY_AGENTS = ("COPY agents (id, numen, civilite, nom, prenom, date_naissance, corps, grade, echelon, echelon_depuis, "
               "discipline, position, modalite_service, affectation_uai, affectation_depuis, adresse, code_postal, "
               "commune, mail_pro, mail_perso, telephone, portable, situation_familiale, enfants, created_at, "
               "updated_at) FROM STDIN")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


class SetupError(RuntimeError):
    """The app refused a preparation step: the bench stops and says which."""


@dataclass
class Teacher:
    identifiant: str
    cookie: str = ""
    csrf: str = ""
    demande: int = 0
    voeux: list[int] = field(default_factory=list)
    version: int = 0
    codes_libres: list[str] = field(default_factory=list)  # ETB codes not yet in the list


def _numen(rng: random.Random) -> str:
    return (f"{rng.randint(10, 99)}{rng.choice(string.ascii_uppercase)}{rng.randint(0, 9999999):07d}"
            + "".join(rng.choice(string.ascii_uppercase) for _ in range(3)))


def agents_csv(count: int, seed: int = 2027) -> bytes:
    """count teachers in the agents file format (docs/agents-csv.md), distinct names."""
    rng = random.Random(seed)
    out = io.StringIO()
    out.write(HEADER + "\n")
    seen: set[str] = set()
    for i in range(count):
        numen = _numen(rng)
        while numen in seen:
            numen = _numen(rng)
        seen.add(numen)
        nom = "Charge" + "".join(string.ascii_lowercase[int(d)] for d in f"{i:04d}")
        out.write(f"{numen};Madame;{nom};Lea;01/02/1980;professeur certifié;classe normale;6;;{DISCIPLINE};"
                  "en activité;temps complet" + ";" * 11 + "\n")
    return out.getvalue().encode("utf-8")


def etb_codes(limit: int) -> list[str]:
    """UAIs the app's referentiel knows (data/etablissements.csv)."""
    with (REPO / "data" / "etablissements.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return [row["uai"] for row in rows][:limit]


def populate(url: str, count: int) -> list[str]:
    """Migrate, import count teachers, give each the bench password; return their identifiants."""
    from argon2 import PasswordHasher, Type
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from forms_app.comptes.models import Account
    from forms_app.comptes.passwords import make_hasher
    from forms_app.core.clock import system_now
    from forms_app.core.config import DEFAULTS
    from forms_app.core.db import make_engine, write_transaction
    from forms_app.core.migrate import upgrade
    from forms_app.dossier.agents_import import parse_agents
    from forms_app.dossier.agents_store import apply_import, end_of_day

    engine = make_engine(url)
    try:
        upgrade(engine)
        parsed = parse_agents(agents_csv(count), "bench-agents.csv")
        if parsed.problems:
            raise SetupError("; ".join(parsed.problems[:3]))
        # The NUMEN hash is replaced below: a cheap one here saves minutes of Argon2.
        cheap = PasswordHasher(type=Type.ID, time_cost=1, memory_cost=8, parallelism=1)
        # The real parameters for the password the bench logs in with (one hash shared by all).
        real_hash = make_hasher(DEFAULTS["ARGON2_PARAMS"]).hash(PASSWORD)
        current = system_now()
        db = Session(engine, expire_on_commit=False)
        try:
            with write_transaction(db):
                outcome = apply_import(db, parsed.rows, expire_at=end_of_day(date.today() + timedelta(days=60)),
                                       now=current, hasher=cheap, source="bench")
            with write_transaction(db):
                db.execute(update(Account).where(Account.role == "enseignant").values(
                    password_hash=real_hash, must_change_password=False, password_changed_at=current))
        finally:
            db.close()
    finally:
        engine.dispose()
    return [created.identifiant for created in outcome.created]


class Client:
    """One keep-alive HTTP connection to 127.0.0.1 with one session cookie."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith(COOKIE + "="):
                self.cookie = value.split(";", 1)[0].split("=", 1)[1]
        return response.status, response.getheader("Location") or "", text

    def expect(self, method: str, path: str, form: dict | None, statuses: tuple[int, ...]) -> tuple[str, str]:
        status, location, text = self.request(method, path, form)
        if status not in statuses:
            raise SetupError(f"{method} {path} : réponse {status} (attendu {statuses})")
        return location, text

    def close(self) -> None:
        self.conn.close()


def csrf_of(text: str) -> str:
    match = CSRF_RE.search(text)
    if not match:
        raise SetupError("jeton CSRF introuvable dans la page")
    return match.group(1) or match.group(2)


def anonymous_login_form(port: int) -> tuple[str, str]:
    """A fresh anonymous session and its CSRF token, for one login POST."""
    client = Client(port)
    try:
        _loc, text = client.expect("GET", "/app/connexion", None, (200,))
        return client.cookie, csrf_of(text)
    finally:
        client.close()


def prepare_teacher(port: int, identifiant: str, codes: list[str]) -> Teacher:
    """Log in, create the demande, add two vœux; read back ids and version."""
    client = Client(port)
    try:
        _loc, text = client.expect("GET", "/app/connexion", None, (200,))
        form = {"csrf_token": csrf_of(text), "identifiant": identifiant, "password": PASSWORD}
        client.expect("POST", "/app/connexion", form, (302, 303))
        base = f"/app/mobilite/{CAMPAGNE}"
        _loc, text = client.expect("GET", f"{base}/ajouter?mouvement={MOUVEMENT}&discipline={DISCIPLINE}",
                                   None, (200,))
        csrf = csrf_of(text)
        client.expect("POST", f"{base}/ajouter", {"csrf_token": csrf, "mouvement": MOUVEMENT,
                                                   "discipline": DISCIPLINE, "preference": ""}, (302, 303))
        _loc, text = client.expect("GET", f"{base}/", None, (200,))
        found = re.search(r"/app/mobilite/demandes/(\d+)/", text)
        if not found:
            raise SetupError(f"{identifiant} : demande créée introuvable sur la page de la campagne")
        demande = int(found.group(1))
        for version, code in enumerate(codes[:2]):
            client.expect("POST", f"/app/mobilite/demandes/{demande}/voeux/ajouter",
                          {"csrf_token": csrf, "version": str(version), "type": "ETB", "code": code,
                           "poste": ""}, (302, 303))
        teacher = Teacher(identifiant, client.cookie, csrf, demande, codes_libres=codes[2:])
        read_list(client, teacher)
        return teacher
    finally:
        client.close()


def read_list(client: Client, teacher: Teacher) -> None:
    """The list as the server has it now: its version and its first two vœux in order."""
    client.cookie = teacher.cookie
    _loc, text = client.expect("GET", f"/app/mobilite/demandes/{teacher.demande}/", None, (200,))
    voeux = [int(v) for v in dict.fromkeys(re.findall(r"/app/mobilite/voeux/(\d+)/supprimer", text))]
    version_match = VERSION_RE.search(text)
    if len(voeux) < 2 or not version_match:
        raise SetupError(f"{teacher.identifiant} : liste de vœux inattendue ({len(voeux)} vœux)")
    teacher.voeux = voeux[:2]
    teacher.version = int(version_match.group(1) or version_match.group(2))


def refresh(port: int, teachers: list[Teacher], workers: int = 4) -> None:
    """Re-read every list before a write scenario: the previous one moved the versions on."""
    def one(teacher: Teacher) -> None:
        client = Client(port)
        try:
            read_list(client, teacher)
        finally:
            client.close()

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, teachers))


def prepare_all(port: int, identifiants: list[str], codes: list[str], workers: int = 4) -> list[Teacher]:
    """Every teacher logged in with a demande and two vœux (a few at a time: Argon2 is slow)."""
    rng = random.Random(5)
    lock = threading.Lock()

    def one(identifiant: str) -> Teacher:
        with lock:
            mine = rng.sample(codes, len(codes))
        return prepare_teacher(port, identifiant, mine)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, identifiants))


def login_forms(port: int, count: int, workers: int = 4) -> list[tuple[str, str]]:
    """count anonymous sessions with their CSRF token: one per login POST of the bench."""
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda _i: anonymous_login_form(port), range(count)))
