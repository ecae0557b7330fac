"""Start-up and whole-process scan cost, this checkout against another (issue 19).

    python bench/startup.py CORPUS.jsonl [--against ../old-checkout] [--rounds 5]

For each checkout (this one, and with --against an older one, say a `git worktree` of the
commit before a change), in fresh processes that take turns so that both see the same load:

- `qc scan one-article.txt --no-cache`: the first article of CORPUS, with a warm
  compiled-rules cache (each checkout has its own QC_CACHE_DIR, filled by a run that is
  not counted); the issue's target is <= 0.15 s wall on an idle machine;
- `qc scan CORPUS --no-cache -j 1`: the whole corpus in one process, as a user runs it
  (with the story groups that the consensus rules compare), and with `--peers none`
  (linting only);
- the same corpus linted in-process (rules loaded, one warm-up pass, then one timed pass of
  `Linter.lint_many` in batches as `qc scan` makes them): the issue's target is the whole
  process within 1.5x of this.

With --parallel FILE (a large corpus, e.g. clean-news x10 in one .jsonl, 17 MB), also
`qc scan FILE --peers none` with the default -j against -j 1 (the issue's "never slower
than -j 1"), CPU including the pool's workers.

Prints best and median wall time and best CPU time (user + system of the child: steadier
than wall on a shared machine), and the ratios. Benchmarks print figures; nothing asserts.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IN_PROCESS = """
import sys, time
from qc.corpus import load_articles
from qc.lint.engine import Linter, batches
from qc.lint.packs import default_rules
articles, _ = load_articles([sys.argv[1]])
texts = [a.text for a in articles]
linter = Linter(default_rules())
def one_pass():
    for batch in batches(texts, len):
        linter.lint_many(batch)
one_pass()
wall, cpu = time.perf_counter(), time.process_time()
one_pass()
print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """Wall time, CPU time of the child (user + system) and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("--against", help="another checkout of qc to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--parallel", help="a large corpus for the default -j against -j 1")
    args = parser.parse_args()
    corpus = str(Path(args.corpus).resolve())
    here = Path(__file__).resolve().parents[1]
    checkouts = {"this": here}
    if args.against:
        checkouts["against"] = Path(args.against).resolve()
    work = Path(tempfile.mkdtemp(prefix="qc-startup-"))
    sys.path.insert(0, str(here))
    from qc.corpus import load_articles

    article = work / "one-article.txt"
    article.write_text(load_articles([corpus])[0][0].text, encoding="utf-8")
    qc = [sys.executable, "-m", "qc"]
    cases = {
        "qc scan one-article.txt": [*qc, "scan", "--no-cache", str(article)],
        "qc scan CORPUS -j 1 (whole process)": [*qc, "scan", "--no-cache", "-j", "1", corpus],
        "qc scan CORPUS -j 1 --peers none": [*qc, "scan", "--no-cache", "-j", "1", "--peers", "none", corpus],
        "lint CORPUS in-process (one pass)": [sys.executable, "-c", IN_PROCESS, corpus],
    }
    if args.parallel:
        big = str(Path(args.parallel).resolve())
        cases["qc scan BIG --peers none -j 1"] = [*qc, "scan", "--no-cache", "--peers", "none", "-j", "1", big]
        cases["qc scan BIG --peers none (default -j)"] = [*qc, "scan", "--no-cache", "--peers", "none", big]
    envs = {}
    for name, root in checkouts.items():
        cache = work / f"cache-{name}"
        envs[name] = {**os.environ, "PYTHONPATH": str(root), "QC_CACHE_DIR": str(cache), "PYTHONIOENCODING": "utf-8"}
        # Bytecode cached as an installed package has it (a shell with PYTHONDONTWRITEBYTECODE
        # would have every run compile qc's sources again, ~0.25 s).
        envs[name].pop("PYTHONDONTWRITEBYTECODE", None)
        timed(cases["qc scan one-article.txt"], envs[name], work)  # fills the compiled-rules and bytecode caches
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(args.rounds):
        for case, cmd in cases.items():
            for name in checkouts:
                wall, cpu, out = timed(cmd, envs[name], work)
                if case.startswith("lint"):  # the child times its own pass
                    wall, cpu = (float(x) for x in out.split())
                results.setdefault((case, name), []).append((wall, cpu))
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {args.rounds} rounds, checkouts taking turns")
    print(f"{'case':<40} {'checkout':<8} {'best wall s':>11} {'median wall s':>13} {'best cpu s':>10}")
    for (case, name), values in results.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        print(f"{case:<40} {name:<8} {min(walls):>11.3f} {statistics.median(walls):>13.3f} {min(cpus):>10.3f}")
    for name in checkouts:
        inner = min(c for _, c in results[("lint CORPUS in-process (one pass)", name)])
        for case in ("qc scan CORPUS -j 1 (whole process)", "qc scan CORPUS -j 1 --peers none"):
            whole = min(c for _, c in results[(case, name)])
            print(f"{name}: {case} / in-process CPU = {whole / inner:.2f} (target <= 1.5)")
    if args.parallel:
        for name in checkouts:
            one = statistics.median(w for w, _ in results[("qc scan BIG --peers none -j 1", name)])
            default = statistics.median(w for w, _ in results[("qc scan BIG --peers none (default -j)", name)])
            print(f"{name}: qc scan BIG default -j / -j 1, median wall = {default / one:.2f} (target: not above 1 beyond noise)")
    if args.against:
        for case in cases:
            ours = min(c for _, c in results[(case, "this")])
            theirs = min(c for _, c in results[(case, "against")])
            print(f"{case}: CPU this / against = {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
