"""`carriere avis …`: the worker that sends e-mail and SMS notices (and performs due échéances)."""
from __future__ import annotations

import argparse
import sys


def cmd_worker(args: argparse.Namespace) -> int:
    from .. import create_app
    from ..core.echeances import run_due
    from .file import queue_of, use_app
    from .reglages import ou_vont_les_avis, reglages
    from .worker import livrer

    app = create_app()
    use_app(app)
    try:
        r = reglages(app)
    except ValueError as exc:
        print(f"configuration des avis : {exc}", file=sys.stderr)
        return 1
    for line in ou_vont_les_avis(r):
        print(line)
    try:
        for bilan in run_due(app):
            if bilan.nombre:
                print(f"échéance {bilan.due.echeance.libelle} ({bilan.due.campaign.slug}) : {bilan.nombre}")
        bilan = livrer(app)
    except Exception as exc:  # database unreachable…: say it plainly
        print(f"envoi impossible : {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"{bilan.envoyes} avis envoyé(s), {bilan.reportes} reporté(s), {bilan.abandonnes} abandonné(s)")
    if args.une_fois:
        return 0
    print(f"worker en attente (file : {r.file}) ; arrêt : Ctrl-C")
    sys.stdout.flush()
    consumer = queue_of(app).create_consumer(workers=args.threads, worker_type="thread", periodic=True,
                                             initial_delay=0.1, max_delay=2.0)
    consumer.run()
    return 0


def cmd_etat(args: argparse.Namespace) -> int:
    from .. import create_app
    from ..core.db import new_session
    from .worker import etat_outbox

    app = create_app()
    session = new_session(app)
    try:
        counts = etat_outbox(session)
    finally:
        session.close()
    print(f"en attente : {counts['attente']}, envoyés : {counts['envoye']}, abandonnés : {counts['abandonne']}")
    return 0


def register(subparsers) -> None:
    """`carriere avis worker [--une-fois] [--threads N]` and `carriere avis etat`."""
    avis = subparsers.add_parser("avis", help="avis par courriel et SMS : le worker",
                                 description="Envoi des avis (courriel à chaque nouveau message du courrier, SMS "
                                             "des résultats) depuis la boîte d'envoi de la base.")
    sub = avis.add_subparsers(title="commandes", metavar="COMMANDE")
    worker = sub.add_parser("worker", help="envoyer les avis en attente, puis attendre les suivants",
                            description="Envoie les avis dus, réessaie plus tard ceux que le serveur refuse, et "
                                        "accomplit les échéances des campagnes (chaque minute).")
    worker.add_argument("--une-fois", action="store_true", help="envoyer ce qui est dû puis s'arrêter")
    worker.add_argument("--threads", type=int, default=2, metavar="N", help="fils d'exécution (par défaut : 2)")
    worker.set_defaults(func=cmd_worker)
    etat = sub.add_parser("etat", help="nombre d'avis en attente, envoyés, abandonnés")
    etat.set_defaults(func=cmd_etat)
    avis.set_defaults(func=lambda args: (avis.print_help(), 2)[1])
