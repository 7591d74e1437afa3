"""Growing delays after failed logins, per account and per address, kept in the database."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .models import Throttle

FORGET_AFTER = timedelta(hours=24)  # a quiet day wipes the slate: no lock lasts


def delay_seconds(failures: int, threshold: int, first: int, cap: int) -> int:
    """0 below the threshold, then first, 2×first, 4×first… never more than cap."""
    if failures < threshold:
        return 0
    return min(first * 2 ** min(failures - threshold, 30), cap)


def wait_seconds(db: Session, keys: list[str], now: datetime) -> int:
    """Seconds left before any of these keys may try again (0: now)."""
    wait = 0
    for key in keys:
        row = db.get(Throttle, key)
        if row is not None and row.blocked_until is not None and row.blocked_until > now:
            wait = max(wait, math.ceil((row.blocked_until - now).total_seconds()))
    return wait


def register_failure(db: Session, key: str, limits: tuple[int, int, int], now: datetime) -> None:
    """Count one more failure for key and set its delay; call inside a write transaction."""
    row = db.get(Throttle, key)
    if row is None:
        row = Throttle(key=key, failures=0, last_failure_at=now)
        db.add(row)
    elif now - row.last_failure_at > FORGET_AFTER:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    delay = delay_seconds(row.failures, *limits)
    row.blocked_until = now + timedelta(seconds=delay) if delay else None


def clear(db: Session, key: str) -> None:
    """Forget the failures of key (after a successful login)."""
    db.execute(delete(Throttle).where(Throttle.key == key))
