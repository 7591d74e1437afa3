"""`carriere mobilite export CAMPAGNE [--format csv|xlsx] [--out FILE]`: the desk's export from a
terminal (registered under `carriere mobilite` by forms_app/mobilite/cli.py)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_export(args: argparse.Namespace) -> int:
    from .. import create_app
    from ..core.cli import campaign_or_say
    from ..core.content import current_site
    from ..core.db import engine_of
    from . import exports

    app = create_app()
    with app.app_context():
        campaign = campaign_or_say(args.campagne)
        if campaign is None:
            return 1
        try:
            with engine_of(app).connect() as conn:
                rows = exports.lignes(conn, campaign, current_site().referentiel)
                headers = exports.entetes(campaign)
                if args.out is None and args.format == "xlsx":
                    print("le format xlsx s'écrit dans un fichier : ajoutez --out FICHIER.xlsx", file=sys.stderr)
                    return 2
                if args.format == "xlsx":
                    exports.xlsx_file(rows, headers, str(args.out))
                else:
                    out = open(args.out, "wb") if args.out is not None else sys.stdout.buffer
                    try:
                        for block in exports.csv_stream(rows, headers):
                            out.write(block)
                    finally:
                        if args.out is not None:
                            out.close()
        except OSError as exc:
            print(f"écriture impossible : {exc}", file=sys.stderr)
            return 1
        except Exception as exc:  # database unreachable…: say it plainly
            print(f"export impossible : {exc.__class__.__name__}: {exc}", file=sys.stderr)
            return 1
        finally:
            engine_of(app).dispose()
    if args.out is not None:
        print(f"export écrit dans {args.out}", file=sys.stderr)
    return 0


def register_export(sub) -> None:
    """Add `export` to the subcommands of `carriere mobilite`."""
    export = sub.add_parser(
        "export", help="exporter les demandes d'une campagne (une ligne par vœu)",
        description="Une ligne par vœu : agent, demande, rang, type, code, libellé, chaque élément du barème "
                    "retenu et le total. CSV (séparateur « ; », UTF-8 avec BOM) ou XLSX ; mémoire bornée "
                    "quel que soit le nombre de demandes.",
    )
    export.add_argument("campagne", metavar="CAMPAGNE", help="la campagne (nom de son fichier, ex. intra-2027)")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="csv (par défaut) ou xlsx")
    export.add_argument("--out", metavar="FICHIER", type=Path, default=None,
                        help="fichier à écrire (par défaut : la sortie standard, en CSV seulement)")
    export.set_defaults(func=cmd_export)
