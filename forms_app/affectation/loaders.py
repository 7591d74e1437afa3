"""Load-or-404 of the simulation pages: a campaign of mutation, a simulation. Only gestionnaires reach them
(the views are role_required); each helper checks the role again, so a helper reused elsewhere never hands
a teacher a simulation (and the results of other teachers it holds)."""
from __future__ import annotations

from flask import abort

from generator.model import Campaign

from ..core.content import current_site
from ..core.db import get_session
from ..core.records import checked_id, is_gestionnaire
from .models import Simulation


def _gestionnaire() -> None:
    if not is_gestionnaire():
        abort(404)


def site_or_404():
    site = current_site()
    if site is None:
        abort(404)
    return site


def campagne_or_404(slug: str) -> Campaign:
    """A campaign of mutation (inter, intra, spécifique) of the published content."""
    _gestionnaire()
    campaign = site_or_404().campaign(slug)
    if campaign is None or not campaign.is_mobilite:
        abort(404)
    return campaign


def simulation_or_404(simulation_id: int) -> Simulation:
    _gestionnaire()
    simulation = get_session().get(Simulation, checked_id(simulation_id))
    if simulation is None:
        abort(404)
    return simulation
