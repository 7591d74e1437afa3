"""Load figures of the forms app: gunicorn (2 workers) on 127.0.0.1, SQLite then PostgreSQL, wrk.

    .venv/bin/python bench/load_bench.py [--teachers 200] [--duration 10] [--only sqlite|postgresql]
                                         [--paced-rate 500] [--paced-duration 10] [--paced-clients 50]

Scenarios: a bare « ok » route on the same app (baseline), the authenticated vœu list, moving a vœu
(▲, list size stable), adding a vœu, the login POST (Argon2id: slow by design). Besides wrk's
requests/s and p50/p99, it prints the CPU the app spent per request (robust on a shared machine).
The write target is judged on paced runs (bench/load_paced.py: 50 clients offering 500 writes/s,
latency from the scheduled send) on teachers of their own; wrk's closed loop gives the maximum.
Figures and how to read them: docs/performance.md, section « Application ». Everything it starts
(gunicorn, the PostgreSQL database, temporary files) is stopped or removed at the end, even on errors.
"""
from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load_cpu, load_lua, load_paced, load_setup  # noqa: E402
from bench.load_paced import TARGET_CLIENTS, TARGET_WRITE_P99_MS, TARGET_WRITES  # noqa: E402
from bench.load_server import Server, backends, guarded, serving  # noqa: E402

TARGET_LIST_RATIO = 0.40


@dataclass
class Result:
    name: str
    clients: int
    rps: float
    p50_ms: float
    p99_ms: float
    bad: int          # answers outside 2xx/3xx, as wrk counts them
    socket_errors: int
    detail: dict
    cpu_ms: float = 0.0  # CPU of the workers (and PostgreSQL backends) per answered request

    @property
    def capacity(self) -> float:
        """Requests per second two idle cores would serve at this CPU cost."""
        return 2000 / self.cpu_ms if self.cpu_ms else 0.0


def wrk(work: Path, kind: str, port: int, clients: int, duration: int, data: Path | None, cpu) -> Result:
    """One bounded wrk run (2 threads) of one scenario; cpu() samples the app's CPU seconds."""
    lua = work / f"{kind}.lua"
    lua.write_text(load_lua.script(kind, load_setup.PASSWORD), encoding="utf-8")
    cmd = ["wrk", "-t2", f"-c{clients}", f"-d{duration}s", "--timeout", "10s", "-s", str(lua),
           f"http://127.0.0.1:{port}/"]
    if data is not None:
        cmd += ["--", str(data), "2"]
    cpu_before = cpu()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
    except subprocess.TimeoutExpired:
        raise load_setup.SetupError(f"wrk {kind} n'a pas fini en {duration + 60} s") from None
    line = next((l for l in out.stdout.splitlines() if l.startswith("BENCH ")), None)
    if line is None:
        raise load_setup.SetupError(f"wrk {kind} : pas de résultat ({out.stderr.strip() or out.stdout[-300:]})")
    cpu_used = cpu() - cpu_before
    d = json.loads(line[6:])
    seconds = d["duration_us"] / 1e6
    return Result(kind, clients, d["requests"] / seconds, d["p50_us"] / 1000, d["p99_us"] / 1000,
                  d["status_errors"], d["connect"] + d["read"] + d["write"] + d["timeout"], d,
                  cpu_used * 1000 / max(d["requests"], 1))


def teacher_lines(teachers: list[load_setup.Teacher]) -> str:
    return "".join(
        f"{t.cookie} {urllib.parse.quote(t.csrf, safe='')} {t.demande} {t.voeux[0]} {t.voeux[1]} {t.version} "
        f"{','.join(t.codes_libres) or '-'}\n" for t in teachers)


def login_lines(forms: list[tuple[str, str]], identifiants: list[str]) -> str:
    return "".join(f"{cookie} {urllib.parse.quote(csrf, safe='')} {identifiants[i % len(identifiants)]}\n"
                   for i, (cookie, csrf) in enumerate(forms))


def paced(server: Server, teachers: list, kind: str, args, database: str) -> Result:
    """One open-loop run (bench/load_paced.py) after re-reading the lists, as a report row."""
    if kind != "baseline":
        load_setup.refresh(server.port, teachers)
    r = load_paced.run(server.port, teachers, kind, args.paced_clients, args.paced_rate, args.paced_duration,
                       lambda: load_cpu.cpu_seconds(server.proc.pid, database))
    for line in r.lines():
        print("  " + line, flush=True)
    detail = {"paced": r, "statuses": dict(r.statuses), "resynced": r.resynced, "exhausted": r.exhausted}
    return Result(f"{kind}-paced", r.clients, r.achieved, r.pct(50), r.pct(99), r.bad,
                  r.socket_errors + r.timeouts, detail, r.cpu_server_ms)


def run_backend(label: str, url: str, work: Path, args, database: str = "") -> list[Result]:
    """Populate, serve, prepare sessions, then every scenario with wrk, and the paced writes."""
    with serving(label, url, work, args.teachers + args.paced_teachers, database) as (server, everyone):
        port = server.port
        # wrk writes the first teachers; the paced runs have their own, whose lists still have room.
        teachers, paced_teachers = everyone[:args.teachers], everyone[args.teachers:]
        for t in everyone:
            t.codes_libres = t.codes_libres[:args.adds_per_teacher]
        data = work / f"teachers-{label}.txt"
        data.write_text(teacher_lines(teachers), encoding="utf-8")
        forms = load_setup.login_forms(port, args.login_forms)
        logins = work / f"logins-{label}.txt"
        logins.write_text(login_lines(forms, [t.identifiant for t in teachers]), encoding="utf-8")
        d = args.duration
        plan = [("baseline", 20, d, None), ("baseline", 50, d, None), ("liste", 20, d, data),
                ("liste", 50, d, data), ("move", 50, d, data), ("add", 50, args.add_duration, data),
                ("baseline-paced", 0, 0, None), ("move-paced", 0, 0, None), ("add-paced", 0, 0, None),
                ("login", 20, d, logins)]
        results: list[Result] = []
        for kind, clients, duration, path in plan:
            if kind.endswith("-paced"):
                results.append(paced(server, paced_teachers, kind.split("-")[0], args, database))
                continue
            if kind in ("move", "add"):
                load_setup.refresh(port, teachers)
                data.write_text(teacher_lines(teachers), encoding="utf-8")
            result = wrk(work, kind, port, clients, duration, path,
                         lambda: load_cpu.cpu_seconds(server.proc.pid, database))
            results.append(result)
            print(f"  {kind:<9} c{clients:<3} {result.rps:8.0f} req/s  p50 {result.p50_ms:6.1f} ms  "
                  f"p99 {result.p99_ms:7.1f} ms  hors 2xx/3xx {result.bad}  CPU {result.cpu_ms:5.1f} ms/req",
                  flush=True)
    return results


NAMES = {"baseline": "route « ok » (référence)", "liste": "liste des vœux (GET)",
         "move": "déplacer un vœu ▲ (POST)", "add": "ajouter un vœu (POST)", "login": "connexion (POST, Argon2id)",
         "baseline-paced": "route « ok », {rate}/s offerts — cadencé (plancher de la méthode)",
         "move-paced": "déplacer un vœu ▲ (POST), {rate}/s offerts — cadencé",
         "add-paced": "ajouter un vœu (POST), {rate}/s offerts — cadencé"}


def _name(r: Result) -> str:
    paced_run = r.detail.get("paced")
    return NAMES[r.name].format(rate=f"{paced_run.offered:.0f}" if paced_run else "")


def _n(value: float) -> str:
    """1 234 with a narrow no-break space, as French writes thousands."""
    return f"{value:_.0f}".replace("_", "\u202f")


def _pct(value: float) -> str:
    return f"{value * 100:.0f}\u00a0%"


def _ms(value: float) -> str:
    return "perdue" if math.isinf(value) else f"{value:.1f}"


def _lat(value: float) -> str:
    """A latency in a sentence: a percentile that falls on a lost request is infinite."""
    return "∞ (requête perdue)" if math.isinf(value) else f"{value:.1f} ms"


def report(label: str, results: list[Result]) -> list[str]:
    base = {r.clients: r.rps for r in results if r.name == "baseline"}
    lines = [f"### {label}", "",
             "| scénario | clients | req/s | p50 (ms) | p99 (ms) | / référence | hors 2xx/3xx | CPU (ms/req) "
             "| 2 cœurs libres (req/s, estimé) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        ratio = r.rps / base[r.clients] if r.clients in base else r.rps / max(base.values())
        extra = f" (+{r.socket_errors} erreurs de socket)" if r.socket_errors else ""
        paced_run = r.detail.get("paced")
        if paced_run is not None:
            lost = {"non envoyées": paced_run.unsent, "sans réponse": paced_run.timeouts,
                    "erreurs de socket": paced_run.socket_errors}
            extra = "".join(f" (+{v} {k})" for k, v in lost.items() if v)
        if r.detail.get("exhausted") and r.name == "login":
            extra += (f" ({r.detail['exhausted']} envois sur des formulaires déjà servis : "
                      "relancez avec plus de --login-forms)")
        elif r.detail.get("exhausted"):
            extra += f" ({r.detail['exhausted']} déplacements faute de place : listes pleines)"
        lines.append(f"| {_name(r)} | {r.clients} | {_n(r.rps)} | {_ms(r.p50_ms)} | {_ms(r.p99_ms)} | "
                     f"{_pct(ratio)} | {r.bad}{extra} | {r.cpu_ms:.1f} | {_n(r.capacity)} |")
    lines += ["", "Lignes « cadencé » : boucle ouverte (bench/load_paced.py), req/s = réponses 2xx/3xx obtenues par "
              "seconde, p50/p99 mesurés depuis l'heure d'envoi prévue (requête perdue = latence infinie)."]
    liste = next(r for r in results if r.name == "liste" and r.clients == 50)
    ratio = liste.rps / base[50]
    base50 = next(r for r in results if r.name == "baseline" and r.clients == 50)
    cpu_ratio = base50.cpu_ms / liste.cpu_ms if liste.cpu_ms else 0.0
    lines += ["", f"- liste des vœux ≥ 40 % de la référence (50 clients) : {_pct(ratio)} mesuré, "
              f"{_pct(cpu_ratio)} au coût CPU : " + ("atteint." if ratio >= TARGET_LIST_RATIO else "**non atteint**.")]
    for kind, what in (("move", "déplacements"), ("add", "ajouts")):
        closed = next(r for r in results if r.name == kind)
        p = next(r for r in results if r.name == f"{kind}-paced").detail["paced"]
        met, why = load_paced.meets_target(p, TARGET_WRITES, TARGET_WRITE_P99_MS, TARGET_CLIENTS)
        lines.append(
            f"- {what} ≥ 500/s avec p99 < 50 ms à 50 clients (cadencé : {p.offered:.0f}/s offerts par "
            f"{p.clients} clients) : {_n(p.achieved)}/s obtenus, p99 depuis l'horaire {_lat(p.pct(99))} "
            f"(depuis l'envoi {_lat(p.pct(99, p.from_send))}), {p.bad} hors 2xx/3xx, "
            f"{p.socket_errors + p.timeouts + p.unsent} perdues, {p.late} envois en retard : "
            + ("atteint." if met else f"**non atteint** ({why}).")
            + f" Maximum en boucle fermée (wrk, 50 clients) : {_n(closed.rps)}/s, p99 {closed.p99_ms:.1f} ms ; "
            f"au coût CPU, 2 cœurs libres : ≈ {_n(closed.capacity)}/s.")
    for r in results:
        if r.detail.get("statuses"):
            statuses = ", ".join(f"{k} × {v}" for k, v in sorted(r.detail["statuses"].items()))
            lines.append(f"- {_name(r)} : réponses hors 2xx/3xx : {statuses} ; "
                         f"{r.detail.get('resynced', 0)} version(s) relue(s) dans la page renvoyée")
    generator = [r.detail["paced"] for r in results if r.detail.get("paced")]
    if generator:
        lines.append("- CPU du générateur cadencé (il partage les 2 cœurs) : "
                     + " ; ".join(f"{g.kind} {g.cpu_generator:.2f} s pour {g.sent} requêtes" for g in generator)
                     + " ; retard d'envoi du générateur (p99, envois à l'heure) : "
                     + " ; ".join(f"{g.kind} {g.pct(99, g.send_lag):.1f} ms" for g in generator))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Chiffres de charge de l'application (gunicorn + wrk).")
    parser.add_argument("--teachers", type=int, default=200, help="enseignants des mesures wrk (défaut : 200)")
    parser.add_argument("--duration", type=int, default=10, help="durée de chaque mesure en s (défaut : 10)")
    parser.add_argument("--add-duration", type=int, default=5, help="durée de la mesure des ajouts (défaut : 5)")
    parser.add_argument("--adds-per-teacher", type=int, default=13, help="ajouts possibles par liste (≤ 13)")
    parser.add_argument("--login-forms", type=int, default=2000,
                        help="formulaires de connexion préparés, un par connexion (défaut : 2000)")
    parser.add_argument("--paced-rate", type=float, default=TARGET_WRITES,
                        help="écritures offertes par seconde, boucle ouverte (défaut : 500)")
    parser.add_argument("--paced-duration", type=float, default=10,
                        help=f"durée de chaque mesure cadencée en s (défaut : 10, ≤ {load_paced.MAX_DURATION})")
    parser.add_argument("--paced-clients", type=int, default=TARGET_CLIENTS, help="clients cadencés (défaut : 50)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk introuvable : installez-le (apt-get install -y wrk) puis relancez.", file=sys.stderr)
        return 2
    if not 0 < args.paced_duration <= load_paced.MAX_DURATION or args.paced_rate <= 0 or args.paced_clients <= 0:
        print(f"paramètres cadencés invalides : durée de 1 à {load_paced.MAX_DURATION} s, débit et clients positifs.",
              file=sys.stderr)
        return 2
    args.adds_per_teacher = max(0, min(args.adds_per_teacher, 13))  # 15 vœux at most, 2 already there
    # The paced add must not run out of room: its own teachers, enough free slots for rate × duration.
    args.paced_teachers = load_paced.teachers_needed(args.paced_rate, args.paced_duration, args.paced_clients,
                                                     args.adds_per_teacher)

    def body(work: Path) -> list[str]:
        def run(label: str, url: str, database: str) -> list[str]:
            return report(label, run_backend(label, url, work, args, database))
        return backends(args.only, work, run)

    return guarded(body)


if __name__ == "__main__":
    sys.exit(main())
