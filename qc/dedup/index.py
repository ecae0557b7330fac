"""Persistent near-duplicate index in SQLite (stdlib): add articles, query new ones.

Per article (about 0.7 KB): a 16-byte content hash (a second add of the same text is a
no-op), the display ref, the shingle count, an 8-bit-per-value MinHash signature
(b-bit minwise hashing: 128 bytes, Jaccard estimated with chance agreement removed),
a story fingerprint (the 24 most frequent names and numbers, 16-bit hashes) and the
LSH band keys (31-bit, in a WITHOUT ROWID table: 20 copy bands of 4 rows, plus 6 story
keys from the fingerprint).

The index answers "copies" with the same thresholds as `qc dedup` (Jaccard estimated
from signatures, containment from Jaccard and the two set sizes) and "retells" with the
fingerprint overlap, a cheaper stand-in for the full story tier (which needs the texts).

WAL mode lets readers query while one writer adds; each batch of adds is one
transaction, so a crash loses at most the batch in flight. The schema version is kept
in `meta`; a newer one is refused.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qc.corpus import Article
from qc.dedup import copies
from qc.dedup.minhash import Banding, estimate_jaccard
from qc.errors import QcError

SCHEMA_VERSION = 1
SIG_BITS = 8
COPY_BANDING = Banding(20, 4)
STORY_SIZE = 24
STORY_KEYS = 6
STORY_THRESHOLD = 0.5  # fingerprint overlap (smaller side) for "retells"
KEY_MASK = 0x7FFFFFFF  # 31-bit keys: 4 bytes each in SQLite
BATCH = 500
MAX_STORY_BUCKET = 200

_NAME = re.compile(r"(?<=[a-z,;:]\s)[A-Z][A-Za-z]+|\b\d[\d,.]*\d\b")
_COMMON_CAPS = frozenset("The A An In On At For And But He She It They We This That His Her Its Their Mr Ms Mrs".split())


class IndexDbError(QcError):
    """An index database that cannot be opened or has an incompatible schema."""


@dataclass
class Match:
    ref: str  # the indexed article
    kind: str  # "duplicate" | "copy" | "story"
    similarity: float  # estimated Jaccard (copy) or fingerprint overlap (story); 1.0 duplicate
    containment: float


def story_fingerprint(text: str) -> list[int]:
    """16-bit hashes of the most frequent names (capitalised mid-sentence) and numbers."""
    counts = Counter(m.group().lower().replace(",", "") for m in _NAME.finditer(text) if m.group() not in _COMMON_CAPS)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:STORY_SIZE]
    return [zlib.crc32(term.encode("utf-8")) & 0xFFFF for term, _ in top]


def _story_keys(fp: Sequence[int]) -> list[int]:
    return [(zlib.crc32(b"story:%d" % h) & KEY_MASK) for h in fp[:STORY_KEYS]]


def _fp_overlap(a: Sequence[int], b: Sequence[int]) -> float:
    if not a or not b:
        return 0.0
    return len(set(a) & set(b)) / min(len(set(a)), len(set(b)))


@dataclass
class Prepared:
    article: Article
    digest: bytes
    n: int
    sig: np.ndarray  # full uint32 signature
    story: list[int]


def prepare(articles: Sequence[Article]) -> list[Prepared]:
    batch = copies.shingle_texts([a.text for a in articles])
    return [
        Prepared(a, hashlib.sha256(a.text.encode("utf-8", "surrogatepass")).digest()[:16], len(s), sig, story_fingerprint(a.text))
        for a, s, sig in zip(articles, batch.sets, batch.sigs)
    ]


class Index:
    def __init__(self, path: str | Path, create: bool = False) -> None:
        self.path = str(path)
        if not create and not Path(path).exists():
            raise IndexDbError(self.path, "no such index (create it with `qc index add`)")
        try:
            self.db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            self.db.execute("PRAGMA busy_timeout = 30000")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._check_schema(create)
        except sqlite3.DatabaseError as exc:
            raise IndexDbError(self.path, f"not a usable qc index ({exc})") from None

    def _check_schema(self, create: bool) -> None:
        has_meta = self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not has_meta:
            if not create:
                raise IndexDbError(self.path, "not a qc index (no meta table)")
            self.db.executescript(
                f"""
                BEGIN;
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE docs (id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, ref TEXT NOT NULL,
                                   n INTEGER NOT NULL, sig BLOB NOT NULL, story BLOB NOT NULL);
                CREATE TABLE bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID;
                INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}'),
                    ('sig_bits', '{SIG_BITS}'), ('bands', '{COPY_BANDING.bands}'), ('rows', '{COPY_BANDING.rows}');
                COMMIT;
                """
            )
            return
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise IndexDbError(
                self.path, f"index schema version {version} is newer than this qc supports ({SCHEMA_VERSION}); upgrade qc"
            )
        if version < SCHEMA_VERSION:
            raise IndexDbError(self.path, f"index schema version {version} is not supported; rebuild the index")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, articles: Iterable[Article]) -> tuple[int, int]:
        """Add articles in transactions of BATCH; returns (added, already present)."""
        added = skipped = 0
        pending: list[Article] = []

        def flush() -> None:
            nonlocal added, skipped
            prepared = prepare(pending)
            keys_all = COPY_BANDING.keys(np.stack([p.sig for p in prepared])) if prepared else None
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for k, p in enumerate(prepared):
                    cur = self.db.execute(
                        "INSERT OR IGNORE INTO docs (hash, ref, n, sig, story) VALUES (?, ?, ?, ?, ?)",
                        (p.digest, p.article.ref, p.n, (p.sig & 0xFF).astype(np.uint8).tobytes(),
                         np.array(p.story, dtype=np.uint16).tobytes()),
                    )
                    if cur.rowcount == 0:
                        skipped += 1
                        continue
                    doc = cur.lastrowid
                    keys = {int(x) & KEY_MASK for x in keys_all[k]} | set(_story_keys(p.story))
                    self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", [(key, doc) for key in keys])
                    added += 1
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            pending.clear()

        for article in articles:
            pending.append(article)
            if len(pending) >= BATCH:
                flush()
        if pending:
            flush()
        return added, skipped

    def query(
        self, articles: Sequence[Article], threshold: float = copies.DEFAULT_THRESHOLD,
        containment: float = copies.DEFAULT_CONTAINMENT,
    ) -> list[list[Match]]:
        """For each article, the indexed articles it duplicates, copies or retells."""
        results: list[list[Match]] = []
        for p in prepare(articles):
            matches: list[Match] = []
            row = self.db.execute("SELECT ref FROM docs WHERE hash = ?", (p.digest,)).fetchone()
            if row:
                matches.append(Match(row[0], "duplicate", 1.0, 1.0))
            copy_keys = sorted({int(x) & KEY_MASK for x in COPY_BANDING.keys(p.sig[None, :])[0]})
            docs = {d for (d,) in self.db.execute(
                f"SELECT doc FROM bands WHERE key IN ({','.join('?' * len(copy_keys))})", copy_keys)}
            for key in _story_keys(p.story):
                # a key shared by very many articles is a topic (a country, a party), not a story
                hits = self.db.execute("SELECT doc FROM bands WHERE key = ? LIMIT ?", (key, MAX_STORY_BUCKET + 1)).fetchall()
                if len(hits) <= MAX_STORY_BUCKET:
                    docs.update(d for (d,) in hits)
            ids = sorted(docs)
            rows = []
            for at in range(0, len(ids), 500):
                chunk = ids[at : at + 500]
                rows += self.db.execute(
                    f"SELECT id, ref, n, sig, story, hash FROM docs WHERE id IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
            low = (p.sig & 0xFF).astype(np.uint8)
            for _id, ref, n, sig, story, digest in rows:
                if digest == p.digest:
                    continue
                j = estimate_jaccard(low, np.frombuffer(sig, dtype=np.uint8), SIG_BITS)
                shared = j * (p.n + n) / (1.0 + j) if p.n and n else 0.0
                cont = min(1.0, shared / min(p.n, n)) if p.n and n else 0.0
                small = min(p.n, n)
                if j >= threshold or (small >= copies.MIN_CONTAINED_SHINGLES and cont >= containment):
                    matches.append(Match(ref, "copy", j, cont))
                    continue
                overlap = _fp_overlap(p.story, np.frombuffer(story, dtype=np.uint16).tolist())
                if overlap >= STORY_THRESHOLD:
                    matches.append(Match(ref, "story", overlap, cont))
            matches.sort(key=lambda m: (m.kind != "duplicate", m.kind != "copy", -m.similarity, m.ref))
            results.append(matches)
        return results

    def stats(self) -> dict[str, float | int | str]:
        docs = self.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        keys = self.db.execute("SELECT COUNT(*) FROM bands").fetchone()[0]
        page_size = self.db.execute("PRAGMA page_size").fetchone()[0]
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        size = page_size * pages
        return {
            "path": self.path,
            "schema_version": SCHEMA_VERSION,
            "articles": docs,
            "band_keys": keys,
            "bytes": size,
            "bytes_per_article": round(size / docs, 1) if docs else 0.0,
        }
