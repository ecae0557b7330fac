"""A long fuzz campaign over the scanner, the fixer, the loaders, user rule packs and the index.

Usage: python scripts/fuzz_campaign.py [--minutes 10] [--batch 200] [--only NAME ...] [--out FILE]

Runs hypothesis property checks round robin, `--batch` examples at a time, until the time
is up, then prints one row per property: inputs tried (every call of the property body,
shrinking included), distinct failures, and the slowest single input. A failure is
printed with hypothesis's falsifying example (a minimal reproducer) as soon as it is
found; the campaign goes on. Exit code 1 if anything failed.

The properties (the quick versions of most of them run in tests/test_fuzz.py):
  lint-offsets      findings and their edits lie inside the text; finding.text is the slice
  fix-spans         one round of fixes changes only the fixed spans
  fix-idempotent    a converged fix, run again, changes nothing
  load-scan         arbitrary bytes as .txt/.md/.jsonl: loaders yield articles or QcErrors;
                    the scanner (with --diff --unsafe-fixes) never raises; lines/columns >= 1
  jsonl-escapes     a record with \\uXXXX escapes (lone surrogates too) loads to the same text
  index             pure-Python and numpy index preparation agree bit for bit; add + query work
  user-pack-regex   a pack with an arbitrary regex: RulePackError or rules that lint in
                    linear time (RE2); a lint slower than 2 s counts as a failure
  user-pack-yaml    arbitrary bytes as a pack: RulePackError, nothing else
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning, InvalidArgument

from qc.config import Config
from qc.corpus import Article, load_file
from qc.errors import QcError
from qc.fix import MAX_FIX_ROUNDS, apply_edits, fix_text, select_fixes
from qc.lint.engine import Linter, default_linter
from qc.scan import ScanOptions, Scanner, active_rules

NEWS_PIECES = [
    "the", "The", "statement.", "a", "an", "economic", "RIA News", "Cup Press Agency", "TASS", "NATO", "the NATO",
    "vis-à-vis", "”", "“", '"', "'", "«", "»", ". .", "..", "...", " ", "  ", "\n", "\r\n", "\r", "\n\n", "\t",
    "e\u0301", "\u202e", "\u200f", "\u200b", "\ufeff", "مرحبا", "שלום", "Привет", "中文", "。", "😀", "👩‍👩‍👧", "\x00",
    "\ud800", "\udfff", "\udce9", "JThe", "date 2023-02-01", "2,5", "1,500", "&amp;", "&#39;", "Ã©", "â€™", "Â ",
    "govern-\nment", "Organization of cooperation from Shanghai", "Xi as Xi’s leader", ":", " ;", "?", "!",
    "<!-- qc: ignore -->", "<!-- qc: ignore MT501 -->", "<!-- qc: ignore-file -->", "---\n", "qc-ignore: [MT1]\n",
    "Mr.", "U.S.", "he said he said", "in in", "ﬁ", "Ａ", "İ", "ß", "\u0300\u0301\u0302", "\U000e0001",
]
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=())  # surrogates included
PIECE = st.one_of(st.sampled_from(NEWS_PIECES), st.text(ANY_CHAR, max_size=12), st.text(max_size=12))
NEWSY = st.lists(PIECE, max_size=80).map("".join)
LONG_LINE = st.builds(lambda p, n: p * n, st.sampled_from(["word ", "a", "the the ", "é", "😀", ". ", "\u0301"]),
                      st.integers(1000, 60_000))
# About one input in ten is a very long line (up to ~0.5 MB), alone or inside news-like text.
TEXT = st.one_of(*[NEWSY] * 18, LONG_LINE, st.builds(lambda a, b, c: a + b + c, NEWSY, LONG_LINE, NEWSY))
REGEX_PIECES = st.sampled_from(list("()[]{}*+?|^$.\\-:,") + ["(a+)+$", "(?P<x>", "(?<=", "(?i)", "\\b", "\\d", "\\w+",
                                                               "{1000}", "{2,}", "[^", "\\p{L}", "(?:", "a", "é"])
REGEX = st.lists(st.one_of(REGEX_PIECES, st.text(max_size=3)), min_size=1, max_size=15).map("".join)


@dataclass
class Property:
    name: str
    make: Callable[[], Callable[..., None]]  # builds the @given-wrapped check
    tried: int = 0
    failures: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    slowest: float = 0.0


PROPS: dict[str, Property] = {}
LINTER: Linter | None = None
SCANNER: Scanner | None = None
WORK = Path(tempfile.mkdtemp(prefix="qc-fuzz-"))


def linter() -> Linter:
    global LINTER
    if LINTER is None:
        LINTER = default_linter()
    return LINTER


def scanner() -> Scanner:
    global SCANNER
    if SCANNER is None:
        SCANNER = Scanner(active_rules(Config(), ScanOptions()), Config(), ScanOptions(diff=True, unsafe_fixes=True))
    return SCANNER


def counted(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def wrap(fn: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(fn)  # hypothesis reads the signature
        def body(*args: Any, **kwargs: Any) -> None:
            prop = PROPS[name]
            prop.tried += 1
            start = time.perf_counter()
            try:
                fn(*args, **kwargs)
            finally:
                prop.slowest = max(prop.slowest, time.perf_counter() - start)

        return body

    return wrap


def lint(text: str) -> list[Any]:
    return linter().lint(text)


def prop_lint_offsets() -> Callable[..., None]:
    @given(TEXT)
    @counted("lint-offsets")
    def check(text: str) -> None:
        for f in lint(text):
            assert 0 <= f.start <= f.end <= len(text), (f.rule, f.start, f.end)
            assert f.text == text[f.start : f.end], f.rule
            if f.fix is not None:
                for e in f.fix.edits:
                    assert 0 <= e.start <= e.end <= len(text), (f.rule, e)

    return check


def prop_fix_spans() -> Callable[..., None]:
    @given(TEXT)
    @counted("fix-spans")
    def check(text: str) -> None:
        edits = sorted((e for fx in select_fixes(lint(text), unsafe=True) for e in fx.edits), key=lambda e: e.start)
        fixed = apply_edits(text, edits)
        old = new = 0
        for e in edits:
            gap = text[old : e.start]
            assert fixed[new : new + len(gap)] == gap
            new += len(gap) + len(e.replacement)
            old = e.end
        assert fixed[new:] == text[old:]

    return check


def prop_fix_idempotent() -> Callable[..., None]:
    @given(TEXT, st.booleans())
    @counted("fix-idempotent")
    def check(text: str, unsafe: bool) -> None:
        once = fix_text(text, lint, unsafe=unsafe)
        if once.rounds < MAX_FIX_ROUNDS:
            assert fix_text(once.text, lint, unsafe=unsafe).text == once.text

    return check


def prop_load_scan() -> Callable[..., None]:
    data = st.one_of(st.binary(max_size=2000), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
                     st.lists(st.one_of(st.binary(max_size=50), st.sampled_from([b"\n", b'{"text": "', b'"}', b"\r\n", b"\xef\xbb\xbf", b"---\n", b"\\ud800"])), max_size=40).map(b"".join))

    @given(data, st.sampled_from([".txt", ".md", ".jsonl"]))
    @counted("load-scan")
    def check(raw: bytes, suffix: str) -> None:
        path = WORK / f"input{suffix}"
        path.write_bytes(raw)
        for item in load_file(path):
            if isinstance(item, QcError):
                assert item.describe()
                continue
            assert isinstance(item, Article)
            outcome = scanner().scan_article(item)
            for f in outcome.findings:
                assert f.line >= 1 and f.column >= 1

    return check


def prop_jsonl_escapes() -> Callable[..., None]:
    @given(TEXT, st.booleans())
    @counted("jsonl-escapes")
    def check(text: str, ascii_only: bool) -> None:
        path = WORK / "feed.jsonl"
        line = json.dumps({"text": text, "id": 1}, ensure_ascii=ascii_only)
        path.write_bytes(line.encode("utf-8", "surrogatepass") + b"\n")
        items = list(load_file(path))
        # Raw surrogate bytes (ED A0 80) are not UTF-8, but json.loads(bytes) decodes with
        # "surrogatepass": such a record loads like its \ud800 escape. Either way, the same text.
        (article,) = items
        assert isinstance(article, Article) and article.text == text

    return check


def prop_index() -> Callable[..., None]:
    from qc.dedup.index import Index, prepare_np, prepare_py

    db = WORK / "fuzz.qcindex"

    @given(st.lists(TEXT, min_size=1, max_size=3))
    @counted("index")
    def check(texts: list[str]) -> None:
        articles = [Article(f"f{i}.txt", t) for i, t in enumerate(texts)]
        for a, b in zip(prepare_py(articles), prepare_np(articles)):
            assert (a.digest, a.n, a.low, a.keys, a.story) == (b.digest, b.n, b.low, b.keys, b.story)
        with Index(db, create=True) as ix:
            ix.add(articles[:1], batch_size=1)
            results = ix.query(articles)
            assert results[0] and results[0][0].kind == "duplicate"

    return check


PACK = """rules:
  - id: ZZ901
    name: fuzzed
    kind: pattern
    category: grammar
    severity: info
    message: m
    pattern: {pattern}
"""


def prop_user_pack_regex() -> Callable[..., None]:
    from qc.lint.packs import load_rules_uncached

    @given(REGEX, NEWSY)
    @counted("user-pack-regex")
    def check(pattern: str, text: str) -> None:
        path = WORK / "pack.yaml"
        path.write_text(PACK.format(pattern=json.dumps(pattern)), encoding="utf-8")
        try:
            rules = load_rules_uncached([path])
        except QcError:
            return
        start = time.perf_counter()
        findings = Linter(rules).lint(text + "a" * 5000 + "!")
        assert time.perf_counter() - start < 2.0, f"slow regex {pattern!r}"
        for f in findings:
            assert 0 <= f.start <= f.end <= len(text) + 5001

    return check


def prop_user_pack_yaml() -> Callable[..., None]:
    from qc.lint.packs import load_rules_uncached

    tokens = st.sampled_from([b"rules:\n", b"  - id: ZZ1\n", b"    kind: pattern\n", b"    pattern: '(a+)+$'\n", b"&a [*a,*a]\n",
                              b"!!python/object:os.system ['echo x']\n", b"    severity: info\n", b"{", b"}", b"[", b"- ",
                              b"    message: m\n", b"    category: grammar\n", b"    name: n\n", b"\t", b"\x00", b"\xff"])
    data = st.one_of(st.binary(max_size=300), st.lists(st.one_of(tokens, st.binary(max_size=8)), max_size=30).map(b"".join))

    @given(data)
    @counted("user-pack-yaml")
    def check(raw: bytes) -> None:
        path = WORK / "rawpack.yaml"
        path.write_bytes(raw)
        try:
            load_rules_uncached([path])
        except QcError:
            pass

    return check


for _name, _make in [
    ("lint-offsets", prop_lint_offsets), ("fix-spans", prop_fix_spans), ("fix-idempotent", prop_fix_idempotent),
    ("load-scan", prop_load_scan), ("jsonl-escapes", prop_jsonl_escapes), ("index", prop_index),
    ("user-pack-regex", prop_user_pack_regex), ("user-pack-yaml", prop_user_pack_yaml),
]:
    PROPS[_name] = Property(_name, _make)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--batch", type=int, default=200, help="examples per property per round")
    parser.add_argument("--only", nargs="*", choices=sorted(PROPS), help="run only these properties")
    parser.add_argument("--out", help="also write the summary as JSON here")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=HypothesisWarning)
    chosen = [PROPS[n] for n in (args.only or PROPS)]
    conf = settings(max_examples=args.batch, deadline=None, database=None, derandomize=False, report_multiple_bugs=False,
                    suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
    checks = {p.name: conf(p.make()) for p in chosen}
    start = time.monotonic()
    end = start + args.minutes * 60
    rounds = 0
    while time.monotonic() < end:
        rounds += 1
        for prop in chosen:
            if time.monotonic() >= end:
                break
            try:
                checks[prop.name]()
            except InvalidArgument:  # a mistake in this script, not a finding
                raise
            except Exception as exc:  # a property failed: record the shrunk reproducer and go on
                notes = "\n".join(getattr(exc, "__notes__", []))
                where = traceback.extract_tb(exc.__traceback__)[-1]
                key = f"{type(exc).__name__} at {Path(where.filename).name}:{where.lineno}"
                if key not in prop.seen:
                    prop.seen.add(key)
                    prop.failures.append(f"{key}: {str(exc)[:300]}")
                    print(f"FAIL {prop.name}: {prop.failures[-1]}\n{notes[:3000]}", flush=True)
    elapsed = time.monotonic() - start
    total = sum(p.tried for p in chosen)
    print(f"\nfuzz campaign: {elapsed / 60:.1f} min, {rounds} rounds, {total} inputs tried")
    print(f"{'property':<18}{'inputs':>10}{'failures':>10}{'slowest s':>11}")
    for p in chosen:
        print(f"{p.name:<18}{p.tried:>10}{len(p.failures):>10}{p.slowest:>11.2f}")
    if args.out:
        Path(args.out).write_text(json.dumps({"minutes": elapsed / 60, "inputs": total, "properties": {
            p.name: {"inputs": p.tried, "failures": p.failures, "slowest": p.slowest} for p in chosen}}, indent=2))
    return 1 if any(p.failures for p in chosen) else 0


if __name__ == "__main__":
    sys.exit(main())
