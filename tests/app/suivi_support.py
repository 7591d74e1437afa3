"""Records and moments of the confirmations, échéances and results tests."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

from pypdf import PdfWriter

from forms_app.core.db import new_session, write_transaction
from forms_app.mobilite.models import Demande, Lettre, Voeu
from generator.model import PARIS

INTER = "inter-2027"
SAISIE_FIN = datetime(2026, 12, 9, 12, 0, tzinfo=PARIS)
RETOUR_DEBUT = datetime(2026, 12, 10, 12, 0, tzinfo=PARIS)
RETOUR_FIN = datetime(2026, 12, 17, 12, 0, tzinfo=PARIS)
RESULTATS = datetime(2027, 3, 3, 12, 0, tzinfo=PARIS)
MICRO = timedelta(microseconds=1)
MOT_DE_PASSE = "la confirmation part au courrier du rectorat"
ACADEMIES = [("ACA", "10", "Lyon"), ("ACA", "02", "Aix-Marseille"), ("ACA", "01", "Paris")]


def make_demande(app, agent_id: int, *, campagne: str = INTER, mouvement: str = "GEN", discipline: str = "",
                 voeux=ACADEMIES[:2], lettre: bool = False) -> int:
    """A demande with its vœux (and a saved lettre when asked), written as the saisie would have."""
    moment = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)
    db = new_session(app)
    with write_transaction(db):
        demande = Demande(agent_id=agent_id, campagne=campagne, mouvement=mouvement, discipline=discipline,
                          preference="", voeux_version=len(voeux), created_at=moment, updated_at=moment)
        db.add(demande)
        db.flush()
        for rank, (vtype, code, libelle) in enumerate(voeux, 1):
            db.add(Voeu(demande_id=demande.id, rank=rank, type=vtype, code=code, libelle=libelle, poste="",
                        created_at=moment))
        if lettre:
            db.add(Lettre(demande_id=demande.id, texte="Ma motivation.", enregistree_at=moment, brouillon=""))
        demande_id = demande.id
    db.close()
    return demande_id


def small_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
