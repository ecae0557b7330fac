"""A large .jsonl for `qc dedup` memory measurements, shaped like a real news corpus:
mostly distinct articles, a few near-copies, a few retold stories.

A source corpus is written again and again; in each round every story-specific word
(wordfreq Zipf below 4.5, the story tier's "rare" words: names, places, rare terms) and
every number gets a round-specific spelling, so each round's articles are new stories
(the vocabulary of names grows with the corpus, as in real news) while the common words
and the sentence structure stay English. The source's own retellings stay retellings
within a round. `--copies` of the records are followed by a near-copy (one sentence
changed), so the copy tier has small groups, as syndicated news does.

    python bench/make_dedup_big.py ../shared/data/clean-news/articles.jsonl big.jsonl --mb 300
"""

from __future__ import annotations

import argparse
import json
import random
import re
from functools import cache
from pathlib import Path

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_TOKEN = re.compile(r"[A-Za-z]+|\d+")
_LETTERS = "bcdfghjklmnpqrstvwxz"


@cache
def is_rare(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en") < 4.5


def round_tag(r: int) -> str:
    """A short letter suffix unique to round r."""
    out = ""
    r += 1
    while r:
        r, d = divmod(r, len(_LETTERS))
        out += _LETTERS[d]
    return out


def respell(text: str, r: int) -> str:
    """Story-specific words and numbers given round r's spelling (round 0: unchanged)."""
    if r == 0:
        return text
    tag = round_tag(r)

    def sub(m: re.Match[str]) -> str:
        tok = m.group()
        if tok.isdigit():
            return str(int(tok) + 7919 * r) if len(tok) < 12 else tok + str(r)
        return tok + tag if len(tok) >= 3 and is_rare(tok) else tok

    return _TOKEN.sub(sub, text)


def near_copy(text: str, rng: random.Random) -> str:
    """The text with one sentence changed: a word dropped and a closing note added."""
    sentences = _SENT.split(text)
    k = rng.randrange(len(sentences))
    words = sentences[k].split()
    if len(words) > 3:
        del words[rng.randrange(len(words))]
    sentences[k] = " ".join(words) + " (updated)"
    return " ".join(sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--mb", type=float, default=1000.0, help="stop once the output reaches this size")
    parser.add_argument("--copies", type=float, default=0.02, help="share of records followed by a near-copy")
    args = parser.parse_args()
    texts = [json.loads(line)["text"] for line in args.source.open(encoding="utf-8") if line.strip()]
    rng = random.Random(7)
    limit = int(args.mb * 1_000_000)
    written = records = r = 0
    with args.out.open("w", encoding="utf-8") as out:
        while written < limit:
            for k, source in enumerate(texts):
                text = respell(source, r)
                versions = [text, near_copy(text, rng)] if rng.random() < args.copies else [text]
                for v, body in enumerate(versions):
                    line = json.dumps({"id": f"{r}-{k}-{v}", "text": body}, ensure_ascii=False) + "\n"
                    out.write(line)
                    written += len(line.encode("utf-8"))
                    records += 1
            r += 1
    print(f"{args.out}: {written / 1e6:.0f} MB, {records} records, {r} rounds of {len(texts)} articles")


if __name__ == "__main__":
    main()
