"""Whole-process copy dedup: `qc dedup --tier copies` against a datasketch MinHashLSH
program on the same .jsonl corpus, as a user runs them (one process each, from start-up
to the last group printed). Wall time and peak RSS of each run; runs alternate, the
medians are compared.

Usage:
    python bench/make_nearcopy_corpus.py ../shared/data/clean-news/articles.jsonl /tmp/nc.jsonl --copies 90
    python bench/dedup_vs_datasketch.py /tmp/nc.jsonl [--runs 3] [--qc-args "--tier copies"] [--ref /tmp/ref-ed17a1a]

The peer (this file run with --peer) does what a datasketch user writes for the same
job: read the records, normalise the text with qc's normaliser (lower case, NFKC),
word 5-gram shingles as bytes, MinHash(num_perm=128).update_batch (its batch API),
insert into MinHashLSH(threshold=0.8, num_perm=128), query every signature, keep the
candidate pairs whose MinHash Jaccard estimate is at least 0.8, group them with a
union-find and print the groups as JSON. It does less than qc (no containment test for
truncated copies, no exact verification of the candidates, no representative), so
the ratio is conservative for qc.

`--ref DIR` also times the same qc command from another checkout (e.g. a worktree of
the previous commit) in the same alternation, and prints that ratio too.
`--lint-free` also times qc with representatives ranked without linting (every
article counted as 0 findings: length, date and path decide), an experiment that shows
what choosing representatives by qc findings costs; its output differs (the number of
groups whose representative differs is printed).
Peak RSS is that of the largest process (os.wait4's ru_maxrss): with `-j 2` the
signing pool's workers are counted one at a time, not summed. CPU is user + sys of
the process and its workers: on a shared machine it varies less than wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

PEER_THRESHOLD = 0.8
NUM_PERM = 128


def peer(path: str) -> None:
    """The datasketch program (runs in its own process)."""
    from datasketch import MinHash, MinHashLSH

    from qc.dedup.normalize import normalize

    lsh = MinHashLSH(threshold=PEER_THRESHOLD, num_perm=NUM_PERM)
    hashes: list[MinHash] = []
    refs: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            words = normalize(json.loads(line)["text"]).split()
            m = MinHash(num_perm=NUM_PERM)
            m.update_batch([" ".join(words[i : i + 5]).encode() for i in range(max(1, len(words) - 4))])
            key = len(hashes)
            lsh.insert(key, m)
            hashes.append(m)
            refs.append(f"{path}:{line_no}")
    parent = list(range(len(hashes)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j > i and m.jaccard(hashes[j]) >= PEER_THRESHOLD:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[str]] = {}
    for i in range(len(hashes)):
        groups.setdefault(find(i), []).append(refs[i])
    print(json.dumps([g for g in groups.values() if len(g) > 1], indent=2))


def lint_free(argv: list[str]) -> None:
    """qc with every article ranked as 0 findings (runs in its own process)."""
    from qc.dedup import cluster

    def no_lint(self: cluster.Ranking, texts: list[str], indices: list[int]) -> list[int]:
        return [0] * len(texts)

    cluster.Ranking._count = no_lint  # type: ignore[method-assign]
    from qc.cli import main as qc_main

    sys.argv = ["qc", *argv]
    qc_main()


def representatives(out: bytes) -> dict[frozenset[str], str]:
    doc = json.loads(out)
    return {frozenset(m["path"] for m in c["members"]): c["representative"] for c in doc["clusters"]}


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MiB, CPU seconds) of one process run to the end."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=env, cwd=(env or {}).get("PYTHONPATH"))
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd}: exit {proc.returncode}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def qc_command(checkout: str, corpus: str, qc_args: str) -> tuple[list[str], dict[str, str]]:
    """The qc command of a checkout. It runs in the checkout (see run): `python -m` puts the
    working directory first on sys.path, before PYTHONPATH, so run from elsewhere both
    sides would import the qc of that directory (the figures before 2026-12-08 compared
    one checkout with itself)."""
    env = dict(os.environ, PYTHONPATH=os.path.abspath(checkout))
    return [sys.executable, "-m", "qc", "dedup", *shlex.split(qc_args), "--format", "json", os.path.abspath(corpus)], env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--qc-args", default="--tier copies")
    parser.add_argument("--ref", default=None, help="another qc checkout to time alongside")
    parser.add_argument("--no-peer", action="store_true", help="time qc (and --ref) only")
    parser.add_argument("--lint-free", action="store_true", help="also time qc ranking without linting")
    parser.add_argument("--peer", action="store_true", help=argparse.SUPPRESS)
    if sys.argv[1:2] == ["--lint-free-child"]:
        lint_free(sys.argv[2:])
        return
    args = parser.parse_args()
    if args.peer:
        peer(args.corpus)
        return
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sides: dict[str, tuple[list[str], dict[str, str] | None]] = {"qc": qc_command(here, args.corpus, args.qc_args)}
    if args.ref:
        sides["qc (ref)"] = qc_command(args.ref, args.corpus, args.qc_args)
    if args.lint_free:
        cmd, env = sides["qc"]
        sides["qc lint-free"] = ([sys.executable, os.path.abspath(__file__), "--lint-free-child", *cmd[3:]], env)
    if not args.no_peer:
        env = dict(os.environ, PYTHONPATH=here)
        sides["datasketch"] = ([sys.executable, os.path.abspath(__file__), "--peer", os.path.abspath(args.corpus)], env)
    got: dict[str, list[tuple[float, float, float]]] = {name: [] for name in sides}
    for _ in range(args.runs):
        for name, (cmd, env) in sides.items():
            got[name].append(run(cmd, env))
    load = os.getloadavg()
    print(f"corpus {args.corpus}; qc dedup {args.qc_args}; {args.runs} alternating runs; load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    med = {name: tuple(statistics.median(row[k] for row in rows) for k in range(3)) for name, rows in got.items()}
    for name, (wall, mem, cpu) in med.items():
        walls = " ".join(f"{row[0]:.2f}" for row in got[name])
        print(f"{name:<11} wall {wall:7.2f} s (runs {walls})  CPU {cpu:7.2f} s  peak RSS {mem:7.1f} MiB")
    if args.lint_free:
        outs = [subprocess.run(sides[name][0], env=sides[name][1], cwd=here, capture_output=True, check=False).stdout
                for name in ("qc", "qc lint-free")]
        want, got = representatives(outs[0]), representatives(outs[1])
        same_groups = want.keys() & got.keys()
        changed = sum(want[g] != got[g] for g in same_groups)
        print(f"lint-free ranking: {changed} of {len(want)} groups get another representative "
              f"({len(want.keys() ^ got.keys())} groups differ in members)")
    for other in [n for n in med if n != "qc"]:
        q, o = med["qc"], med[other]
        print(f"qc vs {other}: {o[0] / q[0]:.2f}x faster (wall), {o[2] / q[2]:.2f}x (CPU), peak memory {q[1] / o[1]:.2f}x of it")


if __name__ == "__main__":
    main()
