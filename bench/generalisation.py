"""Issue #16: how far the name rules generalise beyond their lists.

    python bench/generalisation.py names [--clean CLEAN.jsonl] [--class organisations|media|people|precision]
    python bench/generalisation.py phrases ...   # bench/generalisation_phrases.py, when present
    python bench/generalisation.py translit ...  # bench/generalisation_translit.py (names read in pinyin)

`names` prints, per name class:

(a) organisations — leave-one-out over the organisation gazetteers. For each body, a
    generator written here (it shares no code with the detectors: its own word classes,
    its own reordering) writes the name in French, Spanish and Russian word order
    ("Court Criminal International", "Bank Inter-American of the Development",
    "Inter-American Bank of Development"). With the body taken out of the gazetteer, how
    many calques do the name rules still flag (the structural detector MT132, or MT131
    through another entry)? With it in, how many are flagged and fixed to the body's name?
(b) media — for each outlet of rules/en/data/names/curated/media.tsv and each literal
    rendering of its name in data/names/media-literal.tsv, in a press context: flagged with
    the outlet's table row removed (only the structural cue MT134 can), and fixed to the
    outlet's name with it present, in a sentence that does not name the outlet's country and
    in one that does. The renderings come from the build script's dictionary
    translation, not from this generator: (b) measures the wiring and the structural cue.
(c) people — every pinyin reading of data/names/cjk-names.tsv and Russian spelling of
    data/names/russian-transliterations.tsv in a sentence naming the country: fixed?
(d) precision — findings of the names pack on fixtures/tricky-names/sentences.txt (each
    line is correct English) and per 1,000 words of the clean-news corpus (--clean).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qc.fix import fix_text  # noqa: E402
from qc.lint.engine import Linter  # noqa: E402
from qc.lint.packs import load_pack  # noqa: E402

PACK = ROOT / "rules" / "en" / "names.yaml"
DATA = ROOT / "rules" / "en" / "data" / "names"
GAZETTEERS = {"curated": DATA / "curated" / "organisations.tsv", "igo": DATA / "gazetteer-igo.tsv", "parties": DATA / "gazetteer-parties.tsv"}
NAME_RULES = ("MT131", "MT132")

# -- the calque generator: its own word classes, nothing from qc/ --------------------------------
GEN_ADJECTIVES = frozenset(
    "United Federal Supreme Central General Popular Social Democratic International National Civil Royal Islamic Arab Green Free "
    "New Grand Great Liberal Conservative Socialist Communist Republican Revolutionary Constitutional Criminal Electoral "
    "Economic Monetary Financial Atomic Nuclear Christian Progressive Radical Independent Patriotic Agrarian Civic Popular "
    "Islamic Meteorological Statistical Military European African Asian American French Dutch Czech "
    "Swiss Saudi Thai Greek Polish Danish Irish Welsh Scottish Turkish Spanish British Kurdish Finnish Swedish".split()
)
ADJECTIVE_ENDINGS = ("al", "an", "ian", "ic", "ese", "ish", "ary", "ive", "ean", "ern")
GEN_FUNCTION = {"of", "the", "for", "and", "on", "in", "to", "&"}


def generator_adjective(word: str) -> bool:
    return word in GEN_ADJECTIVES or (word[:1].isupper() and word.lower().endswith(ADJECTIVE_ENDINGS) and len(word) > 4)


def split_name(name: str) -> tuple[list[str], str, str] | None:
    """(modifiers, head, tail): "Inter-American Development Bank" -> ([Inter-American,
    Development], Bank, ""); "Bank of Japan" -> ([], Bank, "of Japan")."""
    words = name.split()
    cut = next((i for i, w in enumerate(words) if w in GEN_FUNCTION), len(words))
    core, tail = words[:cut], " ".join(words[cut:])
    if len(core) < 2 or any(not w[:1].isupper() for w in core):
        return None
    return core[:-1], core[-1], tail


def calques(name: str) -> dict[str, str]:
    """The name in French, Spanish and Russian word order (as MT renders it word by word)."""
    parts = split_name(name)
    if parts is None:
        return {}
    modifiers, head, tail = parts
    adjectives = [m for m in modifiers if generator_adjective(m)]
    nouns = [m for m in modifiers if not generator_adjective(m)]
    tail = f" {tail}" if tail else ""
    out = {}
    # French: head, adjectives after it (nearest first), noun modifiers as "of" phrases.
    french = [head] + list(reversed(adjectives)) + [f"of {n}" for n in reversed(nouns)]
    out["fr"] = " ".join(french) + tail
    # Spanish: the same with the article inside the "of" phrases ("del Comercio").
    spanish = [head] + list(reversed(adjectives)) + [f"of the {n}" for n in reversed(nouns)]
    out["es"] = " ".join(spanish) + tail
    # Russian: adjectives stay before the head; noun modifiers follow it (genitive).
    if nouns:
        out["ru"] = " ".join(adjectives + [head] + [f"of {n}" for n in reversed(nouns)]) + tail
    return {k: v for k, v in out.items() if v != name}


# -- (a) organisations ------------------------------------------------------------------------
def read_table(path: Path) -> list[dict[str, str]]:
    lines = [l for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, l.split("\t") + [""] * len(header))) for l in lines[1:]]


def forms_of(row: dict[str, str]) -> set[str]:
    return {row["name"], *(v.strip() for v in row.get("variants", "").split(";") if v.strip())}


class Withdrawal:
    """Takes one body out of the shared gazetteer index for a while (leave-one-out)."""

    def __init__(self, index: object, name: str) -> None:
        self.index, self.name, self.saved = index, name, []

    def __enter__(self) -> None:
        # Its bags, and its word-order evidence ("Development Bank" for "Bank of Development").
        index = self.index
        tables = (index.exact, index.loose, index.compounds, index.complements, index.bare_after_of, index.the_after_of)  # type: ignore[attr-defined]
        for table in tables:
            for key, bodies in table.items():
                if any(b.name == self.name for b in bodies):
                    self.saved.append((table, key, list(bodies)))
                    bodies[:] = [b for b in bodies if b.name != self.name]

    def __exit__(self, *exc: object) -> None:
        for table, key, bodies in self.saved:
            table[key][:] = bodies


def organisations(linter: Linter, index: object, limit: int | None) -> None:
    print("(a) organisations: leave-one-out over the gazetteers (calques by this script's generator)")
    print(f"  {'source':9} {'order':5} {'calques':>7} {'flagged w/o entry':>18} {'flagged with':>13} {'fixed right':>12}")
    for source, path in GAZETTEERS.items():
        rows = read_table(path)
        if limit and len(rows) > limit:
            rows = rows[:: max(1, len(rows) // limit)][:limit]
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for row in rows:
            name = row["name"].strip()
            for order, calque in calques(name).items():
                if calque in forms_of(row):
                    continue
                text = f"Officials of the {calque} met on Monday."
                span = (len("Officials of "), len("Officials of the ") + len(calque))
                counts[order]["calques"] += 1
                with Withdrawal(index, name):
                    if flagged(linter, text, span):
                        counts[order]["absent"] += 1
                if flagged(linter, text, span):
                    counts[order]["present"] += 1
                    fixed = fix_text(text, lambda t: [f for f in linter.lint(t) if f.rule in NAME_RULES], unsafe=True).text
                    if any(f"the {form} met" in fixed or f"{form} met" in fixed for form in forms_of(row)):
                        counts[order]["fixed"] += 1
        for order in ("fr", "es", "ru"):
            c = counts[order]
            print(f"  {source:9} {order:5} {c['calques']:7} {ratio(c['absent'], c['calques']):>18} {ratio(c['present'], c['calques']):>13} {ratio(c['fixed'], c['calques']):>12}")


def flagged(linter: Linter, text: str, span: tuple[int, int]) -> bool:
    return any(f.rule in NAME_RULES and f.start < span[1] and span[0] < f.end for f in linter.lint(text))


def ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} {100 * part / whole:5.1f}%" if whole else "-"


# -- (b) media ----------------------------------------------------------------------------------
def media(pack_rules: list) -> None:  # type: ignore[type-arg]
    print("(b) media: literal renderings in a press context")
    rows = read_table(DATA / "media-literal.tsv")
    table_rule = next(r for r in pack_rules if r.id == "MT133")
    cue_rule = next(r for r in pack_rules if r.id == "MT134")
    with_table = Linter([table_rule, cue_rule])
    cue_only = Linter(cue_rules_without_table(("MT134",)))
    counts: Counter[str] = Counter()
    for row in rows:
        literal = row["literal"]
        # A rendering that ends in its own outlet word ("Morning Sun News") needs no other.
        own_type = literal.split()[-1] in ("Newspaper", "News", "Daily", "Journal", "Gazette", "Agency", "Paper")
        core = literal.removeprefix("The ")
        phrase = f"the {core}" if own_type else f"the {core} newspaper"
        # Bare, as in a wire story that never names the country; and as MT'd stories mostly
        # are, in a sentence that names the outlet's country.
        contexts = {"bare": f"According to {phrase}, the talks failed.", "country": f"According to {phrase}, the talks in {row['country']} failed."}
        counts["renderings"] += 1
        if any(f.rule == "MT134" for f in cue_only.lint(contexts["bare"])):
            counts["absent"] += 1
        for context, text in contexts.items():
            found = [f for f in with_table.lint(text) if f.rule == "MT133"]
            if found:
                counts[f"{context} present"] += 1
                fixed = fix_text(text, lambda t: [f for f in with_table.lint(t) if f.rule == "MT133"], unsafe=True).text
                if row["name"] in fixed:
                    counts[f"{context} fixed"] += 1
    n = counts["renderings"]
    print(f"  renderings {n}; flagged by the structural cue alone (table row removed) {ratio(counts['absent'], n)}")
    for context, label in (("bare", "no country named"), ("country", "the outlet's country named in the sentence")):
        print(f"  {label}: flagged with the table {ratio(counts[f'{context} present'], n)}; fixed to the outlet's name {ratio(counts[f'{context} fixed'], n)}")
    print("  (renderings that are also English outlets' names, 'The Mirror', and shared ones, 'The World', need the country)")


# -- (c) people ---------------------------------------------------------------------------------
COUNTRY_SENTENCE = {"Korea": "in Seoul", "Japan": "in Tokyo", "Vietnam": "in Hanoi"}


def people(linter: Linter) -> None:
    print("(c) people: names through the wrong language")
    counts: Counter[str] = Counter()
    for row in read_table(DATA / "cjk-names.tsv"):
        text = f"Officials said {row['pinyin']} arrived {COUNTRY_SENTENCE.get(row['origin'], 'in Seoul')} on Monday."
        counts["cjk"] += 1
        fixed = fix_text(text, lambda t: [f for f in linter.lint(t) if f.rule == "MT135"], unsafe=True).text
        if any(f.rule == "MT135" for f in linter.lint(text)):
            counts["cjk flagged"] += 1
        if f" {row['name']} arrived" in fixed:
            counts["cjk fixed"] += 1
    for row in read_table(DATA / "russian-transliterations.tsv"):
        text = f"Officials said {row['spelling']} arrived in Moscow on Monday."
        counts["ru"] += 1
        fixed = fix_text(text, lambda t: [f for f in linter.lint(t) if f.rule == "MT137"], unsafe=True).text
        if f" {row['english']} arrived" in fixed:
            counts["ru fixed"] += 1
    # Without the table (its rows removed): the structural cues alone, MT136 (a country word
    # and a title before a pinyin name) and MT138 (a two-syllable family name that is no
    # Chinese surname), on each two-word reading in a titled sentence.
    tableless = Linter(cue_rules_without_table())
    for row in read_table(DATA / "cjk-names.tsv"):
        if len(row["pinyin"].split()) != 2:
            continue
        origin = {"Korea": "South Korean", "Japan": "Japanese", "Vietnam": "Vietnamese"}.get(row["origin"], "South Korean")
        counts["cue"] += 1
        text = f"{origin} Foreign Minister {row['pinyin']} arrived on Monday."
        if any(f.text == row["pinyin"] for f in tableless.lint(text)):
            counts["cue flagged"] += 1
    print(f"  Korean/Japanese/Vietnamese pinyin readings: flagged {ratio(counts['cjk flagged'], counts['cjk'])}, fixed {ratio(counts['cjk fixed'], counts['cjk'])}")
    print(f"  Russian names in French/German spelling: fixed {ratio(counts['ru fixed'], counts['ru'])}")
    print(f"  the same readings with the table emptied, flagged by the cues MT136/MT138 alone: {ratio(counts['cue flagged'], counts['cue'])}")
    print("  (the table figures replay the tables: they check the matching, not names the tables lack)")


def cue_rules_without_table(ids: tuple[str, ...] = ("MT136", "MT138")) -> list:  # type: ignore[type-arg]
    """The structural rules as in the pack, with their table emptied (MT136, MT138) or left
    out (MT134): what they find without the entry."""
    import tempfile

    import yaml

    pack = yaml.safe_load(PACK.read_text(encoding="utf-8"))
    folder = Path(tempfile.mkdtemp(prefix="qc-gen-"))
    (folder / "empty.tsv").write_text("pinyin\tname\torigin\n", encoding="utf-8")
    rules = []
    for rule in pack["rules"]:
        if rule["id"] in ids:
            rule = {k: v for k, v in rule.items() if k != "examples"}
            for key in ("syllables", "surnames", "english_outlets", "demonyms", "structure", "places"):
                if key in rule:
                    rule[key] = str(PACK.parent / rule[key])
            if rule["id"] == "MT134":
                rule.pop("table", None)
            else:
                rule["table"] = str(folder / "empty.tsv")
            rules.append(rule)
    (folder / "pack.yaml").write_text(yaml.safe_dump({"rules": rules}, allow_unicode=True), encoding="utf-8")
    return load_pack(folder / "pack.yaml")


# -- (d) precision ------------------------------------------------------------------------------
def precision(linter: Linter, clean: Path | None) -> None:
    print("(d) precision")
    lines = [l for l in (ROOT / "fixtures" / "tricky-names" / "sentences.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    noisy = [(l, f.rule) for l in lines for f in linter.lint(l)]
    print(f"  tricky-but-correct corpus: {len(lines)} sentences, findings {len(noisy)}, silent sentences {ratio(len(lines) - len({l for l, _ in noisy}), len(lines))}")
    for line, rule in noisy[:10]:
        print(f"    {rule}: {line}")
    if clean is None:
        print("  clean-news: pass --clean PATH")
        return
    words = 0
    per_rule: Counter[str] = Counter()
    for text in articles(clean):
        words += len(text.split())
        per_rule.update(f.rule for f in linter.lint(text) if f.severity in ("warning", "error"))
    total = sum(per_rule.values())
    print(f"  clean-news: {words} words, warning+error findings of the names pack {total} = {1000 * total / max(words, 1):.3f} per 1,000 words {dict(per_rule)}")


def articles(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line).get("text", "")


def names_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="generalisation.py names")
    parser.add_argument("--clean", type=Path, help="clean-news articles (.jsonl) for the false-positive rate")
    parser.add_argument("--class", dest="which", choices=("organisations", "media", "people", "precision", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="at most this many bodies per gazetteer (evenly sampled)")
    args = parser.parse_args(argv)
    rules = load_pack(PACK)
    linter = Linter(rules)
    meaning = next(r for r in rules if r.id == "MT131").matcher
    from qc.lint.kinds.name_meaning import build_index

    index = build_index(*meaning.sources)
    if args.which in ("organisations", "all"):
        organisations(linter, index, args.limit)
    if args.which in ("media", "all"):
        media(rules)
    if args.which in ("people", "all"):
        people(linter)
    if args.which in ("precision", "all"):
        precision(linter, args.clean)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv.pop(0) if argv and not argv[0].startswith("-") else "names"
    if command == "names":
        return names_main(argv)
    if command == "phrases":
        sys.path.insert(0, str(ROOT / "bench"))
        try:
            import generalisation_phrases  # type: ignore[import-not-found]
        except ImportError:
            print("bench/generalisation_phrases.py is not there yet", file=sys.stderr)
            return 2
        return int(generalisation_phrases.main(argv) or 0)
    if command == "translit":
        sys.path.insert(0, str(ROOT / "bench"))
        import generalisation_translit  # type: ignore[import-not-found]

        return int(generalisation_translit.main(argv) or 0)
    print(f"unknown class {command!r}: names, phrases or translit", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
