"""The app's home page: the areas of the teacher's career assistant."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from .auth import login_required

bp = Blueprint("accueil", __name__)

# (endpoint, title, what it offers), as the seed's home page lists them; shown when the area exists.
AREAS = (
    ("courrier.index", "Votre courrier", "Contactez votre correspondant de gestion, lisez les messages qu'il vous a adressés…"),
    ("dossier.synthese", "Votre dossier", "Consultez votre dossier administratif, signalez vos changements de situation…"),
    ("cv.index", "Votre CV", "Complétez votre curriculum vitae : diplômes, expériences professionnelles ou personnelles, travaux de recherche, publications…"),
    ("mobilite.index", "Les services", "Vos demandes de mutation : saisie des vœux, lettres de motivation, pièces justificatives…"),
    ("gestion.index", "Gestion", "Dossiers des personnels, demandes reçues, réponses."),
    ("auth.account", "Votre compte", "Mot de passe et double authentification."),
)


@bp.route("/")
@login_required
def index():
    areas = [area for area in AREAS if area[0] in current_app.view_functions]
    return render_template("app/accueil.html", areas=areas)
