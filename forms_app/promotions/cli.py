"""`carriere promotions ouvrir SLUG` (the list of promouvables) and `carriere promotions publier SLUG` (each
result in the courrier, once): the gestionnaires' one-time actions, from a terminal or a scheduler;
`carriere promotions echeances`: the due échéances (dossiers frozen), which the app also does by itself."""
from __future__ import annotations

import argparse
import sys

from ..core.cli import database_url, engine_for, unmigrated


def _run(args: argparse.Namespace, action: str) -> int:
    from sqlalchemy.orm import Session

    from generator.load import load_site

    from ..core.clock import system_now
    from ..core.config import REPO_ROOT
    from ..core.db import write_transaction
    from .lecture import ouvrir, publier

    site, _ = load_site(REPO_ROOT)
    campaign = site.campaign(args.campagne) if site else None
    if campaign is None or campaign.kind != "promotion":
        print(f"aucune campagne de promotion « {args.campagne} » dans content/campagnes : vérifiez son nom.",
              file=sys.stderr)
        return 1
    moment = system_now()
    phase = campaign.phase("tableau" if action == "publier" else "avis")
    if action == "publier" and (phase is None or phase.state_at(moment) == "a_venir"):
        print("la phase du tableau d'avancement n'a pas commencé : rien n'est publié.", file=sys.stderr)
        return 1
    if action == "ouvrir" and phase is not None and phase.state_at(moment) == "close":
        print("la phase des avis est close : la liste des promouvables ne peut plus changer.", file=sys.stderr)
        return 1
    url = database_url()
    engine = engine_for(url)
    try:
        if unmigrated(engine, url):
            return 1
        with Session(engine, expire_on_commit=False) as db, write_transaction(db):
            if action == "ouvrir":
                added, removed, total = ouvrir(db, campaign, campaign.regles, site.referentiel.echelons, moment, None)
                text = f"{total} promouvable(s) : {added} ajouté(s), {removed} retiré(s)."
            else:
                sent = publier(db, campaign, campaign.regles, moment, None)
                text = f"{sent} résultat(s) envoyé(s) dans le courrier (les agents déjà informés ne le sont pas deux fois)."
    finally:
        engine.dispose()
    print(f"{campaign.title} : {text}")
    return 0


def register(subparsers) -> None:
    """`carriere promotions ouvrir|publier CAMPAGNE`, `carriere promotions echeances [--campagne SLUG]`."""
    pr = subparsers.add_parser("promotions", help="campagnes de promotion (SIAP)",
                               description="Actions des gestionnaires sur les campagnes de promotion.")
    sub = pr.add_subparsers(title="commandes", metavar="COMMANDE")
    op = sub.add_parser("ouvrir", help="établir la liste des promouvables (relançable)")
    op.add_argument("campagne", help="nom du fichier de la campagne, par exemple hors-classe-2027")
    op.set_defaults(func=lambda args: _run(args, "ouvrir"))
    pub = sub.add_parser("publier", help="envoyer à chaque promouvable son résultat (une seule fois)")
    pub.add_argument("campagne")
    pub.set_defaults(func=lambda args: _run(args, "publier"))
    from ..evaluateurs.cli import add_echeances

    add_echeances(sub, "promotion", "gel des dossiers de promotion à la fin de leur mise à jour")
    pr.set_defaults(func=lambda args: (pr.print_help(), 2)[1])
