"""Discover, parse and validate every source of a site root, then build the model (`Site`).

No Flask, no Jinja: the forms app imports this too.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from .campagnes import load_campaign
from .links import find_links, link_problem
from .model import Campaign, Guide, NavItem, NoteDeService, Site, SiteConfig
from .postes import load_postes
from .referentiel import load_referentiel
from .report import Report
from .sources import SiteDraft, load_guide, load_note, load_site_config
from .urls import page_paths


def _files(folder: Path, *suffixes: str) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.suffix in suffixes and p.is_file()), key=lambda p: p.name)


def _check_duplicate_references(notes: list[NoteDeService], report: Report) -> None:
    seen: dict[str, NoteDeService] = {}
    for note in notes:
        first = seen.setdefault(note.reference, note)
        if first is not note:
            report.error(note.source.path, note.source.line,
                         f"la référence « {note.reference} » est déjà celle de {first.source.path} : "
                         "chaque note de service a sa propre référence, corrigez « reference ».")


def _navigation(draft: SiteDraft, pages: set[str], root: Path, report: Report) -> tuple[NavItem, ...]:
    """Resolve navigation links: site pages get base_path, app and absolute URLs stay as written."""
    items: list[NavItem] = []
    for line, title, lien in draft.navigation:
        href = lien if lien.startswith(("/", "http://", "https://", "mailto:")) else "/" + lien
        problem = link_problem(href, pages, lambda t: (root / "content" / t).is_file(), draft.app_url)
        if problem:
            report.error(draft.source.path, line, problem)
            continue
        url = href if not href.startswith("/") or href.startswith(draft.app_url.rstrip("/") + "/") \
            or href == draft.app_url else draft.base_path + href.lstrip("/")
        items.append(NavItem(title=title, url=url))
    return tuple(items)


def load_site(root: str | Path) -> tuple[Site | None, Report]:
    """Read and validate everything under root; the Site is None when any error was found."""
    root = Path(root).resolve()
    report = Report()
    if not (root / "content").is_dir():
        report.error("content", 0, f"dossier absent dans {root} : lancez la commande depuis le dossier qui contient "
                                   "content/ et data/, ou indiquez-le avec --root.")
        return None, report

    draft = load_site_config(root, report)
    ref, tables = load_referentiel(root, report)

    guides: list[tuple[Guide, int]] = []
    for path in _files(root / "content" / "guides", ".md"):
        loaded = load_guide(root, path, report)
        if loaded:
            guides.append(loaded)
    notes: list[tuple[NoteDeService, int]] = []
    note_files = _files(root / "content" / "notes-de-service", ".md")
    for path in note_files:
        loaded_note = load_note(root, path, report)
        if loaded_note:
            notes.append(loaded_note)
    _check_duplicate_references([n for n, _ in notes], report)

    campaigns: list[Campaign] = []
    broken: set[str] = set()
    note_slugs = {p.stem for p in note_files}
    seen_slugs: dict[str, Path] = {}
    for path in _files(root / "content" / "campagnes", ".yaml", ".yml"):
        if path.stem in seen_slugs:
            report.error(path.relative_to(root).as_posix(), 0,
                         f"la campagne « {path.stem} » est déjà écrite dans "
                         f"{seen_slugs[path.stem].relative_to(root).as_posix()} : gardez un seul fichier.")
            continue
        seen_slugs[path.stem] = path
        campaign = load_campaign(root, path, report, ref, tables["disciplines"], note_slugs)
        if campaign is None:
            broken.add(path.stem)
        else:
            campaigns.append(campaign)
    postes, groups = load_postes(root, report, ref, {c.slug: c for c in campaigns}, tables, broken)

    # Links are checked against every page the sources declare, broken files included, so one bad
    # guide does not turn every link to it into a second error.
    parts = SimpleNamespace(
        guides=[SimpleNamespace(slug=p.stem) for p in _files(root / "content" / "guides", ".md")],
        notes=[SimpleNamespace(slug=p.stem) for p in note_files],
        campaigns=campaigns + [SimpleNamespace(slug=s) for s in broken],
        postes=[SimpleNamespace(campagne=c, mouvement=m, discipline_code=d) for c, m, d in groups if c],
    )
    pages = page_paths(parts)  # type: ignore[arg-type]
    app_url = draft.app_url if draft else "/app"

    def file_exists(target: str) -> bool:
        return (root / "content" / target).is_file()

    verdicts: dict[str, str | None] = {}  # the same links recur from page to page
    for doc, first_line in [*guides, *notes]:
        for line, href in find_links(doc.body_md, first_line):
            if href not in verdicts:
                verdicts[href] = link_problem(href, pages, file_exists, app_url)
            problem = verdicts[href]
            if problem:
                report.error(doc.source.path, line, problem)

    navigation = _navigation(draft, pages, root, report) if draft else ()
    if draft is None or report.has_errors:
        return None, report
    config = SiteConfig(
        academie=draft.academie, title=draft.title, base_url=draft.base_url, base_path=draft.base_path,
        app_url=draft.app_url, contacts=draft.contacts, navigation=navigation,
        accessibility=draft.accessibility, templates_dir=draft.templates_dir, source=draft.source,
    )
    site = Site(
        root=str(root),
        config=config,
        guides=sorted((g for g, _ in guides), key=lambda g: (g.order, g.title)),
        notes=sorted((n for n, _ in notes), key=lambda n: (n.bo_date, n.reference), reverse=True),
        campaigns=sorted(campaigns, key=lambda c: (c.phases[0].start, c.slug)),
        referentiel=ref,
        postes=postes,
    )
    return site, report
