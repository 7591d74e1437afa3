"""`carriere` subcommands of the forms app: db upgrade, agents import, demo, demo-totp."""
from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from .core.config import DEFAULTS, REPO_ROOT

DEMO_GESTIONNAIRE = "gestion"
DEMO_GESTIONNAIRE_PASSWORD = "demonstration-gestion-montferrand"
DEMO_CAMPAIGN = "specifique-2027"
DEMO_TEACHERS_SHOWN = 5


def database_url(default_name: str = "carriere.db") -> str:
    """CARRIERE_DATABASE_URL, or a SQLite file under instance/."""
    url = os.environ.get("CARRIERE_DATABASE_URL", "").strip()
    if url:
        return url
    instance = REPO_ROOT / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance / default_name}"


def _engine(url: str):
    from .core.db import make_engine

    return make_engine(url)


def _describe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _migrated(engine) -> bool:
    from alembic.script import ScriptDirectory

    from .core.migrate import alembic_config, current_revision

    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    return current_revision(engine) in heads


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Create or migrate the schema."""
    from .core.migrate import current_revision, upgrade

    url = database_url()
    engine = _engine(url)
    try:
        upgrade(engine)
        print(f"base de données à jour ({current_revision(engine)}) : {_describe(url)}")
    except Exception as exc:  # connection refused, permissions…: say it without a traceback
        print(f"migration impossible sur {_describe(url)} : {exc.__class__.__name__}: {exc}", file=sys.stderr)
        print("vérifiez CARRIERE_DATABASE_URL et que le serveur de base de données répond.", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def _expire_date(text: str) -> date:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"date JJ/MM/AAAA attendue, par exemple 31/01/2027 (lu : {text})") from None


def import_file(path: Path, url: str, expire: date | None, *, out=None, err=None) -> tuple[int, object]:
    """Check then import an agents CSV; return (exit code, outcome or None)."""
    out = out or sys.stdout
    err = err or sys.stderr
    from .comptes.passwords import make_hasher
    from .core.clock import system_now
    from .core.db import write_transaction
    from .dossier.agents_import import parse_agents
    from .dossier.agents_store import apply_import, end_of_day

    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{path} : lecture impossible ({exc.strerror}) : vérifiez le chemin du fichier.", file=err)
        return 1, None
    result = parse_agents(data, str(path))
    if result.problems:
        for problem in result.problems:
            print(problem, file=err)
        count = len(result.problems)
        print(f"{count} erreur{'s' if count > 1 else ''} : rien n'a été importé. Corrigez le fichier puis relancez "
              "l'import.", file=err)
        return 1, None
    current = system_now()
    expire_day = expire or (current.date() + timedelta(days=DEFAULTS["FIRST_SECRET_DAYS"]))
    if expire_day < current.date():
        print(f"--expire {expire_day:%d/%m/%Y} : cette date est passée : choisissez une date à venir.", file=err)
        return 1, None
    engine = _engine(url)
    try:
        if not _migrated(engine):
            print(f"la base {_describe(url)} n'est pas à jour : lancez d'abord « carriere db upgrade ».", file=err)
            return 1, None
        from sqlalchemy.orm import Session

        db = Session(engine, expire_on_commit=False)
        try:
            with write_transaction(db):
                outcome = apply_import(
                    db, result.rows, expire_at=end_of_day(expire_day), now=current,
                    hasher=make_hasher(DEFAULTS["ARGON2_PARAMS"]), source=str(path),
                )
        finally:
            db.close()
    finally:
        engine.dispose()
    if outcome.created:
        print(f"Identifiants créés (premier mot de passe : le NUMEN, valable jusqu'au {expire_day:%d/%m/%Y} "
              "inclus, une seule fois) :", file=out)
        width = max(len(c.identifiant) for c in outcome.created)
        for created in outcome.created:
            print(f"  {created.identifiant.ljust(width)}  {created.nom_complet}", file=out)
    print(
        f"{len(result.rows)} agent{'s' if len(result.rows) > 1 else ''} lu{'s' if len(result.rows) > 1 else ''} : "
        f"{len(outcome.created)} créé{'s' if len(outcome.created) > 1 else ''}, "
        f"{outcome.updated} mis à jour, {outcome.unchanged} inchangé{'s' if outcome.unchanged > 1 else ''}"
        + (f", {outcome.reactivated} mot{'s' if outcome.reactivated > 1 else ''} de passe initia"
           f"{'ux' if outcome.reactivated > 1 else 'l'} réactivé{'s' if outcome.reactivated > 1 else ''}"
           if outcome.reactivated else "") + ".",
        file=out,
    )
    return 0, outcome


def cmd_agents_import(args: argparse.Namespace) -> int:
    code, _ = import_file(args.file, database_url(), args.expire)
    return code


def cmd_gestionnaire_add(args: argparse.Namespace) -> int:
    """Create a gestionnaire account with a one-time first password."""
    import secrets

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from .comptes.identifiants import base_identifiant, next_identifiant
    from .comptes.models import Account
    from .comptes.passwords import make_hasher
    from .core import audit
    from .core.clock import system_now
    from .core.db import write_transaction
    from .dossier.agents_store import end_of_day

    url = database_url()
    prenom, nom = args.prenom.strip(), args.nom.strip()
    base = base_identifiant(prenom, nom)
    if not base or not nom:
        print("--prenom et --nom doivent contenir des lettres : l'identifiant en est formé.", file=sys.stderr)
        return 1
    engine = _engine(url)
    try:
        if not _migrated(engine):
            print(f"la base {_describe(url)} n'est pas à jour : lancez d'abord « carriere db upgrade ».", file=sys.stderr)
            return 1
        current = system_now()
        first = "-".join(secrets.token_hex(3) for _ in range(4))
        expire_day = current.date() + timedelta(days=args.jours)
        with Session(engine, expire_on_commit=False) as db, write_transaction(db):
            identifiant = next_identifiant(base, set(db.scalars(select(Account.identifiant)).all()))
            account = Account(
                identifiant=identifiant, role="gestionnaire", agent_id=None, display_name=f"{prenom} {nom}",
                password_hash=make_hasher(DEFAULTS["ARGON2_PARAMS"]).hash(first), must_change_password=True,
                first_secret_expires_at=end_of_day(expire_day), totp_enabled=False, created_at=current,
            )
            db.add(account)
            db.flush()
            audit.record(db, actor_id=None, action="compte_cree", target=f"compte:{identifiant}",
                         after={"role": "gestionnaire", "nom": f"{prenom} {nom}"})
    finally:
        engine.dispose()
    print(f"Compte gestionnaire créé : {identifiant} ({prenom} {nom})")
    print(f"Premier mot de passe (une seule fois, jusqu'au {expire_day:%d/%m/%Y} inclus) : {first}")
    print("À la première connexion : choix du mot de passe, puis activation de la double authentification.")
    return 0


# --- demo ------------------------------------------------------------------------------------


def _demo_now(root: Path) -> datetime | None:
    """A moment inside the demo campaign's saisie window: real now if inside, else its start + 1 day."""
    from generator.load import load_site

    from .core.clock import parse_fixed_now, system_now

    if os.environ.get("CARRIERE_NOW", "").strip():
        return parse_fixed_now(os.environ["CARRIERE_NOW"])
    site, _report = load_site(str(root))
    campaign = site.campaign(DEMO_CAMPAIGN) if site is not None else None
    saisie = campaign.saisie if campaign is not None else None
    if saisie is None:
        return None
    current = system_now()
    if saisie.is_open_at(current):
        return None
    return saisie.start + timedelta(days=1)


def _build(root: Path) -> Path:
    out = root / "build" / "site"
    try:
        from generator.build import build_site
        from generator.load import load_site
    except ImportError:
        print("construction du site non disponible dans cette installation : seule l'application sera servie.")
        return out
    site, report = load_site(str(root))
    if site is None:
        for line in report.lines(dedupe=True):
            print(line)
        print("le contenu a des erreurs : le site n'est pas reconstruit (« carriere check » pour le détail).")
        return out
    result = build_site(site, out, jobs=os.cpu_count() or 1)
    summary = getattr(result, "summary", None)
    print(summary() if callable(summary) else f"site construit dans {out}")
    return out


def _ensure_gestionnaire(app) -> tuple[str, bool]:
    """Create the demo gestionnaire once; return its TOTP secret and whether it was created."""
    from sqlalchemy import select

    from .comptes import totp
    from .comptes.models import Account
    from .core import audit
    from .core.clock import security_now
    from .core.db import new_session, write_transaction

    db = new_session(app)
    try:
        account = db.scalar(select(Account).where(Account.identifiant == DEMO_GESTIONNAIRE))
        if account is not None and account.totp_secret:
            return account.totp_secret, False
        secret = totp.new_secret()
        with write_transaction(db):
            account = Account(
                identifiant=DEMO_GESTIONNAIRE, role="gestionnaire", agent_id=None,
                display_name="Gestionnaire de démonstration",
                password_hash=app.extensions["carriere_hasher"].hash(DEMO_GESTIONNAIRE_PASSWORD),
                must_change_password=False, totp_secret=secret, totp_enabled=True, created_at=security_now(),
            )
            db.add(account)
            db.flush()
            audit.record(db, actor_id=None, action="compte_cree", target=f"compte:{DEMO_GESTIONNAIRE}",
                         after={"role": "gestionnaire", "demo": True})
        return secret, True
    finally:
        db.close()


def _teachers_table(app) -> list[tuple[str, str, str]]:
    from sqlalchemy import select

    from .comptes.models import Account
    from .core.db import new_session
    from .dossier.models import Agent

    db = new_session(app)
    try:
        rows = db.execute(
            select(Account.identifiant, Agent.prenom, Agent.nom, Agent.numen, Account.must_change_password)
            .join(Agent, Account.agent_id == Agent.id).order_by(Account.id).limit(DEMO_TEACHERS_SHOWN)
        ).all()
    finally:
        db.close()
    return [(r[0], f"{r[1]} {r[2]}", r[3] if r[4] else "(déjà changé)") for r in rows]


def cmd_demo(args: argparse.Namespace) -> int:
    """Build, migrate, import, create the gestionnaire, print the accounts, serve on 127.0.0.1."""
    root = Path(args.root).resolve()
    os.environ.setdefault("CARRIERE_DATABASE_URL", database_url("demo.db"))
    os.environ["CARRIERE_ROOT"] = str(root)
    os.environ.setdefault("CARRIERE_DEV", "1")  # plain http on 127.0.0.1: cookies without Secure
    url = os.environ["CARRIERE_DATABASE_URL"]
    if args.reset and url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
    site_dir = _build(root)
    if cmd_db_upgrade(args) != 0:
        return 1
    code, _ = import_file(root / "data" / "agents-demo.csv", url, None)
    if code != 0:
        return code
    fixed = _demo_now(root)
    if fixed is not None:
        os.environ["CARRIERE_NOW"] = fixed.isoformat()
    from . import create_app
    from .comptes.totp import grouped

    app = create_app()
    secret, _created = _ensure_gestionnaire(app)
    base = f"http://127.0.0.1:{args.port}"
    print()
    print(f"Portail carrière de démonstration : {base}/  (application : {base}/app/)")
    if fixed is not None:
        print(f"Horloge de démonstration : {fixed:%d/%m/%Y %H:%M} (fenêtre de saisie de « {DEMO_CAMPAIGN} » ouverte)")
    print("\nEnseignants (premier mot de passe = NUMEN, à changer à la première connexion) :")
    for identifiant, name, first in _teachers_table(app):
        print(f"  {identifiant:<12} {name:<28} {first}")
    print("\nGestionnaire (double authentification obligatoire) :")
    print(f"  identifiant : {DEMO_GESTIONNAIRE}")
    print(f"  mot de passe : {DEMO_GESTIONNAIRE_PASSWORD}")
    print(f"  clé TOTP : {grouped(secret)}  (code du moment : carriere demo-totp)")
    if args.no_serve:
        return 0
    return _serve(app, site_dir, args.port)


def _serve(app, site_dir: Path, port: int) -> int:
    from werkzeug.serving import run_simple

    from .wsgi import combine

    print(f"\nArrêt : Ctrl-C. Serveur sur 127.0.0.1:{port}.")
    try:
        run_simple("127.0.0.1", port, combine(site_dir, app), threaded=True, use_reloader=False)
    except OSError as exc:
        print(f"port {port} indisponible ({exc.strerror}) : relancez avec --port N (make demo PORT=N).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    print("serveur arrêté.")
    return 0


def cmd_demo_totp(args: argparse.Namespace) -> int:
    """Print the demo gestionnaire's current TOTP code."""
    import pyotp
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from .comptes.models import Account

    url = os.environ.get("CARRIERE_DATABASE_URL", "").strip() or database_url("demo.db")
    engine = _engine(url)
    try:
        with Session(engine) as db:
            secret = db.scalar(select(Account.totp_secret).where(Account.identifiant == DEMO_GESTIONNAIRE))
    except Exception:
        secret = None
    finally:
        engine.dispose()
    if not secret:
        print("pas de gestionnaire de démonstration : lancez d'abord « carriere demo ».", file=sys.stderr)
        return 1
    print(pyotp.TOTP(secret).now())
    return 0


def register_commands(subparsers) -> None:
    """Add the app's subcommands to `carriere`."""
    db = subparsers.add_parser("db", help="base de données de l'application",
                               description="Gérer la base de données de l'application (CARRIERE_DATABASE_URL, "
                                           "par défaut instance/carriere.db).")
    db_sub = db.add_subparsers(title="commandes", metavar="COMMANDE")
    up = db_sub.add_parser("upgrade", help="créer ou migrer le schéma",
                           description="Crée la base si besoin et applique les migrations manquantes.")
    up.set_defaults(func=cmd_db_upgrade)
    db.set_defaults(func=lambda args: (db.print_help(), 2)[1])

    agents = subparsers.add_parser("agents", help="dossiers des agents",
                                   description="Importer les dossiers des agents.")
    agents_sub = agents.add_subparsers(title="commandes", metavar="COMMANDE")
    imp = agents_sub.add_parser(
        "import", help="importer un fichier CSV d'agents",
        description="Vérifie tout le fichier (UTF-8, séparateur « ; », voir docs/agents-csv.md) puis crée ou met à "
                    "jour chaque agent et son compte. Rien n'est importé si une ligne est fausse.",
    )
    imp.add_argument("file", metavar="FICHIER", type=Path, help="fichier CSV des agents")
    imp.add_argument("--expire", metavar="JJ/MM/AAAA", type=_expire_date, default=None,
                     help="dernier jour de validité du premier mot de passe (par défaut : dans 60 jours)")
    imp.set_defaults(func=cmd_agents_import)
    agents.set_defaults(func=lambda args: (agents.print_help(), 2)[1])

    gest = subparsers.add_parser("gestionnaire", help="comptes des gestionnaires",
                                 description="Gérer les comptes des gestionnaires.")
    gest_sub = gest.add_subparsers(title="commandes", metavar="COMMANDE")
    add = gest_sub.add_parser(
        "ajouter", help="créer un compte de gestionnaire",
        description="Crée un compte de gestionnaire et affiche son premier mot de passe, valable une fois.",
    )
    add.add_argument("--prenom", required=True, help="prénom du gestionnaire")
    add.add_argument("--nom", required=True, help="nom du gestionnaire")
    add.add_argument("--jours", type=int, default=7, metavar="N",
                     help="validité du premier mot de passe en jours (par défaut : 7)")
    add.set_defaults(func=cmd_gestionnaire_add)
    gest.set_defaults(func=lambda args: (gest.print_help(), 2)[1])

    demo = subparsers.add_parser(
        "demo", help="démonstration complète sur 127.0.0.1",
        description="Construit le site, crée la base instance/demo.db, importe data/agents-demo.csv, crée un "
                    "gestionnaire, affiche les comptes puis sert le site (/) et l'application (/app).",
    )
    demo.add_argument("--root", metavar="DOSSIER", type=Path, default=REPO_ROOT,
                      help="dossier qui contient content/ et data/ (par défaut : le dépôt)")
    demo.add_argument("--port", metavar="N", type=int, default=8000, help="port d'écoute (par défaut : 8000)")
    demo.add_argument("--reset", action="store_true", help="repartir d'une base de démonstration vide")
    demo.add_argument("--no-serve", action="store_true", help="tout préparer sans lancer le serveur")
    demo.set_defaults(func=cmd_demo)

    code = subparsers.add_parser("demo-totp", help="code TOTP du moment du gestionnaire de démonstration",
                                 description="Affiche le code à 6 chiffres du gestionnaire de démonstration.")
    code.set_defaults(func=cmd_demo_totp)
    from .mobilite.confirmations import register as register_mobilite

    register_mobilite(subparsers)
