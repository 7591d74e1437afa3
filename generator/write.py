"""Write build outputs: only inside the output folder, only when the bytes changed."""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path


class OutsideOutputError(ValueError):
    """An output path resolved outside the output folder: nothing was written."""


def safe_target(out_dir: Path, relpath: str) -> Path:
    """Resolve `relpath` under `out_dir` and refuse any escape (.., absolute paths, symlinks)."""
    base = out_dir.resolve()
    target = (base / relpath).resolve()
    if relpath.startswith(("/", "\\")) or (target != base and base not in target.parents):
        raise OutsideOutputError(
            f"chemin de sortie refusé : « {relpath} » sortirait du dossier {base} ; "
            "vérifiez le nom du fichier source (pas de « .. » ni de chemin absolu)."
        )
    return target


def write_if_changed(out_dir: Path, relpath: str, data: bytes) -> bool:
    """Write `data` at `relpath` unless the file already holds these bytes; True when written."""
    target = safe_target(out_dir, relpath)
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, target)  # atomic: a server never sees half a page
    return True


class OutputWriter:
    """write_if_changed for one build: each folder is checked once, not every path resolved on every write.

    Plain relative paths (no "..", ".", empty or absolute part) are checked folder by folder with lstat:
    a folder this writer made, or a real folder met under the output, needs no resolve; a symlink is
    resolved and must stay inside the output. Anything else goes through safe_target as before."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.base = out_dir.resolve()
        self.prefix = f"{self.base}{os.sep}"
        self.dirs: set[str] = {""}  # folders (relative, "/"-separated) known to be inside the output

    def write(self, relpath: str, data: bytes) -> bool:
        """Like write_if_changed(out_dir, relpath, data)."""
        parts = relpath.split("/")
        if "\\" in relpath or any(p in ("", ".", "..") for p in parts):
            return write_if_changed(self.base, relpath, data)  # unusual: the careful path says yes or no
        folder = relpath.rpartition("/")[0]
        if folder not in self.dirs:
            self._check_dir(folder)
        path = self.prefix + relpath
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            pass
        else:
            if not stat.S_ISREG(st.st_mode):
                return write_if_changed(self.base, relpath, data)
            if st.st_size == len(data):
                with open(path, "rb") as handle:
                    if handle.read() == data:
                        return False
        tmp = f"{self.prefix}{folder}{'/' if folder else ''}.{parts[-1]}.tmp{os.getpid()}"
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)  # atomic: a server never sees half a page
        return True

    def _check_dir(self, rel: str) -> None:
        parent = rel.rpartition("/")[0]
        if parent not in self.dirs:
            self._check_dir(parent)
        path = self.prefix + rel
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            try:
                os.mkdir(path)  # made here, under a checked folder: inside the output
            except FileExistsError:  # another worker made it meanwhile
                st = os.lstat(path)
            else:
                self.dirs.add(rel)
                return
        if stat.S_ISLNK(st.st_mode):
            safe_target(self.base, rel)  # raises when the link leads out of the output
        self.dirs.add(rel)


def collect_files(src: Path, prefix: str) -> dict[str, Path]:
    """Output path -> source file for every file under `src` (hidden files skipped)."""
    found: dict[str, Path] = {}
    if not src.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                source = Path(dirpath) / name
                found[f"{prefix}/{source.relative_to(src).as_posix()}"] = source
    return found


def copy_files(files: dict[str, Path], out_dir: Path) -> int:
    """Copy each source to its output path unless size and mtime (or bytes) match; return the count written."""
    written = 0
    for rel, source in sorted(files.items()):
        target = safe_target(out_dir, rel)
        st = source.stat()
        try:
            tt = target.stat()
            if tt.st_size == st.st_size and int(tt.st_mtime) == int(st.st_mtime):
                continue
            if tt.st_size == st.st_size and target.read_bytes() == source.read_bytes():
                os.utime(target, (st.st_atime, st.st_mtime))
                continue
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        written += 1
    return written


def remove_stale(out_dir: Path, relpaths: set[str]) -> int:
    """Delete outputs of an earlier build that this build no longer produces (inside out_dir only)."""
    removed = 0
    for rel in sorted(relpaths):
        try:
            target = safe_target(out_dir, rel)
        except OutsideOutputError:
            continue  # a tampered manifest never deletes anything outside the output
        if target.is_file():
            target.unlink()
            removed += 1
            parent = target.parent
            base = out_dir.resolve()
            while parent != base and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    return removed
