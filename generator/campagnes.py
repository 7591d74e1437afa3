"""Read content/campagnes/*.yaml: phases in Europe/Paris, vœux, mouvements, pièces, barème."""
from __future__ import annotations

import re
from pathlib import Path

from .affectation import load_affectation_rules
from .model import (
    ETAB_RESTRICTIONS,
    PHASE_CODES,
    SITUATIONS,
    RESTRICTABLE_VOEU_TYPES,
    VOEU_TYPES,
    BaremeRule,
    Campaign,
    Mouvement,
    Phase,
    PieceType,
    Preference,
    Referentiel,
    SourceRef,
)
from .promotion import (
    CAREER_KINDS,
    PROMOTION_PHASES,
    PROMOTION_SEQUENTIAL,
    RDV_PHASES,
    RDV_SEQUENTIAL,
    check_career_phases,
    load_promotion_rules,
    load_rendez_vous_rules,
)
from .report import Report
from .sources import check_slug, expect_mapping, read_yaml_file
from .tables import Table
from .validate import Fields, ends_before, show_moment, suggest
from .yamlio import YList, YMap

CAMPAIGN_KEYS = ("titre", "type", "annee", "resume", "note_de_service", "phases", "voeux", "mouvements",
                 "pieces_jointes", "bareme", "lignes_directrices", "affectation")
PHASE_KEYS = ("code", "libelle", "debut", "fin", "note")
VOEUX_KEYS = ("maximum", "types", "types_etablissement")
MOUVEMENT_KEYS = ("code", "libelle", "lettre_motivation", "disciplines", "preferences")
PREFERENCE_KEYS = ("code", "libelle")
PIECE_KEYS = ("code", "libelle", "taille_max_ko", "obligatoire")
KINDS = ("inter", "intra", "specifique", *CAREER_KINDS)
# Promotion and rendez-vous campaigns: their keys, phase codes and sequential phases (generator/promotion.py).
CAREER_KEYS = {"promotion": ("titre", "type", "annee", "resume", "note_de_service", "phases", "pieces_jointes",
                             "promotion"),
               "rendez-vous": ("titre", "type", "annee", "resume", "note_de_service", "phases", "rendez_vous")}
CAREER_PHASES = {"promotion": (PROMOTION_PHASES, PROMOTION_SEQUENTIAL), "rendez-vous": (RDV_PHASES, RDV_SEQUENTIAL)}
# These phases follow each other: each ends before the next starts. The others may overlap.
SEQUENTIAL = ("saisie", "confirmation", "bareme", "resultats")
_INTEGER = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+[.,]\d+$")


def _duplicate(f: Fields, line: int, what: str, code: str, first: int) -> None:
    f.error(line, f"{what} « {code} » est déjà déclaré{'e' if what.startswith('la ') else ''} ligne {first} : "
                  "supprimez le doublon ou changez le code.")


def _phases(f: Fields, codes: dict[str, str] = PHASE_CODES, sequential: tuple[str, ...] = SEQUENTIAL) -> list[Phase]:
    phases: list[Phase] = []
    seen: dict[str, int] = {}
    complete = True
    for line, item in f.items("phases", required=True):
        p = Fields(f.report, f.path, item, " dans cette phase")
        p.check_keys(PHASE_KEYS)
        code = p.text("code")
        if code is not None and code not in codes:
            p.error(item.line_of("code"), f"code de phase inconnu « {code} »{suggest(code, tuple(codes))} : "
                                          f"codes possibles : {', '.join(codes)}.")
            code = None
        label = p.text("libelle", required=False)
        note = _link(p.text("note", required=False))
        start, end = p.moment("debut"), p.moment("fin", required=False)
        if start is not None and end is not None and ends_before(start, end):
            p.error(item.line_of("fin"), f"la phase « {code or '?'} » se termine ({show_moment(end)}) avant de "
                                         f"commencer ({show_moment(start)}) : corrigez « debut » ou « fin ».")
        if code is not None and code in seen:
            _duplicate(p, item.line_of("code"), "la phase", code, seen[code])
        if not p.ok or code is None or start is None:
            f.ok = complete = False
            continue
        seen[code] = item.line_of("code")
        phases.append(Phase(code=code, label=label or codes[code], start=start, end=end,
                            source=SourceRef(f.path, line), note=note))
    if not complete:
        return phases
    if not phases and isinstance(f.data.get("phases"), YList):
        f.error(f.line("phases"), "« phases » est vide : ajoutez au moins une phase (code, debut, fin).")
    ordered = [p for code in sequential for p in phases if p.code == code]
    for before, after in zip(ordered, ordered[1:]):
        if before.end is None:
            f.error(before.source.line, f"la phase « {before.code} » n'a pas de fin alors que la phase "
                                        f"« {after.code} » la suit : ajoutez « fin » à « {before.code} ».")
        elif after.start < before.end:
            f.error(after.source.line, f"la phase « {after.code} » commence ({show_moment(after.start)}) avant la fin "
                                       f"de la phase « {before.code} » ({show_moment(before.end)}) : les phases "
                                       f"{', '.join(sequential)} se suivent ; corrigez « debut » de « {after.code} » "
                                       f"ou « fin » de « {before.code} ».")
    return sorted(phases, key=lambda p: (p.start, list(codes).index(p.code)))


def _link(lien: str | None) -> str:
    """A link as the site's other links are written: from the site root, or absolute."""
    if not lien:
        return ""
    return lien if lien.startswith(("/", "http://", "https://", "mailto:")) else "/" + lien


def _links(f: Fields, phases: list[Phase]) -> tuple[tuple[int, str], ...]:
    """The campaign's links with their lines, for the loader to check against the site's pages and files."""
    items = f.data.get("phases")
    lines = [item.line_of("note") for item in items if isinstance(item, YMap) and "note" in item] \
        if isinstance(items, YList) else []
    found = list(zip(lines, (p.note for p in phases if p.note)))
    ldg = _link(f.text("lignes_directrices", required=False))
    if ldg:
        found.append((f.line("lignes_directrices"), ldg))
    return tuple(found)


def _voeux(f: Fields) -> tuple[int | None, tuple[str, ...] | None, tuple[str, ...]]:
    vmap = f.mapping("voeux")
    if vmap is None:
        return None, None, ()
    v = Fields(f.report, f.path, vmap, " dans « voeux »")
    v.check_keys(VOEUX_KEYS)
    limit = v.integer("maximum", positive=True)
    types = v.texts("types", required=True)
    for index, code in enumerate(types or ()):
        if code not in VOEU_TYPES:
            raw = vmap.get("types")
            line = raw.line_of(index) if isinstance(raw, YList) else vmap.line_of("types")
            v.error(line, f"type de vœu inconnu « {code} »{suggest(code, tuple(VOEU_TYPES))} : types possibles : "
                          f"{', '.join(VOEU_TYPES)}.")
    if len(set(types or ())) != len(types or ()):
        v.error(vmap.line_of("types"), "un type de vœu est répété dans « types » : gardez chaque type une fois.")
    restrictions = v.texts("types_etablissement") or ()
    for index, code in enumerate(restrictions):
        if code not in ETAB_RESTRICTIONS:
            raw = vmap.get("types_etablissement")
            line = raw.line_of(index) if isinstance(raw, YList) else vmap.line_of("types_etablissement")
            v.error(line, f"type d'établissement inconnu « {code} »{suggest(code, tuple(ETAB_RESTRICTIONS))} : "
                          f"types possibles : {', '.join(ETAB_RESTRICTIONS)}.")
    if len(set(restrictions)) != len(restrictions):
        v.error(vmap.line_of("types_etablissement"), "un type d'établissement est répété dans « types_etablissement » : "
                                                     "gardez chaque type une fois.")
    if restrictions and types and not set(types) & set(RESTRICTABLE_VOEU_TYPES):
        v.error(vmap.line_of("types_etablissement"),
                f"« types_etablissement » ne s'applique qu'aux vœux {', '.join(RESTRICTABLE_VOEU_TYPES)}, absents de "
                "« types » : retirez « types_etablissement » ou ajoutez l'un de ces types de vœu.")
    if not v.ok:
        f.ok = False
        return None, None, ()
    return limit, types, tuple(restrictions)


def _mouvements(f: Fields, ref: Referentiel, disciplines: Table) -> list[Mouvement]:
    out: list[Mouvement] = []
    seen: dict[str, int] = {}
    for line, item in f.items("mouvements"):
        m = Fields(f.report, f.path, item, " dans ce mouvement")
        m.check_keys(MOUVEMENT_KEYS)
        code, label = m.text("code"), m.text("libelle")
        letter = m.boolean("lettre_motivation")
        codes = m.texts("disciplines") or ()
        raw = item.get("disciplines")
        for index, discipline in enumerate(codes):
            if discipline not in ref.disciplines and discipline not in disciplines.rejected:
                where = raw.line_of(index) if isinstance(raw, YList) else item.line_of("disciplines")
                m.error(where, f"la discipline « {discipline} » du mouvement « {code or '?'} » n'existe pas dans "
                               f"{disciplines.label}{suggest(discipline, tuple(ref.disciplines))} : ajoutez-la à "
                               f"{disciplines.label} ou corrigez le code.")
        preferences: list[Preference] = []
        for _, pref in m.items("preferences"):
            p = Fields(f.report, f.path, pref, " dans cette préférence")
            p.check_keys(PREFERENCE_KEYS)
            pcode, plabel = p.text("code"), p.text("libelle")
            if p.ok and pcode and plabel:
                preferences.append(Preference(pcode, plabel))
            else:
                m.ok = False
        if code is not None and code in seen:
            _duplicate(m, item.line_of("code"), "le mouvement", code, seen[code])
        if not m.ok or code is None or label is None:
            f.ok = False
            continue
        seen[code] = item.line_of("code")
        out.append(Mouvement(code=code, label=label, lettre_motivation=letter, disciplines=codes,
                             preferences=tuple(preferences), source=SourceRef(f.path, line)))
    return out


def _pieces(f: Fields) -> list[PieceType]:
    out: list[PieceType] = []
    seen: dict[str, int] = {}
    for line, item in f.items("pieces_jointes"):
        p = Fields(f.report, f.path, item, " dans cette pièce jointe")
        p.check_keys(PIECE_KEYS)
        code, label = p.text("code"), p.text("libelle")
        size = p.integer("taille_max_ko", required=False, positive=True)
        required = p.boolean("obligatoire")
        if code is not None and code in seen:
            _duplicate(p, item.line_of("code"), "la pièce jointe", code, seen[code])
        if not p.ok or code is None or label is None:
            f.ok = False
            continue
        seen[code] = item.line_of("code")
        out.append(PieceType(code=code, label=label, max_size_ko=300 if size is None else size, required=required,
                             source=SourceRef(f.path, line)))
    return out


def _plain(value: object) -> object:
    """Turn parsed YAML back into plain Python, numbers typed, for barème parameters."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    text = str(value).strip()
    if _INTEGER.match(text):
        return int(text)
    if _DECIMAL.match(text):
        return float(text.replace(",", "."))  # 150,2 as a French publisher writes it
    return {"true": True, "false": False}.get(text.lower(), text)


def _bareme_scope(b: Fields, item: YMap, code: str, types: tuple[str, ...] | None, limit: int | None) -> None:
    """The keys the app reads itself: which vœux an element bears on, and whether it needs a justificatif."""
    voeu_types = b.texts("types_voeux") or ()
    for index, vtype in enumerate(voeu_types):
        raw = item.get("types_voeux")
        where = raw.line_of(index) if isinstance(raw, YList) else item.line_of("types_voeux")
        if vtype not in VOEU_TYPES:
            b.error(where, f"type de vœu inconnu « {vtype} » dans « types_voeux » de l'élément « {code} »"
                           f"{suggest(vtype, tuple(VOEU_TYPES))} : types possibles : {', '.join(VOEU_TYPES)}.")
        elif types is not None and vtype not in types:
            b.report.warning(b.path, where, f"l'élément « {code} » porte sur les vœux « {vtype} », que la campagne "
                                            f"n'accepte pas (voeux.types : {', '.join(types)}) : retirez-le de "
                                            "« types_voeux » ou ajoutez-le à « voeux.types ».")
    rang = b.integer("rang", required=False, positive=True)
    if rang is not None and limit is not None and rang > limit:
        b.error(item.line_of("rang"), f"« rang » vaut {rang} mais une demande a au plus {limit} vœux "
                                      f"(voeux.maximum) : indiquez un rang entre 1 et {limit}.")
    situation = b.text("situation", required=False)
    if situation is not None and situation not in SITUATIONS:
        b.error(item.line_of("situation"), f"situation inconnue « {situation} » pour l'élément « {code} »"
                                           f"{suggest(situation, tuple(SITUATIONS))} : situations possibles : "
                                           f"{', '.join(SITUATIONS)}.")
    b.boolean("justificatif")


def _bareme(f: Fields, types: tuple[str, ...] | None = None, limit: int | None = None) -> list[BaremeRule]:
    out: list[BaremeRule] = []
    seen: dict[str, int] = {}
    for line, item in f.items("bareme"):
        b = Fields(f.report, f.path, item, " dans cet élément du barème")
        code, label = b.text("code"), b.text("libelle")
        _bareme_scope(b, item, code or "?", types, limit)
        if code is not None and code in seen:
            _duplicate(b, item.line_of("code"), "l'élément de barème", code, seen[code])
        if not b.ok or code is None or label is None:
            f.ok = False
            continue
        seen[code] = item.line_of("code")
        params = {k: _plain(v) for k, v in item.items() if k not in ("code", "libelle")}
        if "types_voeux" in params:  # a single type is a list of one, as `voeux.types` reads it
            params["types_voeux"] = list(b.texts("types_voeux") or ())
        if "justificatif" in params:
            params["justificatif"] = str(params["justificatif"]).lower() in ("true", "oui", "yes")
        out.append(BaremeRule(code=code, label=label, params=params, source=SourceRef(f.path, line)))
    return out


def load_campaign(root: Path, path: Path, report: Report, ref: Referentiel, disciplines: Table,
                  note_slugs: set[str]) -> Campaign | None:
    """Read one campaign file; None when it has errors."""
    name = path.relative_to(root).as_posix()
    slug = path.stem
    slug_ok = check_slug(name, slug, report)
    data = read_yaml_file(root, path, report)
    if data is None:
        return None
    data = expect_mapping(data, name, report)
    if data is None:
        return None
    assert isinstance(data, YMap)
    f = Fields(report, name, data)
    title, kind, year = f.text("titre"), f.text("type"), f.text("annee")
    f.check_keys(CAREER_KEYS.get(kind or "", CAMPAIGN_KEYS))
    summary = f.text("resume", required=False) or ""
    if kind is not None and kind not in KINDS:
        f.error(f.line("type"), f"« type » doit être inter, intra, specifique, promotion ou rendez-vous (lu : « {kind} »)"
                                f"{suggest(kind, KINDS)} : corrigez la valeur.")
    note = f.text("note_de_service", required=False)
    if note is not None and note not in note_slugs:
        f.error(f.line("note_de_service"), f"la note de service « {note} » n'existe pas (aucun fichier "
                                           f"content/notes-de-service/{note}.md) : corrigez « note_de_service » "
                                           "ou ajoutez la note.")
    if kind in CAREER_KINDS:
        return _career_campaign(f, kind, slug_ok, slug, name, title, year, summary, note)
    phases = _phases(f)
    limit, types, restrictions = _voeux(f)
    mouvements = _mouvements(f, ref, disciplines)
    pieces = _pieces(f)
    bareme = _bareme(f, types, limit)
    affectation = load_affectation_rules(f, ref)
    if not (f.ok and slug_ok) or None in (title, kind, year, limit, types):
        return None
    return Campaign(slug=slug, title=title, kind=kind, year=year, summary=summary,  # type: ignore[arg-type]
                    note_de_service=note, phases=tuple(phases), voeu_limit=limit,  # type: ignore[arg-type]
                    voeu_types=types, etab_restrictions=restrictions,  # type: ignore[arg-type]
                    mouvements=tuple(mouvements), pieces=tuple(pieces),
                    bareme=tuple(bareme), source=SourceRef(name, 1),
                    lignes_directrices=_link(f.text("lignes_directrices", required=False)), links=_links(f, phases),
                    affectation=affectation)


def _career_campaign(f: Fields, kind: str, slug_ok: bool, slug: str, name: str, title: str | None, year: str | None,
                     summary: str, note: str | None) -> Campaign | None:
    """A promotion or rendez-vous campaign: phases of its own, no vœux; its rules in `regles`."""
    codes, sequential = CAREER_PHASES[kind]
    phases = _phases(f, codes, sequential)
    pieces = _pieces(f) if kind == "promotion" else []
    regles = load_promotion_rules(f) if kind == "promotion" else load_rendez_vous_rules(f)
    if f.ok:
        check_career_phases(f, kind, phases, regles)
    if not (f.ok and slug_ok) or None in (title, year, regles):
        return None
    return Campaign(slug=slug, title=title, kind=kind, year=year, summary=summary,  # type: ignore[arg-type]
                    note_de_service=note, phases=tuple(phases), voeu_limit=0, voeu_types=(), mouvements=(),
                    pieces=tuple(pieces), bareme=(), source=SourceRef(name, 1), regles=regles)
