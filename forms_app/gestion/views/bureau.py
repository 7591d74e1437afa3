"""The desk: the campaigns, then the demandes of one campaign with filters in the URL, counts per
filter, sorting and paging."""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Response, current_app, g, render_template, request, url_for
from flask import session as browser_session

from generator.frdates import NBSP

from ...comptes.access import role_required
from ...core.clock import now
from ...core.content import site_generation
from ...core.db import get_session, read_connection
from ...core.pagecache import PageCache
from ...mobilite.rules.bareme import etat_bareme
from ...mobilite.rules.fenetre import etat_saisie
from .. import requetes
from ..loaders import campagne_or_404, site_or_404
from ..rules import CORRECTIONS, ETATS, LETTRES, PAR_PAGE, PIECES, TRIS, lire_filtres
from . import bp


class _Lectures:
    """What the desk's list reads (counts per filter, a page of a filtered list), kept per worker while
    the database's generation (requetes.generation: the audit log's last id, and on PostgreSQL the
    oldest running transaction) and the content stay the same: every write of the app is audited, so
    the database itself says when a kept result is stale, whatever the number of workers and servers."""

    ENTREES = 512  # pages of filtered lists kept per worker (least recently used dropped)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._comptes: dict[str, tuple[tuple, dict]] = {}
        self._pages: OrderedDict[tuple, tuple] = OrderedDict()

    @staticmethod
    def cle() -> tuple:
        return (*requetes.generation(read_connection()), site_generation())

    def comptes(self, session, campaign, cle: tuple) -> dict:
        with self._lock:
            kept = self._comptes.get(campaign.slug)
        if kept is not None and kept[0] == cle:
            return kept[1]
        counts = requetes.comptes(session, campaign)
        with self._lock:
            self._comptes[campaign.slug] = (cle, counts)
        return counts

    def page(self, session, campaign, f, cle: tuple) -> tuple:
        key = (campaign.slug, tuple(sorted(f.params(page=f.page).items())))
        with self._lock:
            kept = self._pages.get(key)
            if kept is not None and kept[0] == cle:
                self._pages.move_to_end(key)
                return kept[1]
        result = requetes.page_de(session, campaign, f)
        with self._lock:
            self._pages[key] = (cle, result)
            self._pages.move_to_end(key)
            while len(self._pages) > self.ENTREES:
                self._pages.popitem(last=False)
        return result


@bp.record_once
def _lectures(state) -> None:
    state.app.extensions["carriere_gestion_lectures"] = _Lectures()
    state.app.extensions["carriere_gestion_pages"] = PageCache(state.app.config.get("PAGE_CACHE_ENTRIES", 2000))


@bp.get("/")
@role_required("gestionnaire")
def index():
    """« Mutations »: each campaign, the state of its phases and of its demandes."""
    session = get_session()
    moment = now()
    campagnes = []
    lectures = current_app.extensions["carriere_gestion_lectures"]
    cle = lectures.cle()
    for campaign in site_or_404().campaigns:
        if not campaign.is_mobilite:
            continue  # promotions and rendez-vous de carrière have their own pages
        counts = lectures.comptes(session, campaign, cle)
        campagnes.append({"campaign": campaign, "saisie": etat_saisie(campaign, moment),
                          "bareme": etat_bareme(campaign, moment), "counts": counts})
    return render_template("app/gestion/index.html", campagnes=campagnes)


def _options(values: dict[str, str], counts: dict[str, int]) -> list[tuple[str, str, int | None]]:
    return [(code, label, counts.get(code, 0)) for code, label in values.items()]


@bp.get("/<slug>/")
@role_required("gestionnaire")
def liste(slug: str):
    """The demandes of one campaign: filters, counts, sorting and pages, all in the URL.

    A page already rendered for the same browser session, filters and database generation is sent again
    as it is (the header's unread count moves the generation on too: messages are audited when sent and read).
    """
    campaign = campagne_or_404(slug)
    ref = site_or_404().referentiel
    lus = lire_filtres(request.args, campaign, ref)
    lectures = current_app.extensions["carriere_gestion_lectures"]
    cle = lectures.cle()
    pages: PageCache = current_app.extensions["carriere_gestion_pages"]
    slot = (browser_session.token, slug, tuple(sorted(request.args.items(multi=True))))
    empreinte = None
    if not lus.erreurs and "_flashes" not in browser_session:
        empreinte = (cle, g.identity.account_id, g.identity.name, browser_session.get("csrf_token"),
                     current_app.config.get("FIXED_NOW"))
        kept = pages.get(slot, empreinte)
        if kept is not None:
            return Response(kept, mimetype="text/html")
    html, status = _liste(campaign, ref, lus, lectures, cle)
    if empreinte is not None and status == 200:
        pages.put(slot, (empreinte[0], *empreinte[1:3], browser_session.get("csrf_token"), empreinte[4]),
                  html.encode("utf-8"))
    return html, status


def _liste(campaign, ref, lus, lectures, cle):
    session = get_session()
    counts = lectures.comptes(session, campaign, cle)
    f = lus.filtres
    disciplines = sorted({d for m in campaign.mouvements for d in m.disciplines} or set(counts["discipline"]))
    choix = {
        "mouvement": [(m.code, m.label, counts["mouvement"].get(m.code, 0)) for m in campaign.mouvements],
        "discipline": [(d, ref.disciplines[d].libelle if d in ref.disciplines else d, counts["discipline"].get(d, 0))
                       for d in disciplines],
        "etat": _options(ETATS, counts["etat"]),
        "lettre": _options(LETTRES, counts["lettre"]),
        "pieces": _options(PIECES, counts["pieces"]),
        "corrections": _options(CORRECTIONS, counts["corrections"]),
        "tri": [(code, label, None) for code, label in TRIS.items()],
    }
    context = {"campaign": campaign, "f": f, "choix": choix, "counts": counts, "erreurs": lus.erreurs,
               "referentiel": ref, "total_campagne": counts["total"][""]}
    if lus.erreurs:
        return render_template("app/gestion/liste.html", total=0, lignes=[], pages=1, liens={}, **context), 400
    total, lignes = lectures.page(session, campaign, f, cle)
    pages = max(1, -(-total // PAR_PAGE))
    if f.page > pages:
        lus.erreurs["page"] = f"La page {f.page} n'existe pas{NBSP}: la liste en compte {pages}. Revenez à la page 1."
        return render_template("app/gestion/liste.html", total=0, lignes=[], pages=1, liens={}, **context), 400
    slug = campaign.slug
    liens = {
        "precedente": url_for("gestion.liste", slug=slug, **f.params(page=f.page - 1)) if f.page > 1 else None,
        "suivante": url_for("gestion.liste", slug=slug, **f.params(page=f.page + 1)) if f.page < pages else None,
    }
    return render_template("app/gestion/liste.html", total=total, lignes=lignes, pages=pages, liens=liens,
                           **context), 200
