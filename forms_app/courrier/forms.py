"""Forms of the courrier: a new message and an answer."""
from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from ..core.fields import longueur, no_control, strip
from ..core.security import BaseForm


def _corps() -> TextAreaField:
    return TextAreaField(
        "Message",
        filters=[strip],
        validators=[DataRequired(message="Écrivez votre message."), no_control(multiline=True),
                    longueur(5000)],
    )


class ReponseForm(BaseForm):
    """An answer inside a thread."""

    corps = _corps()


class MessageForm(BaseForm):
    """A new message; the destinataire is asked of gestionnaires only."""

    destinataire = StringField(
        "Identifiant de l'enseignant", filters=[strip], validators=[no_control(), longueur(80)]
    )
    objet = StringField(
        "Objet",
        filters=[strip],
        validators=[DataRequired(message="Indiquez l'objet du message."), no_control(), longueur(200)],
    )
    corps = _corps()
