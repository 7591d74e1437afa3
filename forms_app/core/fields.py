"""Field checks shared by the dossier, CV and courrier forms, with their French messages."""
from __future__ import annotations

import re
from datetime import date, datetime

from markupsafe import Markup, escape

from generator.frnombres import nombre
from wtforms import StringField
from wtforms.validators import Length, StopValidation, ValidationError
from wtforms.widgets import html_params

MSG_CONTROLE = "Ce champ contient des caractères invisibles non autorisés : retirez-les."
MSG_LONGUEUR = "Ce champ accepte au plus {max} caractères (vous en avez saisi {length})."
MSG_TELEPHONE = "Saisissez un numéro à 10 chiffres commençant par 0, par exemple 04 73 12 34 56."
MSG_PORTABLE = (
    "Saisissez un numéro de portable à 10 chiffres commençant par 06 ou 07, "
    "par exemple 06 12 34 56 78."
)
MSG_MAIL = "Saisissez une adresse électronique complète, par exemple prenom.nom@exemple.fr."
MSG_DATE = "Saisissez une date réelle au format JJ/MM/AAAA, par exemple 01/09/2026."

# C0 and C1 controls, DEL, and the Unicode line/paragraph separators; tab and newlines pass in
# multi-line fields only.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)*\.[A-Za-z]{2,}$")


def strip(value: str | None) -> str | None:
    """Filter: trim surrounding blanks."""
    return value.strip() if isinstance(value, str) else value


def no_control(multiline: bool = False):
    """Refuse invisible control characters (tab and line breaks allowed in multi-line text)."""
    pattern = _CONTROL if multiline else _CONTROL_SINGLE_LINE

    def check(form, field) -> None:
        if field.data and pattern.search(field.data):
            raise StopValidation(MSG_CONTROLE)

    return check


class _Longueur(Length):
    """Length with the French message, its numbers grouped by thousands (« 5 000 »)."""

    def __call__(self, form, field) -> None:
        length = len(field.data) if field.data else 0
        if length > self.max:
            raise ValidationError(MSG_LONGUEUR.format(max=nombre(self.max), length=nombre(length)))


def longueur(maximum: int) -> Length:
    return _Longueur(max=maximum)


def normaliser_telephone(value: str) -> str | None:
    """A French number written "04 73 12 34 56", or None when it is not one."""
    compact = re.sub(r"[\s.\-]", "", value)
    if compact.startswith("+33"):
        compact = "0" + compact[3:]
    elif compact.startswith("0033"):
        compact = "0" + compact[4:]
    if not re.fullmatch(r"0[1-9][0-9]{8}", compact):
        return None
    return " ".join(compact[i : i + 2] for i in range(0, 10, 2))


def telephone(portable: bool = False):
    """Check a French phone number (optional field); the caller stores the normalised form."""

    def check(form, field) -> None:
        if not field.data:
            return
        number = normaliser_telephone(field.data)
        if number is None or (portable and number[:2] not in ("06", "07")):
            raise ValidationError(MSG_PORTABLE if portable else MSG_TELEPHONE)

    return check


def mail(form, field) -> None:
    """Check an e-mail address (optional field)."""
    if field.data and (len(field.data) > 254 or not _MAIL.match(field.data)):
        raise ValidationError(MSG_MAIL)


def parse_date(value: str) -> date | None:
    """Read JJ/MM/AAAA (or the AAAA-MM-JJ a date picker sends); None when it is no real date."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
        if 1900 <= parsed.year <= 2100:
            return parsed
    return None


def _select(field, **kwargs) -> Markup:
    kwargs.setdefault("id", field.id)
    current = field.data or ""
    options = "".join(
        f'<option value="{escape(value)}"{" selected" if value == current else ""}>{escape(label)}</option>'
        for value, label in field.choices
    )
    return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")


class ChoiceField(StringField):
    """A <select> of (value, label) pairs; a validator checks the value sent."""

    widget = staticmethod(_select)

    def __init__(self, label=None, validators=None, *, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.choices = choices


def one_of(choices: dict[str, str], message: str):
    """Refuse a value outside the choices."""

    def check(form, field) -> None:
        if field.data not in choices:
            raise StopValidation(message)

    return check
