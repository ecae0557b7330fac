"""JUnit XML output for CI test-report views (GitLab, Jenkins, Azure DevOps).

    <testsuites name="qc" tests= failures= errors=>
      <testsuite name="qc" tests= failures= errors= skipped="0">
        <testcase classname=PATH name=PATH file=FILE>      one per article with findings
          <failure message=MSG type=RULE>PATH:L:C: RULE MSG</failure>   one per finding
        </testcase>
        <testcase classname=PATH name="load">               one per input error
          <error message=REASON type="input-error">DESCRIPTION</error>
        </testcase>

PATH is the finding path: the file, or `file.jsonl:LINE` for a .jsonl record (FILE
is then the file alone). A ScanResult only names articles that have findings, so
clean ones are not listed.
`tests` counts testcases; `failures` counts <failure> elements (findings) and
`errors` counts <error> elements (input errors). Characters XML 1.0 cannot hold
(most C0 controls) are written as \\xNN so the report always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from qc.finding import Finding, ScanResult
from qc.report.json_ import order_key, split_ref

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(s: str) -> str:
    """Text XML 1.0 can hold: invalid characters become \\xNN / \\uNNNN."""
    return _INVALID_XML.sub(_escape, s)


def describe(f: Finding) -> str:
    from qc.report.text import location

    return f"{location(f)}: {f.rule} {f.message}"


def to_element(result: ScanResult) -> ET.Element:
    findings = sorted(result.findings, key=order_key)
    cases: list[ET.Element] = []
    # One testcase per finding (JUnit allows one failure per case), so `tests` counts the
    # cases and `failures` the failed ones, and readers that show a case's first failure
    # only lose nothing.
    for f in findings:
        file = split_ref(f.path)[0]
        attrs = {"classname": clean(f.path), "name": clean(f"{f.rule} {f.line}:{f.column}"), "file": clean(file)}
        if f.line > 0:
            attrs["line"] = str(f.line)
        case = ET.Element("testcase", attrs)
        failure = ET.SubElement(case, "failure", {"message": clean(f.message), "type": clean(f.rule)})
        failure.text = clean(describe(f))
        cases.append(case)
    for e in result.errors:
        text = e.describe() if hasattr(e, "describe") else str(e)
        path = str(getattr(e, "path", None) or "<input>")
        case = ET.Element("testcase", {"classname": clean(path), "name": "load", "file": clean(path)})
        error = ET.SubElement(
            case, "error", {"message": clean(str(getattr(e, "reason", None) or text)), "type": "input-error"}
        )
        error.text = clean(text)
        cases.append(case)
    counts = {
        "tests": str(len(cases)),
        "failures": str(sum(1 for c in cases if c.find("failure") is not None)),
        "errors": str(sum(1 for c in cases if c.find("error") is not None)),
    }
    root = ET.Element("testsuites", {"name": "qc", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "qc", **counts, "skipped": "0"})
    suite.extend(cases)
    return root


def render(result: ScanResult) -> str:
    """The XML document (UTF-8 declaration), ending with a newline."""
    root = to_element(result)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
