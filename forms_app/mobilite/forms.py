"""Forms of the mobilité area."""
from __future__ import annotations

from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.fields import TelField

from ..core.fields import longueur, no_control, strip
from ..core.fields import telephone as phone_number
from ..core.security import BaseForm


class ButtonForm(BaseForm):
    """Only the CSRF token: delete a demande, a pièce."""


class VoeuForm(BaseForm):
    """"Enregistrer" a vœu found by its code."""

    version = HiddenField()
    type = HiddenField()
    code = HiddenField()
    poste = HiddenField(validators=[no_control()])  # stored as sent: no NUL (PostgreSQL refuses it)
    type_etab = SelectField(validate_choice=False)  # checked by the rules, with a message that says what to fix


class LettreForm(BaseForm):
    texte = TextAreaField("Lettre de motivation", validators=[no_control(multiline=True)])


class TelephonesForm(BaseForm):
    telephone = TelField("Téléphone", filters=[strip],
                         validators=[no_control(), longueur(30), phone_number()],
                         render_kw={"autocomplete": "tel"})
    portable = TelField("Portable", filters=[strip],
                        validators=[no_control(), longueur(30), phone_number(portable=True)],
                        render_kw={"autocomplete": "mobile tel"})


class PieceForm(BaseForm):
    kind = HiddenField()


class CreationForm(BaseForm):
    mouvement = HiddenField()
    discipline = HiddenField()
    preference = HiddenField()


class SituationForm(BaseForm):
    """The situations the barème reads (one field per key of the campaign, read by the view)."""


class CorrectionForm(BaseForm):
    """« Demander une correction » of one element of the barème."""

    element = SelectField("Élément du barème contesté", choices=[], validate_choice=False)
    texte = TextAreaField("Ce qui vous paraît faux, et pourquoi", validators=[no_control(multiline=True)])
