"""The gestionnaire's results page: import a CSV (all or nothing), see what is imported, publish."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from ..comptes.access import login_required, role_required
from ..core.content import current_site
from ..core.db import get_session, write_transaction
from ..mobilite.loaders import campagne_or_404
from . import publication  # noqa: F401  (the publication's échéance registered with the blueprint)
from .importer import ResultatsRefuses, import_results, lire_csv
from .lecture import phrase
from .models import Resultat

bp = Blueprint("resultats", __name__, url_prefix="/resultats")

CSV_MAX = 8 * 1024 * 1024
MSG_FICHIER = "Choisissez le fichier CSV des résultats (séparateur « ; », encodage UTF-8)."
MSG_TROP_GROS = "Ce fichier dépasse 8 Mo : découpez-le ou importez-le avec « carriere mobilite resultats importer »."
MSG_ENCODAGE = "Ce fichier n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 » puis importez-le à nouveau."


def _page(slug: str, status: int = 200, problemes: list[str] | None = None):
    campaign = campagne_or_404(slug)
    session = get_session()
    counts = session.execute(select(func.count(), func.count(Resultat.publie_at))
                             .where(Resultat.campagne == slug)).one()
    apercu = session.scalars(select(Resultat).where(Resultat.campagne == slug)
                             .order_by(Resultat.demande_id).limit(20)).all()
    return render_template("app/resultats/index.html", campaign=campaign, importes=counts[0], publies=counts[1],
                           apercu=[(r, phrase(r.issue, r.voeu_rang, r.uai, r.libelle)) for r in apercu],
                           problemes=problemes or [], phase=campaign.phase("resultats")), status


@bp.get("/<slug>/")
@login_required
@role_required("gestionnaire")
def index(slug: str):
    return _page(slug)


@bp.post("/<slug>/importer")
@login_required
@role_required("gestionnaire")
def importer(slug: str):
    campaign = campagne_or_404(slug)
    upload = request.files.get("fichier")
    if upload is None or not upload.filename:
        return _page(slug, 400, [MSG_FICHIER])
    data = upload.stream.read(CSV_MAX + 1)
    if len(data) > CSV_MAX:
        return _page(slug, 413, [MSG_TROP_GROS])
    try:
        texte = data.decode("utf-8")
    except UnicodeDecodeError:
        return _page(slug, 400, [MSG_ENCODAGE])
    nom = "".join(ch for ch in upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] if ch.isprintable())[:80]
    session = get_session()
    try:
        lignes = lire_csv(texte, nom)
        with write_transaction(session):
            bilan = import_results(session, campaign, lignes, g.account.id, fichier=nom,
                                   referentiel=current_site().referentiel)
    except ResultatsRefuses as refus:
        return _page(slug, 400, refus.problemes[:200])
    flash(f"Import de « {nom} » : {bilan.crees} résultat(s) ajouté(s), {bilan.modifies} modifié(s), "
          f"{bilan.inchanges} inchangé(s). Rien n'est publié tant que vous ne publiez pas.")
    return redirect(url_for("resultats.index", slug=slug))


@bp.post("/<slug>/publier")
@login_required
@role_required("gestionnaire")
def publier(slug: str):
    campaign = campagne_or_404(slug)
    n = publication.publier(get_session(), campaign, g.account.id)
    flash(f"{n} résultat(s) publié(s) : chaque agent a reçu un message dans son courrier." if n
          else "Aucun résultat à publier : tous les résultats importés le sont déjà.")
    return redirect(url_for("resultats.index", slug=slug))
