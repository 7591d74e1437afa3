"""A small mouvement for the desk's tests: intra-2027 demandes written straight into the database,
the clock moved through the campaign's phases, helpers to read pages and post their forms."""
from __future__ import annotations

import io
import re
from datetime import datetime
from html import unescape

from pypdf import PdfWriter

from forms_app.core.db import new_session, write_transaction
from forms_app.mobilite.models import Demande, Lettre, PieceJointe, Situation, Voeu
from generator.model import PARIS

INTRA = "intra-2027"
NBSP = "\u00a0"
# intra-2027: saisie 17/03 → 07/04/2027, confirmation 08/04 → 15/04, barème 03/05 → 19/05, résultats 16/06.
PENDANT_SAISIE = datetime(2027, 3, 20, 10, 0, tzinfo=PARIS)
APRES_SAISIE = datetime(2027, 4, 20, 10, 0, tzinfo=PARIS)
PENDANT_BAREME = datetime(2027, 5, 10, 10, 0, tzinfo=PARIS)
APRES_BAREME = datetime(2027, 5, 25, 10, 0, tzinfo=PARIS)

LIBELLES = {"0630021F": "Lycée des métiers La Fayette, Clermont-Ferrand", "63113": "Clermont-Ferrand",
            "063": "Puy-de-Dôme", "06": "Clermont-Ferrand (académie)", "63300": "Riom", "03190": "Moulins",
            "0630726X": "Collège Victor-Hugo, Clermont-Ferrand"}


def text_of(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).replace(NBSP, " ").replace("\u202f", " ")


def csrf_of(html) -> str:
    if isinstance(html, bytes):
        html = html.decode()
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def a_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_demande(app, agent_id: int, *, mouvement: str = "GEN", discipline: str = "",
                 voeux: list[tuple[str, str]] = (), lettre: str | None = None,
                 pieces: dict[str, bytes] | None = None, situations: dict[str, str] | None = None,
                 campagne: str = INTRA) -> int:
    """A demande with its vœux (type, code), lettre, pièces and declared situations; its id."""
    moment = PENDANT_SAISIE
    db = new_session(app)
    with write_transaction(db):
        demande = Demande(agent_id=agent_id, campagne=campagne, mouvement=mouvement, discipline=discipline,
                          preference="", voeux_version=len(voeux), created_at=moment, updated_at=moment)
        db.add(demande)
        db.flush()
        for rank, (type_, code) in enumerate(voeux, start=1):
            db.add(Voeu(demande_id=demande.id, rank=rank, type=type_, code=code, libelle=LIBELLES.get(code, code),
                        poste="", created_at=moment))
        if lettre is not None:
            db.add(Lettre(demande_id=demande.id, texte=lettre, brouillon="", enregistree_at=moment))
        for kind, data in (pieces or {}).items():
            db.add(PieceJointe(demande_id=demande.id, kind=kind, filename=f"{kind}.pdf", size=len(data), pages=1,
                               sha256="0" * 64, data=data, created_at=moment))
        for cle, valeur in (situations or {}).items():
            db.add(Situation(demande_id=demande.id, cle=cle, valeur=valeur, updated_at=moment))
        demande_id = demande.id
    db.close()
    return demande_id


def post(client, url: str, data: dict, page: str, **kwargs):
    """POST data with the CSRF token of `page`."""
    return client.post(url, data={**data, "csrf_token": csrf_of(client.get(page).data)}, **kwargs)
