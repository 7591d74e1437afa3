"""Discover, parse and validate every source of a site root, then build the model (`Site`).

No Flask, no Jinja: the forms app imports this too.
"""
from __future__ import annotations

import os
import pickle
import threading
import zlib
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

from . import cache as _cache
from .accessibilite import check_status, load_accessibility
from .barres import load_barres
from .campagnes import load_campaign
from .links import find_links, link_problem
from .model import Barre, Campaign, Guide, NavItem, NoteDeService, Poste, Referentiel, Site, SiteConfig
from .postes import load_postes
from .referentiel import load_referentiel
from .report import Problem, Report
from .sources import SiteDraft, load_guide, load_note, load_site_config
from .urls import page_paths


def _names(folder: Path, *suffixes: str) -> list[str]:
    """Sorted names of the files in folder with one of these suffixes."""
    try:
        with os.scandir(folder) as entries:  # the directory entry knows a file from a folder without a stat
            names = sorted(e.name for e in entries if e.name.endswith(suffixes) and e.is_file())
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [name for name in names if os.path.splitext(name)[1] in suffixes]


def _files(folder: Path, *suffixes: str) -> list[Path]:
    return [folder / name for name in _names(folder, *suffixes)]


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


GUIDE_SHARDS = 16  # one edited guide rewrites one sixteenth of the guides' cache
GuideLoad = tuple[tuple[Guide, int] | None, tuple[Problem, ...], tuple[tuple[int, str], ...]]
DataLoad = tuple[Referentiel, list[Campaign], set[str], list[Poste], set[tuple[str, str, str]], list[Barre],
                 set[tuple[str, str]], tuple[Problem, ...]]


def _read_guide(root: Path, path: Path) -> GuideLoad:
    """One guide with its own problems and links: everything that depends on this file alone."""
    own = Report()
    loaded = load_guide(root, path, own)
    links = tuple(find_links(loaded[0].body_md, loaded[1])) if loaded else ()
    return loaded, tuple(own), links


PARALLEL_READ = 400  # guides to parse below which a second process costs more than it saves


def _threaded() -> bool:
    """Whether this process runs other threads (fork would copy their locks in whatever state)."""
    return threading.active_count() > 1


# What the split of the guides between this process and its child weighs (ms, measured on the bench): parsing
# a guide; the child's pickling of a parsed guide beyond this process's unpickling of it; reading and checking
# 1 MB of data/ tables (postes, barres), which this process does meanwhile.
GUIDE_MS, HANDOFF_MS, DATA_MS_PER_MB = 0.127, 0.035, 60


def _main_share(count: int, data_bytes: int) -> int:
    """How many guides this process parses so that both processes end together (the child takes the rest)."""
    data_ms = data_bytes / 1e6 * DATA_MS_PER_MB
    mine = (count * (GUIDE_MS + HANDOFF_MS) - data_ms) / (2 * GUIDE_MS + HANDOFF_MS)
    return max(0, min(count, int(mine)))


def _data_bytes(root: Path) -> int:
    """The size of the data/ tables: what the data part of the loader has to read."""
    total = 0
    for folder, _, names in os.walk(root / "data"):
        for name in names:
            try:
                total += os.stat(os.path.join(folder, name)).st_size
            except OSError:
                pass
    return total


def _read_guides(root: Path, paths: list[Path]) -> Callable[[], list[GuideLoad]]:
    """Start reading the guides; the returned function gives _read_guide of each path, in order.

    With many guides, a forked child parses 55 % of them while this process parses the rest,
    then goes on (notes, data tables) until it asks for the results: on a first build the loader would
    otherwise keep one core idle. Not in a threaded process (the preview server), where fork is unsafe;
    any failure of the child means this process parses that part itself."""
    if len(paths) < PARALLEL_READ or not hasattr(os, "fork") or _threaded():
        return lambda: [_read_guide(root, path) for path in paths]
    mine = _main_share(len(paths), _data_bytes(root))  # this process also reads the notes and the data tables
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: parse its part, send it pickled, leave without the parent's exit handlers
        code = 1
        try:
            os.close(read_end)
            data = pickle.dumps([_read_guide(root, path) for path in paths[mine:]], pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as handle:
                handle.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    first = [_read_guide(root, path) for path in paths[:mine]]

    def finish() -> list[GuideLoad]:
        with os.fdopen(read_end, "rb") as handle:
            data = handle.read()
        _, status = os.waitpid(pid, 0)
        try:
            rest = pickle.loads(data) if status == 0 else None
        except Exception:
            rest = None
        if not isinstance(rest, list) or len(rest) != len(paths) - mine:
            rest = [_read_guide(root, path) for path in paths[mine:]]
        return first + rest

    return finish


def _load_guides(root: Path, folder: Path, names: list[str],
                 store: _cache.SourceCache | None) -> Callable[[], list[GuideLoad]]:
    """Start loading every guide, from the cache when its file did not change (a Path is made only to
    read one again); the returned function gives them, in order, once the rest of the loader is done."""
    if store is None:
        return _read_guides(root, [folder / name for name in names])
    prefix = f"{folder}{os.sep}"
    shards = [f"guides-{i}" for i in range(GUIDE_SHARDS)]
    entries = [store.part(shard) for shard in shards]
    kept: list[dict] = [{} for _ in shards]
    results: list[GuideLoad | None] = []
    missed = []  # (position, shard, name, path, stat, bytes, recorded): parsed together below
    for name in names:
        i = zlib.crc32(name.encode()) % GUIDE_SHARDS
        entry = entries[i].get(name)
        same, sig, data = _cache.unchanged(prefix + name, entry)
        if same and entry is not None:
            if sig != entry.sig:  # same bytes, new stat: remember the new stat
                entry = _cache.FileEntry(sig, entry.sha, _cache.now_ns(), entry.value)  # type: ignore[arg-type]
                store.mark(shards[i])
            kept[i][name] = entry
            results.append(entry.value)
            continue
        recorded = _cache.now_ns()
        path = folder / name
        try:
            data = path.read_bytes() if data is None else data
        except OSError:
            data = None
        missed.append((len(results), i, name, path, sig, data, recorded))
        results.append(None)
    pending = _read_guides(root, [m[3] for m in missed])

    def finish() -> list[GuideLoad]:
        for (position, i, name, path, sig, data, recorded), value in zip(missed, pending()):
            results[position] = value
            store.mark(shards[i])
            if data is not None and sig is not None and _cache.unchanged(path, None)[1] == sig:
                kept[i][name] = _cache.FileEntry(sig, _cache.digest(data), recorded, value)
        for shard, old, new in zip(shards, entries, kept):
            if new.keys() != old.keys():
                store.mark(shard)
            store.parts[shard] = new
        return results  # type: ignore[return-value]

    return finish


def _data_files(root: Path) -> list[Path]:
    """Every file the référentiel, campaigns and postes are read from."""
    found = []
    for top in (root / "data", root / "content" / "campagnes"):
        for folder, dirs, names in os.walk(top):
            dirs.sort()
            found += [Path(folder) / n for n in sorted(names)]
    return found


def _read_data(root: Path, note_slugs: set[str]) -> DataLoad:
    """Référentiel, campaigns, postes and barres: they depend on data/, content/campagnes/ and the notes' names."""
    own = Report()
    ref, tables = load_referentiel(root, own)
    campaigns: list[Campaign] = []
    broken: set[str] = set()
    seen_slugs: dict[str, Path] = {}
    for path in _files(root / "content" / "campagnes", ".yaml", ".yml"):
        if path.stem in seen_slugs:
            own.error(path.relative_to(root).as_posix(), 0,
                      f"la campagne « {path.stem} » est déjà écrite dans "
                      f"{seen_slugs[path.stem].relative_to(root).as_posix()} : gardez un seul fichier.")
            continue
        seen_slugs[path.stem] = path
        campaign = load_campaign(root, path, own, ref, tables["disciplines"], note_slugs)
        if campaign is None:
            broken.add(path.stem)
        else:
            campaigns.append(campaign)
    postes, groups = load_postes(root, own, ref, {c.slug: c for c in campaigns}, tables, broken)
    barres, barre_groups = load_barres(root, own, ref, tables)
    return ref, campaigns, broken, postes, groups, barres, barre_groups, tuple(own)


def _data_digest(version: str, note_slugs: list[str], files: dict[str, _cache.FileEntry]) -> str:
    """What the data part was read from: the same digest means the same référentiel, campaigns and postes."""
    text = "\0".join([version, *note_slugs, "", *(f"{name}\0{entry.sha}" for name, entry in files.items())])
    return _cache.digest(text.encode())


def _load_data(root: Path, note_slugs: set[str], store: _cache.SourceCache | None) -> tuple[DataLoad, str | None]:
    """_read_data, from the cache when no file it reads changed (same list, same bytes); with its digest."""
    if store is None:
        return _read_data(root, note_slugs), None
    stored = store.part("data")
    files = _data_files(root)
    names = [p.relative_to(root).as_posix() for p in files]
    old_files: dict = stored.get("files", {})
    hit = stored.get("notes") == sorted(note_slugs) and list(old_files) == names
    fresh: dict[str, _cache.FileEntry] = {}
    recorded = _cache.now_ns()
    for path, name in zip(files, names):
        entry = old_files.get(name) if hit else None
        same, sig, data = _cache.unchanged(path, entry)
        if same and entry is not None:
            fresh[name] = entry if sig == entry.sig else _cache.FileEntry(sig, entry.sha, recorded, None)  # type: ignore[arg-type]
            continue
        hit = False
        try:
            data = path.read_bytes() if data is None else data
        except OSError:
            data = b""
        fresh[name] = _cache.FileEntry(sig or (0, 0, 0, 0), _cache.digest(data), recorded, None)
    if hit and "value" in stored:
        if any(fresh[n] is not old_files[n] for n in names):
            stored["files"] = fresh
            store.mark("data")
        return stored["value"], _data_digest(store.version, sorted(note_slugs), fresh)
    value = _read_data(root, note_slugs)
    if [_cache.unchanged(p, None)[1] for p in files] == [fresh[n].sig for n in names]:
        store.parts["data"] = {"notes": sorted(note_slugs), "files": fresh, "value": value}
        store.mark("data")
        return value, _data_digest(store.version, sorted(note_slugs), fresh)
    store.parts["data"] = {}  # a file changed while it was read: keep nothing rather than a doubtful entry
    store.mark("data")
    return value, None


def load_site(root: str | Path, cache_dir: str | Path | None = None, *,
              background_save: bool = False) -> tuple[Site | None, Report]:
    """Read and validate everything under root; the Site is None when any error was found.

    With cache_dir, parsed guides and tables are kept there between runs (see generator/cache.py);
    with background_save too, the cache is written by a child process: call cache.wait_saved() later."""
    root = Path(root).resolve()
    report = Report()
    if not (root / "content").is_dir():
        report.error("content", 0, f"dossier absent dans {root} : lancez la commande depuis le dossier qui contient "
                                   "content/ et data/, ou indiquez-le avec --root.")
        return None, report
    store = _cache.SourceCache(Path(cache_dir), root) if cache_dir is not None else None

    draft = load_site_config(root, report)
    audit = load_accessibility(root, report)
    if draft is not None and audit is not None:
        check_status(audit, draft.accessibility.status, draft.source.path, draft.status_line, report)

    guides: list[tuple[Guide, int]] = []
    guide_links: list[tuple[Guide, tuple[tuple[int, str], ...]]] = []
    guide_folder = root / "content" / "guides"
    guide_names = _names(guide_folder, ".md")
    pending_guides = _load_guides(root, guide_folder, guide_names, store)  # may go on in a child meanwhile
    try:
        notes: list[tuple[NoteDeService, int]] = []
        note_files = _files(root / "content" / "notes-de-service", ".md")
        for path in note_files:
            loaded_note = load_note(root, path, report)
            if loaded_note:
                notes.append(loaded_note)
        _check_duplicate_references([n for n, _ in notes], report)

        note_slugs = {p.stem for p in note_files}
        (ref, campaigns, broken, postes, groups, barres, barre_groups, data_problems), data_digest = \
            _load_data(root, note_slugs, store)
        for problem in data_problems:
            report.add(problem)
    except BaseException:
        pending_guides()  # no child left blocked on its pipe
        raise
    for loaded, problems, links in pending_guides():  # the report sorts its problems: order is free
        for problem in problems:
            report.add(problem)
        if loaded:
            guides.append(loaded)
            guide_links.append((loaded[0], links))
    if store is not None:
        store.save(background=background_save)

    # Links are checked against every page the sources declare, broken files included, so one bad
    # guide does not turn every link to it into a second error.
    parts = SimpleNamespace(
        guides=[SimpleNamespace(slug=os.path.splitext(name)[0]) for name in guide_names],
        notes=[SimpleNamespace(slug=p.stem) for p in note_files],
        campaigns=campaigns + [SimpleNamespace(slug=s) for s in broken],
        postes=[SimpleNamespace(campagne=c, mouvement=m, discipline_code=d) for c, m, d in groups if c],
        barres=[SimpleNamespace(mouvement=m, discipline=d) for m, d in barre_groups if m and d],
    )
    pages = page_paths(parts)  # type: ignore[arg-type]
    app_url = draft.app_url if draft else "/app"

    def file_exists(target: str) -> bool:
        return (root / "content" / target).is_file()

    verdicts: dict[str, str | None] = {}  # the same links recur from page to page
    documents = [*guide_links, *((n, find_links(n.body_md, first_line)) for n, first_line in notes),
                 *((c, c.links) for c in campaigns)]
    for doc, links in documents:
        for line, href in links:
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
        accessibility_audit=audit,
        barres=barres,
        data_digest=data_digest,
    )
    return site, report
