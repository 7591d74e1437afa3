"""The audit log: one row per login, failure, logout, password or TOTP change, import, data change."""
from __future__ import annotations

import json
from typing import Any

from flask import has_request_context, request
from sqlalchemy.orm import Session

from .clock import security_now as now
from .models import AuditEntry

# Keys never written to the log, whatever a caller passes.
SECRET_KEYS = frozenset(
    {"numen", "password", "password_hash", "mot_de_passe", "totp_secret", "secret", "code",
     "recovery_codes", "code_hash", "csrf_token"}
)


def scrub(values: dict[str, Any] | None) -> str | None:
    """JSON of values without any secret key (recursively)."""
    if values is None:
        return None

    def clean(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: clean(v) for k, v in obj.items() if str(k).lower() not in SECRET_KEYS}
        if isinstance(obj, (list, tuple)):
            return [clean(v) for v in obj]
        if obj is None or isinstance(obj, (str, int, float, bool)):
            return obj
        return str(obj)

    return json.dumps(clean(values), ensure_ascii=False, sort_keys=True)


def client_address() -> str:
    """The address of the request's client, "" outside a request."""
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:64]


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    target: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Write an audit row in the session's current transaction (it commits or rolls back with it)."""
    # A Core insert: the row is never read back, so the unit of work's bookkeeping is pure cost.
    session.connection().execute(_INSERT, {
        "at": now(), "actor_id": actor_id, "action": action, "target": target[:200],
        "before": scrub(before), "after": scrub(after), "address": client_address(),
    })


_INSERT = AuditEntry.__table__.insert()
