"""Forms of the courrier: a new message and an answer."""
from __future__ import annotations

from flask_wtf.file import MultipleFileField
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


def _pieces() -> MultipleFileField:
    return MultipleFileField("Pièces jointes", render_kw={"accept": "application/pdf,.pdf"})


class ReponseForm(BaseForm):
    """An answer inside a thread."""

    corps = _corps()
    pieces = _pieces()


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
    pieces = _pieces()
