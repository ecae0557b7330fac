"""--jobs, the results cache and streaming output give the same findings as a plain run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qc import scan as scanmod
from qc.config import Config
from qc.scan import ScanOptions, scan_paths
from tests.conftest import FIXTURES, SEEDS, run_qc

TEST_PACK = str(FIXTURES / "packs" / "engine-test.yaml")


def opts(**kwargs) -> ScanOptions:  # type: ignore[no-untyped-def]
    return ScanOptions(no_default_rules=True, rule_paths=[TEST_PACK], **kwargs)

SAMPLE = "They met in the the capital. It was a economic crisis.. Said so.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(12):
        (folder / f"a{i:02}.txt").write_text(f"Article {i}. " + SAMPLE * (i % 3 + 1), encoding="utf-8")
    with (folder / "feed.jsonl").open("w", encoding="utf-8") as handle:
        for i in range(30):
            handle.write(json.dumps({"id": i, "text": SAMPLE * (i % 4 + 1)}) + "\n")
    for seed in SEEDS.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


def findings_of(result) -> list[dict]:  # type: ignore[no-untyped-def]
    return [f.to_dict() for f in result.findings]


def test_parallel_output_identical_and_ordered(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanmod, "PARALLEL_MIN_BYTES", 0)  # force the pool on this small corpus
    one, _ = scan_paths([str(corpus)], Config(), opts(), jobs=1)
    two, _ = scan_paths([str(corpus)], Config(), opts(), jobs=2)
    assert findings_of(one) and findings_of(one) == findings_of(two)
    assert one.articles_scanned == two.articles_scanned == 12 + 30 + 2


def test_cache_hit_gives_same_findings_and_skips_linting(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "cache-root"
    first, _ = scan_paths([str(corpus)], Config(), opts(), cache_root=root)
    assert (root / ".qc_cache").is_dir()

    def no_linting(self, article):  # type: ignore[no-untyped-def]
        raise AssertionError("cache miss: article was linted again")

    monkeypatch.setattr(scanmod.Scanner, "scan_article", no_linting)
    second, _ = scan_paths([str(corpus)], Config(), opts(), cache_root=root)
    assert findings_of(second) == findings_of(first)
    assert second.articles_scanned == first.articles_scanned


def test_cache_invalidated_by_content_and_settings(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "cache-root"
    scan_paths([str(corpus)], Config(), opts(), cache_root=root)
    (corpus / "a00.txt").write_text("Clean text now.\n", encoding="utf-8")
    after, _ = scan_paths([str(corpus)], Config(), opts(), cache_root=root)
    assert not [f for f in after.findings if f.path.endswith("a00.txt")]
    narrowed, _ = scan_paths([str(corpus)], Config(), opts(select=["TT5"]), cache_root=root)
    assert {f.rule for f in narrowed.findings} == {"TT501"}


def test_jsonl_format_streams_one_finding_per_line(corpus: Path) -> None:
    lines = run_qc("scan", str(corpus), "--format", "jsonl", "--no-cache", "--no-default-rules", "--rules", TEST_PACK).stdout.splitlines()
    full = json.loads(run_qc("scan", str(corpus), "--format", "json", "--no-cache", "--no-default-rules", "--rules", TEST_PACK).stdout)
    assert [json.loads(line) for line in lines] == full["findings"]


def test_clean_removes_cache(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SAMPLE, encoding="utf-8")
    run_qc("scan", "a.txt", cwd=tmp_path)
    assert (tmp_path / ".qc_cache").is_dir()
    result = run_qc("clean", cwd=tmp_path)
    assert result.returncode == 0 and not (tmp_path / ".qc_cache").exists()


def test_json_summary_carries_quality_per_article(corpus: Path) -> None:
    data = json.loads(run_qc("scan", str(corpus), "--format", "json", "--no-cache", "--no-default-rules", "--rules", TEST_PACK).stdout)
    articles = data["summary"]["articles"]
    assert len(articles) == 12 + 30 + 2
    scores = [a["quality"]["score"] for a in articles.values()]
    assert all(0 <= s <= 100 for s in scores)
    # More garbling per word gives a lower score: a00 (1 sample) vs the seeds are not comparable,
    # but every article with findings scores below one without.
    quiet = json.loads(run_qc("scan", str(corpus), "--format", "json", "--no-quality", "--no-cache").stdout)
    assert quiet["summary"]["articles"] == {}


def test_scores_identical_with_a_process_pool(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qc.scoring import score_paths

    monkeypatch.setattr(scanmod, "PARALLEL_MIN_BYTES", 0)
    one, _ = score_paths([str(corpus)], Config(), opts(), keep_text=True, jobs=1)
    two, _ = score_paths([str(corpus)], Config(), opts(), keep_text=True, jobs=2)
    assert [(s.ref, s.quality, s.findings, s.text) for s in one] == [(s.ref, s.quality, s.findings, s.text) for s in two]
    assert len(one) == 12 + 30 + 2 and all(s.text for s in one)


def test_batches_of_any_size_give_the_same_result(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`qc scan` lints articles in batches (Linter.lint_many); cutting the stream into
    batches of one article, or of three (so that files straddle batches), changes nothing,
    with the default packs and with fixes."""
    import qc.lint.engine as engine

    (corpus / "dup.txt").write_text("The the results came came in on on Monday. " * 30, encoding="utf-8")
    options = ScanOptions(diff=True, unsafe_fixes=True)
    whole, whole_fixed = scan_paths([str(corpus)], Config(), options)
    assert {"MT501", "MT701"} <= {f.rule for f in whole.findings}
    for size in (1, 3):
        monkeypatch.setattr(engine, "BATCH_TEXTS", size)
        cut, cut_fixed = scan_paths([str(corpus)], Config(), options)
        assert findings_of(cut) == findings_of(whole)
        assert [o.fixed_text for o in cut_fixed] == [o.fixed_text for o in whole_fixed]


def test_default_jobs_are_the_idle_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without -j, `qc scan` starts as many workers as the load average leaves cores idle
    (at least one): on a busy machine the pool only adds its overhead."""
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    for load, jobs in ((0.0, 4), (1.2, 3), (3.6, 1), (9.0, 1)):
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        assert scanmod.default_jobs() == jobs
