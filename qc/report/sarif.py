"""SARIF 2.1.0 output (GitHub code scanning, VS Code SARIF viewer, Azure DevOps).

One run; tool.driver lists the active rules; each finding becomes a result with a
physical location, a stable partial fingerprint and, when it has one, a fix.

Units: columns and character offsets count Unicode code points of the decoded text
(run.columnKind = "unicodeCodePoints"), exactly as qc's own offsets do.

Locations: Finding start/end are offsets into the decoded file (the scanner shifts
them past Markdown front matter), so they become charOffset/charLength and fix
regions directly. A .jsonl finding's path is the article ref `file.jsonl:LINE` and
its offsets point into the record's decoded "text" value, which is JSON-escaped in
the file: such results name the file and the record's line only (the text offsets
go to result.properties) and carry no SARIF fix.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from typing import Any
from urllib.parse import quote

import qc
from qc.finding import Finding, RuleInfo, ScanResult
from qc.report.json_ import order_key, posix_path, split_ref
from qc.report.links import is_absolute_url, package_metadata, project_url, rule_doc_url

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "qc/v1"

LEVELS: dict[str, str] = {"error": "error", "warning": "warning", "info": "note"}


def level(severity: str) -> str:
    return LEVELS.get(severity, "warning")


def is_absolute(p: str) -> bool:
    return p.startswith("/") or (len(p) > 2 and p[1] == ":" and p[2] == "/")


def artifact_location(path: str) -> dict[str, Any]:
    """Relative paths resolve against %SRCROOT%; absolute ones become file: URIs."""
    p = posix_path(path)
    if is_absolute(p):
        return {"uri": "file://" + ("" if p.startswith("/") else "/") + quote(p, safe="/:")}
    return {"uri": quote(p, safe="/"), "uriBaseId": SRCROOT}


def fingerprint(rule: str, path: str, text: str, occurrence: int) -> str:
    """Stable across edits elsewhere in the file: no line numbers or offsets go in
    (nor a .jsonl record's line: the file path is used)."""
    raw = "\x1f".join((rule, posix_path(split_ref(path)[0]), text, str(occurrence)))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprints(findings: list[Finding]) -> dict[int, str]:
    """Fingerprint per finding (keyed by id()): the n-th finding of a rule on the same
    text in the same file, in file order, gets occurrence index n."""
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    out: dict[int, str] = {}
    for f in sorted(findings, key=order_key):
        key = (f.rule, posix_path(split_ref(f.path)[0]), f.text)
        out[id(f)] = fingerprint(f.rule, f.path, f.text, seen[key])
        seen[key] += 1
    return out


def is_record(f: Finding) -> bool:
    """A finding inside a .jsonl record: its offsets are not file offsets."""
    return split_ref(f.path)[1] is not None


def region(f: Finding) -> dict[str, Any]:
    r: dict[str, Any] = {}
    record = is_record(f)
    if f.line > 0:
        r["startLine"] = f.line
        if not record and f.column > 0:
            r["startColumn"] = f.column
        if f.end_line >= f.line:
            r["endLine"] = f.end_line
            if not record and f.end_column > 0 and (f.end_line > f.line or f.end_column >= max(f.column, 1)):
                r["endColumn"] = f.end_column
    if not record and 0 <= f.start <= f.end:
        r["charOffset"] = f.start
        r["charLength"] = f.end - f.start
    if f.text:
        r["snippet"] = {"text": f.text}
    return r


_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def describe_rule(message: str) -> str:
    """A rule's message template as a description: `{match}`-style placeholders become '…'."""
    return _PLACEHOLDER.sub("…", message)


def rule_descriptor(info: RuleInfo) -> dict[str, Any]:
    short = describe_rule(info.message) or info.name
    docs = info.docs.strip() or short
    descriptor: dict[str, Any] = {
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": docs},
        "help": {"text": docs},
    }
    properties: dict[str, Any] = {"category": info.category, "fixable": info.fixable, "tags": [info.category]}
    url = rule_doc_url(info)
    if is_absolute_url(url):
        descriptor["helpUri"] = url  # SARIF wants an absolute URI here
    elif url:
        properties["documentation"] = url  # relative to qc's repository: no valid helpUri
    descriptor["defaultConfiguration"] = {"level": level(info.severity)}
    descriptor["properties"] = properties
    return descriptor


def rule_table(result: ScanResult) -> list[RuleInfo]:
    """Active rules by id, plus any rule a finding names that the run did not list."""
    rules = dict(result.rules)
    for f in result.findings:
        if f.rule not in rules:
            rules[f.rule] = RuleInfo(f.rule, f.name, f.category, f.severity, f.message, "", f.fix is not None)
    return [rules[k] for k in sorted(rules)]


def sarif_fix(f: Finding) -> dict[str, Any]:
    assert f.fix is not None
    return {
        "description": {"text": f.fix.message or f.message},
        "artifactChanges": [
            {
                "artifactLocation": artifact_location(split_ref(f.path)[0]),
                "replacements": [
                    {
                        "deletedRegion": {"charOffset": e.start, "charLength": e.end - e.start},
                        "insertedContent": {"text": e.replacement},
                    }
                    for e in sorted(f.fix.edits)
                ],
            }
        ],
        "properties": {"applicability": f.fix.applicability},
    }


def sarif_result(f: Finding, rule_index: int, fp: str) -> dict[str, Any]:
    file, record = split_ref(f.path)
    props: dict[str, Any] = {"category": f.category, "name": f.name}
    if record is not None:
        props.update(record=record, textStart=f.start, textEnd=f.end)
    res: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(file), "region": region(f)}}],
        "partialFingerprints": {FINGERPRINT_KEY: fp},
        "properties": props,
    }
    if f.fix is not None and f.fix.edits and record is None:
        res["fixes"] = [sarif_fix(f)]
    if f.related:
        res["relatedLocations"] = [related_location(r, k) for k, r in enumerate(f.related)]
    return res


def related_location(r: dict[str, Any], index: int) -> dict[str, Any]:
    """A supporting place (another version of the story): the file and, for a plain file,
    the region; a .jsonl record's offsets go in properties as for results."""
    file, record = split_ref(str(r.get("path", "")))
    phys: dict[str, Any] = {"artifactLocation": artifact_location(file)}
    props: dict[str, Any] = {}
    if record is not None:
        phys["region"] = {"startLine": record}
        props.update(record=record, textStart=r.get("start"), textEnd=r.get("end"))
    elif r.get("line"):
        phys["region"] = {"startLine": r["line"], "startColumn": r.get("column", 1)}
    location: dict[str, Any] = {"id": index, "physicalLocation": phys}
    if props:
        location["properties"] = props
    return location


def notification(error: Any) -> dict[str, Any]:
    text = error.describe() if hasattr(error, "describe") else str(error)
    note: dict[str, Any] = {"level": "error", "message": {"text": text}}
    path = getattr(error, "path", None)
    if path:
        phys: dict[str, Any] = {"artifactLocation": artifact_location(str(path))}
        line = getattr(error, "line", None)
        if isinstance(line, int) and line > 0:
            phys["region"] = {"startLine": line}
        note["locations"] = [{"physicalLocation": phys}]
    return note


def information_uri() -> str | None:
    """The project home page from the installed package metadata, if it declares one."""
    url = project_url("homepage", "home", "source", "repository")
    if url:
        return url
    meta = package_metadata()
    home = meta.get("Home-page") if meta is not None else None
    return home.strip() if home and home.strip() and home.strip() != "UNKNOWN" else None


def to_log(result: ScanResult) -> dict[str, Any]:
    rules = rule_table(result)
    index = {r.id: i for i, r in enumerate(rules)}
    fps = fingerprints(result.findings)
    driver: dict[str, Any] = {"name": "qc", "version": qc.__version__, "semanticVersion": qc.__version__}
    uri = information_uri()
    if uri:
        driver["informationUri"] = uri
    driver["rules"] = [rule_descriptor(r) for r in rules]
    invocation: dict[str, Any] = {"executionSuccessful": not result.errors}
    if result.errors:
        invocation["toolExecutionNotifications"] = [notification(e) for e in result.errors]
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": [sarif_result(f, index[f.rule], fps[id(f)]) for f in sorted(result.findings, key=order_key)],
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(result: ScanResult) -> str:
    """The SARIF log as JSON, ending with a newline."""
    return json.dumps(to_log(result), indent=2, ensure_ascii=False) + "\n"
