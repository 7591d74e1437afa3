"""Once saisie has closed, send each teacher their demandes, once (`carriere mobilite confirmations`)."""
from __future__ import annotations

from sqlalchemy import select

MSG_SUJET = "Confirmation de vos demandes — {titre}"


def send_confirmations(app, campagne: str | None = None) -> tuple[int, list[str]]:
    """Send the missing confirmations of closed campaigns; (messages sent, notes for the operator)."""
    from ..comptes.models import Account
    from ..core.clock import now
    from ..core.content import current_site
    from ..core.db import new_session, write_transaction
    from ..courrier.messages import send_message
    from ..dossier.models import Agent
    from .models import Confirmation, Demande
    from .rules.fenetre import etat_saisie
    from .views.recap import texte

    sent = 0
    notes: list[str] = []
    with app.app_context():
        site = current_site()
        if site is None:
            return 0, ["contenu invalide : lancez « carriere check » pour voir les erreurs"]
        campaigns = site.campaigns if campagne is None else [c for c in site.campaigns if c.slug == campagne]
        if campagne is not None and not campaigns:
            return 0, [f"campagne inconnue : {campagne} (voir content/campagnes/)"]
        session = new_session(app)
        try:
            for campaign in campaigns:
                if etat_saisie(campaign, now()) != "close" or campaign.saisie is None:
                    notes.append(f"{campaign.slug} : saisie non close, aucune confirmation envoyée")
                    continue
                agent_ids = session.scalars(
                    select(Demande.agent_id).where(Demande.campagne == campaign.slug).distinct()
                ).all()
                done = set(session.scalars(
                    select(Confirmation.agent_id).where(Confirmation.campagne == campaign.slug)).all())
                session.rollback()
                for agent_id in sorted(set(agent_ids) - done):
                    with write_transaction(session):
                        if session.scalar(select(Confirmation.id).where(
                                Confirmation.agent_id == agent_id, Confirmation.campagne == campaign.slug)):
                            continue
                        account = session.scalar(select(Account).where(Account.agent_id == agent_id))
                        agent = session.get(Agent, agent_id)
                        if account is None or agent is None:
                            continue
                        message = send_message(
                            session, to_account_id=account.id, sender_account_id=None,
                            subject=MSG_SUJET.format(titre=campaign.title),
                            body=texte(session, agent, campaign), kind="confirmation",
                        )
                        session.add(Confirmation(agent_id=agent_id, campagne=campaign.slug,
                                                 message_id=message.id, sent_at=now()))
                    sent += 1
                notes.append(f"{campaign.slug} : confirmations envoyées")
        finally:
            session.close()
    return sent, notes
