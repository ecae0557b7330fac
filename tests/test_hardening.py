"""Hardening (issue 8): size limits with bounded memory, untrusted rule packs, odd files.

Each check runs the real CLI in a fresh process and measures the child's peak memory
(ru_maxrss), so "bounded" is tested, not assumed. Sizes keep every test to seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

TEST_PACK = str(FIXTURES / "packs" / "engine-test.yaml")
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}


# ru_maxrss survives exec: a child forked from this (large) pytest process would report
# pytest's own size. A small runner process starts qc and reports qc's peak instead.
RUNNER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(proc.pid, 0)
sys.stderr.write("\\npeak-kb %d\\n" % usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run qc in a new process; also return its peak resident memory in MB."""
    done = subprocess.run([sys.executable, "-c", RUNNER, sys.executable, "-m", "qc", *args], cwd=cwd, capture_output=True,
                          text=True, env=ENV, timeout=300)
    stderr, _, peak = done.stderr.rpartition("\npeak-kb ")
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout, stderr), int(peak) / 1024


def errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("qc: error:")]


def sparse(path: Path, size: int) -> None:
    """A file of `size` bytes that takes no disk space (all NUL unless text is written first)."""
    with path.open("wb") as handle:
        handle.write(b"In a statement. statement. ")
        handle.truncate(size)


def test_200mb_article_is_refused_without_reading_it(tmp_path: Path) -> None:
    sparse(tmp_path / "huge.txt", 200_000_000)
    (tmp_path / "ok.txt").write_text("In a statement. statement. Then it ended.\n", encoding="utf-8")
    result, peak = run("scan", ".", "--no-cache", "--no-default-rules", "--rules", TEST_PACK, cwd=tmp_path)
    (line,) = errors(result)
    assert "huge.txt: article is 200.0 MB, over the 20.0 MB limit" in line and "--max-article-size" in line
    assert "ok.txt:1:" in result.stdout  # the rest of the run went on
    assert result.returncode == 2
    assert peak < 100, f"peak memory {peak:.0f} MB: the file was read"


def test_25mb_article_over_the_default_limit_and_the_flag_that_raises_it(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"The minister said it was a economic crisis. " * 570_000)  # 25.1 MB of real text
    result, _ = run("scan", "big.txt", "--no-cache", "--no-default-rules", "--rules", TEST_PACK, cwd=tmp_path)
    (line,) = errors(result)
    assert "big.txt: article is 25.1 MB, over the 20.0 MB limit; raise the limit with --max-article-size MB" in line
    for command in (["index", "add", "ix.db", "big.txt"], ["index", "query", "ix.db", "big.txt"]):
        refused, _ = run(*command, cwd=tmp_path)
        assert refused.returncode == 2 and "over the 20.0 MB limit" in refused.stderr, command


def test_50mb_jsonl_line_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    with feed.open("wb") as handle:
        handle.write(b'{"text": "In a statement. statement. First."}\n')
        handle.write(b'{"text": "')
        for _ in range(100):  # a 50 MB record on line 2
            handle.write(b"word " * 100_000)
        handle.write(b'"}\n')
        handle.write(b'{"text": "In a statement. statement. Third."}\n')
    result, peak = run("scan", "feed.jsonl", "--no-cache", "--no-default-rules", "--rules", TEST_PACK, cwd=tmp_path)
    (line,) = errors(result)
    assert "feed.jsonl:2: record is 50.0 MB, over the 20.0 MB limit" in line and "--max-article-size" in line
    assert "feed.jsonl:1:" in result.stdout and "feed.jsonl:3:" in result.stdout
    # Memory follows the limit, not the line: at a 5 MB limit the 50 MB line must not be held.
    small, peak = run("scan", "feed.jsonl", "--no-cache", "--no-default-rules", "--rules", TEST_PACK,
                      "--max-article-size", "5", cwd=tmp_path)
    assert "feed.jsonl:2: record is 50.0 MB, over the 5.0 MB limit" in small.stderr
    assert peak < 80, f"peak memory {peak:.0f} MB for a 50 MB line at a 5 MB limit"


def test_oversized_rule_pack_is_refused_clearly(tmp_path: Path) -> None:
    pack = tmp_path / "big-pack.yaml"
    pack.write_text("rules: []\n# " + "x" * 2_100_000 + "\n", encoding="utf-8")
    result, _ = run("scan", str(ROOT / "seeds"), "--no-cache", "--rules", str(pack), cwd=tmp_path)
    assert result.returncode == 2
    (line,) = errors(result)
    assert "big-pack.yaml" in line and "the limit is 2000000" in line


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system ['touch pwned']", "!!python/name:os.system", "!!binary aGVsbG8="],
)
def test_rule_pack_yaml_cannot_construct_python_objects(tmp_path: Path, tag: str) -> None:
    pack = tmp_path / "evil.yaml"
    pack.write_text(
        "rules:\n  - id: ZZ101\n    name: evil\n    kind: pattern\n    category: grammar\n    severity: info\n"
        f"    message: m\n    pattern: {tag}\n",
        encoding="utf-8",
    )
    result, _ = run("scan", str(ROOT / "seeds"), "--no-cache", "--no-default-rules", "--rules", str(pack), cwd=tmp_path)
    assert result.returncode == 2 and len(errors(result)) == 1 and "evil.yaml" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "pwned").exists()


def test_front_matter_cannot_construct_python_objects(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: !!python/object/apply:os.system ['touch pwned']\n---\nBody text.\n", encoding="utf-8")
    result, _ = run("scan", "a.md", "--no-cache", "--no-default-rules", "--rules", TEST_PACK, cwd=tmp_path)
    assert result.returncode == 2 and "a.md" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "pwned").exists()


def scan_folder(folder: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qc", "scan", ".", "--no-cache", "--no-default-rules", "--rules", TEST_PACK],
                          cwd=folder, capture_output=True, text=True, env=ENV, timeout=timeout)


def test_symlink_loop_is_one_error_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "ok.txt").write_text("In a statement. statement.\n", encoding="utf-8")
    result = scan_folder(tmp_path, 60)
    assert "internal error" not in result.stderr
    assert "ok.txt:1:" in result.stdout
    assert len([line for line in result.stderr.splitlines() if "loop.txt" in line]) == 1


def test_fifo_in_a_folder_does_not_hang_the_scan(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # opening a FIFO with no writer blocks
    (tmp_path / "ok.txt").write_text("In a statement. statement.\n", encoding="utf-8")
    result = scan_folder(tmp_path, 30)
    assert "ok.txt:1:" in result.stdout
    assert "pipe.txt" in result.stderr and "internal error" not in result.stderr


def test_user_pack_regex_on_text_with_a_lone_surrogate(tmp_path: Path) -> None:
    (tmp_path / "pack.yaml").write_text(
        "rules:\n  - id: ZZ901\n    name: x\n    kind: pattern\n    category: grammar\n    severity: info\n"
        "    message: m\n    pattern: 'x'\n",
        encoding="utf-8",
    )
    (tmp_path / "feed.jsonl").write_text('{"text": "a lone \\ud800 surrogate x"}\n', encoding="ascii")
    result, _ = run("scan", "feed.jsonl", "--no-cache", "--no-default-rules", "--rules", "pack.yaml", cwd=tmp_path)
    assert "internal error" not in result.stderr
    assert "feed.jsonl:1:" in result.stdout and "ZZ901" in result.stdout


def alias_bomb(levels: int) -> str:
    """A small pack whose YAML aliases expand to 2**levels values ("billion laughs")."""
    lines = ['l0: &l0 ["lol", "lol"]'] + [f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}]" for i in range(1, levels)]
    return "\n".join(lines) + "\nrules: []\n"


def test_yaml_alias_bomb_in_a_user_pack_is_refused_quickly(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(alias_bomb(40), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "qc", "scan", str(ROOT / "seeds"), "--no-cache", "--no-default-rules",
                             "--rules", "bomb.yaml"], cwd=tmp_path, capture_output=True, text=True, env=ENV, timeout=8)
    assert result.returncode == 2 and "bomb.yaml" in result.stderr and "internal error" not in result.stderr


def test_recursive_yaml_alias_in_a_user_pack_is_a_pack_error(tmp_path: Path) -> None:
    (tmp_path / "rec.yaml").write_text("&0 [*0]\n", encoding="utf-8")
    result, _ = run("scan", str(ROOT / "seeds"), "--no-cache", "--no-default-rules", "--rules", "rec.yaml", cwd=tmp_path)
    assert result.returncode == 2
    (line,) = errors(result)
    assert "rec.yaml" in line
