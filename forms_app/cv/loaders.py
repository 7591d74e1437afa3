"""Load-or-404 for CV entries: only the logged-in teacher's own."""
from __future__ import annotations

from flask import abort

from ..core.db import get_session
from ..core.records import checked_id
from ..dossier.loaders import load_own_agent
from .models import CvEntry


def load_cv_entry(entry_id: int) -> CvEntry:
    """An entry of the logged-in teacher's own CV."""
    agent = load_own_agent()
    entry = get_session().get(CvEntry, checked_id(entry_id))
    if entry is None or entry.agent_id != agent.id:
        abort(404)
    return entry
