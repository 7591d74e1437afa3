"""`carriere mobilite resultats importer|publier`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_importer(args: argparse.Namespace) -> int:
    from .. import create_app
    from ..core.cli import campaign_or_say
    from ..core.content import current_site
    from ..core.db import new_session, write_transaction
    from .importer import ResultatsRefuses, import_results, lire_csv

    path = Path(args.fichier)
    try:
        texte = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}:1: lecture impossible : {exc}", file=sys.stderr)
        return 1
    app = create_app()
    with app.app_context():
        campaign = campaign_or_say(args.campagne)
        if campaign is None:
            return 1
        session = new_session(app)
        try:
            lignes = lire_csv(texte, str(path))
            with write_transaction(session):
                bilan = import_results(session, campaign, lignes, None, fichier=str(path),
                                       referentiel=current_site().referentiel)
        except ResultatsRefuses as refus:
            for line in refus.problemes:
                print(line, file=sys.stderr)
            print("rien n'a été importé : corrigez le fichier puis relancez.", file=sys.stderr)
            return 1
        finally:
            session.close()
    print(f"{bilan.crees} résultat(s) ajouté(s), {bilan.modifies} modifié(s), {bilan.inchanges} inchangé(s)")
    return 0


def cmd_publier(args: argparse.Namespace) -> int:
    from .. import create_app
    from ..core.cli import campaign_or_say
    from ..core.db import new_session
    from .publication import publier

    app = create_app()
    with app.app_context():
        campaign = campaign_or_say(args.campagne)
        if campaign is None:
            return 1
        session = new_session(app)
        try:
            n = publier(session, campaign, None)
        finally:
            session.close()
    print(f"{n} résultat(s) publié(s)")
    return 0


def register_mobilite(sub) -> None:
    """Add `resultats importer FICHIER --campagne SLUG` and `resultats publier --campagne SLUG`."""
    res = sub.add_parser("resultats", help="importer et publier les résultats d'une campagne",
                         description="Résultats du mouvement : import CSV (docs/resultats.md) et publication.")
    rsub = res.add_subparsers(title="commandes", metavar="COMMANDE")
    imp = rsub.add_parser("importer", help="importer un fichier CSV de résultats (tout ou rien)")
    imp.add_argument("fichier", metavar="FICHIER")
    imp.add_argument("--campagne", metavar="SLUG", required=True)
    imp.set_defaults(func=cmd_importer)
    pub = rsub.add_parser("publier", help="publier les résultats importés (courrier, courriel, SMS)")
    pub.add_argument("--campagne", metavar="SLUG", required=True)
    pub.set_defaults(func=cmd_publier)
    res.set_defaults(func=lambda args: (res.print_help(), 2)[1])
