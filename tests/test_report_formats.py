"""Output formatters: JSON contract, SARIF 2.1.0 (official schema), GitHub commands, JUnit XML."""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

import qc
from qc.errors import InputError
from qc.finding import Edit, Finding, Fix, RuleInfo, ScanResult
from qc.report import FORMATTERS, github, json_, junit, render, sarif
from qc.report.json_ import split_ref

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SARIF_SCHEMA = FIXTURES / "sarif" / "sarif-schema-2.1.0.json"
JSON_SCHEMA = FIXTURES / "json" / "qc-scan-v1.schema.json"

# The article the findings point into (a .txt file: offsets are file offsets).
ARTICLE = "Le président said: «the economy is good».\nIt is at this moment in time that he said, 100%.\n"
#          0         1         2         3         4
#          0123456789012345678901234567890123456789012345


def _finding(rule, name, severity, start, end, *, path="news/world/café.txt", fix=None, message=None, text=None):
    """A located finding into ARTICLE (single-line article positions computed from offsets)."""
    before = ARTICLE[:start]
    line = before.count("\n") + 1
    column = start - (before.rfind("\n") + 1) + 1
    before_end = ARTICLE[:end]
    end_line = before_end.count("\n") + 1
    end_column = end - (before_end.rfind("\n") + 1) + 1
    return Finding(
        rule=rule,
        name=name,
        category={"MT001": "untranslated", "MT002": "typography", "MT003": "style"}[rule],
        severity=severity,
        message=message or f"{name} found",
        start=start,
        end=end,
        text=ARTICLE[start:end] if text is None else text,
        fix=fix,
        path=path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
    )


RULES = {
    "MT001": RuleInfo("MT001", "untranslated-word", "untranslated", "error", "Untranslated source word",
                      "Words left in the source language.", False),
    "MT002": RuleInfo("MT002", "guillemets", "typography", "warning", "French quotation marks",
                      "Use English quotes.", True),
    "MT003": RuleInfo("MT003", "wordy-phrase", "style", "info", "Wordy phrase", "", True),
}


def make_result() -> ScanResult:
    start_q = ARTICLE.index("«")
    end_q = ARTICLE.index("»")
    safe = Fix(
        (Edit(start_q, start_q + 1, "“"), Edit(end_q, end_q + 1, "”")),
        "safe",
        "Use English quotation marks",
    )
    phrase = "at this moment in time"
    p = ARTICLE.index(phrase)
    unsafe = Fix((Edit(p, p + len(phrase), "now"),), "unsafe", "Replace with 'now'")
    findings = [
        _finding("MT002", "guillemets", "warning", start_q, end_q + 1, fix=safe,
                 message="Guillemets «» in English text, 100% wrong,\r\nreally: yes"),
        _finding("MT003", "wordy-phrase", "info", p, p + len(phrase), fix=unsafe),
        _finding("MT001", "untranslated-word", "error", 3, 12, message="Untranslated word 'président'"),
        _finding("MT001", "untranslated-word", "error", 0, 2, path="top,level:file.txt",
                 message="Untranslated word 'Le'", text="Le"),
    ]
    return ScanResult(
        findings=findings,
        errors=[InputError("news/bad.txt", "invalid UTF-8 at byte 7 (invalid start byte)"),
                InputError("news/feed.jsonl", "malformed JSON record: Expecting value at column 1", 3)],
        rules=RULES,
        files_scanned=4,
        articles_scanned=3,
        fixes_applied=0,
        articles={"news/world/café.txt": {"score": 0.42}},
    )


@pytest.fixture
def result() -> ScanResult:
    return make_result()


# ---------------------------------------------------------------- registry


def test_registry_has_all_formats(result):
    assert {"json", "sarif", "github", "junit"} <= set(FORMATTERS)
    for fmt in ("json", "sarif", "github", "junit"):
        out = render(fmt, result)
        assert isinstance(out, str) and out.endswith("\n")
    with pytest.raises(ValueError, match="unknown output format"):
        render("nope", result)


def _snapshot(r: ScanResult):
    # (QcError cannot be deep-copied, so compare a plain snapshot instead.)
    return (
        [f.to_dict() for f in r.findings],
        [e.describe() for e in r.errors],
        dict(r.rules),
        r.summary(),
    )


def test_renderers_are_pure(result, capsys):
    before = _snapshot(result)
    outs = {fmt: render(fmt, result) for fmt in ("json", "sarif", "github", "junit")}
    assert capsys.readouterr() == ("", "")
    assert _snapshot(result) == before
    # Deterministic, and independent of the order findings arrive in.
    shuffled = replace(result, findings=list(reversed(result.findings)))
    for fmt, out in outs.items():
        assert render(fmt, shuffled) == out, fmt


# ---------------------------------------------------------------- JSON


def test_json_validates_against_contract_schema(result):
    doc = json.loads(json_.render(result))
    schema = json.loads(JSON_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema).check_schema(schema)
    jsonschema.validate(doc, schema)


def test_contract_schema_rejects_broken_documents(result):
    schema = json.loads(JSON_SCHEMA.read_text(encoding="utf-8"))
    good = json.loads(json_.render(result))
    broken = [
        lambda d: d.update(version=2),
        lambda d: d["findings"][0].pop("end_column"),
        lambda d: d["findings"][0].update(severity="fatal"),
        lambda d: d["findings"][0].update(fix={"applicability": "maybe", "message": "", "edits": []}),
        lambda d: d["summary"].pop("by_rule"),
    ]
    for mutate in broken:
        doc = copy.deepcopy(good)
        mutate(doc)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(doc, schema)


def test_json_contract_details(result):
    out = json_.render(result)
    doc = json.loads(out)
    assert list(doc) == ["version", "findings", "summary"]
    assert doc["version"] == 1
    assert doc["summary"] == json.loads(json.dumps(result.summary()))
    # Pretty-printed with indent 2, non-ASCII kept as is.
    assert out.startswith('{\n  "version": 1,\n  "findings": [\n    {\n      "path"')
    assert "café" in out and "«" in out and "\\u" not in out
    # Sorted by path, then position.
    assert [(f["path"], f["line"], f["column"]) for f in doc["findings"]] == [
        ("news/world/café.txt", 1, 1 + 3),
        ("news/world/café.txt", 1, 1 + ARTICLE.index("«")),
        ("news/world/café.txt", 2, 1 + ARTICLE.index("at this") - ARTICLE.index("\n") - 1),
        ("top,level:file.txt", 1, 1),
    ]
    keys = ["path", "rule", "name", "category", "severity", "message", "start", "end",
            "line", "column", "end_line", "end_column", "text", "fix"]
    for f in doc["findings"]:
        assert list(f) == keys
        assert ARTICLE[f["start"]:f["end"]] == f["text"]
        assert f["end"] >= f["start"]
    by_rule = {f["rule"]: f for f in doc["findings"] if f["path"].startswith("news/")}
    assert by_rule["MT001"]["fix"] is None
    assert by_rule["MT001"]["text"] == "président"
    assert by_rule["MT002"]["fix"] == {
        "applicability": "safe",
        "message": "Use English quotation marks",
        "edits": [
            {"start": ARTICLE.index("«"), "end": ARTICLE.index("«") + 1, "replacement": "“"},
            {"start": ARTICLE.index("»"), "end": ARTICLE.index("»") + 1, "replacement": "”"},
        ],
    }
    assert by_rule["MT003"]["fix"]["applicability"] == "unsafe"
    assert doc["summary"]["fixable"] == {"safe": 1, "unsafe": 1}
    assert doc["summary"]["errors"] == [e.describe() for e in result.errors]


def test_json_empty_result():
    doc = json.loads(json_.render(ScanResult()))
    assert doc["findings"] == [] and doc["summary"]["findings"] == 0
    jsonschema.validate(doc, json.loads(JSON_SCHEMA.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- SARIF


def _sarif_validator():
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_sarif_fixture_is_the_official_schema():
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert "oasis-open.org/sarif" in schema["id"]
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    assert {"run", "result", "fix", "replacement", "region"} <= set(schema["definitions"])


def test_sarif_validates_against_official_schema(result):
    validator = _sarif_validator()
    for r in (result, ScanResult(), replace(result, errors=[])):
        log = json.loads(sarif.render(r))
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_sarif_schema_check_catches_broken_logs(result):
    validator = _sarif_validator()
    good = json.loads(sarif.render(result))
    broken = [
        lambda d: d.update(version="2.0"),
        lambda d: d["runs"][0]["results"][0].update(level="info"),
        lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].update(startLine=0),
        lambda d: d["runs"][0]["tool"]["driver"].pop("name"),
        lambda d: d["runs"][0]["results"][0].update(unknown=True),
    ]
    for mutate in broken:
        log = copy.deepcopy(good)
        mutate(log)
        assert list(validator.iter_errors(log)), mutate


def test_sarif_content(result):
    log = json.loads(sarif.render(result))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "qc" and driver["version"] == qc.__version__
    assert [r["id"] for r in driver["rules"]] == ["MT001", "MT002", "MT003"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in driver["rules"]}
    assert levels == {"MT001": "error", "MT002": "warning", "MT003": "note"}
    mt002 = driver["rules"][1]
    assert mt002["name"] == "guillemets"
    assert mt002["fullDescription"]["text"] == "Use English quotes."
    assert mt002["help"]["text"] == "Use English quotes."
    assert mt002["properties"]["category"] == "typography"
    # MT003 has no docs: descriptions fall back to the message.
    assert driver["rules"][2]["fullDescription"]["text"] == "Wordy phrase"
    assert sarif.describe_rule("“{match}” is a literal name; write “{replacement}”") == (
        "“…” is a literal name; write “…”"
    )

    results = run["results"]
    assert len(results) == len(result.findings)
    for res in results:
        rule = driver["rules"][res["ruleIndex"]]
        assert rule["id"] == res["ruleId"]
        assert res["level"] == rule["defaultConfiguration"]["level"]
        loc = res["locations"][0]["physicalLocation"]
        region = loc["region"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert ARTICLE[region["charOffset"]:region["charOffset"] + region["charLength"]] == region["snippet"]["text"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert set(res["partialFingerprints"]) == {"qc/v1"}
        assert re.fullmatch(r"[0-9a-f]{64}", res["partialFingerprints"]["qc/v1"])
    assert run["columnKind"] == "unicodeCodePoints"

    by_rule = {}
    for res in results:
        by_rule.setdefault(res["ruleId"], []).append(res)
    (president, le) = by_rule["MT001"]
    # Relative path with forward slashes, percent-encoded as a URI reference.
    assert president["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "news/world/caf%C3%A9.txt"
    assert le["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "top%2Clevel%3Afile.txt"
    assert president["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1, "startColumn": 4, "endLine": 1, "endColumn": 13,
        "charOffset": 3, "charLength": 9, "snippet": {"text": "président"},
    }
    assert "fixes" not in president

    (quotes,) = by_rule["MT002"]
    assert quotes["message"]["text"] == result.findings[0].message
    (fix,) = quotes["fixes"]
    assert fix["description"]["text"] == "Use English quotation marks"
    assert fix["properties"]["applicability"] == "safe"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "news/world/caf%C3%A9.txt"
    # Applying the SARIF replacements reproduces qc's own fix.
    text = ARTICLE
    for rep in sorted(change["replacements"], key=lambda r: -r["deletedRegion"]["charOffset"]):
        off, n = rep["deletedRegion"]["charOffset"], rep["deletedRegion"]["charLength"]
        text = text[:off] + rep["insertedContent"]["text"] + text[off + n:]
    assert "“the economy is good”" in text

    (wordy,) = by_rule["MT003"]
    assert wordy["fixes"][0]["properties"]["applicability"] == "unsafe"
    assert wordy["fixes"][0]["artifactChanges"][0]["replacements"] == [
        {"deletedRegion": {"charOffset": ARTICLE.index("at this"), "charLength": len("at this moment in time")},
         "insertedContent": {"text": "now"}}
    ]

    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [e.describe() for e in result.errors]
    assert notes[1]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "news/feed.jsonl", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 3},
    }
    clean = json.loads(sarif.render(replace(result, errors=[])))["runs"][0]["invocations"][0]
    assert clean == {"executionSuccessful": True}


def _fps(r: ScanResult) -> list[str]:
    log = json.loads(sarif.render(r))
    return [res["partialFingerprints"]["qc/v1"] for res in log["runs"][0]["results"]]


def _shift(f: Finding, lines: int, chars: int) -> Finding:
    g = replace(f, line=f.line + lines, end_line=f.end_line + lines, start=f.start + chars, end=f.end + chars)
    if g.fix is not None:
        g = replace(g, fix=replace(g.fix, edits=tuple(Edit(e.start + chars, e.end + chars, e.replacement)
                                                      for e in g.fix.edits)))
    return g


def test_sarif_fingerprints_survive_edits_elsewhere(result):
    before = _fps(result)
    assert len(set(before)) == len(before)
    # Five lines inserted above everything: same fingerprints.
    moved = replace(result, findings=[_shift(f, 5, 120) for f in result.findings])
    assert _fps(moved) == before
    # Columns moving on the same line: same fingerprints.
    moved = replace(result, findings=[replace(f, column=f.column + 3, end_column=f.end_column + 3)
                                      for f in result.findings])
    assert _fps(moved) == before


def test_sarif_fingerprints_distinguish_what_matters(result):
    base = result.findings[2]  # MT001 on "président"
    assert base.text == "président"
    fp = sarif.fingerprint("MT001", base.path, "président", 0)
    assert fp == sarif.fingerprint("MT001", "./news\\world\\café.txt", "président", 0)
    assert fp != sarif.fingerprint("MT002", base.path, "président", 0)
    assert fp != sarif.fingerprint("MT001", "news/other.txt", "président", 0)
    assert fp != sarif.fingerprint("MT001", base.path, "presidente", 0)
    assert fp != sarif.fingerprint("MT001", base.path, "président", 1)
    # Two occurrences of the same word get distinct fingerprints, numbered in file order,
    # and the first keeps its fingerprint when a second one appears below it.
    alone = _fps(replace(result, findings=[base]))
    second = replace(base, line=9, end_line=9, start=500, end=509)
    both = _fps(replace(result, findings=[second, base]))
    assert both[0] == alone[0] and both[1] != both[0]


def _jsonl_finding() -> Finding:
    # As qc.scan.locate makes them: path is the article ref, line the record's line,
    # columns and offsets index the record's decoded "text" value.
    return Finding("MT001", "untranslated-word", "untranslated", "error", "m", 10, 14, "Herr",
                   Fix((Edit(10, 14, "Mr"),), "safe", "fix"), "data/feed.jsonl:3", 3, 11, 3, 15)


def test_sarif_jsonl_record():
    f = _jsonl_finding()
    g = replace(f, path="data/feed.jsonl:12", line=12, end_line=12)
    log = json.loads(sarif.render(ScanResult(findings=[g, f])))
    assert not list(_sarif_validator().iter_errors(log))
    first, second = log["runs"][0]["results"]
    for res, line in ((first, 3), (second, 12)):
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": "data/feed.jsonl", "uriBaseId": "%SRCROOT%"}
        assert loc["region"] == {"startLine": line, "endLine": line, "snippet": {"text": "Herr"}}
        assert res["properties"]["record"] == line
        assert (res["properties"]["textStart"], res["properties"]["textEnd"]) == (10, 14)
        assert "fixes" not in res
    # Same text in two records of one file: numbered in file order, record line not hashed.
    assert first["partialFingerprints"]["qc/v1"] == sarif.fingerprint("MT001", "data/feed.jsonl", "Herr", 0)
    assert second["partialFingerprints"]["qc/v1"] == sarif.fingerprint("MT001", "data/feed.jsonl", "Herr", 1)
    # A rule missing from result.rules still gets a descriptor.
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == ["MT001"]


def test_jsonl_record_in_github_and_junit():
    f = _jsonl_finding()
    assert github.render(ScanResult(findings=[f])) == (
        "::error file=data/feed.jsonl,line=3,endLine=3,title=MT001 (untranslated-word)::m\n"
    )
    case = ET.fromstring(junit.render(ScanResult(findings=[f]))).find("testsuite/testcase")
    assert (case.get("classname"), case.get("file")) == ("data/feed.jsonl:3", "data/feed.jsonl")
    assert split_ref("data/feed.jsonl:3") == ("data/feed.jsonl", 3)
    assert split_ref("c:/x/a.txt") == ("c:/x/a.txt", None)
    assert split_ref("odd:3") == ("odd:3", None)


def test_sarif_absolute_path_is_file_uri():
    f = Finding("MT001", "n", "c", "error", "m", 0, 1, "x", None, "/tmp/a b.txt", 1, 1, 1, 2)
    log = json.loads(sarif.render(ScanResult(findings=[f])))
    loc = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "file:///tmp/a%20b.txt"}


# ---------------------------------------------------------------- GitHub

GH_LINE = re.compile(r"^::(error|warning|notice) ((?:[A-Za-z]+=[^,:]*)(?:,[A-Za-z]+=[^,:]*)*)::(.*)$")


def _unescape(s: str) -> str:
    return (s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def _parse_gh(out: str) -> list[tuple[str, dict[str, str], str]]:
    parsed = []
    for line in out.splitlines():
        m = GH_LINE.match(line)
        assert m, line
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        parsed.append((m.group(1), {k: _unescape(v) for k, v in props.items()}, _unescape(m.group(3))))
    return parsed


def test_github_commands(result):
    out = github.render(result)
    assert out.endswith("\n")
    lines = out.splitlines()
    assert len(lines) == len(result.findings) + len(result.errors)
    parsed = _parse_gh(out)
    kinds = [p[0] for p in parsed]
    assert kinds == ["error", "warning", "notice", "error", "error", "error"]

    cmd, props, msg = parsed[0]
    assert props == {"file": "news/world/café.txt", "line": "1", "col": "4", "endLine": "1",
                     "endColumn": "13", "title": "MT001 (untranslated-word)"}
    assert msg == "Untranslated word 'président'"

    # Message escaping: % CR LF escaped, ',' and ':' kept in the message.
    raw = lines[1]
    assert raw.endswith("::Guillemets «» in English text, 100%25 wrong,%0D%0Areally: yes")
    assert parsed[1][2] == result.findings[0].message
    # Property escaping: ',' and ':' in the path.
    assert "file=top%2Clevel%3Afile.txt," in lines[3]
    assert parsed[3][1]["file"] == "top,level:file.txt"
    # Input errors become annotations too.
    assert parsed[4][1] == {"file": "news/bad.txt", "title": "qc (input error)"}
    assert parsed[5][1] == {"file": "news/feed.jsonl", "line": "3", "title": "qc (input error)"}
    assert parsed[5][2] == "malformed JSON record: Expecting value at column 1"


def test_github_escaping_functions():
    assert github.escape_data("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad:e,f"
    assert github.escape_property("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad%3Ae%2Cf"


def test_github_multiline_span_drops_columns():
    f = Finding("MT003", "wordy", "style", "info", "m", 0, 60, "x", None, "a.txt", 1, 5, 2, 3)
    (line,) = github.render(ScanResult(findings=[f])).splitlines()
    assert line == "::notice file=a.txt,line=1,endLine=2,title=MT003 (wordy)::m"


def test_github_empty():
    assert github.render(ScanResult()) == ""


# ---------------------------------------------------------------- JUnit


def test_junit_parses_and_counts(result):
    out = junit.render(result)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "qc"
    cases = suite.findall("testcase")
    failures = suite.findall("testcase/failure")
    errors = suite.findall("testcase/error")
    assert len(failures) == len(result.findings) == 4
    assert len(errors) == len(result.errors) == 2
    assert len(cases) == 4 + 2  # one per finding, one per input error
    for el in (root, suite):
        assert el.get("tests") == str(len(cases))
        assert el.get("failures") == str(len(failures))
        assert el.get("errors") == str(len(errors))
        assert int(el.get("failures")) + int(el.get("errors")) <= int(el.get("tests"))  # counts agree

    failed = [c for c in cases if c.find("failure") is not None]
    assert {c.get("classname") for c in failed} == {"news/world/café.txt", "top,level:file.txt"}
    main = [c.find("failure") for c in failed if c.get("classname") == "news/world/café.txt"]
    assert [f.get("type") for f in main] == ["MT001", "MT002", "MT003"]
    assert main[0].get("message") == "Untranslated word 'président'"
    assert main[0].text == "news/world/café.txt:1:4: MT001 Untranslated word 'président'"
    # Attribute values keep CR/LF through the XML round trip.
    assert main[1].get("message") == result.findings[0].message
    bad = [c for c in cases if c.find("error") is not None]
    assert bad[1].find("error").text == "news/feed.jsonl:3: malformed JSON record: Expecting value at column 1"

    # Without errors: 4 testcases, 4 failures.
    suite = ET.fromstring(junit.render(replace(result, errors=[]))).find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "4", "0")


def test_junit_survives_control_characters():
    f = Finding("MT001", "n", "c", "error", "bad \x0c\x00 char", 0, 1, "\x0b", None, "a\x01.txt", 1, 1, 1, 2)
    root = ET.fromstring(junit.render(ScanResult(findings=[f])))
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message") == "bad \\x0c\\x00 char"


def test_junit_empty():
    root = ET.fromstring(junit.render(ScanResult()))
    assert root.find("testsuite").get("tests") == "0"
    assert root.find("testsuite").findall("testcase") == []


# ---------------------------------------------------------------- end to end


def test_real_scan_output_is_valid(tmp_path, monkeypatch):
    """Scan .txt, .md (front matter) and .jsonl copies of a seed with the real engine and
    check every format against the files on disk."""
    from qc.config import Config
    from qc.scan import ScanOptions, scan_paths

    seed = sorted((FIXTURES.parent / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
    corpus = tmp_path / "corpus" / "sub dir"
    corpus.mkdir(parents=True)
    (corpus / "plain.txt").write_text(seed, encoding="utf-8")
    (corpus / "post.md").write_text("---\ntitle: Café\n---\n" + seed, encoding="utf-8")
    records = [json.dumps({"id": i, "text": seed}, ensure_ascii=False) for i in range(2)]
    (corpus / "feed.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    (corpus / "broken.txt").write_bytes(b"caf\xe9\n")
    monkeypatch.chdir(tmp_path)

    result, _ = scan_paths(["corpus"], Config(), ScanOptions())
    # The seed has known artefacts: every kind of file must carry findings, or the checks
    # below would validate nothing for it.
    flagged = {f.path.rsplit("/", 1)[-1].split(":", 1)[0] for f in result.findings}
    assert flagged == {"plain.txt", "post.md", "feed.jsonl"}, flagged
    assert [e.path.rsplit("/", 1)[-1] for e in result.errors] == ["broken.txt"]

    doc = json.loads(json_.render(result))
    jsonschema.validate(doc, json.loads(JSON_SCHEMA.read_text(encoding="utf-8")))
    assert len(doc["findings"]) == len(result.findings)

    log = json.loads(sarif.render(result))
    errors = list(_sarif_validator().iter_errors(log))
    assert not errors, [e.message for e in errors[:5]]
    files = {}
    for res in log["runs"][0]["results"]:
        loc = res["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        path = tmp_path / uri.replace("%20", " ")
        assert path.is_file(), uri
        text = files.setdefault(uri, path.read_text(encoding="utf-8"))
        region = loc["region"]
        lines = text.splitlines(keepends=True)
        if uri.endswith(".jsonl"):
            record = json.loads(lines[region["startLine"] - 1])
            p = res["properties"]
            assert record["text"][p["textStart"]:p["textEnd"]] == region["snippet"]["text"]
            continue
        # charOffset and line/column name the same span of the file on disk.
        span = text[region["charOffset"]:region["charOffset"] + region["charLength"]]
        assert span == region["snippet"]["text"]
        line_start = sum(len(x) for x in lines[: region["startLine"] - 1])
        assert line_start + region["startColumn"] - 1 == region["charOffset"]
        for fix in res.get("fixes", []):
            for rep in fix["artifactChanges"][0]["replacements"]:
                assert 0 <= rep["deletedRegion"]["charOffset"] <= len(text)
    assert {u.rsplit("/", 1)[-1] for u in files} == {"plain.txt", "post.md", "feed.jsonl"}

    gh = _parse_gh(github.render(result))
    assert len(gh) == len(result.findings) + len(result.errors)
    assert all((tmp_path / props["file"]).is_file() for _, props, _ in gh)

    root = ET.fromstring(junit.render(result))
    assert int(root.get("failures")) == len(result.findings)
    assert int(root.get("errors")) == len(result.errors)
