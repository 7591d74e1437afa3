"""`carriere rendez-vous liste`: the agents due for a rendez-vous de carrière in the campaign's school year;
`carriere rendez-vous echeances`: the due échéances (appréciations finales notified), which the app also does."""
from __future__ import annotations

import argparse
import sys

from ..core.cli import database_url, engine_for


def cmd_liste(args: argparse.Namespace) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from generator.load import load_site

    from ..core.config import REPO_ROOT
    from ..dossier.models import Agent
    from .rules import rendez_vous_du

    site, _ = load_site(REPO_ROOT)
    campaigns = [c for c in (site.campaigns if site else []) if c.kind == "rendez-vous"
                 and (args.campagne is None or c.slug == args.campagne)]
    if not campaigns:
        print("aucune campagne de rendez-vous de carrière dans content/campagnes : vérifiez son nom.", file=sys.stderr)
        return 1
    campaign = campaigns[-1]
    engine = engine_for(database_url())
    try:
        with Session(engine) as db:
            count = 0
            for agent in db.scalars(select(Agent).order_by(Agent.nom, Agent.prenom)):
                due = rendez_vous_du(campaign.regles, site.referentiel.echelons, agent.corps, agent.grade,
                                     agent.echelon, agent.echelon_depuis)
                if due is not None:
                    count += 1
                    print(f"{agent.nom};{agent.prenom};{agent.discipline};{agent.affectation_uai};{due.type.label}")
    finally:
        engine.dispose()
    print(f"{count} agent(s) concerné(s) — {campaign.title}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    rdv = subparsers.add_parser("rendez-vous", help="rendez-vous de carrière (SIAE)",
                                description="Rendez-vous de carrière : les agents concernés.")
    sub = rdv.add_subparsers(title="commandes", metavar="COMMANDE")
    liste = sub.add_parser("liste", help="les agents concernés (CSV « ; » sur la sortie standard)")
    liste.add_argument("--campagne", help="nom du fichier de la campagne (par défaut : la dernière)")
    liste.set_defaults(func=cmd_liste)
    from ..evaluateurs.cli import add_echeances

    add_echeances(sub, "rendez-vous", "notification des appréciations finales au début de la phase de notification")
    rdv.set_defaults(func=lambda args: (rdv.print_help(), 2)[1])
