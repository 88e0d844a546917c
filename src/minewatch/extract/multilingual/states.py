"""States by any form: CLDR country names in the document's language, inflected.

Babel ships the CLDR locale data, so every state has its name in every
language without a list of ours; pycountry turns CLDR's two-letter codes into
the ISO3 the claim contract uses.  A name matches a word sequence by lemma
("Lietuvos" → "lietuva") or, for one-word names of five letters or more, by
its stem plus a short case ending ("Eestile", "Suomen"), which catches the
forms the lemmatiser does not know.  Capitals, demonyms, adjectives and
short names are ``state`` rows of the language's rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale

from minewatch.extract.multilingual.rules import Token, fold, lemma

#: CLDR territories that are not states (or not ones a claim is about).
_NOT_STATES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AQ", "BV", "HM", "TF", "UM", "CP", "DG", "EA", "IC", "TA"}
#: The longest case ending the stem match accepts ("Eesti" + "lt", "Rosj" + "anie").
_MAX_ENDING = 4
_VOWELS = set("aeiouyäöüõąęėįųūāēīōıаеиоуыэюяіїєё")


@dataclass(frozen=True)
class StateMention:
    iso3: str
    i: int
    j: int


@dataclass
class StateNames:
    by_words: dict[tuple[str, ...], str]
    by_stem: dict[str, str]
    longest: int


@cache
def state_names(lang: str) -> StateNames:
    by_words: dict[tuple[str, ...], str] = {}
    by_stem: dict[str, str] = {}
    try:
        territories = Locale.parse(lang).territories
    except (ValueError, LookupError):
        territories = {}
    for code, name in territories.items():
        if len(code) != 2 or not code.isalpha() or code in _NOT_STATES:
            continue
        c = pycountry.countries.get(alpha_2=code)
        if c is None:
            continue
        for variant in {name, re.sub(r"\s*\(.*?\)", "", name)}:  # "Мʼянма (Бірма)" is also "Мʼянма"
            words = [w for w in fold(variant).replace("-", " - ").split() if w]
            if not words:
                continue
            by_words.setdefault(tuple(words), c.alpha_3)
            by_words.setdefault(tuple(lemma(w, lang) for w in words), c.alpha_3)
            if len(words) == 1:
                stem = words[0][:-1] if words[0][-1] in _VOWELS else words[0]
                if len(stem) >= 4:
                    by_stem.setdefault(stem, c.alpha_3)
    return StateNames(by_words, by_stem, max((len(k) for k in by_words), default=1))


def find_states(toks: list[Token], lang: str) -> list[StateMention]:
    """CLDR names in a token list; only capitalised words count (a name, not a common noun)."""
    names = state_names(lang)
    out: list[StateMention] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if not t.text[:1].isupper():
            i += 1
            continue
        hit = None
        for n in range(min(names.longest, len(toks) - i), 0, -1):
            span = toks[i:i + n]
            for key in (tuple(x.lower for x in span), tuple(x.lemma for x in span)):
                iso = names.by_words.get(key)
                if iso:
                    hit = StateMention(iso, i, i + n)
                    break
            if hit:
                break
        if hit is None:
            low = t.lower
            for k in range(len(low), max(3, len(low) - _MAX_ENDING) - 1, -1):
                iso = names.by_stem.get(low[:k])
                if iso:
                    hit = StateMention(iso, i, i + 1)
                    break
        if hit:
            out.append(hit)
            i = hit.j
        else:
            i += 1
    return out
