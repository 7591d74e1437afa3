"""`carriere gestionnaire ajouter`: a gestionnaire's account with a one-time first password."""
from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from ..core.cli import database_url, engine_for, unmigrated
from ..core.config import DEFAULTS


def cmd_gestionnaire_add(args: argparse.Namespace) -> int:
    """Create a gestionnaire account with a one-time first password."""
    import secrets

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from ..core import audit
    from ..core.clock import system_now
    from ..core.db import write_transaction
    from ..dossier.agents_store import end_of_day
    from .identifiants import base_identifiant, next_identifiant
    from .models import Account
    from .passwords import make_hasher

    url = database_url()
    prenom, nom = args.prenom.strip(), args.nom.strip()
    base = base_identifiant(prenom, nom)
    if not base or not nom:
        print("--prenom et --nom doivent contenir des lettres : l'identifiant en est formé.", file=sys.stderr)
        return 1
    engine = engine_for(url)
    try:
        if unmigrated(engine, url):
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


def register(subparsers) -> None:
    """`carriere gestionnaire ajouter`."""
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
