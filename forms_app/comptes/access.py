"""Who may see what: the account a request carries, the first-steps gate, and the access decorators."""
from __future__ import annotations

import functools

from flask import abort, current_app, g, redirect, request, session, url_for

from .identifiants import plain_letters
from .models import TOTP_ROLES
from .passwords import make_hasher

# Pages an account may see before it has chosen its password / enrolled its second factor.
OPEN_ENDPOINTS = frozenset({"auth.login", "auth.login_code", "auth.logout"})
PASSWORD_GATE = OPEN_ENDPOINTS | {"auth.change_password"}
TOTP_GATE = OPEN_ENDPOINTS | {"auth.totp_enrol"}


def hasher():
    return current_app.extensions["carriere_hasher"]


def load_account() -> None:
    """Set g.identity from the session; g.account and g.agent load from it on first use."""
    g.identity = None
    if getattr(session, "unavailable", False):
        abort(503)
    account_id = getattr(session, "account_id", None)
    if account_id is None:
        return
    identity = getattr(session, "identity", None)
    if identity is None or identity.account_id != account_id:
        session.destroy()  # the account is gone
        return
    g.identity = identity


def first_steps_gate():
    """Send an account to its password change, then its TOTP enrolment, before any other page."""
    account = g.identity
    if account is None or request.endpoint is None:
        return None
    if account.must_change_password and request.endpoint not in PASSWORD_GATE:
        return redirect(url_for("auth.change_password"))
    if (
        not account.must_change_password
        and account.role in TOTP_ROLES
        and not account.totp_enabled
        and request.endpoint not in TOTP_GATE
    ):
        return redirect(url_for("auth.totp_enrol"))
    return None


def login_required(view):
    """Redirect anonymous visitors to the login page, then back."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("identity") is None:
            target = request.full_path if request.method == "GET" else None
            if target and target.endswith("?"):
                target = target[:-1]
            if getattr(session, "expired", False):
                return redirect(url_for("auth.login", next=target, expire=1))
            return redirect(url_for("auth.login", next=target))
        return view(*args, **kwargs)

    return wrapped


def role_required(role: str):
    """Only accounts with this role; others get 403."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if g.identity.role != role:  # read with the session: the Account record stays unloaded
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_app(app) -> None:
    """The app's Argon2id hasher, a dummy hash with the same cost (timing of unknown identifiants), and
    the gates every request passes (who is logged in, then first steps), after the CSRF gate."""
    h = make_hasher(app.config["ARGON2_PARAMS"])
    app.extensions["carriere_hasher"] = h
    app.extensions["carriere_dummy_hash"] = h.hash(plain_letters("mot de passe factice") + "-0000")
    app.before_request(load_account)
    app.before_request(first_steps_gate)
