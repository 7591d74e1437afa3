"""The `gestion` blueprint: « Mutations » for gestionnaires, under /gestion."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("gestion", __name__, url_prefix="/gestion")

from . import bureau, demande, exports, historique, lots  # noqa: E402,F401  (routes)


@bp.context_processor
def _helpers() -> dict:
    from generator.model import VOEU_TYPES

    from ...mobilite.rules.bareme import points_fr

    return {"points_fr": points_fr, "types": VOEU_TYPES}
