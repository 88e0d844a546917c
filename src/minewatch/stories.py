"""Stories: copies of one report grouped together, wire agencies attributed.

A wire report (Reuters, TASS, Xinhua…) reaches many outlets, edited,
shortened, translated.  Counting each copy as an independent source would
inflate corroboration, so documents are grouped into stories and
reconciliation counts stories.

Grouping is incremental: each document is compared with the documents already
seen and joins the story of the best match, or opens a new one.  What the
comparison needs is kept in a small signature (``Signature.to_bytes``) that
the store keeps per document, so a grouper can be rebuilt from stored
signatures without the texts.

When a new document matches documents of two stories, it links them: the
stories merge under the id of the older one (``pop_merges`` tells the store
which ids went away), so the grouping depends little on arrival order.

Wording is compared by MinHash over word trigrams with LSH banding for
candidates (a small numpy implementation of datasketch's scheme: building a
datasketch MinHash per document cost more than the rest of the grouping).
Only the last ``window`` documents are compared, which bounds memory and time
per document on an endless stream; copies of a report arrive close together.

A document joins an earlier one when one of these rules holds (``RULES``):

* near-duplicate: word-trigram Jaccard ≥ 0.30 (MinHash estimate), and dates
  (when both are known) at most 7 days apart;
* same wire: both credit the same agency, both are dated within ±3 days, and
  trigram Jaccard ≥ 0.12;
* same facts: trigram Jaccard ≥ 0.15, word Jaccard ≥ 0.40 and ≥ 75 % of the
  smaller document's anchors (numbers, capitalised names) shared — an edited
  or re-translated copy keeps the facts while the wording drifts;
* cross-language: different languages, ≥ 45 % of the smaller anchor set
  shared (names are transliterated and spelling-folded, so "Каролис Алекса"
  meets "Karolis Aleksa" and "Konwencja" meets "Convention"), at least 4
  shared anchors of which at least one number, dates not more than 3 days
  apart, and no two different credited agencies.

Dates compare a publication date or, without one, a dateline's month and day
("VILNIUS, April 16. /TASS/"): two TASS items with the same background
paragraph but datelines two weeks apart are two stories.
"""

from __future__ import annotations

import re
import struct
import unicodedata
import zlib
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np

from minewatch.ingest.meta import find_dateline
from minewatch.model import Story, short_hash

#: Permutations of the trigram and word MinHashes; the anchor set is kept exactly (up to MAX_ANCHORS).
SHINGLE_PERM = 128
WORD_PERM = 64
MAX_ANCHORS = 96
SHINGLE_SIZE = 3

#: Thresholds of the rules (see the module docstring).
NEAR_DUPLICATE_JACCARD = 0.30
NEAR_DUPLICATE_DAYS = 7
AGENCY_JACCARD = 0.12
AGENCY_DAYS = 3
FACTS_JACCARD = 0.15
FACTS_WORD_JACCARD = 0.40
FACTS_ANCHOR_OVERLAP = 0.75
FACTS_DAYS = 3
CROSS_ANCHOR_OVERLAP = 0.45
CROSS_MIN_SHARED = 4
CROSS_MIN_ANCHORS = 6
CROSS_DAYS = 3
#: Documents with fewer trigrams than this are too short to compare by wording.
MIN_SHINGLES = 8
#: LSH banding of the trigram MinHash (64 bands of 2 rows: a pair at Jaccard 0.15 is found with
#: probability 0.77, at 0.2 with 0.93, at 0.3 with 0.998).
LSH_BANDS = 64
LSH_ROWS = 2
#: LSH hits below this trigram Jaccard are dropped before the rules (the lowest rule threshold).
MIN_CANDIDATE_JACCARD = 0.12
#: Trigram hashes processed at once when computing a MinHash (bounds its working memory).
MINHASH_CHUNK = 4096
#: Documents kept comparable (the most recent ones); bounds memory and time per document.
DEFAULT_WINDOW = 10_000
#: From a crowded LSH bucket only this many most recent documents are compared (a big
#: story is still found through its recent copies; a stock phrase costs no more than this).
BUCKET_READ = 50
#: An anchor shared by more documents than this (of one language) is not looked up.
MAX_POSTING = 100

RULES = ("near_duplicate", "same_wire", "same_facts", "cross_language")

_MAX32 = np.uint64((1 << 32) - 1)
_WORD = re.compile(r"\w+", re.UNICODE)
_NON_DIGIT = re.compile(r"\D")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[,.\u00a0 ]\d{3}(?!\d))*")
#: A capitalised word inside a sentence: after a space that follows a word, a comma, a dash or a
#: closing bracket (a capital after ". " or at a line start only opens the sentence).
_NAME = re.compile(r"(?<=[\w,;)\-–—] )[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁІЇЄҐ][\w'’-]{3,}")
_ACRONYM = re.compile(r"(?<![\w-])[A-ZА-ЯЁІЇЄ][a-zа-яё]?[A-ZА-ЯЁІЇЄ]{1,4}(?![\w-])")
#: Cyrillic → Latin, so names meet across scripts.
TRANSLIT: dict[str, str] = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s",
         "t", "u", "f", "kh", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya", "i", "i", "e", "g", "u"],
        strict=True,
    )
)
#: Letters that differ between transliterations of one name.
FOLD = str.maketrans({"c": "k", "w": "v", "y": "i", "j": "i", "q": "k"})
#: Anchors are compared by their first letters: inflection changes the ending.
ANCHOR_PREFIX = 5


def _perms(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(seed)
    a = rng.randint(1, (1 << 61) - 1, size=n, dtype=np.uint64) | np.uint64(1)  # odd multipliers
    b = rng.randint(0, (1 << 61) - 1, size=n, dtype=np.uint64)
    return a, b


_SHINGLE_A, _SHINGLE_B = _perms(SHINGLE_PERM, 1)
_SHINGLE_MIX = np.uint64(0x9E3779B1)
_WORD_A, _WORD_B = _perms(WORD_PERM, 2)


def _minhash(hashes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinHash by multiply-shift hashing: the high 32 bits of (a·h + b) mod 2^64, per permutation.

    Long texts go in chunks so that memory stays small (a 10 MB page has a million trigrams).
    """
    if hashes.size == 0:
        return np.full(a.size, _MAX32, dtype=np.uint64).astype(np.uint32)
    out = np.full(a.size, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, hashes.size, MINHASH_CHUNK):
        phv = np.multiply.outer(hashes[start : start + MINHASH_CHUNK], a)
        phv += b
        phv >>= np.uint64(32)
        np.minimum(out, phv.min(axis=0), out=out)
    return out.astype(np.uint32)


#: crc32 of words seen lately (computing it is the costly part of hashing a text).
_WORD_HASH_CACHE: dict[str, int] = {}
_WORD_HASH_CACHE_SIZE = 200_000


def _word_hashes(words: list[str]) -> np.ndarray:
    """A 32-bit hash per word (crc32, stable across runs and machines)."""
    cache = _WORD_HASH_CACHE
    if len(cache) > _WORD_HASH_CACHE_SIZE:
        cache.clear()
    out = []
    for w in words:
        h = cache.get(w)
        if h is None:
            h = cache[w] = zlib.crc32(w.encode("utf-8"))
        out.append(h)
    return np.array(out, dtype=np.uint64)


def _shingle_hashes(word_hashes: np.ndarray) -> np.ndarray:
    """Distinct hashes of the word trigrams, combined from the word hashes (no string building)."""
    n = word_hashes.size - SHINGLE_SIZE + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE_SIZE):
        h = h * _SHINGLE_MIX + word_hashes[k : k + n]
    return np.unique(h & _MAX32)


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def anchors_of(text: str) -> set[str]:
    """Numbers and capitalised names (not sentence openers), in a script-neutral form."""
    out: set[str] = set()
    for number in _NUMBER.findall(text):
        digits = _NON_DIGIT.sub("", number)
        if len(digits) >= 2:
            out.add(digits)
    for name in _NAME.findall(text):
        word = _fold(name)
        if len(word) >= 4:
            out.add(word[:ANCHOR_PREFIX])
    for m in _ACRONYM.finditer(text):
        out.add(_fold(m.group()))
    return out


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """A spelling-neutral key: Latin letters, no accents, c/k w/v y/j/i merged."""
    word = "".join(TRANSLIT.get(ch, ch) for ch in word.lower())
    word = unicodedata.normalize("NFKD", word.replace("ł", "l"))
    word = "".join(ch for ch in word if ch.isalnum() and not unicodedata.combining(ch))
    return word.translate(FOLD)


@dataclass
class Signature:
    """What grouping needs of a document, small enough to store beside it."""

    shingles: np.ndarray  # uint32[SHINGLE_PERM]
    words: np.ndarray  # uint32[WORD_PERM]
    anchors: np.ndarray  # sorted uint32[≤ MAX_ANCHORS]
    n_shingles: int = 0
    language: str | None = None
    dateline: tuple[int, int] | None = None  # (month, day)

    _HEAD = struct.Struct("<4sBHHHI2sBB")
    _MAGIC = b"MWS2"  # bumped whenever hashing changes: old signatures must be recomputed

    def to_bytes(self) -> bytes:
        lang = (self.language or "").encode("ascii", "replace")[:2].ljust(2, b"\0")
        month, day = self.dateline or (0, 0)
        head = self._HEAD.pack(
            self._MAGIC, 1, self.shingles.size, self.words.size, self.anchors.size,
            min(self.n_shingles, 0xFFFFFFFF), lang, month, day,
        )
        return head + self.shingles.astype("<u4").tobytes() + self.words.astype("<u4").tobytes() + \
            self.anchors.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        magic, _v, ns, nw, na, nsh, lang, month, day = cls._HEAD.unpack_from(data, 0)
        if magic != cls._MAGIC:
            raise ValueError(f"not a current minewatch story signature ({magic!r}); recompute it from the text")
        off = cls._HEAD.size
        arr = np.frombuffer(data, dtype="<u4", offset=off, count=ns + nw + na).astype(np.uint32)
        language = lang.rstrip(b"\0").decode("ascii") or None
        return cls(
            shingles=arr[:ns], words=arr[ns : ns + nw], anchors=arr[ns + nw :], n_shingles=nsh,
            language=language, dateline=(month, day) if month else None,
        )


def signature(text: str, language: str | None = None) -> Signature:
    """The grouping signature of a cleaned text."""
    wh = _word_hashes(words_of(text))
    shingles = _shingle_hashes(wh)
    # Numbers hash to even values and names to odd ones, so a rule can ask for a shared number.
    anchor_h = np.unique(
        np.fromiter(
            ((zlib.crc32(a.encode("utf-8")) & ~1) | (0 if a.isdigit() else 1) for a in anchors_of(text)),
            dtype=np.uint64,
        )
    ).astype(np.uint32)[:MAX_ANCHORS]
    dl = find_dateline(text)
    return Signature(
        shingles=_minhash(shingles, _SHINGLE_A, _SHINGLE_B),
        words=_minhash(np.unique(wh), _WORD_A, _WORD_B),
        anchors=anchor_h,
        n_shingles=int(shingles.size),
        language=language,
        dateline=(dl.month, dl.day) if dl else None,
    )


def minhash_signature(text: str, language: str | None = None) -> bytes:
    """The signature of a cleaned text as bytes, for the store."""
    return signature(text, language).to_bytes()


def load_signature(data: bytes) -> Signature:
    return Signature.from_bytes(data)


def _band_keys(values: np.ndarray) -> list[int]:
    """One key per band: its LSH_ROWS (= 2) hash values as one 64-bit number."""
    return np.ascontiguousarray(values[: LSH_BANDS * LSH_ROWS], dtype=np.uint32).view(np.uint64).tolist()


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / a.size if a.size else 0.0


def _anchor_overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, int, int]:
    """Share of the smaller anchor set found in the other, shared anchors, shared numbers."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0, 0
    common = np.intersect1d(a, b, assume_unique=True)
    numbers = int(np.count_nonzero((common & 1) == 0))
    return common.size / min(a.size, b.size), int(common.size), numbers


@dataclass
class _Entry:
    doc_id: str
    story_id: str
    sig: Signature
    published: date | None
    via: frozenset[str]


def days_apart(a_pub: date | None, a_dl: tuple[int, int] | None, b_pub: date | None, b_dl: tuple[int, int] | None) -> int | None:
    """Days between two documents' dates, or None when either has none.

    A dateline without a year is compared by month and day (circularly), which
    is enough to tell a report of April 1 from one of April 16.
    """
    if a_pub and b_pub:
        return abs((a_pub - b_pub).days)
    ma = (a_pub.month, a_pub.day) if a_pub else a_dl
    mb = (b_pub.month, b_pub.day) if b_pub else b_dl
    if not ma or not mb:
        return None
    try:
        da = date(2001, ma[0], min(ma[1], 28 if ma[0] == 2 else ma[1])).timetuple().tm_yday
        db = date(2001, mb[0], min(mb[1], 28 if mb[0] == 2 else mb[1])).timetuple().tm_yday
    except ValueError:
        return None
    d = abs(da - db)
    return min(d, 365 - d)


def match(new: _Entry, old: _Entry, j3: float | None = None) -> tuple[str, float] | None:
    """Which rule (if any) puts ``new`` in ``old``'s story, with a score to rank matches."""
    a, b = new.sig, old.sig
    comparable = a.n_shingles >= MIN_SHINGLES and b.n_shingles >= MIN_SHINGLES
    if not comparable:
        j3 = 0.0
    elif j3 is None:
        j3 = _jaccard(a.shingles, b.shingles)
    cross = bool(a.language and b.language and a.language != b.language)
    if j3 < AGENCY_JACCARD and not cross:
        return None  # the cheap exit for most candidates
    gap = days_apart(new.published, a.dateline, old.published, b.dateline)
    if j3 >= NEAR_DUPLICATE_JACCARD and (gap is None or gap <= NEAR_DUPLICATE_DAYS):
        return "near_duplicate", 2.0 + j3
    if new.via & old.via and new.published and old.published and gap is not None and gap <= AGENCY_DAYS \
            and j3 >= AGENCY_JACCARD:
        return "same_wire", 1.5 + j3
    if j3 >= FACTS_JACCARD and (gap is None or gap <= FACTS_DAYS):
        j1 = _jaccard(a.words, b.words)
        if j1 >= FACTS_WORD_JACCARD:
            overlap, _shared, _numbers = _anchor_overlap(a.anchors, b.anchors)
            if overlap >= FACTS_ANCHOR_OVERLAP:
                return "same_facts", 1.0 + j3 + j1
    if cross and min(a.anchors.size, b.anchors.size) >= CROSS_MIN_ANCHORS and (gap is None or gap <= CROSS_DAYS) \
            and (not (new.via and old.via) or bool(new.via & old.via)):
        overlap, shared, shared_numbers = _anchor_overlap(a.anchors, b.anchors)
        if overlap >= CROSS_ANCHOR_OVERLAP and shared >= CROSS_MIN_SHARED and shared_numbers >= 1:
            return "cross_language", overlap
    return None


@dataclass
class _Placed:
    """What stays known of every document, compared or not: its story and its dating."""

    story_id: str
    published: date | None
    via: frozenset[str]


class StoryGrouper:
    """Incremental story grouping over documents in arrival order.

    Only the last ``window`` documents are compared with new ones (copies of a
    report arrive close together), so memory and time per document stay flat
    however long the stream; older documents keep their story.
    """

    def __init__(self, window: int = DEFAULT_WINDOW) -> None:
        self.window = window
        self.entries: dict[str, _Entry] = {}  # the comparable window
        self.placed: dict[str, _Placed] = {}  # every document seen
        self.stories: dict[str, list[str]] = {}
        self.reasons: dict[str, tuple[str, str]] = {}  # doc → (rule, matched doc)
        self.merges: dict[str, str] = {}  # merged story → surviving story
        self._order: dict[str, int] = {}
        self._arrivals: deque[str] = deque()
        # LSH over the trigram MinHash: LSH_BANDS bands of LSH_ROWS values; bucket → matrix rows
        # (an int for one row, a list for more: most buckets hold one document).
        self._bands: list[dict[int, int | list[int]]] = [{} for _ in range(LSH_BANDS)]
        self._row_of: dict[str, int] = {}
        self._ids: list[str | None] = []
        self._free_rows: list[int] = []
        self._matrix = np.zeros((min(1024, max(window, 1)), SHINGLE_PERM), dtype=np.uint32)
        # language → anchor hash → documents; only read for other languages.
        self._anchor_index: dict[str, dict[int, list[str]]] = {}
        self._anchor_sizes: dict[str, int] = {}

    @staticmethod
    def story_id_for(first_document_id: str) -> str:
        """Deterministic: the same first document always names the same story."""
        return "s-" + short_hash(first_document_id)

    def add(self, doc_id: str, text: str, published: date | None = None, via: Iterable[str] = (),
            language: str | None = None) -> str:
        """Place a document (cleaned text) in a story and return the story id."""
        return self.add_signature(doc_id, signature(text, language), published, via)

    def add_signature(self, doc_id: str, sig: Signature | bytes, published: date | None = None,
                      via: Iterable[str] = (), story_id: str | None = None) -> str:
        """Place a document by its stored signature; ``story_id`` restores a stored grouping as is."""
        if doc_id in self.placed:
            return self.placed[doc_id].story_id
        if isinstance(sig, bytes | bytearray | memoryview):
            sig = Signature.from_bytes(bytes(sig))
        entry = _Entry(doc_id, "", sig, published, frozenset(via))
        if story_id is None:
            best: tuple[float, _Entry, str] | None = None
            matched: set[str] = set()
            for cand_id, j3 in self._candidates(entry):
                old = self.entries[cand_id]
                m = match(entry, old, j3)
                if m:
                    matched.add(self.placed[cand_id].story_id)
                    if best is None or m[1] > best[0]:
                        best = (m[1], old, m[0])
            if best is not None:
                self.reasons[doc_id] = (best[2], best[1].doc_id)
                # The document links stories: they become one, under the oldest story's id.
                story_id = min(matched, key=self._order.__getitem__)
                for other in sorted(matched - {story_id}, key=self._order.__getitem__):
                    self._merge(other, story_id)
            else:
                story_id = self.story_id_for(doc_id)
        entry.story_id = story_id
        self.placed[doc_id] = _Placed(story_id, published, entry.via)
        if story_id not in self.stories:
            self._order[story_id] = len(self._order)
            self.stories[story_id] = []
        self.stories[story_id].append(doc_id)
        self.entries[doc_id] = entry
        self._index(entry)
        self._arrivals.append(doc_id)
        while len(self._arrivals) > self.window:
            self._evict(self._arrivals.popleft())
        return story_id

    def _merge(self, source: str, target: str) -> None:
        for d in self.stories.pop(source):
            self.placed[d].story_id = target
            if d in self.entries:
                self.entries[d].story_id = target
            self.stories[target].append(d)
        self.merges[source] = target

    def pop_merges(self) -> dict[str, str]:
        """Stories merged since the last call (old id → surviving id), for the store to follow."""
        out, self.merges = self.merges, {}
        return out

    def _candidates(self, entry: _Entry) -> list[tuple[str, float | None]]:
        """Earlier documents worth comparing: LSH hits with enough trigram overlap, and
        other-language documents sharing anchors.  Trigram Jaccard comes along when computed."""
        found: dict[str, float | None] = {}
        sig = entry.sig
        if sig.n_shingles >= MIN_SHINGLES and self._row_of:
            rows: set[int] = set()
            for band, key in zip(self._bands, _band_keys(sig.shingles), strict=True):
                bucket = band.get(key)
                if bucket is None:
                    continue
                if isinstance(bucket, int):
                    rows.add(bucket)
                else:  # a crowded bucket: its most recent members stand for it
                    rows.update(bucket[-BUCKET_READ:])
            if rows:
                idx = np.fromiter(rows, dtype=np.int64, count=len(rows))
                j3 = (self._matrix[idx] == sig.shingles).mean(axis=1)
                for i in np.nonzero(j3 >= MIN_CANDIDATE_JACCARD)[0].tolist():
                    doc = self._ids[int(idx[i])]
                    if doc is not None:
                        found[doc] = float(j3[i])
        if sig.language and sig.anchors.size >= CROSS_MIN_ANCHORS:
            counts: Counter[str] = Counter()
            anchors = sig.anchors.tolist()
            for lang, index in self._anchor_index.items():
                if lang == sig.language:
                    continue
                for h in anchors:
                    posting = index.get(h)
                    if posting and len(posting) <= MAX_POSTING:  # a longer one is a stop word
                        counts.update(posting)
            own = sig.anchors.size
            for other, n in counts.items():
                if n >= CROSS_MIN_SHARED and n >= CROSS_ANCHOR_OVERLAP * min(own, self._anchor_sizes[other]):
                    found.setdefault(other, None)
        return list(found.items())

    def _index(self, entry: _Entry) -> None:
        sig = entry.sig
        if sig.n_shingles >= MIN_SHINGLES:
            if self._free_rows:
                row = self._free_rows.pop()
            else:
                row = len(self._ids)
                self._ids.append(None)
                if row >= self._matrix.shape[0]:
                    grow = min(self._matrix.shape[0], max(self.window - self._matrix.shape[0], 1))
                    self._matrix = np.concatenate([self._matrix, np.zeros((grow, SHINGLE_PERM), np.uint32)])
            self._matrix[row] = sig.shingles
            self._ids[row] = entry.doc_id
            self._row_of[entry.doc_id] = row
            for band, key in zip(self._bands, _band_keys(sig.shingles), strict=True):
                bucket = band.get(key)
                if bucket is None:
                    band[key] = row
                elif isinstance(bucket, int):
                    band[key] = [bucket, row]
                else:
                    bucket.append(row)
        if sig.language and sig.anchors.size >= CROSS_MIN_ANCHORS:
            self._anchor_sizes[entry.doc_id] = sig.anchors.size
            index = self._anchor_index.setdefault(sig.language, {})
            for h in sig.anchors.tolist():
                index.setdefault(h, []).append(entry.doc_id)

    def _evict(self, doc_id: str) -> None:
        """Take a document out of the comparable window (its story stays)."""
        entry = self.entries.pop(doc_id, None)
        if entry is None:
            return
        row = self._row_of.pop(doc_id, None)
        if row is not None:
            for band, key in zip(self._bands, _band_keys(self._matrix[row]), strict=True):
                bucket = band.get(key)
                if isinstance(bucket, int):
                    del band[key]
                elif bucket is not None:
                    bucket.remove(row)
                    if len(bucket) == 1:
                        band[key] = bucket[0]
            self._ids[row] = None
            self._free_rows.append(row)
        if self._anchor_sizes.pop(doc_id, None) is not None and entry.sig.language:
            index = self._anchor_index.get(entry.sig.language, {})
            for h in entry.sig.anchors.tolist():
                posting = index.get(h)
                if posting is not None:
                    posting.remove(doc_id)
                    if not posting:
                        del index[h]

    def story_of(self, doc_id: str) -> str | None:
        """The document's current story (it changes only when a later document merges two)."""
        p = self.placed.get(doc_id)
        return p.story_id if p else None

    def get_stories(self) -> list[Story]:
        """Stories with their documents, agencies and date span."""
        out = []
        for sid, docs in self.stories.items():
            placed = [self.placed[d] for d in docs]
            dates = [p.published for p in placed if p.published]
            agencies = sorted({a for p in placed for a in p.via})
            out.append(Story(sid, list(docs), agencies, min(dates) if dates else None, max(dates) if dates else None))
        return out
