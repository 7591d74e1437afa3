"""The app's `carriere` commands: each area registers its own (declared in pyproject.toml's entry points)."""
from __future__ import annotations


def register_commands(subparsers) -> None:
    """Add every area's subcommands to `carriere`."""
    from . import demo
    from .avis import cli as avis
    from .comptes import cli as comptes
    from .core import cli as core
    from .dossier import cli as dossier
    from .mobilite import cli as mobilite

    from .evaluateurs import cli as evaluateurs
    from .promotions import cli as promotions
    from .rendezvous import cli as rendezvous

    for area in (evaluateurs, promotions, rendezvous):
        area.register(subparsers)
    for area in (core, dossier, comptes, demo, mobilite, avis):
        area.register(subparsers)
