"""Forms of the CV: one entry form whose labels follow the rubrique, and the button-only forms."""
from __future__ import annotations

from dataclasses import dataclass

from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, StopValidation, ValidationError

from ..core.clock import now
from ..core.fields import ChoiceField, longueur, no_control, strip
from ..core.security import BaseForm
from ..core.texte import chiffres

FIRST_YEAR = 1930


@dataclass(frozen=True)
class Rubrique:
    """How one rubrique of the CV names its fields; None: the field is not asked."""

    slug: str
    titre: str
    un: str  # "un diplôme", for "Ajouter un diplôme"
    intitule: str
    organisme: str | None
    annee_debut: str | None
    annee_fin: str | None
    niveau: bool = False


RUBRIQUES: dict[str, Rubrique] = {
    r.slug: r
    for r in (
        Rubrique("diplomes", "Diplômes", "un diplôme", "Intitulé du diplôme",
                 "Établissement ou université", "Année d'obtention", None),
        Rubrique("formations", "Formations", "une formation", "Intitulé de la formation",
                 "Organisme de formation", "Année de début", "Année de fin"),
        Rubrique("activites-professionnelles", "Activités professionnelles",
                 "une activité professionnelle", "Fonction ou mission",
                 "Établissement ou employeur", "Année de début", "Année de fin"),
        Rubrique("activites-personnelles", "Activités personnelles", "une activité personnelle",
                 "Activité", "Cadre (association, club…)", "Année de début", "Année de fin"),
        Rubrique("travaux-de-recherche", "Travaux de recherche", "un travail de recherche",
                 "Sujet", "Laboratoire ou cadre", "Année de début", "Année de fin"),
        Rubrique("publications", "Publications", "une publication", "Titre",
                 "Éditeur ou revue", "Année de publication", None),
        Rubrique("langues", "Langues", "une langue", "Langue", None, None, None, niveau=True),
    )
}

NIVEAUX: dict[str, str] = {
    "A1": "A1 — élémentaire (découverte)",
    "A2": "A2 — élémentaire (survie)",
    "B1": "B1 — indépendant (seuil)",
    "B2": "B2 — indépendant (avancé)",
    "C1": "C1 — expérimenté (autonome)",
    "C2": "C2 — expérimenté (maîtrise)",
    "maternelle": "Langue maternelle",
}

MSG_ANNEE_FORMAT = "Saisissez une année sur quatre chiffres, par exemple 2015."
MSG_ANNEE_FIN = "L'année de fin doit être égale ou postérieure à l'année de début."
MSG_NIVEAU = "Choisissez un niveau."


def parse_annee(text: str | None) -> int | None:
    """The year typed, or None when the field was left empty."""
    return int(text) if text else None


def _annee(form, field) -> None:
    if not field.data:
        return
    if not (len(field.data) == 4 and field.data.isascii() and field.data.isdigit()):
        raise StopValidation(MSG_ANNEE_FORMAT)
    last = now().year + 5
    if not FIRST_YEAR <= int(field.data) <= last:
        raise StopValidation(f"Saisissez une année entre {FIRST_YEAR} et {last}.")


class CvEntryForm(BaseForm):
    """One CV entry; labels and asked fields follow the rubrique given at construction."""

    intitule = StringField(
        "Intitulé",
        filters=[strip],
        validators=[DataRequired(message="Ce champ est obligatoire : complétez-le."),
                    no_control(), longueur(200)],
    )
    organisme = StringField("Organisme", filters=[strip], validators=[no_control(), longueur(200)])
    annee_debut = StringField("Année de début", filters=[strip], validators=[no_control(), _annee])
    annee_fin = StringField("Année de fin", filters=[strip], validators=[no_control(), _annee])
    niveau = ChoiceField("Niveau", choices=[("", "Choisissez un niveau")] + list(NIVEAUX.items()))
    precisions = TextAreaField(
        "Précisions", filters=[strip], validators=[no_control(multiline=True), longueur(2000)]
    )

    def __init__(self, *args, rubrique: Rubrique, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rubrique = rubrique
        self.intitule.label.text = rubrique.intitule
        for name in ("organisme", "annee_debut", "annee_fin"):
            label = getattr(rubrique, name)
            if label:
                getattr(self, name).label.text = label

    @property
    def asked(self) -> list:
        """The fields this rubrique shows, in order."""
        r = self.rubrique
        names = ["intitule"]
        names += [n for n in ("organisme", "annee_debut", "annee_fin") if getattr(r, n)]
        names += ["niveau"] if r.niveau else []
        return [getattr(self, n) for n in names + ["precisions"]]

    def validate_annee_fin(self, field) -> None:
        start, end = self.annee_debut.data, field.data
        if (
            self.rubrique.annee_fin and start and end and not self.annee_debut.errors
            and chiffres(start) and chiffres(end) and int(end) < int(start)
        ):
            raise ValidationError(MSG_ANNEE_FIN)

    def validate_niveau(self, field) -> None:
        if self.rubrique.niveau and field.data not in NIVEAUX:
            raise ValidationError(MSG_NIVEAU)

    def values(self) -> dict:
        """Column values for this rubrique; fields it does not ask are stored empty."""
        r = self.rubrique
        return {
            "intitule": self.intitule.data,
            "organisme": (self.organisme.data or "") if r.organisme else "",
            "annee_debut": parse_annee(self.annee_debut.data) if r.annee_debut else None,
            "annee_fin": parse_annee(self.annee_fin.data) if r.annee_fin else None,
            "niveau": (self.niveau.data or "") if r.niveau else "",
            "precisions": self.precisions.data or "",
        }


class ButtonForm(BaseForm):
    """A form with only its CSRF token: delete, move up, move down."""
