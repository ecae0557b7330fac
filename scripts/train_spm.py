"""Train the SentencePiece model qc uses for its garble signal (qc/data/spm-en-news.model).

The model is trained on English Wikinews text (the project's clean-news corpus,
CC BY 2.5; credit in qc/data/README.md). A word that this model must split into
unusually many pieces is rare in edited English news: pinyin, scraping debris,
fused or broken words.

    .venv/bin/python scripts/train_spm.py [../shared/data/clean-news/articles.jsonl] [-o qc/data/spm-en-news.model]

Deterministic for the same input: sentences are fed in file order, no sampling.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT.parent / "shared" / "data" / "clean-news" / "articles.jsonl"
DEFAULT_OUTPUT = ROOT / "qc" / "data" / "spm-en-news.model"
VOCAB_SIZE = 6000


def sentences(path: Path):
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            text = json.loads(line).get("text", "")
            for para in re.split(r"\n\s*\n", text):
                para = " ".join(para.split())
                if para:
                    yield para


def main(argv: list[str] | None = None) -> int:
    import sentencepiece as spm

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", nargs="?", default=str(DEFAULT_INPUT), help=".jsonl with a 'text' field per record")
    parser.add_argument("-o", "--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--vocab-size", type=int, default=VOCAB_SIZE)
    args = parser.parse_args(argv)
    lines = list(sentences(Path(args.input)))
    if not lines:
        print(f"no text in {args.input}", file=sys.stderr)
        return 2
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=args.vocab_size,
        model_type="unigram",
        character_coverage=0.9995,  # rare (e.g. CJK) characters stay unknown
        normalization_rule_name="nmt_nfkc",
        max_sentence_length=20000,
        input_sentence_size=0,
        shuffle_input_sentence=False,
        num_threads=1,
        minloglevel=2,
    )
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(model.getvalue())
    print(f"wrote {out} ({out.stat().st_size:,} bytes, vocab {args.vocab_size}, {len(lines):,} paragraphs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
