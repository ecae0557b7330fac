"""A baseline: findings accepted as they are, hidden until their text changes.

`qc scan --write-baseline qc-baseline.json` records every current finding; later scans with
`--baseline qc-baseline.json` (or `baseline = "qc-baseline.json"` in [tool.qc]) do not
report them. A finding is keyed, as semgrep and detekt do, by what it is and not by where
it is: the rule, the file (relative to the baseline's folder; a .jsonl file, not its
record line) and the flagged text; no line numbers, so edits elsewhere in the file keep
it hidden. Each key holds a count: a third "a economic" in a file whose baseline has two
is reported once. Editing the flagged text (or fixing it) ends the entry.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from qc.errors import ConfigError
from qc.finding import Finding, escape_lone_surrogates

VERSION = 1
Key = tuple[str, str, str]


def file_of(path: str) -> str:
    """A finding's file: its path without a .jsonl record's `:LINE`."""
    head, sep, tail = path.rpartition(":")
    return head if sep and tail.isdigit() and head.lower().endswith(".jsonl") else path


def relative_to(path: str, folder: Path) -> str:
    try:
        return Path(os.path.relpath(os.path.abspath(file_of(path)), os.path.abspath(folder))).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(file_of(path)).as_posix()


class Baseline:
    def __init__(self, counts: Counter[Key], folder: Path) -> None:
        self.counts = counts
        self.folder = folder
        self.hidden = 0

    def key(self, finding: Finding) -> Key:
        return (finding.rule, relative_to(finding.path, self.folder), finding.text)

    def take(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings the baseline does not hold (each entry hides as many as its count)."""
        kept = []
        for finding in findings:
            key = self.key(finding)
            if self.counts[key] > 0:
                self.counts[key] -= 1
                self.hidden += 1
            else:
                kept.append(finding)
        return kept


def load_baseline(path: Path) -> Baseline:
    """ConfigError naming the file when it is missing or not a qc baseline."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read baseline: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"not a qc baseline (invalid JSON: {exc})") from None
    entries = data.get("findings") if isinstance(data, dict) and data.get("version") == VERSION else None
    if not isinstance(entries, list):
        raise ConfigError(str(path), f"not a qc baseline (expected {{\"version\": {VERSION}, \"findings\": [...]}})")
    counts: Counter[Key] = Counter()
    for n, entry in enumerate(entries):
        fields = [entry.get(k) for k in ("rule", "path", "text")] if isinstance(entry, dict) else []
        count = entry.get("count", 1) if isinstance(entry, dict) else None
        if len(fields) != 3 or not all(isinstance(v, str) for v in fields) or not isinstance(count, int) or count < 1:
            raise ConfigError(str(path), f"baseline entry {n + 1} needs string rule, path and text and a positive count")
        counts[(fields[0], fields[1], fields[2])] += count
    return Baseline(counts, path.parent)


def baseline_document(findings: Iterable[Finding], path: Path) -> str:
    """The baseline file's text for these findings (sorted, so it diffs well in review)."""
    keyer = Baseline(Counter(), path.parent)
    counts = Counter(keyer.key(f) for f in findings)
    entries = [{"rule": r, "path": p, "text": t, "count": c} for (r, p, t), c in sorted(counts.items())]
    text = json.dumps({"version": VERSION, "tool": "qc", "findings": entries}, indent=2, ensure_ascii=False) + "\n"
    return escape_lone_surrogates(text)
