"""Vœu codes: resolve a typed code in the référentiel, or search it by name, commune or département."""
from __future__ import annotations

from dataclasses import dataclass, field

from generator.frdates import NBSP
from generator.model import VOEU_TYPES, Referentiel, is_valid_uai, uai_check_letter

from ...core.texte import plain

MSG_CODE_VIDE = f"Saisissez le code ou le numéro du vœu, ou cliquez sur «{NBSP}Rechercher{NBSP}» sans code pour une saisie guidée."
MSG_UAI = f"Le code «{NBSP}{{code}}{NBSP}» n'est pas un code d'établissement (UAI){NBSP}: 7 chiffres puis une lettre, par exemple 0630021F."
MSG_UAI_CLE = (
    f"Le code «{NBSP}{{code}}{NBSP}» n'est pas un code d'établissement (UAI) valide{NBSP}: sa lettre de contrôle "
    f"devrait être «{NBSP}{{attendue}}{NBSP}» ({{corrige}}). Vérifiez le code."
)
MSG_INCONNU = f"Aucun {{quoi}} ne porte le code «{NBSP}{{code}}{NBSP}» dans le référentiel de l'académie{NBSP}: vérifiez le code ou utilisez la saisie guidée."
MSG_ZONE = (
    f"Aucune zone de remplacement {{quelle}} ne porte le code «{NBSP}{{code}}{NBSP}» dans l'académie{NBSP}: "
    "{comment}"
)
# How each zone de remplacement is named (the académie's note de service): after the map of its
# établissements, départements and the académie itself.
ZONES = {
    "ZRE": ("d'établissement", "saisissez le code UAI de l'établissement de rattachement, par exemple 0630021F."),
    "ZRD": ("départementale", "saisissez le code d'un département de l'académie sur trois chiffres, par exemple 063."),
    "ZRA": ("académique", "saisissez le code de l'académie, par exemple 06."),
}
QUOI = {
    "ETB": "établissement",
    "COM": "commune",
    "GEO": "groupement de communes",
    "DPT": "département",
    "ACA": "académie",
}
MAX_RESULTATS = 40


@dataclass(frozen=True)
class VoeuResolu:
    type: str
    code: str
    libelle: str


class CodeRefuse(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normaliser(code: str) -> str:
    return "".join(code.split()).upper()


def _departement_code(code: str) -> str:
    """"63" or "063" -> "063"; "2A" stays as typed."""
    return code.zfill(3) if code.isdigit() and len(code) < 3 else code


def _etb_libelle(ref: Referentiel, uai: str) -> str:
    e = ref.etablissements[uai]
    commune = ref.communes.get(e.commune)
    ville = commune.libelle if commune else e.code_postal
    return " ".join(part for part in (e.type, e.nom, e.adresse, ville) if part)


def _zones(ref: Referentiel) -> tuple[set[str], set[str]]:
    """(départements, académies) that hold an établissement of the référentiel: where zones exist."""
    departements = {e.departement for e in ref.etablissements.values()}
    academies = {ref.departements[d].academie for d in departements if d in ref.departements}
    return departements, academies


def libelle(ref: Referentiel, type_: str, code: str) -> str | None:
    """The label of a known code, None when the référentiel lacks it."""
    if type_ == "ZRE":
        return libelle(ref, "ETB", code)
    if type_ in ("ZRD", "ZRA"):
        departements, academies = _zones(ref)
        if code not in (departements if type_ == "ZRD" else academies):
            return None
        return libelle(ref, "DPT" if type_ == "ZRD" else "ACA", code)
    if type_ == "ETB":
        return _etb_libelle(ref, code) if code in ref.etablissements else None
    if type_ == "COM":
        c = ref.communes.get(code)
        return f"{c.libelle} ({c.code_postal})" if c and c.code_postal else (c.libelle if c else None)
    if type_ == "GEO":
        g = ref.groupements.get(code)
        return g.libelle if g else None
    if type_ == "DPT":
        d = ref.departements.get(code)
        return d.libelle if d else None
    if type_ == "ACA":
        a = ref.academies.get(code)
        return f"Académie de {a.libelle}" if a else None
    return None


def resoudre(ref: Referentiel, type_: str, code: str) -> VoeuResolu:
    """The vœu this (type, code) names, or CodeRefuse with what to fix."""
    code = normaliser(code)
    if not code:
        raise CodeRefuse(MSG_CODE_VIDE)
    if type_ in ("ETB", "ZRE") and not is_valid_uai(code):
        raise CodeRefuse(uai_refus(code))
    if type_ in ("DPT", "ZRD"):
        code = _departement_code(code)
    found = libelle(ref, type_, code)
    if found is None and type_ in ZONES:
        quelle, comment = ZONES[type_]
        raise CodeRefuse(MSG_ZONE.format(quelle=quelle, code=code[:20], comment=comment))
    if found is None:
        raise CodeRefuse(MSG_INCONNU.format(quoi=QUOI.get(type_, "vœu"), code=code[:20]))
    return VoeuResolu(type_, code, found)


def uai_refus(code: str) -> str:
    """What is wrong with a code that is not a valid UAI: its shape, or its check letter and the right one."""
    if len(code) == 8 and code[:7].isdigit() and code[:7].isascii() and code[7].isalpha():
        attendue = uai_check_letter(int(code[:7]))
        return MSG_UAI_CLE.format(code=code, attendue=attendue, corrige=code[:7] + attendue)
    return MSG_UAI.format(code=code[:20])


def rechercher(ref: Referentiel, type_: str, texte: str) -> list[VoeuResolu]:
    """Guided search: every vœu of this type whose name, commune or département holds all the words."""
    words = plain(texte).split()
    if type_ not in VOEU_TYPES:
        return []
    if type_ in ZONES:
        # A zone is found like what it is named after, among the places that hold an établissement.
        found = rechercher(ref, {"ZRE": "ETB", "ZRD": "DPT", "ZRA": "ACA"}[type_], texte)
        departements, academies = _zones(ref)
        allowed = {"ZRE": ref.etablissements, "ZRD": departements, "ZRA": academies}[type_]
        return [VoeuResolu(type_, r.code, r.libelle) for r in found if r.code in allowed]

    def haystack(*parts: str) -> str:
        return plain(" ".join(parts))

    candidates: list[tuple[str, str]] = []  # (code, searchable text)
    if type_ == "ETB":
        for uai, e in ref.etablissements.items():
            commune = ref.communes.get(e.commune)
            dpt = ref.departements.get(e.departement)
            candidates.append((uai, haystack(uai, e.type, e.nom, commune.libelle if commune else "",
                                             e.code_postal, dpt.libelle if dpt else "")))
    elif type_ == "COM":
        for code, c in ref.communes.items():
            dpt = ref.departements.get(c.departement)
            candidates.append((code, haystack(code, c.libelle, c.code_postal, dpt.libelle if dpt else "")))
    elif type_ == "GEO":
        for code, g in ref.groupements.items():
            dpt = ref.departements.get(g.departement)
            communes = " ".join(ref.communes[c].libelle for c in g.communes if c in ref.communes)
            candidates.append((code, haystack(code, g.libelle, dpt.libelle if dpt else "", communes)))
    elif type_ == "DPT":
        candidates = [(code, haystack(code, d.libelle)) for code, d in ref.departements.items()]
    elif type_ == "ACA":
        candidates = [(code, haystack(code, a.libelle)) for code, a in ref.academies.items()]
    found = [code for code, text in candidates if all(w in text for w in words)]
    results = [VoeuResolu(type_, code, libelle(ref, type_, code) or code) for code in found]
    results.sort(key=lambda r: plain(r.libelle))
    return results[:MAX_RESULTATS]


# --- guided choice, step by step ---------------------------------------------------------------

ETAPE_DEPARTEMENT, ETAPE_COMMUNE, ETAPE_VOEU = "departement", "commune", "voeu"
# Vœu types whose choices are too many for one list: chosen after their département (and commune).
PAR_DEPARTEMENT = {"ETB": 2, "ZRE": 2, "COM": 1, "GEO": 1}  # steps before the vœu itself


@dataclass(frozen=True)
class Choix:
    """One step of the guided choice: what to pick now (a département, a commune, or the vœu) and the list."""

    etape: str
    entrees: list[tuple[str, str]] = field(default_factory=list)  # (code, libellé), in libellé order
    departement: str = ""
    commune: str = ""


def choix(ref: Referentiel, type_: str, departement: str = "", commune: str = "") -> Choix:
    """The choices of a vœu type, step by step: département, then commune, then the vœu itself (seed
    001's « saisie guidée »). Unknown département or commune codes start that step again."""
    steps = PAR_DEPARTEMENT.get(type_, 0)
    departements, academies = _zones(ref)
    if steps and departement not in departements:
        return Choix(ETAPE_DEPARTEMENT, _sorted([(d, ref.departements[d].libelle) for d in departements
                                                 if d in ref.departements]))
    if steps == 2 and not (commune in ref.communes and ref.communes[commune].departement == departement):
        held = {e.commune for e in ref.etablissements.values() if e.departement == departement}
        return Choix(ETAPE_COMMUNE, _sorted([(c, libelle(ref, "COM", c) or c) for c in held if c in ref.communes]),
                     departement)
    if type_ in ("ETB", "ZRE"):
        codes = [u for u, e in ref.etablissements.items() if e.commune == commune]
    elif type_ == "COM":
        codes = [c for c, com in ref.communes.items() if com.departement == departement]
    elif type_ == "GEO":
        codes = [g for g, grp in ref.groupements.items() if grp.departement == departement]
    elif type_ in ("DPT", "ZRD"):
        codes = sorted(departements) if type_ == "ZRD" else list(ref.departements)
    elif type_ in ("ACA", "ZRA"):
        codes = sorted(academies) if type_ == "ZRA" else list(ref.academies)
    else:
        codes = []
    return Choix(ETAPE_VOEU, _sorted([(c, libelle(ref, type_, c) or c) for c in codes]), departement, commune)


def _sorted(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(entries, key=lambda entry: (plain(entry[1]), entry[0]))
