"""Record ids from URLs and forms, checked before any query.

A record outside the account's reach answers 404, exactly like a record that does not exist, so
that ids reveal nothing. Each area has its load-or-404 helpers in its own `loaders.py`.
"""
from __future__ import annotations

from flask import abort, g

from .db import get_session

# Ids are 32-bit integers in every backend; a larger number from a URL names nothing.
MAX_ID = 2**31 - 1


def checked_id(record_id: int) -> int:
    """The id itself, or 404 when no record can have it."""
    if not 1 <= record_id <= MAX_ID:
        abort(404)
    return record_id


def is_gestionnaire() -> bool:
    """Whether the logged-in account is a gestionnaire's."""
    return g.account is not None and g.account.role == "gestionnaire"


def gestionnaire_or_404() -> None:
    """404 unless a gestionnaire is logged in (the identity read with the session: no Account to load)."""
    identity = getattr(g, "identity", None)
    if identity is None or not identity.is_gestionnaire:
        abort(404)


def record_or_404(model, record_id: int):
    """The record of this model with this id, or 404; each area's load-or-404 helper adds its ownership check."""
    record = get_session().get(model, checked_id(record_id))
    if record is None:
        abort(404)
    return record
