"""Pure rules of the desk (no Flask, no database): the filters of the list as the URL writes them,
a gestionnaire's decision on one element, and the audit log told in words."""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.frdates import NBSP
from generator.model import VOEU_TYPES, BaremeRule, Campaign, Referentiel

from ..core.texte import chiffres
from ..mobilite.rules.bareme import (
    ACCORDE,
    CORRIGE,
    DECISION_LIBELLES,
    POINTS_MAX,
    REFUSE,
    VERIFIE,
    calcule,
    justificatif,
    points_fr,
)

PAR_PAGE = 50
MOTIF_MAX = 1000
LOT_MAX = 5000  # demandes one batch message or verification may reach; exports have no such limit

# Filter -> its values and their labels, as the form offers them (the URL carries the codes).
ETATS = {"sans_voeu": "Sans vœu", "a_verifier": "Barème à vérifier", "verifiee": "Barème vérifié"}
LETTRES = {"saisie": "Lettre saisie", "manquante": "Lettre attendue, non saisie"}
PIECES = {"manquantes": "Pièce obligatoire manquante", "aucune": "Aucune pièce jointe", "jointes": "Au moins une pièce"}
CORRECTIONS = {"en_attente": "Correction en attente", "toutes": "Au moins une correction demandée"}
TRIS = {"nom": "Nom (A → Z)", "nom-desc": "Nom (Z → A)", "date": "Date d'enregistrement (ancienne d'abord)",
        "date-desc": "Date d'enregistrement (récente d'abord)", "mouvement": "Mouvement"}

MSG_VALEUR = f"La valeur «{NBSP}{{valeur}}{NBSP}» n'existe pas pour le filtre «{NBSP}{{filtre}}{NBSP}»{NBSP}: choisissez-en une dans la liste."
MSG_PAGE = f"La page «{NBSP}{{valeur}}{NBSP}» n'existe pas{NBSP}: indiquez un numéro de page (1, 2…)."
MSG_ORIGINE = (f"«{NBSP}{{valeur}}{NBSP}» n'est ni un établissement (UAI) ni une commune du référentiel{NBSP}: "
               "saisissez un code UAI (0630021F), un code commune (63113) ou le nom d'une commune.")
MSG_TEXTE = f"Le texte recherché contient des caractères invisibles{NBSP}: retirez-les."

MSG_DECISION = f"Cette décision ne s'applique pas à cet élément{NBSP}: choisissez-en une dans la liste."
MSG_MOTIF = f"Indiquez le motif de la décision{NBSP}: il est montré à l'agent."
MSG_MOTIF_LONG = f"Le motif compte {{n}} caractères{NBSP}; le maximum est {MOTIF_MAX}{NBSP}: raccourcissez-le."
MSG_POINTS = (f"Les points doivent être un nombre entre 0 et {POINTS_MAX:,}".replace(",", NBSP) +
              f", avec au plus deux décimales (par exemple 150,2){NBSP}: corrigez la valeur.")
MSG_POINTS_REQUIS = f"Indiquez les points retenus pour cet élément{NBSP}: il n'a pas de valeur par défaut."


@dataclass(frozen=True)
class Filtres:
    """The desk's filters as read from the URL (all optional)."""

    mouvement: str = ""
    discipline: str = ""
    etat: str = ""
    lettre: str = ""
    pieces: str = ""
    corrections: str = ""
    origine: str = ""  # as typed
    uais: tuple[str, ...] | None = None  # what origine names: établissements (None: no filter)
    q: str = ""
    tri: str = "nom"
    page: int = 1

    def params(self, *, page: int | None = None) -> dict[str, str]:
        """The URL parameters that give this list back (defaults left out)."""
        values = {"mouvement": self.mouvement, "discipline": self.discipline, "etat": self.etat,
                  "lettre": self.lettre, "pieces": self.pieces, "corrections": self.corrections,
                  "origine": self.origine, "q": self.q, "tri": "" if self.tri == "nom" else self.tri}
        out = {k: v for k, v in values.items() if v}
        if page is not None and page > 1:
            out["page"] = str(page)
        return out

    @property
    def actifs(self) -> bool:
        return bool(set(self.params()) - {"tri"})


@dataclass
class FiltresLus:
    filtres: Filtres
    erreurs: dict[str, str] = field(default_factory=dict)  # filter -> French message


def _texte(value: str, limit: int) -> str:
    return value.strip()[:limit]


def _fold(text: str) -> str:
    """Lower case without accents, hyphens as spaces: « Clermont-Ferrand » = « clermont ferrand »."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[-'’]", " ", plain).split())


def origine_uais(ref: Referentiel, valeur: str) -> tuple[str, ...] | None:
    """The établissements a typed origin names: a UAI, a commune code or a commune's name; None if none."""
    code = valeur.strip().upper()
    if code in ref.etablissements:
        return (code,)
    commune = ref.communes.get(valeur.strip())
    if commune is None:
        wanted = _fold(valeur)
        matches = [c for c in ref.communes.values() if _fold(c.libelle) == wanted]
        commune = matches[0] if len(matches) == 1 else None
    if commune is None:
        return None
    return tuple(sorted(e.uai for e in ref.etablissements.values() if e.commune == commune.code))


def lire_filtres(args: Mapping[str, str], campaign: Campaign, ref: Referentiel) -> FiltresLus:
    """Read the list's filters from the URL; each unknown value is an error (the list is then refused)."""
    erreurs: dict[str, str] = {}

    def choice(name: str, label: str, allowed) -> str:
        value = _texte(args.get(name, ""), 40)
        if value and value not in allowed:
            erreurs[name] = MSG_VALEUR.format(valeur=value, filtre=label)
            return ""
        return value

    mouvements = {m.code for m in campaign.mouvements}
    disciplines = {d for m in campaign.mouvements for d in m.disciplines} or set(ref.disciplines)
    mouvement = choice("mouvement", "Mouvement", mouvements)
    discipline = choice("discipline", "Discipline", disciplines)
    etat = choice("etat", "État de la demande", ETATS)
    lettre = choice("lettre", "Lettre de motivation", LETTRES)
    pieces = choice("pieces", "Pièces jointes", PIECES)
    corrections = choice("corrections", "Corrections", CORRECTIONS)
    tri = choice("tri", "Tri", TRIS) or "nom"
    q = _texte(args.get("q", ""), 80)
    if any(not c.isprintable() for c in q):
        erreurs["q"] = MSG_TEXTE
        q = ""
    origine = _texte(args.get("origine", ""), 80)
    uais = None
    if any(not c.isprintable() for c in origine):
        erreurs["origine"] = MSG_TEXTE
        origine = ""
    elif origine:
        uais = origine_uais(ref, origine)
        if uais is None:
            erreurs["origine"] = MSG_ORIGINE.format(valeur=origine)
            origine = ""
    raw_page = _texte(args.get("page", ""), 12) or "1"
    page = 1
    if not chiffres(raw_page) or not 1 <= int(raw_page) <= 1_000_000:
        erreurs["page"] = MSG_PAGE.format(valeur=raw_page)
    else:
        page = int(raw_page)
    return FiltresLus(Filtres(mouvement, discipline, etat, lettre, pieces, corrections, origine, uais, q, tri, page),
                      erreurs)


# --- decisions on an element ------------------------------------------------------------------

def decisions_permises(rule: BaremeRule) -> tuple[str, ...]:
    """What a gestionnaire may decide on this element: a justificatif is granted or refused, a
    computed element verified or corrected, an element the app does not compute given its points."""
    if justificatif(rule):
        return (ACCORDE, REFUSE)
    if calcule(rule):
        return (VERIFIE, CORRIGE)
    return (CORRIGE, VERIFIE)


def lire_points(text: str) -> int | None:
    """« 150,2 » -> 15020 (hundredths); None when it is not a number from 0 to POINTS_MAX with at most
    two decimals."""
    value = text.strip().replace(NBSP, "").replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"\d{1,5}(\.\d{1,2})?", value):
        return None
    whole, _, decimals = value.partition(".")
    hundredths = int(whole) * 100 + int((decimals + "00")[:2])
    return hundredths if hundredths <= POINTS_MAX * 100 else None


@dataclass(frozen=True)
class DecisionLue:
    decision: str
    points_centiemes: int | None
    motif: str


def lire_decision(rule: BaremeRule, decision: str, points: str, motif: str,
                  defaut: float | None) -> DecisionLue | str:
    """The decision as stored, or the French message that refuses it.

    defaut: the element's points once granted when its parameters say them (rules.bareme.points_par_defaut).
    """
    if decision not in decisions_permises(rule):
        return MSG_DECISION
    motif = motif.strip()
    if decision != VERIFIE and not motif:
        return MSG_MOTIF
    if len(motif) > MOTIF_MAX:
        return MSG_MOTIF_LONG.format(n=len(motif))
    hundredths = None
    if decision in (CORRIGE, ACCORDE) and points.strip():
        hundredths = lire_points(points)
        if hundredths is None:
            return MSG_POINTS
    elif points.strip() and decision in (VERIFIE, REFUSE):
        if lire_points(points) is None:
            return MSG_POINTS
    if decision == CORRIGE and hundredths is None:
        return MSG_POINTS_REQUIS
    if decision == ACCORDE and hundredths is None and defaut is None:
        return MSG_POINTS_REQUIS
    return DecisionLue(decision, hundredths, motif)


def decision_en_mots(decision: str | None, points: float | None = None) -> str:
    if not decision:
        return "non examiné"
    text = DECISION_LIBELLES.get(decision, decision).lower()
    if points is not None and decision in (CORRIGE, ACCORDE):
        text += f" ({points_fr(points)} point{'s' if points > 1 else ''})"
    return text


# --- the audit log in words -------------------------------------------------------------------

# Kinds of action a reader may filter the Historique by: code -> (label, action prefixes).
TYPES_ACTION: dict[str, tuple[str, tuple[str, ...]]] = {
    "demande": ("Demandes", ("mobilite.demande.",)),
    "voeux": ("Vœux", ("mobilite.voeu.",)),
    "lettre": ("Lettre de motivation", ("mobilite.lettre.",)),
    "pieces": ("Pièces jointes", ("mobilite.piece.",)),
    "bareme": ("Barème et corrections", ("gestion.bareme.", "gestion.correction.", "mobilite.situation",
                                         "mobilite.bareme.")),
    "courrier": ("Courrier", ("courrier.", "gestion.message")),
    "dossier": ("Dossier", ("dossier.", "agent_", "import_agents", "mobilite.telephones")),
    "compte": ("Compte et connexions", ("connexion", "deconnexion", "mot_de_passe", "double_authentification",
                                        "numen_reactive", "compte_cree")),
}

ACTIONS: dict[str, str] = {
    "mobilite.demande.creation": "Demande créée",
    "mobilite.demande.suppression": "Demande supprimée",
    "mobilite.voeu.ajout": "Vœu ajouté",
    "mobilite.voeu.monter": "Vœu monté d'un rang",
    "mobilite.voeu.descendre": "Vœu descendu d'un rang",
    "mobilite.voeu.suppression": "Vœu supprimé",
    "mobilite.lettre.enregistrement": "Lettre de motivation enregistrée",
    "mobilite.lettre.brouillon": "Brouillon de la lettre enregistré",
    "mobilite.piece.depot": "Pièce jointe déposée",
    "mobilite.piece.remplacement": "Pièce jointe remplacée",
    "mobilite.piece.suppression": "Pièce jointe supprimée",
    "mobilite.telephones": "Numéros de téléphone modifiés",
    "mobilite.situation": "Situation déclarée pour le barème",
    "mobilite.bareme.correction": "Correction du barème demandée",
    "gestion.bareme.decision": "Élément du barème examiné",
    "gestion.bareme.verification": "Barème marqué comme vérifié",
    "gestion.correction.reponse": "Réponse à une demande de correction",
    "gestion.message": "Message écrit à l'agent",
    "courrier.envoi": "Message envoyé",
    "courrier.lecture": "Message lu",
    "connexion": "Connexion",
    "connexion_echec": "Échec de connexion",
    "deconnexion": "Déconnexion",
    "mot_de_passe_change": "Mot de passe changé",
    "double_authentification_activee": "Double authentification activée",
    "double_authentification_desactivee": "Double authentification désactivée",
    "numen_reactive": "NUMEN réactivé comme premier mot de passe",
    "compte_cree": "Compte créé",
    "dossier.perso": "Coordonnées personnelles modifiées",
    "dossier.mise_a_jour": "Dossier mis à jour",
    "agent_cree": "Dossier créé (import)",
    "agent_modifie": "Dossier modifié (import)",
    "agent_historique": "Dossier modifié (import)",
}

# Field -> how it is named in a sentence.
CHAMPS: dict[str, str] = {
    "campagne": "campagne", "mouvement": "mouvement", "discipline": "discipline", "preference": "préférence",
    "kind": "type de pièce", "filename": "fichier", "size": "taille (octets)", "longueur": "longueur (caractères)",
    "telephone": "téléphone", "portable": "portable", "mail_perso": "mail personnel", "element": "élément",
    "decision": "décision", "points": "points", "motif": "motif", "etat": "état", "reponse": "réponse",
    "piece": "pièce jointe", "subject": "objet", "to_account_id": "destinataire (compte)",
    "departement_conjoint": "département du conjoint", "academie_conjoint": "académie du conjoint",
    "corps": "corps", "grade": "grade", "echelon": "échelon", "affectation_uai": "affectation (UAI)",
    "situation_familiale": "situation familiale", "enfants": "enfants", "nom": "nom", "prenom": "prénom",
    "adresse": "adresse", "mail_pro": "mail professionnel", "date_effet": "date d'effet", "rubrique": "rubrique",
    "objet": "objet", "destinataires": "destinataires", "verifie": "vérifié", "expire": "expire le",
}
# Keys never shown, whatever a row holds (the log drops them already; a reader never relies on it).
SECRETS = frozenset({"numen", "password", "password_hash", "mot_de_passe", "totp_secret", "secret", "code",
                     "recovery_codes", "code_hash", "csrf_token", "sha256", "texte", "body", "brouillon"})


def type_de_l_action(action: str) -> str:
    for code, (_label, prefixes) in TYPES_ACTION.items():
        if action.startswith(prefixes):
            return code
    return ""


def _valeur(key: str, value) -> str:
    if value is None or value == "":
        return "(vide)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if key == "decision" and isinstance(value, str):
        return DECISION_LIBELLES.get(value, value).lower()
    if key == "etat" and isinstance(value, str):
        return {"envoyee": "envoyée", "acceptee": "acceptée", "refusee": "refusée"}.get(value, value)
    if isinstance(value, float):
        return points_fr(value)
    return str(value)


def _voeux(value) -> str:
    if not isinstance(value, list) or not value:
        return "aucun vœu"
    parts = []
    for v in value:
        if isinstance(v, dict):
            vtype = VOEU_TYPES.get(str(v.get("type", "")), str(v.get("type", "")))
            parts.append(f"{v.get('rank', '?')}. {vtype} {v.get('numero', '')}".strip())
    return ", ".join(parts) or "aucun vœu"


def _plat(values: dict | None) -> dict:
    out = {}
    for key, value in (values or {}).items():
        if str(key).lower() in SECRETS:
            continue
        out[key] = value
    return out


def en_mots(action: str, before_json: str | None, after_json: str | None, libelles: Mapping[str, str] = {}) -> list[str]:
    """The before/after of an audit row as French sentences; never a secret, never raw JSON.

    libelles: element codes -> labels of the campaign (the barème's elements).
    """
    try:
        before = json.loads(before_json) if before_json else {}
        after = json.loads(after_json) if after_json else {}
    except ValueError:
        return []
    before = _plat(before if isinstance(before, dict) else {})
    after = _plat(after if isinstance(after, dict) else {})
    lines = []
    if "voeux" in before or "voeux" in after:
        if "voeux" in before:
            lines.append(f"Vœux avant{NBSP}: {_voeux(before.pop('voeux'))}.")
        if "voeux" in after:
            lines.append(f"Vœux après{NBSP}: {_voeux(after.pop('voeux'))}.")
    element = after.get("element") or before.get("element")
    if element:
        lines.append(f"Élément{NBSP}: {libelles.get(element, element)}.")
        after.pop("element", None)
        before.pop("element", None)
    for key in sorted(set(before) | set(after)):
        label = CHAMPS.get(key)
        if label is None:
            continue  # a field the reader has no words for stays out, rather than shown raw
        old, new = before.get(key), after.get(key)
        if isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
            continue
        if key in before and key in after:
            if old != new:
                lines.append(f"{label.capitalize()}{NBSP}: {_valeur(key, old)} → {_valeur(key, new)}.")
        elif key in after:
            lines.append(f"{label.capitalize()}{NBSP}: {_valeur(key, new)}.")
        else:
            lines.append(f"{label.capitalize()} (avant){NBSP}: {_valeur(key, old)}.")
    return lines
