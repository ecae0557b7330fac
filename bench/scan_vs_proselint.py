"""Scan throughput: qc (1 and 2 jobs, and the Dask engine) against proselint on the same texts.

Usage: python bench/scan_vs_proselint.py ../shared/data/clean-news/articles.jsonl [--copies 3] [--proselint-limit 0] [--dask]

The corpus is written `--copies` times into one temporary .jsonl (so the 2-job run is
above qc's process-pool threshold of 2 MB). qc runs `scan_paths` (load, lint with all
default packs, locate; no cache, no fixes) with jobs=1 and jobs=2; proselint lints the
same texts with all its checks (LintFile(...).lint()) in this process. Everything runs
side by side in this one process tree, in turns, best of --repeat (wall time; CPU time
of this process and its children is shown too, since a shared machine slows wall time).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path


def cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(repeat: int, fn) -> tuple[float, float, object]:
    best = (float("inf"), 0.0, None)
    for _ in range(repeat):
        c, w = cpu(), time.perf_counter()
        out = fn()
        wall, used = time.perf_counter() - w, cpu() - c
        if wall < best[0]:
            best = (wall, used, out)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus")
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--proselint-limit", type=int, default=0, help="lint only this many texts with proselint (0: all)")
    parser.add_argument("--dask", action="store_true", help="also time --engine dask on a 2-worker LocalCluster")
    args = parser.parse_args()
    from qc.config import Config
    from qc.scan import ScanOptions, scan_paths

    records = [json.loads(line) for line in open(args.corpus, encoding="utf-8") if line.strip()]
    texts = [r["text"] for r in records] * args.copies
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "corpus.jsonl")
        path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
        mb = path.stat().st_size / 1e6
        config, options = Config(), ScanOptions()
        scan_paths([str(path)], config, options)  # warm-up: compiled-rules cache, imports
        results = {}
        for jobs in (1, 2):
            wall, used, out = timed(args.repeat, lambda: scan_paths([str(path)], config, options, jobs=jobs))
            results[jobs] = out
            rows.append((f"qc scan, {jobs} job{'s' if jobs > 1 else ''}", wall, used, len(texts), len(out[0].findings)))
        same = [f.to_dict() for f in results[1][0].findings] == [f.to_dict() for f in results[2][0].findings]
        if args.dask:
            from distributed import Client, LocalCluster

            from qc.engines.dask import scan_with_dask

            with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
                scan_with_dask([str(path)], config, options, client=client)  # warm-up: workers compile the rules
                wall, used, out = timed(args.repeat, lambda: scan_with_dask([str(path)], config, options, client=client))
            rows.append(("qc scan --engine dask (2 workers)", wall, used, len(texts), len(out[0].findings)))
            same = same and [f.to_dict() for f in out[0].findings] == [f.to_dict() for f in results[1][0].findings]
    from proselint.checks import __register__
    from proselint.registry import CheckRegistry
    from proselint.tools import LintFile

    CheckRegistry().register_many(__register__)
    sub = texts[: args.proselint_limit or len(texts)]

    def proselint() -> int:
        return sum(len(LintFile(f"t{k}", t).lint()) for k, t in enumerate(sub))

    LintFile("warm", texts[0]).lint()
    wall, used, found = timed(1, proselint)
    scale = len(texts) / len(sub)
    rows.append((f"proselint (all checks){'' if scale == 1 else f', {len(sub)} texts, scaled'}", wall * scale, used * scale, len(texts), int(found * scale)))  # type: ignore[arg-type]
    print(f"corpus: {len(texts):,} articles ({args.copies} x {args.corpus}), {mb:.2f} MB")
    print(f"{'engine':<40} {'wall s':>8} {'CPU s':>8} {'MB/s':>7} {'articles/s':>11} {'findings':>9} {'time / qc 1 job':>16}")
    base = rows[0][1]
    for name, wall, used, n, f in rows:
        print(f"{name:<40} {wall:8.2f} {used:8.2f} {mb / wall:7.2f} {n / wall:11,.0f} {f:9,} {wall / base:15.2f}x")
    print(f"qc output identical across engines: {same}")


if __name__ == "__main__":
    main()
