"""Pure allocation engine of the mouvement: DA*, exchange cycles, extension, barres, explanations.

No Flask here: plain dataclasses in, plain dataclasses out (docs/affectation.md).
"""
from .allocation import Algorithme, allocate
from .barre import Barre, BarreKey, compute_barres
from .deferred import run_deferred_acceptance, run_deferred_acceptance_plain
from .exchange import run_exchange_cycles
from .expand import ZoneIndex, ZoneOrder, build_zone_index, by_poste_id, by_uai, expand_voeu
from .explain import Explanation, VoeuExplanation, explain_candidate, explain_candidates, format_points
from .extension import ExtensionTable, run_extension
from .model import (
    VOEU_TYPES,
    Affectation,
    Candidat,
    Mouvement,
    MouvementInvalide,
    Obtention,
    Poste,
    Resultat,
    Voeu,
    ZoneKey,
    check_mouvement,
)
from .report import Comparison, Report, compare_allocations, report_allocation

__all__ = [
    "VOEU_TYPES", "Affectation", "Algorithme", "Barre", "BarreKey", "Candidat", "Comparison",
    "Explanation", "ExtensionTable", "Mouvement", "MouvementInvalide", "Obtention", "Poste", "Report",
    "Resultat", "Voeu", "VoeuExplanation", "ZoneIndex", "ZoneKey", "ZoneOrder", "allocate",
    "build_zone_index", "by_poste_id", "by_uai", "check_mouvement", "compare_allocations",
    "compute_barres", "expand_voeu", "explain_candidate", "explain_candidates", "format_points",
    "report_allocation", "run_deferred_acceptance", "run_deferred_acceptance_plain",
    "run_exchange_cycles", "run_extension",
]
