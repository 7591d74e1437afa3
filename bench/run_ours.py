"""Load and build one site with our generator, as `carriere build` does; the benchmark runs it alone."""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

if not os.environ.get("PYTHONPATH"):  # the benchmark points PYTHONPATH at a snapshot of the generator
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.build import build_site  # noqa: E402
from generator.load import load_site  # noqa: E402


def _summary(result: object) -> dict:
    """What the build says it did, without depending on every field of BuildResult."""
    if dataclasses.is_dataclass(result):
        fields = dataclasses.asdict(result)
    else:
        fields = dict(getattr(result, "__dict__", {}))
    return {k: (len(v) if isinstance(v, (list, tuple, set, dict)) else v)
            for k, v in fields.items() if isinstance(v, (int, float, str, list, tuple, set, dict))}


def load_and_build(root: Path, out: Path, jobs: int | None) -> dict:
    start = time.perf_counter()
    site, report = load_site(root)
    loaded = time.perf_counter()
    if site is None:
        print(report, file=sys.stderr)
        sys.exit(1)
    result = build_site(site, out, jobs=jobs, progress=None)
    done = time.perf_counter()
    return {"load_s": loaded - start, "build_s": done - loaded, **_summary(result)}


def preview_edit(root: Path, out: Path, edited: Path) -> dict:
    """Time what `carriere serve` does after a save: its own rebuild, in a process that already built once."""
    from generator.serve import Preview

    said: list[str] = []
    preview = Preview(root, out, log=said.append)
    preview.rebuild()
    with edited.open("a", encoding="utf-8") as handle:
        handle.write("\nEncore un paragraphe, écrit pendant que l'aperçu tourne.\n")
    start = time.perf_counter()
    preview.rebuild()
    return {"edit_s": round(time.perf_counter() - start, 3), "preview": said[-1] if said else ""}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--stats", type=Path, help="écrire les durées et compteurs en JSON ici")
    parser.add_argument("--profile", type=Path, help="profiler (cProfile) et écrire les statistiques ici")
    parser.add_argument("--edit", type=Path,
                        help="comme l'aperçu : bâtir, modifier ce guide, mesurer la reconstruction du même processus")
    args = parser.parse_args()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU time: the machine is shared
        profiler.enable()
        stats = load_and_build(args.root, args.out, args.jobs)
        profiler.disable()
        profiler.dump_stats(args.profile)
    elif args.edit:
        stats = preview_edit(args.root, args.out, args.edit)
    else:
        stats = load_and_build(args.root, args.out, args.jobs)
    print(json.dumps(stats, ensure_ascii=False), file=sys.stderr)
    if args.stats:
        args.stats.write_text(json.dumps(stats), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
