"""Forms of the dossier: phones and personal mail, and the signalement of a change."""
from __future__ import annotations

from datetime import date

from wtforms import StringField, TextAreaField
from wtforms.fields import EmailField, TelField
from wtforms.validators import DataRequired, StopValidation

from ..core.fields import MSG_DATE, ChoiceField, longueur, mail, no_control, one_of, parse_date, strip
from ..core.fields import telephone as phone_number
from ..core.security import BaseForm

RUBRIQUES_SIGNALEMENT: dict[str, str] = {
    "adresse": "Adresse",
    "situation_familiale": "Situation familiale",
    "enfants": "Enfants",
    "carriere": "Carrière",
    "autre": "Autre",
}


class PersoForm(BaseForm):
    """What a teacher may change in the dossier: phones and personal mail."""

    telephone = TelField(
        "Téléphone", filters=[strip], validators=[no_control(), longueur(30), phone_number()],
        render_kw={"autocomplete": "tel"},
    )
    portable = TelField(
        "Portable", filters=[strip], validators=[no_control(), longueur(30), phone_number(portable=True)],
        render_kw={"autocomplete": "mobile tel"},
    )
    mail_perso = EmailField(
        "Mail personnel", filters=[strip], validators=[no_control(), longueur(254), mail],
        render_kw={"autocomplete": "email"},
    )


class SignalementForm(BaseForm):
    """A structured request sent to the gestionnaires' courrier."""

    rubrique = ChoiceField(
        "Rubrique concernée",
        choices=[("", "Choisissez une rubrique")] + list(RUBRIQUES_SIGNALEMENT.items()),
        validators=[one_of(RUBRIQUES_SIGNALEMENT, "Choisissez la rubrique concernée.")],
    )
    description = TextAreaField(
        "Description du changement",
        filters=[strip],
        validators=[
            DataRequired(message="Décrivez le changement de situation."),
            no_control(multiline=True),
            longueur(2000),
        ],
    )
    date_effet = StringField(
        "Date d'effet",
        description="Format : JJ/MM/AAAA",
        filters=[strip],
        validators=[
            DataRequired(message="Indiquez la date d'effet, au format JJ/MM/AAAA."),
            no_control(),
            longueur(10),
        ],
    )

    def validate_date_effet(self, field) -> None:
        if parse_date(field.data) is None:
            raise StopValidation(MSG_DATE)

    @property
    def date_effet_value(self) -> date | None:
        return parse_date(self.date_effet.data or "")


TRIS: dict[str, str] = {"nom": "Nom, de A à Z", "nom-desc": "Nom, de Z à A"}
SANS_DISCIPLINE = "aucune"


class ListeAgentsForm(BaseForm):
    """The filters of the gestionnaire's list of dossiers, read from the URL (no CSRF: it writes nothing)."""

    q = StringField(
        "Nom, prénom, NUMEN ou identifiant", filters=[strip], validators=[no_control(), longueur(80)],
    )
    discipline = ChoiceField("Discipline", choices=[])
    etablissement = StringField(
        "Établissement (UAI ou nom)", filters=[strip], validators=[no_control(), longueur(80)],
    )
    tri = ChoiceField("Trier par", choices=list(TRIS.items()), default="nom",
                      validators=[one_of(TRIS, "Choisissez un tri de la liste\u00a0: nom de A à Z ou de Z à A.")])

    def validate_discipline(self, field) -> None:
        if field.data and field.data not in dict(field.choices):
            raise StopValidation(
                f"Discipline «\u00a0{field.data[:40]}\u00a0» inconnue\u00a0: choisissez-en une dans la liste."
            )
