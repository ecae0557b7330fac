"""Build a near-copy benchmark from clean-news: originals plus edited copies, with truth.

Usage: python bench/make_nearcopy_corpus.py ../shared/data/clean-news/articles.jsonl OUT.jsonl [--copies 2] [--seed 7]

Each copy gets one or more edits: truncation (keep the first 55-95% of sentences),
added boilerplate (a header and/or footer), sentence reordering (swap a few adjacent
sentences), typos (character edits in 1-3% of words), word substitutions (1-5% of
words). Every record keeps `group` (the original's id) and `edits`; the exact
word-5-gram Jaccard and containment to the original are recorded, and the truth pairs
are those with Jaccard >= 0.8 or containment >= 0.8 (the issue's definition).
"""

from __future__ import annotations

import argparse
import json
import random
import re

BOILERPLATE = [
    "Sign up for our daily newsletter to get the top stories delivered to your inbox every morning.",
    "This article originally appeared on our partner site and is republished here with permission.",
    "Follow us on social media for the latest updates. All rights reserved. Reproduction prohibited.",
    "Advertisement. Continue reading the main story below this message from our sponsors.",
]
SUBS = {"said": "stated", "also": "additionally", "large": "big", "many": "numerous", "began": "started",
        "people": "persons", "announced": "declared", "after": "following", "before": "prior to", "about": "around"}
SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(len(word) - 1)
    op = rng.choice("swap drop dup".split())
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def edit(text: str, rng: random.Random) -> tuple[str, list[str]]:
    paras = [SENT.split(p) for p in text.split("\n\n")]
    edits = rng.sample(["truncate", "boilerplate", "reorder", "typos", "substitute"], rng.randint(1, 3))
    if "reorder" in edits:
        for sents in paras:
            for _ in range(max(1, len(sents) // 4)):
                if len(sents) > 1:
                    i = rng.randrange(len(sents) - 1)
                    sents[i], sents[i + 1] = sents[i + 1], sents[i]
    flat = [(pi, s) for pi, sents in enumerate(paras) for s in sents]
    if "truncate" in edits:
        flat = flat[: max(1, int(len(flat) * rng.uniform(0.55, 0.95)))]
    out_paras: dict[int, list[str]] = {}
    for pi, s in flat:
        out_paras.setdefault(pi, []).append(s)
    body = "\n\n".join(" ".join(v) for v in out_paras.values())
    if "typos" in edits or "substitute" in edits:
        rate_t = rng.uniform(0.01, 0.03) if "typos" in edits else 0.0
        rate_s = rng.uniform(0.01, 0.05) if "substitute" in edits else 0.0
        words = body.split(" ")
        for i, w in enumerate(words):
            r = rng.random()
            if r < rate_t:
                words[i] = typo(w, rng)
            elif r < rate_t + rate_s:
                words[i] = SUBS.get(w.lower(), rng.choice(["reportedly", "notably", "indeed", "apparently"]) + " " + w)
        body = " ".join(words)
    if "boilerplate" in edits:
        body = (rng.choice(BOILERPLATE) + "\n\n" if rng.random() < 0.5 else "") + body + "\n\n" + rng.choice(BOILERPLATE)
    return body, edits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("--copies", type=int, default=2, help="copies per original (0..copies, uniformly)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from qc.dedup.copies import overlap
    from qc.dedup.shingle import shingle_set

    rng = random.Random(args.seed)
    originals = [json.loads(line) for line in open(args.source, encoding="utf-8") if line.strip()]
    n_rec = n_true = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for rec in originals:
            base = shingle_set(rec["text"])
            out.write(json.dumps({"id": rec["id"], "group": rec["id"], "edits": [], "text": rec["text"]}) + "\n")
            n_rec += 1
            for k in range(rng.randint(0, args.copies)):
                text, edits = edit(rec["text"], rng)
                ov = overlap(base, shingle_set(text))
                positive = ov.jaccard >= 0.8 or ov.containment >= 0.8
                n_true += positive
                out.write(json.dumps({"id": f"{rec['id']}~{k}", "group": rec["id"], "edits": edits,
                                      "jaccard": round(ov.jaccard, 4), "containment": round(ov.containment, 4),
                                      "positive": positive, "text": text}) + "\n")
                n_rec += 1
    print(f"wrote {n_rec} records ({len(originals)} originals), {n_true} copy->original pairs above the threshold")


if __name__ == "__main__":
    main()
