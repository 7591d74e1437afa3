"""The app's notion of "now": injectable for tests and fixable for demonstrations."""
from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from flask import current_app, has_app_context

from generator.model import PARIS


def parse_fixed_now(text: str) -> datetime:
    """Read an ISO 8601 date-time; a naive one means Europe/Paris."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=PARIS)
    return value.astimezone(PARIS)


def system_now() -> datetime:
    """The real time, in Europe/Paris."""
    return datetime.now(PARIS)


def clock_from_env() -> tuple[Callable[[], datetime], datetime | None]:
    """The clock CARRIERE_NOW asks for (a fixed instant), or the real one."""
    raw = os.environ.get("CARRIERE_NOW", "").strip()
    if not raw:
        return system_now, None
    fixed = parse_fixed_now(raw)
    return (lambda: fixed), fixed


def now() -> datetime:
    """Aware Europe/Paris datetime from app.config["CLOCK"] (the real clock outside an app)."""
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock().astimezone(PARIS)
    return system_now()


def security_now() -> datetime:
    """Real time for sessions, throttling, TOTP and the audit log, even when CARRIERE_NOW fixes now().

    A fixed business clock must not freeze time-outs or delays (a delay would never end), and
    TOTP codes follow the phone's real clock. Tests inject app.config["SECURITY_CLOCK"].
    """
    if has_app_context():
        clock = current_app.config.get("SECURITY_CLOCK")
        if clock is not None:
            return clock().astimezone(PARIS)
    return system_now()
