"""« Simuler le mouvement » (blueprint `affectation`, /affectation): gestionnaires only.

The campaign's simulations and the form that launches one (saisie closed); a simulation's page (progress
while it runs; then its figures for both algorithms side by side, the difference with the previous one,
« Valider »); its agents and each one's explanation; its barres per discipline (and as data/barres CSV);
two simulations compared. A simulation never writes a demande; launching and validating are audited.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from ..comptes.access import role_required
from ..core.clock import now
from ..core.db import get_session, write_transaction
from ..core.errors import refuse
from ..core.security import form_view
from ..mobilite.rules.bareme import points_fr
from ..mobilite.rules.fenetre import etat_saisie
from ..resultats.importer import ResultatsRefuses
from . import lecture, simulation as runs, taches
from .forms import LancerForm, ValiderForm
from .loaders import campagne_or_404, simulation_or_404, site_or_404
from .models import ALGORITHMES, ATTENTE, DA, EN_COURS, TERMINEE, Simulation
from .validation import ValidationRefusee, csv_des_barres, valider
from ..core.texte import chiffres

bp = Blueprint("affectation", __name__, url_prefix="/affectation")

NBSP = "\u00a0"
MSG_SAISIE = (f"La saisie de cette campagne n'est pas close{NBSP}: le mouvement se simule une fois les vœux "
              "arrêtés. Revenez après la clôture de la saisie.")
MSG_MOUVEMENT = f"Choisissez un mouvement de la campagne dans la liste{NBSP}: « {{code}} » n'en fait pas partie."
MSG_DEJA = (f"La simulation n°{NBSP}{{numero}} est déjà en cours pour cette campagne{NBSP}: attendez qu'elle se "
            "termine avant d'en lancer une autre.")
MSG_PAS_FINIE = f"Cette simulation n'est pas terminée{NBSP}: ses résultats ne sont pas encore disponibles."
MSG_ALGORITHME = f"Algorithme inconnu{NBSP}: choisissez « da » (DA*) ou « echanges » (DA* puis échanges)."
MSG_PAGE = f"La page {{page}} n'existe pas{NBSP}: la liste en compte {{pages}}."
MSG_AVEC = f"La simulation à comparer n'existe pas dans cette campagne ou n'est pas terminée{NBSP}: choisissez-en une autre."


@bp.record_once
def _queue(state) -> None:
    """Declare the simulation task on the notices' queue: the worker knows it by name."""
    taches.declarer(state.app)


@bp.context_processor
def _helpers() -> dict:
    return {"points_fr": points_fr, "algorithmes": ALGORITHMES, "libelle_voeu": lecture.libelle_voeu,
            "secondes": secondes}


def secondes(value: float) -> str:
    """A duration as the page says it: « 0,42 s », « moins de 0,01 s »."""
    if value < 0.01:
        return f"moins de 0,01{NBSP}s"
    return f"{value:.2f}".replace(".", ",") + f"{NBSP}s"


def _algorithme(value: str | None) -> str:
    value = value or DA
    if value not in ALGORITHMES:
        refuse(400, MSG_ALGORITHME)
    return value


def _page(value: str | None) -> int:
    text = (value or "1").strip()
    return int(text) if chiffres(text) and 0 < len(text) <= 6 and int(text) > 0 else 0


def _index(slug: str, *, status: int = 200, erreur: str | None = None, form: LancerForm | None = None):
    campaign = campagne_or_404(slug)
    session = get_session()
    form = form or LancerForm()
    sims = lecture.simulations_de(session, slug)
    return render_template(
        "app/affectation/index.html", campaign=campaign, simulations=sims, form=form, erreur=erreur,
        close=etat_saisie(campaign, now()) == "close", en_cours=runs.en_cours(session, campaign),
        interrompue=runs.interrompue, bilan_de=lecture.bilan_de), status


@bp.get("/<slug>/")
@role_required("gestionnaire")
def index(slug: str):
    """The campaign's simulations, and « Lancer une simulation »."""
    return _index(slug)


@bp.post("/<slug>/simulations")
@form_view
@role_required("gestionnaire")
def lancer(slug: str):
    campaign = campagne_or_404(slug)
    form = LancerForm()
    if not form.validate():
        return _index(slug, status=400, erreur=form.first_error, form=form)
    if etat_saisie(campaign, now()) != "close":
        return _index(slug, status=409, erreur=MSG_SAISIE, form=form)
    mouvement = form.mouvement.data or ""
    if campaign.mouvement(mouvement) is None:
        return _index(slug, status=400, erreur=MSG_MOUVEMENT.format(code=mouvement[:40]), form=form)
    session = get_session()
    try:
        with write_transaction(session):
            running = runs.en_cours(session, campaign)
            if running is not None:
                return _index(slug, status=409, erreur=MSG_DEJA.format(numero=running.numero), form=form)
            simulation = runs.creer(session, campaign, mouvement, form.note.data or "", g.account.id)
            simulation_id = simulation.id
    except IntegrityError:  # two launches at once: the second takes the same number
        return _index(slug, status=409, erreur=MSG_DEJA.format(numero="?"), form=form)
    taches.lancer(current_app._get_current_object(), simulation_id)  # type: ignore[attr-defined]
    return redirect(url_for("affectation.simulation", simulation_id=simulation_id))


@bp.get("/simulations/<int:simulation_id>/")
@role_required("gestionnaire")
def simulation(simulation_id: int):
    """Progress while it runs; then the figures, both algorithms, the difference with the previous one."""
    sim = simulation_or_404(simulation_id)
    campaign = campagne_or_404(sim.campagne)
    session = get_session()
    bilan = lecture.bilan_de(sim)
    context = {"campaign": campaign, "sim": sim, "bilan": bilan, "interrompue": runs.interrompue(sim),
               "form": ValiderForm(), "erreur": None, "problemes": []}
    if sim.etat == TERMINEE:
        rapports = bilan.get("rapports", {})
        context.update(rangs=lecture.rangs(rapports.values()), par_rang=lecture.par_rang,
                       precedente=lecture.precedente(session, sim), disciplines=lecture.disciplines(session, sim))
        if context["precedente"] is not None:
            context["difference"] = lecture.difference(session, context["precedente"], sim, DA, limite=0)
    return render_template("app/affectation/simulation.html", **context)


@bp.get("/simulations/<int:simulation_id>/etat.json")
@role_required("gestionnaire")
def etat(simulation_id: int):
    """The progress, for the page's small script (the page works without it: « Actualiser »)."""
    sim = simulation_or_404(simulation_id)
    etat_ = "interrompue" if runs.interrompue(sim) else sim.etat
    return jsonify({"etat": etat_, "progression": sim.progression, "etape": sim.etape,
                    "fini": etat_ not in (ATTENTE, EN_COURS)})


def _terminee(simulation_id: int):
    sim = simulation_or_404(simulation_id)
    if sim.etat != TERMINEE:
        refuse(409, MSG_PAS_FINIE)
    return sim, campagne_or_404(sim.campagne)


@bp.get("/simulations/<int:simulation_id>/agents")
@role_required("gestionnaire")
def agents(simulation_id: int):
    """Every demande of the simulated movement with both algorithms' results, 50 a page, by name."""
    sim, campaign = _terminee(simulation_id)
    q = (request.args.get("q") or "").strip()[:100]
    page = _page(request.args.get("page"))
    if page == 0:
        refuse(400, MSG_PAGE.format(page=(request.args.get("page") or "")[:12], pages="plusieurs"))
    total, lignes = lecture.agents(get_session(), sim, q, page)
    pages = max(1, -(-total // lecture.PAR_PAGE))
    if page > pages:
        refuse(400, MSG_PAGE.format(page=page, pages=pages))
    return render_template("app/affectation/agents.html", campaign=campaign, sim=sim, lignes=lignes, total=total,
                           q=q, page=page, pages=pages, referentiel=site_or_404().referentiel)


@bp.get("/simulations/<int:simulation_id>/demandes/<int:demande_id>")
@role_required("gestionnaire")
def explication(simulation_id: int, demande_id: int):
    """One agent: her vœux and barème, each algorithm's result, and why not the vœux above it."""
    sim, campaign = _terminee(simulation_id)
    found = lecture.explication(get_session(), sim, demande_id, site_or_404().referentiel)
    if found is None:
        refuse(404, f"La demande n°{NBSP}{demande_id} ne fait pas partie de cette simulation.")
    return render_template("app/affectation/explication.html", campaign=campaign, sim=sim, e=found,
                           referentiel=site_or_404().referentiel)


@bp.get("/simulations/<int:simulation_id>/barres")
@role_required("gestionnaire")
def barres(simulation_id: int):
    """The barre of each vœu of one discipline under both algorithms."""
    sim, campaign = _terminee(simulation_id)
    session = get_session()
    ref = site_or_404().referentiel
    disciplines = lecture.disciplines(session, sim)
    discipline = (request.args.get("discipline") or (disciplines[0] if disciplines else "")).strip()[:20]
    if disciplines and discipline not in disciplines:
        refuse(400, f"Aucune barre pour la discipline « {discipline} » dans cette simulation{NBSP}: choisissez-en "
                    "une dans la liste.")
    return render_template("app/affectation/barres.html", campaign=campaign, sim=sim, disciplines=disciplines,
                           discipline=discipline, lignes=lecture.barres(session, sim, discipline, ref))


@bp.get("/simulations/<int:simulation_id>/barres.csv")
@role_required("gestionnaire")
def barres_csv(simulation_id: int):
    """The barres in the format of data/barres: next year's history for the comparateur de mobilité."""
    sim, campaign = _terminee(simulation_id)
    algorithme = _algorithme(request.args.get("algorithme"))
    try:
        text = csv_des_barres(get_session(), campaign, sim, algorithme)
    except ValueError as exc:
        refuse(409, f"Export impossible{NBSP}: {exc}")
    name = f"barres-{campaign.slug}-simulation-{sim.numero}-{algorithme}.csv"
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/simulations/<int:simulation_id>/difference")
@role_required("gestionnaire")
def difference(simulation_id: int):
    """What changed from another simulation of the same movement (default: the previous one)."""
    sim, campaign = _terminee(simulation_id)
    session = get_session()
    algorithme = _algorithme(request.args.get("algorithme"))
    avec = request.args.get("avec", "")
    if avec:
        autre = None
        if chiffres(avec) and len(avec) <= 9:
            autre = session.get(Simulation, int(avec))
        if autre is None or autre.campagne != sim.campagne or autre.etat != TERMINEE or autre.id == sim.id \
                or autre.mouvement != sim.mouvement:
            refuse(400, MSG_AVEC)
    else:
        autre = lecture.precedente(session, sim)
        if autre is None:
            refuse(404, f"Aucune simulation terminée de ce mouvement avant la n°{NBSP}{sim.numero}{NBSP}: rien à comparer.")
    avant, apres = (autre, sim) if autre.numero < sim.numero else (sim, autre)
    diff = lecture.difference(session, avant, apres, algorithme)
    autres = [s for s in lecture.simulations_de(session, sim.campagne)
              if s.etat == TERMINEE and s.id != sim.id and s.mouvement == sim.mouvement]
    return render_template("app/affectation/difference.html", campaign=campaign, sim=sim, autre=autre, d=diff,
                           autres=autres, algorithme=algorithme, referentiel=site_or_404().referentiel)


@bp.post("/simulations/<int:simulation_id>/valider")
@form_view
@role_required("gestionnaire")
def valider_simulation(simulation_id: int):
    """The chosen algorithm's results become the campaign's results (not published until « Publier »)."""
    sim = simulation_or_404(simulation_id)
    campaign = campagne_or_404(sim.campagne)
    form = ValiderForm()
    session = get_session()

    def again(status: int, message: str, problemes: list[str] | None = None):
        bilan = lecture.bilan_de(sim)
        context = {"campaign": campaign, "sim": sim, "bilan": bilan, "interrompue": runs.interrompue(sim),
                   "form": form, "erreur": message, "problemes": problemes or []}
        if sim.etat == TERMINEE:
            context.update(rangs=lecture.rangs(bilan.get("rapports", {}).values()), par_rang=lecture.par_rang,
                           precedente=lecture.precedente(session, sim), disciplines=lecture.disciplines(session, sim))
        return render_template("app/affectation/simulation.html", **context), status

    if not form.validate():
        return again(400, form.first_error)
    if etat_saisie(campaign, now()) != "close":
        return again(409, MSG_SAISIE)
    try:
        with write_transaction(session):
            bilan = valider(session, campaign, sim, form.algorithme.data or "", g.account.id, site_or_404().referentiel)
    except ValidationRefusee as refus:
        return again(refus.status, refus.message, refus.problemes)
    except ResultatsRefuses as refus:
        return again(409, f"Les résultats n'ont pas été importés{NBSP}: la zone des résultats les refuse.",
                     refus.problemes[:50])
    flash(f"Simulation n°{NBSP}{sim.numero} validée ({ALGORITHMES[sim.algorithme_valide]}){NBSP}: "
          f"{bilan.crees} résultat(s) ajouté(s), {bilan.modifies} modifié(s), {bilan.inchanges} inchangé(s). "
          "Rien n'est publié tant que vous ne publiez pas.")
    return redirect(url_for("resultats.index", slug=campaign.slug))

