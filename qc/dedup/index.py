"""Persistent near-duplicate index in SQLite (stdlib): add articles, query new ones.

Per article (about 0.6 KB): a 16-byte content hash (a second add of the same text is a
no-op), the display ref, the shingle count, an 8-bit-per-value MinHash signature
(b-bit minwise hashing: 128 bytes, Jaccard estimated with chance agreement removed),
a story fingerprint (the 24 most frequent names and numbers, 16-bit hashes) and 31-bit
lookup keys: 20 copy bands of 4 rows, up to 6 story keys from the fingerprint, and one
key from the content hash (for the "already indexed" check).

Keys are stored as immutable sorted segments (a log-structured merge): each batch of
adds writes its keys, sorted, as a new segment at the end of the `bands` b-tree, and
FANOUT segments of one size class are merged (a sorted merge, written once, in order)
into one of the next class. Inserting keys at random places in one big b-tree instead
rewrites a random page per key: at a million articles every batch of 500 dirtied ~50 MB
of pages, and building the index took hours. A lookup probes every segment (at most
FANOUT - 1 per size class: a few dozen at a million articles).

The index answers "copies" with the same thresholds as `qc dedup` (Jaccard estimated
from signatures, containment from Jaccard and the two set sizes) and "retells" with the
fingerprint overlap, a cheaper stand-in for the full story tier (which needs the texts).

Latency: a query for a few articles runs on the standard library alone. Shingles,
MinHash and band keys are computed here in pure Python, bit for bit the same values as
the vectorised numpy code in `qc.dedup.shingle`/`minhash` (which `add` uses for its
batches; a test checks the two agree), so a fresh `qc index query` does not pay for
importing numpy.

Crash safety and concurrency: WAL journal, a 30 s busy timeout, and every batch of adds
is one `BEGIN IMMEDIATE` transaction; `add` reports each batch after its COMMIT (the
`on_commit` callback), so "added" is well defined: an article reported there survives a
SIGKILL of the process (synchronous=NORMAL: an OS crash or power loss may lose the last
batches, never corrupt the file). Preparing a batch (the CPU work) happens outside the
write lock, so two writers interleave batch by batch. A query or `stats` reads one
snapshot (one read transaction), so readers never see half a batch. The schema version
is kept in `meta`; a newer one is refused. Index files are data: the schema is checked,
`trusted_schema` is off, and malformed rows raise `IndexDbError`, never a crash.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qc.dedup.normalize import normalize
from qc.errors import QcError

if TYPE_CHECKING:
    from qc.corpus import Article

SCHEMA_VERSION = 2  # 2: segmented keys, content-hash key (1: one key b-tree, UNIQUE hash)
SIG_BITS = 8
NUM_PERM = 128
BANDS, ROWS = 20, 4  # copy banding (the same as minhash.Banding(20, 4))
STORY_SIZE = 24
STORY_KEYS = 6
STORY_THRESHOLD = 0.5  # fingerprint overlap (smaller side) for "retells"
KEY_MASK = 0x7FFFFFFF  # 31-bit keys: 4 bytes each in SQLite
BATCH = 500
FANOUT = 8  # segments of one size class merged at once (size class: floor(log_FANOUT(rows)))
MAX_MERGE = 64  # segments merged by one statement at most (SQLite allows 500 compound terms)
WRITE_CACHE_KIB = 64 * 1024  # page cache while adding: segment merges and key look-ups stay in memory
WAL_CHECKPOINT_PAGES = 8192
MAX_STORY_BUCKET = 200
PURE_QUERY_MAX = 16  # up to this many query articles (and PURE_QUERY_CHARS) are prepared without numpy
PURE_QUERY_CHARS = 200_000
# The copy thresholds of `qc dedup` (qc.dedup.copies; a test checks they agree).
DEFAULT_THRESHOLD = 0.8
DEFAULT_CONTAINMENT = 0.8
MIN_CONTAINED_SHINGLES = 20

_NAME = re.compile(r"(?<=[a-z,;:]\s)[A-Z][A-Za-z]+|\b\d[\d,.]*\d\b")
_COMMON_CAPS = frozenset("The A An In On At For And But He She It They We This That His Her Its Their Mr Ms Mrs".split())


class IndexDbError(QcError):
    """An index database that cannot be opened, has an incompatible schema or bad rows."""


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
    return [zlib.crc32(term.encode("utf-8", "surrogatepass")) & 0xFFFF for term, _ in top]


def _story_keys(fp: Sequence[int]) -> list[int]:
    return [(zlib.crc32(b"story:%d" % h) & KEY_MASK) for h in fp[:STORY_KEYS]]


def _hash_key(digest: bytes) -> int:
    """The lookup key of a content hash (31 bits of it; the stored hash is then compared)."""
    return int.from_bytes(digest[:4], "little") & KEY_MASK


def _size_class(rows: int) -> int:
    """floor(log_FANOUT(rows)): FANOUT segments of class c add up to class c + 1 or more."""
    c = 0
    while rows >= FANOUT:
        rows //= FANOUT
        c += 1
    return c


def _fp_overlap(a: Sequence[int], b: Sequence[int]) -> float:
    if not a or not b:
        return 0.0
    return len(set(a) & set(b)) / min(len(set(a)), len(set(b)))


# -- the copy tier's hashes in pure Python (mirrors qc.dedup.shingle and qc.dedup.minhash) --

_M64 = (1 << 64) - 1
_M32 = 0xFFFFFFFF
_P = 0x100000001B3
_SHINGLE_MULT = 0x9E3779B97F4A7C15
SHINGLE_SIZE = 5
# Token characters, as shingle._word_mask decides on UTF-8 bytes: ASCII letters/digits
# and any non-ASCII character except U+00A0-U+00BF, U+00D7, U+00F7, U+2000-U+207F and
# U+3000-U+303F (lone surrogates, encoded with surrogatepass, are token characters).
_TOKEN = re.compile("[a-z0-9\u0080-\u009f\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u1fff\u2080-\u2fff\u3040-\U0010ffff]+")
_PERM_A = (
    1860614271, 2954010547, 1990477363, 2165226897, 165621191, 823309981, 823535459, 239910241,
    2224015423, 3045197929, 2917873503, 3502290151, 1169022383, 2444416655, 3681220373, 2778975219,
    2709721129, 2279201747, 4041966667, 829795553, 2938519973, 38501543, 2941513109, 3772847963,
    505645275, 3276846653, 2563567109, 4256582245, 1784388311, 2305636509, 1565533425, 348173803,
    696183981, 4100761317, 1950619955, 2211667011, 1997318561, 4224075075, 1470477981, 1382121791,
    3477220531, 2321883681, 1636253737, 3331053621, 2366962333, 154878311, 2423227849, 1337341753,
    4072366645, 3268496947, 3103965299, 1509437283, 3812327177, 1891028177, 1826117913, 984224573,
    1335843509, 1973614903, 1873655919, 27230401, 2948112677, 1871832661, 3261774713, 4247747317,
    2441080043, 308355419, 3445170607, 3872099287, 3943817757, 3520486445, 898743219, 1363264789,
    1961673615, 3799563401, 2137850409, 1793047489, 1386343687, 3448136399, 4022501493, 2595403977,
    846960925, 3948749641, 919896381, 1215906853, 3915268683, 2260007893, 1945243899, 3410678399,
    3457422209, 889995045, 2903778563, 342981657, 1405932587, 2792024803, 372238783, 380729475,
    3451145481, 3467145231, 3805173181, 3815128207, 3990114021, 1031000261, 3899184095, 717837891,
    530028567, 825025037, 3464463211, 1294926677, 2156896095, 366498297, 1929296097, 305527153,
    1940436905, 1431777909, 3579043359, 2046633709, 167256691, 1289253853, 2751994349, 59543683,
    1397495029, 3042890971, 576211753, 3770733747, 2488059713, 2134466847, 2170335847, 808568779
)
_PERM_B = (
    507154523, 2310397749, 626766321, 1781295036, 438159926, 2409785794, 1616681938, 13604797,
    360389723, 1758026737, 1999927220, 3849951647, 1745190360, 218470621, 4000579599, 565045855,
    2565733664, 2674119145, 1410341501, 2119950775, 1914081582, 2598874547, 2243229610, 800316006,
    1066351327, 840725180, 2343187316, 3674447450, 4152454845, 1213685244, 650733200, 3436934936,
    1128374805, 3942261503, 1511274292, 3086068545, 296611310, 279984244, 2230745168, 2504529628,
    3770639150, 2212612616, 3067333325, 2873161006, 1277046461, 3320711578, 3132166457, 2290638158,
    1103704136, 3100179878, 3578122384, 1330544660, 3751717210, 938925932, 384356577, 1531862618,
    3119376013, 2490019990, 223353697, 3917130201, 976935970, 663161077, 2227440595, 3594787709,
    954054128, 1831872616, 751851287, 2377707603, 3436404465, 1818723878, 655053530, 2620271946,
    1221305361, 804854853, 2920350999, 1889926835, 3037793964, 855616832, 2810071789, 1514398238,
    2305980112, 2400587717, 329730633, 2030587291, 254428152, 891024066, 3320940362, 4158520386,
    2901982021, 3623379038, 3704700920, 1692306994, 3412599189, 1797944826, 1880926408, 3393766942,
    423746706, 3118228733, 3454387738, 2156795633, 2214490177, 4136473726, 942954092, 2925243325,
    658040704, 1993234506, 4293497080, 1299088721, 1918611601, 1049512122, 3441105677, 1728493664,
    2804350123, 2473355906, 2873534460, 3617851644, 32213494, 1127310706, 850462787, 1117592350,
    1458474758, 65036749, 3540571472, 196292916, 1471609657, 2153739472, 383727646, 768374874
)


def _fmix64(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _M64
    h ^= h >> 33
    h = (h * 0xC4CEB93FE53A85B3) & _M64
    return h ^ (h >> 33)


def _token_hash(token: str) -> int:
    data = token.encode("utf-8", "surrogatepass")
    h = 0
    for byte in data:
        h = (h * _P + byte) & _M64
    return _fmix64((h + len(data)) & _M64)


def shingles_py(normalized: str, k: int = SHINGLE_SIZE) -> list[int]:
    """64-bit shingle hashes of one normalised text (the values of shingle.shingles_batch)."""
    tokens = [_token_hash(m.group()) for m in _TOKEN.finditer(normalized)]
    if not tokens:
        return []
    out = []
    for i in range(max(1, len(tokens) - k + 1)):
        acc = 0
        for t in tokens[i : i + k]:
            acc = (acc * _SHINGLE_MULT + t) & _M64
        out.append(_fmix64(acc))
    return out


def signature_py(shingles: Iterable[int]) -> list[int]:
    """The uint32 MinHash signature (minhash.signatures_from_shingles) of one text."""
    xs = {v >> 32 for v in shingles}
    if not xs:
        return [_M32] * NUM_PERM
    return [min((a * x + b) & _M32 for x in xs) for a, b in zip(_PERM_A, _PERM_B)]


def band_keys_py(sig: Sequence[int]) -> list[int]:
    """The copy band keys (minhash.Banding(20, 4).keys, salt 0) of one signature, as uint64."""
    keys = []
    for band in range(BANDS):
        acc = band + 1
        for r in range(ROWS):
            acc = (acc * 0x100000001B3 + sig[band * ROWS + r]) & _M64
            acc ^= acc >> 29
        acc = (acc * 0xBF58476D1CE4E5B9) & _M64
        keys.append(acc ^ (acc >> 32))
    return keys


@dataclass
class Prepared:
    article: Article
    digest: bytes  # 16 bytes of SHA-256 of the text
    n: int  # distinct shingles
    low: bytes  # the low SIG_BITS bits of each signature value (what the index stores)
    keys: list[int]  # 31-bit copy band keys
    story: list[int]


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:16]


def prepare_py(articles: Sequence[Article]) -> list[Prepared]:
    """Prepare articles on the standard library alone (fast start-up; for a few articles)."""
    out = []
    for a in articles:
        shingles = shingles_py(normalize(a.text))
        sig = signature_py(shingles)
        out.append(Prepared(a, _digest(a.text), len(set(shingles)), bytes(v & 0xFF for v in sig),
                            [k & KEY_MASK for k in band_keys_py(sig)], story_fingerprint(a.text)))
    return out


def prepare_np(articles: Sequence[Article]) -> list[Prepared]:
    """Prepare a batch with the vectorised numpy code (fast for many articles)."""
    if not articles:
        return []
    import numpy as np

    from qc.dedup import copies
    from qc.dedup.minhash import Banding

    batch = copies.shingle_texts([a.text for a in articles])
    keys_all = Banding(BANDS, ROWS).keys(batch.sigs) & np.uint64(KEY_MASK)
    low_all = (batch.sigs & 0xFF).astype(np.uint8)
    return [
        Prepared(a, _digest(a.text), len(s), low_all[i].tobytes(), keys_all[i].tolist(), story_fingerprint(a.text))
        for i, (a, s) in enumerate(zip(articles, batch.sets))
    ]


def prepare(articles: Sequence[Article]) -> list[Prepared]:
    """Pure Python for a few ordinary articles (no numpy import); numpy for batches and long texts."""
    small = len(articles) <= PURE_QUERY_MAX and sum(len(a.text) for a in articles) <= PURE_QUERY_CHARS
    return prepare_py(articles) if small else prepare_np(articles)


def _jaccard8(a: bytes, b: bytes) -> float:
    """Jaccard estimated from two 8-bit signatures, chance agreement removed (b-bit minwise hashing)."""
    agree = sum(x == y for x, y in zip(a, b)) / len(a)
    chance = 2.0**-SIG_BITS
    return max(0.0, (agree - chance) / (1.0 - chance))


def _create_schema(db: sqlite3.Connection) -> None:
    """The tables of an empty index and its meta values."""
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    # docs: appended in id order; no index on hash (the content-hash key does it)
    db.execute(
        "CREATE TABLE docs (id INTEGER PRIMARY KEY, hash BLOB NOT NULL, ref TEXT NOT NULL, "
        "n INTEGER NOT NULL, sig BLOB NOT NULL, story BLOB NOT NULL)"
    )
    db.execute("CREATE TABLE segments (seg INTEGER PRIMARY KEY, rows INTEGER NOT NULL)")
    db.execute(
        "CREATE TABLE bands (seg INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL, "
        "PRIMARY KEY (seg, key, doc)) WITHOUT ROWID"
    )
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("schema_version", str(SCHEMA_VERSION)), ("sig_bits", str(SIG_BITS)), ("bands", str(BANDS)), ("rows", str(ROWS))],
    )


def _db_error(path: str, exc: sqlite3.Error) -> IndexDbError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return IndexDbError(path, f"index is busy (another process held its lock for over 30 s): {text}")
    return IndexDbError(path, f"index database error: {text}")


OPEN_ATTEMPTS = 8


class _Retry(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Index:
    def __init__(self, path: str | Path, create: bool = False) -> None:
        self.path = str(path)
        if not create and not Path(path).exists():
            raise IndexDbError(self.path, "no such index (create it with `qc index add`)")
        if Path(path).is_dir():
            raise IndexDbError(self.path, "is a folder, not an index file")
        if create and not Path(path).exists():
            self._create_whole()
        # Two processes creating or converting one new index can meet SQLITE_BUSY where
        # SQLite does not wait (a journal-mode change, a lock upgrade that could deadlock):
        # start over a few times, with back-off, before calling the index unusable.
        for attempt in range(OPEN_ATTEMPTS):
            try:
                self._open(create)
                return
            except _Retry as retry:
                if attempt == OPEN_ATTEMPTS - 1:
                    raise IndexDbError(self.path, f"not a usable qc index ({retry.reason})") from None
                time.sleep(min(2.0, 0.05 * 2**attempt))

    def _create_whole(self) -> None:
        """A new index appears whole: its schema is written to a temporary file beside it,
        which is then hard-linked to the index path (that fails if another process created
        the index meanwhile: theirs is kept). Created in place, the file existed without
        its tables for a moment, and for good if the process died then: `qc index check`
        and `query` called it "not a qc index" while `add` went on filling it (issue 20).
        Where the file system has no hard links, the index is created in place as before."""
        import os
        import secrets

        target = Path(self.path)
        temporary = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.new")
        try:
            try:
                db = sqlite3.connect(temporary, isolation_level=None)
                try:
                    db.execute("PRAGMA journal_mode = WAL")
                    _create_schema(db)
                finally:
                    db.close()  # (the last connection: SQLite folds the WAL back into the file)
            except sqlite3.Error as exc:
                raise IndexDbError(self.path, f"cannot create the index: {exc}") from None
            try:
                os.link(temporary, target)
            except FileExistsError:
                pass  # another process created it first
            except OSError:
                pass  # no hard links here: _open creates it in place
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{temporary}{suffix}").unlink(missing_ok=True)

    def _open(self, create: bool) -> None:
        try:
            self.db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise IndexDbError(self.path, f"cannot open the index: {exc}") from None
        try:
            self.db.execute("PRAGMA busy_timeout = 30000")
            self.db.execute("PRAGMA trusted_schema = OFF")  # an index file from elsewhere is data
            self.db.execute("PRAGMA cell_size_check = ON")  # detect corrupt b-tree pages early
            if not self._has_meta() and self.db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
                raise IndexDbError(self.path, "is an SQLite database but not a qc index; refusing to change it")
            if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._check_schema(create)
        except sqlite3.OperationalError as exc:
            self.db.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise _Retry(str(exc)) from None
            raise IndexDbError(self.path, f"not a usable qc index ({exc})") from None
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise IndexDbError(self.path, f"not a usable qc index ({exc})") from None
        except IndexDbError:
            self.db.close()
            raise

    def _check_schema(self, create: bool) -> None:
        if not self._has_meta():
            if not create:
                raise IndexDbError(self.path, "not a qc index (no meta table)")
            self.db.execute("BEGIN IMMEDIATE")  # two processes creating one index: one does it
            try:
                if not self._has_meta():
                    # (an empty file that was there before: created in place)
                    if self.db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
                        raise IndexDbError(self.path, "is an SQLite database but not a qc index; refusing to change it")
                    _create_schema(self.db)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        try:
            version = int(row[0]) if row else 0
        except (TypeError, ValueError):
            version = 0
        if version > SCHEMA_VERSION:
            raise IndexDbError(
                self.path, f"index schema version {version} is newer than this qc supports ({SCHEMA_VERSION}); upgrade qc"
            )
        if version < SCHEMA_VERSION:
            raise IndexDbError(self.path, f"index schema version {version} is not supported; rebuild the index")
        params = dict(self.db.execute("SELECT key, value FROM meta WHERE key IN ('sig_bits', 'bands', 'rows')").fetchall())
        if params != {"sig_bits": str(SIG_BITS), "bands": str(BANDS), "rows": str(ROWS)}:
            raise IndexDbError(self.path, f"index parameters {params} differ from this qc's; rebuild the index")

    def _has_meta(self) -> bool:
        return bool(self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone())

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(
        self,
        articles: Iterable[Article],
        batch_size: int = BATCH,
        on_commit: Callable[[list[tuple[Article, bool]]], None] | None = None,
    ) -> tuple[int, int]:
        """Add articles in transactions of `batch_size`; returns (added, already present).

        After each COMMIT, `on_commit` gets that batch as (article, newly added) pairs:
        from then on those articles are in the index whatever happens to this process.
        """
        added = skipped = 0
        pending: list[Article] = []
        self.db.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
        # Checkpoint (copy the WAL into the file, with an fsync) every ~32 MB of WAL
        # rather than every 4 MB: on a slow disk the fsyncs took half the build time.
        self.db.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")

        def flush() -> None:
            nonlocal added, skipped
            prepared = prepare(pending)
            try:
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    done = self._store(prepared)
                    self.db.execute("COMMIT")
                except BaseException:
                    if self.db.in_transaction:
                        self.db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise _db_error(self.path, exc) from None
            new = sum(flag for _, flag in done)
            added += new
            skipped += len(done) - new
            pending.clear()
            if on_commit is not None:
                on_commit(done)

        for article in articles:
            pending.append(article)
            if len(pending) >= batch_size:
                flush()
        if pending:
            flush()
        return added, skipped

    def _store(self, prepared: list[Prepared]) -> list[tuple[Article, bool]]:
        """Insert a batch (inside the caller's write transaction): new articles' rows, then
        their keys as one new segment; an article whose text is indexed already is skipped."""
        segs = self._segment_ids()
        present = self._present(segs, [p.digest for p in prepared])
        done: list[tuple[Article, bool]] = []
        rows: list[tuple[int, int]] = []
        for p in prepared:
            if p.digest in present:
                done.append((p.article, False))
                continue
            present.add(p.digest)
            cur = self.db.execute(
                "INSERT INTO docs (hash, ref, n, sig, story) VALUES (?, ?, ?, ?, ?)",
                (p.digest, p.article.ref.encode("utf-8", "backslashreplace").decode("utf-8"),
                 p.n, p.low, b"".join(h.to_bytes(2, "little") for h in p.story)),
            )
            doc = cur.lastrowid
            keys = set(p.keys) | set(_story_keys(p.story)) | {_hash_key(p.digest)}
            rows += [(key, doc) for key in keys]
            done.append((p.article, True))
        if rows:
            self._new_segment(sorted(rows), max(segs, default=0) + 1)
            self._compact()
        return done

    def _segments(self) -> list[tuple[int, int]]:
        """(segment, rows) of every key segment, checked: the numbers go into SQL text."""
        segs = self.db.execute("SELECT seg, rows FROM segments ORDER BY seg").fetchall()
        if not all(isinstance(seg, int) and isinstance(rows, int) and rows >= 0 for seg, rows in segs):
            raise IndexDbError(self.path, "malformed key segment list in the index; rebuild it")
        return segs

    def _segment_ids(self) -> list[int]:
        return [seg for seg, _ in self._segments()]

    def _present(self, segs: list[int], digests: list[bytes]) -> set[bytes]:
        """The digests among `digests` that are indexed already (content-hash keys, then the
        stored hashes: a key collision is not a match)."""
        wanted, found = set(digests), set()
        keys = sorted({_hash_key(d) for d in digests})
        seg_list = ",".join(str(s) for s in segs)
        for at in range(0, len(keys), 500):
            chunk = keys[at : at + 500]
            found.update(h for (h,) in self.db.execute(
                f"SELECT d.hash FROM bands b JOIN docs d ON d.id = b.doc WHERE b.seg IN ({seg_list}) "
                f"AND b.key IN ({','.join('?' * len(chunk))})", chunk) if h in wanted)
        return found

    def _new_segment(self, rows: list[tuple[int, int]], seg: int) -> None:
        """Sorted rows under a segment number above every other: appended at the end of the
        b-tree, each page written once."""
        self.db.executemany("INSERT INTO bands VALUES (?, ?, ?)", [(seg, k, d) for k, d in rows])
        self.db.execute("INSERT INTO segments VALUES (?, ?)", (seg, len(rows)))

    def _compact(self) -> None:
        """Merge FANOUT segments of one size class into one (of a larger class) until no
        class holds FANOUT: every key is rewritten about once per class it passes."""
        while True:
            classes: dict[int, list[tuple[int, int]]] = {}
            for seg, rows in self._segments():
                classes.setdefault(_size_class(rows), []).append((seg, rows))
            full = [group for group in classes.values() if len(group) >= FANOUT]
            if not full:
                return
            group = full[0][:MAX_MERGE]
            segs = [seg for seg, _ in group]
            new = max(s for g in classes.values() for s, _ in g) + 1
            # one sorted merge of already sorted runs (SQLite: MERGE (UNION ALL), no sorter)
            union = " UNION ALL ".join(f"SELECT key, doc FROM bands WHERE seg = {seg}" for seg in segs)
            self.db.execute(f"INSERT INTO bands SELECT {new}, key, doc FROM ({union} ORDER BY 1, 2)")
            seg_list = ",".join(str(seg) for seg in segs)
            self.db.execute(f"DELETE FROM bands WHERE seg IN ({seg_list})")
            self.db.execute(f"DELETE FROM segments WHERE seg IN ({seg_list})")
            self.db.execute("INSERT INTO segments VALUES (?, ?)", (new, sum(rows for _, rows in group)))

    def query(
        self, articles: Sequence[Article], threshold: float = DEFAULT_THRESHOLD, containment: float = DEFAULT_CONTAINMENT,
    ) -> list[list[Match]]:
        """For each article, the indexed articles it duplicates, copies or retells."""
        prepared = prepare(articles)
        try:
            self.db.execute("BEGIN")  # one snapshot for the whole query
            try:
                return [self._query_one(p, threshold, containment) for p in prepared]
            finally:
                self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _db_error(self.path, exc) from None

    def _query_one(self, p: Prepared, threshold: float, containment: float) -> list[Match]:
        matches: list[Match] = []
        seg_list = ",".join(str(s) for s in self._segment_ids())  # integers from our own table
        copy_keys = sorted(set(p.keys) | {_hash_key(p.digest)})
        docs = {d for (d,) in self.db.execute(
            f"SELECT doc FROM bands WHERE seg IN ({seg_list}) AND key IN ({','.join('?' * len(copy_keys))})", copy_keys)}
        for key in _story_keys(p.story):
            # a key shared by very many articles is a topic (a country, a party), not a story
            hits = self.db.execute(f"SELECT doc FROM bands WHERE seg IN ({seg_list}) AND key = ? LIMIT ?",
                                   (key, MAX_STORY_BUCKET + 1)).fetchall()
            if len(hits) <= MAX_STORY_BUCKET:
                docs.update(d for (d,) in hits)
        ids = sorted(docs)
        rows: list[Any] = []
        for at in range(0, len(ids), 500):
            chunk = ids[at : at + 500]
            rows += self.db.execute(
                f"SELECT id, ref, n, sig, story, hash FROM docs WHERE id IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
        for _id, ref, n, sig, story, digest in rows:
            if digest == p.digest:
                matches.append(Match(ref, "duplicate", 1.0, 1.0))
                continue
            if not isinstance(sig, bytes) or len(sig) != NUM_PERM or not isinstance(story, bytes) or len(story) % 2 \
                    or not isinstance(n, int) or not isinstance(ref, str):
                raise IndexDbError(self.path, f"malformed row {_id} in the index; rebuild it")
            j = _jaccard8(p.low, sig)
            shared = j * (p.n + n) / (1.0 + j) if p.n and n else 0.0
            cont = min(1.0, shared / min(p.n, n)) if p.n > 0 and n > 0 else 0.0
            small = min(p.n, n)
            if j >= threshold or (small >= MIN_CONTAINED_SHINGLES and cont >= containment):
                matches.append(Match(ref, "copy", j, cont))
                continue
            fp = [int.from_bytes(story[i : i + 2], "little") for i in range(0, len(story), 2)]
            overlap = _fp_overlap(p.story, fp)
            if overlap >= STORY_THRESHOLD:
                matches.append(Match(ref, "story", overlap, cont))
        matches.sort(key=lambda m: (m.kind != "duplicate", m.kind != "copy", -m.similarity, m.ref))
        return matches

    def refs(self) -> list[str]:
        """Every indexed article's ref, in insertion order."""
        try:
            return [r for (r,) in self.db.execute("SELECT ref FROM docs ORDER BY id")]
        except sqlite3.Error as exc:
            raise _db_error(self.path, exc) from None

    def check(self) -> list[str]:
        """Problems found by SQLite's integrity check and qc's own: [] when the index is sound."""
        try:
            self.db.execute("BEGIN")
            try:
                problems = [r for (r,) in self.db.execute("PRAGMA integrity_check") if r != "ok"]
                bad = self.db.execute(
                    "SELECT COUNT(*) FROM docs WHERE length(sig) != ? OR length(hash) != 16 OR length(story) % 2 != 0",
                    (NUM_PERM,),
                ).fetchone()[0]
                if bad:
                    problems.append(f"{bad} articles with malformed signatures")
                orphans = self.db.execute("SELECT COUNT(*) FROM bands WHERE doc NOT IN (SELECT id FROM docs)").fetchone()[0]
                if orphans:
                    problems.append(f"{orphans} band keys of missing articles")
                keyless = self.db.execute("SELECT COUNT(*) FROM docs WHERE id NOT IN (SELECT doc FROM bands)").fetchone()[0]
                if keyless:
                    problems.append(f"{keyless} articles without band keys")
                twice = self.db.execute("SELECT COUNT(*) - COUNT(DISTINCT hash) FROM docs").fetchone()[0]
                if twice:
                    problems.append(f"{twice} articles stored twice")
                counted = dict(self.db.execute("SELECT seg, COUNT(*) FROM bands GROUP BY seg").fetchall())
                if counted != dict(self.db.execute("SELECT seg, rows FROM segments").fetchall()):
                    problems.append("key segments do not match their list")
            finally:
                self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _db_error(self.path, exc) from None
        return problems

    def stats(self) -> dict[str, float | int | str]:
        try:
            self.db.execute("BEGIN")
            try:
                docs = self.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
                keys, segments = self.db.execute("SELECT COALESCE(SUM(rows), 0), COUNT(*) FROM segments").fetchone()
                page_size = self.db.execute("PRAGMA page_size").fetchone()[0]
                pages = self.db.execute("PRAGMA page_count").fetchone()[0]
                free = self.db.execute("PRAGMA freelist_count").fetchone()[0]
            finally:
                self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _db_error(self.path, exc) from None
        size = page_size * pages
        return {
            "path": self.path,
            "schema_version": SCHEMA_VERSION,
            "articles": docs,
            "band_keys": keys,
            "segments": segments,
            "bytes": size,
            "bytes_per_article": round(size / docs, 1) if docs else 0.0,
            "free_bytes": page_size * free,  # pages freed by segment merges, reused by later adds
        }
