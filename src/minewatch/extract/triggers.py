"""Predicate cues, weapon types, treaty names and treaty stages, all from the rule rows in ``rules/en/``.

The lexicon is data so that an analyst can add a cue ("emplace", "abrogate") without
touching code; this module compiles it once and answers "what is mentioned where" for a
sentence.  Deciding which actor a cue belongs to is the parser's job (``extractor``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from minewatch.extract.rules import lexicon, phrase


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    label: str  # a predicate, weapon, treaty or stage
    text: str


def _rx(patterns: list[str], flags: int = re.IGNORECASE, hyphen_ends: bool = True) -> re.Pattern[str]:
    tail = r"(?![\w])" if hyphen_ends else r"(?![\w-])"
    return re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")" + tail, flags)


class Lexicon:
    """Compiled cue patterns."""

    def __init__(self) -> None:
        lex = lexicon()
        self.raw = lex
        # "victim-activated" is no victim: a cue ends at a word end, not at a hyphen
        self.predicates = {p: _rx(v, hyphen_ends=False) for p, v in lex["predicates"].items()}
        self.weapon_predicates: frozenset[str] = frozenset(lex["weapon_predicates"])
        self.ban_words: frozenset[str] = frozenset(lex["ban_words"])
        self.weapons = {w: _rx(v) for w, v in lex["weapons"].items()}
        self.weapon_needs_noun = frozenset(lex["weapon_needs_noun"])
        self.weapon_noun = re.compile(lex["weapon_noun"], re.IGNORECASE)
        self.treaties = {t: _rx(v) for t, v in lex["treaties"].items()}
        self.treaty_case_sensitive = {"CCM": re.compile(r"\bCCM\b"), "APMBC": re.compile(r"\bAPMBC\b")}
        self.generic_treaty = _rx(lex["generic_treaty"])
        self.withdrawal_stages = {s: _rx(v) for s, v in lex["withdrawal_stages"].items()}
        self.withdrawal_priority: list[str] = lex["withdrawal_stage_priority"]
        self.joining_stages = {s: _rx(v) for s, v in lex["joining_stages"].items()}
        self.joining_priority: list[str] = lex["joining_stage_priority"]
        all_cues = [p for v in lex["predicates"].values() for p in v]
        # phrasings too loose for a rule to act on ("remain outside the treaty", "utilised") that
        # still propose a candidate: the claim model weighs them
        self.candidate_only = {p: _rx(v, hyphen_ends=False) for p, v in lex["candidate_cues"].items()}
        self.any_candidate_cue = _rx([p for v in lex["candidate_cues"].values() for p in v])
        self.any_cue = _rx(all_cues)
        topic = [p for v in lex["weapons"].values() for p in v] + [p for v in lex["treaties"].values() for p in v]
        self.any_topic = _rx(topic)
        self.screen_always = _rx(lex["screen_always"])
        # the senses of "mine": a pit ("the copper mine will produce nickel"), a figure ("a regulatory
        # minefield") or the weapon ("mines laid along the border")
        self.mine_industrial = _rx(lex["mine_industrial_context"])
        self.mine_weapon = _rx(lex["mine_weapon_context"])
        self.figurative_minefield = _rx(lex["figurative_minefield"])

    def predicate_cues(self, text: str) -> list[Cue]:
        out = [Cue(m.start(), m.end(), p, m.group(0)) for p, rx in self.predicates.items()
               for m in rx.finditer(text)]
        # "mining", "mined", "minefield" as a use cue only in the weapon sense
        out = [c for c in out if not (_MINE_WORD.match(c.text) and self.not_weapon_mine(text, c.start, c.end))]
        return sorted(out, key=lambda c: (c.start, -c.end))

    def candidate_cues(self, text: str) -> list[Cue]:
        """The rules' predicate cues plus the cues that only propose candidates to the model (their
        ``text`` marked with a leading "~" so that features can tell them apart)."""
        out = self.predicate_cues(text)
        if self.any_candidate_cue.search(text):
            extra = [Cue(m.start(), m.end(), p, "~" + m.group(0)) for p, rx in self.candidate_only.items()
                     for m in rx.finditer(text)]
            out += [c for c in extra if not any(c.start < o.end and o.start < c.end and c.label == o.label
                                                for o in out)]
        return sorted(out, key=lambda c: (c.start, -c.end))

    def not_weapon_mine(self, text: str, start: int, end: int, industrial_text: bool = False) -> bool:
        """Whether the "mine" word at ``start:end`` is a pit or a figure of speech, not the weapon.

        A figurative minefield ("a regulatory minefield", "a minefield of rules") is never the weapon.
        A bare "mine(s)"/"mining"/"mined" is a pit when a mineral or a mining word qualifies its
        own noun phrase ("a nickel and copper mine", "mining company"), or when its sentence speaks
        of mining (ore, miners, tonnes of copper, royalties) and of nothing military; in a text
        about mining that never names the weapon (``industrial_text``), every bare "mine" is a pit.
        Compounds that only name the weapon ("landmines", "anti-personnel mines") are kept.
        """
        word = text[start:end].lower()
        if word.startswith("land") or "-" in word:
            return False
        for m in self.figurative_minefield.finditer(text, max(0, start - 40), min(len(text), end + 40)):
            if m.start() <= start < m.end():
                return True
        if word.startswith("minefield"):
            return False
        phrase = _NP_BEFORE.search(text, max(0, start - 60), start)
        if phrase and self.mine_industrial.search(phrase.group(0)):
            return True  # "a proposed nickel and copper mine"
        if word.startswith("mining") and _INDUSTRY_AFTER.match(text, end):
            return True  # "a mining company", "the mining sector"
        if industrial_text:
            return True
        s0 = max(text.rfind(ch, 0, start) for ch in ".!?\n") + 1
        e0 = min((i for i in (text.find(ch, end) for ch in ".!?\n") if i >= 0), default=len(text))
        sentence = text[s0:e0]
        return bool(self.mine_industrial.search(sentence)) and not self.mine_weapon.search(sentence)

    def treaty_mentions(self, text: str) -> list[Cue]:
        out: list[Cue] = []
        for t, rx in self.treaties.items():
            for m in rx.finditer(text):
                if m.group(0) in ("CCM", "APMBC") or m.group(0).upper() not in ("CCM", "APMBC"):
                    out.append(Cue(m.start(), m.end(), t, m.group(0)))
        return _longest_first(out)

    def generic_treaty_mentions(self, text: str) -> list[Cue]:
        return [Cue(m.start(), m.end(), "generic", m.group(0)) for m in self.generic_treaty.finditer(text)]

    def weapon_mentions(self, text: str, exclude: list[Cue] | None = None) -> list[Cue]:
        """Weapon types, outside treaty names; "anti-tank and anti-personnel mines" gives two."""
        out: list[Cue] = []
        for w, rx in self.weapons.items():
            for m in rx.finditer(text):
                if w in self.weapon_needs_noun and not re.search(r"(?:land)?mines?\b", m.group(0), re.I):
                    # "anti-tank and anti-personnel mines" or "landmines, both anti-tank and anti-personnel"
                    if not self.weapon_noun.match(text, m.end()) and not _MINE_BEFORE.search(
                            text, max(0, m.start() - 40), m.start()):
                        continue
                out.append(Cue(m.start(), m.end(), w, m.group(0)))
        spans = exclude or []
        out = [c for c in out if not any(c.start < e.end and e.start < c.end for e in spans)]
        # one sense per text: an article about a mine project that never names the weapon has no weapon
        industrial = bool(self.mine_industrial.search(text)) and not self.mine_weapon.search(text)
        out = [c for c in out if not (c.label == "mine" and _MINE_WORD.match(c.text)
                                      and self.not_weapon_mine(text, c.start, c.end, industrial))]
        return _longest_first(out)

    def withdrawal_stage_cues(self, text: str) -> list[Cue]:
        return [Cue(m.start(), m.end(), s, m.group(0)) for s, rx in self.withdrawal_stages.items()
                for m in rx.finditer(text)]

    def joining_stage(self, cue_text: str, sentence: str) -> str:
        for stage in self.joining_priority:
            if self.joining_stages[stage].search(cue_text):
                return stage
        return "acceded"

    def worth_parsing(self, sentence: str) -> bool:
        """The screen: a predicate cue and a weapon or treaty name (actors are checked by the caller)."""
        return bool(self.any_cue.search(sentence))


#: A "mine" word that may be a pit or a figure ("landmine" and "anti-personnel mine" never are).
_MINE_WORD = re.compile(r"(?:mines?|mined|mining|mine ?fields?)$", re.IGNORECASE)
#: The words before a noun inside its own phrase (no punctuation, no verb-like clause break).
_NP_BEFORE = re.compile(r"(?:\b[\w-]+\s+){1,4}$")
#: What "mining" qualifies when it is an industry.
_INDUSTRY_AFTER = phrase("mining_industry_nouns", re.IGNORECASE)

_MINE_BEFORE = re.compile(r"(?:land)?mines?\b[^.;:]*$", re.IGNORECASE)


def _longest_first(cues: list[Cue]) -> list[Cue]:
    taken: list[Cue] = []
    for c in sorted(cues, key=lambda c: (-(c.end - c.start), c.start)):
        if not any(c.start < t.end and t.start < c.end for t in taken):
            taken.append(c)
    return sorted(taken, key=lambda c: c.start)


@lru_cache(maxsize=1)
def cue_lexicon() -> Lexicon:
    return Lexicon()
