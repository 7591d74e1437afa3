"""`carriere mobilite …`: operators' commands of the mouvement."""
from __future__ import annotations


def register(subparsers) -> None:
    """`carriere mobilite echeances|confirmations [--campagne SLUG]`, `resultats importer|publier`, `export CAMPAGNE …`."""
    mobilite = subparsers.add_parser("mobilite", help="mouvement : demandes et vœux",
                                     description="Opérations sur les demandes de mutation.")
    sub = mobilite.add_subparsers(title="commandes", metavar="COMMANDE")
    from ..confirmations.cli import register_mobilite as confirmations  # echeances, confirmations
    from ..resultats.cli import register_mobilite as resultats  # resultats importer|publier

    confirmations(sub)
    resultats(sub)
    from ..gestion.cli import register_export  # the desk's export, `carriere mobilite export`

    register_export(sub)
    mobilite.set_defaults(func=lambda args: (mobilite.print_help(), 2)[1])
