"""Scan throughput: load a corpus (any path qc scan accepts), lint every article with all
default packs on one core, print MB/s, articles/s, findings and the slowest rules.

    taskset -c 0 python bench/scan_throughput.py ../shared/data/clean-news/articles.jsonl [--repeat 7] [--per-rule]
    taskset -c 0 python bench/scan_throughput.py CORPUS --against ../old-checkout [--rounds 5]
    taskset -c 0 python bench/scan_throughput.py CORPUS --against ../old-checkout --in-process --rounds 30
    python bench/scan_throughput.py CORPUS --against ../old-checkout --in-process --rules MT513,MT514

Each pass is timed twice: wall clock and CPU time of this process (`time.process_time`);
on a shared, loaded machine the CPU figure is the steadier one. Both are best of --repeat.
`--per-rule` times each rule's own work inside the full linter (its `check` and
`on_literal` calls), and the engine's literal pass as the rest.

Texts are linted as `qc scan` lints them: in batches of about a million characters
(`Linter.lint_many`), which lets a kind compute a costly view for a whole batch at once.
`--one-by-one` times one `Linter.lint` call per text instead (a library user's way).
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qc.corpus import load_articles
from qc.finding import Finding
from qc.lint.engine import Linter
from qc.lint.packs import default_rules


# The rules a run times (--rules): all the default packs' unless told.
chosen: list[Callable[[list[Any]], list[Any]]] = [lambda rules: rules]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=3, help="best of N timed passes")
    parser.add_argument("--per-rule", action="store_true", help="also time each rule alone")
    parser.add_argument(
        "--against",
        metavar="CHECKOUT",
        help="time this checkout's qc against another's (say a `git worktree` of an older commit), "
        "in fresh processes taking turns, and print the ratio: steadier than two separate runs on a busy host",
    )
    parser.add_argument("--rounds", type=int, default=5, help="with --against: turns for each side")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="with --against: load both checkouts' qc into this one process and alternate single passes "
        "(each round times both sides back to back; the per-round ratio is the steadiest figure)",
    )
    parser.add_argument(
        "--one-by-one",
        action="store_true",
        help="lint each text with its own Linter.lint call (a pre-commit hook's or a library user's way) "
        "instead of in batches with Linter.lint_many, as `qc scan` does",
    )
    parser.add_argument(
        "--rules",
        metavar="IDS",
        help="only these rules (comma-separated ids) of the default packs: with --against --in-process, "
        "one rule's or kind's time against the previous code's",
    )
    args = parser.parse_args()
    if args.rules:
        wanted = set(args.rules.split(","))
        chosen[0] = lambda rules: [r for r in rules if r.id in wanted]
    if args.against and args.in_process:
        compare_in_process(args.paths, Path(args.against), args.rounds, args.one_by_one)
        return
    if args.against:
        compare(args.paths, Path(args.against), args.repeat, args.rounds, args.one_by_one)
        return

    articles, errors = load_articles(args.paths)
    texts = [a.text for a in articles]
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    rules = chosen[0](default_rules())
    linter = Linter(rules)
    setup = time.perf_counter() - t0

    best = best_cpu = float("inf")
    counts: Counter[str] = Counter()
    for _ in range(args.repeat):
        counts.clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        for findings in lint_corpus(linter, texts, args.one_by_one):
            counts.update(f.rule for f in findings)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    total = sum(counts.values())
    print(f"corpus: {len(texts)} articles, {size_mb:.2f} MB, {words} words ({len(errors)} load errors)")
    print(f"rules: {len(rules)} loaded in {setup:.3f} s")
    print(f"scan: {best:.3f} s  ->  {size_mb / best:.2f} MB/s, {len(texts) / best:.0f} articles/s (one core, best of {args.repeat})")
    print(f"scan CPU time: {best_cpu:.3f} s  ->  {size_mb / best_cpu:.2f} MB/s (best of {args.repeat})")
    print(f"findings: {total} ({1000 * total / max(words, 1):.3f} per 1,000 words)")
    for rule_id, n in counts.most_common(15):
        print(f"  {rule_id:<7} {n}")
    if args.per_rule:
        per_rule(linter, texts, args.repeat, args.one_by_one)


def lint_corpus(linter: Linter, texts: list[str], one_by_one: bool = False) -> list[list[Finding]]:
    """Every text's findings, linted as `qc scan` lints them: in batches (Linter.lint_many,
    qc.lint.engine.batches). With `one_by_one`, or with a checkout older than lint_many,
    one Linter.lint call per text."""
    if one_by_one or not hasattr(linter, "lint_many"):
        return [linter.lint(text) for text in texts]
    from qc.lint.engine import batches

    return [findings for batch in batches(texts, len) for findings in linter.lint_many(batch)]


def compare(paths: list[str], other: Path, repeat: int, rounds: int, one_by_one: bool) -> None:
    """Best and median CPU time of this checkout's scan and `other`'s, measured in turns.
    Each turn runs this script in a new process with PYTHONPATH set to one checkout, so
    `import qc` loads that checkout's code; the two sides share whatever the host does."""
    here = Path(__file__).resolve().parent.parent
    other = other.resolve()
    if not (other / "qc" / "__init__.py").is_file():
        sys.exit(f"{other}: not a qc checkout (no qc/__init__.py)")
    sides = {"this checkout": here, str(other): other}
    seconds: dict[str, list[float]] = {label: [] for label in sides}
    for _ in range(rounds):
        for label, root in sides.items():
            env = {**os.environ, "PYTHONPATH": str(root)}
            command = [sys.executable, __file__, *paths, "--repeat", str(repeat), *(["--one-by-one"] if one_by_one else [])]
            out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
            found = re.search(r"scan CPU time: ([\d.]+) s", out)
            if found is None:
                sys.exit(f"no timing in the output of {label}:\n{out}")
            seconds[label].append(float(found.group(1)))
    for label, values in seconds.items():
        print(f"{label}: best {min(values):.3f} s, median {statistics.median(values):.3f} s CPU ({rounds} turns of best-of-{repeat})")
    ours, theirs = seconds["this checkout"], seconds[str(other)]
    print(f"this checkout is {min(theirs) / min(ours):.2f}x (best) and {statistics.median(theirs) / statistics.median(ours):.2f}x (median) as fast")


def other_linter(root: Path) -> Linter:
    """A default linter built from another checkout's qc, imported under the same names: this
    checkout's qc modules are set aside meanwhile and put back afterwards, so each linter
    keeps running its own code."""
    if not (root / "qc" / "__init__.py").is_file():
        sys.exit(f"{root}: not a qc checkout (no qc/__init__.py)")
    ours = {name: module for name, module in sys.modules.items() if name == "qc" or name.startswith("qc.")}
    for name in ours:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        engine = importlib.import_module("qc.lint.engine")
        packs = importlib.import_module("qc.lint.packs")
        linter: Linter = engine.Linter(chosen[0](packs.default_rules()))
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == "qc" or n.startswith("qc.")]:
            del sys.modules[name]
        sys.modules.update(ours)
    return linter


def compare_in_process(paths: list[str], other: Path, rounds: int, one_by_one: bool) -> None:
    """This checkout's linter against `other`'s in one process: each round runs one pass of
    each, in alternating order, so both see the same moment of a busy host."""
    articles, _ = load_articles(paths)
    texts = [a.text for a in articles]
    sides = {"this checkout": Linter(chosen[0](default_rules())), str(other.resolve()): other_linter(other.resolve())}
    if len({type(linter) for linter in sides.values()}) == 1:
        sys.exit(f"{other}: its qc was not loaded apart from this checkout's")

    def one_pass(linter: Linter) -> float:
        start = time.process_time()
        lint_corpus(linter, texts, one_by_one)
        return time.process_time() - start

    for linter in sides.values():  # warm up: lazy imports, RE2 and automaton caches
        one_pass(linter)
    seconds: dict[str, list[float]] = {label: [] for label in sides}
    order = list(sides)
    for turn in range(rounds):
        for label in order if turn % 2 == 0 else reversed(order):
            seconds[label].append(one_pass(sides[label]))
    for label, values in seconds.items():
        print(f"{label}: best {min(values):.3f} s, median {statistics.median(values):.3f} s CPU ({rounds} passes)")
    ours, theirs = seconds[order[0]], seconds[order[1]]
    ratios = sorted(t / o for o, t in zip(ours, theirs))
    quarter = len(ratios) // 4
    print(
        f"this checkout is {min(theirs) / min(ours):.2f}x (best) and {statistics.median(theirs) / statistics.median(ours):.2f}x (median) as fast; "
        f"per-round ratio median {statistics.median(ratios):.2f} (middle half {ratios[quarter]:.2f}-{ratios[-quarter - 1]:.2f})"
    )


def per_rule(linter: Linter, texts: list[str], repeat: int, one_by_one: bool) -> None:
    """Each rule's own time inside the full linter: its prepare_batch(), check() and
    on_literal() calls wrapped with a timer (best of `repeat` per rule), then the same summed
    per kind; the engine loop and Document views are the rest."""
    spent: dict[str, float] = {}

    def timed(rule_id: str, method):  # type: ignore[no-untyped-def]
        def call(*args):  # type: ignore[no-untyped-def]
            t0 = time.process_time()
            out = method(*args)
            out = None if out is None else list(out)
            spent[rule_id] = spent.get(rule_id, 0.0) + time.process_time() - t0
            return out

        return call

    kind_of: dict[str, str] = {}
    for rule in linter.rules:
        matcher = rule.matcher
        kind_of[rule.id] = rule.kind
        matcher.check = timed(rule.id, matcher.check)
        matcher.on_literal = timed(rule.id, matcher.on_literal)
        matcher.prepare_batch = timed(rule.id, matcher.prepare_batch)
    best: dict[str, float] = {}
    best_total = float("inf")
    for _ in range(repeat):
        spent.clear()
        t0 = time.process_time()
        lint_corpus(linter, texts, one_by_one)
        best_total = min(best_total, time.process_time() - t0)
        for rule_id, seconds in spent.items():
            best[rule_id] = min(best.get(rule_id, float("inf")), seconds)
    rest = max(0.0, best_total - sum(best.values()))
    print(f"CPU time per rule inside the full linter (best of {repeat}; timers add overhead, total {best_total:.3f} s):")
    for rule_id, seconds in sorted(best.items(), key=lambda kv: -kv[1])[:30]:
        print(f"  {rule_id:<7} {seconds:.3f} s  {100 * seconds / best_total:4.1f}%  ({kind_of[rule_id]})")
    print(f"  rest    {rest:.3f} s  {100 * rest / best_total:4.1f}%  (engine literal pass, Document views, dedupe)")
    by_kind: Counter[str] = Counter()
    rules_of: Counter[str] = Counter()
    for rule_id, seconds in best.items():
        by_kind[kind_of[rule_id]] += seconds
    for rule in linter.rules:
        rules_of[rule.kind] += 1
    print("CPU time per kind (sum of its rules' best):")
    for kind, seconds in by_kind.most_common():
        print(f"  {kind:<20} {seconds:.3f} s  {100 * seconds / best_total:4.1f}%  ({rules_of[kind]} rules)")


if __name__ == "__main__":
    main()
