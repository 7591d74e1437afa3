"""Security headers, the CSRF gate on every unsafe request, and the base form class."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, g, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
CSRF_MESSAGE = "Votre session a expiré, renvoyez le formulaire."
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BaseForm(FlaskForm):
    """Every form of the app: French WTForms messages, a French CSRF message."""

    class Meta:
        locales = ("fr_FR", "fr")

        def wrap_formdata(self, form, formdata):
            wrapped = super().wrap_formdata(form, formdata)
            # Flask-WTF reads a JSON body as form data: numbers, lists and lone surrogates (\ud800) then
            # reach the validators, the database and the page (a 500). Our forms are HTML forms only.
            if wrapped is not None and wrapped is not formdata and request.is_json and not request.form:
                return None
            return wrapped

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        csrf_field = getattr(self, "csrf_token", None)
        if csrf_field is not None and csrf_field.errors:
            csrf_field.errors = [CSRF_MESSAGE]
        return valid

    @property
    def first_error(self) -> str | None:
        """The message to show for a form that did not validate: the CSRF one first, else the first field's."""
        if self.csrf_failed:
            return self.csrf_token.errors[0]
        return next((errors[0] for errors in self.errors.values() if errors), None)

    @property
    def csrf_failed(self) -> bool:
        csrf_field = getattr(self, "csrf_token", None)
        return bool(csrf_field is not None and csrf_field.errors)


def form_view(view: Callable) -> Callable:
    """Mark a view whose BaseForm checks CSRF itself, so a failure re-shows the form with the input."""
    view.carriere_form_view = True
    return view


def csrf_gate(app: Flask) -> None:
    """Refuse an unsafe request without a valid CSRF token, unless its view re-shows its own form."""
    if request.method not in UNSAFE_METHODS or not app.config.get("WTF_CSRF_ENABLED", True):
        return
    view = app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, "carriere_form_view", False):
        return
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    try:
        validate_csrf(token)
    except ValidationError:
        g.csrf_refused = True
        abort(400)


def add_headers(response):
    """Security headers on every answer of the app."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    # Every app page is personal or carries a CSRF token: nothing may be kept by a cache.
    headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("WTF_I18N_ENABLED", False)
    app.config["WTF_I18N_ENABLED"] = False
    app.jinja_env.globals["csrf_token"] = generate_csrf
    app.before_request(lambda: csrf_gate(app))
    app.after_request(add_headers)
