"""The recteur's appréciation finale reaches the agent at the campaign's `notification` phase, not as soon as it
is entered: an échéance (core.echeances) at the start of that phase notifies every appréciation entered and not
yet notified, batch after batch, once whatever the number of app servers; one entered after that start is
notified at once. The recours delay runs from the notification."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from generator.frdates import datetime_fr
from generator.model import Campaign

from ..comptes.models import Account
from ..core import audit, echeances
from ..courrier.messages import send_message
from .models import RendezVous
from .rules import fin_de_delai

PAR_LOT = 200
SUJET = "Appréciation finale de votre rendez-vous de carrière"


def libelle(valeurs, code: str) -> str:
    return next((v.label for v in valeurs if v.code == code), "")


def notification_commencee(campaign: Campaign, moment: datetime) -> bool:
    """Whether the campaign's notification phase has begun (no such phase: notified when entered)."""
    phase = campaign.phase("notification")
    return phase is None or phase.start <= moment


def notifier(db: Session, campaign: Campaign, rdv: RendezVous, moment: datetime, actor_id: int | None) -> None:
    """Notify the agent of her appréciation finale (courrier), in db's transaction; the recours delay starts."""
    regles = campaign.regles
    rdv.appreciation_notifiee_at = rdv.updated_at = moment
    fin = fin_de_delai(moment, regles.recours_jours)
    account_id = db.scalar(select(Account.id).where(Account.agent_id == rdv.agent_id))
    if account_id is not None:
        send_message(db, to_account_id=account_id, sender_account_id=None, kind="resultat", subject=SUJET,
                     body=(f"Appréciation finale du recteur\u00a0: {libelle(regles.appreciations, rdv.appreciation_finale)}. "
                           f"Vous pouvez former un recours gracieux auprès du recteur jusqu'au {datetime_fr(fin)} "
                           "(exclu), dans «\u00a0Rendez-vous de carrière\u00a0»."))
    audit.record(db, actor_id=actor_id, action="rendez_vous.appreciation_notifiee", target=f"rendez_vous:{rdv.id}",
                 after={"appreciation": rdv.appreciation_finale, "fin_recours": fin.isoformat()})


def notifier_appreciations(session: Session, campaign: Campaign, at: datetime) -> tuple[int, bool]:
    """One batch: the appréciations finales entered and not notified yet (rows locked: a recteur saving one at
    the same moment waits, then finds it notified)."""
    if campaign.kind != "rendez-vous":
        return 0, True
    rows = list(session.scalars(
        select(RendezVous).where(RendezVous.campagne == campaign.slug, RendezVous.appreciation_finale != "",
                                 RendezVous.appreciation_notifiee_at.is_(None))
        .order_by(RendezVous.id).limit(PAR_LOT + 1).with_for_update()))
    from ..core.clock import now

    moment = max(now(), at)
    for rdv in rows[:PAR_LOT]:
        notifier(session, campaign, rdv, moment, None)
    session.flush()
    return len(rows[:PAR_LOT]), len(rows) <= PAR_LOT


echeances.register("rendezvous.notification", "notification", "debut", notifier_appreciations,
                   "notification des appréciations finales des rendez-vous de carrière")
