"""Forms of the auth blueprint (login, code, password, TOTP), with their French messages."""
from __future__ import annotations

import re

from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from ..core.security import BaseForm

MSG_IDENTIFIANT = "Saisissez votre compte utilisateur, par exemple jdupont."
MSG_PASSWORD = "Saisissez votre mot de passe."
MSG_CODE = "Saisissez le code à 6 chiffres de votre application, ou un code de secours."
MSG_NEW = "Saisissez un nouveau mot de passe."
MSG_CONFIRM = "Saisissez une deuxième fois le nouveau mot de passe."
MSG_CURRENT = "Saisissez votre mot de passe actuel."


# An identifiant is printable text without controls (PostgreSQL refuses NUL in strings).
PRINTABLE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*\Z")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(BaseForm):
    identifiant = StringField(
        "Compte utilisateur",
        filters=[_strip],
        validators=[DataRequired(MSG_IDENTIFIANT), Length(max=200, message=MSG_IDENTIFIANT),
                    Regexp(PRINTABLE, message=MSG_IDENTIFIANT)],
    )
    password = PasswordField(
        "Mot de passe", validators=[DataRequired(MSG_PASSWORD), Length(max=1000, message=MSG_PASSWORD)]
    )


class CodeForm(BaseForm):
    code = StringField(
        "Code de vérification",
        filters=[_strip],
        validators=[DataRequired(MSG_CODE), Length(max=40, message=MSG_CODE), Regexp(PRINTABLE, message=MSG_CODE)],
    )


class PasswordChangeForm(BaseForm):
    current_password = PasswordField("Mot de passe actuel", validators=[Length(max=1000)])
    new_password = PasswordField("Nouveau mot de passe", validators=[DataRequired(MSG_NEW)])
    confirm = PasswordField("Confirmation du nouveau mot de passe", validators=[DataRequired(MSG_CONFIRM)])


class TotpEnrolForm(BaseForm):
    code = StringField(
        "Code affiché par l'application",
        filters=[_strip],
        validators=[DataRequired(MSG_CODE), Length(max=40, message=MSG_CODE)],
    )


class ConfirmPasswordForm(BaseForm):
    password = PasswordField(
        "Mot de passe actuel", validators=[DataRequired(MSG_CURRENT), Length(max=1000, message=MSG_CURRENT)]
    )


class ReactivationForm(BaseForm):
    """« Réactiver le NUMEN »: the confirmation, and whether the second factor goes too."""

    sans_totp = BooleanField("Désactiver aussi la double authentification (téléphone perdu ou changé)")
