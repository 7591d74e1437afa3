"""Forms of the desk: a decision on one element, the answer to a correction, a message, a batch."""
from __future__ import annotations

from wtforms import HiddenField, StringField, TextAreaField

from ..core.fields import longueur, no_control, strip
from ..core.security import BaseForm

OBJET_MAX = 200
MESSAGE_MAX = 5000


class DecisionForm(BaseForm):
    """« Vérifier le barème »: one element, its decision, points, the reason."""

    decision = HiddenField()
    points = StringField("Points retenus", filters=[strip], validators=[no_control(), longueur(12)])
    motif = TextAreaField("Motif (montré à l'agent)", filters=[strip], validators=[no_control(multiline=True)])


class ReponseForm(BaseForm):
    """The answer to a correction request: accept (with the new points) or refuse (with the reason)."""

    reponse = HiddenField()
    points = StringField("Points retenus", filters=[strip], validators=[no_control(), longueur(12)])
    motif = TextAreaField("Réponse à l'agent", filters=[strip], validators=[no_control(multiline=True)])


class MessageForm(BaseForm):
    """Write to the agent about the demande (the courrier)."""

    objet = StringField("Objet", filters=[strip], validators=[no_control(), longueur(OBJET_MAX)])
    corps = TextAreaField("Message", filters=[strip], validators=[no_control(multiline=True), longueur(MESSAGE_MAX)])


class LotForm(BaseForm):
    """A batch action on the selected demandes, or on the whole filtered list (`tout`)."""

    objet = StringField("Objet du message", filters=[strip], validators=[no_control(), longueur(OBJET_MAX)])
    corps = TextAreaField("Message", filters=[strip], validators=[no_control(multiline=True), longueur(MESSAGE_MAX)])
