"""The scan runs whatever per-article analysers it is given (qc.quality is one of them, passed
in by its callers): results land in the outcomes and in the result's per-article summary,
through the process pool and the cache alike."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from qc import scan as scanmod
from qc.cache import ScanCache
from qc.config import Config
from qc.finding import Finding
from qc.scan import ScanOptions, cache_settings, rule_folders, scan_paths
from tests.conftest import FIXTURES

TEST_PACK = str(FIXTURES / "packs" / "engine-test.yaml")
TEXTS = {
    "one.txt": "It was a economic crisis.\n",
    "two.txt": "A clean sentence here.\n",
    "three.txt": "They met in the the capital. It was a economic crisis.\n",
}


@dataclass
class Counted:
    characters: int
    findings: int

    def to_dict(self) -> dict[str, Any]:
        return {"characters": self.characters, "findings": self.findings}


def count(text: str, findings: list[Finding]) -> Counted:
    """A toy measure: enough to see what the scan hands an analyser and where the result goes."""
    return Counted(len(text), len(findings))


def options(**kwargs: Any) -> ScanOptions:
    return ScanOptions(no_default_rules=True, rule_paths=[TEST_PACK], **kwargs)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def per_file_findings(result: Any) -> dict[str, int]:
    counts = {name: 0 for name in TEXTS}
    for f in result.findings:
        counts[f.path.rsplit("/", 1)[-1]] += 1
    return counts


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_analyser_sees_each_article_and_its_findings(corpus: Path, jobs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanmod, "PARALLEL_MIN_BYTES", 0)  # jobs=2 really uses the pool
    seen: dict[str, Any] = {}
    result, _ = scan_paths([str(corpus)], Config(), options(analysers={"counted": count}), jobs=jobs,
                           on_outcome=lambda o: seen.update({o.article.ref.rsplit("/", 1)[-1]: o.analyses}))
    findings = per_file_findings(result)
    assert findings["one.txt"] >= 1 and findings["two.txt"] == 0 and findings["three.txt"] >= 2
    assert set(seen) == set(TEXTS)
    for name, text in TEXTS.items():
        assert seen[name] == {"counted": Counted(len(text), findings[name])}
    summary = {ref.rsplit("/", 1)[-1]: extras for ref, extras in result.articles.items()}
    assert summary == {name: {"counted": {"characters": len(text), "findings": findings[name]}} for name, text in TEXTS.items()}


def test_without_analysers_there_is_no_per_article_summary(corpus: Path) -> None:
    result, _ = scan_paths([str(corpus)], Config(), options())
    assert result.findings and result.articles == {}


def test_the_cache_keeps_analyses_apart(corpus: Path, tmp_path: Path) -> None:
    def folder(opts: ScanOptions) -> Path:
        return ScanCache(tmp_path / "root", cache_settings(Config(), opts), rule_folders(Config(), opts)).folder

    assert folder(options(analysers={"counted": count})) != folder(options())
    assert folder(options(analysers={"counted": count})) == folder(options(analysers={"counted": count}))
    root = tmp_path / "root"
    first, _ = scan_paths([str(corpus)], Config(), options(analysers={"counted": count}), cache_root=root)
    again, _ = scan_paths([str(corpus)], Config(), options(analysers={"counted": count}), cache_root=root)
    plain, _ = scan_paths([str(corpus)], Config(), options(), cache_root=root)
    assert first.articles and again.articles == first.articles
    assert plain.articles == {}


def test_a_scan_without_the_score_does_not_load_it(corpus: Path) -> None:
    probe = (
        "import sys\n"
        "from qc.config import Config\n"
        "from qc.scan import ScanOptions, scan_paths\n"
        f"scan_paths([{str(corpus)!r}], Config(), ScanOptions(no_default_rules=True, rule_paths=[{TEST_PACK!r}]))\n"
        "print(sorted(m for m in sys.modules if m in ('qc.quality', 'qc.scoring', 'wordfreq')))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
