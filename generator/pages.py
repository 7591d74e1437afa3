"""The list of outputs of a build and the plain-data context of each (no rendering here)."""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, NamedTuple
from urllib.parse import quote

from .comparateur import ComparateurView, zone_heading
from .frdates import STATE_LABELS, iso
from .frnombres import compte
from .model import BARRE_MOUVEMENTS, CAMPAIGN_BARRE_MOUVEMENTS, Campaign, Guide, NoteDeService, Phase, Site

ETATS_POSTE = {"V": "Vacant", "SV": "Susceptible d'être vacant"}
HEADING = re.compile(r"\n#{2,3}[ \t]+(.*)")  # on "\n" + body: a literal start the regex engine scans for fast


class Digested:
    """A sequence whose fingerprint is computed once, so big tables are hashed once per build."""

    def __init__(self, items: list | tuple, texts: list[str] | None = None) -> None:
        self._items: list | tuple | None = items
        self._fill: Callable[[], list] | None = None
        if texts is None:
            # Named tuples as plain tuples: their repr then runs in C.
            texts = [repr(tuple(x) if isinstance(x, tuple) else x) for x in items]
        self.digest = hashlib.sha1("\x1e".join(texts).encode()).hexdigest()
        self.length = len(items)
        self.first = items[0] if items else None

    @classmethod
    def known(cls, digest: str, length: int, first: Any, fill: Callable[[], list]) -> Digested:
        """A sequence known by its digest, length and first item; its items are made when first read."""
        obj = cls.__new__(cls)
        obj._items, obj._fill = None, fill
        obj.digest, obj.length, obj.first = digest, length, first
        return obj

    @property
    def items(self) -> list | tuple:
        if self._items is None:
            assert self._fill is not None
            self._items, self._fill = self._fill(), None
        return self._items

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return self.length

    def __bool__(self) -> bool:
        return self.length > 0

    def __repr__(self) -> str:
        return f"Digested({self.digest})"


class PosteRow(NamedTuple):
    """One poste as listed: every label resolved from the référentiel."""

    code_poste: str
    campagne: str
    mouvement: str
    mouvement_libelle: str
    discipline_code: str
    discipline: str
    uai: str
    etablissement: str
    commune: str
    code_postal: str
    departement_code: str
    departement: str
    specificite: str
    profil: str
    etat: str
    education_prioritaire: str
    publie_le: str
    contact: str
    voeu_url: str


class GuideCard(NamedTuple):
    url: str
    title: str
    summary: str
    audience: tuple[str, ...]
    tags: tuple[str, ...]


class NoteCard(NamedTuple):
    url: str
    reference: str
    title: str
    summary: str
    bo_reference: str
    bo_date: Any


class PhaseView(NamedTuple):
    code: str
    label: str
    start: datetime
    end: datetime | None
    start_iso: str
    end_iso: str
    state: str
    state_label: str
    note: str = ""  # the step's « note d'information », as the campaign file links it


class CampaignCard(NamedTuple):
    slug: str
    url: str
    title: str
    summary: str
    year: str
    state: str
    state_label: str
    key_phase: PhaseView | None
    has_postes: bool
    over: bool  # every phase is closed


@dataclass(frozen=True)
class Page:
    """One output file: where it goes, how it is made, and which context builder feeds it."""

    path: str  # file path under the output folder
    url: str  # URL relative to base_path
    title: str
    kind: str  # "html" | "ics" | "csv" | "json" | "xml"
    template: str | None  # Jinja template for html pages
    builder: str  # key of CONTEXTS
    arg: str = ""
    in_sitemap: bool = True


def phase_view(phase: Phase, now: datetime) -> PhaseView:
    state = phase.state_at(now)
    return PhaseView(
        phase.code, phase.label, phase.start, phase.end,
        iso(phase.start), iso(phase.end) if phase.end else "", state, STATE_LABELS[state], phase.note,
    )


def campaign_state(campaign: Campaign, now: datetime) -> tuple[str, PhaseView | None]:
    """The state of the saisie window, else of the campaign as a whole."""
    key = campaign.saisie
    if key is not None:
        return key.state_at(now), phase_view(key, now)
    states = {p.state_at(now) for p in campaign.phases}
    if states == {"a_venir"}:
        return "a_venir", None
    if states == {"close"}:
        return "close", None
    return "ouverte", None


def _q(value: str) -> str:
    return value if value.isalnum() and value.isascii() else quote(value)


def voeu_url_prefix(app_url: str, campagne: str) -> str:
    return f"{app_url.rstrip('/')}/mobilite/voeu?campagne={quote(campagne)}&type=ETB&code="


def voeu_url(app_url: str, campagne: str, uai: str, code_poste: str) -> str:
    """The app's "ajouter un vœu" link with the établissement and the poste filled in."""
    return f"{voeu_url_prefix(app_url, campagne)}{_q(uai)}&poste={_q(code_poste)}"


@dataclass
class SiteView:
    """Derived, sorted and grouped data every context builder reads, computed once per build.

    `known` is the summary() of an earlier view: when it was derived from the same tables, the postes
    rows are only made if a page that shows them is rendered."""

    site: Site
    now: datetime
    known: dict | None = None
    guides: list[Guide] = field(init=False)
    notes: list[NoteDeService] = field(init=False)
    rows: dict[str, Digested] = field(init=False)
    groups: dict[str, dict[tuple[str, str], Digested]] = field(init=False)
    comparateur: ComparateurView = field(init=False)

    def __post_init__(self) -> None:
        site = self.site
        self.guides = sorted(site.guides, key=lambda g: (g.order, g.title.casefold(), g.slug))
        self.notes = sorted(site.notes, key=lambda n: (n.bo_date, n.reference), reverse=True)
        self.guide_by_slug = {g.slug: g for g in site.guides}
        self.note_by_slug = {n.slug: n for n in site.notes}
        known = self.known
        if known is not None and self._summary_key() is not None and known.get("key") == self._summary_key():
            self._lazy_rows(known)
        else:
            self.rows, self.groups = self._derive_rows()
        same_data = known is not None and self._summary_key() is not None and known.get("key") == self._summary_key()
        self.comparateur = ComparateurView(site, known.get("comparateur") if same_data else None)  # type: ignore[union-attr]

    def _summary_key(self) -> list[str] | None:
        digest = self.site.data_digest
        return None if digest is None else [digest, self.site.config.app_url]

    def summary(self) -> dict | None:
        """Digest, length and first row of every postes list, for the next build's `known`."""
        key = self._summary_key()
        if key is None:
            return None
        return {
            "key": key,
            "rows": {slug: [r.digest, r.length, list(r.first)] for slug, r in self.rows.items()},
            "groups": {slug: [[m, d, g.digest, g.length, list(g.first)] for (m, d), g in groups.items()]
                       for slug, groups in self.groups.items()},
            "comparateur": self.comparateur.summary(),
        }

    def _lazy_rows(self, known: dict) -> None:
        full: list = []

        def derived() -> tuple[dict[str, Digested], dict[str, dict[tuple[str, str], Digested]]]:
            if not full:
                full.append(self._derive_rows())
            return full[0]

        self.rows = {slug: Digested.known(digest, length, PosteRow(*first),
                                          lambda slug=slug: derived()[0][slug].items)  # type: ignore[misc]
                     for slug, (digest, length, first) in known["rows"].items()}
        self.groups = {slug: {(m, d): Digested.known(digest, length, PosteRow(*first),
                                                     lambda slug=slug, k=(m, d): derived()[1][slug][k].items)  # type: ignore[misc]
                              for m, d, digest, length, first in groups}
                       for slug, groups in known["groups"].items()}

    def materialize(self) -> None:
        """Make every postes row now (before forking workers, so they share them)."""
        for rows in self.rows.values():
            rows.items
        for groups in self.groups.values():
            for rows in groups.values():
                rows.items

    def _derive_rows(self) -> tuple[dict[str, Digested], dict[str, dict[tuple[str, str], Digested]]]:
        """Every poste as a listed row, by campaign and by (mouvement, discipline), with their digests."""
        site = self.site
        ref = site.referentiel
        app_url = site.config.app_url
        mouvements = {(c.slug, m.code): m.label for c in site.campaigns for m in c.mouvements}
        places: dict[str, tuple[str, str, str, str]] = {}  # uai -> établissement, commune, code postal, dpt
        for uai, etab in ref.etablissements.items():
            commune = ref.communes.get(etab.commune)
            dpt = ref.departements.get(uai[:3])
            places[uai] = (f"{etab.type} {etab.nom}", commune.libelle if commune else "", etab.code_postal,
                           dpt.libelle if dpt else uai[:3])
        disciplines = {code: d.libelle for code, d in ref.disciplines.items()}
        prefixes = {c.slug: voeu_url_prefix(app_url, c.slug) for c in site.campaigns}
        by_campaign: dict[str, list[PosteRow]] = defaultdict(list)
        for p in site.postes:
            etab_label, commune_label, code_postal, dpt_label = places.get(p.uai, (p.uai, "", "", p.uai[:3]))
            uai, code = p.uai, p.code_poste
            if not (uai.isalnum() and uai.isascii() and code.isalnum() and code.isascii()):
                uai, code = quote(uai), quote(code)
            by_campaign[p.campagne].append(PosteRow(
                p.code_poste, p.campagne, p.mouvement, mouvements.get((p.campagne, p.mouvement), p.mouvement),
                p.discipline_code, disciplines.get(p.discipline_code, p.discipline_code),
                p.uai, etab_label, commune_label, code_postal, p.uai[:3], dpt_label,
                p.specificite, p.profil, ETATS_POSTE.get(p.etat, p.etat),
                p.education_prioritaire, p.publie_le.isoformat(), p.contact,
                f"{prefixes.get(p.campagne) or voeu_url_prefix(app_url, p.campagne)}{uai}&poste={code}",
            ))
        all_rows: dict[str, Digested] = {}
        all_groups: dict[str, dict[tuple[str, str], Digested]] = {}
        for slug, rows in by_campaign.items():
            rows.sort(key=lambda r: (r.departement_code, r.commune, r.etablissement, r.code_poste))
            texts = ["\x1f".join(r) for r in rows]  # every field is a string: join, hashed once
            all_rows[slug] = Digested(rows, texts)
            grouped: dict[tuple[str, str], tuple[list[PosteRow], list[str]]] = defaultdict(lambda: ([], []))
            for r, text in zip(rows, texts):
                group = grouped[(r.mouvement, r.discipline_code)]
                group[0].append(r)
                group[1].append(text)
            all_groups[slug] = {k: Digested(*v) for k, v in sorted(grouped.items())}
        return all_rows, all_groups

    def campaign_card(self, c: Campaign) -> CampaignCard:
        state, key = campaign_state(c, self.now)
        return CampaignCard(
            c.slug, c.url, c.title, c.summary, c.year, state, STATE_LABELS[state], key,
            c.slug in self.rows, all(p.state_at(self.now) == "close" for p in c.phases),
        )

    def guide_card(self, g: Guide) -> GuideCard:
        return GuideCard(g.url, g.title, g.summary, g.audience, g.tags)

    def note_card(self, n: NoteDeService) -> NoteCard:
        return NoteCard(n.url, n.reference, n.title, n.summary, n.bo_reference, n.bo_date)


def group_slug(mouvement: str, discipline: str) -> str:
    return f"{mouvement}-{discipline}".lower()


def group_label(rows: Digested) -> str:
    first = rows.first
    return f"{first.mouvement_libelle} — {first.discipline}"


def plan_pages(view: SiteView) -> list[Page]:
    """Every output of the site, in a stable order."""
    site = view.site
    pages = [
        Page("index.html", "", "Accueil", "html", "site/home.html", "home"),
        Page("guides/index.html", "guides/", "Guides", "html", "site/guides.html", "guides"),
    ]
    pages += [
        Page(f"guides/{g.slug}/index.html", g.url, g.title, "html", "site/guide.html", "guide", g.slug)
        for g in view.guides
    ]
    pages.append(Page("notes-de-service/index.html", "notes-de-service/", "Notes de service",
                      "html", "site/notes.html", "notes"))
    pages += [
        Page(f"notes-de-service/{n.slug}/index.html", n.url, f"Note de service n° {n.reference}",
             "html", "site/note.html", "note", n.slug)
        for n in view.notes
    ]
    pages.append(Page("plannings/index.html", "plannings/", "Plannings", "html",
                      "site/plannings.html", "plannings"))
    for c in site.campaigns:
        pages.append(Page(f"plannings/{c.slug}/index.html", c.url, f"Planning : {c.title}", "html",
                          "site/planning.html", "planning", c.slug))
        pages.append(Page(f"plannings/{c.slug}.ics", f"plannings/{c.slug}.ics",
                          f"Calendrier : {c.title}", "ics", None, "ics", c.slug, in_sitemap=False))
    pages.append(Page("postes/index.html", "postes/", "Postes vacants", "html",
                      "site/postes_index.html", "postes_index"))
    for c in site.campaigns:
        if c.slug not in view.rows:
            continue
        pages.append(Page(f"postes/{c.slug}/index.html", f"postes/{c.slug}/",
                          f"Postes vacants : {c.title}", "html", "site/postes.html", "postes", c.slug))
        for (mvt, disc), rows in view.groups[c.slug].items():
            slug = group_slug(mvt, disc)
            pages.append(Page(f"postes/{c.slug}/{slug}/index.html", f"postes/{c.slug}/{slug}/",
                              f"Postes vacants : {group_label(rows)} ({c.title})", "html",
                              "site/postes_group.html", "postes_group", f"{c.slug}/{mvt}/{disc}"))
        pages.append(Page(f"postes/{c.slug}.csv", f"postes/{c.slug}.csv",
                          f"Postes vacants (CSV) : {c.title}", "csv", None, "postes_csv", c.slug,
                          in_sitemap=False))
        pages.append(Page(f"postes/{c.slug}.json", f"postes/{c.slug}.json",
                          f"Postes vacants (JSON) : {c.title}", "json", None, "postes_json", c.slug,
                          in_sitemap=False))
    pages.append(Page("comparateur/index.html", "comparateur/", "Comparateur de mobilité", "html",
                      "site/comparateur_index.html", "comparateur_index"))
    disciplines = site.referentiel.disciplines
    for (mvt, disc), group in view.comparateur.groups.items():
        pages.append(Page(f"{group.url}index.html", group.url,
                          f"Comparateur de mobilité : {disciplines[disc].libelle}, "
                          f"{BARRE_MOUVEMENTS[mvt][0].lower()}{BARRE_MOUVEMENTS[mvt][1:]}", "html",
                          "site/comparateur.html", "comparateur", f"{mvt}/{disc}"))
    pages += [
        Page("recherche/index.html", "recherche/", "Rechercher", "html", "site/search.html", "static"),
        Page("recherche/index.json", "recherche/index.json", "Index de recherche", "json", None,
             "search_index", in_sitemap=False),
        Page("recherche/postes.json", "recherche/postes.json", "Index de recherche des postes", "json", None,
             "search_postes", in_sitemap=False),
        Page("plan-du-site/index.html", "plan-du-site/", "Plan du site", "html", "site/plan.html", "plan"),
        Page("accessibilite/index.html", "accessibilite/", "Déclaration d'accessibilité", "html",
             "site/accessibilite.html", "accessibilite"),
        Page("mentions-legales/index.html", "mentions-legales/", "Mentions légales", "html",
             "site/mentions.html", "static"),
        Page("donnees-personnelles/index.html", "donnees-personnelles/", "Données personnelles", "html",
             "site/donnees.html", "static"),
        Page("404.html", "404.html", "Page introuvable", "html", "site/404.html", "static",
             in_sitemap=False),
    ]
    pages.append(Page("sitemap.xml", "sitemap.xml", "Sitemap", "xml", None, "sitemap", in_sitemap=False))
    return pages


# Context builders: plain data only, so repr() of a context is its fingerprint.

def _home(view: SiteView, page: Page, pages: list[Page]) -> dict:
    cards = [view.campaign_card(c) for c in view.site.campaigns]
    return {
        "campaigns": [c for c in cards if not c.over],
        "notes": [view.note_card(n) for n in view.notes[:5]],
        "guides": Digested([view.guide_card(g) for g in view.guides[:6]]),
        "guide_count": len(view.guides),
        "comparateur": bool(view.comparateur.groups),
    }


def _guides(view: SiteView, page: Page, pages: list[Page]) -> dict:
    return {"guides": Digested([view.guide_card(g) for g in view.guides])}


def _guide(view: SiteView, page: Page, pages: list[Page]) -> dict:
    return {"guide": view.guide_by_slug[page.arg]}


def _notes(view: SiteView, page: Page, pages: list[Page]) -> dict:
    by_year: dict[int, list[NoteCard]] = defaultdict(list)
    for n in view.notes:
        by_year[n.bo_date.year].append(view.note_card(n))
    return {"years": sorted(by_year.items(), reverse=True)}


def _note(view: SiteView, page: Page, pages: list[Page]) -> dict:
    note = view.note_by_slug[page.arg]
    campaigns = [(c.url, c.title) for c in view.site.campaigns if c.note_de_service == note.slug]
    return {"note": note, "campaigns": campaigns}


def _plannings(view: SiteView, page: Page, pages: list[Page]) -> dict:
    return {"campaigns": [view.campaign_card(c) for c in view.site.campaigns]}


def _planning(view: SiteView, page: Page, pages: list[Page]) -> dict:
    c = view.site.campaign(page.arg)
    assert c is not None
    note = view.note_by_slug.get(c.note_de_service or "")
    return {
        "campaign": c,
        "card": view.campaign_card(c),
        "phases": [phase_view(p, view.now) for p in c.phases],
        "note": view.note_card(note) if note else None,
        "postes_count": len(view.rows.get(c.slug, ())),
        # Last years' barres of this campaign's movements, in the comparateur de mobilité.
        "comparateur": [(code, label) for code, label in view.comparateur.mouvements()
                        if code in CAMPAIGN_BARRE_MOUVEMENTS.get(c.kind, ())],
    }


def _postes_index(view: SiteView, page: Page, pages: list[Page]) -> dict:
    items = []
    for c in view.site.campaigns:
        if c.slug in view.rows:
            groups = [(group_slug(m, d), group_label(rows), len(rows))
                      for (m, d), rows in view.groups[c.slug].items()]
            items.append((view.campaign_card(c), len(view.rows[c.slug]), groups))
    return {"items": items}


def _departements(rows: Digested) -> list[tuple[str, str, list[PosteRow]]]:
    by_dpt: dict[tuple[str, str], list[PosteRow]] = defaultdict(list)
    for r in rows:
        by_dpt[(r.departement_code, r.departement)].append(r)
    return [(code, label, items) for (code, label), items in sorted(by_dpt.items())]


def _postes(view: SiteView, page: Page, pages: list[Page]) -> dict:
    c = view.site.campaign(page.arg)
    assert c is not None
    rows = view.rows[c.slug]
    groups = [(group_slug(m, d), group_label(g), len(g)) for (m, d), g in view.groups[c.slug].items()]
    return {"campaign": view.campaign_card(c), "voeu_limit": c.voeu_limit, "rows": rows,
            "groups": groups, "departements": _LazyDepartements(rows), "group": None}


def _postes_group(view: SiteView, page: Page, pages: list[Page]) -> dict:
    slug, mvt, disc = page.arg.split("/")
    c = view.site.campaign(slug)
    assert c is not None
    rows = view.groups[slug][(mvt, disc)]
    return {"campaign": view.campaign_card(c), "voeu_limit": c.voeu_limit, "rows": rows,
            "groups": [], "departements": _LazyDepartements(rows), "group": group_label(rows)}


class _LazyDepartements:
    """Rows by département, grouped only when rendered (its fingerprint is the rows')."""

    def __init__(self, rows: Digested) -> None:
        self.rows = rows

    def __iter__(self):
        return iter(_departements(self.rows))

    def __repr__(self) -> str:
        return repr(self.rows)


def _comparateur_index(view: SiteView, page: Page, pages: list[Page]) -> dict:
    disciplines = view.site.referentiel.disciplines
    items = []
    for code, label in view.comparateur.mouvements():
        groups = [(g.url, disciplines[g.discipline].libelle, g.zones, g.years)
                  for (m, _), g in view.comparateur.groups.items() if m == code]
        items.append((code, label, groups))
    return {"mouvements": items}


def _comparateur(view: SiteView, page: Page, pages: list[Page]) -> dict:
    mvt, disc = page.arg.split("/")
    comparateur = view.comparateur
    others = [(g.url, BARRE_MOUVEMENTS[m]) for (m, d), g in comparateur.groups.items() if d == disc and m != mvt]
    group = comparateur.groups[(mvt, disc)]
    label = BARRE_MOUVEMENTS[mvt]
    return {"group": group, "mouvement_nom": label[0].lower() + label[1:],
            "discipline": view.site.referentiel.disciplines[disc], "zones": comparateur.zones[(mvt, disc)],
            "types": [(f"t-{t.lower()}", zone_heading(t, n), n) for t, n, _ in group.types], "others": others}


def _static(view: SiteView, page: Page, pages: list[Page]) -> dict:
    return {}


def _accessibilite(view: SiteView, page: Page, pages: list[Page]) -> dict:
    return {"audit": view.site.accessibility_audit}


def _plan(view: SiteView, page: Page, pages: list[Page]) -> dict:
    return {"entries": Digested([(p.url, p.title) for p in pages if p.kind == "html" and p.in_sitemap])}


def _ics(view: SiteView, page: Page, pages: list[Page]) -> dict:
    return {"campaign": view.site.campaign(page.arg)}


def _postes_data(view: SiteView, page: Page, pages: list[Page]) -> dict:
    c = view.site.campaign(page.arg)
    assert c is not None
    return {"campaign": (c.slug, c.title, c.year), "rows": view.rows[c.slug]}


def _search_index(view: SiteView, page: Page, pages: list[Page]) -> dict:
    entries = []
    for g in view.guides:
        headings = " ".join(h.rstrip("# \t") for h in HEADING.findall("\n" + g.body_md))
        entries.append(("Guide", g.url, g.title, g.summary, " ".join((*g.tags, *g.audience, headings))))
    for n in view.notes:
        entries.append(("Note de service", n.url, f"{n.title} (n° {n.reference})", n.summary,
                        f"{n.reference} {n.bo_reference}"))
    for c in view.site.campaigns:
        entries.append(("Planning", c.url, c.title, c.summary, f"{c.year} {c.kind}"))
        if c.slug in view.rows:
            entries.append(("Postes vacants", f"postes/{c.slug}/", f"Postes vacants : {c.title}",
                            compte(len(view.rows[c.slug]), "poste"), ""))
            for (mvt, disc), rows in view.groups[c.slug].items():
                entries.append(("Postes vacants", f"postes/{c.slug}/{group_slug(mvt, disc)}/",
                                f"Postes vacants : {group_label(rows)}", f"{compte(len(rows), 'poste')}, {c.title}",
                                f"{mvt} {disc}"))
    disciplines = view.site.referentiel.disciplines
    for (mvt, disc), group in view.comparateur.groups.items():
        span = str(group.years[0]) if len(group.years) == 1 else f"de {group.years[0]} à {group.years[-1]}"
        entries.append(("Comparateur de mobilité", group.url,
                        f"Barres : {disciplines[disc].libelle}, {BARRE_MOUVEMENTS[mvt][0].lower()}{BARRE_MOUVEMENTS[mvt][1:]}",
                        f"{compte(group.zones, 'vœu', 'vœux')}, {span}", f"{mvt} {disc} barre barème mutation"))
    for p in pages:
        if p.builder in ("static", "accessibilite", "plan", "guides", "notes", "plannings", "postes_index",
                         "comparateur_index") and p.in_sitemap:
            entries.append(("Page", p.url, p.title, "", ""))
    return {"entries": Digested(entries)}


def _search_postes(view: SiteView, page: Page, pages: list[Page]) -> dict:
    """The postes of every campaign, for their own search file (rendered again only when they change)."""
    return {"campaigns": [(c.slug, c.title, view.rows[c.slug]) for c in view.site.campaigns if c.slug in view.rows]}


def _sitemap(view: SiteView, page: Page, pages: list[Page]) -> dict:
    return {"urls": Digested([p.url for p in pages if p.in_sitemap and p.kind == "html"])}


CONTEXTS: dict[str, Callable[[SiteView, Page, list[Page]], dict]] = {
    "home": _home, "guides": _guides, "guide": _guide, "notes": _notes, "note": _note,
    "plannings": _plannings, "planning": _planning, "postes_index": _postes_index,
    "postes": _postes, "postes_group": _postes_group, "static": _static,
    "accessibilite": _accessibilite, "plan": _plan,
    "ics": _ics, "postes_csv": _postes_data, "postes_json": _postes_data,
    "search_index": _search_index, "search_postes": _search_postes, "sitemap": _sitemap,
    "comparateur_index": _comparateur_index, "comparateur": _comparateur,
}


def page_context(view: SiteView, page: Page, pages: list[Page]) -> dict:
    """The data a page shows; its fingerprint() decides whether the page is rendered again."""
    return CONTEXTS[page.builder](view, page, pages)


def _guide_text(g: Guide) -> str:
    return "\x1f".join((g.slug, g.title, g.summary, "\x1d".join(g.audience), str(g.order),
                        "\x1d".join(g.tags), g.body_md, str(g.source)))


def fingerprint(context: dict) -> str:
    """A text that changes whenever anything the page shows changes (repr, with a fast path for guides)."""
    if len(context) == 1 and isinstance(context.get("guide"), Guide):
        return "guide\x1e" + _guide_text(context["guide"])
    return repr(context)
