"""A large .jsonl for `qc dedup` memory measurements: a source corpus repeated, every copy
edited (its own record id, one sentence changed), so each source article becomes a group
of near-copies spread across the file.

    python bench/make_dedup_big.py ../shared/data/clean-news/articles.jsonl big.jsonl --mb 1000
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def edit(text: str, copy: int, rng: random.Random) -> str:
    """The text with one sentence changed: a word dropped and a marker appended."""
    sentences = _SENT.split(text)
    k = rng.randrange(len(sentences))
    words = sentences[k].split()
    if len(words) > 3:
        del words[rng.randrange(len(words))]
    sentences[k] = " ".join(words) + f" (edition {copy})"
    return " ".join(sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--mb", type=float, default=1000.0, help="stop once the output reaches this size")
    args = parser.parse_args()
    records = [json.loads(line) for line in args.source.open(encoding="utf-8") if line.strip()]
    rng = random.Random(7)
    limit = int(args.mb * 1_000_000)
    written = copy = 0
    with args.out.open("w", encoding="utf-8") as out:
        while written < limit:
            for k, rec in enumerate(records):
                line = json.dumps({"id": f"{k}-{copy}", "text": edit(rec["text"], copy, rng)}, ensure_ascii=False) + "\n"
                out.write(line)
                written += len(line.encode("utf-8"))
            copy += 1
    print(f"{args.out}: {written / 1e6:.0f} MB, {copy} copies of {len(records)} articles")


if __name__ == "__main__":
    main()
