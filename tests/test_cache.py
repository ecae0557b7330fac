"""The results cache (issue #7): a re-scan served wholly from `.qc_cache/` never loads the
linter, prints exactly what an uncached run prints, and any change to packs, selection,
configuration or qc's code is still seen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qc import cache as cachemod
from qc import scan as scanmod
from qc.cache import (
    CACHE_DIR_NAME,
    RULES_FILE_NAME,
    ScanCache,
    code_digest,
    packs_digest,
)
from qc.config import Config
from qc.finding import ScanResult
from qc.quality import quality_of
from qc.scan import ScanOptions, scan_paths
from tests.conftest import FIXTURES, SEEDS

TEST_PACK = FIXTURES / "packs" / "engine-test.yaml"
SAMPLE = "They met in the the capital. It was a economic crisis.. Said so. Told RIA News.\n"

# Runs the real CLI and then says on stderr whether any rule kind was imported.
PROBE = (
    "import sys, qc.cli\n"
    "try:\n"
    "    qc.cli.main()\n"
    "finally:\n"
    "    sys.stderr.write('\\nLINT-LOADED=%s\\n' % ('qc.lint.kinds' in sys.modules))\n"
)


def write_corpus(folder: Path) -> Path:
    corpus = folder / "corpus"
    corpus.mkdir()
    for i in range(4):
        (corpus / f"a{i}.txt").write_text(f"Article {i}. " + SAMPLE * (i + 1), encoding="utf-8")
    (corpus / "b.md").write_text("---\ntitle: x\nqc-ignore: [TT7]\n---\n" + SAMPLE, encoding="utf-8")
    (corpus / "feed.jsonl").write_text("".join(f'{{"id": {i}, "text": "{SAMPLE.strip()} {i}"}}\n' for i in range(5)), encoding="utf-8")
    (corpus / "bad.jsonl").write_text('{"id": 1, "text": "fine a economic text"}\nnot json\n', encoding="utf-8")
    for seed in SEEDS.iterdir():
        (corpus / seed.name).write_bytes(seed.read_bytes())
    return corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path)


@pytest.fixture
def stable_code_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs keyed as if qc's code did not change under them (others may be editing it)."""
    monkeypatch.setattr(cachemod, "code_digest", lambda package=None: "this qc")


def probe(cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], bool]:
    """`qc ARGS` in a fresh process; also whether it imported the rule kinds."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=False)
    rest, _, marker = done.stderr.rstrip().rpartition("\n")
    assert marker.startswith("LINT-LOADED="), done.stderr
    done.stderr = rest  # what qc itself wrote
    return done, marker == "LINT-LOADED=True"


def opts(**kwargs) -> ScanOptions:  # type: ignore[no-untyped-def]
    return ScanOptions(no_default_rules=True, rule_paths=[str(kwargs.pop("pack", TEST_PACK))], **kwargs)


def same_result(a: ScanResult, b: ScanResult) -> None:
    assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings]
    assert a.rules == b.rules
    assert [e.describe() for e in a.errors] == [e.describe() for e in b.errors]
    assert (a.articles_scanned, a.files_scanned, a.articles) == (b.articles_scanned, b.files_scanned, b.articles)


VARIANTS = [
    ("--format", "text"),
    ("--format", "text", "--show-fixes"),
    ("--format", "text", "--statistics"),
    ("--format", "json"),
    ("--format", "jsonl"),
    ("--format", "sarif"),
    ("--format", "github"),
    ("--format", "junit"),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=" ".join)
def test_cached_output_is_byte_identical_and_needs_no_linter(corpus: Path, variant: tuple[str, ...]) -> None:
    args = ("scan", "corpus", "-j", "1", "--no-default-rules", "--rules", str(TEST_PACK), *variant)
    uncached, loaded = probe(corpus.parent, *args, "--no-cache")
    assert loaded and uncached.stdout.strip()
    assert not (corpus.parent / CACHE_DIR_NAME).exists()
    filling, cached, loaded = fill_then_hit(corpus.parent, *args)
    assert not loaded, "a full cache hit imported the linter"
    for run in (filling, cached):
        assert run.returncode == uncached.returncode == 2  # bad.jsonl has a broken line
        assert run.stdout == uncached.stdout
        assert run.stderr == uncached.stderr


def fill_then_hit(cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str], bool]:
    """A run that fills the cache, then one that should be a full hit (and whether it loaded the linter).

    An edit to qc's code between the two (several people working in one checkout) rightly
    changes the key; a second attempt tells that from a real regression.
    """
    for _attempt in range(2):
        filling, _ = probe(cwd, *args)
        cached, loaded = probe(cwd, *args)
        if not loaded:
            break
    return filling, cached, loaded


def test_default_packs_full_hit_needs_no_linter(corpus: Path) -> None:
    first, second, loaded = fill_then_hit(corpus.parent, "scan", "corpus", "-j", "1", "--format", "sarif")
    assert not loaded
    assert second.stdout == first.stdout and '"rules"' in second.stdout


def test_one_changed_file_loads_the_linter_for_that_file_only(corpus: Path) -> None:
    args = ("scan", "corpus", "-j", "1", "--no-default-rules", "--rules", str(TEST_PACK), "--format", "json")
    probe(corpus.parent, *args)
    (corpus / "a0.txt").write_text("A clean article now.\n", encoding="utf-8")
    changed, loaded = probe(corpus.parent, *args)
    fresh, _ = probe(corpus.parent, *args, "--no-cache")
    assert loaded and changed.stdout == fresh.stdout


def test_full_hit_does_not_load_rules(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stable_code_key: None) -> None:
    root = tmp_path / "root"
    first, _ = scan_paths([str(corpus)], Config(), opts(analysers={"quality": quality_of}), cache_root=root)

    def no_rules(*_args: object) -> list[object]:
        raise AssertionError("rules loaded on a full cache hit")

    monkeypatch.setattr(scanmod, "active_rules", no_rules)
    second, _ = scan_paths([str(corpus)], Config(), opts(analysers={"quality": quality_of}), cache_root=root)
    same_result(first, second)
    assert first.rules and first.articles


def test_partial_hit_through_the_pool_keeps_order(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stable_code_key: None) -> None:
    monkeypatch.setattr(scanmod, "PARALLEL_MIN_BYTES", 0)  # the pool starts at the first miss
    root = tmp_path / "root"
    scan_paths([str(corpus)], Config(), opts(), cache_root=root, jobs=2)
    for name in ("a1.txt", "feed.jsonl"):
        (corpus / name).write_text((corpus / name).read_text(encoding="utf-8").replace("Said", "He said"), encoding="utf-8")
    mixed, _ = scan_paths([str(corpus)], Config(), opts(), cache_root=root, jobs=2)
    plain, _ = scan_paths([str(corpus)], Config(), opts(), jobs=1)
    same_result(mixed, plain)


@pytest.mark.parametrize("damage", ["delete", "corrupt"])
def test_lost_rule_metadata_is_rebuilt(corpus: Path, tmp_path: Path, damage: str, stable_code_key: None) -> None:
    root = tmp_path / "root"
    first, _ = scan_paths([str(corpus)], Config(), opts(), cache_root=root)
    (stored,) = (root / CACHE_DIR_NAME).glob(f"*/{RULES_FILE_NAME}")
    if damage == "delete":
        stored.unlink()
    else:
        stored.write_text('[{"id": "TT101"}]', encoding="utf-8")
    second, _ = scan_paths([str(corpus)], Config(), opts(), cache_root=root)
    same_result(first, second)
    assert stored.exists() and '"severity"' in stored.read_text(encoding="utf-8")


def test_pack_edit_changes_findings_and_rule_metadata(corpus: Path, tmp_path: Path, stable_code_key: None) -> None:
    pack = tmp_path / "pack.yaml"
    shutil.copy(TEST_PACK, pack)
    root = tmp_path / "root"
    before, _ = scan_paths([str(corpus)], Config(), opts(pack=pack), cache_root=root)
    assert before.rules["TT501"].severity == "warning"
    text = pack.read_text(encoding="utf-8")
    pack.write_text(text.replace("severity: warning\n    message: \"“{phrase}”", "severity: error\n    message: \"“{phrase}”"), encoding="utf-8")
    after, _ = scan_paths([str(corpus)], Config(), opts(pack=pack), cache_root=root)
    assert after.rules["TT501"].severity == "error"
    assert {f.severity for f in after.findings if f.rule == "TT501"} == {"error"}


def test_selection_and_config_changes_refilter(corpus: Path, tmp_path: Path, stable_code_key: None) -> None:
    root = tmp_path / "root"
    scan_paths([str(corpus)], Config(), opts(), cache_root=root)
    narrowed, _ = scan_paths([str(corpus)], Config(), opts(select=["TT5"]), cache_root=root)
    assert set(narrowed.rules) == {"TT501"} and {f.rule for f in narrowed.findings} == {"TT501"}
    ignoring, _ = scan_paths([str(corpus)], Config(ignore=["TT5"]), opts(), cache_root=root)
    assert "TT501" not in ignoring.rules and "TT501" not in {f.rule for f in ignoring.findings}
    per_file, _ = scan_paths([str(corpus)], Config(per_file_ignores={"a1.txt": ["TT7"]}), opts(), cache_root=root)
    assert not [f for f in per_file.findings if f.path.endswith("a1.txt") and f.rule.startswith("TT7")]
    assert [f for f in per_file.findings if f.path.endswith("a2.txt") and f.rule.startswith("TT7")]


def test_missing_pack_is_reported_even_with_a_warm_cache(corpus: Path) -> None:
    args = ("scan", "corpus", "-j", "1", "--no-default-rules", "--rules", str(TEST_PACK))
    probe(corpus.parent, *args)
    missing, _ = probe(corpus.parent, *args, "--rules", "missing.yaml")
    assert missing.returncode == 2 and "missing.yaml" in missing.stderr and "not found" in missing.stderr
    assert not missing.stdout


def test_key_covers_packs_their_data_and_missing_paths(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text("rules: []\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    gazetteer = tmp_path / "data" / "places.yaml"
    gazetteer.write_text("a: b\n", encoding="utf-8")
    base = packs_digest([pack])
    gazetteer.write_text("a: c\n", encoding="utf-8")
    assert packs_digest([pack]) != base  # a pack file's sibling data/ folder counts
    assert packs_digest([pack, tmp_path / "missing.yaml"]) != packs_digest([pack])
    folder_digest = packs_digest([tmp_path])
    (tmp_path / "data" / "more.yaml").write_text("x: y\n", encoding="utf-8")
    assert packs_digest([tmp_path]) != folder_digest


def test_code_digest_follows_module_edits(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    module = package / "sub" / "kind.py"
    module.write_text("X = 1\n", encoding="utf-8")
    (package / "__pycache__").mkdir()
    before = code_digest(str(package))
    (package / "__pycache__" / "kind.cpython-311.pyc").write_bytes(b"compiled")
    (package / "notes.txt").write_text("not code", encoding="utf-8")
    assert code_digest(str(package)) == before
    module.write_text("X = 2\n", encoding="utf-8")
    os.utime(module, ns=(1, 1))
    assert code_digest(str(package)) != before
    assert code_digest() == code_digest()  # qc's own modules: stable between calls


def test_cache_folder_depends_on_the_whole_key(tmp_path: Path) -> None:
    pack = str(TEST_PACK)
    one = ScanCache(tmp_path, {"select": ["ALL"]}, [pack]).folder
    assert ScanCache(tmp_path, {"select": ["ALL"]}, [pack]).folder == one
    assert ScanCache(tmp_path, {"select": ["TT"]}, [pack]).folder != one
    assert ScanCache(tmp_path, {"select": ["ALL"]}, [pack, tmp_path / "other.yaml"]).folder != one
