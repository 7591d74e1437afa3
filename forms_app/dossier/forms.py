"""Forms of the dossier: phones and personal mail, and the signalement of a change."""
from __future__ import annotations

from datetime import date

from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.fields import EmailField, TelField
from wtforms.validators import DataRequired, StopValidation, ValidationError

from ..core.fields import MSG_DATE, ChoiceField, longueur, mail, no_control, one_of, parse_date, strip
from ..core.fields import telephone as phone_number
from ..core.security import BaseForm
from ..core.texte import chiffres

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

    justificatif = FileField("Justificatif", render_kw={"accept": "application/pdf,.pdf"})

    def validate_date_effet(self, field) -> None:
        if parse_date(field.data) is None:
            raise StopValidation(MSG_DATE)

    @property
    def date_effet_value(self) -> date | None:
        return parse_date(self.date_effet.data or "")


# --- the gestionnaire updates the dossier from a signalement ------------------------------------------

RUBRIQUES_MISE_A_JOUR = {k: v for k, v in RUBRIQUES_SIGNALEMENT.items() if k != "autre"}
MSG_ENTIER = "Saisissez un nombre entier de {mini} à {maxi}."


def _requis(message: str) -> list:
    return [DataRequired(message=message), no_control()]


def entier(mini: int, maxi: int):
    def check(form, field) -> None:
        text = (field.data or "").strip()
        if not chiffres(text) or not mini <= int(text) <= maxi:
            raise StopValidation(MSG_ENTIER.format(mini=mini, maxi=maxi))

    return check


class MiseAJourAdresseForm(BaseForm):
    adresse = StringField("Adresse", filters=[strip], validators=[no_control(), longueur(250)])
    code_postal = StringField("Code postal", filters=[strip],
                              validators=[*_requis("Indiquez le code postal, 5 chiffres.")])
    commune = StringField("Commune", filters=[strip],
                          validators=[*_requis("Indiquez la commune."), longueur(120)])

    def validate_code_postal(self, field) -> None:
        if not (chiffres(field.data) and len(field.data) == 5):
            raise ValidationError("Saisissez un code postal à 5 chiffres, par exemple 63000.")


class MiseAJourSituationForm(BaseForm):
    situation_familiale = StringField(
        "Situation familiale", filters=[strip],
        validators=[*_requis("Indiquez la situation familiale, par exemple Marié(e)."), longueur(60)])


class MiseAJourEnfantsForm(BaseForm):
    enfants = StringField("Enfants de moins de 18 ans", filters=[strip], validators=[entier(0, 20)])


class MiseAJourCarriereForm(BaseForm):
    corps = StringField("Corps", filters=[strip], validators=[*_requis("Indiquez le corps."), longueur(120)])
    grade = StringField("Grade", filters=[strip], validators=[*_requis("Indiquez le grade."), longueur(120)])
    echelon = StringField("Échelon", filters=[strip], validators=[entier(1, 11)])
    echelon_depuis = StringField(
        "Date d'effet (entrée dans l'échelon)", filters=[strip],
        validators=[*_requis("Indiquez la date d'effet, au format JJ/MM/AAAA."), longueur(10)])
    position = StringField("Position", filters=[strip],
                           validators=[*_requis("Indiquez la position, par exemple en activité."), longueur(120)])

    def validate_echelon_depuis(self, field) -> None:
        if parse_date(field.data) is None:
            raise StopValidation(MSG_DATE)


MISE_A_JOUR_FORMS = {
    "adresse": MiseAJourAdresseForm,
    "situation_familiale": MiseAJourSituationForm,
    "enfants": MiseAJourEnfantsForm,
    "carriere": MiseAJourCarriereForm,
}


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
