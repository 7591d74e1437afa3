"""Run one build as a subprocess and measure its wall time and memory."""
from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    label: str
    wall_s: float
    cpu_s: float  # user + system of the whole process tree
    sys_s: float  # the system part of cpu_s
    max_rss_mib: float  # largest single process of the tree (kernel's ru_maxrss)
    tree_pss_mib: float  # peak of the summed PSS of the tree, sampled every 50 ms
    returncode: int
    stderr_tail: str  # the end of what it printed, stdout and stderr together


def _children(pid: int) -> list[int]:
    """Every descendant of PID, read from /proc."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                kids = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for kid in map(int, kids):
                found.append(kid)
                todo.append(kid)
    return found


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


# Reading smaps_rollup walks each process's page tables: every 50 ms it cost the benchmark ≈ 0.7 s CPU
# during a 7 s build, taken from the cores a two-worker build uses. Every 200 ms still sees the peak of
# builds that last seconds.
SAMPLE_EVERY_S = 0.2


def _sample_tree(pid: int, stop: threading.Event, peak: list[int]) -> None:
    # PSS shares copy-on-write pages fairly between forked workers, so the sum does not double count.
    while not stop.is_set():
        total = sum(_pss_kib(p) for p in [pid, *_children(pid)])
        peak[0] = max(peak[0], total)
        stop.wait(SAMPLE_EVERY_S)


def run(label: str, command: list[str], cwd: Path | None = None, env: dict | None = None,
        timeout_s: float = 300.0) -> Run:
    """Run COMMAND once; return its measurements (a timeout kills it and says so)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    stop, peak = threading.Event(), [0]
    sampler = threading.Thread(target=_sample_tree, args=(proc.pid, stop, peak), daemon=True)
    sampler.start()
    stderr_chunks: list[str] = []
    reader = threading.Thread(target=lambda: stderr_chunks.append(proc.stdout.read()), daemon=True)
    reader.start()
    deadline = start + timeout_s
    status, usage = 0, None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, 9)
            pid, status, usage = os.wait4(proc.pid, 0)
            stderr_chunks.append(f"\n(arrêté après {timeout_s:.0f} s)")
            break
        time.sleep(0.01)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    sampler.join()
    reader.join(timeout=5)
    proc.stdout.close()
    return Run(
        label=label,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        sys_s=usage.ru_stime,
        max_rss_mib=usage.ru_maxrss / 1024,
        tree_pss_mib=peak[0] / 1024,
        returncode=proc.returncode,
        stderr_tail="".join(stderr_chunks)[-2000:],
    )


def count_pages(out: Path) -> int:
    """HTML pages written under OUT."""
    return sum(1 for _ in out.rglob("*.html"))
