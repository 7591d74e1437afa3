"""The robustness tests' world: two teachers with every kind of record, personas, table snapshots."""
from __future__ import annotations

import itertools
import re
import secrets
from datetime import date, timedelta

from sqlalchemy import MetaData, delete, insert, select

from forms_app.core.db import engine_of, new_session, write_transaction

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str | bytes) -> str:
    """The CSRF token of the first form of a page."""
    if isinstance(html, bytes):
        html = html.decode()
    found = CSRF_RE.search(html)
    assert found, "pas de jeton CSRF dans la page"
    return found.group(1)


SPEC = "specifique-2027"
SESSION_COOKIE = "carriere_session"
TEACHER_PASSWORD = "une phrase assez longue pour la salle 12"
GESTIONNAIRE_PASSWORD = "le registre des mutations reste ouvert"
_numbers = itertools.count(1)

# Rows that legitimately change on a refused post (see docs/robustness.md):
# the session row (last activity, CSRF token, login steps), the login throttle counters,
# and the audit of failed logins.
VOLATILE_TABLES = {"user_sessions", "login_throttle", "alembic_version"}
VOLATILE_AUDIT_ACTIONS = {"connexion_echec"}


class TableState:
    """Every row of every table: a comparable snapshot, and a restore after an accepted post."""

    def __init__(self, app) -> None:
        self.engine = engine_of(app)
        self.meta = MetaData()
        self.meta.reflect(self.engine)
        self.tables = [t for t in self.meta.sorted_tables if t.name != "alembic_version"]

    def dump(self) -> dict[str, list[tuple]]:
        with self.engine.connect() as conn:
            return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns or t.c))]
                    for t in self.tables}

    def stored(self, dump: dict[str, list[tuple]] | None = None) -> dict[str, list[tuple]]:
        """What a refused post must leave untouched: the dump without the volatile rows."""
        dump = dump if dump is not None else self.dump()
        kept = {name: rows for name, rows in dump.items() if name not in VOLATILE_TABLES}
        audit = self.meta.tables["audit_log"]
        action = list(audit.c.keys()).index("action")
        kept["audit_log"] = [r for r in dump["audit_log"] if r[action] not in VOLATILE_AUDIT_ACTIONS]
        return kept

    def restore(self, dump: dict[str, list[tuple]]) -> None:
        with self.engine.begin() as conn:
            for table in reversed(self.tables):
                conn.execute(delete(table))
            for table in self.tables:
                rows = dump[table.name]
                if rows:
                    keys = list(table.c.keys())
                    conn.execute(insert(table), [dict(zip(keys, r)) for r in rows])


def teacher_records(app, agent, account) -> dict[str, int]:
    """A CV entry pair, a message each way, a starred demande with its lettre, 3 vœux and a pièce."""
    from forms_app.courrier.messages import send_message
    from forms_app.cv.models import CvEntry
    from forms_app.mobilite.models import CorrectionBareme, Demande, Lettre, PieceJointe, Voeu

    moment = app.config["CLOCK"]()
    db = new_session(app)
    with write_transaction(db):
        entries = [CvEntry(agent_id=agent.id, rubrique="diplomes", rank=rank, intitule=f"Diplôme {rank}",
                           organisme="", niveau="", precisions="", updated_at=moment) for rank in (1, 2)]
        db.add_all(entries)
        to_her = send_message(db, to_account_id=account.id, sender_account_id=None,
                              subject="Votre dossier", body="Réponse de la DPE.")
        from_her = send_message(db, to_role="gestionnaire", sender_account_id=account.id,
                                subject="Question", body="Ma question.", kind="signalement", rubrique="enfants")
        demande = Demande(agent_id=agent.id, campagne=SPEC, mouvement="OCCITAN", discipline="L1000",
                          preference="", voeux_version=0, created_at=moment, updated_at=moment)
        db.add(demande)
        db.flush()
        voeux = [Voeu(demande_id=demande.id, rank=rank, type="ETB", code=code, libelle=code, poste="",
                      created_at=moment)
                 for rank, code in enumerate(("0030226E", "0030484K", "0030598J"), start=1)]
        piece = PieceJointe(demande_id=demande.id, kind="rapport_inspection", filename="rapport.pdf", size=5,
                            pages=1, sha256="0" * 64, data=b"%PDF-", created_at=moment)
        correction = CorrectionBareme(demande_id=demande.id, element="echelon", texte="Mon échelon est faux.",
                                      etat="envoyee", reponse="", created_at=moment)
        db.add_all([*voeux, piece, correction, Lettre(demande_id=demande.id, texte="Ma lettre.", brouillon="",
                                                      enregistree_at=moment)])
        db.flush()
        ids = {"agent_id": agent.id, "account_id": account.id, "entry_id": entries[1].id,
               "message_id": to_her.id, "sent_message_id": from_her.id, "demande_id": demande.id,
               "voeu_id": voeux[1].id, "piece_id": piece.id, "correction_id": correction.id, "version": 0}
    db.close()
    return ids


def add_teacher(app, *, prenom: str, nom: str, first_login: bool = False, totp: bool = False) -> dict:
    """A teacher's dossier and account; returns her identifiant and password (the NUMEN at first login)."""
    import pyotp

    from forms_app.comptes.identifiants import base_identifiant, next_identifiant
    from forms_app.comptes.models import Account
    from forms_app.dossier.models import Agent

    moment = app.config["CLOCK"]()
    numen = f"{next(_numbers):02d}T{secrets.randbelow(10**7):07d}PES"
    password = numen if first_login else TEACHER_PASSWORD
    db = new_session(app)
    with write_transaction(db):
        agent = Agent(numen=numen, civilite="Mme", nom=nom, prenom=prenom, date_naissance=date(1984, 3, 2),
                      corps="professeur certifié", grade="classe normale", echelon=7,
                      echelon_depuis=date(2024, 6, 1), discipline="L1300", position="en activité",
                      modalite_service="temps complet", affectation_uai="", affectation_depuis=date(2021, 9, 1),
                      adresse="2 place de Jaude", code_postal="63000", commune="Clermont-Ferrand",
                      mail_pro=f"{numen.lower()}@ac-montferrand.example", mail_perso="", telephone="",
                      portable="", situation_familiale="Célibataire", enfants=0, created_at=moment,
                      updated_at=moment)
        db.add(agent)
        db.flush()
        taken = set(db.scalars(select(Account.identifiant)).all())
        account = Account(identifiant=next_identifiant(base_identifiant(prenom, nom), taken), role="enseignant",
                          agent_id=agent.id, display_name="",
                          password_hash=app.extensions["carriere_hasher"].hash(password),
                          must_change_password=first_login,
                          first_secret_expires_at=moment + timedelta(days=60) if first_login else None,
                          totp_secret=pyotp.random_base32() if totp else None, totp_enabled=totp,
                          created_at=moment)
        db.add(account)
        db.flush()
        found = {"agent": agent, "account": account, "identifiant": account.identifiant, "password": password}
    db.close()
    return found


def add_gestionnaire(app) -> dict:
    """A gestionnaire with TOTP enrolled; totp_secret to compute her codes."""
    import pyotp

    from forms_app.comptes.models import Account

    secret = pyotp.random_base32()
    db = new_session(app)
    with write_transaction(db):
        taken = set(db.scalars(select(Account.identifiant)).all())
        identifiant = "gestion" + str(len(taken))
        db.add(Account(identifiant=identifiant, role="gestionnaire", agent_id=None, display_name="Claire Gestion",
                       password_hash=app.extensions["carriere_hasher"].hash(GESTIONNAIRE_PASSWORD),
                       must_change_password=False, totp_secret=secret, totp_enabled=True,
                       created_at=app.config["CLOCK"]()))
    db.close()
    return {"identifiant": identifiant, "password": GESTIONNAIRE_PASSWORD, "totp_secret": secret}


def post_with_token(client, url: str, data: dict, page: str | None = None):
    token = csrf_from(client.get(page or url).data)
    return client.post(url, data={**data, "csrf_token": token})


def log_in(app, identifiant: str, password: str, totp_secret: str | None = None):
    """A test client after the login form (and the code step when asked): (client, last response)."""
    import pyotp

    client = app.test_client()
    response = post_with_token(client, "/connexion", {"identifiant": identifiant, "password": password})
    if totp_secret and response.headers.get("Location", "").endswith("/connexion/code"):
        response = post_with_token(client, "/connexion/code", {"code": pyotp.TOTP(totp_secret).at(app.config["CLOCK"]())})
    return client, response


def persona(app, name: str, world: dict) -> dict:
    """Cookie, CSRF token and password of who posts: enseignant, visiteur, premier, code, gestionnaire."""
    if name == "enseignant":
        return {"cookie": world["cookie"], "csrf": world["csrf"], "password": world["password"]}
    if name == "visiteur":
        client = app.test_client()
        token = csrf_from(client.get("/connexion").data)
        return {"cookie": client.get_cookie(SESSION_COOKIE).value, "csrf": token, "password": world["password"]}
    if name == "premier":
        teacher = add_teacher(app, prenom="Camille", nom="Nouvel", first_login=True)
        client, response = log_in(app, teacher["identifiant"], teacher["password"])
        page = "/compte/mot-de-passe"
    elif name == "code":
        teacher = add_teacher(app, prenom="Denise", nom="Code", totp=True)
        client, response = log_in(app, teacher["identifiant"], teacher["password"])
        page = "/connexion/code"
    else:
        teacher = add_gestionnaire(app)
        client, response = log_in(app, teacher["identifiant"], teacher["password"], teacher["totp_secret"])
        page = "/compte"
    assert response.status_code == 302, response.get_data(as_text=True)
    return {"cookie": client.get_cookie(SESSION_COOKIE).value, "csrf": csrf_from(client.get(page).data),
            "password": teacher["password"]}


def add_simulation(app) -> int:
    """A finished simulation of the spécifique campaign's THEA movement (the gestionnaires'; teachers are
    refused): created and run as « Lancer la simulation » does."""
    from forms_app.affectation.simulation import creer, executer

    with app.app_context():
        db = new_session(app)
        with write_transaction(db):
            simulation_id = creer(db, app.extensions["carriere_site"]().campaign(SPEC), "THEA", "", None).id
        db.close()
    executer(app, simulation_id)
    return simulation_id


def build_world(app) -> dict:
    """Two teachers with every kind of record; the first one is logged in (her session cookie)."""
    app.config["THROTTLE_ACCOUNT"] = (10**6, 5, 300)  # these tests are about input, not delays
    app.config["THROTTLE_ADDRESS"] = (10**6, 5, 900)
    mine = add_teacher(app, prenom="Aline", nom="Martin")
    hers = add_teacher(app, prenom="Bérénice", nom="Rivalière")
    own = teacher_records(app, mine["agent"], mine["account"])
    other = teacher_records(app, hers["agent"], hers["account"])
    own["simulation_id"] = other["simulation_id"] = add_simulation(app)
    client, response = log_in(app, mine["identifiant"], mine["password"])
    assert response.status_code == 302
    return {"own": own, "other": other, "identifiant": mine["identifiant"], "password": mine["password"],
            "cookie": client.get_cookie(SESSION_COOKIE).value, "csrf": csrf_from(client.get("/compte").data)}
