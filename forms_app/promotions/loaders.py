"""Load-or-404 of the promotions area: a promotion campaign, a promouvable within the account's reach."""
from __future__ import annotations

from flask import abort, g
from sqlalchemy import select

from generator.model import Campaign
from generator.promotion import PromotionRules

from ..core.content import current_site
from ..core.db import get_session
from ..core.records import checked_id
from ..dossier.models import Agent
from ..evaluateurs.access import portee
from .models import Promouvable


def campagne_promotion(slug: str) -> tuple[Campaign, PromotionRules]:
    """A promotion campaign of the published site (404 for any other slug or kind)."""
    site = current_site()
    campaign = site.campaign(slug) if site is not None else None
    if campaign is None or campaign.kind != "promotion" or not isinstance(campaign.regles, PromotionRules):
        abort(404)
    return campaign, campaign.regles


def load_promouvable(campaign: Campaign, agent_id: int) -> tuple[Promouvable, Agent]:
    """The promouvable `agent_id` of this campaign, if the account reaches her: a teacher only herself, an
    evaluator the agents of her scope, the recteur and gestionnaires everyone; 404 otherwise."""
    db = get_session()
    row = db.execute(select(Promouvable, Agent).join(Agent, Agent.id == Promouvable.agent_id)
                     .where(Promouvable.campagne == campaign.slug,
                            Promouvable.agent_id == checked_id(agent_id))).first()
    if row is None:
        abort(404)
    promouvable, agent = row
    reach = portee()
    if reach is None:
        if g.agent is None or g.agent.id != agent.id:
            abort(404)
    elif not reach.couvre(promouvable.uai, promouvable.discipline, promouvable.premier_degre):
        abort(404)
    return promouvable, agent


def own_promouvable(campaign: Campaign) -> Promouvable | None:
    """The logged-in teacher's line in the campaign's list of promouvables, if she is on it."""
    agent = g.agent
    if agent is None:
        abort(404)
    return get_session().scalar(select(Promouvable).where(Promouvable.campagne == campaign.slug,
                                                          Promouvable.agent_id == agent.id))
