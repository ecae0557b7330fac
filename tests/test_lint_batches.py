"""The lint engine's batch paths and shortcuts against plain references kept here.

Each kind has one implementation, written for a batch of texts (`Linter.lint` lints a
batch of one). These tests compare what the array code finds with a straightforward
reference (a brute-force search, a find loop) on the fixture articles and on perturbed
copies of them (doubled words, odd capitals, stray punctuation, acronyms, non-ASCII
letters), check that cutting a corpus into batches changes no finding, and that the
remaining shortcuts (prefilters, settled articles, guards) skip only what the plain
check would not report.
"""

from __future__ import annotations

import json
import pickle
import random
import re
import sys
from pathlib import Path

import pytest

import qc.lint.engine as engine
from qc.lint.document import Batch, Document, is_word_char
from qc.lint.engine import Linter, batches, is_wordlike
from qc.lint.kinds.calque import LOWER_TO_ASCII
from qc.lint.kinds.repetition import CANDIDATE_WORDS, WHITESPACE, batch_repeat_candidates
from qc.lint.packs import default_rules

ROOT = Path(__file__).resolve().parent.parent
NONSPACE = re.compile(r"\S+")  # the tokens of str.split(), as a regex
INSERTS = [
    "the the", "a apple", "an university", "A European", "an hour", "UN", "un", "US", "us", "EU", "U\u212a", "\u0130N",
    "OTAN", "otan", "(OMS)", "the NATO", "Organization of cooperation from Shanghai", "Council of Security of the UN",
    "“", "”", '"', "'s", "’s", ". of", "”. and", "(", "date 2023-02-01", "Updated 09:41 GMT", "JThe", "said The",
    "in At the", "ok ok ok", "Xi as Xi's", "an euro", "an one-off", "a hour", "an utility", "a 8-year-old",
    "An USB", "a MP", "&amp;", "Ã©", "中国", "«", "»", " :", "\n\n", "\t", "—", "‘", "5 people",
]


def fixture_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for path in (ROOT / "fixtures" / "dedup" / "cleannews_a.jsonl", ROOT / "fixtures" / "mqm" / "sample.jsonl"):
        with path.open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()][:40]
    return texts


def perturb(text: str, seed: int) -> str:
    rnd = random.Random(seed)
    words = text.split(" ")
    for _ in range(max(4, len(words) // 15)):
        i = rnd.randrange(len(words) + 1)
        op = rnd.random()
        if op < 0.5:
            words.insert(i, rnd.choice(INSERTS))
        elif op < 0.7 and i < len(words):
            words.insert(i, words[i])
        elif op < 0.85 and i < len(words):
            words[i] = words[i].upper()
        elif i < len(words):
            words[i] = words[i] + rnd.choice(".,;:!?")
    return " ".join(words)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    base = fixture_texts()
    return base + [perturb(t, i) for i, t in enumerate(base)] + [" ".join(INSERTS), "a a a", "an an", "A", ""]


@pytest.fixture(scope="module")
def rules():  # type: ignore[no-untyped-def]
    return default_rules()


@pytest.fixture(params=["arrays", "plain"])
def batch_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both paths of the batch hooks: the array code (any batch above PLAIN_BATCH_CHARS) and
    the plain per-text code of a small batch (Batch.small), whatever the batch's size."""
    import qc.lint.document as document

    monkeypatch.setattr(document, "PLAIN_BATCH_CHARS", -1 if request.param == "arrays" else 10**12)
    return request.param


def keys(findings) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(f.rule, f.start, f.end, f.message, f.fix) for f in findings]


def test_fixture_texts_are_flagged(texts: list[str], rules) -> None:  # type: ignore[no-untyped-def]
    """The comparisons below are only worth something if the texts hit the rules involved."""
    linter = Linter(rules)
    fired = {f.rule for t in texts for f in linter.lint(t)}
    assert {"MT501", "MT503", "MT701", "MT112", "MT121", "MT403", "MT502", "MT603", "MT607"} <= fired


def brute_force_repeats(tokens: list[str]) -> list[tuple[int, list[int]]]:
    """(n, starts of an n-token run followed by the same n tokens) for n = 1..CANDIDATE_WORDS."""
    found = []
    for n in range(1, CANDIDATE_WORDS + 1):
        if len(tokens) < 2 * n:
            break
        starts = [i for i in range(len(tokens) - 2 * n + 1) if tokens[i : i + n] == tokens[i + n : i + 2 * n]]
        if starts:
            found.append((n, starts))
    return found


def random_batch_text(rnd: random.Random) -> str:
    """Tokens from a small vocabulary (so that repeats are common), some differing only
    in the middle (equal length, first and last letters: the batch keys' blind spot),
    separated by any of str.split()'s whitespace, with the odd lone surrogate."""
    vocab = ["a", "b", "the", "A", "b.", "form", "from", "taxes", "takes", "é", "\ud800", "x\ud83dy", "中国"]
    vocab = vocab[: rnd.randint(1, len(vocab))]
    spaces = [" ", "  ", "\n", "\t ", *WHITESPACE]
    return "".join(rnd.choice(vocab) + rnd.choice(spaces) for _ in range(rnd.randint(0, 40)))


def test_batch_repeat_candidates_equal_brute_force(batch_path: str) -> None:
    """The repetition view, computed over many texts joined, is each text's own by the
    brute-force definition: same candidates, same token spans, none across two texts."""
    rnd = random.Random(3)
    proposed = 0
    for trial in range(200):
        texts = [random_batch_text(rnd) for _ in range(rnd.randint(1, 12))]
        batch = Batch([Document(t) for t in texts])
        batch_repeat_candidates(batch)
        for text, doc in zip(texts, batch.docs):
            expected = brute_force_repeats(doc.lower.split())
            assert doc.scratch.repeat_candidates == expected, (trial, text)
            proposed += len(expected)
            if expected:
                assert list(doc.scratch.token_spans) == [m.span() for m in NONSPACE.finditer(doc.lower)]
    assert proposed > 300, "too few repeats: the comparison proves little"


def test_repeat_candidates_of_long_phrases_and_the_seeds(batch_path: str) -> None:
    """Random token soups (many repeats, phrases up to CANDIDATE_WORDS) and the seed articles."""
    rng = random.Random(7)
    vocab = ["the", "of", "a", "statement.", "statement", "in", "March,", "x", "é", "😀"]
    texts = [" ".join(rng.choice(vocab[: rng.randint(1, len(vocab))]) for _ in range(rng.randint(0, 300))) for _ in range(300)]
    texts += ["", "one", "a a"] + [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    batch = Batch([Document(t) for t in texts])
    batch_repeat_candidates(batch)
    found = 0
    for doc in batch.docs:
        expected = brute_force_repeats(doc.lower.split())
        assert doc.scratch.repeat_candidates == expected
        found += sum(n > 1 for n, _ in expected)
    assert found > 50, "too few repeated phrases: the comparison proves little"


def test_whitespace_is_what_str_split_splits_at() -> None:
    assert set(WHITESPACE) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


def test_batching_changes_no_finding(texts: list[str], rules, batch_path: str) -> None:  # type: ignore[no-untyped-def]
    """A text's findings do not depend on the texts batched with it (joined into one
    string, a text's edges meet its neighbours'): lint (a batch of one) equals lint_many
    over all the texts and over small batches."""
    linter = Linter(rules)
    one_by_one = [keys(linter.lint(t)) for t in texts]
    assert [keys(f) for f in linter.lint_many(texts)] == one_by_one
    # in small batches too (so that texts meet batch edges), and a batch of one
    small = [keys(f) for batch in batches(texts, len, max_items=3) for f in linter.lint_many(batch)]
    assert small == one_by_one
    assert linter.lint_many([]) == []


def test_batches_cut_by_count_and_size() -> None:
    assert list(batches(["ab", "c", "def", "g"], len, max_chars=3)) == [["ab", "c"], ["def"], ["g"]]
    assert list(batches(range(5), lambda _: 1, max_items=2)) == [[0, 1], [2, 3], [4]]
    assert list(batches([], len)) == []


def test_engine_trigger_scan_equals_trigger_literals(texts: list[str], rules, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Matchers with few triggers test them with `in`; with every trigger in the automaton
    (FEW_TRIGGERS = 0, the engine as it was) the findings are the same."""
    fast = Linter(rules)
    assert fast.scanned_triggers, "no matcher uses the `in` test: the comparison would be empty"
    monkeypatch.setattr(engine, "FEW_TRIGGERS", 0)
    slow = Linter(rules)
    assert not slow.scanned_triggers
    for text in texts:
        assert keys(fast.lint(text)) == keys(slow.lint(text))


def test_articles_after_spaces_equal_the_literal_pass(texts: list[str], rules) -> None:  # type: ignore[no-untyped-def]
    """MT701 finds " a " / " an " with str.find; the reference calls at() for every
    occurrence of <before>a / <before>an in the lowercase text, as the literal pass did."""
    rule = next(r for r in rules if r.id == "MT701")
    linter = Linter([rule])
    befores = (" ", "\n", "\t", "“", '"', "(", "‘", "—", "[", "'")
    for text in texts:
        doc = Document(text)
        expected = []
        low = doc.lower
        if low.startswith("a "):
            expected += rule.matcher.at(doc, 0, 2)
        elif low.startswith("an "):
            expected += rule.matcher.at(doc, 0, 3)
        for before in befores:
            for phrase in (before + "a ", before + "an "):
                i = low.find(phrase)
                while i >= 0:
                    expected += rule.matcher.at(doc, i + 1, i + len(phrase))
                    i = low.find(phrase, i + 1)
        assert keys(linter.lint(text)) == keys(engine.dedupe(expected))


def test_lower_to_ascii_lists_every_such_character() -> None:
    found = tuple(c for c in map(chr, range(sys.maxunicode + 1)) if not c.isascii() and c.lower()[:1].isascii())
    assert found == LOWER_TO_ASCII


def test_pattern_regexes_recompile_after_the_rules_cache(texts: list[str], rules) -> None:  # type: ignore[no-untyped-def]
    """Pattern rules leave their compiled regexes out of the pickle and compile them on use."""
    patterns = [r for r in rules if r.kind == "pattern"]
    loaded = pickle.loads(pickle.dumps(patterns))
    assert all("regex" not in r.matcher.__dict__ and "unless" not in r.matcher.__dict__ for r in loaded)
    for text in texts:
        assert keys(Linter(patterns).lint(text)) == keys(Linter(loaded).lint(text))


# The look-aheads added to the garbles pack only to fail fast: without them, the same matches.
LOOKAHEADS = {"MT601": "(?=(?i:[dulpmt]))", "MT603": "(?=[A-Z][a-z])", "MT607": "(?=[ABDFINOTUW])"}


@pytest.mark.parametrize("rule_id", sorted(LOOKAHEADS))
def test_pack_lookaheads_change_no_match(rule_id: str, texts: list[str], rules) -> None:  # type: ignore[no-untyped-def]
    rule = next(r for r in rules if r.id == rule_id)
    source = rule.params["pattern"]
    assert LOOKAHEADS[rule_id] in source
    flags = re.MULTILINE if "multiline" in rule.params.get("flags", []) else 0
    fast, plain = re.compile(source, flags), re.compile(source.replace(LOOKAHEADS[rule_id], ""), flags)
    seen = 0
    for text in texts:
        a = [(m.span(), m.groupdict()) for m in fast.finditer(text)]
        assert a == [(m.span(), m.groupdict()) for m in plain.finditer(text)]
        seen += len(a)
    assert seen, f"{rule_id} never matched: the comparison proves nothing"


def test_small_number_prefilter_matches_wherever_the_figure_regex_does(texts: list[str], rules, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import re2

    from qc.lint.kinds.small_number import PREFILTER, SmallNumber

    rule = next(r for r in rules if r.id == "MT409")
    figure = rule.matcher.figure

    rng = random.Random(5)
    parts = ["", " ", "(", "é", "x", "$", "\n", "May ", "No. ", "-", "\u2003", "5", "7 ", "new ", "big ", "of ", "people", "cases", "dogs", "percent ", "s", ".", "A"]
    extra = ["5 people", "(3 new cases)", "said 2 of the big new plans", "é5 dogs", "\u20035 dogs", "x5 dogs", "on May 5 votes"]
    extra += ["".join(rng.choice(parts) for _ in range(rng.randint(2, 9))) for _ in range(3000)]
    prefilter = re2.compile(PREFILTER)
    hits = 0
    for text in [*texts, *extra]:
        if figure.search(text):
            hits += 1
            assert prefilter.search(text), text
    assert hits > 10, "the figure regex hardly matched: the comparison proves little"
    fast = Linter([rule])
    monkeypatch.setattr(SmallNumber, "prefilter", lambda self: None)
    slow = Linter([rule])
    assert fast.prefilters and not slow.prefilters
    for text in [*texts, *extra]:
        assert keys(fast.lint(text)) == keys(slow.lint(text))


# No built-in rule uses the collocation kind since MT211's frames took over its false
# friends: two rules in the shape of the retired MT201 and MT207 exercise it.
COLLOCATION_PACK = """pack: t
language: en
rules:
  - id: XX201
    name: actual-for-current
    kind: collocation
    category: mistranslation/calque
    severity: warning
    message: m
    forms: {actual: current}
    max_gap: 0
    objects: [president, prime minister, government, leader, minister]
  - id: XX207
    name: make-a-conference
    kind: collocation
    category: mistranslation/calque
    severity: warning
    message: m
    forms: {make: hold, makes: holds, made: held, making: holding}
    max_gap: 2
    objects: [press conference, news conference, conference, referendum, plenary session, congress]
    exceptions: [made at a press conference, make it to the conference]
"""


def test_collocation_object_precheck_changes_nothing(texts: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """objects_possible() only skips hits that find_object would reject."""
    from qc.lint.kinds.collocation import Collocation
    from qc.lint.packs import load_pack

    pack = tmp_path / "collocation.yaml"
    pack.write_text(COLLOCATION_PACK, encoding="utf-8")
    rules = load_pack(pack)

    extra = [
        "They made a press conference. Made a plenary session. made the news conference",
        "The actual president and the actual leader's car; the actual prime minister",
        "She made the conference, then made it. made congress's referendum",
        "made referendum. the actual president; make conference",
    ]
    linter = Linter([r for r in rules if r.kind == "collocation"])
    fast = [keys(linter.lint(text)) for text in [*texts, *extra]]
    monkeypatch.setattr(Collocation, "objects_possible", lambda self, doc, end: True)
    slow = [keys(linter.lint(text)) for text in [*texts, *extra]]
    assert fast == slow
    assert sum(map(len, fast)) >= 5


def test_gazetteer_fast_paths_equal_the_plain_checks(texts: list[str], rules, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Guards worked out at load (guarded) and the lowercase skip equal contained_in() and
    capitals_match() run on every hit, as on_word did."""
    from qc.lint.kinds import gazetteer

    def plain_capitals(found: str, listed: str) -> bool:
        if len(found) != len(listed):
            return found == listed
        return all(not b.isupper() or a.isupper() for a, b in zip(found, listed))

    rng = random.Random(3)
    for _ in range(2000):
        a = "".join(rng.choice("aAbBǅ-") for _ in range(rng.randint(0, 4)))
        b = "".join(rng.choice("aAbBǅ-") for _ in range(rng.randint(0, 4)))
        assert gazetteer.capitals_match(a, b) == plain_capitals(a, b), (a, b)

    linter = Linter([r for r in rules if r.kind == "gazetteer"])
    extra = ["the French daily The World, the world; Russia. Cup Press Agency. RIA News Agency and RIA News"]
    fast = [keys(linter.lint(text)) for text in [*texts, *extra]]

    def plain_on_literal(self, doc, start, end, payload):  # type: ignore[no-untyped-def]
        renderings, _capitalised = payload
        found = doc.text[start:end]
        if not doc.word_bounded(start, end):
            return
        for rendering in renderings:
            if not plain_capitals(found, rendering.form):
                continue
            if rendering.protect and gazetteer.contained_in(doc, start, end, rendering.protect):
                continue
            if self.field == "contextual" and not self.near_cue(doc, start, end):
                continue
            if self.require_country and not self.near_country(doc, start, end, rendering.entry):
                continue
            yield self.make(doc, start, end, rendering)
            return

    monkeypatch.setattr(gazetteer.Gazetteer, "on_literal", plain_on_literal)
    slow = [keys(linter.lint(text)) for text in [*texts, *extra]]
    assert fast == slow
    assert sum(map(len, fast)) >= 3


def test_articles_settled_early_are_never_flagged(texts: list[str], rules, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """at() returns before the sentence test, the regex and the spelling rules when
    settled() says so; without that shortcut it reports nothing for those words either."""
    from qc.lint.kinds import article as article_kind

    matcher = next(r for r in rules if r.id == "MT701").matcher
    sounds = matcher.sounds
    words = {"Hour", "Honest", "Heir", "Xi", "Yale", "McDonald", "Xerox", "Nkorea", "Mr.", "Ng", "Rwanda", "eu", "euro", "ewe", "ewer",
             "one", "once", "onerous", "ouija", "oust", "e-mail", "eBay", "o'clock", "oNe", "unicorn", "hour", "idea", "apple", "x",
             "8-year-old", "11", "18th", "1", "800", "80", "2", "heir", "herb", "herbal", "hotel", "history", "hono", "hi", "h"}
    for text in texts:
        words.update(m.group(1) for m in article_kind.NEXT_WORD.finditer(text))
    cases = [(article, word) for word in sorted(words) for article in ("a", "A", "an", "An")]
    settled = [case for case in cases if sounds.settled(case[0], case[1][0], case[1][1:2])]
    assert len(settled) > 300
    monkeypatch.setattr(sounds, "settled", lambda article, first, second: False)
    for article, word in settled:
        text = f"{article} {word} and more."
        assert list(matcher.at(Document(text), 0, len(article) + 1)) == [], text


def test_one_space_is_a_calque_gap() -> None:
    """calque joins words one space apart without calling GAP: GAP must accept one space."""
    from qc.lint.kinds.calque import GAP

    assert GAP.match("State Council", 5, 6) is not None


def test_document_views_are_computed_once() -> None:
    doc = Document("Una FRASE\n\nsecond")
    assert doc.lower == "una frase\n\nsecond" and doc.lower is doc.lower
    assert doc.paragraphs == [(0, 9), (11, 17)] and doc.paragraphs is doc.paragraphs
    assert set(doc.__dict__) >= {"lower", "paragraphs"}


def test_paragraph_spans_equal_a_split_and_strip(texts: list[str]) -> None:
    """Document.paragraphs (spans trimmed in place) equals splitting at blank lines and
    stripping each piece, the plain way."""
    from qc.lint.document import PARAGRAPH_BREAK

    extra = ["", "  ", "a\n\n b \n\n\n c", "x\r\n\r\ny  \r\n \r\nz", "\n\nA\n \t\nB  ", "\u3000a\u3000\n\n\u2003"]
    for text in [*texts, *extra]:
        expected, pos = [], 0
        for piece in [*PARAGRAPH_BREAK.split(text)]:
            at = text.index(piece, pos)
            pos = at + len(piece)
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                expected.append((at + lead, at + lead + len(piece.strip())))
        assert Document(text).paragraphs == expected, text


def calque_reference(matcher, doc: Document) -> list:  # type: ignore[no-untyped-def]
    """MT121 the plain way: every whole-word name word found by str.find in the lowercase
    text (two-letter ones in capitals only), in an Aho-Corasick pass's order (by end, the
    longer first), a hit overlapping the one kept before skipped (the same word in another
    spelling), neighbours joined across one space or a GAP, runs of three or more judged."""
    from qc.lint.kinds.calque import GAP

    low, text, size = doc.lower, doc.text, len(doc.lower)
    hits = []
    for word, normal in matcher.vocabulary.items():
        i = low.find(word)
        while i >= 0:
            end = i + len(word)
            if (i == 0 or not is_word_char(low[i - 1])) and (end == size or not is_word_char(low[end])):
                if len(word) != 2 or text[i:end].isupper():
                    hits.append((i, end, normal))
            i = low.find(word, i + 1)
    hits.sort(key=lambda h: (h[1], h[0]))
    found, run, prev_end = [], [], -100
    for hit in hits:
        start = hit[0]
        if start < prev_end:
            continue
        if run and start - prev_end <= 16 and GAP.match(text, prev_end, start):
            run.append(hit)
        else:
            if len(run) >= 3:
                found += matcher.check_run(doc, run)
            run = [hit]
        prev_end = hit[1]
    if len(run) >= 3:
        found += matcher.check_run(doc, run)
    return found


def test_calque_batch_equals_the_plain_search(texts: list[str], rules, batch_path: str) -> None:  # type: ignore[no-untyped-def]
    """MT121 (name words found for all texts at once, by byte automaton and array
    operations) reports what the plain reference does, on texts dense in name words: their
    spelling variants (overlapping hits), two-letter capitals, possessives, gaps of function
    words and newlines, non-ASCII letters and lone surrogates beside them, and runs at the
    very start and end of texts, which a batch joins."""
    from qc.lint.kinds.calque import Calque

    linter = Linter([r for r in rules if r.id == "MT121"])
    calque = next(r.matcher for r in rules if r.id == "MT121")
    assert isinstance(calque, Calque) and calque.short_words
    vocab = sorted(calque.vocabulary)
    rnd = random.Random(7)
    glue = [" ", " of ", " of the ", "\n", " and ", "’s ", "'s ", "-", "é", "\ud800", "_", ", ", "  ", " from ", "", "Ä", " “", " (", "\t", " ’s "]
    made = ["UN and us and Us and uN", "U\u212a talks", "\u0130N UN", "EU-UN", "the UK's", "xUN UNx _UN UN_"]
    for _ in range(150):
        words = [rnd.choice(vocab) for _ in range(rnd.randint(0, 12))]
        words = [w.upper() if rnd.random() < 0.15 else w.title() if rnd.random() < 0.5 else w for w in words]
        # (U\u212a: "UK" with a Kelvin sign, whose lowercase is ASCII: short_hits searches that text in lowercase)
        words += rnd.sample(["UN", "EU", "US", "un", "U\u212a", "Organization of cooperation from Shanghai", "Council of Security of the UN"], 2)
        rnd.shuffle(words)
        made.append("".join(w + rnd.choice(glue) for w in words))
    corpus = texts + made
    expected = [keys(engine.dedupe(calque_reference(calque, Document(t)))) for t in corpus]
    assert sum(map(len, expected)) > 40, "too few calques: the comparison proves little"
    for size in (len(corpus), 7, 1):
        batched = [keys(found) for batch in batches(corpus, len, max_items=size) for found in linter.lint_many(batch)]
        assert batched == expected


def test_batch_literal_hits_equal_a_search_of_each_text(texts: list[str], rules) -> None:  # type: ignore[no-untyped-def]
    """The literal pass's hits found for a whole batch (one byte automaton over the texts
    joined by newlines) are each text's own, as a str automaton finds them: offsets in
    characters, none running across the newline that joins two texts ("\\na " starts
    MT701's literals)."""
    import ahocorasick_rs

    from qc.lint.automaton import find_all

    literal_pass = Linter(rules).literal_pass
    reference = ahocorasick_rs.AhoCorasick(literal_pass.phrases, implementation=ahocorasick_rs.Implementation.DFA)
    rnd = random.Random(11)
    edges = ["a b", "an hour", "\n", "é", "\ud800", "“a ", "\na ", "", "x\n", "Taiwan", "中国 a "]
    extra = ["".join(rnd.choice(edges) for _ in range(rnd.randint(0, 6))) for _ in range(300)]
    corpus = texts + extra
    expected = [[tuple(hit) for hit in find_all(reference, Document(text).lower, "\x00")] for text in corpus]
    assert sum(map(len, expected)) > 500
    # One text at a time before the automaton is built: the phrase index (engine.PhraseIndex).
    small = [hits for text in corpus if len(text) <= engine.SMALL_BATCH_CHARS for hits in literal_pass.hits_by_text(Batch([Document(text)]))]
    assert "automaton" not in literal_pass.__dict__
    assert small == [hits for text, hits in zip(corpus, expected) if len(text) <= engine.SMALL_BATCH_CHARS]
    index = engine.PhraseIndex(literal_pass.phrases)
    assert [index.hits(Document(text).lower) for text in corpus] == expected
    for size in (len(corpus), 5, 1):
        found = [hits for batch in batches(corpus, len, max_items=size) for hits in literal_pass.hits_by_text(Batch([Document(t) for t in batch]))]
        assert found == expected


def test_batch_articles_equal_the_find_loop(rules, batch_path: str) -> None:  # type: ignore[no-untyped-def]
    """MT701's articles after a space, found for a whole batch by comparing code points and
    a table of `settled`, are those a plain find loop would pass to at(), in its order."""
    from qc.lint.kinds.article import SPACED, unsettled_in_batch

    sounds = next(r for r in rules if r.id == "MT701").matcher.sounds

    def find_loop(text: str) -> list[tuple[int, int]]:
        out = []
        for needle, article in SPACED:
            i = text.find(needle)
            while i >= 0:
                after = i + len(needle)
                if not sounds.settled(article, text[after : after + 1], text[after + 1 : after + 2]):
                    out.append((i + 1, after))
                i = text.find(needle, after - 1)
        return out

    rnd = random.Random(13)
    parts = [" a ", " A ", " an ", " An ", "a", "an", "h", "ho", "he", "E", "eu", "one", "Xi", "8", "2", "é", "\u212a", "\n", " ", "\x7f", "\ud800", "U", "x"]
    texts = ["".join(rnd.choice(parts) for _ in range(rnd.randint(0, 12))) for _ in range(3000)]
    texts += [" a ", " an", " a h", "x a ", ""]
    expected = [find_loop(t) for t in texts]
    assert sum(map(len, expected)) > 2000
    for size in (len(texts), 3, 1):
        found = [f for batch in batches(texts, len, max_items=size) for f in unsettled_in_batch(Batch([Document(t) for t in batch]), sounds)]
        assert found == expected


def test_function_word_windows_equal_with_re2(texts: list[str], rules, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """MT304 opens its windows at function words found by RE2, which matches the space after
    the word and so skips a word starting on that space; the windows are those Python's
    regex (with its lookahead) gives."""
    import qc.lint.kinds.foreign_language as foreign

    rule = next(r for r in rules if r.id == "MT304")
    rnd = random.Random(17)
    words = sorted(rule.matcher.function_words)
    parts = [*words[:40], "the", "news", "é", "\n", "Paris", "\ud800", "für", "."]
    extra = [" ".join(rnd.choice(parts) for _ in range(rnd.randint(0, 60))) for _ in range(400)]
    windows: list[tuple[int, int]] = []
    monkeypatch.setattr(foreign.ForeignLanguage, "check_window", lambda self, doc, lo, hi: windows.append((lo, hi)) or iter(()))

    def all_windows() -> list[list[tuple[int, int]]]:
        out = []
        for text in texts + extra:
            windows.clear()
            list(rule.matcher.check_phrases(Document(text)))
            out.append(list(windows))
        return out

    with_re2 = all_windows()
    python_only = lambda low, fw: ((m.start(), m.end()) for m in foreign.function_word_regex(fw).finditer(low))  # noqa: E731
    monkeypatch.setattr(foreign, "function_word_hits", python_only)
    assert with_re2 == all_windows()
    assert sum(map(len, with_re2)) > 300


def test_rule_examples_batched_equal_one_by_one(rules) -> None:  # type: ignore[no-untyped-def]
    """Every example text of every default rule (each written to hit its rule's edge cases),
    linted as one batch, gives what lint() gives it alone."""
    linter = Linter(rules)
    examples = [example.text for rule in rules for example in (*rule.bad, *rule.good)]
    assert len(examples) > 200
    assert [keys(f) for f in linter.lint_many(examples)] == [keys(linter.lint(t)) for t in examples]


def test_rules_still_pickle_after_a_batch(rules) -> None:  # type: ignore[no-untyped-def]
    """The compiled-rules cache pickles rules; a batch leaves automata on the calque and
    acronym rules (`lazy` views), which are left out of the pickle and rebuilt."""
    texts = [
        "The Organization of cooperation from Shanghai met a hour ago. It it was late.",
        "UN Council of Security of the UN. The OTAN summit; the CEO said; OMS officials met the UE",
        "the ONU and the МАГАТЭ",
    ]
    found = Linter(rules).lint_many(texts)
    assert {"MT121", "MT701", "MT501", "MT112"} <= {f.rule for fs in found for f in fs}
    assert any("batch_words" in r.matcher.__dict__ for r in rules) and any("automaton" in r.matcher.__dict__ for r in rules)
    copies = pickle.loads(pickle.dumps(rules))
    assert not any("batch_words" in r.matcher.__dict__ or "automaton" in r.matcher.__dict__ for r in copies)
    assert [keys(f) for f in Linter(copies).lint_many(texts)] == [keys(f) for f in found]


def test_wordlike_triggers() -> None:
    assert is_wordlike("taiwan") and is_wordlike("ministry ") and is_wordlike("kmt")
    assert not any(is_wordlike(t) for t in (". ", "'s", "’s", " by ", "”. ", "-\n", "(", "&", "«"))


def test_foreign_acronym_with_a_dotted_capital_i(rules) -> None:  # type: ignore[no-untyped-def]
    """TÜİK lowercases to five characters ("i" + combining dot), so a lowercase literal never
    matches it; the case-sensitive pass finds it as written."""
    linter = Linter([r for r in rules if r.id == "MT112"])
    found = linter.lint("Figures from TÜİK showed that inflation rose.")
    assert [(f.text, f.fix.edits[0].replacement) for f in found if f.fix] == [("TÜİK", "TurkStat")]
    assert not linter.lint("Figures from TÜİKS and xTÜİK showed nothing.")


def test_quote_balance_shortcut_changes_nothing(rules, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Paragraphs whose quote marks pair up skip the mark-by-mark walk; with the shortcut
    off, the same findings on random quote soups (paragraph breaks included)."""
    import qc.lint.kinds.quotes as quotes

    linter = Linter([r for r in rules if r.id == "MT403"])
    rng = random.Random(3)
    pieces = ["“", "”", '"', "word ", "said. ", "\n\n", "“a” ", '"b" ']
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(400)]
    fast = [[(f.start, f.end, f.message) for f in linter.lint(t)] for t in texts]
    monkeypatch.setattr(quotes, "balanced", lambda text, start=0, end=None: False)
    slow = [[(f.start, f.end, f.message) for f in linter.lint(t)] for t in texts]
    assert fast == slow
    assert sum(map(len, slow)) > 100 and sum(not found for found in slow) > 20


def test_lone_surrogates_change_no_match(rules) -> None:  # type: ignore[no-untyped-def]
    """The automata read UTF-8, which cannot hold a lone surrogate (JSON can): the literals
    on either side of one are found as without it."""
    linter = Linter(rules)
    clean = "He went to the OTAN summit. “a apple” and the the Organization of cooperation from Shanghai."
    for broken in (clean.replace(" summit", "\ud800summit"), "\udfff" + clean, clean + "\ud800"):
        expected = {(f.rule, f.text) for f in linter.lint(clean)}
        assert {(f.rule, f.text) for f in linter.lint(broken)} == expected
    assert {"MT112", "MT701", "MT501"} <= {f.rule for f in linter.lint(clean)}
