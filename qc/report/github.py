"""GitHub Actions workflow commands: one annotation per finding, one per input error.

    ::error file=news/a.txt,line=3,col=5,endLine=3,endColumn=9,title=MT001 (name)::message

Severity maps error→::error, warning→::warning, info→::notice. Escaping follows
@actions/core (toolkit command.ts): the message escapes % CR LF; property values
also escape ':' and ','. GitHub only honours col/endColumn on single-line spans,
so multi-line findings carry line and endLine only. A .jsonl finding (path
`file.jsonl:LINE`) names the file and the record's line, without columns: its
offsets point into the decoded "text" value, not into the file's line.
"""

from __future__ import annotations

from qc.finding import Finding, ScanResult
from qc.report.json_ import order_key, posix_path, split_ref

COMMANDS: dict[str, str] = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(name: str, props: list[tuple[str, object]], message: str) -> str:
    joined = ",".join(f"{k}={escape_property(str(v))}" for k, v in props)
    return f"::{name} {joined}::{escape_data(message)}" if joined else f"::{name}::{escape_data(message)}"


def finding_line(f: Finding) -> str:
    file, record = split_ref(f.path)
    props: list[tuple[str, object]] = [("file", posix_path(file))]
    if f.line > 0:
        props.append(("line", f.line))
        single = f.end_line in (0, f.line) and record is None
        if single and f.column > 0:
            props.append(("col", f.column))
        if f.end_line >= f.line:
            props.append(("endLine", f.end_line))
        if single and f.end_column > 0 and f.column > 0:
            props.append(("endColumn", f.end_column))
    title = f"{f.rule} ({f.name})" if f.name else f.rule
    props.append(("title", title))
    return command(COMMANDS.get(f.severity, "warning"), props, f.message)


def error_line(error: object) -> str:
    text = error.describe() if hasattr(error, "describe") else str(error)  # type: ignore[attr-defined]
    reason = getattr(error, "reason", None) or text
    props: list[tuple[str, object]] = []
    path = getattr(error, "path", None)
    if path:
        props.append(("file", posix_path(str(path))))
        line = getattr(error, "line", None)
        if isinstance(line, int) and line > 0:
            props.append(("line", line))
    props.append(("title", "qc (input error)"))
    return command("error", props, reason if path else text)


def render(result: ScanResult) -> str:
    """One command per line, ending with a newline; empty when there is nothing to report."""
    lines = [finding_line(f) for f in sorted(result.findings, key=order_key)]
    lines += [error_line(e) for e in result.errors]
    return "".join(line + "\n" for line in lines)
