"""Write docs/rules.md from the built-in rule packs (rules/): one section per rule.

    python scripts/gen_rule_docs.py          # rewrite docs/rules.md
    python scripts/gen_rule_docs.py --check  # exit 1 if docs/rules.md is not current

tests/test_rule_docs.py fails while the page differs from what this script writes, and
while a built-in rule lacks `docs:` or `status:`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's qc, not another installed copy

from qc.lint.docs import PAGE_PATH, REGENERATE, rules_page  # noqa: E402
from qc.lint.packs import DEFAULT_RULES_DIR, load_rules_uncached  # noqa: E402


def current_page() -> str:
    """The page as the packs say it should read (no compiled-rules cache involved)."""
    return rules_page(load_rules_uncached([DEFAULT_RULES_DIR]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the page is current")
    args = parser.parse_args(argv)
    target = ROOT / PAGE_PATH
    page = current_page()
    if args.check:
        written = target.read_text(encoding="utf-8") if target.exists() else ""
        if written != page:
            print(f"{PAGE_PATH} is out of date: run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    target.write_text(page, encoding="utf-8")
    print(f"wrote {PAGE_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
