"""`carriere evaluateur ajouter`: an evaluator's account (chef d'établissement, inspecteur, recteur);
`carriere evaluateur droit-recteur`: give a gestionnaire the recteur's appréciation."""
from __future__ import annotations

import argparse
import sys

from ..core.cli import database_url, engine_for, site_or_say, unmigrated


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
    circonscription = (args.circonscription or "").strip().upper()
    site, _ = load_site(REPO_ROOT)
    problem = refus_evaluateur(args.role, args.prenom, args.nom, uai, discipline,
                               site.referentiel.disciplines if site else {}, circonscription,
                               site.referentiel.circonscriptions if site else {})
    if problem:
        print(problem[1], file=sys.stderr)
        return 1
    url = database_url()
    engine = engine_for(url)
    try:
        if unmigrated(engine, url):
            return 1
        with Session(engine, expire_on_commit=False) as db, write_transaction(db):
            account, first, expires = creer_evaluateur(
                db, make_hasher(DEFAULTS["ARGON2_PARAMS"]), role=args.role, prenom=args.prenom.strip(),
                nom=args.nom.strip(), uai=uai, discipline=discipline, circonscription=circonscription,
                moment=system_now(), actor_id=None)
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
            perimetre = db.get(Perimetre, account.id) or Perimetre(account_id=account.id, uai="", discipline="",
                                                                   circonscription="")
            perimetre.appreciation_recteur = not args.retirer
            db.add(perimetre)
            audit.record(db, actor_id=None, action="droit_recteur", target=f"compte:{account.identifiant}",
                         after={"appreciation_recteur": not args.retirer})
    finally:
        engine.dispose()
    print(f"{account.identifiant} : appréciation du recteur {'retirée' if args.retirer else 'accordée'}.")
    return 0


def echeances(args: argparse.Namespace, kind: str) -> int:
    """Perform the due échéances of the campaigns of this kind (the app does it by itself: core.echeances)."""
    from .. import create_app
    from ..core.clock import now
    from ..core.echeances import instants, run_due

    app = create_app()
    with app.app_context():
        site = site_or_say()
        if site is None:
            return 1
        campaigns = [c for c in site.campaigns if c.kind == kind and args.campagne in (None, c.slug)]
        if args.campagne is not None and not campaigns:
            print(f"aucune campagne « {args.campagne} » de ce type dans content/campagnes : vérifiez son nom.",
                  file=sys.stderr)
            return 1
        moment = now()
        try:
            bilans = [b for c in campaigns for b in run_due(app, moment, c.slug)]
        except Exception as exc:  # database unreachable…: say it plainly
            print(f"échéances impossibles : {exc.__class__.__name__}: {exc}", file=sys.stderr)
            return 1
        for b in bilans:
            quoi = "déjà faite" if b.deja_faite else f"faite : {b.nombre} élément(s)"
            print(f"{b.due.campaign.slug} : {b.due.echeance.libelle} (échéance du {b.due.at:%d/%m/%Y %H:%M}) — {quoi}")
        a_venir = [d for c in campaigns for d in instants(site, c.slug) if d.at > moment]
        for d in sorted(a_venir, key=lambda d: d.at)[:5]:
            print(f"{d.campaign.slug} : {d.echeance.libelle} — à venir le {d.at:%d/%m/%Y à %H:%M}")
        if not bilans and not a_venir:
            print("aucune échéance")
    return 0


def add_echeances(sub, kind: str, quoi: str) -> None:
    """`carriere promotions|rendez-vous echeances [--campagne SLUG]`."""
    ech = sub.add_parser("echeances", help=f"accomplir les échéances dues ({quoi})",
                         description=f"Accomplit ce qui est dû aux dates des campagnes ({quoi}) et qui n'a pas encore "
                                     "été fait ; l'application et le worker le font d'eux-mêmes. Jamais deux fois, "
                                     "même avec plusieurs serveurs.")
    ech.add_argument("--campagne", metavar="SLUG", default=None, help="une seule campagne (par défaut : toutes)")
    ech.set_defaults(func=lambda args: echeances(args, kind))


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
    add.add_argument("--discipline", help="code de la discipline (inspecteur du second degré), par exemple L1300")
    add.add_argument("--circonscription", help="code de la circonscription (inspecteur du premier degré, "
                                                "data/circonscriptions.csv), par exemple 063-RIOM")
    add.set_defaults(func=cmd_ajouter)
    right = sub.add_parser("droit-recteur", help="donner à un gestionnaire l'appréciation du recteur")
    right.add_argument("identifiant")
    right.add_argument("--retirer", action="store_true", help="retirer le droit")
    right.set_defaults(func=cmd_droit_recteur)
    ev.set_defaults(func=lambda args: (ev.print_help(), 2)[1])
