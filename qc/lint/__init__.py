"""The lint engine: rule model, pack loading and validation, rule kinds, the one-pass matcher."""

from pathlib import Path

# The built-in packs ship inside the package (qc/rules is the project's rules/ folder).
# Defined here, not in qc.lint.packs, so that naming it (qc.scan's cache key) does not
# import the pack loader.
DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
