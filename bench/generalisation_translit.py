"""Issue #16 point 3: how far the transliteration rules (MT135, MT136, MT138, MT139) carry to
names no table lists.

    python bench/generalisation.py translit [--clean CLEAN.jsonl] [--mqm DEV.jsonl]

(a) held-out names — CC-CEDICT's foreign-name entries (the rows scripts/build_transliterations.py
    puts into foreign-names-pinyin.tsv and cjk-names.tsv) are split in two by entry (a hash of
    the characters). The tables are rebuilt from one half (the syllable odds, too); each
    held-out name is rendered in pinyin by a generator written here (it shares no code with
    the detector or the build: its own tone stripping and word splitting) as MT writes it —
    syllables joined per name part ("Bulinken"), split per syllable ("Bu Lin Ken"), and for
    Korean/Japanese/Vietnamese names family name first in two words ("Yin Xiyue") — in a
    sentence (for CJK names: one with a title and country word, one with a city nearby).
    Counted: flagged without the entry (by the structural mechanisms), then, with the full
    tables, flagged and fixed to the name's English spelling.
(b) precision — findings of the four rules per 1,000 words of clean-news (--clean), on the
    Chinese names of MQM dev (every name-like span of its annotated and unannotated text),
    and on fixtures/tricky-names.
(c) MQM dev by story — the 'Source language fragment' spans that are names, and how many the
    structural mechanisms alone (tables emptied) overlap, per story half.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from qc.fix import fix_text  # noqa: E402
from qc.lint.engine import Linter  # noqa: E402
from qc.lint.packs import default_rules, load_pack  # noqa: E402

PACK = ROOT / "rules" / "en" / "names.yaml"
DATA = ROOT / "rules" / "en" / "data" / "names"
RULES = ("MT135", "MT136", "MT138", "MT139")
TABLE_KEYS = ("table", "syllables", "surnames", "shape", "chinese")


# -- the generator: its own pinyin handling, nothing from qc/ or the build script --------------
def gen_syllables(cedict_pinyin: str) -> list[list[str]]:
    """Name parts ("·"-separated) as lists of toneless syllables, each with its capital flag."""
    parts = []
    for part in cedict_pinyin.split("·"):
        syllables = [re.sub(r"[1-5]$", "", s).replace("u:", "u") for s in part.split()]
        if syllables:
            parts.append(syllables)
    return parts


def renderings(cedict_pinyin: str, cjk: bool) -> dict[str, str]:
    """How MT writes the name: joined per part, one word per syllable, family name first."""
    parts = gen_syllables(cedict_pinyin)
    flat = [s for p in parts for s in p]
    if not flat or not all(re.fullmatch(r"[A-Za-z]+", s) for s in flat):
        return {}
    out = {"split": " ".join(s.capitalize() for s in flat)}
    if cjk:
        # CC-CEDICT capitalises the syllable that starts the family and the given name.
        words: list[str] = []
        for s in flat:
            if s[:1].isupper() or not words:
                words.append(s.lower())
            else:
                words[-1] += s.lower()
        out["family-first"] = " ".join(w.capitalize() for w in words)
        out["joined"] = "".join(words).capitalize()
    else:
        out["joined"] = " ".join("".join(p).lower().capitalize() for p in parts)
    return out


CJK_SENTENCES = {
    "Korea": ("South Korean Foreign Minister {r} arrived on Monday.", "{r} told reporters in Seoul on Monday that the talks had gone well."),
    "Japan": ("Japanese Prime Minister {r} arrived on Monday.", "{r} told reporters in Tokyo on Monday that the talks had gone well."),
    "Vietnam": ("Vietnamese leader {r} arrived on Monday.", "{r} told reporters in Hanoi on Monday that the talks had gone well."),
}
FOREIGN_SENTENCES = (
    "On Monday, {r} told reporters that the talks had gone well.",
    "President {r} arrived on Monday.",
    # MT139's shape is judged only in a text from Chinese news (its `source_cues`), as MT from
    # Chinese is: the same sentence with such a cue.
    "On Monday, {r} told reporters in Beijing that the talks had gone well.",
)


def held_out(characters: str) -> bool:
    return hashlib.sha1(characters.encode("utf-8")).digest()[0] % 2 == 1


# -- rule sets over other tables ----------------------------------------------------------------
def rules_over(folder: Path, empty: bool = False) -> list:  # type: ignore[type-arg]
    """MT135/136/138/139 as in the pack, reading their tables from `folder` (emptied if asked)."""
    import yaml

    pack = yaml.safe_load(PACK.read_text(encoding="utf-8"))
    if empty:
        (folder / "cjk-names.tsv").write_text("pinyin\tname\torigin\tfix\n", encoding="utf-8")
        (folder / "foreign-names-pinyin.tsv").write_text("pinyin\tname\torigin\tfix\talone\n", encoding="utf-8")
    rules = []
    for rule in pack["rules"]:
        if rule["id"] not in RULES:
            continue
        rule = {k: v for k, v in rule.items() if k != "examples"}
        for key in TABLE_KEYS:
            if key in rule:
                local = folder / Path(rule[key]).name
                rule[key] = str(local if local.exists() else PACK.parent / rule[key])
        rules.append(rule)
    (folder / "pack.yaml").write_text(yaml.safe_dump({"rules": rules}, allow_unicode=True), encoding="utf-8")
    return load_pack(folder / "pack.yaml")


def ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f}%" if whole else "0/0"


def flags(linter: Linter, text: str, target: str) -> bool:
    start = text.index(target)
    return any(f.start < start + len(target) and f.end > start for f in linter.lint(text))


def held_out_names() -> None:
    import build_transliterations as build

    entries = build.cedict_entries()
    full_foreign, full_cjk = build.build(entries, Path(tempfile.mkdtemp(prefix="qc-translit-full-")))
    leave_out = frozenset(r[3] for r in full_foreign + full_cjk if held_out(r[3]))
    half = Path(tempfile.mkdtemp(prefix="qc-translit-half-"))
    build.build(entries, half, leave_out)
    without = Linter(rules_over(half))
    full = Linter([r for r in load_pack(PACK) if r.id in RULES])
    pinyin_of = {e["simplified"]: e["pinyin"] for e in entries if e["pinyin"][:1].isupper()}
    counts: Counter[str] = Counter()
    for rows, cjk in ((full_foreign, False), (full_cjk, True)):
        group = "cjk" if cjk else "foreign"
        for row in rows:
            if row[3] not in leave_out or row[3] not in pinyin_of:
                continue
            fix = row[5]
            for style, rendering in renderings(pinyin_of[row[3]], cjk).items():
                templates = CJK_SENTENCES[row[2]] if cjk else FOREIGN_SENTENCES
                for number, template in enumerate(templates, 1):
                    text = template.format(r=rendering)
                    key = f"{group} {style} s{number}"
                    counts[key] += 1
                    counts[f"{key} flagged-without"] += flags(without, text, rendering)
                    if flags(full, text, rendering):
                        counts[f"{key} flagged-full"] += 1
                    if fix:
                        counts[f"{key} fixable"] += 1
                        fixed = fix_text(text, full.lint, unsafe=True).text
                        counts[f"{key} fixed"] += fixed == template.format(r=fix)
    print("(a) held-out CC-CEDICT names (half the entries, split by entry), rendered by the bench's generator")
    print("  sentences: s1 = no title, no country (foreign) / title and country word (CJK); s2 = 'President X' (foreign) / a city nearby (CJK);")
    print("  s3 = s1 with 'in Beijing' (foreign: a text from Chinese news, where MT139 judges a name's shape)")
    for group in ("foreign", "cjk"):
        for key in sorted(k for k in counts if k.startswith(group) and k.count(" ") == 2):
            print(
                f"  {key:25} flagged without the entry {ratio(counts[key + ' flagged-without'], counts[key])};"
                f" full table: flagged {ratio(counts[key + ' flagged-full'], counts[key])}, fixed right {ratio(counts[key + ' fixed'], counts[key + ' fixable'])}"
            )


# -- precision ------------------------------------------------------------------------------------
def articles(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def precision(clean: Path | None, mqm: Path | None) -> None:
    linter = Linter([r for r in load_pack(PACK) if r.id in RULES])
    print("(b) precision of MT135/MT136/MT138/MT139")
    lines = [l for l in (ROOT / "fixtures" / "tricky-names" / "sentences.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    noisy = [(l, f.rule, f.text) for l in lines for f in linter.lint(l)]
    print(f"  tricky-names: {len(lines)} sentences, findings {len(noisy)} {noisy[:5]}")
    if clean is not None:
        everything = Linter(default_rules())
        words, found, total = 0, [], 0
        for article in articles(clean):
            words += len(article.get("text", "").split())
            found += [(f.rule, f.text) for f in linter.lint(article.get("text", "")) if f.severity in ("warning", "error")]
            total += sum(1 for f in everything.lint(article.get("text", "")) if f.severity in ("warning", "error"))
        print(f"  clean-news: {words} words, warning+error findings {len(found)} = {1000 * len(found) / max(words, 1):.3f} per 1,000 words {found[:10]}")
        print(f"  clean-news, all default rules: {total} = {1000 * total / max(words, 1):.3f} per 1,000 words")
    if mqm is not None:
        fired, hit, shown = 0, 0, []
        for article in articles(mqm):
            spans = [(e["start"], e["end"]) for e in article.get("errors", []) if "start" in e]
            for f in linter.lint(article["text"]):
                fired += 1
                inside = any(s < f.end and e > f.start for s, e in spans)
                hit += inside
                if not inside:
                    shown.append((f.rule, f.text))
        print(f"  MQM dev: findings {fired}, overlapping an annotated span {ratio(hit, fired)}; outside: {shown[:10]}")
        chinese_names_in_context(linter, mqm)


CHINESE_NAME = re.compile(r"\b[A-Z][a-z]{1,5} [A-Z][a-z]+(?: [A-Z][a-z]+)?\b")


def chinese_names_in_context(linter: Linter, mqm: Path) -> None:
    """The pinyin names MT wrote in MQM dev (Chinese people: Zhao Chunshan, Li Yunjie), moved
    into sentences about other countries: how many would the rules flag?"""
    syllable = re.compile(r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:a|o|e|i|u|v|ai|ei|ao|ou|an|en|ang|eng|ong|er|ia|ie|iao|iu|ian|in|iang|ing|iong|ua|uo|uai|ui|uan|un|uang|ueng|ve|van|vn|ue|uan)")
    names: set[str] = set()
    for article in articles(mqm):
        for match in CHINESE_NAME.finditer(article["text"]):
            parts = match.group().lower().split()
            if all(re.fullmatch(rf"(?:{syllable.pattern}){{1,2}}", p) for p in parts) and len(parts[0]) <= 5:
                names.add(match.group())
    sentences = {
        "title, no country": "President {n} arrived on Monday.",
        "Seoul in the sentence": "Officials in Seoul said {n} would attend the talks.",
        "Tokyo in the sentence": "Officials in Tokyo said {n} would attend the talks.",
        "Hanoi in the sentence": "Officials in Hanoi said {n} would attend the talks.",
        "Chinese, then Seoul": "Chinese envoy {n} told officials in Seoul that the talks went well.",
    }
    for label, template in sentences.items():
        flagged = [n for n in sorted(names) if flags(linter, template.format(n=n), n)]
        print(f"  MQM dev pinyin names ({len(names)}, nearly all Chinese people) in '{label}' sentences: flagged {ratio(len(flagged), len(names))} {flagged[:8]}")


NAME_SPAN = re.compile(r"^[A-Z][a-z]+(?:[ -][A-Za-z][a-z]+)*(?:'s)?$")


def mqm_stories(mqm: Path) -> None:
    structural = Linter(rules_over(Path(tempfile.mkdtemp(prefix="qc-translit-empty-")), empty=True))
    full = Linter([r for r in load_pack(PACK) if r.id in RULES])
    counts: Counter[str] = Counter()
    for article in articles(mqm):
        half = "A" if held_out(article.get("story", article["id"])) else "B"
        names = [e for e in article.get("errors", []) if e.get("category") == "Accuracy/Source language fragment" and NAME_SPAN.match(e.get("span", ""))]
        if not names:
            continue
        by_structure = structural.lint(article["text"])
        by_all = full.lint(article["text"])
        for error in names:
            counts[half] += 1
            counts[f"{half} structural"] += any(f.start < error["end"] and f.end > error["start"] for f in by_structure)
            counts[f"{half} all"] += any(f.start < error["end"] and f.end > error["start"] for f in by_all)
    print("(c) MQM dev 'Source language fragment' spans that are names, by story half")
    for half in ("A", "B"):
        print(f"  stories {half}: structural mechanisms alone {ratio(counts[half + ' structural'], counts[half])}, with the tables {ratio(counts[half + ' all'], counts[half])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="generalisation.py translit")
    parser.add_argument("--clean", type=Path, help="clean-news articles (.jsonl)")
    parser.add_argument("--mqm", type=Path, help="MQM dev articles (.jsonl)")
    parser.add_argument("--class", dest="which", choices=("held-out", "precision", "mqm", "all"), default="all")
    args = parser.parse_args(argv)
    if args.which in ("held-out", "all"):
        held_out_names()
    if args.which in ("precision", "all"):
        precision(args.clean, args.mqm)
    if args.which in ("mqm", "all") and args.mqm is not None:
        mqm_stories(args.mqm)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
