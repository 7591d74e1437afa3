"""Every model, imported so that Base.metadata knows them all (Alembic, tests)."""
from .account import ROLES, Account, RecoveryCode  # noqa: F401
from .agent import AGENT_FIELDS, Agent  # noqa: F401
from .security import AuditEntry, Throttle, UserSession  # noqa: F401
from . import courrier, cv  # noqa: F401,E402  (CV entries and messages: helper H5b)
from . import mobilite  # noqa: F401,E402  (demandes, lettres, pièces, vœux: helper H8b)
