"""The validated model both halves read: the site generator renders it, the forms app enforces it.

Everything here is plain data (no Flask, no Jinja). Objects are built by `generator.load.load_site()`
only after every source has been validated, so code that receives a `Site` may trust it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

# Vœu types, as the real portal names them.
VOEU_TYPES: dict[str, str] = {
    "ETB": "Établissement",
    "COM": "Commune",
    "GEO": "Groupement de communes",
    "DPT": "Département",
    "ACA": "Académie",
    "ZRE": "Zone de remplacement (établissement)",
    "ZRD": "Zone de remplacement (département)",
    "ZRA": "Zone de remplacement (académie)",
}

# Restrictions of a geographic vœu to a type d'établissement: code -> (label, établissement types it covers).
# A lycée polyvalent (LPO) holds general and vocational sections: it counts as a lycée and as an LP.
ETAB_RESTRICTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "CLG": ("Collège", ("CLG",)),
    "LYC": ("Lycée", ("LYC", "LPO")),
    "LP": ("Lycée professionnel", ("LP", "LPO")),
    "EREA": ("Établissement régional d'enseignement adapté", ("EREA",)),
}
# The vœu types a restriction may apply to: the zones made of several établissements.
RESTRICTABLE_VOEU_TYPES = ("COM", "GEO", "DPT", "ACA")

# Phase codes a campaign may declare, in their usual order.
PHASE_CODES: dict[str, str] = {
    "information": "Information et publication de la note de service",
    "consultation": "Consultation du dossier et des postes",
    "saisie": "Saisie des vœux",
    "confirmation": "Retour des confirmations de demande",
    "bareme": "Affichage et contrôle du barème",
    "resultats": "Résultats",
    "telephone": "Saisie des numéros de téléphone",
}

CampaignKind = Literal["inter", "intra", "specifique", "promotion", "rendez-vous"]
PhaseState = Literal["a_venir", "ouverte", "close"]


@dataclass(frozen=True)
class SourceRef:
    """Where a record was written: shown in every message to a publisher."""

    path: str  # relative to the site root, e.g. "content/campagnes/inter-2027.yaml"
    line: int  # 1-based

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str


@dataclass(frozen=True)
class Contacts:
    mail: str
    phone: str
    hours: str = ""
    postal: str = ""


@dataclass(frozen=True)
class Accessibility:
    """What the déclaration d'accessibilité states (RGAA)."""

    status: str  # "totalement conforme" | "partiellement conforme" | "non conforme"
    rgaa_version: str  # e.g. "4.1.2"
    audit_date: date
    contact: str  # how to obtain an accessible alternative
    defenseur_url: str = "https://formulaire.defenseurdesdroits.fr/"


# RGAA 4.1: the 13 themes, each with its name and its number of criteria (106 in all).
RGAA_THEMES: dict[int, tuple[str, int]] = {
    1: ("Images", 9), 2: ("Cadres", 2), 3: ("Couleurs", 3), 4: ("Multimédia", 13), 5: ("Tableaux", 8),
    6: ("Liens", 2), 7: ("Scripts", 5), 8: ("Éléments obligatoires", 10),
    9: ("Structuration de l'information", 4), 10: ("Présentation de l'information", 14),
    11: ("Formulaires", 13), 12: ("Navigation", 11), 13: ("Consultation", 12),
}
RGAA_CRITERIA = sum(count for _, count in RGAA_THEMES.values())
CRITERION_STATUSES = ("conforme", "non conforme", "non applicable")
# How a criterion was checked: axe-core in the browser tests, the Nu HTML validator, or by a person.
VERIFICATIONS: dict[str, str] = {
    "axe-core": "automatique (axe-core, à chaque version)",
    "validateur-html": "automatique (validateur HTML Nu, à chaque version)",
    "manuelle": "manuelle",
}
# The status a declaration may state, from the weakest to the strongest.
ACCESSIBILITY_LEVELS = ("non conforme", "partiellement conforme", "totalement conforme")


@dataclass(frozen=True)
class Criterion:
    """One RGAA criterion as the site's evaluation states it (content/accessibilite.yaml)."""

    number: str  # "13.3"
    status: str  # one of CRITERION_STATUSES
    verification: str  # a key of VERIFICATIONS
    content: str  # for a non-conformity: the content concerned
    reason: str  # why (non-conformity), or a note
    source: SourceRef

    @property
    def key(self) -> tuple[int, int]:
        theme, number = self.number.split(".")
        return int(theme), int(number)

    @property
    def theme(self) -> str:
        return RGAA_THEMES[self.key[0]][0]

    @property
    def verification_label(self) -> str:
        return VERIFICATIONS[self.verification]


@dataclass(frozen=True)
class Exemption:
    """A content left inaccessible on purpose: a dérogation, or a content the law does not cover."""

    content: str
    reason: str
    source: SourceRef


@dataclass(frozen=True)
class AccessibilityAudit:
    """The evaluated criteria, dérogations and contents outside the obligation; the rate follows."""

    criteria: tuple[Criterion, ...]  # sorted by number
    derogations: tuple[Exemption, ...]
    exempted: tuple[Exemption, ...]  # contenus non soumis à l'obligation d'accessibilité
    source: SourceRef

    total = RGAA_CRITERIA  # criteria of the RGAA

    def count(self, status: str) -> int:
        return sum(1 for c in self.criteria if c.status == status)

    @property
    def applicable(self) -> int:
        return len(self.criteria) - self.count("non applicable")

    @property
    def rate(self) -> float | None:
        """Criteria conformes / criteria applicables, in per cent (RGAA's rate); None with none applicable."""
        applicable = self.applicable
        return 100 * self.count("conforme") / applicable if applicable else None

    @property
    def complete(self) -> bool:
        """Every criterion of the RGAA was evaluated."""
        return len(self.criteria) == RGAA_CRITERIA

    @property
    def status(self) -> str:
        """The strongest status the evaluation allows (RGAA: 100 % and complete, at least 50 %, less)."""
        rate = self.rate
        if rate is None or rate < 50:
            return "non conforme"
        if rate == 100 and self.complete:
            return "totalement conforme"
        return "partiellement conforme"

    @property
    def non_conformities(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.status == "non conforme")


@dataclass(frozen=True)
class SiteConfig:
    academie: str  # "Académie de Montferrand"
    title: str  # "Portail carrière"
    base_url: str  # absolute URL of the published site, for sitemap and .ics, no trailing slash
    base_path: str  # URL path where the site is served, "/" by default, always ends with "/"
    app_url: str  # URL (path or absolute) of the forms app, e.g. "/app"
    contacts: Contacts
    navigation: tuple[NavItem, ...]
    accessibility: Accessibility
    templates_dir: str | None  # publisher's override folder, relative to the root
    source: SourceRef


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    summary: str
    audience: tuple[str, ...]
    order: int
    tags: tuple[str, ...]
    body_md: str
    source: SourceRef

    @property
    def url(self) -> str:
        return f"guides/{self.slug}/"


@dataclass(frozen=True)
class Attachment:
    title: str
    href: str  # a file under content/ (copied to the build) or an absolute URL


@dataclass(frozen=True)
class NoteDeService:
    slug: str
    reference: str  # "2026-123"
    title: str
    summary: str
    bo_reference: str  # "BO spécial n° 10 du 14 novembre 2026"
    bo_date: date
    attachments: tuple[Attachment, ...]
    body_md: str
    source: SourceRef

    @property
    def url(self) -> str:
        return f"notes-de-service/{self.slug}/"


@dataclass(frozen=True)
class Phase:
    code: str  # one of PHASE_CODES
    label: str
    start: datetime  # aware, Europe/Paris
    end: datetime | None  # aware, Europe/Paris; None for "à compter du"
    source: SourceRef
    note: str = ""  # a « note d'information » for this step: a site path (/guides/…/), a fichiers/ file or a URL

    def state_at(self, now: datetime) -> PhaseState:
        """Half-open window [start, end)."""
        if now < self.start:
            return "a_venir"
        if self.end is not None and now >= self.end:
            return "close"
        return "ouverte"

    def is_open_at(self, now: datetime) -> bool:
        return self.state_at(now) == "ouverte"


@dataclass(frozen=True)
class Preference:
    code: str
    label: str


@dataclass(frozen=True)
class Mouvement:
    """A movement type inside a campaign (CPGE, cinéma audiovisuel, DDFPT…, or the general one)."""

    code: str
    label: str
    lettre_motivation: bool  # the real portal's star
    disciplines: tuple[str, ...]  # discipline codes to choose from; empty: none asked
    preferences: tuple[Preference, ...]  # empty: none asked
    source: SourceRef


@dataclass(frozen=True)
class PieceType:
    code: str
    label: str
    max_size_ko: int  # 300 in the real portal
    required: bool
    source: SourceRef


@dataclass(frozen=True)
class BaremeRule:
    """One element of the barème, as written in the campaign file (data, not code)."""

    code: str
    label: str
    params: dict  # kind-specific numbers, see docs/content-format.md
    source: SourceRef


# Declared situations a barème element may match a vœu against (its `situation` key): key -> (label,
# what is declared: a "departement" or an "academie" of data/). The teacher declares them on her demande.
SITUATIONS: dict[str, tuple[str, str]] = {
    "departement_conjoint": ("Département de résidence professionnelle du conjoint", "departement"),
    "academie_conjoint": ("Académie de résidence professionnelle du conjoint", "academie"),
}
# The keys of a barème element that the app reads itself (the others are the element's numbers).
BAREME_SCOPE_KEYS = ("types_voeux", "rang", "situation", "justificatif")


# How a simulation of the mouvement reads a campaign (its `affectation` key, docs/content-format.md).
# Tie-break criteria of equal barèmes, in the order written: code -> what comes first.
DEPARTAGE_MOUVEMENT: dict[str, str] = {
    "situation_familiale": "situation familiale : les agents mariés ou pacsés d'abord",
    "enfants": "enfants : le plus grand nombre d'enfants d'abord",
    "age": "âge : le plus âgé d'abord",
}
# The order in which the postes of a zone are tried: code -> meaning.
ORDRES_ZONE: dict[str, str] = {
    "poste": "par code de poste",
    "uai": "par numéro d'établissement (UAI), puis code de poste",
}
ZoneCode = tuple[str, str]  # (vœu type, code): ("DPT", "063")


@dataclass(frozen=True)
class AffectationRules:
    """What the allocation of a mutation campaign reads: ties, the order inside a zone, the extension."""

    departage: tuple[str, ...] = ()  # DEPARTAGE_MOUVEMENT keys, in order
    ordre_zone: str = "poste"  # an ORDRES_ZONE key
    # For the département (intra) or académie (inter) of a candidate's vœu 1, the zones walked in order.
    extension: tuple[tuple[ZoneCode, tuple[ZoneCode, ...]], ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True)
class Campaign:
    slug: str
    title: str
    kind: CampaignKind
    year: str  # "2026-2027"
    summary: str
    note_de_service: str | None  # slug of a NoteDeService
    phases: tuple[Phase, ...]
    voeu_limit: int
    voeu_types: tuple[str, ...]  # subset of VOEU_TYPES keys
    mouvements: tuple[Mouvement, ...]
    pieces: tuple[PieceType, ...]
    bareme: tuple[BaremeRule, ...]
    source: SourceRef
    etab_restrictions: tuple[str, ...] = ()  # ETAB_RESTRICTIONS keys offered on geographic vœux
    lignes_directrices: str = ""  # the lignes directrices de gestion: a site path, a fichiers/ file or a URL
    links: tuple[tuple[int, str], ...] = ()  # (line, link) as written, checked with the site's other links
    # Kinds promotion and rendez-vous: their rules (generator/promotion.py PromotionRules, RendezVousRules).
    regles: object | None = None
    # Mutation campaigns: how the simulation of the mouvement allocates (generator/affectation.py).
    affectation: AffectationRules = field(default_factory=AffectationRules)

    @property
    def is_mobilite(self) -> bool:
        """A mutation campaign (vœux, demandes), as opposed to a promotion or rendez-vous campaign."""
        return self.kind in ("inter", "intra", "specifique")

    @property
    def url(self) -> str:
        return f"plannings/{self.slug}/"

    def phase(self, code: str) -> Phase | None:
        return next((p for p in self.phases if p.code == code), None)

    @property
    def saisie(self) -> Phase | None:
        """The window in which demandes, lettres, pièces and vœux may be written."""
        return self.phase("saisie")

    def mouvement(self, code: str) -> Mouvement | None:
        return next((m for m in self.mouvements if m.code == code), None)


@dataclass(frozen=True)
class Academie:
    code: str
    libelle: str


@dataclass(frozen=True)
class Departement:
    code: str  # "063", three characters as in UAI prefixes
    libelle: str
    academie: str  # Academie.code


@dataclass(frozen=True)
class Commune:
    code: str  # code INSEE, "63113"
    libelle: str
    departement: str
    code_postal: str


@dataclass(frozen=True)
class Groupement:
    code: str
    libelle: str
    departement: str
    communes: tuple[str, ...]


@dataclass(frozen=True)
class Etablissement:
    uai: str
    type: str  # "LYC", "LPO", "LP", "CLG", "EREA"…
    nom: str
    adresse: str
    code_postal: str
    commune: str  # Commune.code
    education_prioritaire: str  # "", "REP" or "REP+"

    @property
    def departement(self) -> str:
        return self.uai[:3]


@dataclass(frozen=True)
class Discipline:
    code: str  # "L1300"
    libelle: str


@dataclass(frozen=True)
class Poste:
    code_poste: str
    campagne: str  # Campaign.slug
    mouvement: str  # Mouvement.code within that campaign
    uai: str
    discipline_code: str
    specificite: str
    profil: str
    etat: str  # "V" | "SV"
    education_prioritaire: str
    publie_le: date
    contact: str
    source: SourceRef


@dataclass
class Referentiel:
    academies: dict[str, Academie] = field(default_factory=dict)
    departements: dict[str, Departement] = field(default_factory=dict)
    communes: dict[str, Commune] = field(default_factory=dict)
    groupements: dict[str, Groupement] = field(default_factory=dict)
    etablissements: dict[str, Etablissement] = field(default_factory=dict)
    disciplines: dict[str, Discipline] = field(default_factory=dict)
    # data/echelons.csv: (corps or "", grade, échelon) -> generator.promotion.DureeEchelon
    echelons: dict = field(default_factory=dict)
    # data/circonscriptions.csv: code -> generator.promotion.Circonscription (first-degree inspecteurs' scope)
    circonscriptions: dict = field(default_factory=dict)


@dataclass
class Site:
    root: str  # absolute path of the folder holding content/ and data/
    config: SiteConfig
    guides: list[Guide]
    notes: list[NoteDeService]
    campaigns: list[Campaign]
    referentiel: Referentiel
    postes: list[Poste]
    # content/accessibilite.yaml, when the site publishes its evaluation (None otherwise).
    accessibility_audit: AccessibilityAudit | None = None
    # data/barres.csv and data/barres/*: past campaigns' barres, in file order (see BARRE_MOUVEMENTS).
    barres: list[Barre] = field(default_factory=list)
    # Hash of the files referentiel, campaigns and postes were read from (set by a cached load only):
    # equal digests mean equal tables, so the build may reuse what it derived from them.
    data_digest: str | None = field(default=None, compare=False, repr=False)

    def campaign(self, slug: str) -> Campaign | None:
        return next((c for c in self.campaigns if c.slug == slug), None)


def link_url(href: str, base_path: str, app_url: str) -> str:
    """Where a link checked by the loader points: a site path gets the site's base path; the app's paths
    and absolute URLs stay as written."""
    if not href.startswith("/") or href == app_url or href.startswith(app_url.rstrip("/") + "/"):
        return href
    return base_path + href.lstrip("/")


def uai_check_letter(number: int) -> str:
    """The UAI check letter of a 7-digit number."""
    return "ABCDEFGHJKLMNPRSTUVWXYZ"[number % 23]


def is_valid_uai(code: str) -> bool:
    return (
        len(code) == 8
        and code[:7].isdigit()
        and code[7] == uai_check_letter(int(code[:7]))
    )


# Movements whose past results data/barres publishes: code -> label. The codes are kinds of movement, not the
# `mouvements` of a campaign file (a campaign of type intra holds the intra movement and the SPEA one).
BARRE_MOUVEMENTS: dict[str, str] = {
    "inter": "Mouvement inter-académique",
    "intra": "Mouvement intra-académique",
    "spen": "Mouvement spécifique national",
    "spea": "Mouvement spécifique académique",
}
# The movements of a campaign, by its type: where its planning page finds last years' barres.
CAMPAIGN_BARRE_MOUVEMENTS: dict[str, tuple[str, ...]] = {
    "inter": ("inter",),
    "intra": ("intra", "spea"),
    "specifique": ("spen",),
}


class Barre(NamedTuple):
    """One vœu's result in a past campaign: the lowest barème admitted on it and how many entered.

    A named tuple rather than a dataclass: an académie publishes tens of thousands of them, and they are
    made, cached and compared in bulk."""

    annee: int  # year of the movement (the rentrée it fills), e.g. 2026
    mouvement: str  # a key of BARRE_MOUVEMENTS
    discipline: str  # Discipline.code
    type_voeu: str  # a key of VOEU_TYPES
    code_voeu: str  # académie, département, commune, groupement code or UAI, by type_voeu
    type_etablissement: str  # "" (tout type) or a key of ETAB_RESTRICTIONS
    barre: float | None  # lowest barème admitted; None when nobody entered
    entrants: int  # candidates admitted on the vœu
