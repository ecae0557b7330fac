"""`qc dedup` streams: it holds signatures and story fingerprints, re-reading texts from
disk for the candidates only, with the same output as the in-memory library call."""

from __future__ import annotations

import json
import random
import weakref
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import qc.corpus
from qc.commands import dedup as dedup_cmd
from qc.commands.dedup import dedup
from qc.corpus import Article, load_articles
from qc.dedup import find_clusters, story
from qc.dedup import source as source_mod
from qc.dedup.merge import write_merged
from qc.dedup.source import ArticleSource, SourceChangedError

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures" / "dedup"


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(3, 4)))


def synthetic(n: int, seed: int = 3) -> list[str]:
    """n unrelated short articles of made-up words (no copies, no shared stories)."""
    rng = random.Random(seed)
    vocab = [_word(rng) for _ in range(40_000)]
    texts = []
    for _ in range(n):
        sentences = [" ".join(rng.choice(vocab) for _ in range(10)).capitalize() + "." for _ in range(3)]
        texts.append(" ".join(sentences))
    return texts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,200 unrelated articles, with planted copies (exact, truncated, appended) and the
    MQM fixture's three stories (translations: story groups and copies) spread among them."""
    texts = synthetic(1200)
    mqm = [json.loads(line)["text"] for line in (FIX / "mqm_3stories.jsonl").read_text(encoding="utf-8").splitlines()]
    clean = [json.loads(line)["text"] for line in (FIX / "cleannews_a.jsonl").read_text(encoding="utf-8").splitlines()]
    planted = mqm + clean + [clean[0], clean[1] + " All rights reserved.", " ".join(clean[2].split()[:300])]
    for k, text in enumerate(planted):
        texts.insert(37 * k + 5, text)
    path = tmp_path_factory.mktemp("stream") / "corpus.jsonl"
    path.write_text("".join(json.dumps({"id": k, "text": t}) + "\n" for k, t in enumerate(texts)), encoding="utf-8")
    return path


class LiveArticles:
    """Counts the Article objects the loader made that are still alive, and their peak."""

    def __init__(self) -> None:
        self.live = self.peak = self.made = 0

    def wrap(self, parse: Callable[..., object]) -> Callable[..., object]:
        """qc.corpus.parse_record, counting the Articles it makes."""

        def spy(*args: object, **kwargs: object) -> object:
            item = parse(*args, **kwargs)
            if isinstance(item, Article):
                self.made += 1
                self.live += 1
                self.peak = max(self.peak, self.live)
                weakref.finalize(item, self._gone)
            return item

        return spy

    def _gone(self) -> None:
        self.live -= 1


def test_dedup_does_not_hold_all_articles(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The old command loaded every article before grouping (peak = all 1,245); now at
    most a signing chunk and the re-read cache are alive at once."""
    monkeypatch.setattr(dedup_cmd, "STREAM_CHUNK", 50)
    monkeypatch.setattr(source_mod, "CACHE_ARTICLES", 40)
    spy = LiveArticles()
    monkeypatch.setattr(qc.corpus, "parse_record", spy.wrap(qc.corpus.parse_record))
    result = CliRunner().invoke(dedup, [str(corpus), "--tier", "all", "--format", "json"])
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    total = sum(1 for _ in corpus.open())
    assert spy.peak <= 50 + 40 + 5, f"{spy.peak} of {total} articles alive at once"
    assert spy.made > total  # the first pass read each record once, the later ones re-read some
    articles, _ = load_articles([corpus])
    want = [c.to_json(articles) for c in find_clusters(articles, tier="all")]
    got = json.loads(result.stdout)["clusters"]
    assert got == want
    assert {c["kind"] for c in got} == {"copy", "story"} and len(got) >= 5


@pytest.mark.parametrize("tier", ["copies", "stories", "all"])
def test_cli_equals_library_text_json_and_merge(tier: str, tmp_path: Path) -> None:
    paths = [str(FIX), str(ROOT / "seeds")]
    articles, _ = load_articles(paths)
    clusters = find_clusters(articles, tier=tier)
    assert clusters
    want_json = {"version": 1, "clusters": [c.to_json(articles) for c in clusters]}
    want_text = dedup_cmd.render_clusters_text(clusters, articles)
    write_merged(clusters, articles, tmp_path / "want")
    runner = CliRunner()
    text = runner.invoke(dedup, [*paths, "--tier", tier])
    as_json = runner.invoke(dedup, [*paths, "--tier", tier, "--format", "json", "--merge", str(tmp_path / "got")])
    assert text.exit_code == as_json.exit_code == 1, text.output + as_json.output
    assert text.stdout == want_text
    assert json.loads(as_json.stdout) == want_json
    want_files = sorted(p.name for p in (tmp_path / "want").iterdir())
    assert want_files == sorted(p.name for p in (tmp_path / "got").iterdir()) and want_files
    for name in want_files:
        assert (tmp_path / "got" / name).read_text(encoding="utf-8") == (tmp_path / "want" / name).read_text(encoding="utf-8")


def test_source_rereads_each_kind_of_input(tmp_path: Path) -> None:
    """Re-reading article i gives the article the first pass read: .jsonl records (a BOM,
    blank and bad lines around them), .md with front matter, .txt."""
    (tmp_path / "a.jsonl").write_bytes(
        b'\xef\xbb\xbf{"text": "first \\u00e9", "date": "2024"}\n\n{bad\n{"text": "second"}\r\n{"text": "third"}'
    )
    (tmp_path / "b.md").write_text("---\ntitle: x\n---\nBody of b.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Plain c.\n", encoding="utf-8")
    errors: list[str] = []
    src = ArticleSource(cache=0)
    first = list(src.read([tmp_path], lambda e: errors.append(e.describe())))
    assert len(src) == len(first) == 5 and len(errors) == 1 and "a.jsonl:3" in errors[0]
    again = [src[i] for i in range(len(src))]
    assert [(a.ref, a.text, a.metadata, a.body_offset) for a in again] == [
        (a.ref, a.text, a.metadata, a.body_offset) for a in first
    ]
    assert src[-1].ref == first[-1].ref and [a.ref for a in src[1:3]] == [a.ref for a in first[1:3]]


def test_source_changed_between_passes_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "a.jsonl"
    data.write_text('{"text": "one"}\n{"text": "two"}\n', encoding="utf-8")
    src = ArticleSource(cache=0)
    assert len(list(src.read([data], lambda e: None))) == 2
    data.write_text('{"text": "one"}\n', encoding="utf-8")
    with pytest.raises(SourceChangedError, match=r"a.jsonl:2: changed while qc dedup was reading it"):
        src[1]


def test_fingerprint_candidates_equal_feature_candidates() -> None:
    """The story tier's candidates now come from fingerprints: the same pairs as from the
    full features."""
    articles, _ = load_articles([FIX, ROOT / "seeds"])
    texts = [a.text for a in articles]
    by_features = story.candidate_pairs([story.features(t) for t in texts])
    assert len(by_features) and np.array_equal(story.candidate_pairs_of(story.fingerprint(t) for t in texts), by_features)
    fp = story.fingerprint(texts[0])
    assert len(fp.rare_terms) < len(story.features(texts[0]).terms)


def test_jobs_pool_gives_the_same_groups(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`-j 2` signs the streamed chunks in a process pool: the same output as `-j 1`."""
    monkeypatch.setattr(dedup_cmd, "PARALLEL_MIN_BYTES", 0)  # the pool even for this small file
    monkeypatch.setattr(dedup_cmd, "STREAM_CHUNK", 200)
    args = [str(corpus), "--tier", "copies", "--format", "json"]
    one = CliRunner().invoke(dedup, [*args, "-j", "1"])
    two = CliRunner().invoke(dedup, [*args, "-j", "2"])
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout and json.loads(one.stdout)["clusters"]


def test_jobs_reach_the_story_tier(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`-j 2` also fingerprints and scores the story tier in a pool: the same output."""
    monkeypatch.setattr(dedup_cmd, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(story, "PARALLEL_MIN_TEXTS", 0)
    monkeypatch.setattr(story, "PARALLEL_MIN_PAIRS", 0)
    pooled: list[int] = []
    real = story.in_pool
    monkeypatch.setattr(story, "in_pool", lambda func, payloads, jobs: (pooled.append(jobs), real(func, payloads, jobs))[1])
    args = [str(corpus), "--tier", "stories", "--format", "json"]
    one = CliRunner().invoke(dedup, [*args, "-j", "1"])
    assert pooled and set(pooled) == {1}
    pooled.clear()
    two = CliRunner().invoke(dedup, [*args, "-j", "2"])
    assert pooled and set(pooled) == {2}
    assert one.exit_code == two.exit_code and one.stdout == two.stdout
