"""A persistent cache of parsed sources between two `carriere build`: any doubt means reading again.

A file counts as unchanged when its size, mtime, ctime and inode are those recorded and it was
recorded well after its last change; otherwise its bytes are hashed and compared. Rewriting a file
with the same size and mtime still changes its ctime, which only a clock set back could hide
(delete the cache folder then). A cache written by another version of the generator is ignored.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

CACHE_VERSION = 1
# Timestamps of a file system move by coarse ticks: a file changed this close to its recording
# could change again within the same tick, so its stat alone proves nothing.
RACY_SECONDS = 2.0

Signature = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def cache_dir_for(out_dir: Path) -> Path:
    """Where `carriere build` keeps the cache of an output folder: beside it, never inside what gets published."""
    return Path(out_dir).resolve().parent / ".carriere-cache"


def code_version() -> str:
    """The generator's own sources, the interpreter and the YAML parser: any change makes every entry stale."""
    import yaml  # already loaded by the loader; its version decides how sources read

    h = hashlib.sha1(f"{CACHE_VERSION}\0{sys.version}\0{yaml.__version__}\0".encode())
    folder = Path(__file__).parent
    for path in sorted(folder.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def signature(st: os.stat_result) -> Signature:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


class FileEntry:
    """What the cache knows of one file: its stat when recorded, its bytes' hash, and a value."""

    __slots__ = ("sig", "sha", "recorded_ns", "value")

    def __init__(self, sig: Signature, sha: str, recorded_ns: int, value: Any) -> None:
        self.sig, self.sha, self.recorded_ns, self.value = sig, sha, recorded_ns, value

    def __getstate__(self) -> tuple:
        return (self.sig, self.sha, self.recorded_ns, self.value)

    def __setstate__(self, state: tuple) -> None:
        self.sig, self.sha, self.recorded_ns, self.value = state

    def trusted_by_stat(self, sig: Signature) -> bool:
        """Same stat, and recorded long enough after the last change for the stat to be final."""
        last_change = max(sig[1], sig[2])
        return sig == self.sig and self.recorded_ns - last_change > RACY_SECONDS * 1e9


class SourceCache:
    """One pickle per part (guides, data) in a folder; a part is rewritten only when it changed."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder
        self.prefix = hashlib.sha1(str(root).encode()).hexdigest()[:12]
        self.version = code_version()
        self.changed: set[str] = set()
        self.parts: dict[str, dict] = {}

    def _path(self, part: str) -> Path:
        return self.folder / f"{self.prefix}-{part}.pickle"

    def part(self, name: str) -> dict:
        """The stored entries of a part; empty when absent, unreadable or from another version."""
        if name not in self.parts:
            entries: dict = {}
            try:
                with open(self._path(name), "rb") as handle, paused_gc():
                    stored = pickle.load(handle)
                if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.version \
                        and isinstance(stored[1], dict):
                    entries = stored[1]
            except Exception:  # a missing, truncated or foreign cache is only a slower build
                entries = {}
            self.parts[name] = entries
        return self.parts[name]

    def mark(self, name: str) -> None:
        self.changed.add(name)

    def save(self, background: bool = False) -> None:
        """Write the parts that changed; a cache that cannot be written is silently skipped.

        background: write from a forked child while this process goes on (a full build pickles ≈ 0.25 s
        of guides while one core is idle); wait_saved() must be called before the command ends. Only for
        single-threaded callers (`carriere build`): forking a threaded process (the preview) is unsafe."""
        if not self.changed:
            return
        if background and hasattr(os, "fork"):
            pid = os.fork()
            if pid == 0:  # the child: write, then leave without running the parent's exit handlers
                code = 1
                try:
                    self._write()
                    code = 0
                finally:
                    os._exit(code)
            _BACKGROUND.append(pid)
            self.changed.clear()
            return
        self._write()

    def _write(self) -> None:
        for name in sorted(self.changed):
            target = self._path(name)
            tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                with open(tmp, "wb") as handle:
                    pickle.dump((self.version, self.parts[name]), handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, target)
            except OSError:
                try:
                    tmp.unlink()
                except OSError:
                    pass
        self.changed.clear()


_BACKGROUND: list[int] = []  # children writing a cache (save(background=True)), not yet waited for


def wait_saved() -> None:
    """Wait for the cache writes started in the background: a command ends only once its cache is whole."""
    while _BACKGROUND:
        pid = _BACKGROUND.pop()
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:  # already reaped
            pass


def unchanged(path: str | Path, entry: FileEntry | None) -> tuple[bool, Signature | None, bytes | None]:
    """Whether path still holds what entry recorded; also its stat, and its bytes when they were read."""
    try:
        sig = signature(os.stat(path))
    except OSError:
        return False, None, None
    if entry is None:
        return False, sig, None
    if entry.trusted_by_stat(sig):
        return True, sig, None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return False, sig, None
    return digest(data) == entry.sha, sig, data


class paused_gc:
    """No cycle collection while many long-lived objects are made: each pass would walk them all again."""

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was_enabled:
            gc.enable()


def now_ns() -> int:
    return time.time_ns()
