"""The dossier de promotion frozen at the end of the dossier phase: what the evaluators (and the teacher) read
from then on is what the teacher had written at that date, not her CV as she edits it later.

An échéance (core.echeances) at the end of each promotion campaign's `dossier` phase copies, for each
promouvable without a copy yet, the CV rubriques the tabs show and her candidature; a promouvable added to
the list after that date is frozen when she is added (lecture.ouvrir). Each copy is written once.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from generator.model import Campaign

from ..core import echeances
from ..cv.models import CvEntry
from .models import Candidature, DossierFige, Promouvable

PAR_LOT = 500  # promouvables frozen in one transaction
# The CV's rubriques the dossier de promotion shows (views.CV_DES_ONGLETS), in the order of the tabs.
RUBRIQUES_DU_DOSSIER = ("diplomes", "formations", "langues", "activites-professionnelles", "activites-personnelles",
                        "travaux-de-recherche", "publications")


def contenu(db: Session, campaign: Campaign, agent_id: int) -> dict:
    """What the dossier holds now of the teacher's own writing: her CV entries and her candidature."""
    cv: dict[str, list[dict]] = {r: [] for r in RUBRIQUES_DU_DOSSIER}
    for e in db.scalars(select(CvEntry).where(CvEntry.agent_id == agent_id, CvEntry.rubrique.in_(RUBRIQUES_DU_DOSSIER))
                        .order_by(CvEntry.rubrique, CvEntry.rank)):
        cv[e.rubrique].append({"intitule": e.intitule, "organisme": e.organisme, "annee_debut": e.annee_debut,
                               "annee_fin": e.annee_fin, "niveau": e.niveau})
    candidature = db.scalar(select(Candidature).where(Candidature.campagne == campaign.slug,
                                                      Candidature.agent_id == agent_id))
    return {"cv": cv, "candidature": None if candidature is None else {
        "vivier": candidature.vivier, "fonctions": [c for c in candidature.fonctions.split(",") if c],
        "annees": candidature.annees}}


def figer_dossiers(db: Session, campaign: Campaign, moment: datetime, limite: int | None = PAR_LOT) -> tuple[int, bool]:
    """Freeze the dossiers of the campaign's promouvables that have no copy yet (at most `limite`); (count, done?)."""
    pending = (select(Promouvable.id, Promouvable.agent_id)
               .outerjoin(DossierFige, DossierFige.promouvable_id == Promouvable.id)
               .where(Promouvable.campagne == campaign.slug, DossierFige.promouvable_id.is_(None))
               .order_by(Promouvable.id))
    rows = db.execute(pending if limite is None else pending.limit(limite + 1)).all()
    batch = rows if limite is None else rows[:limite]
    for promouvable_id, agent_id in batch:
        db.add(DossierFige(promouvable_id=promouvable_id, contenu=json.dumps(contenu(db, campaign, agent_id),
                                                                             ensure_ascii=False),
                           fige_at=moment))
    db.flush()
    return len(batch), limite is None or len(rows) <= limite


def _echeance(session: Session, campaign: Campaign, at: datetime) -> tuple[int, bool]:
    """At the end of the dossier phase: the copies are dated from that instant."""
    if campaign.kind != "promotion":
        return 0, True
    return figer_dossiers(session, campaign, at)


def dossier_fige(db: Session, promouvable_id: int | None) -> tuple[dict, datetime] | None:
    """The frozen dossier of a promouvable and its date, if it was frozen."""
    if promouvable_id is None:
        return None
    row = db.get(DossierFige, promouvable_id)
    return None if row is None else (json.loads(row.contenu), row.fige_at)


echeances.register("promotions.gel_dossier", "dossier", "fin", _echeance,
                   "gel des dossiers de promotion à la fin de leur mise à jour")
