"""Forms of the simulation pages: launch a simulation, validate one. The movement and the algorithm are
checked by the views against the campaign and ALGORITHMES (with their own French messages)."""
from __future__ import annotations

from wtforms import StringField

from ..core.fields import longueur, no_control, strip
from ..core.security import BaseForm

NOTE_MAX = 200


class LancerForm(BaseForm):
    """« Lancer une simulation »: the movement, an optional note to tell simulations apart."""

    mouvement = StringField("Mouvement simulé", filters=[strip], validators=[no_control(), longueur(40)])
    note = StringField("Note (facultative)", filters=[strip], validators=[no_control(), longueur(NOTE_MAX)])


class ValiderForm(BaseForm):
    """« Valider »: whose results become the campaign's."""

    algorithme = StringField("Résultats à retenir", filters=[strip], validators=[no_control(), longueur(20)])
