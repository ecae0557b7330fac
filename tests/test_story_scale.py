"""The story tier at scale: candidates from a blocked sparse product (checked against a
plain postings loop), fingerprints as flat arrays (pool parts concatenate to the whole),
the alignment gate, and wordfreq's Zipf scale through the fast table lookup."""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from qc.corpus import load_articles
from qc.dedup import find_clusters, story
from qc.dedup.story import Fingerprint, FingerprintArrays

ROOT = Path(__file__).resolve().parent.parent


def reference_pairs(
    prints: list[Fingerprint], min_shared: float = 12.0, max_df: float = 0.05, min_jaccard: float = story.MIN_RARE_JACCARD, top: int = story.TOP_PARTNERS
) -> set[tuple[int, int]]:
    """candidate_pairs_of() spelled out term by term, as the story tier first did it, plus
    the rare-vocabulary Jaccard floor and each article's `top` partners."""
    weight = {}
    postings: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(prints):
        for t in f.rare_terms:
            postings[t].append(i)
            weight[t] = story.rarity(t)
        for num in f.numbers:
            postings["#" + num].append(i)
            weight["#" + num] = 3.0
    totals = [sum(story.rarity(t) for t in f.rare_terms) + 3.0 * len(f.numbers) for f in prints]
    limit = min(max(20, int(max_df * len(prints))), story.MAX_POSTING)
    shared: dict[tuple[int, int], float] = defaultdict(float)
    for term, docs in postings.items():
        if 2 <= len(docs) <= limit:
            for x in docs:
                for y in docs:
                    if x != y:
                        shared[(x, y)] += weight[term]
    partners: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (x, y), w in shared.items():
        if w >= min_shared - 1e-9 and w >= min_jaccard * (totals[x] + totals[y] - w) - 1e-12:
            partners[x].append((-w, y))
    return {(min(x, y), max(x, y)) for x, found in partners.items() for _, y in sorted(found)[:top]}


def random_prints(seed: int, n: int = 120, vocabulary: int = 150) -> list[Fingerprint]:
    """Fingerprints drawn from a small vocabulary of real rare words, so many pairs share terms."""
    rng = random.Random(seed)
    words = [f"zork{k}" for k in range(vocabulary)] + ["mendeleev", "kaliningrad", "ouagadougou", "tegucigalpa"]
    prints = []
    for _ in range(n):
        terms = tuple(dict.fromkeys(rng.choice(words) for _ in range(rng.randint(0, 14))))
        numbers = tuple(dict.fromkeys(str(rng.randint(1, 30)) for _ in range(rng.randint(0, 4))))
        prints.append(Fingerprint(terms, numbers))
    return prints


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("top", [2, story.TOP_PARTNERS])
def test_sparse_candidates_equal_the_postings_loop(seed: int, top: int, monkeypatch: pytest.MonkeyPatch) -> None:
    prints = random_prints(seed)
    monkeypatch.setattr(story, "BLOCK_WORK", 1 + seed * 40)  # many row blocks, and few
    got = story.candidate_pairs_of(prints, top=top)
    want = reference_pairs(prints, top=top)
    assert want, "the corpus should make candidates"
    assert {tuple(p) for p in got.tolist()} == want
    assert np.array_equal(got, np.unique(got, axis=0)), "rows sorted and unique"


def test_topic_words_and_the_jaccard_floor_make_no_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    shared = ("mendeleev", "kaliningrad", "ouagadougou")  # about 17 of shared rarity
    few = [Fingerprint(shared + (f"zork{i}",), ()) for i in range(3)]
    assert len(story.candidate_pairs_of(few)) == 3
    # the same three words in 30 articles: every pair, unless that many makes them a topic
    many = [Fingerprint(shared, ()) for _ in range(30)]
    assert len(story.candidate_pairs_of(many, max_df=1.0)) == 30 * 29 // 2
    assert len(story.candidate_pairs_of(many, max_df=0.01)) == 0  # the limit is max(20, 0.3)
    monkeypatch.setattr(story, "MAX_POSTING", 29)
    assert len(story.candidate_pairs_of(many, max_df=1.0)) == 0
    # each article keeps its `top` best partners (a pair stays if either side keeps it)
    assert len(story.candidate_pairs_of(many[:5], max_df=1.0, top=1)) <= 5
    # sharing 17 of rarity among 400 rare terms each is under the Jaccard floor
    long_a = Fingerprint(shared + tuple(f"zorka{i}" for i in range(100)), ())
    long_b = Fingerprint(shared + tuple(f"zorkb{i}" for i in range(100)), ())
    assert len(story.candidate_pairs_of([long_a, long_b])) == 0
    assert len(story.candidate_pairs_of([long_a, long_b], min_jaccard=0.0)) == 1


def test_fingerprint_parts_concatenate_to_the_whole() -> None:
    articles, _ = load_articles([ROOT / "fixtures" / "dedup", ROOT / "seeds"])
    texts = [a.text for a in articles]
    whole = FingerprintArrays.of_texts(texts)
    assert whole.centi_weights.dtype == np.uint16 and whole.centi_weights.min() >= 50  # rarity >= 0.5
    chunks = [texts[k : k + 7] for k in range(0, len(texts), 7)]
    for jobs in (1, 2):
        parts = story.fingerprint_chunks(iter(chunks), jobs)
        assert np.array_equal(parts.rows, whole.rows)
        assert np.array_equal(parts.hashes, whole.hashes) and np.array_equal(parts.centi_weights, whole.centi_weights)
    assert np.array_equal(story.candidate_pairs_from(whole), story.candidate_pairs_of(story.fingerprint(t) for t in texts))
    assert not hasattr(whole, "hashes")  # taken: freed as soon as the matrix is built
    assert len(FingerprintArrays.concatenate([]).rows) == 1


def test_weights_are_exact_hundredths() -> None:
    """Shared weights are sums of two-decimal rarities: kept in hundredths, a pair at exactly
    min_shared is a candidate whatever order the terms are added in."""
    words = {w: story.rarity(w) for w in ("kaliningrad", "mendeleev", "ouagadougou", "tegucigalpa", "zork1", "zork2")}
    assert all(abs(story.centi(w) - w * 100) < 1e-6 for w in words.values())
    a = Fingerprint(tuple(words), ("1", "2"))
    b = Fingerprint(tuple(reversed(words)), ("2", "1"))
    shared = sum(words.values()) + 6.0
    assert len(story.candidate_pairs_of([a, b], min_shared=shared)) == 1
    assert len(story.candidate_pairs_of([a, b], min_shared=shared + 0.01)) == 0


def test_story_groups_are_the_same_with_a_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    articles, _ = load_articles([ROOT / "fixtures" / "dedup" / "mqm_3stories.jsonl", ROOT / "seeds"])
    one = find_clusters(articles, tier="stories", jobs=1)
    monkeypatch.setattr(story, "PARALLEL_MIN_TEXTS", 0)
    monkeypatch.setattr(story, "PARALLEL_CHUNK", 3)
    monkeypatch.setattr(story, "PARALLEL_MIN_PAIRS", 0)
    monkeypatch.setattr(story, "PAIR_CHUNK", 7)
    two = find_clusters(articles, tier="stories", jobs=2)
    assert [(c.kind, [(m.index, m.similarity) for m in c.members], c.pairs) for c in one] == [
        (c.kind, [(m.index, m.similarity) for m in c.members], c.pairs) for c in two
    ]
    assert len([c for c in one if c.kind == "story"]) == 4  # three translated stories and the seeds


def test_pairs_sharing_little_vocabulary_are_not_aligned(monkeypatch: pytest.MonkeyPatch) -> None:
    seeds, _ = load_articles([ROOT / "seeds"])
    a, b = (story.features(x.text) for x in seeds)
    other = story.features("The weather in the valley was mild this week. Farmers expected a good harvest of apples and pears.")
    calls: list[int] = []
    real = story.align
    monkeypatch.setattr(story, "align", lambda s, d: calls.append(1) or real(s, d))
    low = story.score_pair(a, other)
    assert low.terms < story.ALIGN_MIN_TERMS and not low.lede_event
    assert calls == [] and low.alignment == 0.0 and low.score < story.STORY_THRESHOLD
    story.score_pair(a, b)  # the seed pair: one story, aligned (or lifted by its ledes)
    assert calls == [1]


def test_fast_zipf_equals_wordfreq() -> None:
    from wordfreq import get_frequency_dict, zipf_frequency

    rng = random.Random(5)
    table = [w for w in get_frequency_dict("en", "best") if w.isascii() and w.isalpha() and w.islower()]
    words = rng.sample(table, 3000)
    words += ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 11))) for _ in range(1000)]
    words += ["al-assad", "o'brien", "covid19", "müller", "u.s", "naïve", "xi", "the"]
    assert [story.zipf(w) for w in words] == [zipf_frequency(w, "en") for w in words]


def test_row_sums_with_empty_rows_anywhere() -> None:
    values = np.array([1, 2, 3, 4, 5], dtype=np.uint16)
    rows = np.array([0, 0, 2, 2, 5, 5], dtype=np.int64)
    assert story._row_sums(values, rows).tolist() == [0, 3, 0, 12, 0]
    assert story._row_sums(values[:0], np.array([0, 0, 0])).tolist() == [0, 0]
    assert story._row_sums(np.array([60_000, 60_000], dtype=np.uint16), np.array([0, 2])).tolist() == [120_000]  # no uint16 overflow


def test_rare_word_by_common_set_equals_weighing_it() -> None:
    """_rare_word's plain-word path (not in _common_plain_words) gives what weighing the
    word gives, on words all along the rare line and on the other spellings' path."""
    from wordfreq import get_frequency_dict

    freqs = get_frequency_dict("en", "best")
    near_line = sorted(freqs, key=lambda w: abs(freqs[w] - 10.0 ** (story.RARE_ZIPF - 9.0)))[:400]
    rng = random.Random(3)
    words = near_line + rng.sample(sorted(freqs), 2000) + [
        "the", "president", "obama's", "xi’s", "zzqxv", "ab", "1990s", "covid-19", "o'brien", "café", "naïve", "2024",
    ]

    def weighed(spelling: str) -> str | None:
        got = story._content_term(spelling)
        return got[0] if got is not None and got[1] >= 7.0 - story.RARE_ZIPF else None

    story._rare_word.cache_clear()
    assert [story._rare_word(w) for w in words] == [weighed(w) for w in words]
