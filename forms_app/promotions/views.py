"""Promotions (SIAP): the teacher's dossier de promotion and its Synthèse, the classe exceptionnelle's
candidature, the evaluators' avis, the recteur's appréciations, the gestionnaires' list of promouvables,
tableau d'avancement, exports and publication."""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, flash, g, jsonify, make_response, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import func, select

from generator.frdates import STATE_LABELS, window_fr

from ..comptes.access import login_required, role_required
from ..core.clock import now
from ..core.content import current_site
from ..core.db import get_session, write_transaction
from ..core.errors import refuse
from ..cv.forms import RUBRIQUES
from ..cv.models import CvEntry
from ..dossier.models import Agent, LigneAffectation
from ..evaluateurs.access import evaluateur_required, portee
from . import exports, gel  # noqa: F401  (gel registers the freezing échéance with the blueprint)
from .candidature import candidature_view
from .lecture import (
    avis_de,
    classement,
    comptes_appreciations,
    comptes_appreciations_en_base,
    dans_la_portee,
    eligibilite_de,
    enregistrer_appreciation,
    enregistrer_avis,
    ouvrir,
    publier,
    situation,
    table_appreciations,
    table_avis,
)
from .loaders import campagne_promotion, load_promouvable, own_promouvable
from .models import AppreciationRecteur, Candidature, DossierFige, Promouvable
from .pdf import synthese_pdf
from .rules import concerne, criteres_departage, lire_vue_appreciations, quotas, refus_quota
from ..core.texte import chiffres

bp = Blueprint("promotions", __name__, url_prefix="/promotions")

# The tabs of the dossier de promotion (seed 004), in order.
ONGLETS: dict[str, str] = {
    "situation": "Situation de carrière",
    "affectations": "Affectations",
    "qualifications": "Qualifications et compétences",
    "activites": "Activités professionnelles",
    "fonctions": "Fonctions et missions",
    "distinctions": "Distinctions honorifiques",
    "synthese": "Synthèse",
}
# The CV's rubriques each tab shows (the parts the teacher completes herself).
CV_DES_ONGLETS: dict[str, tuple[str, ...]] = {
    "qualifications": ("diplomes", "formations", "langues"),
    "activites": ("activites-professionnelles", "activites-personnelles"),
    "fonctions": ("travaux-de-recherche", "publications"),
}
MSG_PHASE_AVIS = "La saisie des avis n'est pas ouverte\u00a0: {etat}. Rien n'a été enregistré."
MSG_PHASE_APPRECIATION = "La saisie des appréciations du recteur n'est pas ouverte\u00a0: {etat}. Rien n'a été enregistré."
MSG_VALEUR = "Valeur inconnue pour {nom}\u00a0: choisissez-en une dans la liste."


def etat_phase(campaign, code: str) -> str | None:
    """a_venir, ouverte or close at the app's clock; None when the campaign has no such phase."""
    phase = campaign.phase(code)
    return phase.state_at(now()) if phase is not None else None


def _etat_texte(campaign, code: str) -> str:
    phase = campaign.phase(code)
    if phase is None:
        return "cette campagne n'a pas cette phase"
    return f"phase {STATE_LABELS[phase.state_at(now())]} ({window_fr(phase.start, phase.end)})"


def avis_visibles(campaign) -> bool:
    """The teacher reads the avis and the appréciation once the consultation phase has begun."""
    return etat_phase(campaign, "consultation") in ("ouverte", "close")


def _phases(campaign):
    moment = now()
    return [(p, window_fr(p.start, p.end), STATE_LABELS[p.state_at(moment)]) for p in campaign.phases]


def _campagnes():
    site = current_site()
    return [c for c in (site.campaigns if site else []) if c.kind == "promotion"]


@bp.get("/")
@login_required
def index():
    """SIAP: the promotion campaigns, with the teacher's eligibility or the staff's pages."""
    db = get_session()
    reach = portee()
    cartes = []
    durees = current_site().referentiel.echelons if current_site() else {}
    for campaign in _campagnes():
        regles = campaign.regles
        carte = {"campaign": campaign, "regles": regles, "phases": _phases(campaign)}
        if reach is None:
            agent = g.agent
            if agent is None:
                abort(404)
            carte["eligibilite"] = eligibilite_de(db, campaign, regles, agent, durees)
            carte["concerne"] = concerne(regles, situation(agent))
            carte["sur_la_liste"] = own_promouvable(campaign) is not None
            carte["candidature"] = any(v.candidature for v in regles.viviers)
            carte["candidature_ouverte"] = etat_phase(campaign, "candidature") == "ouverte"
        else:
            query = dans_la_portee(select(func.count(Promouvable.id)).where(Promouvable.campagne == campaign.slug),
                                   reach)
            carte["nombre"] = db.scalar(query) or 0
        cartes.append(carte)
    if reach is None:  # her campaigns first, the others after (stable: the site's order within each)
        cartes.sort(key=lambda carte: not carte["concerne"])
    return render_template("app/promotions/index.html", cartes=cartes, portee=reach)


# --- the dossier de promotion ------------------------------------------------------------------


def _cv(agent_id: int, rubriques: tuple[str, ...], fige: dict | None):
    """Each rubrique with its entries: from the frozen copy once there is one, else from the CV."""
    if not rubriques:
        return []
    if fige is not None:
        return [(RUBRIQUES[r], fige["cv"].get(r, [])) for r in rubriques]
    entries = get_session().scalars(select(CvEntry).where(CvEntry.agent_id == agent_id,
                                                          CvEntry.rubrique.in_(rubriques))
                                    .order_by(CvEntry.rubrique, CvEntry.rank)).all()
    return [(RUBRIQUES[r], [e for e in entries if e.rubrique == r]) for r in rubriques]


def _dossier_context(campaign, regles, agent: Agent, promouvable: Promouvable | None, onglet: str, own: bool) -> dict:
    if onglet not in ONGLETS:
        abort(404)
    db = get_session()
    site = current_site()
    ref = site.referentiel if site else None
    durees = ref.echelons if ref else {}
    context = {
        "campaign": campaign, "regles": regles, "agent": agent, "promouvable": promouvable, "onglet": onglet,
        "onglets": ONGLETS, "own": own, "aujourd_hui": now(),
        "eligibilite": eligibilite_de(db, campaign, regles, agent, durees),
        "dossier_ouvert": etat_phase(campaign, "dossier") == "ouverte",
        "phase_dossier": campaign.phase("dossier"),
    }
    etab = ref.etablissements.get(agent.affectation_uai) if ref and agent.affectation_uai else None
    context["etablissement"] = etab
    context["discipline"] = ref.disciplines.get(agent.discipline).libelle if ref and agent.discipline in ref.disciplines \
        else agent.discipline
    if onglet == "affectations":
        passees = db.scalars(select(LigneAffectation).where(LigneAffectation.agent_id == agent.id)
                             .order_by(LigneAffectation.debut.desc())).all()
        context["affectations"] = [(a, (ref.etablissements[a.uai].nom if ref and a.uai in ref.etablissements
                                        else a.etablissement or a.uai)) for a in passees]
    frozen = gel.dossier_fige(db, promouvable.id if promouvable is not None else None)
    fige, context["fige_at"] = frozen if frozen is not None else (None, None)
    context["cv"] = _cv(agent.id, CV_DES_ONGLETS.get(onglet, ()), fige)
    if onglet == "fonctions":
        if fige is not None:
            candidature = fige["candidature"]
        else:
            row = db.scalar(select(Candidature).where(Candidature.campagne == campaign.slug,
                                                      Candidature.agent_id == agent.id))
            candidature = None if row is None else {"vivier": row.vivier, "annees": row.annees,
                                                    "fonctions": [c for c in row.fonctions.split(",") if c]}
        context["candidature"] = candidature
        if candidature is not None:
            vivier = regles.vivier(candidature["vivier"])
            labels = {f.code: f.label for f in (vivier.fonctions if vivier else ())}
            context["fonctions"] = [labels.get(code, code) for code in candidature["fonctions"]]
    if onglet == "synthese":
        context.update(_synthese(campaign, regles, promouvable, own))
    return context


def _synthese(campaign, regles, promouvable: Promouvable | None, own: bool) -> dict:
    """« Avis et appréciation »: shown to the teacher once the consultation phase has begun."""
    visible = avis_visibles(campaign) or not own
    out = {"avis_visibles": visible, "consultation": campaign.phase("consultation"), "avis": [],
           "appreciation": None}
    if promouvable is None or not visible:
        return out
    db = get_session()
    given = avis_de(db, promouvable.id)
    out["avis"] = [(e.label, regles.avis_label(given.get(e.code)) or "Non renseigné") for e in regles.evaluateurs]
    appreciation = db.get(AppreciationRecteur, promouvable.id)
    valeur = regles.appreciation(appreciation.valeur) if appreciation else None
    out["appreciation"] = valeur.label if valeur else "Non renseignée"
    out["appreciation_origine"] = appreciation.origine if appreciation is not None and valeur else ""
    return out


@bp.get("/<slug>/dossier/", defaults={"onglet": "situation"})
@bp.get("/<slug>/dossier/<onglet>")
@login_required
def dossier(slug: str, onglet: str):
    """The teacher's own dossier de promotion."""
    campaign, regles = campagne_promotion(slug)
    if g.agent is None:
        abort(404)
    context = _dossier_context(campaign, regles, g.agent, own_promouvable(campaign), onglet, True)
    return render_template("app/promotions/dossier.html", **context)


@bp.get("/<slug>/agents/<int:agent_id>/", defaults={"onglet": "situation"})
@bp.get("/<slug>/agents/<int:agent_id>/<onglet>")
@evaluateur_required
def dossier_agent(slug: str, agent_id: int, onglet: str):
    """A promouvable's dossier de promotion, for an evaluator of her scope, the recteur or a gestionnaire."""
    campaign, regles = campagne_promotion(slug)
    promouvable, agent = load_promouvable(campaign, agent_id)
    context = _dossier_context(campaign, regles, agent, promouvable, onglet, False)
    return render_template("app/promotions/dossier.html", **context)


def _own_synthese(slug: str) -> dict:
    """The context of the teacher's own Synthèse, to print (404 for an account with no dossier)."""
    campaign, regles = campagne_promotion(slug)
    if g.agent is None:
        abort(404)
    return _dossier_context(campaign, regles, g.agent, own_promouvable(campaign), "synthese", True)


@bp.get("/<slug>/synthese/imprimer")
@login_required
def imprimer(slug: str):
    """The Synthèse ready to print (print stylesheet), with its PDF."""
    return render_template("app/promotions/imprimer.html", **_own_synthese(slug))


@bp.get("/<slug>/synthese.pdf")
@login_required
def synthese_pdf_view(slug: str):
    """The same Synthèse as a PDF file."""
    context = _own_synthese(slug)
    response = make_response(synthese_pdf(context))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="synthese-{slug}.pdf"'
    return response


bp.add_url_rule("/<slug>/candidature", "candidature", candidature_view, methods=["GET", "POST"])


# --- evaluators' avis --------------------------------------------------------------------------


def _options(valeurs) -> dict[str, Markup]:
    """The <option>s of a table's select for each current value ("" for none): built once per page, not per
    row (a table of 300 or 10,000 agents)."""
    return {courant: Markup("".join(f'<option value="{escape(v.code)}"{" selected" if v.code == courant else ""}>'
                                    f'{escape(v.label)}</option>' for v in valeurs))
            for courant in ("", *(v.code for v in valeurs))}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _refus(status: int, message: str):
    if _wants_json():
        return jsonify({"ok": False, "message": message}), status
    return refuse(status, message)


def _avis_context(campaign, regles, reach):
    lignes = table_avis(get_session(), campaign, reach)
    comptes = Counter(ln.avis for ln in lignes if ln.avis)
    return lignes, comptes, quotas(regles.avis, len(lignes), comptes, regles.arrondi)


def _choix_envoyes(lignes, prefix: str, valeurs: set[str], actuel, errors: dict[int, str]) -> list:
    """The (line, value) pairs the form changes (fields `<prefix>-<promouvable id>`, "" for none); a value
    outside the campaign's list is written into errors under the promouvable's id."""
    changes = []
    for ln in lignes:
        key = f"{prefix}-{ln.promouvable.id}"
        if key not in request.form:
            continue
        sent = request.form[key].strip() or None
        if sent is not None and sent not in valeurs:
            errors[ln.promouvable.id] = MSG_VALEUR.format(nom=f"{ln.prenom} {ln.nom}")
        elif sent != actuel(ln):
            changes.append((ln, sent))
    return changes


def _valeurs_envoyees(prefix: str) -> dict[int, str]:
    """What the refused form held, by promouvable id, to show it again."""
    start = len(prefix) + 1
    return {int(k[start:]): v for k, v in request.form.items() if k.startswith(prefix + "-") and chiffres(k[start:])}


@bp.route("/<slug>/avis", methods=["GET", "POST"])
@evaluateur_required
def avis(slug: str):
    """A chef d'établissement's or an inspecteur's table of promouvables: one avis each, within the quotas."""
    campaign, regles = campagne_promotion(slug)
    reach = portee()
    if reach is None or reach.evaluateur is None or reach.evaluateur not in {e.code for e in regles.evaluateurs}:
        abort(403)
    status, errors = 200, {}
    if request.method == "POST":
        if etat_phase(campaign, "avis") != "ouverte":
            return _refus(409, MSG_PHASE_AVIS.format(etat=_etat_texte(campaign, "avis")))
        valeurs = {v.code for v in regles.avis}
        db = get_session()
        with write_transaction(db):
            # The scope's lines locked first, then read: two evaluators of one scope (or two tabs) cannot both
            # take the last place of a quota, the second one reads what the first one committed.
            db.execute(dans_la_portee(select(Promouvable.id).where(Promouvable.campagne == campaign.slug), reach)
                       .with_for_update())
            lignes = table_avis(db, campaign, reach)
            changes = _choix_envoyes(lignes, "avis", valeurs, lambda ln: ln.avis, errors)
            counts = Counter(ln.avis for ln in lignes if ln.avis)
            counts.subtract(ln.avis for ln, _ in changes if ln.avis)  # every change frees its old value: a swap fits
            for ln, sent in changes:
                problem = refus_quota(regles.avis, len(lignes), counts, regles.arrondi, sent, None)
                if problem:
                    errors[ln.promouvable.id] = f"{ln.prenom} {ln.nom}\u00a0: {problem}"
                elif sent:
                    counts[sent] += 1
            if errors:
                db.rollback()
            else:
                moment = now()
                for ln, sent in changes:
                    enregistrer_avis(db, ln.promouvable, reach.evaluateur, sent, g.account.id, moment)
        if errors:
            status = 409 if not any("inconnue" in e for e in errors.values()) else 400
            if _wants_json():
                return jsonify({"ok": False, "message": " ".join(errors.values())}), status
        elif _wants_json():  # the quotas as they stand after this save (counts kept up to date above)
            qs = quotas(regles.avis, len(lignes), +counts, regles.arrondi)
            return jsonify({"ok": True, "message": "Avis enregistré.",
                            "quotas": [{"code": q.valeur.code, "utilise": q.utilise, "maximum": q.maximum}
                                       for q in qs]})
        else:
            flash(f"Avis enregistrés ({len(changes)} modification{'s' if len(changes) > 1 else ''}).")
            return redirect(url_for("promotions.avis", slug=slug))
    lignes, comptes, qs = _avis_context(campaign, regles, reach)
    sent_values = _valeurs_envoyees("avis") if errors else {}
    evaluateur = next(e for e in regles.evaluateurs if e.code == reach.evaluateur)
    return render_template("app/promotions/avis.html", campaign=campaign, regles=regles, lignes=lignes, quotas=qs,
                           errors=errors, sent=sent_values, evaluateur=evaluateur, options=_options(regles.avis),
                           ouverte=etat_phase(campaign, "avis") == "ouverte",
                           etat=_etat_texte(campaign, "avis")), status


# --- the recteur's appréciation ------------------------------------------------------------------


def _peut_apprecier():
    reach = portee()
    if reach is None or not reach.apprecie:
        abort(403)
    return reach


@bp.route("/<slug>/appreciations", methods=["GET", "POST"])
@evaluateur_required
def appreciations(slug: str):
    """The recteur's appréciation of each promouvable, with its quotas per échelon of the plage d'appel."""
    campaign, regles = campagne_promotion(slug)
    _peut_apprecier()
    status, errors = 200, {}
    if request.method == "POST":
        if etat_phase(campaign, "appreciation") != "ouverte":
            return _refus(409, MSG_PHASE_APPRECIATION.format(etat=_etat_texte(campaign, "appreciation")))
        valeurs = {v.code for v in regles.appreciations}
        db = get_session()
        with write_transaction(db):
            db.execute(select(Promouvable.id).where(Promouvable.campagne == campaign.slug).with_for_update())
            lignes = table_appreciations(db, campaign)
            par_echelon = comptes_appreciations(lignes)
            changes = _choix_envoyes(lignes, "appreciation", valeurs, lambda ln: ln.appreciation, errors)
            for ln, _ in changes:  # every change frees its old value first: a swap fits
                if ln.appreciation:
                    par_echelon[ln.promouvable.echelon][1][ln.appreciation] -= 1
            for ln, sent in changes:
                n, counts = par_echelon[ln.promouvable.echelon]
                problem = refus_quota(regles.appreciations, n, counts, regles.arrondi, sent, None)
                if problem:
                    errors[ln.promouvable.id] = f"{ln.prenom} {ln.nom} ({ln.promouvable.echelon}e\u00a0échelon)\u00a0: {problem}"
                elif sent:
                    counts[sent] += 1
            if errors:
                db.rollback()
            else:
                moment = now()
                for ln, sent in changes:
                    enregistrer_appreciation(db, ln.promouvable, sent, g.account.id, moment)
        if errors:
            status = 409 if not any("inconnue" in e for e in errors.values()) else 400
            if _wants_json():
                return jsonify({"ok": False, "message": " ".join(errors.values())}), status
        elif _wants_json():
            return jsonify({"ok": True, "message": "Appréciation enregistrée."})
        else:
            flash(f"Appréciations enregistrées ({len(changes)} modification{'s' if len(changes) > 1 else ''}).")
            vue = lire_vue_appreciations(request.args, sorted(par_echelon), len(lignes))  # back to the same rows
            return redirect(url_for("promotions.appreciations", slug=slug,
                                    **({} if isinstance(vue, str) else vue.args())))
    db = get_session()
    par_echelon = comptes_appreciations_en_base(db, campaign)
    total = sum(n for n, _counts in par_echelon.values())
    vue = lire_vue_appreciations(request.args, sorted(par_echelon), total)
    if isinstance(vue, str):
        return _refus(400, vue)
    lignes = table_appreciations(db, campaign, vue.echelon)  # only the rows shown
    groupes = []
    for echelon, (n, counts) in sorted(par_echelon.items()):
        if vue.echelon is not None and echelon != vue.echelon:
            continue
        groupes.append({"echelon": echelon, "nombre": n,
                        "lignes": [ln for ln in lignes if ln.promouvable.echelon == echelon
                                   and not (vue.a_renseigner and ln.appreciation)],
                        "quotas": quotas(regles.appreciations, n, counts, regles.arrondi)})
    sent_values = _valeurs_envoyees("appreciation") if errors else {}
    return render_template("app/promotions/appreciations.html", campaign=campaign, regles=regles, groupes=groupes,
                           vue=vue, echelons=[(e, n) for e, (n, _c) in sorted(par_echelon.items())], total=total,
                           errors=errors, sent=sent_values, options=_options(regles.appreciations),
                           libelles={v.code: v.label for v in regles.avis}, ouverte=etat_phase(campaign, "appreciation") == "ouverte",
                           etat=_etat_texte(campaign, "appreciation")), status


# --- gestionnaires: list of promouvables, tableau, exports, publication ------------------------


@bp.get("/<slug>/gestion")
@role_required("gestionnaire")
def gestion(slug: str):
    campaign, regles = campagne_promotion(slug)
    db = get_session()
    nombre = db.scalar(select(func.count(Promouvable.id)).where(Promouvable.campagne == campaign.slug)) or 0
    publies = db.scalar(select(func.count(Promouvable.id)).where(Promouvable.campagne == campaign.slug,
                                                                 Promouvable.publie_at.is_not(None))) or 0
    figes = db.scalar(select(func.count(DossierFige.promouvable_id)).join(
        Promouvable, Promouvable.id == DossierFige.promouvable_id).where(Promouvable.campagne == campaign.slug)) or 0
    return render_template("app/promotions/gestion.html", campaign=campaign, regles=regles, nombre=nombre,
                           publies=publies, figes=figes, phase_dossier=campaign.phase("dossier"),
                           phases=_phases(campaign), ouvrable=etat_phase(campaign, "avis") != "close",
                           publiable=etat_phase(campaign, "tableau") in ("ouverte", "close"))


@bp.post("/<slug>/ouvrir")
@role_required("gestionnaire")
def ouvrir_view(slug: str):
    """Establish (or bring up to date) the list of promouvables from the dossiers."""
    campaign, regles = campagne_promotion(slug)
    if etat_phase(campaign, "avis") == "close":
        refuse(409, "La phase des avis est close\u00a0: la liste des promouvables ne peut plus changer.")
    db = get_session()
    with write_transaction(db):
        added, removed, total = ouvrir(db, campaign, regles, current_site().referentiel.echelons, now(), g.account.id)
    flash(f"Liste des promouvables établie\u00a0: {total} promouvable{'s' if total > 1 else ''} "
          f"({added} ajouté{'s' if added > 1 else ''}, {removed} retiré{'s' if removed > 1 else ''}).")
    return redirect(url_for("promotions.gestion", slug=slug))


@bp.get("/<slug>/tableau")
@role_required("gestionnaire")
def tableau_view(slug: str):
    campaign, regles = campagne_promotion(slug)
    lignes = classement(get_session(), campaign, regles)
    return render_template("app/promotions/tableau.html", campaign=campaign, regles=regles, lignes=lignes,
                           promus=sum(1 for ln in lignes if ln.promu), departage=criteres_departage(regles))


@bp.get("/<slug>/tableau.<fmt>")
@role_required("gestionnaire")
def tableau_export(slug: str, fmt: str):
    campaign, regles = campagne_promotion(slug)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    lignes = classement(get_session(), campaign, regles)
    body, mimetype = exports.tableau_csv(regles, lignes) if fmt == "csv" else exports.tableau_xlsx(regles, lignes)
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="tableau-{campaign.slug}.{fmt}"'
    return response


@bp.post("/<slug>/publier")
@role_required("gestionnaire")
def publier_view(slug: str):
    """Each promouvable's result in her courrier, once (idempotent)."""
    campaign, regles = campagne_promotion(slug)
    if etat_phase(campaign, "tableau") not in ("ouverte", "close"):
        refuse(409, f"Les résultats ne peuvent être publiés qu'à partir de la phase du tableau d'avancement\u00a0: "
                    f"{_etat_texte(campaign, 'tableau')}.")
    db = get_session()
    with write_transaction(db):
        sent = publier(db, campaign, regles, now(), g.account.id)
    flash(f"Résultats publiés\u00a0: {sent} message{'s' if sent > 1 else ''} envoyé{'s' if sent > 1 else ''} dans le courrier.")
    return redirect(url_for("promotions.gestion", slug=slug))


@bp.app_template_filter("paris")
def _paris(value) -> str:
    """« 16/03/2027 à 10:00 », Paris time (stored date-times come back in UTC)."""
    from generator.model import PARIS

    return "" if value is None else value.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")
