"""How far do the phrases rules generalise beyond the entries they were built from?

    python bench/generalisation_phrases.py [--clean CLEAN.jsonl] [--tricky DIR] [--seed 0]

Two classes, each split in halves by source entry (a hash of the entry, so the split is
the same on every run; --seed changes it):

- calqued terms: the dictionary-derived lexicon (rules/en/data/phrases/calques.tsv), split
  by source phrase (lang + foreign phrase). The literal renderings of the held-out half
  are put in a carrier sentence and linted (1) by the REST of qc (every built-in rule but
  the lexicon: frames, frequency cues, the other packs), (2) by the rest plus the lexicon
  built from the other half only, and (3) by the rest plus the full lexicon;
- false friends: the frame table (rules/en/data/phrases/false-friends.yaml), split by
  headword. The `bad` sentences of the held-out headwords are linted by the rest of qc
  (every rule but MT211, including the older false-friends pack), by the rest plus the
  frames of the other half, and by the rest plus all frames.

A held-out item counts as caught when a warning or error overlaps it (for calques: the
rendering's span). Recall is printed per class and per source language, with the share of
caught items that carry a fix and the fix accuracy: of the caught items, the share whose
fixed text is the expected one. For calques the expected text writes the conventional
term in place of the rendering, compared word by word up to inflection (for a verbal
rendering the term of its base-form row: the build script inflected the other rows' terms
itself, at times wrongly); a third set, "calques in the
past tense", puts the held-out verbal renderings ("put in evidence") after a subject in a
past-tense sentence and wants the conventional term exactly in the past ("highlighted").
For false friends a fix is right when the fixed sentence holds the headword's
replacement (a value of its `forms`, a word of a frame's `to`, or of a token's `=x`), or,
for a frame that deletes a token ("discussed about"), when the fix changed the sentence. Precision: warning+error findings per 1,000 words of
clean news (--clean, e.g. /work/shared/data/clean-news/articles.jsonl), of the phrases
rules alone and of all rules, and the findings on the tricky-but-correct corpus
(fixtures/tricky-phrases). `bench/generalisation.py` dispatches here.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qc.errors import QcError  # noqa: E402
from qc.fix import apply_edits, select_fixes  # noqa: E402
from qc.lint.engine import Linter  # noqa: E402
from qc.lint.kinds import load_kinds  # noqa: E402
from qc.lint.packs import default_rules  # noqa: E402
from qc.lint.rule import Rule  # noqa: E402

DATA = ROOT / "rules" / "en" / "data" / "phrases"
CALQUE_RULE = "MT212"
FRAME_RULE = "MT211"
PHRASES_RULES = {"MT211", "MT212", "MT213", "MT513", "MT514", "MT515"}
CARRIER = "Officials said on Monday that {} was still under discussion."
COUNTED = ("warning", "error")


def half_of(key: str, seed: int) -> int:
    return hashlib.sha1(f"{seed}:{key}".encode()).digest()[0] & 1


def with_data(rule: Rule, data: str) -> Rule:
    """A copy of `rule` reading another data file."""
    kinds = load_kinds()
    copy = dataclasses.replace(rule, params={**rule.params, "data": data}, matcher=None, pack=None)
    copy.matcher = kinds[rule.kind](copy)
    return copy


Item = tuple[str, str, int, int, "Expected"]  # (language, text, start, end, expected)


@dataclasses.dataclass(frozen=True)
class Expected:
    """What a right fix writes: `text` (the whole fixed text) compared word by word up to
    inflection, or exactly (`strict`); or, with `words`, any of them inside the fixed text."""

    text: str = ""
    strict: bool = False
    words: tuple[str, ...] = ()


WORD = re.compile(r"[\w'’-]+")


# A dictionary's "one's"/"oneself" stands for any possessive/reflexive.
PRONOUN_KEYS = {w: "POSS" for w in ("one's", "his", "her", "its", "their", "my", "our", "your")} | {
    w: "REFL" for w in ("oneself", "himself", "herself", "itself", "themselves", "myself", "ourselves", "yourself")
}


def lemma_key(word: str, lemmas: dict[str, str]) -> str:
    word = word.lower().replace("’", "'")
    if word in PRONOUN_KEYS:
        return PRONOUN_KEYS[word]
    if word in lemmas:
        return lemmas[word]
    for ending in ("es", "s"):
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)]
    return word


def fix_right(fixed: str, expected: Expected, lemmas: dict[str, str]) -> bool:
    if expected.words:
        low = f" {' '.join(WORD.findall(fixed.lower()))} "
        return any(f" {w.lower()} " in low if w else fixed != expected.text for w in expected.words)
    got, want = WORD.findall(fixed), WORD.findall(expected.text)
    if expected.strict:
        return [w.lower() for w in got] == [w.lower() for w in want]
    return [lemma_key(w, lemmas) for w in got] == [lemma_key(w, lemmas) for w in want]


def caught(linter: Linter, text: str, start: int, end: int) -> tuple[bool, bool, str]:
    """(a warning or error overlaps text[start:end], one of those has a fix, the text
    with those fixes applied, unsafe ones included)."""
    hits = [f for f in linter.lint(text) if f.severity in COUNTED and f.start < end and f.end > start]
    edits = [e for fix in select_fixes(hits, unsafe=True) for e in fix.edits]
    return bool(hits), any(f.fix is not None for f in hits), apply_edits(text, edits)


def verb_lemmas() -> dict[str, str]:
    """English verb form -> lemma, from the table MT212 inflects with (for comparing fixes)."""
    lemmas: dict[str, str] = {}
    for line in (DATA / "verb-forms.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            forms = line.split("\t")
            for form in forms:
                lemmas.setdefault(form, forms[0])
    return lemmas


def recall_table(title: str, items: list[Item], systems: dict[str, Linter]) -> dict[str, dict[str, float]]:
    """Prints recall per system, overall and per language, with the fix columns."""
    lemmas = verb_lemmas()
    counts: dict[str, dict[str, list[int]]] = {name: defaultdict(lambda: [0, 0, 0, 0]) for name in systems}
    for lang, text, start, end, expected in items:
        for name, linter in systems.items():
            hit, fixed, after = caught(linter, text, start, end)
            right = hit and fixed and fix_right(after, expected, lemmas)
            for key in ("all", lang):
                row = counts[name][key]
                row[0] += 1
                row[1] += hit
                row[2] += hit and fixed
                row[3] += right
    langs = sorted({item[0] for item in items})
    print(f"\n{title}: {len(items)} held-out items")
    print(f"  {'system':32s} " + " ".join(f"{k:>9s}" for k in ["all", *langs]) + "   with fix  fix right")
    result: dict[str, dict[str, float]] = {}
    for name in systems:
        row = counts[name]
        cells = []
        result[name] = {}
        for key in ["all", *langs]:
            total, hit, _, _ = row[key]
            result[name][key] = hit / total if total else 0.0
            cells.append(f"{100 * hit / total:8.1f}%" if total else f"{'-':>9s}")
        total, hit, fixed, right = row["all"]
        print(f"  {name:32s} " + " ".join(cells) + f"   {100 * fixed / hit if hit else 0:7.1f}%   {100 * right / hit if hit else 0:7.1f}%")
    return result


# -- calques ---------------------------------------------------------------------------------
def calque_rows() -> list[list[str]]:
    rows = []
    for line in (DATA / "calques.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def dictionary_terms(all_rows: list[list[str]]) -> dict[tuple[str, str], str]:
    """(source, rest of the rendering) -> the dictionary's term, for verbal renderings: the
    term of the row whose head is the base of an -ing head ("put" of "putting"); the build
    script inflected the other rows' terms itself, sometimes wrongly ("abandoneded")."""
    groups: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for _lang, literal, conventional, source in all_rows:
        head, _, rest = literal.partition(" ")
        groups[(source, rest)].setdefault(head, conventional)
    terms = {}
    for key, heads in groups.items():
        for head in heads:
            stem = head[:-3]
            base = next((b for b in (stem, stem + "e", stem[:-1]) if b in heads), None) if head.endswith("ing") and stem else None
            if base is not None:
                terms[key] = heads[base]
                break
    return terms


def calque_items(rows: Iterable[list[str]], all_rows: list[list[str]], limit_per_lang: int) -> list[Item]:
    """Held-out renderings in a carrier; the fix must write the dictionary's term (up to
    inflection)."""
    terms = dictionary_terms(all_rows)
    items: list[Item] = []
    per_lang: dict[str, int] = defaultdict(int)
    for lang, literal, conventional, source in rows:
        if per_lang[lang] >= limit_per_lang:
            continue
        per_lang[lang] += 1
        text = CARRIER.format(literal)
        start = text.index(literal)
        term = terms.get((source, literal.partition(" ")[2]), conventional)
        items.append((lang, text, start, start + len(literal), Expected(CARRIER.format(term))))
    return items


PAST_CARRIER = "Last year the young coach {} again."
PRONOUNS = {"his": ("his", "himself"), "her": ("her", "herself"), "their": ("their", "themselves"), "its": ("its", "itself")}


def past_items(rows: Iterable[list[str]], all_rows: list[list[str]], limit_per_lang: int) -> list[Item]:
    """Held-out verbal renderings (the lexicon holds their -ing form) in their past form,
    when the lexicon has it, after a subject: the fix must put the term in the past."""
    forms = {}  # lemma -> (VB, VBZ, VBD, VBN, VBG)
    for line in (DATA / "verb-forms.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            row = tuple(line.split("\t"))
            forms[row[0]] = row
    by_form = {form: lemma for lemma, row in forms.items() for form in row}
    literals = {(r[0], r[1]) for r in all_rows}
    terms = dictionary_terms(all_rows)
    items: list[Item] = []
    per_lang: dict[str, int] = defaultdict(int)
    for lang, literal, _conventional, source in rows:
        head, _, rest = literal.partition(" ")
        term = terms.get((source, rest))
        if term is None or head not in forms or per_lang[lang] >= limit_per_lang:
            continue  # not verbal, or not a base form
        words = term.removeprefix("to ").split(" ")
        if words[0] not in by_form:
            continue
        past = forms[head][2]
        if (lang, f"{past} {rest}") not in literals:
            continue
        per_lang[lang] += 1
        words[0] = forms[by_form[words[0]]][2]
        pronoun = next((PRONOUNS[w] for w in rest.split() if w in PRONOUNS), None)
        if pronoun:
            words = [pronoun[0] if w == "one's" else pronoun[1] if w == "oneself" else w for w in words]
        text = PAST_CARRIER.format(f"{past} {rest}")
        start = text.index(f" {past} {rest}") + 1
        items.append((lang, text, start, start + len(past) + 1 + len(rest), Expected(PAST_CARRIER.format(" ".join(words)), strict=True)))
    return items


def bench_calques(rules: list[Rule], seed: int, limit: int, tmp: Path) -> None:
    rows = calque_rows()
    train = [r for r in rows if half_of(r[0] + r[3], seed) == 0]
    test = [r for r in rows if half_of(r[0] + r[3], seed) == 1]
    half_table = tmp / "calques-half.tsv"
    half_table.write_text("".join("\t".join(r) + "\n" for r in train), encoding="utf-8")
    rest = [r for r in rules if r.id != CALQUE_RULE]
    lexicon = next(r for r in rules if r.id == CALQUE_RULE)
    systems = {
        "rest of qc (no lexicon)": Linter(rest),
        "rest + lexicon from other half": Linter([*rest, with_data(lexicon, str(half_table))]),
        "rest + full lexicon": Linter(rules),
    }
    print(f"calque lexicon: {len(rows)} renderings; built from {len(train)}, held out {len(test)} (at most {limit} per language tested)")
    recall_table("calqued terms (held-out renderings in a carrier sentence)", calque_items(test, rows, limit), systems)
    recall_table("calques in the past tense (held-out verbal renderings after a subject; fix exact)", past_items(test, rows, limit), systems)


# -- false friends ---------------------------------------------------------------------------
def replacements(entry: dict) -> tuple[str, ...]:
    """The words a right fix of this headword writes: its forms' replacements and its frames' `to`."""
    words = [str(v) for v in (entry.get("forms") or {}).values() if v]
    for frame in entry.get("frames") or ():
        spec = frame if isinstance(frame, dict) else {"frame": frame}
        if spec.get("to"):
            words += [w for w in re.sub(r"\{[^}]*\}", " ", str(spec["to"])).split(" ") if w]  # a template's own words
        words += [w.replace("_", " ") for w in re.findall(r"=(\S+)", str(spec["frame"]))]  # replaced tokens
        if re.search(r"\S!", str(spec["frame"])):
            words.append("")  # a deleted token: the fixed sentence itself is the check
    return tuple(words)


def bench_frames(rules: list[Rule], seed: int, tmp: Path) -> None:
    data = yaml.safe_load((DATA / "false-friends.yaml").read_text(encoding="utf-8"))
    entries = data["entries"]
    train = [e for e in entries if half_of(e["headword"], seed) == 0]
    test = [e for e in entries if half_of(e["headword"], seed) == 1]
    half_file = tmp / "false-friends-half.yaml"
    half_file.write_text(yaml.safe_dump({"classes": data["classes"], "entries": train}, allow_unicode=True), encoding="utf-8")
    rest = [r for r in rules if r.id != FRAME_RULE]
    frames = next(r for r in rules if r.id == FRAME_RULE)
    systems = {
        "rest of qc (no frames)": Linter(rest),
        "rest + frames from other half": Linter([*rest, with_data(frames, str(half_file))]),
        "rest + all frames": Linter(rules),
    }
    items = [(entry["langs"][0], text, 0, len(text), Expected(text=text, words=replacements(entry))) for entry in test for text in entry["bad"]]
    print(f"\nfalse-friend frames: {len(entries)} headwords; built from {len(train)}, held out {len(test)}")
    recall_table("false friends (bad sentences of held-out headwords; language: the first listed)", items, systems)


# -- precision -------------------------------------------------------------------------------
def findings_per_kwords(linter: Linter, texts: list[str], keep: Callable[[str], bool]) -> tuple[int, int]:
    found = words = 0
    for text in texts:
        words += len(text.split())
        found += sum(1 for f in linter.lint(text) if f.severity in COUNTED and keep(f.rule))
    return found, words


def bench_precision(rules: list[Rule], clean: Path | None, tricky: Path) -> None:
    linter = Linter(rules)
    print("\nprecision (warning + error findings)")
    corpora: list[tuple[str, list[str]]] = []
    if clean is not None:
        texts = [json.loads(line)["text"] for line in clean.read_text(encoding="utf-8").splitlines() if line.strip()]
        corpora.append((f"clean news ({clean.name}, {len(texts)} articles)", texts))
    corpora.append((f"tricky-but-correct ({tricky})", [p.read_text(encoding="utf-8") for p in sorted(tricky.glob("*.txt"))]))
    for name, texts in corpora:
        mine, words = findings_per_kwords(linter, texts, lambda rule: rule in PHRASES_RULES)
        everything, _ = findings_per_kwords(linter, texts, lambda rule: True)
        print(f"  {name}: {words} words; phrases rules {mine} ({1000 * mine / max(words, 1):.3f} per 1,000 words); all rules {everything} ({1000 * everything / max(words, 1):.3f} per 1,000)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generalisation of the phrases rules (calques, false friends).")
    parser.add_argument("--clean", type=Path, help="clean-news JSONL (records with `text`) for precision")
    parser.add_argument("--tricky", type=Path, default=ROOT / "fixtures" / "tricky-phrases")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=400, help="held-out calque renderings tested per language")
    args = parser.parse_args(argv)
    if args.clean is not None and not args.clean.is_file():
        print(f"error: {args.clean}: not a file", file=sys.stderr)
        return 2
    try:
        rules = default_rules()
        with tempfile.TemporaryDirectory() as tmp:
            bench_calques(rules, args.seed, args.limit, Path(tmp))
            bench_frames(rules, args.seed, Path(tmp))
        bench_precision(rules, args.clean, args.tricky)
    except (QcError, OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
