"""The pre-commit hooks, driven through the real pre-commit framework.

A throwaway git repository of articles gets a `.pre-commit-config.yaml` that points at
this checkout (`repo: <checkout path>`, `rev: <its HEAD>`), so the hooks come from the
committed `.pre-commit-hooks.yaml` and qc is pip-installed into a hook environment,
exactly as a newsroom would get it. The environment is built once for the module
(PRE_COMMIT_HOME in a temporary folder); each case is one `pre-commit run`.

The `qc hook-dedup` command behind qc-dedup is also tested directly (fast, no framework).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from qc.commands.hook import hook_dedup, same_file
from qc.corpus import Article, load_articles

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures" / "dedup"

CLEAN = (
    "The city council approved a new budget on Tuesday after a long debate.\n\n"
    "The plan sets aside more money for schools and road repairs, the mayor said. "
    "Council members voted nine to four in favour of the proposal.\n"
)
GARBLED = (
    "MOSCOW, March 3 (Cup Press Agency) -- The the minister said on Monday that the talks "
    "would continue.. Officials did not give a date for the next round.\n"
)


def git_env() -> dict[str, str]:
    """The environment minus any GIT_* variables (the suite itself may run inside a git hook)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="qc test", GIT_AUTHOR_EMAIL="qc@example.org",
               GIT_COMMITTER_NAME="qc test", GIT_COMMITTER_EMAIL="qc@example.org",
               GIT_CONFIG_NOSYSTEM="1", PYTHONIOENCODING="utf-8")
    return env


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, env=git_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def near_copy(text: str) -> str:
    """A copy with a few words changed and the last sentence dropped: what a rewrite desk does."""
    words = text.split(" ")
    words[8] = "reportedly"
    words[25] = "several"
    return " ".join(words[: len(words) - 6])


class NewsRepo:
    def __init__(self, path: Path, home: Path) -> None:
        self.path = path
        self.env = {**git_env(), "PRE_COMMIT_HOME": str(home)}

    def write(self, rel: str, data: str | bytes, stage: bool = True) -> str:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
        if stage:
            git(self.path, "add", rel)
        return rel

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=self.path, env=self.env,
                              capture_output=True, text=True, timeout=600)

    def run(self, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
        return self.pre_commit("run", hook, "--files", *files)


@pytest.fixture(scope="module")
def clean_articles() -> list[Article]:
    articles, errors = load_articles([FIX / "cleannews_a.jsonl"])
    assert not errors and len(articles) == 6
    return articles


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory, clean_articles: list[Article]) -> NewsRepo:
    """A git repository of articles with this checkout's hooks installed (once per module)."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: pre-commit needs a repository to take the hooks from")
    if not (ROOT / ".pre-commit-hooks.yaml").exists():
        pytest.fail(".pre-commit-hooks.yaml is missing from the checkout")
    rev = git(ROOT, "rev-parse", "HEAD")
    committed = git(ROOT, "ls-tree", "--name-only", rev, ".pre-commit-hooks.yaml")
    assert committed == ".pre-commit-hooks.yaml", "commit .pre-commit-hooks.yaml: pre-commit only sees committed files"

    base = tmp_path_factory.mktemp("precommit")
    repo = NewsRepo(base / "news", base / "pre-commit-home")
    repo.path.mkdir()
    git(repo.path, "init", "-q", "-b", "main")
    config = f"""repos:
  - repo: {ROOT.as_posix()}
    rev: {rev}
    hooks:
      - id: qc-scan
      - id: qc-fix
      - id: qc-dedup
"""
    repo.write(".pre-commit-config.yaml", config)
    repo.write("pyproject.toml", '[tool.qc]\nindex = "news.qcindex"\nfail-on = "warning"\n')
    repo.write(".gitignore", "*.qcindex*\n")
    # Each subfolder with its own qc.toml tries one broken index setting.
    repo.write("missing/qc.toml", 'index = "nowhere/nowhere.qcindex"\n')  # a folder that is not there
    repo.write("fresh/qc.toml", 'index = "fresh.qcindex"\n')  # a first run: no index yet
    repo.write("future/qc.toml", 'index = "future.qcindex"\n')
    for k, article in enumerate(clean_articles[:5]):
        repo.write(f"archive/a{k}.txt", article.text)
    git(repo.path, "commit", "-q", "-m", "archive")

    # The newsroom's index of what is already published (refs relative to the repo root).
    from qc.dedup.index import Index

    with Index(repo.path / "news.qcindex", create=True) as ix:
        ix.add(Article(f"archive/a{k}.txt", a.text) for k, a in enumerate(clean_articles[:5]))
    with Index(repo.path / "future" / "future.qcindex", create=True) as ix:
        ix.add([Article("archive/a0.txt", clean_articles[0].text)])
    db = sqlite3.connect(repo.path / "future" / "future.qcindex")
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()

    started = time.perf_counter()
    done = repo.pre_commit("install-hooks")
    assert done.returncode == 0, f"installing the hook environment failed:\n{done.stdout}\n{done.stderr}"
    print(f"hook environment installed in {time.perf_counter() - started:.1f} s")
    return repo


def assert_one_line_error(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "Failed" in out, out
    assert "Traceback" not in out and "internal error" not in out, out
    errors = [line for line in out.splitlines() if line.startswith("qc: error:")]
    assert len(errors) == 1, out
    for needle in needles:
        assert needle in errors[0], out


# -- through the framework ------------------------------------------------------------


def test_clean_article_passes_every_hook(news: NewsRepo) -> None:
    rel = news.write("incoming/council.txt", CLEAN)
    for hook in ("qc-scan", "qc-fix", "qc-dedup"):
        done = news.run(hook, rel)
        assert done.returncode == 0, f"{hook}:\n{done.stdout}{done.stderr}"
        assert "Passed" in done.stdout
    assert (news.path / rel).read_text(encoding="utf-8") == CLEAN


def test_garbled_article_fails_scan_and_fix_repairs_it(news: NewsRepo) -> None:
    rel = news.write("incoming/moscow.txt", GARBLED)
    done = news.run("qc-scan", rel)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout and "- exit code: 1" in done.stdout
    assert f"{rel}:1:" in done.stdout and "MT501" in done.stdout  # the duplicated "The the"
    assert (news.path / rel).read_text(encoding="utf-8") == GARBLED  # qc-scan changes nothing

    done = news.run("qc-fix", rel)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "files were modified by this hook" in done.stdout
    fixed = (news.path / rel).read_text(encoding="utf-8")
    assert "The the" not in fixed and "continue.." not in fixed
    assert "The minister said on Monday" in fixed

    # Once the fixes are staged, a second run changes nothing and passes.
    git(news.path, "add", rel)
    done = news.run("qc-fix", rel)
    assert "files were modified" not in done.stdout
    assert (news.path / rel).read_text(encoding="utf-8") == fixed


def test_near_copy_of_indexed_article_fails_dedup(news: NewsRepo, clean_articles: list[Article]) -> None:
    fresh = news.write("incoming/fresh.txt", clean_articles[5].text)  # not in the index
    copy = news.write("incoming/rewrite.txt", near_copy(clean_articles[2].text))
    done = news.run("qc-dedup", fresh, copy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout
    lines = [line for line in done.stdout.splitlines() if line.startswith("incoming/")]
    assert len(lines) == 1, done.stdout
    assert lines[0].startswith("incoming/rewrite.txt: copies archive/a2.txt (jaccard 0.")
    assert "1 of 2 articles flagged" in done.stdout


def test_dedup_checks_staged_articles_against_each_other(news: NewsRepo) -> None:
    text = "\n\n".join([CLEAN] * 3) + "A spokesman for the council declined to comment on the vote."
    first = news.write("incoming/budget.txt", text)
    second = news.write("incoming/budget-wire.txt", near_copy(text))
    done = news.run("qc-dedup", first, second)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "incoming/budget-wire.txt: copies incoming/budget.txt (jaccard" in done.stdout


def test_edited_indexed_article_is_not_its_own_copy(news: NewsRepo) -> None:
    rel = "archive/a1.txt"
    original = (news.path / rel).read_text(encoding="utf-8")
    news.write(rel, original.replace(".", ". Indeed,", 1))
    try:
        done = news.run("qc-dedup", rel)
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        news.write(rel, original)


def test_commit_of_a_near_copy_is_refused(news: NewsRepo, clean_articles: list[Article]) -> None:
    done = news.pre_commit("install")
    assert done.returncode == 0, done.stderr
    try:
        git(news.path, "reset", "-q")  # unstage what other cases left
        news.write("incoming/lift.txt", near_copy(clean_articles[4].text))
        commit = subprocess.run(["git", "commit", "-m", "lifted story"], cwd=news.path, env=news.env,
                                capture_output=True, text=True, timeout=300)
        assert commit.returncode != 0, commit.stdout + commit.stderr
        assert "incoming/lift.txt: copies archive/a4.txt" in commit.stdout + commit.stderr
        assert git(news.path, "log", "--format=%s", "-1") == "archive"
    finally:
        news.pre_commit("uninstall")
        git(news.path, "reset", "-q")


@pytest.mark.parametrize("hook", ["qc-scan", "qc-dedup"])
def test_binary_file_fails_with_one_line(news: NewsRepo, hook: str) -> None:
    rel = news.write("incoming/photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert_one_line_error(news.run(hook, rel), "incoming/photo.txt", "binary file")


@pytest.mark.parametrize("hook", ["qc-scan", "qc-dedup"])
def test_invalid_utf8_fails_with_one_line(news: NewsRepo, hook: str) -> None:
    rel = news.write("incoming/latin1.md", "Caf\xe9 owners protest in S\xe3o Paulo.\n".encode("latin-1"))
    assert_one_line_error(news.run(hook, rel), "incoming/latin1.md", "invalid UTF-8")


def test_missing_index_fails_with_one_line(news: NewsRepo) -> None:
    rel = news.write("missing/story.txt", CLEAN)
    assert_one_line_error(news.run("qc-dedup", rel), "nowhere.qcindex", "no such index")


def test_first_run_creates_an_empty_index(news: NewsRepo) -> None:
    """A fresh repository has no index yet: the hook creates an empty one, says so, and passes."""
    rel = news.write("fresh/story.txt", CLEAN)
    done = news.pre_commit("run", "qc-dedup", "--verbose", "--files", rel)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "created an empty one" in done.stdout + done.stderr
    assert (news.path / "fresh" / "fresh.qcindex").is_file()
    again = news.run("qc-dedup", rel)
    assert again.returncode == 0 and "created" not in again.stdout + again.stderr


def test_hooks_skip_excluded_files(news: NewsRepo) -> None:
    """pre-commit names the staged files; the hooks pass --force-exclude so `exclude` holds."""
    news.write("drafts/qc.toml", 'exclude = ["drafts"]\nindex = "../news.qcindex"\n')
    rel = news.write("drafts/garbled.txt", GARBLED)
    for hook in ("qc-scan", "qc-dedup"):
        done = news.run(hook, rel)
        assert done.returncode == 0, done.stdout + done.stderr
    (news.path / "drafts" / "qc.toml").write_text('index = "../news.qcindex"\n', encoding="utf-8")
    assert news.run("qc-scan", rel).returncode == 1  # not excluded: it fails


def readme_block(lang: str, after: str) -> str:
    """The first ```lang block of the README after the heading or sentence `after`."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"```{lang}\n(.*?)```", text[text.index(after) :], re.S)
    assert found is not None, f"no {lang} block after {after!r} in README.md"
    return found.group(1)


def test_readme_first_run_works_verbatim(news: NewsRepo, tmp_path: Path) -> None:
    """The README's pre-commit config and first-run commands, run as written in a new
    repository (only `repo:`/`rev:` point at this checkout, and the "write ... as above"
    comment line writes the two files shown above it)."""
    config = readme_block("yaml", "In the articles repository")
    config = re.sub(r"(?m)^(\s*- repo: ).*$", rf"\g<1>{ROOT.as_posix()}", config)
    config = re.sub(r"(?m)^(\s*rev: ).*$", rf"\g<1>{git(ROOT, 'rev-parse', 'HEAD')}", config)
    (tmp_path / "config.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(readme_block("toml", "and `pyproject.toml` (or `qc.toml`"), encoding="utf-8")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "old.txt").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "new.txt").write_text(GARBLED.replace("Cup Press Agency", "TASS").replace("The the", "The").replace("..", "."), encoding="utf-8")
    script = readme_block("bash", "### First run in a new repository")
    prepare = "cp ../config.yaml .pre-commit-config.yaml && cp ../pyproject.toml . && cp -r ../articles . && cp ../new.txt articles/"
    script = "\n".join(prepare if line.startswith("# write") else line for line in script.splitlines())
    env = {**news.env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    repo = tmp_path / "news"
    assert git(repo, "log", "--format=%s") == "New article"
    assert (repo / "articles.qcindex").is_file()
    # A draft is excluded by the README's config; a garbled article elsewhere fails the commit.
    for rel, passes in (("drafts/garbled.txt", True), ("articles/garbled.txt", False)):
        (repo / rel).parent.mkdir(exist_ok=True)
        (repo / rel).write_text(GARBLED, encoding="utf-8")
        git(repo, "add", rel)
        commit = subprocess.run(["git", "commit", "-m", rel], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
        assert (commit.returncode == 0) == passes, commit.stdout + commit.stderr


def test_index_from_newer_qc_fails_with_one_line(news: NewsRepo) -> None:
    rel = news.write("future/story.txt", CLEAN)
    assert_one_line_error(news.run("qc-dedup", rel), "future.qcindex", "newer than this qc supports")


# -- the command itself ------------------------------------------------------------------


def invoke(*args: str, cwd: Path) -> tuple[int, str, str]:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(hook_dedup, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def test_same_file_refs() -> None:
    assert same_file("a/b.txt", "a/b.txt")
    assert same_file("wire.jsonl:12", "wire.jsonl")
    assert not same_file("a/b.txt.bak", "a/b.txt")
    assert not same_file("wire.jsonl:x", "wire.jsonl")
    assert not same_file("other.jsonl:3", "wire.jsonl")


def test_no_index_configured_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(CLEAN, encoding="utf-8")
    code, out, err = invoke("a.txt", cwd=tmp_path)
    assert code == 2 and out == ""
    assert err.startswith("qc: error:") and "no near-duplicate index configured" in err and err.count("\n") == 1
    code, out, err = invoke("--no-index", "a.txt", cwd=tmp_path)
    assert (code, out, err) == (0, "", "")


def test_no_files_is_a_pass(tmp_path: Path) -> None:
    assert invoke(cwd=tmp_path)[0] == 0


def test_retelling_among_staged_articles(tmp_path: Path) -> None:
    """Two MT systems' versions of one story retell each other; another story is left alone."""
    articles, _ = load_articles([FIX / "mqm_3stories.jsonl"])
    by_story: dict[str, list[Article]] = {}
    for a in articles:
        by_story.setdefault(a.metadata["story"], []).append(a)
    one, other = sorted(by_story)[:2]
    (tmp_path / "x.txt").write_text(by_story[one][0].text, encoding="utf-8")
    (tmp_path / "y.txt").write_text(by_story[one][1].text, encoding="utf-8")
    (tmp_path / "z.txt").write_text(by_story[other][0].text, encoding="utf-8")
    code, out, err = invoke("--no-index", "x.txt", "y.txt", "z.txt", cwd=tmp_path)
    assert code == 1, out + err
    flagged = [line for line in out.splitlines() if line[:1] in "xyz"]
    assert len(flagged) == 1 and " retells " in flagged[0] and "z.txt" not in flagged[0], out
    assert {"x.txt", "y.txt"} == {flagged[0].split(":")[0], flagged[0].split(" retells ")[1].split(" ")[0]}


def test_jsonl_records_and_json_unchanged_reindex(tmp_path: Path, clean_articles: list[Article]) -> None:
    """A .jsonl file already in the index (refs path:line) is not reported against itself;
    a record copied from another file is, naming its record."""
    from qc.dedup.index import Index

    wire = tmp_path / "wire.jsonl"
    wire.write_text("".join(json.dumps({"text": a.text}) + "\n" for a in clean_articles[:3]), encoding="utf-8")
    (tmp_path / "qc.toml").write_text('index = "ix.qcindex"\n', encoding="utf-8")
    with Index(tmp_path / "ix.qcindex", create=True) as ix:
        ix.add(Article("wire.jsonl", a.text, record_line=k + 1) for k, a in enumerate(clean_articles[:3]))
    code, out, err = invoke("wire.jsonl", cwd=tmp_path)
    assert (code, out, err) == (0, "", "")
    (tmp_path / "late.jsonl").write_text(json.dumps({"text": near_copy(clean_articles[1].text)}) + "\n", encoding="utf-8")
    code, out, err = invoke("late.jsonl", cwd=tmp_path)
    assert code == 1, out + err
    assert out.startswith("late.jsonl:1: copies wire.jsonl:2 (jaccard 0.")


# -- the README's configurations ---------------------------------------------------------


def doc_yaml_blocks() -> list[str]:
    """The ```yaml blocks of the "Use with pre-commit" section (README, or its draft in docs/)."""
    import re

    for source in (ROOT / "README.md", ROOT / "docs" / "precommit.md"):
        text = source.read_text(encoding="utf-8") if source.exists() else ""
        start = text.find("## Use with pre-commit")
        if start >= 0:
            end = text.find("\n## ", start + 1)
            section = text[start : end if end > 0 else len(text)]
            return re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    pytest.fail("no 'Use with pre-commit' section in README.md or docs/precommit.md")


def test_documented_configs_are_valid(tmp_path: Path) -> None:
    import yaml

    blocks = doc_yaml_blocks()
    assert len(blocks) >= 2
    manifest = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert manifest == {"qc-scan", "qc-fix", "qc-dedup"}
    remote = yaml.safe_load(blocks[0])
    assert {h["id"] for r in remote["repos"] for h in r["hooks"]} <= manifest
    for k, block in enumerate(blocks):
        (tmp_path / f"c{k}.yaml").write_text(block, encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(tmp_path / f"c{k}.yaml")],
                              capture_output=True, text=True, env=git_env(), timeout=120)
        assert done.returncode == 0, f"block {k}:\n{block}\n{done.stdout}{done.stderr}"


def test_documented_local_config_runs(tmp_path: Path, clean_articles: list[Article]) -> None:
    """The `repo: local` config from the docs, with this environment's qc on PATH."""
    local = next(b for b in doc_yaml_blocks() if "repo: local" in b)
    repo = NewsRepo(tmp_path / "news", tmp_path / "pre-commit-home")
    repo.env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{repo.env.get('PATH', '')}"
    repo.path.mkdir()
    git(repo.path, "init", "-q", "-b", "main")
    repo.write(".pre-commit-config.yaml", local)
    repo.write("qc.toml", 'index = "news.qcindex"\n')
    git(repo.path, "commit", "-q", "-m", "config")
    from qc.dedup.index import Index

    with Index(repo.path / "news.qcindex", create=True) as ix:
        ix.add([Article("archive/a3.txt", clean_articles[3].text)])
    ok = repo.write("council.txt", CLEAN)
    bad = repo.write("moscow.md", GARBLED)
    copy = repo.write("lifted.txt", near_copy(clean_articles[3].text))
    assert repo.pre_commit("run", "--files", ok).returncode == 0
    done = repo.pre_commit("run", "qc-scan", "--files", bad)
    assert done.returncode == 1 and "moscow.md:1:" in done.stdout, done.stdout + done.stderr
    done = repo.pre_commit("run", "qc-dedup", "--files", ok, copy)
    assert done.returncode == 1 and "lifted.txt: copies archive/a3.txt" in done.stdout, done.stdout + done.stderr
