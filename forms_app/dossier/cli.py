"""`carriere agents import FICHIER`: check an agents CSV, then create or update dossiers and accounts."""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from ..core.cli import database_url, engine_for, unmigrated
from ..core.config import DEFAULTS


def _expire_date(text: str) -> date:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"date JJ/MM/AAAA attendue, par exemple 31/01/2027 (lu : {text})") from None


def import_file(path: Path, url: str, expire: date | None, *, historique: Path | None = None, out=None,
                err=None) -> tuple[int, object]:
    """Check then import an agents CSV (and its history CSV); return (exit code, outcome or None)."""
    out = out or sys.stdout
    err = err or sys.stderr
    from ..comptes.passwords import make_hasher
    from ..core.clock import system_now
    from ..core.db import write_transaction
    from .agents_import import parse_agents
    from .agents_store import apply_import, end_of_day
    from .historique_import import check_lines, parse_history

    files = {}
    for file in (path, historique):
        if file is None:
            continue
        try:
            files[file] = file.read_bytes()
        except OSError as exc:
            print(f"{file} : lecture impossible ({exc.strerror}) : vérifiez le chemin du fichier.", file=err)
            return 1, None
    result = parse_agents(files[path], str(path))
    history = None
    problems = list(result.problems)
    if historique is not None:
        if result.problems:  # its lines can only be checked against a good agents file: check them alone
            problems += check_lines(files[historique], str(historique))
        else:
            history = parse_history(files[historique], str(historique), result.rows, str(path))
            problems += history.problems
    if problems:
        for problem in problems:
            print(problem, file=err)
        count = len(problems)
        print(f"{count} erreur{'s' if count > 1 else ''} : rien n'a été importé. Corrigez le fichier puis relancez "
              "l'import.", file=err)
        return 1, None
    current = system_now()
    expire_day = expire or (current.date() + timedelta(days=DEFAULTS["FIRST_SECRET_DAYS"]))
    if expire_day < current.date():
        print(f"--expire {expire_day:%d/%m/%Y} : cette date est passée : choisissez une date à venir.", file=err)
        return 1, None
    engine = engine_for(url)
    try:
        if unmigrated(engine, url, err):
            return 1, None
        from sqlalchemy.orm import Session

        db = Session(engine, expire_on_commit=False)
        try:
            with write_transaction(db):
                outcome = apply_import(
                    db, result.rows, expire_at=end_of_day(expire_day), now=current,
                    hasher=make_hasher(DEFAULTS["ARGON2_PARAMS"]), source=str(path), history=history,
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
           if outcome.reactivated else "")
        + (f" ; historique : {len(history.numens)} agent{'s' if len(history.numens) > 1 else ''} "
           f"décrit{'s' if len(history.numens) > 1 else ''}, {outcome.histories} mis à jour"
           if history is not None else "") + ".",
        file=out,
    )
    return 0, outcome


def cmd_agents_import(args: argparse.Namespace) -> int:
    code, _ = import_file(args.file, database_url(), args.expire, historique=args.historique)
    return code


def register(subparsers) -> None:
    """`carriere agents import`."""
    agents = subparsers.add_parser("agents", help="dossiers des agents",
                                   description="Importer les dossiers des agents.")
    agents_sub = agents.add_subparsers(title="commandes", metavar="COMMANDE")
    imp = agents_sub.add_parser(
        "import", help="importer un fichier CSV d'agents",
        description="Vérifie tout le fichier (UTF-8, séparateur « ; », voir docs/agents-csv.md) puis crée ou met à "
                    "jour chaque agent et son compte. Rien n'est importé si une ligne est fausse.",
    )
    imp.add_argument("file", metavar="FICHIER", type=Path, help="fichier CSV des agents")
    imp.add_argument("--historique", metavar="FICHIER", type=Path, default=None,
                     help="historique des carrières et des affectations (voir docs/agents-csv.md) ; "
                          "les agents qu'il nomme voient leur historique remplacé, les autres gardent le leur")
    imp.add_argument("--expire", metavar="JJ/MM/AAAA", type=_expire_date, default=None,
                     help="dernier jour de validité du premier mot de passe (par défaut : dans 60 jours)")
    imp.set_defaults(func=cmd_agents_import)
    agents.set_defaults(func=lambda args: (agents.print_help(), 2)[1])
