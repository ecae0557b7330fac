"""Consensus rules in `qc scan` and `qc eval`: only over story groups of 3+ versions."""

from __future__ import annotations

import json
from pathlib import Path

BASE: list[str] = json.loads((Path(__file__).resolve().parent.parent / "fixtures" / "consensus" / "phones-4-versions.json").read_text(encoding="utf-8"))

WRONG = BASE[0].replace("35 million", "3.5 million")


def write_group(folder: Path, first: str = WRONG) -> list[Path]:
    paths = []
    for k, text in enumerate([first, *BASE[1:]]):
        path = folder / f"v{k + 1}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def scan_json(qc, *args: str, cwd: Path) -> dict:
    proc = qc("scan", *args, "--format", "json", "--no-cache", "--no-quality", cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def cn(doc: dict) -> list[dict]:
    return [f for f in doc["findings"] if f["rule"].startswith("CN")]


def test_scan_of_a_story_group_reports_the_divergent_number(qc, tmp_path: Path) -> None:
    write_group(tmp_path)
    found = cn(scan_json(qc, ".", cwd=tmp_path))
    assert [(f["path"], f["rule"], f["text"]) for f in found] == [("v1.txt", "CN102", "3.5 million")]
    finding = found[0]
    assert finding["fix"]["edits"][0]["replacement"] == "35 million" and finding["fix"]["applicability"] == "unsafe"
    assert [r["path"] for r in finding["related"]] == ["v2.txt", "v3.txt", "v4.txt"]
    assert all(r["line"] == 1 and r["column"] > 1 for r in finding["related"])


def test_single_files_pairs_and_peers_none_stay_silent(qc, tmp_path: Path) -> None:
    paths = write_group(tmp_path)
    assert cn(scan_json(qc, "v1.txt", cwd=tmp_path)) == []
    assert cn(scan_json(qc, "v1.txt", "v2.txt", cwd=tmp_path)) == []
    assert cn(scan_json(qc, ".", "--peers", "none", cwd=tmp_path)) == []
    assert cn(scan_json(qc, ".", "--ignore", "CN", cwd=tmp_path)) == []
    assert len(paths) == 4


def test_suppression_comments_apply(qc, tmp_path: Path) -> None:
    write_group(tmp_path, "<!-- qc: ignore-file CN102 -->\n" + WRONG)
    assert cn(scan_json(qc, ".", cwd=tmp_path)) == []


def test_sarif_carries_related_locations(qc, tmp_path: Path) -> None:
    write_group(tmp_path)
    proc = qc("scan", ".", "--format", "sarif", "--no-cache", cwd=tmp_path)
    results = [r for r in json.loads(proc.stdout)["runs"][0]["results"] if r["ruleId"] == "CN102"]
    assert len(results) == 1
    related = results[0]["relatedLocations"]
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in related] == ["v2.txt", "v3.txt", "v4.txt"]


def test_jsonl_groups_by_field_and_eval_measures_consensus(qc, tmp_path: Path) -> None:
    texts = [WRONG, *BASE[1:]]
    start = WRONG.index("3.5 million")
    records = [
        {"id": f"s{k}", "story": "phones", "text": t, "errors": ([{"start": start, "end": start + 11, "category": "Accuracy/Mistranslation", "severity": "Major"}] if k == 0 else [])}
        for k, t in enumerate(texts)
    ]
    data = tmp_path / "group.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    found = cn(scan_json(qc, "group.jsonl", "--peers", "story", cwd=tmp_path))
    assert [(f["path"], f["text"]) for f in found] == [("group.jsonl:1", "3.5 million")]
    assert [r["path"] for r in found[0]["related"]] == ["group.jsonl:2", "group.jsonl:3", "group.jsonl:4"]
    proc = qc("eval", "group.jsonl", "--peers", "story", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    consensus = json.loads(proc.stdout)["consensus"]
    assert consensus["findings"] == 1 and consensus["precision"] == 1.0
    recall = {c["category"]: c for c in consensus["recall_by_category"]}
    assert recall["Accuracy/Mistranslation (number or name)"] == {"category": "Accuracy/Mistranslation (number or name)", "spans": 1, "found": 1, "recall": 1.0}
    text = qc("eval", "group.jsonl", "--peers", "story", cwd=tmp_path).stdout
    assert "consensus findings" in text and "CN102" in text
