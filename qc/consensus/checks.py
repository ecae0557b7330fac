"""The group analyser: what each version of a story says that the others do not, and lacks
that they carry.

Given the versions of one story (three or more), every version's sentences are aligned
with every other version's (qc.consensus.align), and three kinds of disagreement are found:

- unsupported: a sentence of substance that no other version covers (an invented
  sentence, boilerplate, a passage left in the source language);
- divergent: a number or a name in a sentence where most other versions, in their
  counterpart of that sentence, have another number of the same kind (same unit or
  role) or another spelling of the name, and none or almost none has this one;
- omitted: a sentence that most versions carry and this one has no counterpart for.

The majority is not the truth for names: a form that the gazetteers list as canonical
English wins over a majority that is not listed (and is never flagged itself).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from qc.consensus.align import (
    NAME_CONNECTORS,
    Name,
    Number,
    PairAlignment,
    Sentence,
    align,
    coverage,
    name_key,
    sentence_units,
    stem,
    window,
)

MIN_VERSIONS = 3


@dataclass(frozen=True)
class Settings:
    """Thresholds of the checks (the consensus rules' parameters; these are the defaults)."""

    support: float = 0.5  # a sentence is supported by a version that covers this share of its content
    min_words: int = 5  # content words a sentence needs before its absence or presence means anything
    majority: float = 0.6  # share of the other versions that must carry the other form / the sentence
    max_agree: float = 0.12  # share of the other versions allowed to carry the flagged form anyway
    name_similarity: float = 70.0  # rapidfuzz ratio for two names to be spellings of one name
    gap_share: float = 0.3  # a sentence in the place of another covers support x this of it (a paraphrase)
    translations_only: bool = False  # check only groups that translate one source (mean chrF >= 50)
    whole_text: float = 0.6  # an omission's content may be found anywhere in the version up to support x this


@dataclass
class Issue:
    """One disagreement of one version with the others (offsets into that version's text)."""

    check: str  # "unsupported", "divergent-number", "divergent-name", "omission"
    member: int
    start: int
    end: int
    found: str  # the text flagged
    expected: str | None = None  # the majority (or canonical) form, for divergent anchors
    supporters: list[tuple[int, int, int]] = field(default_factory=list)  # (member, start, end)
    versions: int = 0  # how many versions were compared
    detail: str = ""  # e.g. the start of the omitted sentence


@dataclass
class Group:
    """The aligned versions of one story."""

    texts: list[str]
    sentences: list[list[Sentence]]
    pairs: dict[tuple[int, int], PairAlignment]

    @classmethod
    def of(cls, texts: Sequence[str]) -> Group:
        sentences = [sentence_units(t) for t in texts]
        pairs = {
            (i, j): align(sentences[i], sentences[j]) for i in range(len(texts)) for j in range(len(texts)) if i != j
        }
        return cls(list(texts), sentences, pairs)

    def others(self, i: int) -> list[int]:
        return [j for j in range(len(self.texts)) if j != i]

    def supported_by(self, i: int, s: int, j: int, settings: Settings) -> bool:
        """Does version j have a counterpart for sentence s of version i?"""
        pair = self.pairs[(i, j)]
        if pair.covered[s] >= settings.support or self.fills_gap(i, s, j, settings):
            return True
        # anchors: a sentence whose numbers and names version j shares around the best match
        sentence = self.sentences[i][s]
        anchors = [n for n in sentence.numbers if n.role != "word"]
        if not anchors and not sentence.names or pair.best[s] < 0:
            return False
        near = window(self.sentences[j], pair.best[s])
        values = {m.value for y in near for m in y.numbers}
        keys = {m.key for y in near for m in y.names}
        shared = sum(n.value in values for n in anchors) + sum(any(same_name(n.key, k) for k in keys) for n in sentence.names)
        return shared >= max(1, (len(anchors) + len(sentence.names) + 1) // 2) and pair.covered[s] >= settings.support / 2


    def anchored(self, i: int, s: int, j: int, settings: Settings) -> int:
        """The sentence of version j that sentence s of version i is well aligned with, or -1."""
        if not 0 <= s < len(self.sentences[i]):
            return -1
        pair = self.pairs[(i, j)]
        return pair.best[s] if pair.covered[s] >= settings.support else -1

    def fills_gap(self, i: int, s: int, j: int, settings: Settings) -> bool:
        """A paraphrased sentence: its neighbours are well aligned with two sentences of
        version j that stand one sentence apart, so that sentence is its counterpart
        (an inserted sentence has neighbours whose counterparts are adjacent)."""
        before, after = self.anchored(i, s - 1, j, settings), self.anchored(i, s + 1, j, settings)
        last_i, last_j = len(self.sentences[i]) - 1, len(self.sentences[j]) - 1
        if s == 0 and after == 1:
            gap = 0
        elif s == last_i and before == last_j - 1 and before >= 0:
            gap = last_j
        elif before >= 0 and after >= 0 and after - before == 2:
            gap = before + 1
        else:
            return False
        # a paraphrase still shares some content with its counterpart; a sentence invented
        # in place of the one the other versions have shares next to none
        return coverage(self.sentences[i][s], [self.sentences[j][gap]]) >= settings.support * settings.gap_share


def same_name(a: str, b: str) -> bool:
    """One name written in full or in part ("Xi" and "Xi Jinping", "ICBC" and "ICBC Wealth
    Management"), with another title or place before it ("Senator Bernie Sanders" and
    "Vermont Bernie Sanders"), or in another number ("Award", "Awards")."""
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    if len(wa) == len(wb) and all(stem(x) == stem(y) for x, y in zip(wa, wb)):
        return True
    common = 0
    while common < min(len(wa), len(wb)) and wa[-1 - common] == wb[-1 - common]:
        common += 1
    before_a, before_b = wa[: len(wa) - common], wb[: len(wb) - common]
    if common >= 2 and len(before_a) <= 2 and len(before_b) <= 2 and not set(before_a) & set(before_b):
        return True  # the same name after another title or place; not a word changed inside a name
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    rest = iter(long)
    return all(w in rest for w in short)  # the short form's words, in order, in the long one


def spelling_of(a: str, b: str, settings: Settings) -> bool:
    """Is b another spelling of the name a (not a word form of it: "Taiwan"/"Taiwanese",
    "Marxism"/"Marxist", nor the same letters spaced otherwise: "Caiqi"/"Cai Qi")?"""
    if a.replace(" ", "") == b.replace(" ", ""):
        return False
    if " " not in a and " " not in b and a[:5] == b[:5]:
        return False
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) >= settings.name_similarity


def analyse(texts: Sequence[str], settings: Settings = Settings(), canonical: frozenset[str] = frozenset()) -> list[Issue]:
    """Every disagreement in a group of versions of one story (none for fewer than three)."""
    if len(texts) < MIN_VERSIONS:
        return []
    group = Group.of(texts)
    issues: list[Issue] = []
    for i in range(len(texts)):
        issues += unsupported(group, i, settings)
        issues += divergent_numbers(group, i, settings)
        issues += divergent_names(group, i, settings, canonical)
        issues += unshared_anchors(group, i, settings)
        issues += omissions(group, i, settings)
    return issues


def substantial(sentence: Sentence, settings: Settings) -> bool:
    return sentence.words >= settings.min_words


def unsupported(group: Group, i: int, settings: Settings) -> list[Issue]:
    out = []
    n = len(group.texts)
    for sentence in group.sentences[i]:
        if not substantial(sentence, settings):
            continue
        if any(group.supported_by(i, sentence.index, j, settings) for j in group.others(i)):
            continue
        out.append(Issue("unsupported", i, sentence.start, sentence.end, sentence.text, versions=n))
    return out


def comparable(a: Number, b: Number) -> bool:
    """Like with like: a share with a share, a date with a date of the same month, a count
    with a count of the same thing."""
    if a.role == "word" or b.role == "word" or not a.unit or not b.unit:
        return False
    return a.unit == b.unit


def divergent_numbers(group: Group, i: int, settings: Settings) -> list[Issue]:
    out = []
    others = group.others(i)
    for sentence in group.sentences[i]:
        for number in sentence.numbers:
            if number.role in ("word", "year") or not number.unit:
                continue
            agree = 0
            votes: Counter[float] = Counter()
            forms: dict[float, list[tuple[int, Number]]] = {}
            for j in others:
                pair = group.pairs[(i, j)]
                t = pair.best[sentence.index]
                if t < 0 or pair.score[sentence.index] < 0.3:
                    continue  # no clear counterpart: the sentence itself may be the problem
                near = window(group.sentences[j], t)
                if any(abs(m.value - number.value) < 1e-9 for y in near for m in y.numbers):
                    agree += 1
                    continue
                rivals = [m for m in group.sentences[j][t].numbers if comparable(number, m)]
                values = {m.value for m in rivals}
                if len(values) == 1:
                    value = rivals[0].value
                    votes[value] += 1
                    forms.setdefault(value, []).append((j, rivals[0]))
            if not votes or agree > settings.max_agree * len(others):
                continue
            value, count = votes.most_common(1)[0]
            if count < settings.majority * len(others):
                continue
            supporters = forms[value]
            expected = Counter(m.text for _, m in supporters).most_common(1)[0][0]
            out.append(
                Issue(
                    "divergent-number", i, number.start, number.end, number.text, expected,
                    [(j, m.start, m.end) for j, m in supporters], len(group.texts),
                )
            )
    return out


def divergent_names(group: Group, i: int, settings: Settings, canonical: frozenset[str]) -> list[Issue]:
    out = []
    others = group.others(i)
    for sentence in group.sentences[i]:
        for name in sentence.names:
            agree = 0
            variants: dict[str, list[tuple[int, Name]]] = {}
            for j in others:
                pair = group.pairs[(i, j)]
                t = pair.best[sentence.index]
                if t < 0 or pair.score[sentence.index] < 0.3:
                    continue
                near = window(group.sentences[j], t)
                if any(same_name(name.key, m.key) for y in near for m in y.names):
                    agree += 1
                    continue
                rivals = [m for m in group.sentences[j][t].names if spelling_of(name.key, m.key, settings)]
                keys = {m.key for m in rivals}
                if len(keys) == 1:
                    variants.setdefault(rivals[0].key, []).append((j, rivals[0]))
            if not variants:
                continue
            issue = name_issue(group, i, name, agree, variants, others, settings, canonical)
            if issue is not None:
                out.append(issue)
    return out


def name_issue(
    group: Group,
    i: int,
    name: Name,
    agree: int,
    variants: dict[str, list[tuple[int, Name]]],
    others: list[int],
    settings: Settings,
    canonical: frozenset[str],
) -> Issue | None:
    """Which form wins: a canonical form over any non-canonical one, else the majority."""
    listed = [key for key in variants if key in canonical]
    if name.key in canonical:
        return None  # a form the gazetteers know is never flagged
    if len(listed) == 1:
        key = listed[0]
    else:
        key, supporters = max(variants.items(), key=lambda kv: len(kv[1]))
        if agree > settings.max_agree * len(others) or len(supporters) < settings.majority * len(others):
            return None
    supporters = variants[key]
    expected = Counter(m.text for _, m in supporters).most_common(1)[0][0]
    return Issue(
        "divergent-name", i, name.start, name.end, name.text, expected,
        [(j, m.start, m.end) for j, m in supporters], len(group.texts),
    )


def unshared_anchors(group: Group, i: int, settings: Settings) -> list[Issue]:
    """Names and numbers that no other version has in its counterpart of the sentence, nor
    in another spelling or value of the same kind there: an invented or garbled name (a
    transliteration nobody else reached, a company name made up word by word), an added
    number. Checked only where most other versions have a clear counterpart sentence."""
    out = []
    others = group.others(i)
    for sentence in group.sentences[i]:
        anchors: list[Name | Number] = [*sentence.names, *(n for n in sentence.numbers if n.role in ("count", "date"))]
        for anchor in anchors:
            counterparts = 0
            for j in others:
                pair = group.pairs[(i, j)]
                t = pair.best[sentence.index]
                if t < 0 or pair.score[sentence.index] < 0.3:
                    continue
                counterparts += 1
                if shares(anchor, group.sentences[j], t, settings):
                    break
            else:
                if counterparts >= settings.majority * len(others):
                    text = group.texts[i][anchor.start : anchor.end]
                    out.append(Issue("unshared", i, anchor.start, anchor.end, text, None, [], len(group.texts)))
    return out


def shares(anchor: Name | Number, sentences: Sequence[Sentence], t: int, settings: Settings) -> bool:
    """Does the counterpart sentence t (or a neighbour) have the anchor, or another form of it?"""
    near = window(sentences, t)
    if isinstance(anchor, Number):
        if any(abs(m.value - anchor.value) < 1e-9 for y in near for m in y.numbers):
            return True
        return any(comparable(anchor, m) for m in sentences[t].numbers)  # a divergent number, not an added one
    if any(same_name(anchor.key, m.key) for y in near for m in y.names):
        return True
    words = name_key(" ".join(y.text for y in near))
    if f" {anchor.key} " in f" {words} " or anchor.key.replace(" ", "") in words.replace(" ", ""):
        return True  # written in lowercase, or with other spacing and punctuation ("U.S", "Cai Qi")
    if any(covered_by(anchor.text, m.key) for y in near for m in y.names):
        return True  # with acronyms of words the others spell out ("NDRC", "DW Chinese")
    return any(spelling_of(anchor.key, m.key, settings) for m in sentences[t].names)


def covered_by(text: str, key: str) -> bool:
    """Is every word of the name `text` in the name `key`, an acronym (all capitals) standing
    for consecutive words of it ("DW Chinese" in "deutsche welle chinese network")?"""
    words = [w for w in key.split() if w not in NAME_CONNECTORS]
    starts = "".join(w[0] for w in words)
    found = False
    for word in text.split():
        low = name_key(word).replace(" ", "")
        if low in words:
            continue
        if word.isupper() and len(low) >= 2 and low in starts:
            found = True
            continue
        return False
    return found


def omissions(group: Group, i: int, settings: Settings) -> list[Issue]:
    """Sentences most versions carry that version i has no counterpart for, one per place in i."""
    others = group.others(i)
    by_place: dict[int, Issue] = {}
    for j in others:
        for t in group.sentences[j]:
            if not substantial(t, settings) or group.supported_by(j, t.index, i, settings):
                continue
            if coverage(t, group.sentences[i]) >= settings.support * settings.whole_text:
                continue  # its content is in i, only spread over other sentences or reworded
            carriers = [k for k in others if k != j and group.supported_by(j, t.index, k, settings)]
            if len(carriers) + 1 < settings.majority * len(others):
                continue
            # the carriers' own counterparts must be missing from i too: one version's
            # sentence shapes may hide a paraphrase that the others' reveal
            lacking = 1 + sum(not group.supported_by(k, group.pairs[(j, k)].best[t.index], i, settings) for k in carriers)
            if lacking < settings.majority * len(others):
                continue
            place = place_in(group, i, j, t.index)
            if place < 0:
                continue
            where = group.sentences[i][place]
            support = [(j, t.start, t.end)] + [(k, *span_of_counterpart(group, j, t.index, k)) for k in carriers]
            known = by_place.get(place)
            if known is None or len(support) > len(known.supporters):
                by_place[place] = Issue(
                    "omission", i, where.start, where.end, where.text, None, support, len(group.texts), t.text
                )
    return [by_place[k] for k in sorted(by_place)]


def place_in(group: Group, i: int, j: int, t: int) -> int:
    """The sentence of version i after which sentence t of version j would stand (or before
    which, when t is j's first): its neighbour's counterpart in i."""
    pair = group.pairs[(j, i)]
    for k in (t - 1, t + 1):
        if 0 <= k < len(group.sentences[j]) and pair.best[k] >= 0 and pair.covered[k] >= 0.5:
            return pair.best[k]
    return -1


def span_of_counterpart(group: Group, j: int, t: int, k: int) -> tuple[int, int]:
    best = group.pairs[(j, k)].best[t]
    sentence = group.sentences[k][best]
    return sentence.start, sentence.end
