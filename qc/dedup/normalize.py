"""Text normalisation shared by the numpy copy tier and the numpy-free index query path."""

from __future__ import annotations

import unicodedata

# Typical mojibake (UTF-8 read as Latin-1/cp1252: "â€™", "Ã©", "Â "): substring tests,
# much cheaper than a regex scan; ftfy runs only when one of them is present.
MOJIBAKE_HINTS = ("\u00e2\u20ac", "\u00c3", "\u00c2")


def normalize(text: str) -> str:
    """ftfy repair where mojibake is likely, NFKC, lower case.

    Punctuation is not removed here: the byte tokenizer splits on ASCII punctuation
    and on the common Unicode punctuation blocks (see `qc.dedup.shingle._word_mask`).
    """
    if not text.isascii():
        if any(hint in text for hint in MOJIBAKE_HINTS):
            import ftfy  # slow to import and to run: only where it can help

            text = ftfy.fix_text(text)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    return text.lower()
