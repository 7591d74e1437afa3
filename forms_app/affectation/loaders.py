"""Load-or-404 of the simulation pages: a campaign of mutation, a simulation. Only gestionnaires reach them
(the views are role_required); each helper checks the role again, so a helper reused elsewhere never hands
a teacher a simulation (and the results of other teachers it holds)."""
from __future__ import annotations

from generator.model import Campaign

from ..core import content
from ..core.content import site_or_404  # noqa: F401  (the area's views read the site through it)
from ..core.records import gestionnaire_or_404, record_or_404
from .models import Simulation


def campagne_or_404(slug: str) -> Campaign:
    """A campaign of mutation (inter, intra, spécifique) of the published content, for a gestionnaire."""
    gestionnaire_or_404()
    return content.campagne_or_404(slug)


def simulation_or_404(simulation_id: int) -> Simulation:
    gestionnaire_or_404()
    return record_or_404(Simulation, simulation_id)
