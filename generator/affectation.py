"""Read a mutation campaign's `affectation` key: how a simulation of the mouvement breaks ties, orders the
postes of a zone and walks the extension table (docs/content-format.md)."""
from __future__ import annotations

from .barres import ZONE_TABLES
from .model import DEPARTAGE_MOUVEMENT, ORDRES_ZONE, VOEU_TYPES, AffectationRules, Referentiel, SourceRef, ZoneCode
from .validate import Fields, suggest
from .yamlio import YList

AFFECTATION_KEYS = ("departage", "ordre_zone", "extension")
EXTENSION_KEYS = ("depuis", "zones")
# The zone of vœu 1 a line of the table starts from: its département (intra) or its académie (inter).
DEPUIS_TYPES = ("DPT", "ACA")


def _zone_exists(ref: Referentiel, type_: str, code: str) -> bool:
    table = {"academies": ref.academies, "departements": ref.departements, "communes": ref.communes,
             "groupements": ref.groupements, "etablissements": ref.etablissements}[ZONE_TABLES[type_]]
    return code in table


def _zone(f: Fields, line: int, text: str, what: str, ref: Referentiel, types: tuple[str, ...]) -> ZoneCode | None:
    """« DPT 063 » → ("DPT", "063"); every problem reported at `line`."""
    parts = text.split()
    if len(parts) != 2:
        f.error(line, f"{what} « {text} » : écrivez le type de vœu puis le code, séparés par une espace "
                      "(par exemple « DPT 063 »).")
        return None
    type_, code = parts[0].upper(), parts[1]
    if type_ not in types:
        f.error(line, f"{what} « {text} » : type « {parts[0]} » impossible ici{suggest(type_, types)} : types "
                      f"possibles : {', '.join(types)}.")
        return None
    if not _zone_exists(ref, type_, code):
        table = ZONE_TABLES[type_]
        f.error(line, f"{what} « {text} » : le code « {code} » n'existe pas dans data/{table} : corrigez-le ou "
                      f"ajoutez-le à data/{table}.")
        return None
    return (type_, code)


def load_affectation_rules(f: Fields, ref: Referentiel) -> AffectationRules:
    """The campaign's `affectation` mapping (defaults when absent); problems as path:line, f.ok set False."""
    amap = f.mapping("affectation", required=False)
    if amap is None:
        return AffectationRules()
    a = Fields(f.report, f.path, amap, " dans « affectation »")
    a.check_keys(AFFECTATION_KEYS)
    departage = a.texts("departage") or ()
    raw = amap.get("departage")
    seen: set[str] = set()
    for index, code in enumerate(departage):
        where = raw.line_of(index) if isinstance(raw, YList) else amap.line_of("departage")
        if code not in DEPARTAGE_MOUVEMENT:
            a.error(where, f"critère de départage inconnu « {code} »{suggest(code, tuple(DEPARTAGE_MOUVEMENT))} : "
                           f"critères possibles : {', '.join(DEPARTAGE_MOUVEMENT)}.")
        elif code in seen:
            a.error(where, f"le critère « {code} » est déjà dans « departage » : gardez-le une fois.")
        seen.add(code)
    ordre = a.text("ordre_zone", required=False) or "poste"
    if ordre not in ORDRES_ZONE:
        a.error(amap.line_of("ordre_zone"), f"« ordre_zone » inconnu « {ordre} »{suggest(ordre, tuple(ORDRES_ZONE))} :"
                                            f" valeurs possibles : {', '.join(ORDRES_ZONE)}.")
    extension: list[tuple[ZoneCode, tuple[ZoneCode, ...]]] = []
    starts: dict[ZoneCode, int] = {}
    for line, item in a.items("extension"):
        e = Fields(f.report, f.path, item, " dans cette ligne de l'extension")
        e.check_keys(EXTENSION_KEYS)
        depuis_text = e.text("depuis")
        depuis = _zone(e, item.line_of("depuis"), depuis_text, "« depuis »", ref, DEPUIS_TYPES) \
            if depuis_text else None
        if depuis is not None and depuis in starts:
            e.error(item.line_of("depuis"), f"« depuis » {depuis_text} est déjà décrit ligne {starts[depuis]} : "
                                            "gardez une ligne par zone de départ.")
        zones_text = e.texts("zones", required=True) or ()
        raw_zones = item.get("zones")
        zones = []
        for index, text in enumerate(zones_text):
            where = raw_zones.line_of(index) if isinstance(raw_zones, YList) else item.line_of("zones")
            zone = _zone(e, where, text, "zone", ref, tuple(VOEU_TYPES))
            if zone is not None:
                zones.append(zone)
        if not e.ok or depuis is None:
            a.ok = False
            continue
        starts[depuis] = line
        extension.append((depuis, tuple(zones)))
    if not a.ok:
        f.ok = False
    return AffectationRules(departage=tuple(departage), ordre_zone=ordre, extension=tuple(extension),
                            source=SourceRef(f.path, f.line("affectation")))
