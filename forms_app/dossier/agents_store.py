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
from .historique_import import History
from .models import Agent, LigneAffectation, LigneCarriere


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
    histories: int = 0  # agents whose history the history file changed


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
    history: History | None = None,
) -> ImportOutcome:
    """Create or update every row's agent and account, and the history of the agents the history file
    names (the others keep theirs); call inside one write transaction."""
    outcome = ImportOutcome()
    numens = [row.values["numen"] for row in rows]
    existing = {a.numen: a for a in db.scalars(select(Agent).where(Agent.numen.in_(numens)))} if numens else {}
    accounts = {a.agent_id: a for a in db.scalars(select(Account).where(Account.agent_id.is_not(None)))}
    taken = set(db.scalars(select(Account.identifiant)).all())
    for row in rows:
        values = {name: row.values[name] for name in COLUMNS}
        if history is not None:
            values.update(history.filled.get(values["numen"], {}))  # dates only the history gives
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
        if history is not None and agent.numen in history.numens:
            if replace_history(db, agent, history, actor_id=actor_id):
                outcome.histories += 1
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
               "reactives": outcome.reactivated, "historiques": outcome.histories},
    )
    return outcome


def replace_history(db: Session, agent: Agent, history: History, *, actor_id: int | None) -> bool:
    """Make the agent's stored history the file's; audit and say whether anything changed."""
    carriere = [
        LigneCarriere(agent_id=agent.id, debut=line.debut, corps=line.corps, grade=line.grade,
                      echelon=line.echelon, position=line.position)
        for line in history.carriere.get(agent.numen, [])
    ]
    affectations = [
        LigneAffectation(agent_id=agent.id, debut=line.debut, fin=line.fin, uai=line.uai,
                         etablissement=line.etablissement, nature=line.nature)
        for line in history.affectations.get(agent.numen, [])
    ]
    old_carriere = list(db.scalars(select(LigneCarriere).where(LigneCarriere.agent_id == agent.id)))
    old_affectations = list(db.scalars(select(LigneAffectation).where(LigneAffectation.agent_id == agent.id)))
    before = {"carriere": sorted(" ".join(map(str, x.cle())) for x in old_carriere),
              "affectations": sorted(" ".join(map(str, x.cle())) for x in old_affectations)}
    after = {"carriere": sorted(" ".join(map(str, x.cle())) for x in carriere),
             "affectations": sorted(" ".join(map(str, x.cle())) for x in affectations)}
    if before == after:
        return False
    for old in old_carriere + old_affectations:
        db.delete(old)
    db.flush()  # the unique (agent, debut) of the old lines must be gone before the new ones arrive
    db.add_all(carriere + affectations)
    audit.record(db, actor_id=actor_id, action="agent_historique", target=f"agent:{agent.id}",
                 before=before, after=after)
    return True
