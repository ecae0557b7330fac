"""Where a rule's documentation lives: `<docs>/rules.md#<id>`, the page scripts/gen_rule_docs.py
writes from the built-in packs (one section per rule, anchored by its lowercase code).

`<docs>` is the installed package's `[project.urls] Documentation` (as ruff builds its rule
URLs from its package's homepage); without one it is the relative `docs` folder of qc's
repository. Only an absolute URL goes where a reader needs one to be absolute (SARIF
`helpUri` is an RFC 3986 URI; a terminal hyperlink needs a scheme).
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlsplit

from qc.finding import RuleInfo

RULES_PAGE = "rules.md"
DEFAULT_DOCS_URL = "docs"


@functools.cache
def package_metadata() -> Any:
    """The installed qc's package metadata, or None (running from a source tree)."""
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        return metadata("qc")
    except (ImportError, PackageNotFoundError):
        return None


def project_url(*labels: str) -> str | None:
    """The first `[project.urls]` entry whose label is one of `labels` (lowercase)."""
    meta = package_metadata()
    for entry in (meta.get_all("Project-URL") or []) if meta is not None else []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in labels and url.strip():
            return url.strip()
    return None


@functools.cache
def docs_base_url() -> str:
    """`[project.urls] Documentation` of the installed qc, else the relative docs folder."""
    url = project_url("documentation")
    return url.rstrip("/") if url else DEFAULT_DOCS_URL


def rule_anchor(rule_id: str) -> str:
    """The rule's anchor in docs/rules.md: its heading is the bare code, so every Markdown
    renderer (GitHub, GitLab, MkDocs, pandoc) derives the same id."""
    return rule_id.lower()


def rule_doc_url(info: RuleInfo, base: str | None = None) -> str:
    """The rule's documentation; "" for a rule from a user's pack (not in docs/rules.md)."""
    if not info.builtin:
        return ""
    return f"{docs_base_url() if base is None else base}/{RULES_PAGE}#{rule_anchor(info.id)}"


def is_absolute_url(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https", "file")


def hyperlink(text: str, url: str) -> str:
    """`text` as an OSC 8 terminal hyperlink to `url` (terminals without support show the text)."""
    return f"\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\"
