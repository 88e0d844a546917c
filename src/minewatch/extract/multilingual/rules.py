"""The rule rows of one language, and how a row's pattern matches words.

A language's rules are data (``extract/rules/<lang>/cues.csv``): one row per
cue, each with an id, a kind, a pattern, the value it stands for, a one-line
reason and an example sentence in that language that the tests run.  This
module only reads the rows and matches them; it knows no phrase of its own.

A pattern is one or more word patterns separated by spaces, matched on
consecutive words.  A word pattern is lower case, ``*`` stands for any
letters, and it matches a word when it matches the word as written (lower
cased) or the word's lemma, so one row written for the dictionary form
("konvencija") finds its inflected forms ("konvencijos", "konvencijoje").
``=`` before a word pattern matches the word as written, case kept (acronyms
that are also words in lower case); ``~`` as a word pattern skips up to two
words ("wycofała ~ się").
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import simplemma

RULES_PACKAGE = "minewatch.extract"
RULES_DIR = "rules"

#: The kinds a row can have, and what its ``value`` holds.
KINDS = {
    "predicate": "predicate[:stage][+weapon][<]: the activity a word names (claims.md predicates); '<' for a "
                 "receiving verb: the actor is the state behind a source marker, the receiver its counterpart",
    "stage": "a withdrawal stage (proposed, decided, approved, notified, effective) or a joining stage; "
             "'?' after it: weak, used only when no other stage cue is in the sentence (a parliament named)",
    "treaty": "APMBC or CCM: a treaty named",
    "treaty_ref": "empty, or 'pronoun': 'the convention', 'the treaty', 'it'; the treaty last named in the document",
    "weapon": "ap_mine, at_mine, mine or cluster_munition",
    "weapon_ref": "empty: a pronoun for weapons named in the sentence before ('them', 'ich', 'их')",
    "modality": "planned or considered: a word that makes the sentence's claims future or possible",
    "negation": "empty, or how many words before the cue it reaches (default 1): a word that denies the cue",
    "negation_prefix": "a prefix that negates a verb it is written on (Lithuanian, Latvian 'ne')",
    "state": "ISO3 (several, space-separated, for a group: 'the Baltic states'): a state's name, capital, "
             "demonym or adjective, or an organ standing for the state",
    "organization": "the organisation's name as the claim contract writes it",
    "not_actor": "empty: words before a state that make it no actor ('bordering', 'against')",
    "place_marker": "empty: a preposition before a state named as a place ('w', 'в', 'in')",
    "place_suffix": "a case ending that makes a state name a place (Finnish '-ssa'), pattern empty",
    "world": "empty: 'worldwide', 'in the world' (actor 'world' for global casualty counts)",
    "source_marker": "empty: a preposition before the giver of a transfer ('from')",
    "counterpart_marker": "empty: a preposition before the recipient of a transfer",
    "month": "1-12: a month name",
    "accusation": "empty: a verb of accusing; the states before it are no actors of the cue after it",
    "weekday": "0-6 (Monday-Sunday): a weekday, dated the last such day on or before publication",
    "relative_year": "-1, 0 or 1: 'last year', 'this year', 'next year'",
    "year_end": "empty: 'the end of the year' (its last two months)",
    "magnitude": "1000, 1000000 or 1000000000: thousand, million, billion (and abbreviations)",
    "vague": "10 or 100: 'tens of', 'hundreds of' before a magnitude",
    "bound": "at_least, at_most or approx: 'more than', 'up to', 'about'",
    "currency": "ISO 4217 code",
    "unit": "mines, people, km, km2, hectares or another plain noun",
    "ban": "empty: a word of prohibiting ('zakaz', 'kieltävä'): a cue near it describes a treaty, not an act",
    "speech": "empty: a verb or phrase of saying, for the claim's speaker",
    "title": "empty: a role word before a name (minister, president), for the claim's speaker",
}


@dataclass(frozen=True)
class Row:
    """One rule row."""

    lang: str
    id: str
    kind: str
    pattern: str
    value: str
    why: str
    example: str


@dataclass(frozen=True)
class Token:
    """A word of the cleaned text with its offsets, lower-cased form and lemma."""

    start: int
    end: int
    text: str
    lower: str
    lemma: str


_WORD = re.compile(r"[^\W_]+(?:[-'’ʼ.][^\W_]+)*", re.UNICODE)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})


def fold(text: str) -> str:
    """Lower case with one apostrophe, NFC: how words and names are compared."""
    return unicodedata.normalize("NFC", text).translate(_APOSTROPHES).lower()


def rules_languages() -> list[str]:
    """The languages that have a rules folder."""
    root = resources.files(RULES_PACKAGE).joinpath(RULES_DIR)
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.joinpath("cues.csv").is_file())


@cache
def load_rows(lang: str) -> tuple[Row, ...]:
    """The rows of one language; a row with an unknown kind is an error, not skipped."""
    path = resources.files(RULES_PACKAGE).joinpath(RULES_DIR, lang, "cues.csv")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    rows = []
    for n, r in enumerate(csv.DictReader(lines), start=2):
        kind = (r.get("kind") or "").strip()
        if kind not in KINDS:
            raise ValueError(f"rules/{lang}/cues.csv row {n} ({r.get('id')}): unknown kind {kind!r}")
        rows.append(Row(lang, r["id"].strip(), kind, (r.get("pattern") or "").strip(),
                        (r.get("value") or "").strip(), (r.get("why") or "").strip(),
                        (r.get("example") or "").strip()))
    ids = [r.id for r in rows]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ValueError(f"rules/{lang}/cues.csv: duplicate ids {sorted(dup)}")
    return tuple(rows)


# --------------------------------------------------------------------------- lemmas


def _simplemma_lemma(word: str, lang: str) -> str:
    # low_memory reads the front-coded dictionaries in place: the same lemmas, about 190 MB for all
    # eight languages instead of 1.3 GB (measured), and each language loads faster
    try:
        return simplemma.lemmatize(word, lang=lang, low_memory=True)
    except (ValueError, KeyError):
        return word


@cache
def _pymorphy(lang: str):
    import pymorphy3  # optional, for bench/multilingual.py's comparison: not a dependency of minewatch

    return pymorphy3.MorphAnalyzer(lang=lang)


@cache
def _morfeusz():
    import morfeusz2  # optional, for bench/multilingual.py's comparison: not a dependency of minewatch

    return morfeusz2.Morfeusz()


def _specialised_lemma(word: str, lang: str) -> str:
    """pymorphy3 (ru, uk) or Morfeusz 2 (pl) when installed; simplemma otherwise (and for other languages)."""
    try:
        if lang in ("ru", "uk"):
            return _pymorphy(lang).parse(word)[0].normal_form
        if lang == "pl":
            found = _morfeusz().analyse(word)
            if found:
                return found[0][2][1].split(":")[0]
    except ImportError:
        pass
    return _simplemma_lemma(word, lang)


#: Which lemmatiser ``lemma`` uses: simplemma (the default; its dictionaries ship in the wheel),
#: "specialised" (pymorphy3 / Morfeusz 2 where installed) or "none" (the word itself), for measuring.
LEMMATISERS = {"simplemma": _simplemma_lemma, "specialised": _specialised_lemma, "none": lambda w, lang: w}
_lemmatiser = ["simplemma"]


def use_lemmatiser(name: str) -> None:
    """Switch the lemmatiser (bench/multilingual.py compares them); clears the caches built with the old one."""
    if name not in LEMMATISERS:
        raise ValueError(f"unknown lemmatiser {name!r}: one of {sorted(LEMMATISERS)}")
    _lemmatiser[0] = name
    lemma.cache_clear()
    from minewatch.extract.multilingual.states import state_names  # states imports this module: import late

    state_names.cache_clear()


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """The word's dictionary form, folded; the word itself when the lemmatiser does not know it."""
    return fold(LEMMATISERS[_lemmatiser[0]](word, lang) or word)


#: Languages that elide articles and particles onto the next word ("l'utilisation", "n'a", "d'Ottawa").
ELISION_LANGUAGES = {"fr", "it", "ca"}
_ELISION = re.compile(r"^([^\W\d_]{1,3}['’])(?=[^\W\d_])")


def tokenize(text: str, lang: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Words with offsets into ``text``; an elided particle is a word of its own where the language elides."""
    out = []
    for m in _WORD.finditer(text, start, len(text) if end is None else end):
        w, at = m.group(0), m.start()
        if lang in ELISION_LANGUAGES:
            e = _ELISION.match(w)
            if e:
                part = e.group(1)[:-1]
                out.append(Token(at, at + len(part), part, fold(part), fold(part)))
                w, at = w[len(e.group(1)):], at + len(e.group(1))
        low = fold(w)
        out.append(Token(at, at + len(w), w, low, lemma(w, lang) if not w.isdigit() else low))
    return out


# --------------------------------------------------------------------------- patterns


def _word_regex(p: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if ch == "*" else re.escape(ch) for ch in p) + r"\Z")


@dataclass(frozen=True)
class _WordPattern:
    exact: bool
    skip: bool
    regex: re.Pattern[str] | None

    def matches(self, tok: Token) -> bool:
        assert self.regex is not None
        if self.exact:
            return self.regex.match(unicodedata.normalize("NFC", tok.text).translate(_APOSTROPHES)) is not None
        return self.regex.match(tok.lower) is not None or self.regex.match(tok.lemma) is not None


@cache
def compile_pattern(pattern: str) -> tuple[_WordPattern, ...]:
    words = []
    for w in pattern.split():
        if w == "~":
            words.append(_WordPattern(False, True, None))
        elif w.startswith("="):
            words.append(_WordPattern(True, False, _word_regex(unicodedata.normalize("NFC", w[1:]).translate(_APOSTROPHES))))
        else:
            words.append(_WordPattern(False, False, _word_regex(fold(w))))
    if not words or words[0].skip or words[-1].skip:
        raise ValueError(f"bad pattern {pattern!r}: empty, or starts or ends with '~'")
    return tuple(words)


def _match_from(words: tuple[_WordPattern, ...], toks: list[Token], i: int, w: int = 0) -> int | None:
    """Index one past the last token matched, when ``words[w:]`` matches from token ``i``."""
    if w == len(words):
        return i
    wp = words[w]
    if wp.skip:
        for gap in range(0, 3):
            end = _match_from(words, toks, i + gap, w + 1)
            if end is not None:
                return end
        return None
    if i < len(toks) and wp.matches(toks[i]):
        return _match_from(words, toks, i + 1, w + 1)
    return None


@dataclass(frozen=True)
class Hit:
    """A row found in a token list: tokens ``[i, j)``."""

    row: Row
    i: int
    j: int
    negated: bool = False


class Matcher:
    """All rows of one language, compiled; ``find`` returns every hit in a token list.

    Rows are indexed by their first word pattern (a literal, or a literal
    prefix before ``*``), so a word is looked up, not tried against every
    row; only the few patterns that start with ``*`` are tried on each word.
    """

    def __init__(self, lang: str, rows: Iterable[Row]) -> None:
        self.lang = lang
        self.rows = [r for r in rows if r.pattern]
        self.compiled = {r.id: compile_pattern(r.pattern) for r in self.rows}
        self.neg_prefixes = tuple(fold(r.value) for r in rows if r.kind == "negation_prefix" and r.value)
        self.literal: dict[str, list[Row]] = {}
        self.prefix: dict[str, list[Row]] = {}
        self.exact: dict[str, list[Row]] = {}
        self.other: list[Row] = []
        for r in self.rows:
            first = r.pattern.split()[0]
            if first.startswith("="):
                body = unicodedata.normalize("NFC", first[1:]).translate(_APOSTROPHES)
                if "*" in body:
                    self.other.append(r)
                else:
                    self.exact.setdefault(body, []).append(r)
                continue
            first = fold(first)
            star = first.find("*")
            if star < 0:
                self.literal.setdefault(first, []).append(r)
            elif star == len(first) - 1 and star > 0:
                self.prefix.setdefault(first[:-1], []).append(r)
            else:
                self.other.append(r)
        self.max_prefix = max((len(k) for k in self.prefix), default=0)

    def _candidates(self, tok: Token) -> list[Row]:
        out: list[Row] = []
        seen: set[str] = set()
        forms = (tok.lower, tok.lemma) if tok.lemma != tok.lower else (tok.lower,)
        for f in forms:
            out += self.literal.get(f, ())
            for k in range(1, min(len(f), self.max_prefix) + 1):
                out += self.prefix.get(f[:k], ())
        out += self.exact.get(unicodedata.normalize("NFC", tok.text).translate(_APOSTROPHES), ())
        out += self.other
        uniq = []
        for r in out:
            if r.id not in seen:
                seen.add(r.id)
                uniq.append(r)
        return uniq

    def _negated_form(self, tok: Token) -> Token | None:
        for p in self.neg_prefixes:
            if tok.lower.startswith(p) and len(tok.lower) > len(p) + 3:
                bare = tok.text[len(p):]
                return Token(tok.start, tok.end, bare, fold(bare), lemma(bare, self.lang))
        return None

    def find(self, toks: list[Token]) -> list[Hit]:
        """Every hit, longest first at a position; a hit inside a longer hit of the same kind is dropped."""
        hits: list[Hit] = []
        for i, tok in enumerate(toks):
            found = False
            for r in self._candidates(tok):
                j = _match_from(self.compiled[r.id], toks, i)
                if j is not None:
                    hits.append(Hit(r, i, j))
                    found = found or r.kind == "predicate"
            if not found and self.neg_prefixes:
                bare = self._negated_form(tok)
                if bare is not None:
                    for r in self._candidates(bare):
                        words = self.compiled[r.id]
                        if r.kind == "predicate" and len(words) == 1 and words[0].matches(bare):
                            hits.append(Hit(r, i, i + 1, negated=True))
        hits.sort(key=lambda h: (h.i, -(h.j - h.i)))
        kept: list[Hit] = []
        for h in hits:
            if any(k.row.kind == h.row.kind and k.i <= h.i and h.j <= k.j and (k.j - k.i) > (h.j - h.i)
                   for k in kept):
                continue
            kept.append(h)
        return kept

    def matches_example(self, row: Row) -> bool:
        """Whether the row is found in its own example sentence (what the tests check for every row)."""
        toks = tokenize(row.example, self.lang)
        words = self.compiled[row.id]
        return any(_match_from(words, toks, i) is not None for i in range(len(toks)))


@cache
def matcher(lang: str) -> Matcher:
    return Matcher(lang, load_rows(lang))
