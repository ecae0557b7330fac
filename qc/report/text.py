"""Plain-text output: `path:line:col: ID [severity] message`, optional fix previews and statistics."""

from __future__ import annotations

from collections import Counter

from qc.finding import Finding, ScanResult
from qc.report.links import hyperlink, is_absolute_url, rule_doc_url

SEVERITY_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
RESET = "\x1b[0m"
BOLD = "\x1b[1m"


def finding_line(f: Finding, colour: bool = False, doc_url: str = "") -> str:
    """On a terminal (colour) the rule code links to its documentation when that has an
    absolute URL, as ruff's codes do; files and pipes get plain text."""
    sev = f"[{f.severity}]"
    rule = f.rule
    if colour:
        sev = f"{SEVERITY_COLOURS.get(f.severity, '')}{sev}{RESET}"
        rule = f"{BOLD}{rule}{RESET}"
        if is_absolute_url(doc_url):
            rule = hyperlink(rule, doc_url)
    marker = ""
    if f.fix is not None:
        marker = " [*]" if f.fix.applicability == "safe" else " [unsafe fix]"
    return f"{location(f)}: {rule} {sev} {f.message}{marker}"


def location(f: Finding) -> str:
    """`file:LINE:COL`, the form editors and terminals turn into links. For a .jsonl record
    (path `file.jsonl:LINE`) LINE is the record's line in the file and COL the column
    within its decoded text value."""
    from qc.report.json_ import split_ref

    file, record = split_ref(f.path)
    return f"{file}:{f.line}:{f.column}" if record is not None else f"{f.path}:{f.line}:{f.column}"


def fix_preview(f: Finding) -> str:
    if f.fix is None:
        return ""
    lines = [f"    fix ({f.fix.applicability}): {f.fix.message or 'apply'}"]
    for edit in f.fix.edits:
        lines.append(f"      - {f.text!r}\n      + {replacement_in_context(f, edit.start, edit.end, edit.replacement)!r}")
    return "\n".join(lines)


def replacement_in_context(f: Finding, start: int, end: int, replacement: str) -> str:
    """The flagged span as it reads after the edit (edits may cover part of the span)."""
    if start >= f.start and end <= f.end:
        rel_start, rel_end = start - f.start, end - f.start
        return f.text[:rel_start] + replacement + f.text[rel_end:]
    return replacement


def statistics(result: ScanResult) -> str:
    counts = Counter(f.rule for f in result.findings)
    fixable = {f.rule for f in result.findings if f.fix is not None and f.fix.applicability == "safe"}
    width = max((len(str(c)) for c in counts.values()), default=1)
    rows = []
    for rule_id, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        info = result.rules.get(rule_id)
        name = info.name if info else ""
        rows.append(f"{count:>{width}}\t{rule_id}\t{'[*] ' if rule_id in fixable else '    '}{name}")
    return "\n".join(rows)


def summary_line(result: ScanResult, unsafe_shown: bool = False) -> str:
    total = len(result.findings)
    if result.articles_scanned == 0:
        base = "No articles scanned."
    elif total == 0:
        base = "All checks passed!"
    else:
        base = f"Found {total} finding{'s' if total != 1 else ''} in {result.articles_scanned} article{'s' if result.articles_scanned != 1 else ''}."
    safe = sum(1 for f in result.findings if f.fix is not None and f.fix.applicability == "safe")
    unsafe = sum(1 for f in result.findings if f.fix is not None and f.fix.applicability == "unsafe")
    extra = []
    if result.fixes_applied:
        extra.append(f"Fixed {result.fixes_applied}.")
    if safe:
        extra.append(f"[*] {safe} fixable with `qc scan --fix`.")
    if unsafe:
        extra.append(f"{unsafe} more fixable with `--fix --unsafe-fixes` (review with `--diff --unsafe-fixes`).")
    return " ".join([base, *extra])


def render(result: ScanResult, show_fixes: bool = False, colour: bool = False) -> str:
    lines = []
    for f in result.findings:
        info = result.rules.get(f.rule)
        lines.append(finding_line(f, colour, rule_doc_url(info) if colour and info else ""))
        if show_fixes and f.fix is not None:
            lines.append(fix_preview(f))
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
