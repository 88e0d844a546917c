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

Wording is compared by MinHash over word trigrams (datasketch ``MinHash``,
``affine32`` scheme, fixed seeds, so a signature is the same on every run and
machine) and candidates come from a ``datasketch.MinHashLSH`` index of 64 bands
of 2 rows over the trigram MinHash.  Documents that share wire facts but little
wording are found through an index of their anchors per credited agency
(those sharing at least 3 anchors that are not common in the agency's recent
reports), other-language copies through an index of anchors per language,
uncredited rewrites through an index of their numbers.
Only the last ``window`` documents are compared and remembered (a document
leaving the window is removed from every index and map; its story stays in
the store), which bounds memory and time per document on an endless stream;
copies of a report arrive close together.

A document joins an earlier one when one of these rules holds (``RULES``):

* near-duplicate: word-trigram Jaccard ≥ 0.30 (MinHash estimate), and dates
  (when both are known) at most 7 days apart;
* same wire: both credit the same agency, both are dated within ±3 days, and
  trigram Jaccard ≥ 0.12;
* same facts: trigram Jaccard ≥ 0.15, word Jaccard ≥ 0.40 and ≥ 75 % of the
  smaller document's anchors (numbers, capitalised names) shared — an edited
  or re-translated copy keeps the facts while the wording drifts;
* same wire facts: both credit the same agency, dates (when both are known)
  at most 3 days apart, and ≥ 60 % of the smaller anchor set shared with at
  least 10 shared anchors of which at least one number — two outlets' rewrites
  of one wire report keep its names and figures while sharing hardly a
  trigram (a follow-up report of the agency days later is told apart by its
  date, an unrelated one by its facts);
* cross-language: different languages, ≥ 45 % of the smaller anchor set
  shared (names are transliterated and spelling-folded, so "Каролис Алекса"
  meets "Karolis Aleksa" and "Konwencja" meets "Convention"), at least 4
  shared anchors of which at least one number, dates not more than 3 days
  apart, and no two different credited agencies; when no date tells the two
  apart (one has neither a publication date nor a dateline), the shared anchors
  must also sit together: in each document, within a passage at most 1.5
  times as long as the other document plus 2 blocks (``CROSS_PASSAGE_*``;
  a signature keeps, per anchor, the 160-character blocks it occurs in).  A
  translation, even of one paragraph, carries that paragraph's names and
  figures together; a text that repeats another report's background (a
  minister's earlier words, the year, the treaty) in one paragraph while
  reporting another event finds those names spread over the whole of the
  report it repeats, and the share of its own small anchor set alone could
  not tell the two apart;
* rewrite: ≥ 65 % of the two anchor sets' union shared (anchor Jaccard), at
  least 12 shared anchors of which at least 2 numbers, dates (when both are
  known) at most 3 days apart, and no two different credited agencies — an
  outlet's rewrite of a report, in its own words, credited to nobody and
  undated, still names the same people, places and figures, and little else;
  a follow-up or another event about the same states brings names and
  figures of its own, and the Jaccard (unlike the share of the smaller set)
  counts them against the pair.  Candidates come from an index of the
  documents' numbers (a rewrite keeps the figures): those sharing at least 2
  numbers that are not common in the window.

Dates compare a publication date or, without one, a dateline's month and day
("VILNIUS, April 16. /TASS/"): two TASS items with the same background
paragraph but datelines two weeks apart are two stories.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import struct
import unicodedata
import zlib
from collections import Counter, deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from datasketch.storage import DictSetStorage

from minewatch.model import Story, short_hash
from minewatch.text.dates import find_dateline

#: Permutations of the trigram and word MinHashes; the anchor set is kept exactly (up to MAX_ANCHORS).
#: The word MinHash has 128 too: with 64 its Jaccard estimate spreads ±0.06, enough to move a real
#: edited copy (word Jaccard 0.45) under the same-facts threshold of 0.40.
SHINGLE_PERM = 128
WORD_PERM = 128
MAX_ANCHORS = 96
SHINGLE_SIZE = 3
#: datasketch permutation scheme and seeds: fixed, so that signatures are deterministic and stored
#: ones stay comparable with new ones.  ``affine32`` keeps 32-bit values (the word and trigram
#: hashes are 32-bit) and, unlike ``legacy``, cannot collide two distinct hashes.
MINHASH_SCHEME = "affine32"
SHINGLE_SEED = 1
WORD_SEED = 2

#: Thresholds of the rules (see the module docstring).
NEAR_DUPLICATE_JACCARD = 0.30
NEAR_DUPLICATE_DAYS = 7
AGENCY_JACCARD = 0.12
AGENCY_DAYS = 3
FACTS_JACCARD = 0.15
FACTS_WORD_JACCARD = 0.40
FACTS_ANCHOR_OVERLAP = 0.75
FACTS_DAYS = 3
WIRE_FACTS_ANCHOR_OVERLAP = 0.60
WIRE_FACTS_MIN_SHARED = 10
WIRE_FACTS_MIN_NUMBERS = 1
WIRE_FACTS_DAYS = 3
CROSS_ANCHOR_OVERLAP = 0.45
CROSS_MIN_SHARED = 4
CROSS_MIN_ANCHORS = 6
CROSS_DAYS = 3
#: The rewrite rule (see the module docstring).  Chosen on the INDEX groups of ../shared (dev,
#: train, seeds; ``bench/story_groups.py``): copies of one report share 0.71–1.0 of their anchor
#: union, the closest pair of different reports 0.48.
REWRITE_ANCHOR_JACCARD = 0.65
REWRITE_MIN_SHARED = 12
REWRITE_MIN_NUMBERS = 2
REWRITE_DAYS = 3
#: Where anchors occur is kept by passage: blocks of PASSAGE_CHARS characters (about 25 words), at
#: most PASSAGE_BLOCKS of them (a longer text's tail counts as its last block; see ``anchor_passages``).
PASSAGE_CHARS = 160
PASSAGE_BLOCKS = 64
#: Cross-language pairs that no date tells apart (see the module docstring): the shared anchors
#: must sit in a passage of each document at most this many times the other's length in passages,
#: plus CROSS_PASSAGE_SLACK blocks (a passage rarely starts on a block boundary).
CROSS_PASSAGE_FACTOR = 1.5
CROSS_PASSAGE_SLACK = 2
#: Documents with fewer trigrams than this are too short to compare by wording.
MIN_SHINGLES = 8
#: ``MinHashLSH`` banding of the trigram MinHash, given as ``params`` (b, r) rather than a
#: threshold: the rules go down to trigram Jaccard 0.12, far below any threshold datasketch would
#: optimise for.  64 bands of 2 rows find a pair at Jaccard 0.12 with probability 0.60, at 0.15
#: with 0.77, at 0.2 with 0.93, at 0.3 with 0.998; a pair at 0.02 is a candidate with 0.025.
LSH_BANDS = 64
LSH_ROWS = 2
#: LSH hits below this trigram Jaccard are dropped before the rules (the lowest rule threshold).
MIN_CANDIDATE_JACCARD = 0.12
#: Trigram hashes given to ``MinHash.update_batch`` at once (it builds a hashes × permutations
#: matrix, 2 MiB for this many: a 10 MB page has a million trigrams).
MINHASH_CHUNK = 4096
#: Documents kept comparable (the most recent ones); bounds memory and time per document.
DEFAULT_WINDOW = 10_000
#: Of the LSH hits of one query only this many most recent documents are compared (a big story is
#: still found through its recent copies; a stock text shared by thousands costs no more than this).
MAX_LSH_CANDIDATES = 200
#: An anchor shared by more documents of one language than this is not looked up (cross-language).
MAX_POSTING = 100
#: Under an agency, an anchor of more reports than this in the window is a stop word (its own name,
#: the usual capitals and treaties), and a document is compared only if it shares WIRE_FACTS_MIN_READ
#: anchors that are not (see ``_AnchorIndex``): rewrites of one report share its rarer names and figures.
WIRE_FACTS_MAX_POSTING = 25
WIRE_FACTS_MIN_READ = 3
#: Of the documents sharing anchors with a new one under its agency, only this many (those sharing
#: most) are compared.
MAX_ANCHOR_CANDIDATES = 50

RULES = ("near_duplicate", "same_wire", "same_facts", "same_wire_facts", "cross_language", "rewrite")

_MAX32 = np.uint64((1 << 32) - 1)
_WORD = re.compile(r"\w+", re.UNICODE)
_NON_DIGIT = re.compile(r"\D")
#: The lookbehinds follow the first character, so that the scan skips to candidates quickly
#: (the same matches as a lookbehind in front, at half the cost).
_NUMBER = re.compile(r"\d(?<![\w.,]\d)\d*(?:[,.\u00a0 ]\d{3}(?!\d))*")
_CAPITAL = "A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁІЇЄҐ"
#: A capitalised word inside a sentence: after a space that follows a word, a comma, a dash or a
#: closing bracket (a capital after ". " or at a line start only opens the sentence).
_NAME = re.compile(rf"[{_CAPITAL}](?<=[\w,;)\-–—] [{_CAPITAL}])[\w'’-]{{3,}}")
_ACRONYM_CAPITAL = "A-ZА-ЯЁІЇЄ"
_ACRONYM = re.compile(rf"[{_ACRONYM_CAPITAL}](?<![\w-][{_ACRONYM_CAPITAL}])[a-zа-яё]?[{_ACRONYM_CAPITAL}]{{1,4}}(?![\w-])")
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


_SHINGLE_MIX = np.uint64(0x9E3779B1)
#: One datasketch MinHash per kind, built once: its permutations come from the fixed seed, and
#: ``copy()`` shares them, so a document's MinHash costs no permutation set-up (what
#: ``MinHash.bulk`` does for a list of sets).  The inputs are already 32-bit hashes, so the hash
#: function is the identity.
_SHINGLE_TEMPLATE = MinHash(num_perm=SHINGLE_PERM, seed=SHINGLE_SEED, hashfunc=int, scheme=MINHASH_SCHEME)
_WORD_TEMPLATE = MinHash(num_perm=WORD_PERM, seed=WORD_SEED, hashfunc=int, scheme=MINHASH_SCHEME)


def _minhash(template: MinHash, hashes: np.ndarray) -> LeanMinHash:
    """The MinHash of a set of 32-bit hashes, frozen as a LeanMinHash (no hash function, no
    permutations kept: what the window holds and the store keeps).

    Long texts go in chunks so that memory stays small; the result is the same as in one batch.
    """
    m = template.copy()
    for start in range(0, hashes.size, MINHASH_CHUNK):
        m.update_batch(hashes[start : start + MINHASH_CHUNK].tolist())
    return LeanMinHash(m)


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
    """Distinct 32-bit hashes of the word trigrams, combined from the word hashes (no string building)."""
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
    return set(anchor_passages(text))


def anchor_passages(text: str) -> dict[str, int]:
    """Each anchor (as ``anchors_of``) with the passages it occurs in: a bitmask of the
    ``PASSAGE_CHARS`` blocks of the text (a text longer than ``PASSAGE_BLOCKS`` blocks has its
    tail in the last one), so that a rule can ask whether shared names sit together."""
    found: list[tuple[str, int]] = []
    for m in _NUMBER.finditer(text):
        digits = _NON_DIGIT.sub("", m.group())
        if len(digits) >= 2:
            found.append((digits, m.start()))
    for m in _NAME.finditer(text):
        word = _fold(m.group())
        if len(word) >= 4:
            found.append((word[:ANCHOR_PREFIX], m.start()))
    found.extend((_fold(m.group()), m.start()) for m in _ACRONYM.finditer(text))
    out: dict[str, int] = {}
    last = PASSAGE_BLOCKS - 1
    for anchor, start in found:
        out[anchor] = out.get(anchor, 0) | (1 << min(start // PASSAGE_CHARS, last))
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

    shingle_minhash: LeanMinHash  # word trigrams, SHINGLE_PERM values
    word_minhash: LeanMinHash  # distinct words, WORD_PERM values
    anchors: np.ndarray  # sorted uint32[≤ MAX_ANCHORS]
    n_shingles: int = 0
    language: str | None = None
    dateline: tuple[int, int] | None = None  # (month, day)
    #: Per anchor (aligned with ``anchors``), the bitmask of the text's passages it occurs in
    #: (``anchor_passages``); and the text's length in passages.
    passages: np.ndarray | None = None  # uint64[len(anchors)]
    n_blocks: int = 0

    # magic, format version, number of anchors, trigram count, language, dateline month and day,
    # length in passages; then the two LeanMinHash in datasketch's byte format (little-endian),
    # then the anchors, then their passage masks.
    _HEAD = struct.Struct("<4sBHI2sBBB")
    _MAGIC = b"MWS4"  # bumped whenever hashing or layout changes: old signatures must be recomputed
    _VERSION = 4
    #: The layout before passages (same hashing), still read: ``passages`` is None then.
    _HEAD_V3 = struct.Struct("<4sBHI2sBB")
    _MAGIC_V3 = b"MWS3"

    @property
    def shingles(self) -> np.ndarray:
        """The trigram MinHash values (uint32)."""
        return self.shingle_minhash.hashvalues

    @property
    def words(self) -> np.ndarray:
        """The word MinHash values (uint32)."""
        return self.word_minhash.hashvalues

    def to_bytes(self) -> bytes:
        lang = (self.language or "").encode("ascii", "replace")[:2].ljust(2, b"\0")
        month, day = self.dateline or (0, 0)
        head = self._HEAD.pack(
            self._MAGIC, self._VERSION, self.anchors.size, min(self.n_shingles, 0xFFFFFFFF), lang, month, day,
            min(self.n_blocks, PASSAGE_BLOCKS),
        )
        sketches = bytearray(self.shingle_minhash.bytesize("<") + self.word_minhash.bytesize("<"))
        self.shingle_minhash.serialize(sketches, "<")
        self.word_minhash.serialize(memoryview(sketches)[self.shingle_minhash.bytesize("<") :], "<")
        passages = self.passages if self.passages is not None else np.zeros(self.anchors.size, np.uint64)
        return head + bytes(sketches) + self.anchors.astype("<u4").tobytes() + passages.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        """Raises ValueError for a signature of another format or hashing: it must be recomputed."""
        if data[:4] == cls._MAGIC_V3:
            # the format before passages: same hashing, so a stored document still meets new ones
            # (its passages unknown, ``_one_passage`` does not hold it apart)
            magic, _version, na, nsh, lang, month, day = cls._HEAD_V3.unpack_from(data, 0)
            n_blocks, off = 0, cls._HEAD_V3.size
        else:
            magic, _version, na, nsh, lang, month, day, n_blocks = cls._HEAD.unpack_from(data, 0)
            off = cls._HEAD.size
        if magic not in (cls._MAGIC, cls._MAGIC_V3):
            raise ValueError(f"not a current minewatch story signature ({magic!r}); recompute it from the text")
        view = memoryview(data)
        shingles = LeanMinHash.deserialize(view[off:], "<")
        off += shingles.bytesize("<")
        words = LeanMinHash.deserialize(view[off:], "<")
        off += words.bytesize("<")
        for mh, seed, n in ((shingles, SHINGLE_SEED, SHINGLE_PERM), (words, WORD_SEED, WORD_PERM)):
            if mh.scheme != MINHASH_SCHEME or mh.seed != seed or len(mh) != n:
                raise ValueError("story signature of other MinHash parameters; recompute it from the text")
        anchors = np.frombuffer(data, dtype="<u4", offset=off, count=na).astype(np.uint32)
        passages = None if magic == cls._MAGIC_V3 else \
            np.frombuffer(data, dtype="<u8", offset=off + 4 * na, count=na).astype(np.uint64)
        language = lang.rstrip(b"\0").decode("ascii") or None
        return cls(
            shingle_minhash=shingles, word_minhash=words, anchors=anchors, n_shingles=nsh,
            language=language, dateline=(month, day) if month else None, passages=passages, n_blocks=n_blocks,
        )


def signature(text: str, language: str | None = None) -> Signature:
    """The grouping signature of a cleaned text."""
    wh = _word_hashes(words_of(text))
    shingles = _shingle_hashes(wh)
    # Numbers hash to even values and names to odd ones, so a rule can ask for a shared number.
    passages: dict[int, int] = {}
    for a, blocks in anchor_passages(text).items():
        h = (zlib.crc32(a.encode("utf-8")) & ~1) | (0 if a.isdigit() else 1)
        passages[h] = passages.get(h, 0) | blocks
    kept = sorted(passages)[:MAX_ANCHORS]
    dl = find_dateline(text)
    return Signature(
        shingle_minhash=_minhash(_SHINGLE_TEMPLATE, shingles),
        word_minhash=_minhash(_WORD_TEMPLATE, np.unique(wh)),
        anchors=np.array(kept, dtype=np.uint32),
        n_shingles=int(shingles.size),
        language=language,
        dateline=(dl.month, dl.day) if dl else None,
        passages=np.array([passages[h] for h in kept], dtype=np.uint64),
        n_blocks=min(-(-len(text) // PASSAGE_CHARS), PASSAGE_BLOCKS),
    )


def minhash_signature(text: str, language: str | None = None) -> bytes:
    """The signature of a cleaned text as bytes, for the store."""
    return signature(text, language).to_bytes()


def load_signature(data: bytes) -> Signature:
    return Signature.from_bytes(data)


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / a.size if a.size else 0.0


def _anchor_overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, int, int]:
    """Share of the smaller anchor set found in the other, shared anchors, shared numbers."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0, 0
    common = np.intersect1d(a, b, assume_unique=True)
    numbers = int(np.count_nonzero((common & 1) == 0))
    return common.size / min(a.size, b.size), int(common.size), numbers


def _passage_span(masks: list[int]) -> int:
    """The fewest consecutive passages holding every one of some anchors, each given by the
    bitmask of the passages it occurs in (``PASSAGE_BLOCKS`` when one of them is in none)."""
    union = 0
    for m in masks:
        union |= m
    best = PASSAGE_BLOCKS
    starts = union
    while starts:
        low = starts & -starts
        starts ^= low
        s = low.bit_length() - 1
        end = 0
        for m in masks:
            rest = m >> s
            if not rest:
                return best  # no later start can hold this anchor either
            end = max(end, (rest & -rest).bit_length())
        best = min(best, end)
    return best


def _shared_passages(a: Signature, b: Signature) -> tuple[int, int]:
    """The span (in passages, ``_passage_span``) of the anchors a and b share, in a and in b
    (both with passages: ``_one_passage`` decides for a signature without)."""
    _common, ia, ib = np.intersect1d(a.anchors, b.anchors, assume_unique=True, return_indices=True)
    return _passage_span(a.passages[ia].tolist()), _passage_span(b.passages[ib].tolist())


def _one_passage(a: Signature, b: Signature) -> bool:
    """Whether the anchors a and b share sit, in each, in a passage about as long as the other
    document: a translation carries the names and figures of what it translates together, while a
    report that repeats another's background has them in one paragraph of its own and the other
    report spread over its whole length."""
    if a.passages is None or b.passages is None:
        return True  # a signature stored before passages were kept: the rule as it was then
    span_a, span_b = _shared_passages(a, b)
    return span_a <= CROSS_PASSAGE_FACTOR * b.n_blocks + CROSS_PASSAGE_SLACK \
        and span_b <= CROSS_PASSAGE_FACTOR * a.n_blocks + CROSS_PASSAGE_SLACK


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
        j3 = a.shingle_minhash.jaccard(b.shingle_minhash)
    cross = bool(a.language and b.language and a.language != b.language)
    wire = bool(new.via & old.via)
    if j3 < AGENCY_JACCARD and not cross and not wire \
            and min(a.anchors.size, b.anchors.size) < REWRITE_MIN_SHARED:
        return None  # the cheap exit for most candidates
    gap = days_apart(new.published, a.dateline, old.published, b.dateline)
    if j3 >= NEAR_DUPLICATE_JACCARD and (gap is None or gap <= NEAR_DUPLICATE_DAYS):
        return "near_duplicate", 2.0 + j3
    if wire and new.published and old.published and gap is not None and gap <= AGENCY_DAYS \
            and j3 >= AGENCY_JACCARD:
        return "same_wire", 1.5 + j3
    if j3 >= FACTS_JACCARD and (gap is None or gap <= FACTS_DAYS):
        j1 = a.word_minhash.jaccard(b.word_minhash)
        if j1 >= FACTS_WORD_JACCARD:
            overlap, _shared, _numbers = _anchor_overlap(a.anchors, b.anchors)
            if overlap >= FACTS_ANCHOR_OVERLAP:
                return "same_facts", 1.0 + j3 + j1
    if wire and (gap is None or gap <= WIRE_FACTS_DAYS) \
            and min(a.anchors.size, b.anchors.size) >= WIRE_FACTS_MIN_SHARED:
        overlap, shared, shared_numbers = _anchor_overlap(a.anchors, b.anchors)
        if overlap >= WIRE_FACTS_ANCHOR_OVERLAP and shared >= WIRE_FACTS_MIN_SHARED \
                and shared_numbers >= WIRE_FACTS_MIN_NUMBERS:
            return "same_wire_facts", 0.5 + overlap
    if cross and min(a.anchors.size, b.anchors.size) >= CROSS_MIN_ANCHORS and (gap is None or gap <= CROSS_DAYS) \
            and (not (new.via and old.via) or wire):
        overlap, shared, shared_numbers = _anchor_overlap(a.anchors, b.anchors)
        if overlap >= CROSS_ANCHOR_OVERLAP and shared >= CROSS_MIN_SHARED and shared_numbers >= 1 \
                and (gap is not None or _one_passage(a, b)):
            return "cross_language", overlap
    if min(a.anchors.size, b.anchors.size) >= REWRITE_MIN_SHARED and (gap is None or gap <= REWRITE_DAYS) \
            and (not (new.via and old.via) or wire):
        _overlap, shared, shared_numbers = _anchor_overlap(a.anchors, b.anchors)
        union = a.anchors.size + b.anchors.size - shared
        if shared >= REWRITE_MIN_SHARED and shared_numbers >= REWRITE_MIN_NUMBERS \
                and shared >= REWRITE_ANCHOR_JACCARD * union:
            return "rewrite", 0.25 + shared / union
    return None


#: The one scope of the figures index (numbers are compared across languages and agencies).
_ALL = ("",)


def _figures(sig: Signature) -> list[int]:
    """The numbers among a document's anchors (even hashes) when it can be a rewrite's candidate:
    a language (its anchors are keyed for the key path then, see ``story_keys``), at least
    ``REWRITE_MIN_SHARED`` anchors and ``REWRITE_MIN_NUMBERS`` numbers; else none."""
    if not sig.language or sig.anchors.size < REWRITE_MIN_SHARED:
        return []
    numbers = sig.anchors[(sig.anchors & 1) == 0].tolist()
    return numbers if len(numbers) >= REWRITE_MIN_NUMBERS else []


@dataclass
class _Placed:
    """What stays known of every document, compared or not: its story and its dating."""

    story_id: str
    published: date | None
    via: frozenset[str]


class _AnchorIndex:
    """Scope (a language, an agency) → anchor hash → documents of the window that have it.

    Finds documents that share facts but little wording, which the LSH over trigrams does not.
    An anchor of more than ``max_posting`` documents of a scope is a stop word there and is not read;
    with ``count_unread`` it counts as possibly shared, so that the bound misses no document (it
    matters for an agency, whose own name and usual places are in all its reports), but a document
    still needs ``min_read`` anchors in common among those read: a rewrite of one report keeps
    several of its rarer names and figures.
    """

    def __init__(self, max_posting: int, min_read: int, count_unread: bool, max_candidates: int | None) -> None:
        self.postings: dict[str, dict[int, list[str]]] = {}
        self.sizes: dict[str, int] = {}  # document → its number of anchors
        self.max_posting = max_posting
        self.min_read = min_read
        self.count_unread = count_unread
        self.max_candidates = max_candidates

    def add(self, doc_id: str, scopes: Iterable[str], anchors: list[int]) -> None:
        self.sizes[doc_id] = len(anchors)
        for scope in scopes:
            index = self.postings.setdefault(scope, {})
            for h in anchors:
                index.setdefault(h, []).append(doc_id)

    def remove(self, doc_id: str, scopes: Iterable[str], anchors: list[int]) -> None:
        if self.sizes.pop(doc_id, None) is None:
            return
        for scope in scopes:
            index = self.postings.get(scope)
            if index is None:
                continue
            for h in anchors:
                posting = index.get(h)
                if posting is not None:
                    posting.remove(doc_id)
                    if not posting:
                        del index[h]
            if not index:
                del self.postings[scope]

    def sharing(self, scopes: Iterable[str], anchors: list[int], overlap: float, min_shared: int) -> list[str]:
        """Documents of one of the scopes that may share ≥ ``min_shared`` anchors and ≥ ``overlap``
        of the smaller anchor set (the rule checks exactly); at most ``max_candidates``, those
        with most anchors read in common."""
        own = len(anchors)
        sizes = self.sizes
        max_posting = self.max_posting
        best: dict[str, int] = {}
        for scope in scopes:
            index = self.postings.get(scope)
            if not index:
                continue
            counts: Counter[str] = Counter()
            unread = 0
            for h in anchors:
                posting = index.get(h)
                if posting:
                    if len(posting) <= max_posting:
                        counts.update(posting)
                    else:
                        unread += 1
            if not self.count_unread:
                unread = 0
            need = max(self.min_read, min_shared - unread)
            for other, n in [item for item in counts.items() if item[1] >= need]:
                if n + unread >= overlap * min(own, sizes[other]) and n > best.get(other, 0):
                    best[other] = n
        if self.max_candidates is not None and len(best) > self.max_candidates:
            return heapq.nlargest(self.max_candidates, best, key=best.__getitem__)
        return list(best)


class _BucketStorage(DictSetStorage):
    """datasketch's in-memory bucket storage, compact: a bucket of one key holds the key itself,
    a few keys a tuple, more a set (keys are the grouper's row numbers, never tuples or sets).

    Most LSH buckets hold one document, and a set for each cost ~200 bytes: 64 bands × a window
    of 10 000 documents took 180 MiB with ``DictSetStorage``, ~50 MiB with this.
    """

    SMALL = 8

    def __init__(self, config: dict | None = None) -> None:
        self._dict: dict[Hashable, Hashable | tuple | set] = {}

    def get(self, key: Hashable) -> tuple | set:
        value = self._dict.get(key)
        if value is None:
            return ()
        return value if isinstance(value, (tuple, set)) else (value,)  # noqa: UP038 - faster than a union

    def insert(self, key: Hashable, *vals: Hashable, **kwargs: object) -> None:
        d = self._dict
        for val in vals:
            current = d.get(key)
            if current is None:
                d[key] = val
            elif type(current) is set:
                current.add(val)
            elif type(current) is tuple:
                if val not in current:
                    d[key] = current + (val,) if len(current) < self.SMALL else {*current, val}
            elif current != val:
                d[key] = (current, val)

    def remove_val(self, key: Hashable, val: Hashable, **kwargs: object) -> None:
        current = self._dict.get(key)
        if current == val:  # the usual bucket of one
            del self._dict[key]
        elif isinstance(current, (tuple, set)):  # noqa: UP038 - faster than a union
            rest = tuple(v for v in current if v != val)
            self._dict[key] = rest[0] if len(rest) == 1 else (rest if len(rest) <= self.SMALL else set(rest))

    def remove(self, *keys: Hashable, **kwargs: object) -> None:
        for key in keys:
            self._dict.pop(key, None)

    def itemcounts(self, **kwargs: object) -> dict:
        return {k: len(v) if isinstance(v, tuple | set) else 1 for k, v in self._dict.items()}


class StoryGrouper:
    """Incremental story grouping over documents in arrival order.

    Only the last ``window`` documents are compared with new ones (copies of a
    report arrive close together), and only they are remembered: a document
    that leaves the window keeps its story in the store, but the grouper
    forgets it (``story_of`` answers None), so memory and time per document
    stay flat however long the stream.  A merge reaches forgotten documents
    through ``pop_merges``, by story id.
    """

    def __init__(self, window: int = DEFAULT_WINDOW) -> None:
        self.window = window
        self.entries: dict[str, _Entry] = {}  # the comparable window
        self.placed: dict[str, _Placed] = {}  # the window's documents (and recent uncompared ones)
        self.stories: dict[str, list[str]] = {}
        self.reasons: dict[str, tuple[str, str]] = {}  # doc → (rule, matched doc)
        self.merges: dict[str, str] = {}  # merged story → surviving story
        # Rank of each story by the arrival of its first document: when a document links stories,
        # the oldest one survives.  New stories take the next rank of a counter (a grouper restored
        # from a store starts it after the ranks it was given, see ``preset_story_order``).
        self._order: dict[str, int] = {}
        self._next_order = 0
        self._preset_order: dict[str, int] = {}
        self._arrivals: deque[str] = deque()
        # Documents placed without entering the window (a stored signature of an older format):
        # remembered for as long as ``window`` of them, like the window's own.
        self._uncompared: deque[str] = deque()
        # Candidates by wording: datasketch LSH over the trigram MinHash.  Its keys are rows of a
        # matrix of the window's trigram MinHash values, so that the Jaccard of all hits is one
        # vectorised comparison (a bench stream gets ~200 hits per document); rows are reused.
        self._lsh = MinHashLSH(num_perm=SHINGLE_PERM, params=(LSH_BANDS, LSH_ROWS))
        self._lsh.hashtables = [_BucketStorage() for _ in range(LSH_BANDS)]
        self._row_of: dict[str, int] = {}
        self._ids: list[str | None] = []
        self._free_rows: list[int] = []
        self._matrix = np.zeros((min(1024, max(window, 1)), SHINGLE_PERM), dtype=np.uint32)
        self._row_arrival = np.zeros(self._matrix.shape[0], dtype=np.int64)
        self._arrived = 0
        # Candidates by facts: other-language documents sharing anchors (read for other languages
        # only), and documents crediting the same agency sharing anchors.
        self._by_language = _AnchorIndex(max_posting=MAX_POSTING, min_read=CROSS_MIN_SHARED, count_unread=False, max_candidates=None)
        self._by_agency = _AnchorIndex(max_posting=WIRE_FACTS_MAX_POSTING, min_read=WIRE_FACTS_MIN_READ, count_unread=True,
                                       max_candidates=MAX_ANCHOR_CANDIDATES)
        # Candidates for the rewrite rule: documents sharing numbers that are not common in the window.
        self._by_figures = _AnchorIndex(max_posting=WIRE_FACTS_MAX_POSTING, min_read=REWRITE_MIN_NUMBERS,
                                        count_unread=False, max_candidates=MAX_ANCHOR_CANDIDATES)

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
        """Place a document by its stored signature; ``story_id`` restores a stored grouping as is.

        A stored signature of an older format restores its document's story but leaves it out of
        comparison (its hashes cannot be compared with current ones); without ``story_id`` it
        raises ValueError.
        """
        if doc_id in self.placed:
            return self.placed[doc_id].story_id
        if isinstance(sig, bytes | bytearray | memoryview):
            try:
                sig = Signature.from_bytes(bytes(sig))
            except ValueError:
                if story_id is None:
                    raise
                self._place(doc_id, story_id, published, frozenset(via))
                self._uncompared.append(doc_id)
                while len(self._uncompared) > self.window:
                    self._forget(self._uncompared.popleft())
                return story_id
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
        self._place(doc_id, story_id, published, entry.via)
        self.entries[doc_id] = entry
        self._index(entry)
        self._arrivals.append(doc_id)
        while len(self._arrivals) > self.window:
            self._evict(self._arrivals.popleft())
        return story_id

    def _place(self, doc_id: str, story_id: str, published: date | None, via: frozenset[str]) -> None:
        self.placed[doc_id] = _Placed(story_id, published, via)
        if story_id not in self.stories:
            rank = self._preset_order.pop(story_id, None)
            if rank is None:
                rank = self._next_order
                self._next_order += 1
            self._order[story_id] = rank
            self.stories[story_id] = []
        self.stories[story_id].append(doc_id)

    def preset_story_order(self, stories: Iterable[str]) -> None:
        """Ranks for stories about to be restored, oldest first (by their first document's arrival
        over the whole store); stories placed later rank after all of them.

        A grouper restored from the last ``window`` stored documents (``pipeline.load_grouper``)
        needs it: their stories began with documents it never sees, and the oldest story must
        still win when a new document links two.  Call it before restoring any document.
        """
        for sid in stories:
            if sid not in self._preset_order and sid not in self._order:
                self._preset_order[sid] = self._next_order
                self._next_order += 1

    def _merge(self, source: str, target: str) -> None:
        for d in self.stories.pop(source):
            self.placed[d].story_id = target
            if d in self.entries:
                self.entries[d].story_id = target
            self.stories[target].append(d)
        self._order.pop(source, None)
        self.merges[source] = target

    def pop_merges(self) -> dict[str, str]:
        """Stories merged since the last call (old id → surviving id), for the store to follow."""
        out, self.merges = self.merges, {}
        return out

    def _candidates(self, entry: _Entry) -> list[tuple[str, float | None]]:
        """Earlier documents worth comparing: LSH hits with enough trigram overlap, other-language
        documents and same-agency documents sharing anchors.  Trigram Jaccard comes along when computed."""
        found: dict[str, float | None] = {}
        sig = entry.sig
        if sig.n_shingles >= MIN_SHINGLES and self._row_of:
            hits = self._lsh.query(sig.shingle_minhash)
            if hits:
                rows = np.array(hits, dtype=np.int64)
                if rows.size > MAX_LSH_CANDIDATES:  # crowded buckets: their most recent members stand for them
                    rows = rows[np.argsort(self._row_arrival[rows])[-MAX_LSH_CANDIDATES:]]
                j3 = np.count_nonzero(self._matrix[rows] == sig.shingles, axis=1) / SHINGLE_PERM
                keep = np.flatnonzero(j3 >= MIN_CANDIDATE_JACCARD)
                for row, value in zip(rows[keep].tolist(), j3[keep].tolist(), strict=True):
                    found[self._ids[row]] = value  # type: ignore[index]
        if sig.language and sig.anchors.size >= CROSS_MIN_ANCHORS and self._by_language.sizes:
            others = [lang for lang in self._by_language.postings if lang != sig.language]
            for doc in self._by_language.sharing(others, sig.anchors.tolist(), CROSS_ANCHOR_OVERLAP, CROSS_MIN_SHARED):
                found.setdefault(doc, None)
        if entry.via and sig.anchors.size >= WIRE_FACTS_MIN_SHARED and self._by_agency.sizes:
            for doc in self._by_agency.sharing(entry.via, sig.anchors.tolist(), WIRE_FACTS_ANCHOR_OVERLAP,
                                               WIRE_FACTS_MIN_SHARED):
                found.setdefault(doc, None)
        figures = _figures(sig)
        if figures and self._by_figures.sizes:
            for doc in self._by_figures.sharing(_ALL, figures, 0.0, REWRITE_MIN_NUMBERS):
                found.setdefault(doc, None)
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
                    self._row_arrival = np.concatenate([self._row_arrival, np.zeros(grow, np.int64)])
            self._matrix[row] = sig.shingles
            self._row_arrival[row] = self._arrived
            self._ids[row] = entry.doc_id
            self._row_of[entry.doc_id] = row
            self._lsh.insert(row, sig.shingle_minhash, check_duplication=False)
        self._arrived += 1
        anchors = sig.anchors.tolist()
        if sig.language and len(anchors) >= CROSS_MIN_ANCHORS:
            self._by_language.add(entry.doc_id, (sig.language,), anchors)
        if entry.via and len(anchors) >= WIRE_FACTS_MIN_SHARED:
            self._by_agency.add(entry.doc_id, entry.via, anchors)
        figures = _figures(sig)
        if figures:
            self._by_figures.add(entry.doc_id, _ALL, figures)

    def _evict(self, doc_id: str) -> None:
        """Take a document out of the comparable window and forget it (its story stays in the store)."""
        entry = self.entries.pop(doc_id, None)
        if entry is None:
            return
        self._forget(doc_id)
        row = self._row_of.pop(doc_id, None)
        if row is not None:
            self._lsh.remove(row)
            self._ids[row] = None
            self._free_rows.append(row)
        anchors = entry.sig.anchors.tolist()
        if entry.sig.language:
            self._by_language.remove(doc_id, (entry.sig.language,), anchors)
        if entry.via:
            self._by_agency.remove(doc_id, entry.via, anchors)
        self._by_figures.remove(doc_id, _ALL, _figures(entry.sig))

    def _forget(self, doc_id: str) -> None:
        """Drop what is kept of a document; a story none of whose documents is kept is dropped too
        (no new document can reach it: candidates come from the window)."""
        placed = self.placed.pop(doc_id, None)
        if placed is None:
            return
        self.reasons.pop(doc_id, None)
        docs = self.stories.get(placed.story_id)
        if docs is not None:
            docs.remove(doc_id)
            if not docs:
                del self.stories[placed.story_id]
                self._order.pop(placed.story_id, None)

    def story_of(self, doc_id: str) -> str | None:
        """The document's current story (it changes only when a later document merges two);
        None for a document the grouper never saw or has forgotten (it left the window)."""
        p = self.placed.get(doc_id)
        return p.story_id if p else None

    def get_stories(self) -> list[Story]:
        """The stories of the documents kept (the window), with those documents, agencies and date span."""
        out = []
        for sid, docs in self.stories.items():
            placed = [self.placed[d] for d in docs]
            dates = [p.published for p in placed if p.published]
            agencies = sorted({a for p in placed for a in p.via})
            out.append(Story(sid, list(docs), agencies, min(dates) if dates else None, max(dates) if dates else None))
        return out


# --- Candidate keys: the same comparisons without a global order (the Ray engine) -------------
#
# The incremental grouper above finds candidates in memory, over the last ``window`` arrivals.
# A cluster has no "last arrivals": every worker writes its documents with their candidate keys
# (``story_keys``), and a document is compared with the documents that share a key with it
# within a few days.  The keys are the grouper's indexes as rows: the LSH bands of the
# trigram MinHash, the anchors under each credited agency, the anchors for other languages.
# The figures index of the rewrite rule needs no rows of its own: a document looks up its
# numbers' anchor keys (``KEY_CROSS`` rows, written for every document with a language) as
# ``KEY_FIGURE`` probes, counted apart (``probe_keys``).

#: What a key indexes (``KEY_FIGURE`` is a probe only: it reads ``KEY_CROSS`` rows).
KEY_BAND, KEY_WIRE, KEY_CROSS, KEY_FIGURE = 0, 1, 2, 3
#: Days around a document in which documents sharing a key are compared (the widest rule's gap).
KEY_DAYS = NEAR_DUPLICATE_DAYS
#: Days around an undated document's ingest day in which it looks its keys up.  Its keys are filed
#: under the day it was ingested, which says nothing of when it was written (an archive page, a
#: copy found months later): the rules compare it with a dated copy whatever the date (as the
#: grouper does within its window), so its lookups reach as far back as the key index keeps
#: (``prune_story_keys``); the nearest ``KEY_NEIGHBOURS`` per key still bound their cost.  A dated
#: document looks up only ``KEY_DAYS``: an undated copy ingested long before it is found only when
#: that copy looks up (in its own run), not when the dated one arrives later.
KEY_UNDATED_DAYS = 36_600
#: Of the documents sharing one key with a document, the nearest this many (earlier, by day then
#: id) are read: a crowded band of boilerplate costs no more than this, and a big story is still
#: one component through the chains of its copies.
KEY_NEIGHBOURS = {KEY_BAND: 8, KEY_WIRE: WIRE_FACTS_MAX_POSTING, KEY_CROSS: WIRE_FACTS_MAX_POSTING,
                  KEY_FIGURE: WIRE_FACTS_MAX_POSTING}
#: Anchor keys a pair must share before it is compared (as ``_AnchorIndex.min_read``).
KEY_MIN_SHARED = {KEY_BAND: 1, KEY_WIRE: WIRE_FACTS_MIN_READ, KEY_CROSS: CROSS_MIN_SHARED,
                  KEY_FIGURE: REWRITE_MIN_NUMBERS}


def _key(*parts: bytes) -> int:
    """A signed 64-bit key (PostgreSQL BIGINT), the same on every run and machine."""
    return int.from_bytes(hashlib.blake2b(b"\x1f".join(parts), digest_size=8).digest(), "big", signed=True)


def story_keys(sig: Signature, via: Iterable[str] = ()) -> list[tuple[int, int]]:
    """The candidate keys of a document as (key, kind), each once."""
    out: dict[int, int] = {}
    if sig.n_shingles >= MIN_SHINGLES:
        values = sig.shingles.astype("<u4")
        for band in range(LSH_BANDS):
            chunk = values[band * LSH_ROWS : (band + 1) * LSH_ROWS]
            out.setdefault(_key(b"b", bytes([band]), chunk.tobytes()), KEY_BAND)
    anchors = [int(a).to_bytes(4, "little") for a in sig.anchors.tolist()]
    if len(anchors) >= WIRE_FACTS_MIN_SHARED:
        for agency in sorted(set(via)):
            tag = agency.encode("utf-8")
            for a in anchors:
                out.setdefault(_key(b"w", tag, a), KEY_WIRE)
    if sig.language and len(anchors) >= CROSS_MIN_ANCHORS:
        for a in anchors:
            out.setdefault(_key(b"x", a), KEY_CROSS)
    return list(out.items())


def probe_keys(sig: Signature, via: Iterable[str] = ()) -> list[tuple[int, int]]:
    """The keys a document looks up, as (key, kind): its own keys of the kinds it queries
    (``queries_kind``), then its numbers' anchor keys as ``KEY_FIGURE`` (the rewrite rule's
    candidates; the same key as a ``KEY_CROSS`` probe, counted apart)."""
    out = [(key, kind) for key, kind in story_keys(sig, via) if queries_kind(kind, sig.language)]
    out.extend((_key(b"x", int(a).to_bytes(4, "little")), KEY_FIGURE) for a in _figures(sig))
    return out


def document_keys(minhash: bytes | None, via: Iterable[str] = ()) -> list[tuple[int, int]]:
    """The candidate keys of a stored signature; none for a signature of an old format (never compared)."""
    if not minhash:
        return []
    try:
        return story_keys(Signature.from_bytes(bytes(minhash)), via)
    except ValueError:
        return []


def queries_kind(kind: int, language: str | None) -> bool:
    """Whether a document looks its keys of this kind up (it always writes them).

    Other-language copies are looked up from the non-English side only: an English wire
    report is found by its translations, and English documents, most of a stream, skip
    the lookups that could only find same-language documents the rule refuses.
    """
    return kind != KEY_CROSS or bool(language and language != "en")


def key_span(published: date | None) -> int:
    """Days around its key day in which a document looks its keys up (``KEY_UNDATED_DAYS`` without a date)."""
    return KEY_DAYS if published else KEY_UNDATED_DAYS


def key_day(published: date | None, ingested: date) -> int:
    """The day a document's keys are filed under: its publication date, or its ingest date
    (``Store.add_documents`` files them the same way)."""
    return (published or ingested).toordinal()


def entry_for(doc_id: str, sig: Signature, published: date | None, via: Iterable[str] = ()) -> _Entry:
    """A document as ``match`` compares it."""
    return _Entry(doc_id, "", sig, published, frozenset(via))


def components(nodes: Iterable[Hashable], edges: Iterable[tuple[Hashable, Hashable]]) -> dict[Hashable, Hashable]:
    """Connected components: node → a root shared by its component (union-find, path halving).

    The membership does not depend on the order of edges; the root does, so callers pick
    the component's name themselves (``story_id_for`` its earliest document).
    """
    parent: dict[Hashable, Hashable] = {n: n for n in nodes}

    def find(x: Hashable) -> Hashable:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    return {n: find(n) for n in parent}
