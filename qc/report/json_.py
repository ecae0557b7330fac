"""JSON output: the stable machine-readable contract of `qc scan --format json`.

Shape (version 1, described by fixtures/json/qc-scan-v1.schema.json):

    {"version": 1, "findings": [Finding.to_dict(), ...], "summary": ScanResult.summary()}

Findings are ordered by path, then file position. Keys keep a fixed order; the
document is indented by 2 and keeps non-ASCII text as is. Bump VERSION on any
change that could break a consumer (removing or renaming a key, changing a type).
"""

from __future__ import annotations

import json
import re
from typing import Any

from qc.finding import Finding, ScanResult

VERSION = 1


# Helpers shared by the formatters.

_JSONL_REF = re.compile(r"^(?P<file>.*\.jsonl):(?P<record>[0-9]+)$", re.IGNORECASE)


def split_ref(path: str) -> tuple[str, int | None]:
    """Split a finding path into (file, record line). Findings in a .jsonl file carry
    the article ref `file.jsonl:LINE`; every other finding carries the file path."""
    m = _JSONL_REF.match(path)
    if m:
        return m.group("file"), int(m.group("record"))
    return path, None


def posix_path(path: str) -> str:
    """A display path with forward slashes and no leading './'."""
    p = path.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


def order_key(f: Finding) -> tuple[str, int, int, int, int, str]:
    """File, then position: line first (the record line for .jsonl), then column."""
    return (split_ref(f.path)[0], f.line, f.column, f.start, f.end, f.rule)


def _default(obj: Any) -> Any:
    """Serialise the odd values that article extras may carry (numpy scalars, sets, paths)."""
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar
        return obj.item()
    if hasattr(obj, "tolist") and callable(obj.tolist):  # numpy array
        return obj.tolist()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=repr)
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return obj.to_dict()
    return str(obj)


def to_document(result: ScanResult) -> dict[str, Any]:
    return {
        "version": VERSION,
        "findings": [f.to_dict() for f in sorted(result.findings, key=order_key)],
        "summary": result.summary(),
    }


def render(result: ScanResult) -> str:
    """The JSON document, ending with a newline."""
    return json.dumps(to_document(result), indent=2, ensure_ascii=False, default=_default) + "\n"
