"""Inline suppression in articles.

- `<!-- qc: ignore MT101, MT5 -->` silences those codes (prefixes) on the next non-blank line
  (or on its own line when it trails text); with no codes it silences every rule there.
- `<!-- qc: ignore-file MT101 -->` anywhere silences the codes in the whole article.
- Front matter `qc-ignore: [MT101]` does the same as ignore-file.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from qc.finding import Edit, Finding, Fix

DIRECTIVE = re.compile(r"<!--\s*qc:\s*(?P<scope>ignore-file|ignore)\b(?P<codes>[^>]*?)\s*-->")
# A code as written: case-insensitive (normalised to upper case), so `mt501` is MT501.
CODE = re.compile(r"[A-Za-z]{1,4}[0-9]{0,4}")
UNUSED_RULE = "QC001"
UNKNOWN_RULE = "QC002"


@dataclass
class Suppression:
    codes: list[str]  # empty: all rules
    start: int
    end: int
    line: int | None  # None: whole file
    used: set[str] = field(default_factory=set)
    invalid: str | None = None  # text after `ignore` that is not a list of codes: silences nothing

    def covers(self, finding: Finding, finding_line: int) -> str | None:
        """The code that silences this finding, or None."""
        if self.invalid is not None or (self.line is not None and finding_line != self.line):
            return None
        if not self.codes:
            return "ALL"
        for code in self.codes:
            if code == "ALL" or finding.rule.startswith(code):
                return code
        return None


LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    """Offsets at which lines start (after \n, \r\n or a lone \r); one regex pass, no
    per-character Python loop."""
    return [0, *(match.end() for match in LINE_BREAK.finditer(text))]


def parse_suppressions(text: str, front_matter_codes: list[str] | None = None) -> list[Suppression]:
    if "qc:" not in text and not front_matter_codes:
        return []
    starts = line_starts(text)
    result: list[Suppression] = []
    if front_matter_codes:
        result.append(Suppression([str(c).strip().upper() for c in front_matter_codes], 0, 0, None))
    for match in DIRECTIVE.finditer(text):
        codes, invalid = parse_codes(match.group("codes"))
        if match.group("scope") == "ignore-file":
            result.append(Suppression(codes, match.start(), match.end(), None, invalid=invalid))
            continue
        line_idx = bisect.bisect_right(starts, match.start()) - 1
        line_end = starts[line_idx + 1] if line_idx + 1 < len(starts) else len(text)
        own_line = text[starts[line_idx] : line_end]
        trailing = own_line.strip() != match.group(0).strip()
        target = line_idx if trailing else next_content_line(text, starts, line_idx)
        result.append(Suppression(codes, match.start(), match.end(), target + 1, invalid=invalid))
    return result


def parse_codes(written: str) -> tuple[list[str], str | None]:
    """The codes after `ignore` (comma or space separated, upper-cased), and the text that is
    not a code when the list starts with one: `ignore mt-501` must not silence every rule.
    Codes end at the first word that is not code-shaped, so a reason may follow them."""
    codes: list[str] = []
    for token in re.split(r"[\s,]+", written.strip()):
        if not token:
            continue
        if not CODE.fullmatch(token):
            return codes, (None if codes else token)
        codes.append(token.upper())
    return codes, None


def next_content_line(text: str, starts: list[int], line_idx: int) -> int:
    for idx in range(line_idx + 1, len(starts)):
        end = starts[idx + 1] if idx + 1 < len(starts) else len(text)
        if text[starts[idx] : end].strip():
            return idx
    return line_idx + 1


def apply_suppressions(
    text: str,
    findings: list[Finding],
    suppressions: list[Suppression],
    report_unused: bool,
    known: Callable[[str], bool] = lambda _code: True,
) -> list[Finding]:
    """Drop suppressed findings; add a QC002 finding per suppression naming a code `known`
    rejects (or not a code at all); optionally a QC001 finding per unused suppression."""
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
    kept.extend(unknown_code_findings(text, suppressions, known))
    return sorted(kept, key=lambda f: (f.start, f.end, f.rule))


def unused_findings(text: str, suppressions: list[Suppression]) -> list[Finding]:
    result = []
    for sup in suppressions:
        unused = [c for c in (sup.codes or ["ALL"]) if c not in sup.used]
        if not unused or sup.end == 0 or sup.invalid is not None:
            continue
        whole = not sup.used
        fix = Fix((Edit(sup.start, sup.end, ""),), "safe", "remove the suppression") if whole else None
        result.append(comment_finding(text, sup, UNUSED_RULE, "unused-suppression", f"unused suppression: {', '.join(unused)} silences nothing here", fix))
    return result


def comment_finding(text: str, sup: Suppression, rule: str, name: str, message: str, fix: Fix | None = None) -> Finding:
    """A qc warning about a suppression comment itself (QC001 unused, QC002 unknown code)."""
    return Finding(rule=rule, name=name, category="qc", severity="warning", message=message, start=sup.start, end=sup.end, text=text[sup.start : sup.end], fix=fix)


def unknown_code_findings(text: str, suppressions: list[Suppression], known: Callable[[str], bool]) -> list[Finding]:
    """A suppression naming no rule silences nothing: say so (as ruff's RUF100 does for noqa),
    rather than let a typo look like a silenced finding. Always on; a warning, so a hook fails."""
    result = []
    for sup in suppressions:
        bad = [sup.invalid] if sup.invalid is not None else [c for c in sup.codes if c != "ALL" and not known(c)]
        if not bad:
            continue
        where = "front matter qc-ignore" if sup.end == 0 else "suppression"
        what = "is not a rule code" if sup.invalid is not None else "names no rule"
        message = f"{where}: {', '.join(repr(b) for b in bad)} {what}, so it silences nothing (`qc rules` lists the codes)"
        result.append(comment_finding(text, sup, UNKNOWN_RULE, "unknown-suppression-code", message))
    return result
