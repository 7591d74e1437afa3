"""Build the published site: plan every output, render only what changed, write only new bytes."""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from . import render, write
from .cache import paused_gc
from .model import PARIS, Site
from .pages import Page, SiteView, fingerprint, page_context, plan_pages

MANIFEST = ".carriere-manifest.json"
MANIFEST_VERSION = 1
PARALLEL_THRESHOLD = 64  # below this many pages to render, forking costs more than it saves


# The modules that turn a model into bytes; the loader's changes show in the model itself.
RENDERING_MODULES = ("build.py", "render.py", "pages.py", "write.py", "ics.py", "search.py",
                     "downloads.py", "frdates.py", "frnombres.py", "markdown_ext.py", "model.py", "comparateur.py")


class BuildError(Exception):
    """The build was refused before anything was written; the message says why, in French."""


@dataclass
class BuildResult:
    pages: int  # outputs of the site (pages, downloads, indexes)
    rendered: list[str] = field(default_factory=list)  # output paths rendered this time
    written: int = 0  # files whose bytes changed on disk (outputs and copies)
    unchanged: int = 0  # outputs left as they were
    removed: int = 0  # stale outputs of an earlier build deleted
    seconds: float = 0.0


@dataclass
class _Job:
    """What a worker needs; inherited through fork, never pickled."""

    site: Site
    out_dir: Path
    now: datetime
    pages: list[Page]
    contexts: list[dict] | None  # None: each worker makes the contexts and keys of the outputs it renders
    writer: write.OutputWriter
    env: object = None
    view: SiteView | None = None
    config_digest: str = ""
    closures: dict[str, str] = field(default_factory=dict)


_JOB: _Job | None = None


def _code_digest() -> str:
    """Changing the generator itself invalidates every page."""
    h = hashlib.sha1(str(MANIFEST_VERSION).encode())
    for name in RENDERING_MODULES:
        path = Path(__file__).with_name(name)
        h.update(name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _check_out_dir(site: Site, out_dir: Path) -> Path:
    out = out_dir.resolve()
    root = Path(site.root).resolve()
    if out == root or out in root.parents or any(
        (root / name).resolve() in (out, *out.parents) or out in (root / name).resolve().parents
        for name in ("content", "data")
    ):
        raise BuildError(
            f"dossier de sortie refusé : {out} contient ou recouvre les sources du site ({root}) ; "
            "choisissez un dossier dédié, par exemple build/site."
        )
    if out.exists() and not out.is_dir():
        raise BuildError(f"dossier de sortie refusé : {out} est un fichier ; indiquez un dossier.")
    return out


def _relative(message: str, root: str) -> str:
    """Show template paths relative to the site root, as every other message to a publisher."""
    for prefix in {str(Path(root)) + os.sep, str(Path(root).resolve()) + os.sep}:
        message = message.replace(prefix, "")
    return message


def _load_manifest(out: Path) -> dict:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == MANIFEST_VERSION else {}


def _page_key(config_digest: str, closures: dict[str, str], page: Page, context: dict) -> str:
    """What an output was made from: same key, same bytes (config, page, templates, context)."""
    page_text = "\0".join(map(str, page.__dict__.values()))  # every field, without the dataclass repr
    h = hashlib.sha1(f"{config_digest}\0{page_text}\0{closures.get(page.template or '', '')}\0".encode())
    h.update(fingerprint(context).encode())
    return h.hexdigest()


def _render_range(indices: list[int]) -> list[tuple[str, bool, str | None]]:
    """Render and write some pages of the current job; runs in a worker or in-process.

    Each output comes back as (path, written, key); the key only when this function made the context."""
    job = _JOB
    assert job is not None
    if job.env is None:
        job.env = render.make_env(job.site.root, job.site.config)
    done = []
    for i in indices:
        page = job.pages[i]
        key = None
        if job.contexts is None:
            assert job.view is not None
            context = page_context(job.view, page, job.pages)
            key = _page_key(job.config_digest, job.closures, page, context)
        else:
            context = job.contexts[i]
        data = render.render_output(job.env, page, context, job.site.config, job.now)  # type: ignore[arg-type]
        done.append((page.path, job.writer.write(page.path, data), key))
    return done


class _Progress:
    """A rich bar on a terminal, plain lines otherwise (CI logs), nothing when disabled."""

    def __init__(self, mode: str | Callable | None, total: int) -> None:
        self.total, self.done, self.mode = total, 0, mode
        self.bar = None
        self.next_line = 0
        if mode == "auto" and total and sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.bar = Progress("Rendu des pages", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                transient=False)
            self.bar.start()
            self.task = self.bar.add_task("rendu", total=total)

    def advance(self, n: int) -> None:
        self.done += n
        if callable(self.mode):
            self.mode(self.done, self.total)
        elif self.bar is not None:
            self.bar.update(self.task, completed=self.done)
        elif self.mode == "auto" and (self.done >= self.next_line or self.done == self.total):
            print(f"Rendu : {self.done}/{self.total} pages", file=sys.stderr, flush=True)
            self.next_line = self.done + max(1, self.total // 10)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def build_site(site: Site, out_dir: str | os.PathLike, *, jobs: int | None = None,
               progress: str | Callable[[int, int], None] | None = None,
               now: datetime | None = None, force: bool = False) -> BuildResult:
    """Render `site` into `out_dir`, re-rendering only outputs whose inputs changed."""
    global _JOB
    started = time.perf_counter()
    out = _check_out_dir(site, Path(out_dir))
    now = (now or datetime.now(PARIS)).astimezone(PARIS)
    manifest = {} if force else _load_manifest(out)
    code = _code_digest()
    same_code = manifest.get("code") == code
    with paused_gc():
        view = SiteView(site, now, known=manifest.get("derived") if same_code else None)
        pages = plan_pages(view)

    env = render.make_env(site.root, site.config)
    refs_cache: dict[str, list[str]] = dict(manifest.get("template_refs", {}))
    # A template whose closure compiled in the last build needs no second compilation to be known good.
    checked = manifest.get("closures", {}) if same_code else {}
    try:
        closures = render.template_digests(env, {p.template for p in pages if p.template}, refs_cache)
        render.check_syntax(env, sorted(n for n, d in closures.items() if checked.get(n) != d), site.root)
    except render.TemplateProblem as exc:
        raise BuildError(_relative(str(exc), site.root)) from None
    config_digest = hashlib.sha1(repr(site.config).encode()).hexdigest()
    copies = [(Path(site.root) / "content" / "fichiers", "fichiers")]
    copies += [(d / "assets", "assets") for d in reversed(render.template_dirs(site.root, site.config))]

    old = manifest.get("outputs", {}) if same_code else {}
    keys: dict[str, str] = {}
    contexts: list[dict] | None = None
    if not old and min(jobs or os.cpu_count() or 1, len(pages) // PARALLEL_THRESHOLD or 1) > 1:
        # Nothing to compare with: every output is rendered, by workers that each make the contexts and
        # keys of the outputs they render (on the bench, ≈ 0.1 s fewer in series before forking them).
        dirty = list(range(len(pages)))
    else:
        dirty = []
        out_prefix = f"{out}{os.sep}"
        with paused_gc():
            contexts = [page_context(view, p, pages) for p in pages]
        for i, (page, ctx) in enumerate(zip(pages, contexts)):
            key = keys[page.path] = _page_key(config_digest, closures, page, ctx)
            if old.get(page.path) != key or not os.path.isfile(f"{out_prefix}{page.path}"):
                dirty.append(i)

    result = BuildResult(pages=len(pages))
    out.mkdir(parents=True, exist_ok=True)
    _JOB = _Job(site, out, now, pages, contexts, write.OutputWriter(out), view=view, config_digest=config_digest,
                closures=closures)
    bar = _Progress(progress, len(dirty))
    outputs_written = 0
    try:
        workers = min(jobs or os.cpu_count() or 1, len(dirty) // PARALLEL_THRESHOLD or 1)
        if contexts is None:
            assert workers > 1
        if workers > 1:
            # Compile templates and make the postes rows once so forked workers inherit them.
            _JOB.env = env
            view.materialize()
            for name in closures:
                env.get_template(name)
            chunks = _chunks(pages, dirty, workers)
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for done in pool.imap_unordered(_render_range, chunks):
                    outputs_written += _record(result, done, keys)
                    bar.advance(len(done))
        else:
            _JOB.env = env
            for i in range(0, len(dirty), 32):
                done = _render_range(dirty[i:i + 32])
                outputs_written += _record(result, done, keys)
                bar.advance(len(done))
    except render.TemplateProblem as exc:
        raise BuildError(_relative(str(exc), site.root)) from None
    finally:
        bar.close()
        _JOB = None
    assert len(keys) == len(pages)

    files: dict[str, Path] = {}
    for src, prefix in copies:  # later folders win: the académie's assets over the project's
        files.update(write.collect_files(src, prefix))
    result.written += write.copy_files(files, out)
    produced = set(keys) | set(files)
    stale = set(manifest.get("files", [])) - produced
    result.removed = write.remove_stale(out, stale)
    result.unchanged = len(pages) - outputs_written
    new_manifest = {"version": MANIFEST_VERSION, "code": code, "outputs": keys, "files": sorted(produced),
                    "template_refs": refs_cache, "closures": closures}
    derived = view.summary()
    if derived is not None:
        new_manifest["derived"] = derived
    write.write_if_changed(out, MANIFEST, json.dumps(new_manifest, sort_keys=True, separators=(",", ":")).encode())
    result.seconds = time.perf_counter() - started
    return result


# Outputs that cost many guide pages each: handed out first, so no worker is left with one at the end.
HEAVY_BUILDERS = frozenset({"postes", "postes_group", "postes_csv", "postes_json", "search_index", "search_postes",
                            "sitemap", "plan", "guides", "comparateur"})


def _chunks(pages: list[Page], dirty: list[int], workers: int) -> list[list[int]]:
    """Heavy outputs first, one by one or in small groups, then the rest in shrinking chunks.

    Shrinking chunks (each a share of what is left) keep the number of round trips low while the
    workers finish within a page or two of each other."""
    heavy = [i for i in dirty if pages[i].builder in HEAVY_BUILDERS]
    light = [i for i in dirty if pages[i].builder not in HEAVY_BUILDERS]
    chunks = [heavy[i:i + 4] for i in range(0, len(heavy), 4)]
    start = 0
    while start < len(light):
        size = max(8, (len(light) - start) // (workers * 4))
        chunks.append(light[start:start + size])
        start += size
    return chunks


def _record(result: BuildResult, done: list[tuple[str, bool, str | None]], keys: dict[str, str]) -> int:
    """Add rendered outputs to the result (and keys made by a worker); return how many were written."""
    written = 0
    for path, changed, key in done:
        result.rendered.append(path)
        written += changed
        if key is not None:
            keys[path] = key
    result.written += written
    return written
