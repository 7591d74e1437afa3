"""The gestionnaire's form to create an evaluator's account."""
from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired

from ..core.fields import ChoiceField, longueur, no_control, strip
from ..core.security import BaseForm

PROFILS = [("", "Choisissez un profil"), ("chef_etablissement", "Chef d'établissement"),
           ("inspecteur", "Inspecteur"), ("recteur", "Recteur")]


class EvaluateurForm(BaseForm):
    role = ChoiceField("Profil", choices=PROFILS)
    prenom = StringField("Prénom", filters=[strip], validators=[DataRequired("Saisissez le prénom."), longueur(100),
                                                                no_control()])
    nom = StringField("Nom", filters=[strip], validators=[DataRequired("Saisissez le nom."), longueur(100),
                                                          no_control()])
    uai = StringField("UAI de l'établissement (chef d'établissement)", filters=[strip, lambda v: v.upper() if v else v],
                      validators=[longueur(8), no_control()])
    discipline = StringField("Code de la discipline (inspecteur du second degré)",
                             filters=[strip, lambda v: v.upper() if v else v], validators=[longueur(10), no_control()])
    circonscription = StringField("Circonscription (inspecteur du premier degré)",
                                  filters=[strip, lambda v: v.upper() if v else v],
                                  validators=[longueur(40), no_control()])
