"""langdetect's language profiles in a form that loads in milliseconds.

langdetect reads its 55 JSON profiles and builds a table of ~88,000 n-grams x 55
languages the first time it detects anything: ~0.26 s of CPU, a quarter of a whole
`qc scan` of clean-news, paid again by every process that meets one foreign-looking
paragraph. The table is sparse (184,000 non-zero probabilities), so after the first
load it is kept in the cache folder of the compiled rules as the n-grams and, per
n-gram, its languages and probabilities as flat arrays (the float64 values langdetect
computed, bit for bit), keyed by the profile files' names, sizes and modification
times. A detector reads it through `SparseProbabilities`, which builds each n-gram's row
of 55 probabilities on first use, exactly as langdetect would have held it, so the
detections are the same.
"""

from __future__ import annotations

import marshal
import os
from array import array
from pathlib import Path
from typing import Any

# Bumped when the file's layout changes.
FORMAT = 1


class SparseProbabilities:
    """What langdetect's Detector reads of `word_lang_prob_map` (`in` and `[]`), from the
    sparse arrays: n-gram k has languages langs[starts[k]:starts[k + 1]] with those probs."""

    def __init__(self, words: tuple[str, ...], starts: array[int], langs: bytes, probs: array[float], langsize: int) -> None:
        self.index = dict(zip(words, range(len(words))))
        self.starts = starts
        self.langs = langs
        self.probs = probs
        self.langsize = langsize
        self.rows: dict[str, list[float]] = {}

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> list[float]:
        row = self.rows.get(word)
        if row is None:
            k = self.index[word]
            row = [0.0] * self.langsize
            langs, probs = self.langs, self.probs
            for j in range(self.starts[k], self.starts[k + 1]):
                row[langs[j]] = probs[j]
            self.rows[word] = row
        return row

    def __len__(self) -> int:
        return len(self.index)


def ready_factory() -> None:
    """Make langdetect's module-level factory (what `detect_langs` uses) if it is not made yet:
    from the cache when it holds these profiles, else langdetect's own loading, then cached."""
    import langdetect.detector_factory as factory_module

    if factory_module._factory is not None:
        return
    path = cache_path(Path(factory_module.PROFILES_DIRECTORY))
    if path is not None:
        factory = load_cached(path, factory_module.DetectorFactory)
        if factory is not None:
            factory_module._factory = factory
            return
    factory_module.init_factory()
    if path is not None:
        store(path, factory_module._factory)


def cache_path(profiles: Path) -> Path | None:
    """The cache file for these profile files, or None without a cache folder."""
    import xxhash

    from qc.lint.packs import rules_cache_dir

    folder = rules_cache_dir()
    if folder is None:
        return None
    hasher = xxhash.xxh3_64()
    hasher.update(f"{FORMAT}|{profiles}".encode())
    try:
        with os.scandir(profiles) as entries:  # (langdetect's order of languages is listdir's)
            for entry in entries:
                stat = entry.stat()
                hasher.update(f"|{entry.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    except OSError:
        return None
    return folder / f"langdetect-{hasher.hexdigest()}.marshal"


def load_cached(path: Path, factory_class: Any) -> Any:
    """A DetectorFactory reading the cached table, or None when the file is missing or unusable."""
    from qc.lint.packs import owned_and_private

    if not owned_and_private(path):
        return None
    try:
        fmt, langlist, langsize, words, starts, langs, probs = marshal.loads(path.read_bytes())
        if fmt != FORMAT:
            return None
        start_array, prob_array = array("q"), array("d")
        start_array.frombytes(starts)
        prob_array.frombytes(probs)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if len(start_array) != len(words) + 1 or len(prob_array) != len(langs):
        return None
    factory = factory_class()
    factory.langlist = list(langlist)
    factory.word_lang_prob_map = SparseProbabilities(words, start_array, langs, prob_array, langsize)
    return factory


def store(path: Path, factory: Any) -> None:
    """Best effort, like the compiled rules: a read-only cache folder only costs speed."""
    table: dict[str, list[float]] = factory.word_lang_prob_map
    langsize = len(next(iter(table.values()), []))
    starts, langs, probs = array("q", [0]), bytearray(), array("d")
    for row in table.values():
        for lang, prob in enumerate(row):
            if prob != 0.0:
                langs.append(lang)
                probs.append(prob)
        starts.append(len(probs))
    if langsize > 255:
        return
    data = marshal.dumps((FORMAT, list(factory.langlist), langsize, tuple(table), starts.tobytes(), bytes(langs), probs.tobytes()))
    from qc.lint.packs import store_private_cache

    try:
        store_private_cache(path, data, "langdetect-*.marshal")
    except OSError:
        return
