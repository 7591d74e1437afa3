"""Benchmark our site build against Pelican and MkDocs on the same generated guides.

Run: .venv/bin/python bench/build_bench.py [--guides 5000] [--postes 20000] [--peers/--no-peers]
"""
from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

import corpus  # noqa: E402
import measure  # noqa: E402
import peers  # noqa: E402

RUN_OURS = HERE / "run_ours.py"


@dataclass(frozen=True)
class Result:
    tool: str
    pages: int
    run: measure.Run

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.run.wall_s if self.run.wall_s else 0.0


def machine() -> str:
    """CPU model, core count and load: the figures mean nothing without them."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{model}, {os.cpu_count()} cœurs, Python {platform.python_version()}, charge {load}"


def check(run: measure.Run) -> measure.Run:
    """Stop the benchmark when a build failed: a failed build has no meaningful time."""
    if run.returncode != 0:
        sys.exit(f"Échec de « {run.label} » (code {run.returncode}) :\n{run.stderr_tail}")
    return run


def snapshot(work: Path) -> tuple[Path, str]:
    """Copy the committed generator and templates: other edits to the checkout cannot change a run midway."""
    src = work / "src"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=True).stdout.strip()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD", "generator", "templates"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    # Bytecode, as pip writes it for an installed package (and for the peers' packages): without it,
    # and with PYTHONDONTWRITEBYTECODE set, every measured run would compile the generator again.
    compileall.compile_dir(str(src / "generator"), quiet=1)
    return src, commit


def run_ours(label: str, src: Path, command: list[str]) -> tuple[measure.Run, str]:
    """One measured run of our code from the snapshot; returns what it printed last."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    run = check(measure.run(label, command, cwd=src, env=env))
    return run, run.stderr_tail.strip().splitlines()[-1] if run.stderr_tail.strip() else ""


def bench_ours(src: Path, root: Path, out: Path, edited: Path) -> tuple[Result, list[tuple[measure.Run, str]]]:
    """`carriere build` from nothing, again with no change, after one edited guide; then the preview's rebuild."""
    cli = [sys.executable, "-m", "generator.cli", "build", "--root", str(root), "--out", str(out)]
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(out.parent / ".carriere-cache", ignore_errors=True)  # the CLI's parse cache
    os.sync()
    full = run_ours("carriere build, complet (ni sortie ni cache)", src, cli)
    pages = measure.count_pages(out)
    again = run_ours("carriere build, sans changement", src, cli)
    with edited.open("a", encoding="utf-8") as handle:
        handle.write("\nUn paragraphe ajouté pour mesurer la reconstruction.\n")
    one = run_ours("carriere build, un guide modifié", src, cli)
    warm = run_ours("aperçu (carriere serve) déjà lancé, un guide modifié", src,
                    [sys.executable, str(RUN_OURS), "--root", str(root), "--out", str(out), "--edit", str(edited)])
    return Result("Portail carrière", pages, full[0]), [full, again, one, warm]


def bench_peer(tool: str, command: list[str], out: Path, edited: Path | None) -> tuple[Result, measure.Run | None]:
    """Full build from an empty output, then (if asked) the same command after editing one guide."""
    if out.exists():
        shutil.rmtree(out)
    os.sync()
    run = check(measure.run(tool, command))
    result = Result(tool, measure.count_pages(out), run)
    if edited is None:
        return result, None
    with edited.open("a", encoding="utf-8") as handle:
        handle.write("\nUn paragraphe ajouté pour mesurer la reconstruction.\n")
    return result, check(measure.run(f"{tool}, un guide modifié", command))


def print_table(results: list[Result], reference: Result | None) -> None:
    head = f"{'outil':<18} {'pages':>6} {'mur s':>8} {'CPU s':>8} {'dont sys':>8} {'pages/s':>9} " \
           f"{'RSS max MiB':>12} {'PSS arbre MiB':>14} {'ratio mur':>10} {'ratio pages/s':>14}"
    print(head)
    print("-" * len(head))
    for r in results:
        wall_ratio = rate_ratio = ""
        if reference is not None:
            wall_ratio = f"{r.run.wall_s / reference.run.wall_s:.2f}×"
            rate_ratio = f"{reference.pages_per_s / r.pages_per_s:.2f}×" if r.pages_per_s else ""
        print(f"{r.tool:<18} {r.pages:>6} {r.run.wall_s:>8.2f} {r.run.cpu_s:>8.2f} {r.run.sys_s:>8.2f} {r.pages_per_s:>9.0f} "
              f"{r.run.max_rss_mib:>12.0f} {r.run.tree_pss_mib:>14.0f} {wall_ratio:>10} {rate_ratio:>14}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guides", type=int, default=5000, help="nombre de guides (5000)")
    parser.add_argument("--postes", type=int, default=20000, help="nombre de postes vacants (20000)")
    parser.add_argument("--peers", action=argparse.BooleanOptionalAction, default=True,
                        help="mesurer aussi Pelican et MkDocs (oui)")
    parser.add_argument("--peer-rebuilds", action=argparse.BooleanOptionalAction, default=True,
                        help="reconstruire aussi chez les pairs après avoir modifié un guide (oui)")
    parser.add_argument("--ours", action=argparse.BooleanOptionalAction, default=True,
                        help="mesurer notre générateur (oui)")
    parser.add_argument("--workdir", type=Path, default=HERE / "out", help="dossier de travail (bench/out)")
    args = parser.parse_args(argv)

    work = args.workdir.resolve()
    print(f"Machine : {machine()}")
    print(f"Corpus : {args.guides} guides, {args.postes} postes vacants (graine {corpus.SEED}) dans {work}")
    generated = corpus.generate(work / "site", args.guides, args.postes)
    os.sync()  # the corpus's dirty pages are flushed now, not during the first timed build

    results: list[Result] = []
    ours: Result | None = None
    incremental: list[tuple[measure.Run, str]] = []
    peer_rebuilds: list[measure.Run] = []
    if args.ours:
        edited = work / "site" / "content" / "guides" / f"guide-{args.guides // 2:05d}.md"
        src, commit = snapshot(work)
        print(f"Notre générateur : commit {commit} (copié dans {src})")
        ours, incremental = bench_ours(src, generated.root, work / "build-ours", edited)
        results.append(ours)
    if args.peers:
        bin_dir = peers.ensure_venv()
        print("Pairs : " + ", ".join(f"{k} {v}" for k, v in peers.versions(bin_dir).items()))
        peers.write_pelican(work / "pelican", generated.guides)
        peers.write_mkdocs(work / "mkdocs", generated.guides)
        os.sync()
        slug = f"guide-{args.guides // 2:05d}.md"
        for tool, command, edited in (
            ("Pelican", peers.pelican_command(bin_dir, work / "pelican", work / "build-pelican"),
             work / "pelican" / "content" / slug),
            ("MkDocs", peers.mkdocs_command(bin_dir, work / "mkdocs", work / "build-mkdocs"),
             work / "mkdocs" / "docs" / "guides" / slug),
        ):
            result, rebuild = bench_peer(tool, command, work / f"build-{tool.lower()}",
                                         edited if args.peer_rebuilds else None)
            results.append(result)
            if rebuild is not None:
                peer_rebuilds.append(rebuild)

    print()
    print_table(results, ours)
    if incremental:
        print()
        for run, said in incremental:
            print(f"{run.label} : {run.wall_s:.2f} s, CPU {run.cpu_s:.2f} s — {said}")
    for run in peer_rebuilds:
        print(f"{run.label} (reconstruction complète, sans mode incrémental) : {run.wall_s:.2f} s, "
              f"CPU {run.cpu_s:.2f} s")
    print(f"\nCharge en fin de mesure : {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
