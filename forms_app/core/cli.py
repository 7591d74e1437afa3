"""`carriere db upgrade`, and what every command of the app needs: its database URL and engine."""
from __future__ import annotations

import argparse
import os
import sys

from .config import REPO_ROOT


def database_url(default_name: str = "carriere.db") -> str:
    """CARRIERE_DATABASE_URL, or a SQLite file under instance/."""
    url = os.environ.get("CARRIERE_DATABASE_URL", "").strip()
    if url:
        return url
    instance = REPO_ROOT / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance / default_name}"


def engine_for(url: str):
    """An engine for a command (closed by the caller with dispose())."""
    from .db import make_engine

    return make_engine(url)


def describe_url(url: str) -> str:
    """The URL to print: never its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def is_migrated(engine) -> bool:
    """Whether the database's schema is at the latest migration."""
    from alembic.script import ScriptDirectory

    from .migrate import alembic_config, current_revision

    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    return current_revision(engine) in heads


def unmigrated(engine, url: str, err=None) -> bool:
    """True, after saying what to run, when the database is not at the latest migration."""
    if is_migrated(engine):
        return False
    print(f"la base {describe_url(url)} n'est pas à jour : lancez d'abord « carriere db upgrade ».",
          file=err or sys.stderr)
    return True


def site_or_say():
    """The content as the app loaded it (inside an app context), or None after saying how to see its errors."""
    from .content import current_site

    site = current_site()
    if site is None:
        print("contenu invalide : lancez « carriere check » pour voir les erreurs", file=sys.stderr)
    return site


def campaign_or_say(slug: str):
    """A campaign of the content as the app loaded it (inside an app context), or None after saying which
    slugs exist (or how to see the content's errors)."""
    site = site_or_say()
    if site is None:
        return None
    campaign = site.campaign(slug)
    if campaign is None:
        known = ", ".join(c.slug for c in site.campaigns)
        print(f"campagne inconnue : {slug} (campagnes : {known})", file=sys.stderr)
    return campaign


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Create or migrate the schema."""
    from .migrate import current_revision, upgrade

    url = database_url()
    engine = engine_for(url)
    try:
        upgrade(engine)
        print(f"base de données à jour ({current_revision(engine)}) : {describe_url(url)}")
    except Exception as exc:  # connection refused, permissions…: say it without a traceback
        print(f"migration impossible sur {describe_url(url)} : {exc.__class__.__name__}: {exc}", file=sys.stderr)
        print("vérifiez CARRIERE_DATABASE_URL et que le serveur de base de données répond.", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def register(subparsers) -> None:
    """`carriere db upgrade`."""
    db = subparsers.add_parser("db", help="base de données de l'application",
                               description="Gérer la base de données de l'application (CARRIERE_DATABASE_URL, "
                                           "par défaut instance/carriere.db).")
    db_sub = db.add_subparsers(title="commandes", metavar="COMMANDE")
    up = db_sub.add_parser("upgrade", help="créer ou migrer le schéma",
                           description="Crée la base si besoin et applique les migrations manquantes.")
    up.set_defaults(func=cmd_db_upgrade)
    db.set_defaults(func=lambda args: (db.print_help(), 2)[1])
