"""The app's home page: the areas of the career assistant, as the portal's home lists them."""
from __future__ import annotations

from flask import Blueprint, current_app, g, render_template

from ..comptes.access import login_required

bp = Blueprint("accueil", __name__)

# (endpoint, title, what it offers); an area shows once its blueprint exists.
TEACHER_AREAS = (
    ("courrier.index", "Votre courrier", "Contactez votre correspondant de gestion, lisez les messages qu'il vous a adressés…"),
    ("dossier.synthese", "Votre dossier", "Consultez votre dossier administratif, signalez vos changements de situation…"),
    ("cv.index", "Votre CV", "Complétez votre curriculum vitae : précisez vos diplômes, vos expériences professionnelles ou personnelles, vos travaux de recherche, vos publications…"),
    ("mobilite.index", "Les services", "Faites vos demandes de mutation : demandes, lettres de motivation, pièces justificatives et vœux…"),
    ("auth.account", "Votre compte", "Changez votre mot de passe, activez la double authentification."),
)
GESTIONNAIRE_AREAS = (
    ("courrier.index", "Courrier", "Messages et signalements des personnels, réponses."),
    ("dossier.agents", "Dossiers des personnels", "Consultez les dossiers administratifs et les CV."),
    ("gestion.index", "Gestion", "Demandes reçues, vérifications, exports."),
    ("auth.account", "Votre compte", "Mot de passe et double authentification."),
)


@bp.route("/")
@login_required
def index():
    areas = GESTIONNAIRE_AREAS if g.account.is_gestionnaire else TEACHER_AREAS
    shown = [area for area in areas if area[0] in current_app.view_functions]
    return render_template("app/accueil.html", areas=shown)
