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


def contenus(db: Session, campaign: Campaign, agent_ids: list[int]) -> dict[int, dict]:
    """What each dossier holds now of the teacher's own writing: her CV entries and her candidature (two
    queries for the whole batch)."""
    out = {a: {"cv": {r: [] for r in RUBRIQUES_DU_DOSSIER}, "candidature": None} for a in agent_ids}
    if not agent_ids:
        return out
    for e in db.execute(select(CvEntry.agent_id, CvEntry.rubrique, CvEntry.intitule, CvEntry.organisme,
                               CvEntry.annee_debut, CvEntry.annee_fin, CvEntry.niveau)
                        .where(CvEntry.agent_id.in_(agent_ids), CvEntry.rubrique.in_(RUBRIQUES_DU_DOSSIER))
                        .order_by(CvEntry.agent_id, CvEntry.rubrique, CvEntry.rank)):
        out[e.agent_id]["cv"][e.rubrique].append({"intitule": e.intitule, "organisme": e.organisme,
                                                  "annee_debut": e.annee_debut, "annee_fin": e.annee_fin,
                                                  "niveau": e.niveau})
    for c in db.scalars(select(Candidature).where(Candidature.campagne == campaign.slug,
                                                  Candidature.agent_id.in_(agent_ids))):
        out[c.agent_id]["candidature"] = {"vivier": c.vivier, "fonctions": [x for x in c.fonctions.split(",") if x],
                                          "annees": c.annees}
    return out


def contenu(db: Session, campaign: Campaign, agent_id: int) -> dict:
    """What the teacher's dossier holds now (contenus, for one)."""
    return contenus(db, campaign, [agent_id])[agent_id]


def figer_dossiers(db: Session, campaign: Campaign, moment: datetime, limite: int | None = PAR_LOT) -> tuple[int, bool]:
    """Freeze the dossiers of the campaign's promouvables that have no copy yet (at most `limite`); (count, done?)."""
    pending = (select(Promouvable.id, Promouvable.agent_id)
               .outerjoin(DossierFige, DossierFige.promouvable_id == Promouvable.id)
               .where(Promouvable.campagne == campaign.slug, DossierFige.promouvable_id.is_(None))
               .order_by(Promouvable.id))
    rows = db.execute(pending if limite is None else pending.limit(limite + 1)).all()
    batch = rows if limite is None else rows[:limite]
    for start in range(0, len(batch), PAR_LOT):  # ouvrir() freezes without a limit: still bounded queries
        part = batch[start:start + PAR_LOT]
        found = contenus(db, campaign, [agent_id for _pid, agent_id in part])
        db.add_all(DossierFige(promouvable_id=promouvable_id, fige_at=moment,
                               contenu=json.dumps(found[agent_id], ensure_ascii=False))
                   for promouvable_id, agent_id in part)
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
