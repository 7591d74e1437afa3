"""The barème of a demande, computed from the dossier by the campaign's rules (data): element by
element for the dossier, then vœu by vœu, with the gestionnaire's decisions once there are some."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from generator.frdates import NBSP
from generator.model import SITUATIONS, VOEU_TYPES, BaremeRule, Campaign, Referentiel

SUR_JUSTIFICATIF = f"Sur demande et justificatif{NBSP}: examiné par votre gestionnaire."
NON_CALCULE = f"Élément non calculé automatiquement{NBSP}: examiné par votre gestionnaire."


@dataclass(frozen=True)
class Dossier:
    """What the barème reads of an agent's dossier."""

    corps: str
    grade: str
    echelon: int
    affectation_depuis: date | None
    education_prioritaire: str  # of the current établissement: "", "REP", "REP+"
    situation_familiale: str
    enfants: int
    jour: date  # the date the barème is computed for


@dataclass(frozen=True)
class Ligne:
    code: str
    libelle: str
    points: float
    detail: str
    calcule: bool  # False: shown, but points depend on a justificatif


@dataclass(frozen=True)
class Bareme:
    lignes: tuple[Ligne, ...]

    @property
    def total(self) -> float:
        return sum(ligne.points for ligne in self.lignes if ligne.calcule)


def points_fr(value: float) -> str:
    """150.2 -> "150,2"; 14.0 -> "14"."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").replace(".", ",")


def annees_pleines(depuis: date | None, jour: date) -> int:
    if depuis is None or depuis > jour:
        return 0
    years = jour.year - depuis.year
    if (jour.month, jour.day) < (depuis.month, depuis.day):
        years -= 1
    return years


def _num(params: dict, key: str, default: float = 0) -> float:
    value = params.get(key, default)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _grade(d: Dossier) -> str:
    text = d.grade.lower()
    if "exceptionnelle" in text:
        return "classe_exceptionnelle"
    if "hors classe" in text or "hors-classe" in text:
        return "hors_classe"
    return "echelon"


def _portee(params: dict) -> str:
    types = params.get("types_voeux")
    if not isinstance(types, (list, tuple)) or not types:
        return ""
    noms = ", ".join(VOEU_TYPES.get(str(t), str(t)).lower() for t in types)
    return f" Porte sur les vœux de type{NBSP}: {noms}."


def _ligne(rule: BaremeRule, d: Dossier) -> Ligne | None:
    p = rule.params
    code = rule.code
    if justificatif(rule):
        detail = SUR_JUSTIFICATIF
        if "points_par_enfant" in p and d.enfants:
            detail = f"{d.enfants} enfant{'s' if d.enfants > 1 else ''} au dossier. " + detail
        return Ligne(code, rule.label, 0, detail + _portee(p), False)
    if code in ("echelon", "hors_classe", "classe_exceptionnelle"):
        if _grade(d) != code:
            return None
        par = _num(p, "points_par_echelon")
        if code == "echelon":
            points = max(_num(p, "minimum"), par * d.echelon)
            detail = f"{points_fr(par)} points par échelon, {d.echelon}e échelon"
        else:
            base_key = "points_base_agreges" if "agrég" in d.corps.lower() and "points_base_agreges" in p else "points_base"
            points = _num(p, base_key) + par * d.echelon
            detail = f"{points_fr(_num(p, base_key))} points + {points_fr(par)} par échelon, {d.echelon}e échelon"
            if "plafond" in p and points > _num(p, "plafond"):
                points = _num(p, "plafond")
                detail += f", plafonné à {points_fr(points)}"
        return Ligne(code, rule.label, points, detail, True)
    if code == "anciennete_poste":
        ans = annees_pleines(d.affectation_depuis, d.jour)
        tranche = int(_num(p, "annees_par_tranche"))
        tranches = ans // tranche if tranche > 0 else 0
        points = _num(p, "points_par_an") * ans + _num(p, "bonus_par_tranche") * tranches
        detail = f"{ans} an{'s' if ans > 1 else ''} dans le poste"
        if tranches:
            detail += f", dont {tranches} tranche{'s' if tranches > 1 else ''} de {tranche} ans"
        return Ligne(code, rule.label, points, detail, True)
    if code == "education_prioritaire":
        ans = annees_pleines(d.affectation_depuis, d.jour)
        requis = int(_num(p, "annees_requises"))
        if d.education_prioritaire not in ("REP", "REP+"):
            return None
        key = "points_rep_plus" if d.education_prioritaire == "REP+" else "points_rep"
        if ans < requis:
            return Ligne(code, rule.label, 0, f"{d.education_prioritaire}{NBSP}: {ans} an{'s' if ans > 1 else ''} sur les {requis} requis", True)
        return Ligne(code, rule.label, _num(p, key), f"{d.education_prioritaire}, {ans} ans dans l'établissement", True)
    if code == "stagiaire":
        if "stagiaire" not in f"{d.corps} {d.grade}".lower():
            return None
        return Ligne(code, rule.label, _num(p, "points"), "Fonctionnaire stagiaire", True)
    return Ligne(code, rule.label, 0, NON_CALCULE + _portee(p), False)


def calculer(rules: Sequence[BaremeRule], dossier: Dossier) -> Bareme:
    """Each element that applies, with its points and why; elements that need a document say so."""
    lignes = [ligne for rule in rules if (ligne := _ligne(rule, dossier)) is not None]
    return Bareme(tuple(lignes))


# --- the barème per vœu -----------------------------------------------------------------------

# Decisions a gestionnaire takes on one element of a demande's barème.
VERIFIE, CORRIGE, ACCORDE, REFUSE = "verifie", "corrige", "accorde", "refuse"
DECISIONS = (VERIFIE, CORRIGE, ACCORDE, REFUSE)
# What the teacher and the gestionnaire read of a decision.
DECISION_LIBELLES = {VERIFIE: "Vérifié", CORRIGE: "Corrigé", ACCORDE: "Accordé", REFUSE: "Refusé"}
# The barème as the calendar shows it: before the phase « bareme », during it, after it.
PROVISIONNEL, RETENU, DEFINITIF = "provisionnel", "retenu", "definitif"
ETAT_LIBELLES = {PROVISIONNEL: "provisionnel", RETENU: "retenu", DEFINITIF: "définitif"}
POINTS_MAX = 10_000  # no element of any barème comes near it: a larger number is a typing error
# Elements that rest on a declaration when the campaign does not say `justificatif` itself.
DECLARATIFS = frozenset({"rapprochement_conjoints", "enfants", "separation", "handicap", "reintegration"})

MSG_ATTENTE = f"Sur justificatif{NBSP}: en attente d'examen par le gestionnaire."
MSG_NON_ACCORDE = f"Sur justificatif{NBSP}: non accordé (aucun justificatif retenu)."


@dataclass(frozen=True)
class Lieu:
    """Where a vœu (or a declared situation) lies: a département and its académie ("" when unknown)."""

    departement: str = ""
    academie: str = ""


@dataclass(frozen=True)
class VoeuLieu:
    """A vœu as the barème reads it: its rank, type, code and place."""

    rank: int
    type: str
    code: str
    lieu: Lieu = Lieu()


@dataclass(frozen=True)
class Decision:
    """A gestionnaire's decision on one element: points only for corrige and accorde."""

    decision: str  # one of DECISIONS
    points: float | None
    motif: str


@dataclass(frozen=True)
class Element:
    """One element of the barème on one vœu."""

    code: str
    libelle: str
    points: float
    detail: str
    statut: str  # "calcule", "attente", "non_accorde", or a decision (verifie, corrige, accorde, refuse)


@dataclass(frozen=True)
class BaremeVoeu:
    voeu: VoeuLieu
    elements: tuple[Element, ...]

    @property
    def total(self) -> float:
        return round(sum(e.points for e in self.elements), 2)

    def points(self, code: str) -> float | None:
        """The element's points on this vœu; None when it does not bear on it."""
        return next((e.points for e in self.elements if e.code == code), None)


def justificatif(rule: BaremeRule) -> bool:
    """The element carries points only once a gestionnaire has granted it."""
    value = rule.params.get("justificatif")
    return value if isinstance(value, bool) else rule.code in DECLARATIFS


def calcule(rule: BaremeRule) -> bool:
    """The app computes the element from the dossier (otherwise a gestionnaire gives its points)."""
    return rule.code in CALCULES and not justificatif(rule)


CALCULES = frozenset({"echelon", "hors_classe", "classe_exceptionnelle", "anciennete_poste",
                      "education_prioritaire", "stagiaire"})


def points_par_defaut(rule: BaremeRule, dossier: Dossier) -> float | None:
    """The points an element is worth once granted, when its parameters say it alone; None: the
    gestionnaire gives them (years of séparation, of vœu préférentiel…)."""
    p = rule.params
    if "points_par_enfant" in p:
        return _num(p, "points_par_enfant") * dossier.enfants
    if "points" in p and isinstance(p["points"], (int, float)) and not isinstance(p["points"], bool):
        return float(p["points"])
    return None


def etat_bareme(campaign: Campaign, moment: datetime) -> str:
    """PROVISIONNEL before the campaign's phase « bareme » (or without one), RETENU during it,
    DEFINITIF after it: read from the clock at each request, nothing to run when the phase ends."""
    phase = campaign.phase("bareme")
    if phase is None:
        return PROVISIONNEL
    return {"a_venir": PROVISIONNEL, "ouverte": RETENU, "close": DEFINITIF}[phase.state_at(moment)]


def lieu_correspond(declare: Lieu, voeu: VoeuLieu) -> bool:
    """Whether a vœu lies in (or covers) the declared place: the same département, or for a vœu
    académie (ACA, ZRA) the académie holding it; a declared académie matches every vœu of it."""
    if declare.departement:
        if voeu.lieu.departement:
            return voeu.lieu.departement == declare.departement
        return voeu.type in ("ACA", "ZRA") and bool(declare.academie) and voeu.lieu.academie == declare.academie
    return bool(declare.academie) and voeu.lieu.academie == declare.academie


def porte_sur(rule: BaremeRule, voeu: VoeuLieu, situations: Mapping[str, Lieu]) -> bool:
    """Whether the element bears on this vœu: its `types_voeux`, its `rang`, its `situation`."""
    return dans(_scope(rule), voeu, situations)


def _element(rule: BaremeRule, ligne: Ligne, decision: Decision | None, verifie: bool,
             dossier: Dossier) -> Element:
    """The element's points and detail once the gestionnaire's decision (if any) is applied."""
    if decision is None:
        if ligne.calcule:
            return Element(rule.code, rule.label, ligne.points, ligne.detail, "calcule")
        if justificatif(rule):
            return Element(rule.code, rule.label, 0, MSG_NON_ACCORDE if verifie else MSG_ATTENTE,
                           "non_accorde" if verifie else "attente")
        return Element(rule.code, rule.label, 0, ligne.detail, "non_accorde" if verifie else "attente")
    motif = f" Motif{NBSP}: {decision.motif}" if decision.motif else ""
    if decision.decision == VERIFIE:
        return Element(rule.code, rule.label, ligne.points if ligne.calcule else 0, ligne.detail, VERIFIE)
    if decision.decision == REFUSE:
        return Element(rule.code, rule.label, 0, f"Refusé par le gestionnaire.{motif}", REFUSE)
    if decision.decision == ACCORDE:
        points = decision.points if decision.points is not None else (points_par_defaut(rule, dossier) or 0)
        return Element(rule.code, rule.label, points, f"Accordé par le gestionnaire.{motif}", ACCORDE)
    points = decision.points or 0
    return Element(rule.code, rule.label, points, f"Corrigé par le gestionnaire.{motif}", CORRIGE)


def bareme_par_voeu(
    rules: Sequence[BaremeRule],
    dossier: Dossier,
    voeux: Sequence[VoeuLieu],
    situations: Mapping[str, Lieu] | None = None,
    decisions: Mapping[str, Decision] | None = None,
    *,
    verifie: bool = False,
) -> tuple[BaremeVoeu, ...]:
    """The barème of each vœu, element by element.

    decisions None: the barème provisionnel (computed from the dossier; justificatif elements carry
    no points). Otherwise the barème retenu: each element as the gestionnaire decided; verifie: the
    demande is verified as a whole (an element left undecided keeps its computed points, a
    justificatif element left undecided is not granted).
    """
    return sur_les_voeux(elements_retenus(rules, dossier, decisions, verifie=verifie), voeux, situations or {})


Portees = tuple[tuple[tuple, Element], ...]  # each element with what it is limited to (_scope)


def elements_retenus(rules: Sequence[BaremeRule], dossier: Dossier, decisions: Mapping[str, Decision] | None,
                     *, verifie: bool = False) -> Portees:
    """The demande's elements, decisions applied, each with its scope: the part of the barème that does
    not depend on the vœux (an export computes it once for every dossier alike)."""
    out = []
    for rule in rules:
        ligne = _ligne(rule, dossier)
        decision = decisions.get(rule.code) if decisions is not None else None
        if ligne is None:
            if decision is None or decision.decision not in (CORRIGE, ACCORDE):
                continue  # does not apply to this dossier, and the gestionnaire did not say otherwise
            ligne = Ligne(rule.code, rule.label, 0, "", False)
        out.append((_scope(rule), _element(rule, ligne, decision, verifie and decisions is not None, dossier)))
    return tuple(out)


def sur_les_voeux(portees: Portees, voeux: Sequence[VoeuLieu], situations: Mapping[str, Lieu]) -> tuple[BaremeVoeu, ...]:
    """Each vœu with the elements that bear on it."""
    return tuple(BaremeVoeu(voeu, tuple(e for scope, e in portees if dans(scope, voeu, situations)))
                 for voeu in voeux)


def _scope(rule: BaremeRule) -> tuple[frozenset | None, int | None, str | None]:
    """(vœu types, rank, situation key) an element is limited to, read once per computation."""
    p = rule.params
    types = p.get("types_voeux")
    rang = p.get("rang")
    cle = p.get("situation")
    return (frozenset(str(t) for t in types) if isinstance(types, (list, tuple)) and types else None,
            rang if isinstance(rang, int) and not isinstance(rang, bool) else None,
            cle if isinstance(cle, str) and cle else None)


def dans(scope, voeu: VoeuLieu, situations: Mapping[str, Lieu]) -> bool:
    """Whether a vœu is within an element's scope (from elements_retenus)."""
    types, rang, cle = scope
    if types is not None and voeu.type not in types:
        return False
    if rang is not None and voeu.rank != rang:
        return False
    if cle is not None:
        declare = situations.get(cle)
        return declare is not None and lieu_correspond(declare, voeu)
    return True


def elements_du_bareme(rules: Sequence[BaremeRule], dossier: Dossier) -> tuple[BaremeRule, ...]:
    """The campaign's elements that a gestionnaire may decide on for this dossier: those that apply
    to it, and every element that is not computed (a declaration, a justificatif)."""
    return tuple(r for r in rules if _ligne(r, dossier) is not None or not calcule(r))


def portee_texte(rule: BaremeRule) -> str:
    """What the element bears on, in words: "" when on every vœu."""
    p = rule.params
    parts = []
    types = p.get("types_voeux")
    if isinstance(types, (list, tuple)) and types:
        parts.append("les vœux de type " + ", ".join(VOEU_TYPES.get(str(t), str(t)).lower() for t in types))
    rang = p.get("rang")
    if isinstance(rang, int) and not isinstance(rang, bool):
        parts.append("le premier vœu" if rang == 1 else f"le vœu n°{NBSP}{rang}")
    cle = p.get("situation")
    if isinstance(cle, str) and cle in SITUATIONS:
        parts.append(f"les vœux situés dans le lieu déclaré ({SITUATIONS[cle][0].lower()})")
    return ("Porte sur " + " et ".join(parts) + ".") if parts else ""


def lieu_du_voeu(ref: Referentiel, type_: str, code: str) -> Lieu:
    """The département and académie of a vœu, from the référentiel ("" when not found)."""
    departement = ""
    if type_ in ("ETB", "ZRE"):
        etab = ref.etablissements.get(code)
        departement = etab.departement if etab else ""
    elif type_ == "COM":
        commune = ref.communes.get(code)
        departement = commune.departement if commune else ""
    elif type_ == "GEO":
        groupement = ref.groupements.get(code)
        departement = groupement.departement if groupement else ""
    elif type_ in ("DPT", "ZRD"):
        departement = code.zfill(3) if code.isdigit() else code
    elif type_ in ("ACA", "ZRA"):
        return Lieu("", code)
    dep = ref.departements.get(departement)
    return Lieu(departement, dep.academie if dep else "")


def lieu_declare(ref: Referentiel, cle: str, valeur: str) -> Lieu | None:
    """A declared situation's place: a département (with its académie) or an académie."""
    kind = SITUATIONS.get(cle, ("", ""))[1]
    if kind == "departement":
        dep = ref.departements.get(valeur)
        return Lieu(dep.code, dep.academie) if dep else None
    if kind == "academie":
        return Lieu("", valeur) if valeur in ref.academies else None
    return None
