"""Login, logout, forced and voluntary password change, TOTP."""
from __future__ import annotations

from datetime import timedelta

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import delete, select

from ...core import audit
from ...core.clock import security_now as now
from ...core.db import get_session, write_transaction
from ...core.security import form_view
from .. import throttle, totp
from ..access import hasher, login_required
from ..forms import CodeForm, ConfirmPasswordForm, LoginForm, PasswordChangeForm, TotpEnrolForm
from ..models import Account, RecoveryCode
from ..passwords import numen_as_typed, password_problems, verify_password
from ..sessions import end_sessions_of, purge_expired

bp = Blueprint("auth", __name__)

MSG_BAD_LOGIN = "Compte utilisateur ou mot de passe incorrect."
MSG_FIRST_EXPIRED = (
    "Votre mot de passe initial (NUMEN) a expiré : demandez à votre gestionnaire de le réactiver."
)
MSG_FIRST_USED = (
    "Votre mot de passe initial (NUMEN) a déjà servi : demandez à votre gestionnaire de le réactiver."
)
MSG_BAD_CODE = "Code incorrect ou déjà utilisé : saisissez le code affiché maintenant par votre application."
MSG_TOO_MANY = "Trop de tentatives. Réessayez dans {seconds} secondes."
MSG_CONFIRM_DIFFERS = "Les deux mots de passe saisis sont différents : saisissez deux fois le même."
MSG_CURRENT_WRONG = "Le mot de passe actuel est incorrect."
MSG_LOGIN_REQUIRED = "Connectez-vous pour accéder à cette page."
MSG_SESSION_EXPIRED = "Votre session a expiré : reconnectez-vous."
MSG_PENDING_EXPIRED = "La connexion a pris trop de temps : saisissez de nouveau votre mot de passe."
PENDING_LIFETIME = timedelta(minutes=5)

def _safe_next(target: str | None) -> str | None:
    """A path inside the app, or None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 for ch in target):
        return None
    return target



# --- login -----------------------------------------------------------------------------------


def _throttle_keys(identifiant: str) -> list[str]:
    return [f"compte:{identifiant.lower()[:150]}", f"adresse:{request.remote_addr or ''}"]


def _limits(key: str) -> tuple[int, int, int]:
    cfg = current_app.config
    return tuple(cfg["THROTTLE_ACCOUNT"] if key.startswith("compte:") else cfg["THROTTLE_ADDRESS"])


def _refuse_throttled(template: str, form, seconds: int, **context):
    return (
        render_template(template, form=form, error=MSG_TOO_MANY.format(seconds=seconds), **context),
        429,
        {"Retry-After": str(seconds)},
    )


def _record_failure(keys: list[str], account: Account | None, reason: str) -> None:
    db = get_session()
    with write_transaction(db):
        current = now()
        for key in keys:
            throttle.register_failure(db, key, _limits(key), current)
        audit.record(
            db,
            actor_id=account.id if account else None,
            action="connexion_echec",
            target=f"compte:{account.identifiant}" if account else "compte inconnu",
            after={"motif": reason},
        )


def _finish_login(account: Account, method: str):
    """Open an authenticated session under a new id and go on."""
    next_path = _safe_next(session.get("next"))
    db = get_session()
    with write_transaction(db):
        throttle.clear(db, f"compte:{account.identifiant}")
        purge_expired(db, current_app)
        audit.record(
            db, actor_id=account.id, action="connexion", target=f"compte:{account.identifiant}",
            after={"methode": method},
        )
    session.regenerate(account.id)
    if next_path and not account.must_change_password:
        return redirect(request.script_root + next_path)
    return redirect(url_for("accueil.index"))


@bp.route("/connexion", methods=["GET", "POST"])
@form_view
def login():
    if g.account is not None:
        return redirect(url_for("accueil.index"))
    form = LoginForm()
    template = "app/auth/login.html"
    info = None
    if request.method == "GET":
        if request.args.get("deconnecte"):
            info = "Vous êtes déconnecté."
        elif request.args.get("expire") or getattr(session, "expired", False):
            info = MSG_SESSION_EXPIRED
        nxt = _safe_next(request.args.get("next"))
        if nxt:
            session["next"] = nxt
            info = info or MSG_LOGIN_REQUIRED
        return render_template(template, form=form, info=info)
    if not form.validate_on_submit():
        return render_template(template, form=form), 400

    identifiant = form.identifiant.data.lower()
    keys = _throttle_keys(identifiant)
    db = get_session()
    wait = throttle.wait_seconds(db, keys, now())
    if wait:
        return _refuse_throttled(template, form, wait)

    account = db.scalar(select(Account).where(Account.identifiant == identifiant))
    if account is None:
        # Same work as a real check, so timing does not reveal which identifiants exist.
        verify_password(hasher(), current_app.extensions["carriere_dummy_hash"], form.password.data)
        _record_failure(keys, None, "identifiant inconnu")
        return render_template(template, form=form, error=MSG_BAD_LOGIN), 401
    typed = form.password.data
    if account.must_change_password and account.agent_id is not None:
        # A teacher's first password is her NUMEN: one Argon2 check, of the NUMEN as the import stored it.
        typed = numen_as_typed(typed)
    if not verify_password(hasher(), account.password_hash, typed):
        _record_failure(keys, account, "mot de passe incorrect")
        return render_template(template, form=form, error=MSG_BAD_LOGIN), 401

    current = now()
    if account.must_change_password:
        if account.first_secret_used_at is not None:
            _record_failure(keys, account, "mot de passe initial déjà utilisé")
            return render_template(template, form=form, error=MSG_FIRST_USED), 401
        if account.first_secret_expires_at is not None and current >= account.first_secret_expires_at:
            _record_failure(keys, account, "mot de passe initial expiré")
            return render_template(template, form=form, error=MSG_FIRST_EXPIRED), 401

    with write_transaction(db):
        if hasher().check_needs_rehash(account.password_hash):
            account.password_hash = hasher().hash(typed)
        if account.must_change_password:
            account.first_secret_used_at = current

    if account.totp_enabled:
        next_path = session.get("next")
        session.regenerate(None)
        session["pending_account"] = account.id
        session["pending_at"] = current.isoformat()
        if next_path:
            session["next"] = next_path
        return redirect(url_for("auth.login_code"))
    return _finish_login(account, "mot de passe")


def _pending_account() -> Account | None:
    from datetime import datetime

    account_id = session.get("pending_account")
    started = session.get("pending_at")
    if not account_id or not started:
        return None
    try:
        if now() - datetime.fromisoformat(started) > PENDING_LIFETIME:
            return None
    except (TypeError, ValueError):
        return None
    return get_session().get(Account, account_id)


def _use_code(account: Account, code: str) -> str | None:
    """Accept a TOTP code or an unused recovery code, once; say which ("code" / "code de secours")."""
    db = get_session()
    step = totp.matching_step(account.totp_secret or "", code, now(), account.totp_last_step)
    if step is not None:
        account.totp_last_step = step
        return "code"
    row = db.scalar(
        select(RecoveryCode).where(
            RecoveryCode.account_id == account.id,
            RecoveryCode.code_hash == totp.recovery_hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return None
    row.used_at = now()
    return "code de secours"


@bp.route("/connexion/code", methods=["GET", "POST"])
@form_view
def login_code():
    template = "app/auth/code.html"
    account = _pending_account()
    if account is None:
        session.pop("pending_account", None)
        return redirect(url_for("auth.login", expire=1))
    form = CodeForm()
    if request.method == "GET":
        return render_template(template, form=form)
    if not form.validate_on_submit():
        return render_template(template, form=form), 400
    keys = _throttle_keys(account.identifiant)
    db = get_session()
    wait = throttle.wait_seconds(db, keys, now())
    if wait:
        return _refuse_throttled(template, form, wait)
    with write_transaction(db):
        accepted = _use_code(account, form.code.data)
    if accepted is None:
        _record_failure(keys, account, "code de vérification incorrect")
        form.code.errors = [MSG_BAD_CODE]
        return render_template(template, form=form), 401
    return _finish_login(account, f"mot de passe et {accepted}")


@bp.route("/deconnexion", methods=["POST"])
def logout():
    account = g.account
    if account is not None:
        db = get_session()
        with write_transaction(db):
            audit.record(db, actor_id=account.id, action="deconnexion", target=f"compte:{account.identifiant}")
    session.destroy()
    return redirect(url_for("auth.login", deconnecte=1))


# --- account ---------------------------------------------------------------------------------


def _recovery_left(account: Account) -> int:
    from sqlalchemy import func

    return get_session().scalar(
        select(func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.account_id == account.id, RecoveryCode.used_at.is_(None))
    )


@bp.route("/compte")
@login_required
def account():
    return render_template("app/auth/compte.html", disable_form=ConfirmPasswordForm(),
                           recovery_left=_recovery_left(g.account))


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
@form_view
@login_required
def change_password():
    account = g.account
    forced = account.must_change_password
    form = PasswordChangeForm()
    template = "app/auth/mot_de_passe.html"
    if request.method == "GET":
        return render_template(template, form=form, forced=forced)
    valid = form.validate_on_submit()
    db = get_session()
    keys = [f"compte:{account.identifiant}"]
    if not forced and not form.csrf_failed:
        wait = throttle.wait_seconds(db, keys, now())
        if wait:
            return _refuse_throttled(template, form, wait, forced=forced)
        if not form.current_password.data:
            form.current_password.errors = ["Saisissez votre mot de passe actuel."]
            valid = False
        elif not verify_password(hasher(), account.password_hash, form.current_password.data):
            form.current_password.errors = [MSG_CURRENT_WRONG]
            with write_transaction(db):
                throttle.register_failure(db, keys[0], _limits(keys[0]), now())
            valid = False
    new = form.new_password.data or ""
    if new and not form.new_password.errors:
        agent = account.agent
        problems = password_problems(
            new,
            numen=agent.numen if agent else "",
            identifiant=account.identifiant,
            nom=agent.nom if agent else "",
            prenom=agent.prenom if agent else "",
        )
        if problems:
            form.new_password.errors = problems
            valid = False
        elif form.confirm.data and form.confirm.data != new:
            form.confirm.errors = [MSG_CONFIRM_DIFFERS]
            valid = False
    if not valid:
        return render_template(template, form=form, forced=forced), 400
    current = now()
    with write_transaction(db):
        account.password_hash = hasher().hash(new)
        account.must_change_password = False
        account.first_secret_expires_at = None
        account.password_changed_at = current
        end_sessions_of(db, account.id)
        throttle.clear(db, keys[0])
        audit.record(
            db, actor_id=account.id, action="mot_de_passe_change", target=f"compte:{account.identifiant}",
            after={"premier_mot_de_passe": forced},
        )
    session.regenerate(account.id)
    flash("Votre mot de passe a été changé. Vos autres sessions ont été fermées.")
    return redirect(url_for("accueil.index"))


def _qr_svg(uri: str) -> str:
    """The QR code as inline SVG (no script, no style attribute)."""
    return segno.make(uri, error="m").svg_inline(scale=4, title="Code QR à scanner", dark="#000", light="#fff")


@bp.route("/compte/double-authentification", methods=["GET", "POST"])
@form_view
@login_required
def totp_enrol():
    account = g.account
    template = "app/auth/totp.html"
    secret = session.get("totp_pending")
    if not secret:
        secret = totp.new_secret()
        session["totp_pending"] = secret
    uri = totp.provisioning_uri(secret, account.identifiant, f"{totp.ISSUER} · {_academie()}")
    form = TotpEnrolForm()
    context = {"form": form, "qr": _qr_svg(uri), "secret": totp.grouped(secret), "account": account}
    if request.method == "GET":
        return render_template(template, **context)
    if not form.validate_on_submit():
        return render_template(template, **context), 400
    step = totp.matching_step(secret, form.code.data, now(), None)
    if step is None:
        form.code.errors = [MSG_BAD_CODE]
        return render_template(template, **context), 400
    codes = totp.new_recovery_codes()
    db = get_session()
    with write_transaction(db):
        was_enabled = account.totp_enabled
        account.totp_secret = secret
        account.totp_enabled = True
        account.totp_last_step = step
        db.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
        db.add_all(RecoveryCode(account_id=account.id, code_hash=totp.recovery_hash(c)) for c in codes)
        audit.record(
            db, actor_id=account.id, action="double_authentification_activee",
            target=f"compte:{account.identifiant}",
            before={"active": was_enabled}, after={"active": True},
        )
    session.pop("totp_pending", None)
    return render_template("app/auth/codes_secours.html", codes=codes)


@bp.route("/compte/double-authentification/desactiver", methods=["POST"])
@form_view
@login_required
def totp_disable():
    account = g.account
    if account.totp_obligatoire:
        abort(403)
    form = ConfirmPasswordForm()
    valid = form.validate_on_submit()
    if valid and not verify_password(hasher(), account.password_hash, form.password.data):
        form.password.errors = [MSG_CURRENT_WRONG]
        valid = False
    if not valid:
        return render_template("app/auth/compte.html", disable_form=form,
                               recovery_left=_recovery_left(account)), 400
    db = get_session()
    with write_transaction(db):
        account.totp_enabled = False
        account.totp_secret = None
        account.totp_last_step = None
        db.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
        audit.record(
            db, actor_id=account.id, action="double_authentification_desactivee",
            target=f"compte:{account.identifiant}", before={"active": True}, after={"active": False},
        )
    flash("La double authentification est désactivée.")
    return redirect(url_for("auth.account"))


def _academie() -> str:
    from ...core.content import site_config

    return site_config().academie
