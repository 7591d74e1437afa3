"""Dossier: the tabs of seed 003 (Synthèse … Situation particulière), phones and signalements."""
from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from generator.model import PARIS, is_valid_uai, uai_check_letter

from ..comptes.access import login_required, role_required
from ..comptes.models import Account
from ..core import audit
from ..core.clock import now
from ..core.content import current_site, libelle_discipline
from ..core.db import get_session, write_transaction
from ..core.fields import normaliser_telephone, parse_date
from ..core.pdfcheck import taille
from ..core.security import form_view
from ..core.texte import plain
from ..courrier.messages import pieces_of, send_message
from ..courrier.pieces import MAX_BYTES, PiecesRefusees, lire_pieces
from .forms import (
    MISE_A_JOUR_FORMS,
    RUBRIQUES_MISE_A_JOUR,
    RUBRIQUES_SIGNALEMENT,
    SANS_DISCIPLINE,
    ListeAgentsForm,
    PersoForm,
    SignalementForm,
)
from .loaders import load_dossier, load_own_agent, load_signalement
from .models import Agent, LigneAffectation, LigneCarriere
from .recherche import identifiant_contient, nom_ou_numen
from .rules import Etat, Periode, anciennetes, entree_dans_le_corps, entree_dans_le_grade, periodes_carriere
from ..core.texte import chiffres

bp = Blueprint("dossier", __name__, url_prefix="/dossier")
NBSP = "\u00a0"

ONGLETS: dict[str, str] = {
    "synthese": "Synthèse",
    "perso": "Perso",
    "carriere": "Carrière",
    "affectations": "Affectations",
    "anciennetes": "Anciennetés",
    "situation": "Situation particulière",
}
PERSO_FIELDS = ("telephone", "portable", "mail_perso")


def statut_de(agent: Agent) -> str:
    """The statut line of the seed's "situation administrative", derived from the corps and grade."""
    text = f"{agent.corps} {agent.grade}".lower()
    if "contractuel" in text:
        return "Agent contractuel"
    if "stagiaire" in text:
        return "Fonctionnaire stagiaire de l'Éducation nationale"
    return "Fonctionnaire de l'Éducation nationale"


def _nom_etablissement(ref, uai: str, libelle: str = "") -> str:
    """« Collège Vercingétorix, Montluçon » from the référentiel, else the label the import gave, else the UAI."""
    etab = ref.etablissements.get(uai) if ref and uai else None
    if etab is None:
        return libelle or f"Établissement {uai}"
    commune = ref.communes.get(etab.commune)
    return f"{etab.nom}, {commune.libelle if commune else etab.commune}"


def carriere_de(agent: Agent) -> tuple[list[Periode], list[LigneAffectation]]:
    """The agent's career as periods (the current state last) and her past affectations, oldest first."""
    session = get_session()
    lignes = session.scalars(select(LigneCarriere).where(LigneCarriere.agent_id == agent.id))
    passe = [Etat(x.debut, x.corps, x.grade, x.echelon, x.position) for x in lignes]
    actuel = Etat(agent.echelon_depuis, agent.corps, agent.grade, agent.echelon, agent.position or "en activité")
    affectations = list(session.scalars(
        select(LigneAffectation).where(LigneAffectation.agent_id == agent.id).order_by(LigneAffectation.debut)))
    return periodes_carriere(passe, actuel), affectations


def _context(agent: Agent, onglet: str) -> dict:
    """Everything the tab shows about one agent, with codes resolved through the référentiel."""
    site = current_site()
    ref = site.referentiel if site is not None else None
    etab = ref.etablissements.get(agent.affectation_uai) if ref and agent.affectation_uai else None
    commune_etab = ref.communes.get(etab.commune) if ref and etab else None
    discipline = ref.disciplines.get(agent.discipline) if ref and agent.discipline else None
    jour = now().date()
    context = {
        "agent": agent,
        "aujourd_hui": jour,
        "statut": statut_de(agent),
        "etab": etab,
        "commune_etab": commune_etab.libelle if commune_etab else (etab.commune if etab else ""),
        "discipline": discipline.libelle if discipline else agent.discipline,
        "onglets": ONGLETS,
        "own": getattr(g, "agent", None) is not None and g.agent.id == agent.id,
    }
    if onglet in ("carriere", "affectations", "anciennetes"):
        periodes, affectations = carriere_de(agent)
        context["periodes"] = list(reversed(periodes))  # newest first, as the tabs show them
        context["affectations_passees"] = [
            {"ligne": a, "etablissement": _nom_etablissement(ref, a.uai, a.etablissement)}
            for a in reversed(affectations)
        ]
        context["anciennetes"] = anciennetes(
            date_naissance=agent.date_naissance,
            echelon_depuis=agent.echelon_depuis,
            affectation_depuis=agent.affectation_depuis,
            jour=jour,
            services_depuis=agent.services_depuis,
            corps_depuis=agent.corps_depuis or entree_dans_le_corps(periodes, agent.corps),
            grade_depuis=entree_dans_le_grade(periodes, agent.corps, agent.grade),
            periodes=periodes,
        )
    return context


def _render(agent: Agent, onglet: str, status: int = 200, *, form=None, identifiant=None):
    if onglet not in ONGLETS:
        abort(404)
    return render_template(
        f"app/dossier/{onglet}.html", onglet=onglet, form=form, identifiant=identifiant,
        **_context(agent, onglet),
    ), status


@bp.get("/")
@login_required
def synthese():
    """The Synthèse tab of the teacher's own dossier; gestionnaires go to the dossier search."""
    if g.account.role == "gestionnaire" and getattr(g, "agent", None) is None:
        return redirect(url_for("dossier.agents"))
    return _render(load_own_agent(), "synthese")


@bp.get("/<onglet>")
@login_required
def onglet(onglet: str):
    """One tab of the logged-in teacher's own dossier."""
    agent = load_own_agent()
    return _render(agent, onglet, form=PersoForm(obj=agent) if onglet == "perso" else None)


@bp.post("/perso")
@login_required
@form_view
def perso():
    """Change phones and personal mail: the only fields a teacher writes in the dossier."""
    agent = load_own_agent()
    form = PersoForm()
    if not form.validate():
        return _render(agent, "perso", 400, form=form)
    values = {
        "telephone": normaliser_telephone(form.telephone.data) if form.telephone.data else "",
        "portable": normaliser_telephone(form.portable.data) if form.portable.data else "",
        "mail_perso": form.mail_perso.data or "",
    }
    before = {name: getattr(agent, name) or "" for name in PERSO_FIELDS}
    if values == before:
        flash("Aucune modification : vos coordonnées sont inchangées.", "info")
        return redirect(url_for("dossier.onglet", onglet="perso"))
    session = get_session()
    with write_transaction(session):
        agent = session.merge(agent)
        for name, value in values.items():
            setattr(agent, name, value)
        agent.updated_at = now()
        audit.record(session, actor_id=g.account.id, action="dossier.perso",
                     target=f"agent:{agent.id}", before=before, after=values)
    flash("Vos coordonnées ont été enregistrées.", "success")
    return redirect(url_for("dossier.onglet", onglet="perso"))


@bp.route("/signaler", methods=["GET", "POST"])
@login_required
@form_view
def signaler():
    """Send a structured change of situation to the gestionnaires' courrier."""
    agent = load_own_agent()
    form = SignalementForm()
    if request.method == "GET":
        if request.args.get("rubrique") in RUBRIQUES_SIGNALEMENT:
            form.rubrique.data = request.args["rubrique"]
        return _signaler_page(form, agent)
    if not form.validate():
        return _signaler_page(form, agent, 400)
    try:
        pieces = lire_pieces([form.justificatif.data], maximum=1)
    except PiecesRefusees as refus:
        form.justificatif.errors = [refus.message]
        return _signaler_page(form, agent, refus.status)
    session = get_session()
    libelle = RUBRIQUES_SIGNALEMENT[form.rubrique.data]
    with write_transaction(session):
        send_message(
            session,
            to_role="gestionnaire",
            sender_account_id=g.account.id,
            subject=f"Changement de situation : {libelle.lower()}",
            body=form.description.data,
            kind="signalement",
            rubrique=form.rubrique.data,
            date_effet=form.date_effet_value,
            pieces=pieces,
        )
    flash("Votre signalement a été transmis à votre gestionnaire ; il figure dans votre courrier.",
          "success")
    return redirect(url_for("dossier.onglet", onglet="situation"))


PAR_PAGE = 50
MSG_ETAB_INCONNU = (
    f"Aucun établissement ne correspond à «{NBSP}{{texte}}{NBSP}»{NBSP}: saisissez son UAI (par exemple 0630021F) "
    "ou une partie de son nom."
)


def _etablissements(ref, texte: str) -> tuple[list[str], str | None]:
    """The UAIs an établissement filter names (an UAI, or part of a name), or the message to show."""
    code = texte.upper()
    if re.fullmatch(r"\d{7}[A-Z]", code):
        if not is_valid_uai(code):
            expected = uai_check_letter(int(code[:7]))
            return [], (f"L'UAI «{NBSP}{code}{NBSP}» n'est pas valide{NBSP}: sa lettre de contrôle devrait être "
                        f"«{NBSP}{expected}{NBSP}» ({code[:7]}{expected}).")
        return [code], None
    wanted = plain(texte)
    found = sorted(uai for uai, etab in (ref.etablissements.items() if ref else ()) if wanted in plain(etab.nom))
    return found, None if found else MSG_ETAB_INCONNU.format(texte=texte)


def _disciplines_choices(session) -> list[tuple[str, str]]:
    """The disciplines of the dossiers, by name, then « Sans discipline » when some have none."""
    codes = set(session.scalars(select(Agent.discipline).distinct()))
    named = sorted(((code, libelle_discipline(code)) for code in codes if code), key=lambda c: plain(c[1]))
    choices = [("", "Toutes les disciplines"), *named]
    if "" in codes or None in codes:
        choices.append((SANS_DISCIPLINE, "Sans discipline"))
    return choices


def _page_number(text: str | None) -> int | None:
    if text is None or text == "":
        return 1
    return int(text) if chiffres(text) and 0 < len(text) <= 6 and int(text) >= 1 else None


def _signaler_page(form: SignalementForm, agent: Agent, status: int = 200):
    return render_template("app/dossier/signaler.html", form=form, agent=agent, onglets=ONGLETS,
                           consigne_piece=f"PDF de {taille(MAX_BYTES)} au plus"), status


# --- a gestionnaire updates the dossier from a signalement --------------------------------------------

CHAMPS_MISE_A_JOUR: dict[str, tuple[str, ...]] = {
    "adresse": ("adresse", "code_postal", "commune"),
    "situation_familiale": ("situation_familiale",),
    "enfants": ("enfants",),
    "carriere": ("corps", "grade", "echelon", "echelon_depuis", "position"),
}


def _texte(value) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


def _valeurs(form, rubrique: str) -> dict:
    """The typed values of a valid update form."""
    values = {}
    for name in CHAMPS_MISE_A_JOUR[rubrique]:
        text = getattr(form, name).data or ""
        if name in ("enfants", "echelon"):
            values[name] = int(text)
        elif name == "echelon_depuis":
            values[name] = parse_date(text)
        else:
            values[name] = text
    return values


def _mise_a_jour_page(signalement, agent, rubrique, form, status: int = 200, erreur: str | None = None):
    pieces = pieces_of(get_session(), [signalement.id]).get(signalement.id, [])
    return render_template(
        "app/dossier/mise_a_jour.html", signalement=signalement, agent=agent, rubrique=rubrique, form=form,
        rubriques=RUBRIQUES_MISE_A_JOUR, rubrique_signalee=RUBRIQUES_SIGNALEMENT.get(signalement.rubrique or "", ""),
        pieces=pieces, erreur=erreur,
    ), status


@bp.route("/signalements/<int:message_id>/mise-a-jour", methods=["GET", "POST"])
@role_required("gestionnaire")
@form_view
def mise_a_jour(message_id: int):
    """Update the dossier field a signalement concerns, then tell the teacher in the signalement's thread."""
    signalement, agent, teacher = load_signalement(message_id)
    asked = request.args.get("rubrique")
    if asked is not None and asked not in RUBRIQUES_MISE_A_JOUR:
        return _mise_a_jour_page(
            signalement, agent, None, None, 400,
            erreur=f"Rubrique «{NBSP}{asked[:40]}{NBSP}» inconnue{NBSP}: choisissez-en une dans la liste ci-dessous.")
    rubrique = asked or (signalement.rubrique if signalement.rubrique in RUBRIQUES_MISE_A_JOUR else None)
    if rubrique is None:  # « Autre »: the gestionnaire says which part of the dossier changes
        if request.method == "POST":
            return _mise_a_jour_page(signalement, agent, None, None, 400,
                                     erreur=f"Choisissez d'abord la rubrique à mettre à jour{NBSP}.")
        return _mise_a_jour_page(signalement, agent, None, None)
    form_class = MISE_A_JOUR_FORMS[rubrique]
    names = CHAMPS_MISE_A_JOUR[rubrique]
    if request.method == "GET":
        current = {name: _texte(getattr(agent, name)) for name in names}
        if rubrique == "carriere" and signalement.date_effet:
            current["echelon_depuis"] = _texte(signalement.date_effet)  # the date the teacher gave
        if "echelon" in current:
            current["echelon"] = f"{agent.echelon}"
        return _mise_a_jour_page(signalement, agent, rubrique, form_class(data=current))
    form = form_class()
    if not form.validate():
        return _mise_a_jour_page(signalement, agent, rubrique, form, 400)
    values = _valeurs(form, rubrique)
    before = {name: getattr(agent, name) for name in names}
    if values == before:
        return _mise_a_jour_page(signalement, agent, rubrique, form, 400,
                                 erreur=f"Aucun changement{NBSP}: les valeurs saisies sont déjà celles du dossier.")
    etat_change = rubrique == "carriere" and any(
        values[k] != before[k] for k in ("corps", "grade", "echelon", "position"))
    if etat_change and before["echelon_depuis"] and values["echelon_depuis"] <= before["echelon_depuis"]:
        form.echelon_depuis.errors = [
            f"La date d'effet doit suivre le {_texte(before['echelon_depuis'])}, début de la situation actuelle "
            f"(qui passe dans l'historique){NBSP}: corrigez-la."]
        return _mise_a_jour_page(signalement, agent, rubrique, form, 400)
    labels = {name: getattr(form, name).label.text for name in names}
    changes = [f"- {labels[k]}{NBSP}: {_texte(before[k]) or 'non renseigné'} → {_texte(values[k]) or 'non renseigné'}"
               for k in names if values[k] != before[k]]
    session = get_session()
    with write_transaction(session):
        agent = session.merge(agent)
        if etat_change and before["echelon_depuis"] is not None:
            exists = session.scalar(select(LigneCarriere.id).where(
                LigneCarriere.agent_id == agent.id, LigneCarriere.debut == before["echelon_depuis"]))
            if exists is None:  # the state that ends goes into the history
                session.add(LigneCarriere(agent_id=agent.id, debut=before["echelon_depuis"], corps=before["corps"],
                                          grade=before["grade"], echelon=before["echelon"],
                                          position=before["position"] or "en activité"))
        for name, value in values.items():
            setattr(agent, name, value)
        agent.updated_at = now()
        audit.record(session, actor_id=g.account.id, action="dossier.mise_a_jour", target=f"agent:{agent.id}",
                     before={"signalement": signalement.id, **{k: _texte(v) for k, v in before.items()}},
                     after={"signalement": signalement.id, **{k: _texte(v) for k, v in values.items()}})
        send_message(
            session, to_account_id=teacher.id, sender_account_id=g.account.id, kind="dossier",
            thread_id=signalement.id, subject="Votre dossier a été mis à jour",
            body=(f"À la suite de votre signalement du {signalement.created_at.astimezone(PARIS):%d/%m/%Y}, "
                  f"votre dossier a été mis à jour (rubrique {RUBRIQUES_MISE_A_JOUR[rubrique].lower()}){NBSP}:\n"
                  + "\n".join(changes)),
        )
    flash(f"Le dossier de {agent.nom_complet} a été mis à jour{NBSP}; l'agent en est informé dans son courrier.",
          "success")
    return redirect(url_for("courrier.lire", message_id=signalement.id))


@bp.get("/agents/")
@login_required
@role_required("gestionnaire")
def agents():
    """Every dossier, 50 a page, with filters kept in the URL (gestionnaires)."""
    session = get_session()
    site = current_site()
    ref = site.referentiel if site is not None else None
    form = ListeAgentsForm(formdata=request.args, meta={"csrf": False})
    form.discipline.choices = _disciplines_choices(session)
    valid = form.validate()
    for field in (form.q, form.etablissement):
        if field.errors and field.data:  # shown again in the form: without the invisible characters
            field.data = "".join(c for c in field.data if c.isprintable())
    uais: list[str] | None = None
    if valid and form.etablissement.data:
        uais, problem = _etablissements(ref, form.etablissement.data)
        if problem:
            form.etablissement.errors = [problem]
            valid = False
    page = _page_number(request.args.get("page"))
    if valid and page is None:
        page_error = (f"La page «{NBSP}{request.args.get('page', '')[:20]}{NBSP}» n'existe pas{NBSP}: indiquez un "
                      "numéro de page (1, 2…).")
        valid = False
    else:
        page_error = None
    if not valid:
        return render_template("app/dossier/agents.html", form=form, rows=[], total=0, page=1, pages=1,
                               page_error=page_error, liens={}, filtre=False), 400

    conditions = []
    if form.q.data:
        conditions.append(or_(nom_ou_numen(form.q.data, Agent.recherche, Agent.numen),
                              identifiant_contient(form.q.data, Account.identifiant)))
    if form.discipline.data == SANS_DISCIPLINE:
        conditions.append(or_(Agent.discipline == "", Agent.discipline.is_(None)))
    elif form.discipline.data:
        conditions.append(Agent.discipline == form.discipline.data)
    if uais is not None:
        conditions.append(Agent.affectation_uai.in_(uais))
    base = select(Agent, Account.identifiant).outerjoin(Account, Account.agent_id == Agent.id).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // PAR_PAGE))
    if page > pages:
        return render_template(
            "app/dossier/agents.html", form=form, rows=[], total=0, page=1, pages=1, liens={}, filtre=False,
            page_error=f"La page {page} n'existe pas{NBSP}: la liste en compte {pages}. Revenez à la page 1.",
        ), 400
    descending = form.tri.data == "nom-desc"
    order = [func.lower(Agent.nom), func.lower(Agent.prenom), Agent.id]
    query = base.order_by(*(c.desc() if descending else c for c in order))
    rows = list(session.execute(query.offset((page - 1) * PAR_PAGE).limit(PAR_PAGE)))
    kept = {name: value for name, value in (
        ("q", form.q.data), ("discipline", form.discipline.data), ("etablissement", form.etablissement.data),
        ("tri", form.tri.data if form.tri.data != "nom" else ""),
    ) if value}
    liens = {
        "precedente": url_for("dossier.agents", **kept, page=page - 1) if page > 1 else None,
        "suivante": url_for("dossier.agents", **kept, page=page + 1) if page < pages else None,
    }
    etabs = {uai: ref.etablissements.get(uai) for uai in {a.affectation_uai for a, _i in rows}} if ref else {}
    return render_template("app/dossier/agents.html", form=form, rows=rows, total=total, page=page, pages=pages,
                           page_error=None, liens=liens, etabs=etabs, filtre=bool(kept.keys() - {"tri"}))


@bp.get("/agents/<int:agent_id>/", defaults={"onglet": "synthese"})
@bp.get("/agents/<int:agent_id>/<onglet>")
@login_required
def agent_onglet(agent_id: int, onglet: str):
    """One tab of a teacher's dossier, read by a gestionnaire (a teacher reaches only their own)."""
    agent = load_dossier(agent_id)
    identifiant = get_session().scalar(select(Account.identifiant).where(Account.agent_id == agent.id))
    return _render(agent, onglet, identifiant=identifiant)
