"""Open-loop vœu writes: N clients together offer R requests per second; latency from the scheduled time.

    .venv/bin/python bench/load_paced.py [--rate 500] [--clients 50] [--duration 10]
                                         [--kind move|add|both|baseline]
                                         [--database sqlite|postgresql]

wrk is a closed loop: the next request leaves when an answer comes back, so at 50 busy connections
throughput and mean latency are tied (Little's law: 50 / X seconds). Here the sends are scheduled:
client k sends at t0 + k/R + j·N/R whatever the server does, and latency is measured from that
scheduled time (a slow server is not hidden by a late send: no coordinated omission) as well as from
the actual send. One HTTP/1.1 request per connection (`Connection: close`: gunicorn's sync workers do
not keep connections alive). A client whose previous answer has not come yet sends late, and that is
counted. Each client writes only its own teachers, one request at a time, so their versions are known.

Alone, this script starts its own gunicorn on a fresh database like bench/load_bench.py (which also
calls run() after its wrk runs) and stops it, with its temporary files, on the end, an error or Ctrl-C.
"""
from __future__ import annotations

import argparse
import asyncio
import math
import re
import socket
import sys
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load_cpu, load_setup  # noqa: E402
from bench.load_server import backends, guarded, serving  # noqa: E402

TIMEOUT = 10.0      # seconds an answer may take before it counts as lost (wrk's --timeout)
LATE_CUT = 5.0      # a client still behind this long after the window sends no more: « non envoyées »
MAX_DURATION = 60
TARGET_WRITES, TARGET_WRITE_P99_MS, TARGET_CLIENTS = 500, 50, 50  # writes/s offered, p99, clients
ADDS_PER_LIST = 13  # 15 vœux at most, 2 already there
REDIRECTS = {302, 303}  # a saved write redirects to the list (Flask's redirect() answers 302)
STATUS_RE = re.compile(rb"HTTP/1\.[01] (\d{3})")


@dataclass
class PacedResult:
    kind: str
    clients: int
    offered: float              # requests per second the schedule offers
    duration: float             # the schedule's window, seconds
    scheduled: int = 0
    sent: int = 0
    good: int = 0               # 2xx/3xx answers (a write's success is a redirect, 302 or 303)
    elapsed: float = 0.0        # from the first scheduled send to the last answer
    from_schedule: list[float] = field(default_factory=list)  # seconds, lost requests as inf
    from_send: list[float] = field(default_factory=list)      # seconds, answered requests only
    send_lag: list[float] = field(default_factory=list)       # actual send - schedule, sends on time only
    by_second: dict[int, list[float]] = field(default_factory=dict)  # second of the schedule -> latencies
    late: int = 0               # sends after their time because the previous answer had not come
    statuses: Counter = field(default_factory=Counter)        # answers outside 2xx/3xx
    answers: Counter = field(default_factory=Counter)         # every answer by status
    socket_errors: int = 0
    timeouts: int = 0
    unsent: int = 0
    exhausted: int = 0          # adds that became moves: the teacher's list was full
    resynced: int = 0           # versions read back from a 409 page
    cpu_generator: float = 0.0  # CPU seconds of this generator
    cpu_server_ms: float = 0.0  # CPU of the app per answer, when the caller samples it

    @property
    def achieved(self) -> float:
        """2xx/3xx answers per second over the run."""
        return self.good / max(self.elapsed, self.duration)

    @property
    def bad(self) -> int:
        return sum(self.statuses.values())

    def pct(self, q: float, values: list[float] | None = None) -> float:
        """Nearest-rank percentile in ms (inf when it falls on a lost request)."""
        values = sorted(self.from_schedule if values is None else values)
        if not values:
            return math.nan
        return values[min(len(values) - 1, max(0, math.ceil(q / 100 * len(values)) - 1))] * 1000

    def lines(self) -> list[str]:
        """The run in a few French lines."""
        def ms(v: float) -> str:
            return "perdue" if math.isinf(v) else f"{v:.1f}"

        s = self.from_schedule
        statuses = ", ".join(f"{k} × {v}" for k, v in sorted(self.statuses.items())) or "aucune"
        out = [
            f"{self.kind} cadencé : {self.clients} clients, {self.offered:.0f}/s offerts pendant {self.duration:g} s "
            f"({self.scheduled} envois prévus) ; obtenu {self.achieved:.0f}/s en 2xx/3xx ({self.good} réponses, "
            f"{self.elapsed:.2f} s)",
            f"  latence depuis l'horaire prévu (ms) : p50 {ms(self.pct(50, s))}  p90 {ms(self.pct(90, s))}  "
            f"p99 {ms(self.pct(99, s))}  max {ms(self.pct(100, s))}",
            f"  latence depuis l'envoi réel (ms)    : p50 {ms(self.pct(50, self.from_send))}  "
            f"p90 {ms(self.pct(90, self.from_send))}  p99 {ms(self.pct(99, self.from_send))}  "
            f"max {ms(self.pct(100, self.from_send))}",
            f"  envois en retard (réponse précédente pas encore là) : {self.late} ; non envoyés : {self.unsent} ; "
            f"retard du générateur sur les envois à l'heure : p99 {self.pct(99, self.send_lag):.1f} ms",
            "  réponses : " + (", ".join(f"{k} × {v}" for k, v in sorted(self.answers.items())) or "aucune"),
            f"  hors 2xx/3xx : {statuses} ; versions relues : {self.resynced} ; erreurs de socket : "
            f"{self.socket_errors} ; sans réponse en {TIMEOUT:g} s : {self.timeouts}"
            + (f" ; {self.exhausted} déplacements faute de place (listes pleines)" if self.exhausted else ""),
            "  p99 depuis l'horaire, seconde par seconde (ms) : "
            + " ".join(f"{self.pct(99, v):.0f}" for _k, v in sorted(self.by_second.items())),
            f"  CPU du générateur : {self.cpu_generator:.2f} s ({self.cpu_generator * 1000 / max(self.sent, 1):.2f} "
            f"ms/requête)" + (f" ; CPU de l'application : {self.cpu_server_ms:.1f} ms/réponse"
                              if self.cpu_server_ms else ""),
        ]
        return out


def meets_target(r: PacedResult, rate: float, p99_ms: float, clients: int) -> tuple[bool, str]:
    """The write target, read strictly (docs/performance.md, « Méthode »): every rule holds, or why not."""
    lost = {"non envoyées": r.unsent, "sans réponse": r.timeouts, "erreurs de socket": r.socket_errors}
    p99 = r.pct(99)
    checks = [
        (r.clients == clients and r.offered >= rate,
         f"{r.offered:.0f}/s offerts par {r.clients} clients, la cible demande {rate:.0f}/s par {clients}"),
        (not any(lost.values()), ", ".join(f"{v} {k}" for k, v in lost.items() if v)),
        (r.bad == 0, f"{r.bad} réponses hors 2xx/3xx, 409 compris"),
        (r.kind == "baseline" or set(r.answers) <= REDIRECTS,
         "écritures pas toutes répondues par une redirection (302/303) : "
         + ", ".join(f"{k} × {v}" for k, v in sorted(r.answers.items()) if k not in REDIRECTS)),
        (r.exhausted == 0, f"{r.exhausted} ajouts remplacés par des déplacements"),
        (r.achieved >= 0.98 * rate, f"{r.achieved:.0f}/s obtenus, moins de 98 % de {rate:.0f}/s"),
        (p99 < p99_ms, f"p99 depuis l'horaire {'∞' if math.isinf(p99) else f'{p99:.1f} ms'} ≥ {p99_ms:g} ms"),
    ]
    failed = [why for ok, why in checks if not ok]
    return not failed, " ; ".join(failed)


def teachers_needed(rate: float, duration: float, clients: int, adds_per_list: int = ADDS_PER_LIST) -> int:
    """Teachers so that no client runs out of free vœu slots during a paced add run."""
    per_client = math.ceil(rate * duration / clients)
    return clients * max(1, math.ceil(per_client / max(adds_per_list, 1)))


class _Slot:
    """One teacher as a client writes it: which vœu goes up next."""

    def __init__(self, teacher: load_setup.Teacher) -> None:
        self.t = teacher
        self.flip = False


def _post(port: int, path: str, t: load_setup.Teacher, form: dict[str, str]) -> bytes:
    body = urllib.parse.urlencode(form).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {load_setup.COOKIE}={t.cookie}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode() + body


def _move(port: int, slot: _Slot) -> bytes:
    # ▲ on the second vœu, then ▲ on the first: A B -> B A -> A B, the list never grows.
    t = slot.t
    target = t.voeux[0] if slot.flip else t.voeux[1]
    slot.flip = not slot.flip
    return _post(port, f"/app/mobilite/voeux/{target}/monter", t, {"csrf_token": t.csrf, "version": str(t.version)})


def _add(port: int, t: load_setup.Teacher, code: str) -> bytes:
    return _post(port, f"/app/mobilite/demandes/{t.demande}/voeux/ajouter", t,
                 {"csrf_token": t.csrf, "version": str(t.version), "type": "ETB", "code": code, "poste": ""})


def _baseline(port: int) -> bytes:
    # The bare « ok » route (bench/load_app.py): the floor of this method on this machine.
    return (f"GET /app/bench-bonjour HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").encode()


async def _exchange(port: int, payload: bytes) -> bytes:
    """Send payload on a fresh connection, read until the server closes it."""
    # Bare non-blocking sockets: fewer objects per request than streams (the generator shares the 2 cores).
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, ("127.0.0.1", port))
        await loop.sock_sendall(sock, payload)
        chunks = []
        while chunk := await loop.sock_recv(sock, 65536):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        sock.close()


async def _client(k: int, slots: list[_Slot], kind: str, port: int, t0: float, r: PacedResult) -> None:
    loop = asyncio.get_running_loop()
    n, rate, end = r.clients, r.offered, r.duration
    prev_end = -math.inf
    j = 0
    turn = 0  # index into slots, a rotation over this client's teachers
    while True:
        offset = (k + j * n) / rate
        if offset >= end:
            return
        j += 1
        r.scheduled += 1
        sched = t0 + offset
        now = loop.time()
        if now - t0 > end + LATE_CUT:
            r.unsent += 1
            r.from_schedule.append(math.inf)
            continue
        if prev_end > sched:
            r.late += 1
        elif now < sched:
            await asyncio.sleep(sched - now)
        # Which teacher and which request; an add needs a teacher with a free slot.
        i = turn % len(slots)
        turn += 1
        slot, is_add = slots[i], False
        if kind == "add":
            free = [s for s in slots[i:] + slots[:i] if s.t.codes_libres]
            if free:
                slot, is_add = free[0], True
            else:
                r.exhausted += 1  # every list of this client is full: a move keeps the pace
        if kind == "baseline":
            payload = _baseline(port)
        else:
            payload = _add(port, slot.t, slot.t.codes_libres[0]) if is_add else _move(port, slot)
        sent = loop.time()
        if sched >= prev_end:
            r.send_lag.append(sent - sched)
        r.sent += 1
        try:
            async with asyncio.timeout(TIMEOUT):  # a context, not wait_for's extra task
                data = await _exchange(port, payload)
        except asyncio.TimeoutError:
            r.timeouts += 1
            r.from_schedule.append(math.inf)
            prev_end = loop.time()
            continue
        except OSError:
            r.socket_errors += 1
            r.from_schedule.append(math.inf)
            prev_end = loop.time()
            continue
        done = prev_end = loop.time()
        match = STATUS_RE.match(data)
        if not match:
            r.socket_errors += 1  # closed before a status line: a broken answer
            r.from_schedule.append(math.inf)
            continue
        r.from_schedule.append(done - sched)
        r.from_send.append(done - sent)
        r.by_second.setdefault(int(offset), []).append(done - sched)
        r.elapsed = max(r.elapsed, done - t0)
        status = int(match.group(1))
        r.answers[status] += 1
        if is_add:
            slot.t.codes_libres.pop(0)  # added, or refused: either way not offered again
        if 200 <= status < 400:
            r.good += 1
            if kind != "baseline" and status in REDIRECTS:  # a saved write; any other 2xx/3xx fails the target
                slot.t.version += 1
            continue
        r.statuses[status] += 1
        if kind == "move" or (kind == "add" and not is_add):
            slot.flip = not slot.flip  # the move did not happen: the same vœu goes up next time
        if status == 409:
            # A refused write carries the list page: take the list's current version from it.
            text = data.decode("utf-8", "replace")
            found = load_setup.VERSION_RE.search(text)
            if found:
                slot.t.version = int(found.group(1) or found.group(2))
                r.resynced += 1


async def _run(port: int, teachers: list[load_setup.Teacher], kind: str, clients: int, rate: float,
               duration: float) -> PacedResult:
    r = PacedResult(kind, clients, rate, duration)
    shares = [[_Slot(t) for t in teachers[k::clients]] for k in range(clients)]
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.2  # every client task is waiting before the first send
    await asyncio.gather(*(_client(k, shares[k], kind, port, t0, r) for k in range(clients)))
    return r


def run(port: int, teachers: list[load_setup.Teacher], kind: str, clients: int = 50, rate: float = 500,
        duration: float = 10, cpu: Callable[[], float] | None = None) -> PacedResult:
    """One paced run of kind (move, add, baseline) against 127.0.0.1:port; cpu() samples the app's CPU seconds."""
    if kind not in ("move", "add", "baseline"):
        raise ValueError(kind)
    if not 0 < duration <= MAX_DURATION:
        raise load_setup.SetupError(f"durée cadencée hors bornes : {duration} s (de 1 à {MAX_DURATION} s)")
    if len(teachers) < clients:
        raise load_setup.SetupError(f"{len(teachers)} enseignants pour {clients} clients : il en faut au moins un "
                                    "par client (chaque liste n'est écrite que par un client)")
    server_before = cpu() if cpu else 0.0
    cpu_before = time.process_time()
    result = asyncio.run(_run(port, teachers, kind, clients, rate, duration))
    result.cpu_generator = time.process_time() - cpu_before
    if cpu:
        result.cpu_server_ms = (cpu() - server_before) * 1000 / max(result.good + result.bad, 1)
    return result


def standalone_paced(args, count: int) -> int:
    """bench/load_paced.py alone: its own server and teachers, the paced runs only."""
    kinds = ("move", "add") if args.kind == "both" else (args.kind,)

    def body(work: Path) -> list[str]:
        def on_backend(label: str, url: str, database: str) -> list[str]:
            lines = [f"### {label}"]
            with serving(label, url, work, count, database) as (server, teachers):
                for t in teachers:
                    t.codes_libres = t.codes_libres[:ADDS_PER_LIST]  # 15 vœux at most, 2 there
                for kind in kinds:
                    load_setup.refresh(server.port, teachers)
                    r = run(server.port, teachers, kind, args.clients, args.rate, args.duration,
                                       lambda: load_cpu.cpu_seconds(server.proc.pid, database))
                    met, why = meets_target(r, TARGET_WRITES, TARGET_WRITE_P99_MS, TARGET_CLIENTS)
                    done = [""] + r.lines() + ["  cible ≥ 500/s, p99 < 50 ms à 50 clients : "
                                               + ("atteinte." if met else f"non atteinte ({why}).")
                                               + (" (route « ok » : pas une écriture, étalonnage seulement)"
                                                  if kind == "baseline" else "")]
                    print("\n".join(done), flush=True)
                    lines += done
            return lines
        return backends(args.database, work, on_backend)

    return guarded(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écritures de vœux cadencées (boucle ouverte) sur gunicorn.")
    parser.add_argument("--rate", type=float, default=500, help="requêtes par seconde offertes (défaut : 500)")
    parser.add_argument("--clients", type=int, default=50, help="clients simultanés (défaut : 50)")
    parser.add_argument("--duration", type=float, default=10, help=f"durée en s (défaut : 10, ≤ {MAX_DURATION})")
    parser.add_argument("--kind", choices=("move", "add", "both", "baseline"), default="both",
                        help="both : déplacements puis ajouts ; baseline : la route « ok », plancher de la méthode")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION or args.rate <= 0 or args.clients <= 0:
        print(f"paramètres invalides : durée de 1 à {MAX_DURATION} s, débit et clients positifs.", file=sys.stderr)
        return 2
    count = args.clients if args.kind == "baseline" else teachers_needed(args.rate, args.duration, args.clients)
    return standalone_paced(args, count)


if __name__ == "__main__":
    sys.exit(main())
