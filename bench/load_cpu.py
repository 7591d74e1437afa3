"""CPU time spent by the app's processes (gunicorn workers, PostgreSQL backends of the bench database).

On a shared machine wall-clock figures move with everybody else's load; CPU per request barely does.
"""
from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of one process, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()  # the command name may hold spaces
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def cpu_seconds(master: int, database: str = "") -> float:
    """CPU seconds of master, its children, and PostgreSQL backends whose title names database."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _stat(entry)
        if stat is None:
            continue
        ppid, seconds = stat
        if int(entry) == master or ppid == master or (database and f" {database} " in _cmdline(entry)):
            total += seconds
    return total
