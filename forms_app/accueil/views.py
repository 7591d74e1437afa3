"""The app's home page: the areas of the career assistant, as the portal's home lists them."""
from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, url_for

from ..comptes.access import login_required
from ..core.content import site_config

bp = Blueprint("accueil", __name__)

# (endpoint, title, what it offers); an area shows once its blueprint exists.
TEACHER_AREAS = (
    ("courrier.index", "Votre courrier", "Contactez votre correspondant de gestion, lisez les messages qu'il vous a adressés…"),
    ("dossier.synthese", "Votre dossier", "Consultez votre dossier administratif, signalez vos changements de situation…"),
    ("perspectives.index", "Vos perspectives", "Informez-vous sur vos perspectives de carrière : prochain échelon, rendez-vous de carrière, promotions…"),
    ("cv.index", "Votre CV", "Complétez votre curriculum vitae : précisez vos diplômes, vos expériences professionnelles ou personnelles, vos travaux de recherche, vos publications…"),
    ("mobilite.index", "Les services", "Faites vos demandes de mutation : demandes, lettres de motivation, pièces justificatives et vœux…"),
    ("promotions.index", "Promotions", "SIAP : consultez et complétez votre dossier de promotion, lisez les avis dans sa Synthèse…"),
    ("rendezvous.index", "Rendez-vous de carrière", "SIAE : la date de votre rendez-vous, son compte rendu, vos observations…"),
    ("auth.account", "Votre compte", "Changez votre mot de passe, activez la double authentification."),
    ("guides", "Les guides", "Informez-vous sur les procédures de gestion qui vous concernent…"),
)
GESTIONNAIRE_AREAS = (
    ("courrier.index", "Courrier", "Messages et signalements des personnels, réponses."),
    ("dossier.agents", "Dossiers des personnels", "Consultez les dossiers administratifs et les CV."),
    ("gestion.index", "Mutations", "Demandes des agents : vérification du barème, corrections, messages, exports."),
    ("promotions.index", "Promotions", "Listes de promouvables, tableaux d'avancement, exports et résultats."),
    ("rendezvous.index", "Rendez-vous de carrière", "Agents concernés, dates, comptes rendus."),
    ("evaluateurs.index", "Comptes des évaluateurs", "Chefs d'établissement, inspecteurs et recteur."),
    ("auth.account", "Votre compte", "Mot de passe et double authentification."),
    ("guides", "Les guides", "Les procédures publiées pour les personnels, à leur indiquer au besoin."),
)
EVALUATEUR_AREAS = (
    ("promotions.index", "Promotions", "Avis sur les promouvables de votre périmètre, appréciations du recteur."),
    ("rendezvous.index", "Rendez-vous de carrière", "Agents concernés, comptes rendus, appréciations."),
    ("courrier.index", "Courrier", "Messages reçus et envoyés."),
    ("auth.account", "Votre compte", "Mot de passe et double authentification."),
    ("guides", "Les guides", "Les procédures publiées pour les personnels."),
)
GUIDES = "guides"  # not an endpoint: the published site's guides, outside the app


@bp.route("/")
@login_required
def index():
    areas = GESTIONNAIRE_AREAS if g.account.is_gestionnaire else (
        EVALUATEUR_AREAS if g.account.agent_id is None else TEACHER_AREAS)
    shown = [
        (site_config().base_path + "guides/" if endpoint == GUIDES else url_for(endpoint), label, text)
        for endpoint, label, text in areas
        if endpoint == GUIDES or endpoint in current_app.view_functions
    ]
    return render_template("app/accueil.html", areas=shown)
