"""Inline suppression in articles.

- `<!-- qc: ignore MT101, MT5 -->` silences those codes (prefixes) on the next non-blank line
  (or on its own line when it trails text); with no codes it silences every rule there.
- `<!-- qc: ignore-file MT101 -->` anywhere silences the codes in the whole article.
- Front matter `qc-ignore: [MT101]` does the same as ignore-file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from qc.finding import Edit, Finding, Fix

DIRECTIVE = re.compile(r"<!--\s*qc:\s*(?P<scope>ignore-file|ignore)\b(?P<codes>[^>]*?)\s*-->")
CODE = re.compile(r"[A-Z]{1,4}[0-9]{0,4}|ALL")
UNUSED_RULE = "QC001"


@dataclass
class Suppression:
    codes: list[str]  # empty: all rules
    start: int
    end: int
    line: int | None  # None: whole file
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding, finding_line: int) -> str | None:
        """The code that silences this finding, or None."""
        if self.line is not None and finding_line != self.line:
            return None
        if not self.codes:
            return "ALL"
        for code in self.codes:
            if code == "ALL" or finding.rule.startswith(code):
                return code
        return None


def line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n" or (ch == "\r" and (i + 1 == len(text) or text[i + 1] != "\n")):
            starts.append(i + 1)
    return starts


def parse_suppressions(text: str, front_matter_codes: list[str] | None = None) -> list[Suppression]:
    if "qc:" not in text and not front_matter_codes:
        return []
    starts = line_starts(text)
    result: list[Suppression] = []
    if front_matter_codes:
        result.append(Suppression([str(c) for c in front_matter_codes], 0, 0, None))
    for match in DIRECTIVE.finditer(text):
        codes = CODE.findall(match.group("codes"))
        if match.group("scope") == "ignore-file":
            result.append(Suppression(codes, match.start(), match.end(), None))
            continue
        line_idx = bisect.bisect_right(starts, match.start()) - 1
        line_end = starts[line_idx + 1] if line_idx + 1 < len(starts) else len(text)
        own_line = text[starts[line_idx] : line_end]
        trailing = own_line.strip() != match.group(0).strip()
        target = line_idx if trailing else next_content_line(text, starts, line_idx)
        result.append(Suppression(codes, match.start(), match.end(), target + 1))
    return result


def next_content_line(text: str, starts: list[int], line_idx: int) -> int:
    for idx in range(line_idx + 1, len(starts)):
        end = starts[idx + 1] if idx + 1 < len(starts) else len(text)
        if text[starts[idx] : end].strip():
            return idx
    return line_idx + 1


def apply_suppressions(text: str, findings: list[Finding], suppressions: list[Suppression], report_unused: bool) -> list[Finding]:
    """Drop suppressed findings; optionally add a QC001 finding per unused suppression."""
    if not suppressions:
        return findings
    starts = line_starts(text)
    kept: list[Finding] = []
    for finding in findings:
        line = bisect.bisect_right(starts, finding.start)
        silenced = False
        for sup in suppressions:
            code = sup.covers(finding, line)
            if code is not None:
                sup.used.add(code)
                silenced = True
        if not silenced:
            kept.append(finding)
    if report_unused:
        kept.extend(unused_findings(text, suppressions))
    return sorted(kept, key=lambda f: (f.start, f.end, f.rule))


def unused_findings(text: str, suppressions: list[Suppression]) -> list[Finding]:
    result = []
    for sup in suppressions:
        unused = [c for c in (sup.codes or ["ALL"]) if c not in sup.used]
        if not unused or sup.end == 0:
            continue
        whole = not sup.used
        fix = Fix((Edit(sup.start, sup.end, ""),), "safe", "remove the suppression") if whole else None
        result.append(
            Finding(
                rule=UNUSED_RULE,
                name="unused-suppression",
                category="qc",
                severity="warning",
                message=f"unused suppression: {', '.join(unused)} silences nothing here",
                start=sup.start,
                end=sup.end,
                text=text[sup.start : sup.end],
                fix=fix,
            )
        )
    return result
