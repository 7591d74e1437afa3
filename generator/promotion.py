"""Career campaigns: promotions (SIAP) and rendez-vous de carrière (SIAE), and the échelon durations.

A campaign file of type `promotion` or `rendez-vous` carries its rules as data (eligibility, avis
values, quotas, barème, grid items, delays); this module reads and checks them, reporting every
problem as `path:line: message` with what to do next. `data/echelons.csv` gives the échelon
durations (PPCR) that eligibility projections and « Vos perspectives » use.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .report import Report
from .tables import Table
from .validate import Fields, suggest
from .yamlio import YList, YMap

# Phases of a promotion campaign, in their usual order, with their usual labels.
PROMOTION_PHASES: dict[str, str] = {
    "information": "Information et publication de la note de service",
    "candidature": "Candidatures au premier vivier",
    "dossier": "Mise à jour du dossier de promotion",
    "avis": "Avis des chefs d'établissement et des inspecteurs",
    "appreciation": "Appréciation du recteur",
    "consultation": "Consultation des avis et de l'appréciation",
    "tableau": "Tableau d'avancement et résultats",
}
PROMOTION_SEQUENTIAL = ("dossier", "avis", "appreciation", "tableau")
RDV_PHASES: dict[str, str] = {
    "information": "Information des agents concernés",
    "rendez_vous": "Rendez-vous de carrière (inspections et entretiens)",
    "appreciation": "Appréciation finale du recteur",
    "notification": "Notification des appréciations finales",
}
RDV_SEQUENTIAL = ("rendez_vous", "appreciation", "notification")
CAREER_KINDS = ("promotion", "rendez-vous")

NATURES: dict[str, str] = {
    "hors_classe": "Hors classe",
    "classe_exceptionnelle": "Classe exceptionnelle",
    "echelon_special": "Échelon spécial de la classe exceptionnelle",
}
# Who gives an avis, and whom she sees (docs/promotions.md).
EVALUATEURS: dict[str, str] = {
    "chef_etablissement": "Chef d'établissement",
    "inspecteur": "Inspecteur",
}
# Tie-breaking criteria of the tableau d'avancement, applied in the order the campaign lists them.
DEPARTAGE: dict[str, str] = {
    "echelon": "l'échelon le plus élevé",
    "anciennete_echelon": "la plus grande ancienneté dans l'échelon",
    "anciennete_corps": "la plus grande ancienneté dans le corps",
    "age": "l'agent le plus âgé",
}
ARRONDIS = ("inferieur", "superieur", "plus_proche")

PROMOTION_KEYS = ("nature", "corps", "grade_origine", "grade_acces", "date_reference", "eligibilite", "viviers",
                  "evaluateurs", "avis", "appreciations", "plage_appel", "taux_promotion", "departage", "arrondi",
                  "reprise_rendez_vous")
VIVIER_KEYS = ("code", "libelle", "echelon_min", "anciennete_echelon_min_mois", "candidature", "annees_fonctions",
               "fonctions", "part")
ELIGIBILITE_KEYS = ("echelon_min", "anciennete_echelon_min_mois")
VALEUR_KEYS = ("code", "libelle", "quota_pourcent", "points")
RDV_KEYS = ("date_reference", "rendez_vous", "delais", "niveaux", "grille", "appreciations")
RDV_TYPE_KEYS = ("code", "libelle", "echelon", "de_mois", "a_mois")
DELAIS_KEYS = ("preavis_jours", "observations_jours", "observations_caracteres", "recours_jours",
               "reponse_recours_jours", "cap_jours")
_DECIMAL = re.compile(r"^\d+([.,]\d+)?$")


@dataclass(frozen=True)
class Valeur:
    """One value of a list the campaign sets: an avis, an appréciation, a level, a grid item, a function."""

    code: str
    label: str
    quota_pourcent: float | None = None  # at most this share of the evaluator's (or échelon's) agents
    points: int | None = None  # barème points of an appréciation


@dataclass(frozen=True)
class Vivier:
    """Who is promouvable: in grade_origine at échelon_min or above, with that much time in the échelon, at
    the reference date; a vivier with `candidature` also needs the agent's application (functions held)."""

    code: str
    label: str
    echelon_min: int
    anciennete_echelon_min_mois: int
    candidature: bool
    annees_fonctions: int  # years of functions a candidature must declare
    fonctions: tuple[Valeur, ...]
    part_pourcent: float | None  # share of the promotions given to this vivier (None: ranked with the others)


@dataclass(frozen=True)
class PlageAppel:
    """Points for being at this échelon with this many whole years in it at the reference date (the row
    with the most years of an échelon also counts for more years)."""

    echelon: int
    annees: int
    points: int


@dataclass(frozen=True)
class PromotionRules:
    nature: str  # a key of NATURES
    corps: tuple[str, ...]  # corps concerned; empty: every corps
    grade_origine: str  # "classe normale"
    grade_acces: str  # "hors classe"
    date_reference: date  # eligibility and plage d'appel are counted on this day (31 August)
    viviers: tuple[Vivier, ...]
    evaluateurs: tuple[Valeur, ...]  # code in EVALUATEURS, label « Avis du chef d'établissement »
    avis: tuple[Valeur, ...]  # values with their quota per evaluator
    appreciations: tuple[Valeur, ...]  # the recteur's, with points and quotas per échelon
    plage_appel: tuple[PlageAppel, ...]
    taux_promotion: float  # per cent of the promouvables promoted
    departage: tuple[str, ...]  # keys of DEPARTAGE
    arrondi: str  # how a quota or a number of promotions is rounded: one of ARRONDIS
    # Rendez-vous de carrière (their codes) whose appréciation finale becomes the recteur's appréciation of an
    # agent who has none yet (hors classe: the 3rd rendez-vous); an appréciation is then kept for later campaigns.
    reprise_rendez_vous: tuple[str, ...] = ()

    @property
    def nature_label(self) -> str:
        return NATURES[self.nature]

    def avis_label(self, code: str | None) -> str:
        return next((v.label for v in self.avis if v.code == code), "")

    def appreciation(self, code: str | None) -> Valeur | None:
        return next((v for v in self.appreciations if v.code == code), None)

    def vivier(self, code: str) -> Vivier | None:
        return next((v for v in self.viviers if v.code == code), None)


@dataclass(frozen=True)
class RendezVousType:
    """Agents due for this rendez-vous: in this échelon for de_mois months or more and less than a_mois
    months at the reference date."""

    code: str
    label: str
    echelon: int
    de_mois: int
    a_mois: int


@dataclass(frozen=True)
class RendezVousRules:
    date_reference: date
    rendez_vous: tuple[RendezVousType, ...]
    preavis_jours: int  # the date is notified at least this many days before
    observations_jours: int  # the agent may write observations this many days after the compte rendu's notification
    observations_caracteres: int
    recours_jours: int  # a recours within this many days of the appréciation finale's notification
    reponse_recours_jours: int  # the recteur answers within this many days; silence then means refusal
    cap_jours: int  # after the answer (or the silence), the CAP may be seized within this many days
    niveaux: tuple[Valeur, ...]  # levels of each grid item
    grille: tuple[Valeur, ...]  # items of the compte rendu
    appreciations: tuple[Valeur, ...]  # the recteur's appréciation finale


@dataclass(frozen=True)
class DureeEchelon:
    """How long an échelon lasts (None: the grade's last échelon); accelerated when the rendez-vous allows."""

    corps: str  # "" for every corps
    grade: str
    echelon: int
    duree_mois: int | None
    duree_acceleree_mois: int | None


def _number(b: Fields, key: str, required: bool = False) -> float | None:
    """A decimal such as 22.5 or 22,5."""
    value = b.data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            b.error(b.line(key), f"champ « {key} » manquant{b.where} : ajoutez « {key}: … ».")
        return None
    text = value.strip() if isinstance(value, str) else ""
    if not _DECIMAL.match(text):
        b.error(b.line(key), f"« {key} » doit être un nombre positif, par exemple 20 ou 22,5 (lu : « {value} ») : "
                             "corrigez la valeur.")
        return None
    return float(text.replace(",", "."))


def _valeurs(f: Fields, key: str, what: str, *, required: bool = True, allowed: tuple[str, ...] | None = None,
             points: bool = False, quotas: bool = True) -> tuple[Valeur, ...]:
    out: list[Valeur] = []
    seen: dict[str, int] = {}
    for _, item in f.items(key, required=required):
        v = Fields(f.report, f.path, item, f" dans {what}")
        v.check_keys(VALEUR_KEYS)
        code, label = v.text("code"), v.text("libelle")
        quota = _number(v, "quota_pourcent") if quotas else None
        if quota is not None and quota > 100:
            v.error(item.line_of("quota_pourcent"), f"« quota_pourcent » vaut {quota:g} : un quota est un pourcentage "
                                                    "entre 0 et 100, corrigez la valeur.")
        pts = v.integer("points", required=points) if points else None
        if code is not None and allowed is not None and code not in allowed:
            v.error(item.line_of("code"), f"code inconnu « {code} » dans {what}{suggest(code, allowed)} : codes "
                                          f"possibles : {', '.join(allowed)}.")
        if code is not None and code in seen:
            v.error(item.line_of("code"), f"le code « {code} » est déjà déclaré ligne {seen[code]} dans {what} : "
                                          "supprimez le doublon ou changez le code.")
        if not v.ok or code is None or label is None:
            f.ok = False
            continue
        seen[code] = item.line_of("code")
        out.append(Valeur(code, label, quota, pts))
    if required and not out and f.ok and isinstance(f.data.get(key), YList):
        f.error(f.line(key), f"« {key} » est vide : ajoutez au moins une valeur (code, libelle).")
    return tuple(out)


def _vivier(f: Fields, item: YMap, code: str, label: str) -> Vivier | None:
    v = Fields(f.report, f.path, item, f" dans le vivier « {code} »")
    echelon = v.integer("echelon_min", positive=True)
    months = v.integer("anciennete_echelon_min_mois", required=False)
    candidature = v.boolean("candidature")
    years = v.integer("annees_fonctions", required=candidature, positive=True) if candidature else 0
    fonctions = _valeurs(v, "fonctions", f"les fonctions du vivier « {code} »", required=candidature,
                         quotas=False) if candidature else ()
    part = _number(v, "part")
    if months is not None and months < 0:
        v.error(item.line_of("anciennete_echelon_min_mois"), "« anciennete_echelon_min_mois » ne peut pas être "
                                                             "négatif : indiquez un nombre de mois, 0 ou plus.")
    if not v.ok or echelon is None:
        f.ok = False
        return None
    return Vivier(code, label, echelon, months or 0, candidature, years or 0, fonctions, part)


def load_promotion_rules(f: Fields) -> PromotionRules | None:
    """The `promotion:` section of a promotion campaign."""
    pmap = f.mapping("promotion")
    if pmap is None:
        return None
    p = Fields(f.report, f.path, pmap, " dans « promotion »")
    p.check_keys(PROMOTION_KEYS)
    nature = p.text("nature")
    if nature is not None and nature not in NATURES:
        p.error(pmap.line_of("nature"), f"« nature » inconnue « {nature} »{suggest(nature, tuple(NATURES))} : valeurs "
                                        f"possibles : {', '.join(NATURES)}.")
    corps = p.texts("corps") or ()
    origine, acces = p.text("grade_origine"), p.text("grade_acces")
    reference = p.day("date_reference")
    viviers: list[Vivier] = []
    if "viviers" in pmap and "eligibilite" in pmap:
        p.error(pmap.line_of("eligibilite"), "« eligibilite » et « viviers » sont donnés tous les deux : gardez "
                                             "« eligibilite » (un seul vivier) ou « viviers » (plusieurs).")
    elif "viviers" in pmap:
        seen: dict[str, int] = {}
        complete = True  # the parts are checked once every vivier is read
        for _, item in p.items("viviers", required=True):
            v = Fields(f.report, f.path, item, " dans ce vivier")
            v.check_keys(VIVIER_KEYS)
            code, label = v.text("code"), v.text("libelle")
            if code is not None and code in seen:
                v.error(item.line_of("code"), f"le vivier « {code} » est déjà déclaré ligne {seen[code]} : "
                                              "changez son code.")
            if not v.ok or code is None or label is None:
                p.ok = complete = False
                continue
            seen[code] = item.line_of("code")
            vivier = _vivier(p, item, code, label)
            if vivier is None:
                complete = False
            else:
                viviers.append(vivier)
        parts = [v.part_pourcent for v in viviers]
        if complete and viviers and any(x is not None for x in parts) and (None in parts
                                                                           or abs(sum(parts) - 100) > 1e-6):
            p.error(pmap.line_of("viviers"), "les « part » des viviers doivent être données pour chaque vivier et "
                                             "faire 100 en tout : corrigez-les, ou retirez-les toutes.")
    else:
        emap = p.mapping("eligibilite")
        if emap is not None:
            e = Fields(f.report, f.path, emap, " dans « eligibilite »")
            e.check_keys(ELIGIBILITE_KEYS)
            vivier = _vivier(e, emap, "promouvables", "Promouvables")
            if vivier is None:
                p.ok = False
            else:
                viviers.append(vivier)
    evaluateurs = _valeurs(p, "evaluateurs", "« evaluateurs »", allowed=tuple(EVALUATEURS), quotas=False)
    avis = _valeurs(p, "avis", "« avis »")
    appreciations = _valeurs(p, "appreciations", "« appreciations »", points=True)
    plage: list[PlageAppel] = []
    seen_plage: dict[tuple[int, int], int] = {}
    for line, item in p.items("plage_appel", required=True):
        r = Fields(f.report, f.path, item, " dans cette ligne de « plage_appel »")
        r.check_keys(("echelon", "annees", "points"))
        echelon, years, pts = r.integer("echelon", positive=True), r.integer("annees"), r.integer("points")
        if (echelon, years) in seen_plage:
            r.error(line, f"l'échelon {echelon} avec {years} an(s) est déjà dans « plage_appel » ligne "
                          f"{seen_plage[(echelon, years)]} : gardez une seule ligne.")
        if not r.ok or echelon is None or years is None or pts is None:
            p.ok = False
            continue
        seen_plage[(echelon, years)] = line
        plage.append(PlageAppel(echelon, years, pts))
    taux = _number(p, "taux_promotion", required=True)
    if taux is not None and not 0 < taux <= 100:
        p.error(pmap.line_of("taux_promotion"), f"« taux_promotion » vaut {taux:g} : donnez un pourcentage plus grand "
                                                "que 0 et au plus égal à 100, par exemple 22,5.")
    reprise = p.texts("reprise_rendez_vous") or ()
    departage = p.texts("departage") or ()
    for index, code in enumerate(departage):
        if code not in DEPARTAGE:
            raw = pmap.get("departage")
            where = raw.line_of(index) if isinstance(raw, YList) else pmap.line_of("departage")
            p.error(where, f"critère de départage inconnu « {code} »{suggest(code, tuple(DEPARTAGE))} : critères "
                           f"possibles : {', '.join(DEPARTAGE)}.")
    arrondi = p.text("arrondi", required=False) or "inferieur"
    if arrondi not in ARRONDIS:
        p.error(pmap.line_of("arrondi"), f"« arrondi » inconnu « {arrondi} »{suggest(arrondi, ARRONDIS)} : valeurs "
                                         f"possibles : {', '.join(ARRONDIS)}.")
    if not p.ok or None in (nature, origine, acces, reference, taux) or not viviers:
        f.ok = False
        return None
    return PromotionRules(nature=nature, corps=tuple(corps), grade_origine=origine, grade_acces=acces,  # type: ignore[arg-type]
                          date_reference=reference, viviers=tuple(viviers), evaluateurs=evaluateurs,  # type: ignore[arg-type]
                          avis=avis, appreciations=appreciations,
                          plage_appel=tuple(sorted(plage, key=lambda r: (r.echelon, r.annees))),
                          taux_promotion=taux, departage=tuple(departage), arrondi=arrondi,  # type: ignore[arg-type]
                          reprise_rendez_vous=tuple(reprise))


def load_rendez_vous_rules(f: Fields) -> RendezVousRules | None:
    """The `rendez_vous:` section of a rendez-vous de carrière campaign."""
    rmap = f.mapping("rendez_vous")
    if rmap is None:
        return None
    r = Fields(f.report, f.path, rmap, " dans « rendez_vous »")
    r.check_keys(RDV_KEYS)
    reference = r.day("date_reference")
    types: list[RendezVousType] = []
    seen: dict[str, int] = {}
    for line, item in r.items("rendez_vous", required=True):
        t = Fields(f.report, f.path, item, " dans ce rendez-vous")
        t.check_keys(RDV_TYPE_KEYS)
        code, label = t.text("code"), t.text("libelle")
        echelon = t.integer("echelon", positive=True)
        de, a = t.integer("de_mois"), t.integer("a_mois", positive=True)
        if de is not None and a is not None and not 0 <= de < a:
            t.error(item.line_of("a_mois"), f"« de_mois » ({de}) doit être positif et inférieur à « a_mois » ({a}) : "
                                            "les agents concernés ont au moins de_mois et moins de a_mois dans "
                                            "l'échelon ; corrigez l'une des deux valeurs.")
        if code is not None and code in seen:
            t.error(item.line_of("code"), f"le rendez-vous « {code} » est déjà déclaré ligne {seen[code]} : changez "
                                          "son code.")
        if not t.ok or None in (code, label, echelon, de, a):
            r.ok = False
            continue
        seen[code] = line  # type: ignore[index]
        types.append(RendezVousType(code, label, echelon, de, a))  # type: ignore[arg-type]
    dmap = r.mapping("delais")
    delais: dict[str, int | None] = {}
    if dmap is not None:
        d = Fields(f.report, f.path, dmap, " dans « delais »")
        d.check_keys(DELAIS_KEYS)
        delais = {key: d.integer(key, positive=True) for key in DELAIS_KEYS}
        if not d.ok:
            r.ok = False
    niveaux = _valeurs(r, "niveaux", "« niveaux »", quotas=False)
    grille = _valeurs(r, "grille", "« grille »", quotas=False)
    appreciations = _valeurs(r, "appreciations", "« appreciations »", quotas=False)
    if not r.ok or reference is None or dmap is None or None in delais.values():
        f.ok = False
        return None
    return RendezVousRules(date_reference=reference, rendez_vous=tuple(types),
                           preavis_jours=delais["preavis_jours"], observations_jours=delais["observations_jours"],  # type: ignore[arg-type]
                           observations_caracteres=delais["observations_caracteres"],  # type: ignore[arg-type]
                           recours_jours=delais["recours_jours"],  # type: ignore[arg-type]
                           reponse_recours_jours=delais["reponse_recours_jours"],  # type: ignore[arg-type]
                           cap_jours=delais["cap_jours"], niveaux=niveaux, grille=grille,  # type: ignore[arg-type]
                           appreciations=appreciations)


CIRCONSCRIPTION_COLUMNS = ("code", "libelle", "departement", "communes")


@dataclass(frozen=True)
class Circonscription:
    """A first-degree circonscription: its inspecteur (IEN) evaluates the first-degree agents assigned in an
    établissement of its communes."""

    code: str
    libelle: str
    departement: str
    communes: tuple[str, ...]


def load_circonscriptions(table: Table, report: Report, departements: dict, communes: dict,
                          labels: tuple[str, str] = ("data/departements.csv", "data/communes.csv"),
                          ) -> dict[str, Circonscription]:
    """data/circonscriptions.csv (optional): code -> circonscription; a commune belongs to one circonscription.

    labels: the files the départements and communes were read from, for the messages."""
    out: dict[str, Circonscription] = {}
    where: dict[str, int] = {}
    owner: dict[str, tuple[str, int]] = {}
    for path, line, row in table.rows():
        code, libelle, departement = row.get("code", ""), row.get("libelle", ""), row.get("departement", "")
        listed = tuple(c.strip() for c in row.get("communes", "").split(",") if c.strip())
        if not code or not libelle or not departement or not listed:
            report.error(path, line, "« code », « libelle », « departement » et « communes » sont obligatoires : "
                                     "complétez la ligne (communes séparées par des virgules).")
            continue
        if code in where:
            report.error(path, line, f"la circonscription « {code} » est déjà décrite ligne {where[code]} : gardez "
                                     "une seule ligne ou changez le code.")
            continue
        if departement not in departements:
            report.error(path, line, f"le département « {departement} » n'existe pas dans {labels[0]} : "
                                     "corrigez la colonne « departement ».")
            continue
        unknown = [c for c in listed if c not in communes]
        if unknown:
            report.error(path, line, f"commune{'s' if len(unknown) > 1 else ''} inconnue{'s' if len(unknown) > 1 else ''}"
                                     f" {', '.join(f'« {c} »' for c in unknown)} : ajoutez-l"
                                     f"{'es' if len(unknown) > 1 else 'a'} à {labels[1]} ou corrigez la colonne "
                                     "« communes ».")
            continue
        taken = [(c, owner[c]) for c in listed if c in owner]
        if taken:
            c, (other, other_line) = taken[0]
            report.error(path, line, f"la commune « {c} » est déjà dans la circonscription « {other} » (ligne "
                                     f"{other_line}) : une commune relève d'une seule circonscription ; retirez-la "
                                     "de l'une des deux.")
            continue
        where[code] = line
        for c in listed:
            owner[c] = (code, line)
        out[code] = Circonscription(code, libelle, departement, listed)
    return out


ECHELON_COLUMNS = ("corps", "grade", "echelon", "duree_mois", "duree_acceleree_mois")
ECHELON_REQUIRED = ("grade", "echelon", "duree_mois")


def load_echelons(table: Table, report: Report) -> dict[tuple[str, str, int], DureeEchelon]:
    """data/echelons.csv: (corps or "", grade, échelon) -> its duration; each key once."""
    out: dict[tuple[str, str, int], DureeEchelon] = {}
    where: dict[tuple[str, str, int], int] = {}

    def months(path: str, line: int, column: str, text: str) -> int | None | bool:
        if not text:
            return None
        if not (text.isascii() and text.isdigit()) or int(text) == 0:
            report.error(path, line, f"« {column} » doit être un nombre de mois entier positif (lu : « {text} ») : "
                                     "corrigez la valeur, ou laissez-la vide pour le dernier échelon du grade.")
            return False
        return int(text)

    for path, line, row in table.rows():
        grade, corps = row.get("grade", ""), row.get("corps", "")
        echelon_text = row.get("echelon", "")
        if not grade or not echelon_text:
            report.error(path, line, "« grade » et « echelon » sont obligatoires : complétez la ligne.")
            continue
        if not (echelon_text.isascii() and echelon_text.isdigit()) or int(echelon_text) == 0:
            report.error(path, line, f"« echelon » doit être un nombre entier positif (lu : « {echelon_text} ») : "
                                     "corrigez la valeur.")
            continue
        duree = months(path, line, "duree_mois", row.get("duree_mois", ""))
        acceleree = months(path, line, "duree_acceleree_mois", row.get("duree_acceleree_mois", ""))
        if duree is False or acceleree is False:
            continue
        if acceleree is not None and (duree is None or acceleree >= duree):
            report.error(path, line, "« duree_acceleree_mois » doit être plus courte que « duree_mois » : corrigez "
                                     "l'une des deux valeurs, ou videz la durée accélérée.")
            continue
        key = (corps, grade, int(echelon_text))
        if key in where:
            report.error(path, line, f"l'échelon {key[2]} du grade « {grade} »{' du corps ' + corps if corps else ''} "
                                     f"est déjà décrit ligne {where[key]} : gardez une seule ligne.")
            continue
        where[key] = line
        out[key] = DureeEchelon(corps, grade, key[2], duree, acceleree)  # type: ignore[arg-type]
    return out


def check_career_phases(f: Fields, kind: str, phases: list, regles: object | None) -> None:
    """What the phases of a career campaign must say to each other and to its rules."""
    by_code = {p.code: p for p in phases}
    if kind == "promotion":
        avis, consultation = by_code.get("avis"), by_code.get("consultation")
        if avis is None:
            f.error(f.line("phases"), "une campagne de promotion a une phase « avis » (avis des évaluateurs) : "
                                      "ajoutez-la.")
        elif consultation is not None and (avis.end is None or consultation.start < avis.end):
            f.error(consultation.source.line, "la phase « consultation » (les agents lisent les avis) commence avant "
                                              "la fin de la phase « avis » : faites-la commencer à la fin des avis.")
        wants = isinstance(regles, PromotionRules) and any(v.candidature for v in regles.viviers)
        if wants and "candidature" not in by_code:
            f.error(f.line("phases"), "un vivier demande une candidature mais la campagne n'a pas de phase "
                                      "« candidature » : ajoutez-la (debut, fin).")
        elif wants and by_code["candidature"].end is None:
            f.error(by_code["candidature"].source.line, "la phase « candidature » n'a pas de fin : ajoutez « fin ».")
    elif "rendez_vous" not in by_code:
        f.error(f.line("phases"), "une campagne de rendez-vous de carrière a une phase « rendez_vous » : "
                                  "ajoutez-la.")
