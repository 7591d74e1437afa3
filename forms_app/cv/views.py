"""CV: rubriques of entries the teacher adds, edits, deletes and orders, and a print-ready edition."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..comptes.access import login_required, role_required
from ..core import audit
from ..core.clock import now
from ..core.db import get_session, write_transaction
from ..core.security import form_view
from ..dossier.loaders import load_dossier, load_own_agent
from ..dossier.models import Agent
from .forms import NIVEAUX, RUBRIQUES, ButtonForm, CvEntryForm, Rubrique
from .loaders import load_cv_entry
from .models import CvEntry

bp = Blueprint("cv", __name__, url_prefix="/cv")

MAX_ENTRIES = 50


def _rubrique(slug: str) -> Rubrique:
    rubrique = RUBRIQUES.get(slug)
    if rubrique is None:
        abort(404)
    return rubrique


def _entries(
    session: Session, agent_id: int, rubrique: str | None = None, *, lock: bool = False
) -> list[CvEntry]:
    """Entries in display order; lock=True inside a write so two moves cannot interleave."""
    query = select(CvEntry).where(CvEntry.agent_id == agent_id)
    if rubrique is not None:
        query = query.where(CvEntry.rubrique == rubrique)
    query = query.order_by(CvEntry.rubrique, CvEntry.rank, CvEntry.id)
    if lock:
        query = query.with_for_update()
    return list(session.scalars(query))


def _renumber(entries: list[CvEntry]) -> None:
    """Ranks 1..n in list order, without gaps."""
    for position, entry in enumerate(entries, start=1):
        if entry.rank != position:
            entry.rank = position


def _by_rubrique(entries: list[CvEntry]) -> dict[str, list[CvEntry]]:
    grouped: dict[str, list[CvEntry]] = {slug: [] for slug in RUBRIQUES}
    for entry in entries:
        grouped.setdefault(entry.rubrique, []).append(entry)
    return grouped


@bp.get("/")
@login_required
def index():
    """Overview of the CV: each rubrique and how many entries it holds."""
    agent = load_own_agent()
    grouped = _by_rubrique(_entries(get_session(), agent.id))
    return render_template("app/cv/index.html", rubriques=RUBRIQUES, grouped=grouped, courante=None)


@bp.get("/<slug>/")
@login_required
def rubrique(slug: str):
    """The entries of one rubrique, with edit, delete and move buttons."""
    rubrique = _rubrique(slug)
    agent = load_own_agent()
    entries = _entries(get_session(), agent.id, slug)
    return render_template("app/cv/rubrique.html", rubriques=RUBRIQUES, rubrique=rubrique,
                           courante=slug, entries=entries, button=ButtonForm(), niveaux=NIVEAUX)


def _form_page(form: CvEntryForm, entry: CvEntry | None, status: int = 200):
    return render_template("app/cv/entree.html", rubriques=RUBRIQUES, rubrique=form.rubrique,
                           courante=form.rubrique.slug, form=form, entry=entry), status


@bp.route("/<slug>/ajouter", methods=["GET", "POST"])
@login_required
@form_view
def ajouter(slug: str):
    """Add an entry at the end of a rubrique."""
    rubrique = _rubrique(slug)
    agent = load_own_agent()
    form = CvEntryForm(rubrique=rubrique)
    if request.method == "GET":
        return _form_page(form, None)
    if not form.validate():
        return _form_page(form, None, 400)
    session = get_session()
    with write_transaction(session):
        entries = _entries(session, agent.id, slug, lock=True)
        if len(entries) >= MAX_ENTRIES:
            form.intitule.errors.append(
                f"Cette rubrique compte déjà {MAX_ENTRIES} entrées, le maximum : "
                "supprimez-en une avant d'en ajouter."
            )
        else:
            _renumber(entries)
            entry = CvEntry(agent_id=agent.id, rubrique=slug, rank=len(entries) + 1,
                            updated_at=now(), **form.values())
            session.add(entry)
            session.flush()
            audit.record(session, actor_id=g.account.id, action="cv.ajout",
                         target=f"cv_entry:{entry.id}", after=entry.snapshot())
    if form.intitule.errors:
        return _form_page(form, None, 400)
    flash("L'entrée a été ajoutée à votre CV.", "success")
    return redirect(url_for("cv.rubrique", slug=slug))


@bp.route("/entrees/<int:entry_id>/modifier", methods=["GET", "POST"])
@login_required
@form_view
def modifier(entry_id: int):
    """Edit one entry of the teacher's own CV."""
    entry = load_cv_entry(entry_id)
    rubrique = RUBRIQUES[entry.rubrique]
    if request.method == "GET":
        form = CvEntryForm(rubrique=rubrique, data={
            "intitule": entry.intitule,
            "organisme": entry.organisme,
            "annee_debut": "" if entry.annee_debut is None else str(entry.annee_debut),
            "annee_fin": "" if entry.annee_fin is None else str(entry.annee_fin),
            "niveau": entry.niveau,
            "precisions": entry.precisions,
        })
        return _form_page(form, entry)
    form = CvEntryForm(rubrique=rubrique)
    if not form.validate():
        return _form_page(form, entry, 400)
    session = get_session()
    with write_transaction(session):
        entry = session.merge(entry)
        before = entry.snapshot()
        for name, value in form.values().items():
            setattr(entry, name, value)
        entry.updated_at = now()
        audit.record(session, actor_id=g.account.id, action="cv.modification",
                     target=f"cv_entry:{entry.id}", before=before, after=entry.snapshot())
    flash("L'entrée a été modifiée.", "success")
    return redirect(url_for("cv.rubrique", slug=entry.rubrique))


@bp.route("/entrees/<int:entry_id>/supprimer", methods=["GET", "POST"])
@login_required
def supprimer(entry_id: int):
    """Ask for confirmation (GET), then delete the entry and close the gap in the ranks (POST)."""
    entry = load_cv_entry(entry_id)
    form = ButtonForm()
    if request.method == "GET":
        return render_template("app/cv/supprimer.html", rubriques=RUBRIQUES,
                               rubrique=RUBRIQUES[entry.rubrique], courante=entry.rubrique,
                               entry=entry, form=form, niveaux=NIVEAUX)
    if not form.validate():
        abort(400)
    session = get_session()
    with write_transaction(session):
        entry = session.merge(entry)
        before = entry.snapshot()
        session.delete(entry)
        session.flush()
        _renumber(_entries(session, entry.agent_id, entry.rubrique, lock=True))
        audit.record(session, actor_id=g.account.id, action="cv.suppression",
                     target=f"cv_entry:{entry_id}", before=before)
    flash("L'entrée a été supprimée.", "success")
    return redirect(url_for("cv.rubrique", slug=before["rubrique"]))


def _move(entry_id: int, step: int):
    entry = load_cv_entry(entry_id)
    if not ButtonForm().validate():
        abort(400)
    session = get_session()
    moved = False
    with write_transaction(session):
        entries = _entries(session, entry.agent_id, entry.rubrique, lock=True)
        ids = [e.id for e in entries]
        index = ids.index(entry.id) if entry.id in ids else -1
        target = index + step
        if index >= 0 and 0 <= target < len(entries):
            before = {e.id: e.rank for e in entries}
            entries[index], entries[target] = entries[target], entries[index]
            _renumber(entries)
            audit.record(session, actor_id=g.account.id, action="cv.deplacement",
                         target=f"cv_entry:{entry.id}",
                         before={"rangs": before}, after={"rangs": {e.id: e.rank for e in entries}})
            moved = True
        else:
            _renumber(entries)
    if moved:
        flash("L'ordre de la rubrique a été modifié.", "success")
    else:
        flash("Cette entrée est déjà " + ("en tête." if step < 0 else "en dernière position."), "info")
    return redirect(url_for("cv.rubrique", slug=entry.rubrique) + f"#entree-{entry.id}")


@bp.post("/entrees/<int:entry_id>/monter")
@login_required
def monter(entry_id: int):
    """Move an entry one place up (▲)."""
    return _move(entry_id, -1)


@bp.post("/entrees/<int:entry_id>/descendre")
@login_required
def descendre(entry_id: int):
    """Move an entry one place down (▼)."""
    return _move(entry_id, +1)


def _edition(agent: Agent, identifiant_view: bool):
    grouped = _by_rubrique(_entries(get_session(), agent.id))
    return render_template("app/cv/edition.html", agent=agent, rubriques=RUBRIQUES, grouped=grouped,
                           niveaux=NIVEAUX, date_edition=now().date(), gestion=identifiant_view)


@bp.get("/edition")
@login_required
def edition():
    """"Édition du CV": the whole CV on one print-ready page."""
    return _edition(load_own_agent(), False)


@bp.get("/agents/<int:agent_id>/edition")
@login_required
@role_required("gestionnaire")
def edition_agent(agent_id: int):
    """A teacher's CV, read by a gestionnaire."""
    return _edition(load_dossier(agent_id), True)
