"""`carriere mobilite echeances` and `carriere mobilite confirmations`: what operators can run by hand (the
app does the same by itself: core.echeances)."""
from __future__ import annotations

import argparse
import sys


def _run(args: argparse.Namespace, action: str | None) -> int:
    from .. import create_app
    from ..core.cli import campaign_or_say, site_or_say
    from ..core.clock import now
    from ..core.echeances import instants, run_due

    app = create_app()
    with app.app_context():
        site = site_or_say()
        if site is None or (args.campagne is not None and campaign_or_say(args.campagne) is None):
            return 1
        moment = now()
        try:
            bilans = [b for b in run_due(app, moment, args.campagne) if action is None or b.due.echeance.action == action]
        except Exception as exc:  # database unreachable…: say it plainly
            print(f"échéances impossibles : {exc.__class__.__name__}: {exc}", file=sys.stderr)
            return 1
        for b in bilans:
            quoi = "déjà faite" if b.deja_faite else f"faite : {b.nombre} élément(s)"
            print(f"{b.due.campaign.slug} : {b.due.echeance.libelle} (échéance du {b.due.at:%d/%m/%Y %H:%M}) — {quoi}")
        a_venir = [d for d in instants(site, args.campagne) if d.at > moment and (action is None or d.echeance.action == action)]
        for d in a_venir[:5]:
            print(f"{d.campaign.slug} : {d.echeance.libelle} — à venir le {d.at:%d/%m/%Y à %H:%M}")
        if not bilans and not a_venir:
            print("aucune échéance")
    return 0


def cmd_echeances(args: argparse.Namespace) -> int:
    return _run(args, None)


def cmd_confirmations(args: argparse.Namespace) -> int:
    return _run(args, "mobilite.confirmations")


def register_mobilite(sub) -> None:
    """Add `echeances` and `confirmations` to `carriere mobilite`."""
    ech = sub.add_parser(
        "echeances", help="accomplir les échéances dues des campagnes",
        description="Accomplit ce qui est dû aux dates des campagnes (confirmations à la clôture de la saisie, "
                    "annulations à la fin du retour des confirmations, publication des résultats) et qui n'a pas "
                    "encore été fait ; l'application et le worker le font d'eux-mêmes. Jamais deux fois.")
    ech.add_argument("--campagne", metavar="SLUG", default=None, help="une seule campagne (par défaut : toutes)")
    ech.set_defaults(func=cmd_echeances)
    conf = sub.add_parser(
        "confirmations", help="envoyer les confirmations de demande (échéance de clôture de la saisie)",
        description="Une fois la saisie close, envoie à chaque enseignant la confirmation de chacune de ses "
                    "demandes (PDF dans son courrier). Jamais deux fois ; « echeances » fait de même avec les "
                    "autres échéances.")
    conf.add_argument("--campagne", metavar="SLUG", default=None, help="une seule campagne (par défaut : toutes)")
    conf.set_defaults(func=cmd_confirmations)
