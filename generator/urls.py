"""The URL scheme of the published site (docs/urls.md), in one place for validation and rendering."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from .model import Barre, Campaign, Guide, NoteDeService, Poste

# Pages that exist whatever the content says.
FIXED_PAGES: tuple[str, ...] = (
    "",
    "guides/",
    "notes-de-service/",
    "plannings/",
    "postes/",
    "comparateur/",
    "recherche/",
    "recherche/index.json",
    "recherche/postes.json",
    "plan-du-site/",
    "accessibilite/",
    "mentions-legales/",
    "donnees-personnelles/",
    "404.html",
    "sitemap.xml",
)


class SiteParts(Protocol):
    guides: Iterable[Guide]
    notes: Iterable[NoteDeService]
    campaigns: Iterable[Campaign]
    postes: Iterable[Poste]
    barres: Iterable[Barre]


def guide_path(slug: str) -> str:
    return f"guides/{slug}/"


def note_path(slug: str) -> str:
    return f"notes-de-service/{slug}/"


def planning_path(slug: str) -> str:
    return f"plannings/{slug}/"


def planning_ics_path(slug: str) -> str:
    return f"plannings/{slug}.ics"


def postes_campaign_path(campagne: str) -> str:
    return f"postes/{campagne}/"


def postes_group_path(campagne: str, mouvement: str, discipline: str) -> str:
    """One page per movement and discipline of a campaign; codes lower-cased."""
    return f"postes/{campagne}/{mouvement.lower()}-{discipline.lower()}/"


def postes_download_paths(campagne: str) -> tuple[str, str]:
    return f"postes/{campagne}.csv", f"postes/{campagne}.json"


def comparateur_path(mouvement: str, discipline: str) -> str:
    """One « comparateur de mobilité » page per movement and discipline of data/barres; codes lower-cased."""
    return f"comparateur/{mouvement.lower()}-{discipline.lower()}/"


def page_paths(site: SiteParts) -> set[str]:
    """Every page and generated file of the site, relative to base_path (a Site or any object with
    guides, notes, campaigns, postes and barres). Postes pages exist only for campaigns that have postes."""
    paths = set(FIXED_PAGES)
    paths.update(guide_path(g.slug) for g in site.guides)
    paths.update(note_path(n.slug) for n in site.notes)
    for campaign in site.campaigns:
        paths.add(planning_path(campaign.slug))
        paths.add(planning_ics_path(campaign.slug))
    groups = {(p.campagne, p.mouvement, p.discipline_code) for p in site.postes}
    for campagne in {g[0] for g in groups}:
        paths.add(postes_campaign_path(campagne))
        paths.update(postes_download_paths(campagne))
    paths.update(postes_group_path(*g) for g in groups)
    paths.update(comparateur_path(m, d) for m, d in {(b.mouvement, b.discipline) for b in site.barres})
    return paths


def link_target(href: str) -> str:
    """The page path a root-relative link names: no leading slash, anchor or query; `index.html` dropped."""
    path = href.split("#", 1)[0].split("?", 1)[0].lstrip("/")
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return path
