"""Write checked agent rows: create or update dossiers and their accounts, keyed on NUMEN."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from generator.model import PARIS

from ..comptes.identifiants import base_identifiant, next_identifiant
from ..comptes.models import Account
from ..core import audit
from .agents_import import COLUMNS, AgentRow
from .models import Agent


@dataclass
class Created:
    identifiant: str
    nom_complet: str
    numen: str


@dataclass
class ImportOutcome:
    created: list[Created] = field(default_factory=list)
    updated: int = 0
    unchanged: int = 0
    reactivated: int = 0  # accounts still on their first password: new expiry


def end_of_day(day: date) -> datetime:
    """The first instant after this day, Europe/Paris: a first password is valid through the day."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=PARIS)


def apply_import(
    db: Session,
    rows: list[AgentRow],
    *,
    expire_at: datetime,
    now: datetime,
    hasher: PasswordHasher,
    actor_id: int | None = None,
    source: str = "",
) -> ImportOutcome:
    """Create or update every row's agent and account; call inside one write transaction."""
    outcome = ImportOutcome()
    numens = [row.values["numen"] for row in rows]
    existing = {a.numen: a for a in db.scalars(select(Agent).where(Agent.numen.in_(numens)))} if numens else {}
    accounts = {a.agent_id: a for a in db.scalars(select(Account).where(Account.agent_id.is_not(None)))}
    taken = set(db.scalars(select(Account.identifiant)).all())
    for row in rows:
        values = {name: row.values[name] for name in COLUMNS}
        agent = existing.get(values["numen"])
        if agent is None:
            agent = Agent(**values, created_at=now, updated_at=now)
            db.add(agent)
            db.flush()
            audit.record(db, actor_id=actor_id, action="agent_cree", target=f"agent:{agent.id}",
                         after=agent.snapshot())
        else:
            before = agent.snapshot()
            for name, value in values.items():
                setattr(agent, name, value)
            after = agent.snapshot()
            if after != before:
                agent.updated_at = now
                changed = [k for k in after if after[k] != before[k]]
                audit.record(db, actor_id=actor_id, action="agent_modifie", target=f"agent:{agent.id}",
                             before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
                outcome.updated += 1
            else:
                outcome.unchanged += 1
        account = accounts.get(agent.id)
        if account is None:
            identifiant = next_identifiant(base_identifiant(agent.prenom, agent.nom), taken)
            taken.add(identifiant)
            account = Account(
                identifiant=identifiant,
                role="enseignant",
                agent_id=agent.id,
                display_name="",
                password_hash=hasher.hash(agent.numen),
                must_change_password=True,
                first_secret_expires_at=expire_at,
                totp_enabled=False,
                created_at=now,
            )
            db.add(account)
            accounts[agent.id] = account
            outcome.created.append(Created(identifiant, agent.nom_complet, agent.numen))
        elif account.must_change_password and (
            account.first_secret_expires_at != expire_at or account.first_secret_used_at is not None
        ):
            # Re-importing reactivates a first password that was never replaced.
            account.first_secret_expires_at = expire_at
            account.first_secret_used_at = None
            outcome.reactivated += 1
    audit.record(
        db, actor_id=actor_id, action="import_agents", target=source or "import",
        after={"crees": len(outcome.created), "modifies": outcome.updated, "inchanges": outcome.unchanged,
               "reactives": outcome.reactivated},
    )
    return outcome
