"""Who said it: reported speech and quotes, with the speaker's full name and role.

A claim from a defence minister weighs differently from one by an anonymous source, and
reconciliation compares speakers across outlets, so the name must be the full one given
at first mention even when later sentences say "he said" or use a family name only.
Cheap regular expressions over the whole text suffice: speech verbs and titles are data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from minewatch.extract.actors import actor_lexicon
from minewatch.extract.rules import lexicon
from minewatch.model import Speaker

_UPPER = "".join(chr(c) for c in range(0x41, 0x2B0) if chr(c).isupper())
_CAP = rf"[{_UPPER}][\w'’.-]*"
_RUN = re.compile(rf"{_CAP}(?:\s+(?:(?:of|for|de|van|von|der|al)\s+(?:the\s+)?)?{_CAP})*")
#: Capitalised words that begin sentences or headlines and are never part of a name.
_FUNCTION_WORDS = frozenset(
    "The A An In On At As But And Or Earlier Later Meanwhile However According Also Under After Before "
    "Since While When If Today Yesterday On Last Next This That These Those Its His Her Their Our We "
    "I He She They It There Here Read More Photo Source By Updated Key Both All Some Many".split())


_TRAILING_ROLE = re.compile(r"\s*,\s*(?P<role>[^,.;“”\"]{3,140})")


@dataclass(frozen=True)
class SpeakerMention:
    start: int
    end: int
    speaker: Speaker


@dataclass
class SpeakerIndex:
    """Speakers by sentence index, plus the people met so far (to expand "Karolis said")."""

    by_sentence: dict[int, Speaker] = field(default_factory=dict)
    #: the state a speaker speaks for, when the text says it ("Lithuania's Deputy Defence Minister")
    states: dict[str, str] = field(default_factory=dict)

    def get(self, index: int) -> Speaker | None:
        return self.by_sentence.get(index)

    def state_near(self, index: int) -> str | None:
        """The state of this sentence's speaker, or of the speaker of the next one (a quote
        followed by "Aleksa said"), or of the last one before."""
        for i in (index, index + 1, index + 2, index - 1):
            sp = self.by_sentence.get(i)
            if sp is not None and sp.name in self.states:
                return self.states[sp.name]
        return None


class SpeakerPatterns:
    def __init__(self) -> None:
        lex = lexicon()
        verbs = "|".join(lex["speech_verbs"])
        self.titles = frozenset(lex["titles"])
        self.after = re.compile(
            r"\s*(?:,(?P<role>[^,.;“”\"]{3,140}),\s*)?(?:(?:has|had|also|then|later|further|previously)\s+)*"
            r"(?:" + verbs + r")\b")
        self.before = re.compile(r"(?:\b(?:" + verbs + r")|\baccording to)[ \t]*,?[ \t]*$", re.IGNORECASE)
        self.pronoun = re.compile(
            r"(?:\b(?:he|she)\s+(?:also\s+|further\s+|then\s+)?(?:" + verbs + r")\b|\b(?:" + verbs
            + r")\s+(?:he|she)\b)", re.IGNORECASE)
        descriptions = "|".join(lex["speaker_descriptions"])
        # "The Deputy Defense Minister clarified that …": the person last named with that title
        self.description = re.compile(
            r"\bthe\s+(?:[\w-]+\s+){0,3}?(?:" + descriptions + r")\s+(?:also\s+|further\s+)?(?:" + verbs + r")\b",
            re.IGNORECASE)
        self.leading_verb = re.compile(r"\W*(?:" + verbs + r")\b")
        actors = actor_lexicon()
        self.actor_words = set(actors.surface) | set(actors.adjectives)


@lru_cache(maxsize=1)
def speaker_patterns() -> SpeakerPatterns:
    return SpeakerPatterns()


def _split_run(words: list[str], pat: SpeakerPatterns) -> tuple[list[str], list[str]]:
    """Title prefix and name words of a capitalised run."""
    cut = 0
    for i, w in enumerate(words):
        bare = re.sub(r"(?:'s|’s|')$", "", w)
        if (w in pat.titles or bare in pat.titles or bare in pat.actor_words or w in _FUNCTION_WORDS
                or w.endswith(("'s", "’s")) or w.lower() in ("of", "for", "the")):
            cut = i + 1
    return words[:cut], words[cut:]


#: Last words of names of organisations, offices and places rather than people.
_INSTITUTION_WORDS = frozenset(
    "Nations Watch Monitor Ministry Council Committee Agency Organization Organisation Office Service Services "
    "Campaign Coalition Union Institute Foundation Group Centre Center Commission Parliament Government Army "
    "Forces Command Department Bureau Authority Court Assembly Cross Crescent Review Times Post News Press "
    "Reuters Agence Network International Alliance Association Federation Fund Bank Programme Program Mission "
    "Secretariat Convention Treaty Monitoring Report Guard Police Navy Kremlin Pentagon".split())


def _not_a_person(words: list[str], name: list[str], pat: SpeakerPatterns) -> bool:
    """Organisations and institutions report and react; the contract's speaker is a person."""
    run = " ".join(words)
    if run in pat.actor_words or " ".join(name) in pat.actor_words:
        return True
    return name[-1].rstrip(".,") in _INSTITUTION_WORDS or any(w in _INSTITUTION_WORDS for w in name[1:])


def _state_of(prefix: list[str], role: str | None, pat: SpeakerPatterns) -> str | None:
    actors = actor_lexicon()
    for w in prefix:
        bare = re.sub(r"(?:'s|’s|')$", "", w)
        if bare in actors.surface:
            kind, key = actors.surface[bare]
            if kind not in ("organization", "armed_group"):
                return key
        if bare in actors.adjectives:
            return actors.adjectives[bare]
    if role:
        for m in actors.find(role):
            if m.is_state and m.kind != "anaphor":
                return m.actors[0].iso3
    return None


def find_speakers(text: str, sentences: list[tuple[int, int]]) -> SpeakerIndex:
    """Attribute each sentence with reported speech to the person speaking."""
    pat = speaker_patterns()
    index = SpeakerIndex()
    known: dict[str, Speaker] = {}
    last: Speaker | None = None
    for si, (s, e) in enumerate(sentences):
        sent = text[s:e]
        found: Speaker | None = None
        for m in _RUN.finditer(sent):
            words = m.group(0).rstrip(".").split()
            prefix, name = _split_run(words, pat)
            if not name:
                continue
            full = " ".join(name)
            if _not_a_person(words, name, pat):
                continue  # "the United Nations said", "according to Human Rights Watch": a source, no speaker
            if len(name) == 1:
                person = known.get(full)
                if person is None:
                    continue
            else:
                person = None
            after = pat.after.match(sent, m.end())
            before = pat.before.search(sent, 0, m.start())
            if not after and not before:
                if len(name) >= 2 and full not in known and any(w in pat.titles for w in prefix):
                    # "Minister of Defense Jan Kowalski appealed …": a person later quoted as "he"
                    titled = Speaker(name=full, role=" ".join(w for w in prefix if w in pat.titles) or None)
                    known[full] = titled
                    for part in name:
                        known.setdefault(part, titled)
                    state = _state_of(prefix, None, pat)
                    if state:
                        index.states[full] = state
                    last = titled
                continue
            role_words = [w for w in prefix if w not in _FUNCTION_WORDS and not w.endswith(("'s", "’s"))
                          and re.sub(r"'s$", "", w) not in pat.actor_words]
            role = " ".join(role_words).strip() or None
            if after and after.group("role"):
                role = role or after.group("role").strip()
            elif before and not role:
                trailing = _TRAILING_ROLE.match(sent, m.end())
                role = trailing.group("role").strip() if trailing else None
            if person is None:
                person = Speaker(name=full, role=role)
                state = _state_of(prefix, role, pat)
                if state:
                    index.states[full] = state
                if full not in known:
                    known[full] = person
                    for part in name:
                        known.setdefault(part, person)
                else:
                    person = known[full]
            found = person
            break
        if found is None and last is not None and (pat.pronoun.search(sent) or pat.description.search(sent)):
            found = last
        if found is not None:
            index.by_sentence[si] = found
            last = found
            if pat.leading_verb.match(sent):
                # a quote, then "- said Minister X": the quote is X's
                for back in (si - 1, si - 2):
                    if back >= 0 and back not in index.by_sentence:
                        index.by_sentence[back] = found
                    else:
                        break
    return index
