"""Forms of a gestionnaire's actions on a teacher's account."""
from __future__ import annotations

from wtforms import BooleanField

from ..security import BaseForm


class ReactivationForm(BaseForm):
    """« Réactiver le NUMEN »: the confirmation, and whether the second factor goes too."""

    sans_totp = BooleanField("Désactiver aussi la double authentification (téléphone perdu ou changé)")
