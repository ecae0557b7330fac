"""The house is one-way: import-linter's contracts in pyproject.toml hold, with no exceptions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import importlinter  # noqa: F401  (a test dependency: CI must have it, not skip)

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
# Runs the contracts on the `qc` package found first on PYTHONPATH (the folder given).
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True))"


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([sys.executable, "-c", LINT, str(PYPROJECT)], capture_output=True, text=True, env=env, cwd=package_parent)


def contracts() -> list[dict[str, object]]:
    with PYPROJECT.open("rb") as handle:
        return list(tomllib.load(handle)["tool"]["importlinter"]["contracts"])


def test_the_contracts_hold() -> None:
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_no_contract_lists_exceptions() -> None:
    kinds = {c["type"] for c in contracts()}
    assert {"layers", "protected"} <= kinds
    for contract in contracts():
        assert not contract.get("ignore_imports"), contract["name"]


def copy_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "qc", tmp_path / "qc", ignore=shutil.ignore_patterns("__pycache__", "rules", "data"))
    return tmp_path


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    parent = copy_package(tmp_path)
    finding = parent / "qc" / "finding.py"
    finding.write_text(finding.read_text(encoding="utf-8") + "\nfrom qc import scan  # noqa\n", encoding="utf-8")
    run = lint_imports(parent)
    assert run.returncode == 1
    assert "qc.finding -> qc.scan" in run.stdout


def test_a_library_module_importing_click_breaks_the_contract(tmp_path: Path) -> None:
    parent = copy_package(tmp_path)
    config = parent / "qc" / "config.py"
    config.write_text(config.read_text(encoding="utf-8") + "\nimport click  # noqa\n", encoding="utf-8")
    run = lint_imports(parent)
    assert run.returncode == 1
    assert "qc.config -> click" in run.stdout


def test_a_new_top_level_module_must_join_a_layer(tmp_path: Path) -> None:
    parent = copy_package(tmp_path)
    (parent / "qc" / "stray.py").write_text('"""A module no layer names."""\n', encoding="utf-8")
    run = lint_imports(parent)
    assert run.returncode == 1
    assert "qc.stray" in run.stdout


def test_the_library_never_prints_or_exits() -> None:
    """Only the command line (qc/cli.py, qc/commands/) talks to the terminal and ends the
    process; the library returns values and raises typed errors."""
    import ast

    offenders = []
    for path in sorted((ROOT / "qc").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "qc/cli.py" or rel.startswith("qc/commands/") or rel == "qc/__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else f"{getattr(func.value, 'id', '?')}.{func.attr}" if isinstance(func, ast.Attribute) else ""
            if name in {"print", "exit", "quit", "sys.exit", "os._exit"}:
                offenders.append(f"{rel}:{node.lineno}: {name}()")
    assert offenders == []
