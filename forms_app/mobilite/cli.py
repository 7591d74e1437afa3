"""`carriere mobilite …`: operators' commands of the mouvement."""
from __future__ import annotations

import argparse
import sys


def cmd_confirmations(args: argparse.Namespace) -> int:
    from .. import create_app
    from .confirmations import send_confirmations

    app = create_app()
    try:
        sent, notes = send_confirmations(app, args.campagne)
    except Exception as exc:  # database unreachable…: say it plainly
        print(f"envoi impossible : {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    for note in notes:
        print(note)
    print(f"{sent} confirmation(s) envoyée(s) dans le courrier")
    return 1 if any(n.startswith(("campagne inconnue", "contenu invalide")) for n in notes) else 0


def register(subparsers) -> None:
    """`carriere mobilite confirmations [--campagne SLUG]`."""
    mobilite = subparsers.add_parser("mobilite", help="mouvement : demandes et vœux",
                                     description="Opérations sur les demandes de mutation.")
    sub = mobilite.add_subparsers(title="commandes", metavar="COMMANDE")
    conf = sub.add_parser(
        "confirmations", help="envoyer les confirmations de demande",
        description="Une fois la saisie close, envoie à chaque enseignant ayant une demande un message de "
                    "courrier listant ses demandes et vœux tels qu'enregistrés. Jamais deux fois.",
    )
    conf.add_argument("--campagne", metavar="SLUG", default=None, help="une seule campagne (par défaut : toutes)")
    conf.set_defaults(func=cmd_confirmations)
    from ..gestion.cli import register_export  # the desk's export, `carriere mobilite export`

    register_export(sub)
    mobilite.set_defaults(func=lambda args: (mobilite.print_help(), 2)[1])
