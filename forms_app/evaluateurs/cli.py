"""`carriere evaluateur ajouter`: an evaluator's account (chef d'établissement, inspecteur, recteur);
`carriere evaluateur droit-recteur`: give a gestionnaire the recteur's appréciation."""
from __future__ import annotations

import argparse
import sys

from ..core.cli import database_url, describe_url, engine_for, is_migrated


def cmd_ajouter(args: argparse.Namespace) -> int:
    """Create the account and print its one-time first password."""
    from sqlalchemy.orm import Session

    from generator.load import load_site

    from ..comptes.passwords import make_hasher
    from ..core.clock import system_now
    from ..core.config import DEFAULTS, REPO_ROOT
    from ..core.db import write_transaction
    from .comptes import creer_evaluateur, refus_evaluateur

    uai, discipline = (args.uai or "").strip().upper(), (args.discipline or "").strip().upper()
    site, _ = load_site(REPO_ROOT)
    problem = refus_evaluateur(args.role, args.prenom, args.nom, uai, discipline,
                               site.referentiel.disciplines if site else {})
    if problem:
        print(problem, file=sys.stderr)
        return 1
    url = database_url()
    engine = engine_for(url)
    try:
        if not is_migrated(engine):
            print(f"la base {describe_url(url)} n'est pas à jour : lancez d'abord « carriere db upgrade ».", file=sys.stderr)
            return 1
        with Session(engine, expire_on_commit=False) as db, write_transaction(db):
            account, first, expires = creer_evaluateur(
                db, make_hasher(DEFAULTS["ARGON2_PARAMS"]), role=args.role, prenom=args.prenom.strip(),
                nom=args.nom.strip(), uai=uai, discipline=discipline, moment=system_now(), actor_id=None)
    finally:
        engine.dispose()
    print(f"Compte créé : {account.identifiant} ({account.display_name}, {args.role})")
    print(f"Premier mot de passe (une seule fois, jusqu'au {expires:%d/%m/%Y} 00:00) : {first}")
    print("À la première connexion : choix du mot de passe, puis activation de la double authentification.")
    return 0


def cmd_droit_recteur(args: argparse.Namespace) -> int:
    """Give (or take back) a gestionnaire the right to enter the recteur's appréciations."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from ..comptes.models import Account
    from ..core import audit
    from ..core.db import write_transaction
    from .models import Perimetre

    url = database_url()
    engine = engine_for(url)
    try:
        with Session(engine, expire_on_commit=False) as db, write_transaction(db):
            account = db.scalar(select(Account).where(Account.identifiant == args.identifiant.strip().lower()))
            if account is None or account.role != "gestionnaire":
                print(f"aucun gestionnaire « {args.identifiant} » : vérifiez l'identifiant.", file=sys.stderr)
                return 1
            perimetre = db.get(Perimetre, account.id) or Perimetre(account_id=account.id, uai="", discipline="")
            perimetre.appreciation_recteur = not args.retirer
            db.add(perimetre)
            audit.record(db, actor_id=None, action="droit_recteur", target=f"compte:{account.identifiant}",
                         after={"appreciation_recteur": not args.retirer})
    finally:
        engine.dispose()
    print(f"{account.identifiant} : appréciation du recteur {'retirée' if args.retirer else 'accordée'}.")
    return 0


def register(subparsers) -> None:
    """`carriere evaluateur ajouter|droit-recteur`."""
    ev = subparsers.add_parser("evaluateur", help="comptes des évaluateurs (chefs d'établissement, inspecteurs, recteur)",
                               description="Gérer les comptes des évaluateurs des promotions et des rendez-vous de carrière.")
    sub = ev.add_subparsers(title="commandes", metavar="COMMANDE")
    add = sub.add_parser("ajouter", help="créer un compte d'évaluateur",
                         description="Crée le compte et affiche son premier mot de passe, valable une fois 7 jours.")
    add.add_argument("--role", required=True, choices=("chef_etablissement", "inspecteur", "recteur"))
    add.add_argument("--prenom", required=True)
    add.add_argument("--nom", required=True)
    add.add_argument("--uai", help="UAI de l'établissement (chef d'établissement)")
    add.add_argument("--discipline", help="code de la discipline (inspecteur), par exemple L1300")
    add.set_defaults(func=cmd_ajouter)
    right = sub.add_parser("droit-recteur", help="donner à un gestionnaire l'appréciation du recteur")
    right.add_argument("identifiant")
    right.add_argument("--retirer", action="store_true", help="retirer le droit")
    right.set_defaults(func=cmd_droit_recteur)
    ev.set_defaults(func=lambda args: (ev.print_help(), 2)[1])
