"""Exports from the desk: the filtered list (or a selection) as CSV or XLSX, the pièces as a ZIP.
Streamed: the answer starts before the last line is read; each export is written to the audit log."""
from __future__ import annotations

from flask import Response, current_app, g, request

from ...comptes.access import role_required
from ...core import audit
from ...core.clock import now
from ...core.db import engine_of, get_session, write_transaction
from ...core.errors import refuse
from .. import exports, requetes
from ..loaders import campagne_or_404, site_or_404
from ..rules import lire_filtres
from . import bp

TYPES = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "zip": "application/zip"}


def _stream(app, produce):
    """Run `produce(connection)` on a connection of its own, held until the last block is sent."""
    def generate():
        with app.app_context():
            with engine_of(app).connect() as conn:
                yield from produce(conn)
    return generate()


def reponse_export(campaign, kind: str, ids: list[int] | None, description: str) -> Response:
    """The file of `kind` (csv, xlsx, zip) for these demandes (None: the whole campaign), audited."""
    app = current_app._get_current_object()
    ref = site_or_404().referentiel
    session = get_session()
    with write_transaction(session):
        audit.record(session, actor_id=g.account.id, action="gestion.export", target=f"campagne:{campaign.slug}",
                     after={"format": kind, "demandes": "toutes" if ids is None else len(ids), "objet": description})
    if kind == "csv":
        body = _stream(app, lambda conn: exports.csv_stream(exports.lignes(conn, campaign, ref, ids),
                                                            exports.entetes(campaign)))
    elif kind == "xlsx":
        body = _stream(app, lambda conn: exports.xlsx_stream(exports.lignes(conn, campaign, ref, ids),
                                                             exports.entetes(campaign)))
    else:
        body = _stream(app, lambda conn: exports.zip_stream(exports.pieces(conn, campaign, ids)))
    stamp = now().strftime("%Y%m%d-%H%M")
    suffix = "pieces" if kind == "zip" else "voeux"
    response = Response(body, content_type=TYPES[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{campaign.slug}-{suffix}-{stamp}.{kind}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _ids_de_la_liste(campaign):
    """The demandes of the list the URL filters (None: no filter, the whole campaign)."""
    lus = lire_filtres(request.args, campaign, site_or_404().referentiel)
    if lus.erreurs:
        refuse(400, next(iter(lus.erreurs.values())))
    if not lus.filtres.actifs:
        return None
    return requetes.ids_filtres(get_session(), campaign, lus.filtres)


@bp.get("/<slug>/export.csv", defaults={"kind": "csv"})
@bp.get("/<slug>/export.xlsx", defaults={"kind": "xlsx"})
@role_required("gestionnaire")
def exporter(slug: str, kind: str):
    """One line per vœu of the demandes the filters keep."""
    campaign = campagne_or_404(slug)
    return reponse_export(campaign, kind, _ids_de_la_liste(campaign), "liste filtrée")


@bp.get("/<slug>/pieces.zip")
@role_required("gestionnaire")
def pieces_zip(slug: str):
    """Every pièce jointe of the demandes the filters keep, one folder per agent."""
    campaign = campagne_or_404(slug)
    return reponse_export(campaign, "zip", _ids_de_la_liste(campaign), "liste filtrée")
