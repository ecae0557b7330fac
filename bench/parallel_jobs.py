"""Does the process pool pay? `qc scan` and `qc dedup` with -j 1 against -j N on the same
inputs, whole processes, alternating runs; wall time, CPU time (user + sys of the
process and its workers) and the ratio of the medians. Run it on the machine as it is,
and read the load printed with the figures: on a shared 2-core machine the pool gets
what the other processes leave.

Usage:
    python bench/parallel_jobs.py --scan /tmp/clean16.jsonl --dedup /tmp/nc.jsonl [--runs 3] [--jobs 2]
    # inputs of several sizes: --scan A --scan B ...; add --ref DIR to time another checkout too

The default -j of each command is also run ("default"), to show which side it picks.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process tree) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)}: exit {code}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scan", action="append", default=[], help="input for qc scan (repeatable)")
    parser.add_argument("--dedup", action="append", default=[], help="input for qc dedup (repeatable)")
    parser.add_argument("--dedup-args", default="--tier copies")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=here)
    qc = [sys.executable, "-m", "qc"]
    cases = [("scan", p, [*qc, "scan", "--no-cache", "--format", "json", p]) for p in args.scan]
    cases += [("dedup", p, [*qc, "dedup", *args.dedup_args.split(), "--format", "json", p]) for p in args.dedup]
    for command, path, cmd in cases:
        sides = {"-j 1": [*cmd, "-j", "1"], f"-j {args.jobs}": [*cmd, "-j", str(args.jobs)], "default": cmd}
        got: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
        load_before = os.getloadavg()[0]
        for _ in range(args.runs):
            for name, side in sides.items():
                got[name].append(run(side, env))
        load_after = os.getloadavg()[0]
        size = os.path.getsize(path) / 1e6
        print(f"qc {command} {path} ({size:.1f} MB), {args.runs} alternating runs, load {load_before:.1f} -> {load_after:.1f}")
        med = {n: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for n, r in got.items()}
        for name, (wall, cpu) in med.items():
            print(f"  {name:<8} wall {wall:7.2f} s  cpu {cpu:7.2f} s  ({' '.join(f'{w:.2f}' for w, _ in got[name])})")
        one = med["-j 1"][0]
        for name in [n for n in med if n != "-j 1"]:
            print(f"  {name} wall / -j 1 wall: {med[name][0] / one:.2f}")


if __name__ == "__main__":
    main()
