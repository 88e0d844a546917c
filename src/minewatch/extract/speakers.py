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
from minewatch.extract.rules import lexicon, words
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
            r"\s*(?:\([^()]{1,40}\)\s*)?(?:,(?P<role>[^,.;“”\"]{3,140}),\s*)?"
            r"(?:(?:on\s+[A-Z]\w+|yesterday|today|earlier|recently)\s+)?"
            r"(?:(?:has|had|also|then|later|further|previously)\s+)*"
            r"(?:" + verbs + r")\b")
        markers = "|".join(lex["phrases"]["speaker_source_markers"])
        # "said X", "according to X", and with the role first: "says Inspector of Engineers, Colonel X"
        self.before = re.compile(r"(?:\b(?:(?-i:" + verbs + r")|" + markers + r"))[ \t]*,?[ \t]*"
                                 r"(?:(?:the|a|an)[ \t]+)?(?-i:(?:[A-Z][^.;:“”\"\n]{2,80},[ \t]*)?)$", re.IGNORECASE)
        self.pronoun = re.compile(
            r"(?:\b(?:he|she)\s+(?:also\s+|further\s+|then\s+)?(?:" + verbs + r")\b|\b(?:" + verbs
            + r")\s+(?:he|she)\b)", re.IGNORECASE)
        descriptions = "|".join(lex["speaker_descriptions"])
        # "The Deputy Defense Minister clarified that …": the person last named with that title
        self.description = re.compile(
            r"\b(?:the|its|their|a|an)\s+(?P<desc>(?:[\w’'-]+\s+){0,3}?(?:" + descriptions
            + r"))\s+(?:also\s+|further\s+)?(?:" + verbs + r")\b", re.IGNORECASE)
        self.leading_verb = re.compile(r"\W*(?:" + verbs + r")\b")
        self.continuation = re.compile("|".join(lex["phrases"]["speech_continuation"]), re.IGNORECASE)
        # "The information was given by X", "X made the remarks": X said what the sentence before told
        self.backward = re.compile("|".join(lex["phrases"]["backward_attribution"]), re.IGNORECASE)
        actors = actor_lexicon()
        self.actor_words = set(actors.surface) | set(actors.adjectives)
        #: words that end or head the names of organisations, offices and places rather than people
        self.institution_words = frozenset(lex["words"]["institution_words"])


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


def _not_a_person(words: list[str], name: list[str], pat: SpeakerPatterns) -> bool:
    """Organisations and institutions report and react; the contract's speaker is a person."""
    run = " ".join(words)
    if run in pat.actor_words or " ".join(name) in pat.actor_words:
        return True
    inst = pat.institution_words
    # "General Directorate for Mine Action": an office's word among the run's non-titles
    others = [w for w in words[:len(words) - len(name)] if w not in pat.titles] + name[1:]
    return name[-1].rstrip(".,") in inst or any(w.rstrip(".,") in inst for w in others)


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


def _person(words: list[str], pat: SpeakerPatterns) -> tuple[list[str], list[str], list[str]]:
    """Title prefix, name words and what follows an "of"/"for" inside a capitalised run.

    "Yeshua Moser-Puangsuwan of Landmine Monitor", "President Robert Mugabe of Zimbabwe": the person
    stands before the preposition and the rest is an affiliation, unless the words before it are
    titles only ("Minister of Defence Andris Sprūds", whose name ends the run)."""
    prefix, name = _split_run(words, pat)
    for i, w in enumerate(words):
        if w.lower() not in ("of", "for") or i < 2:
            continue
        head_prefix, head_name = _split_run(words[:i], pat)
        if len(head_name) >= 2 and not _not_a_person(words[:i], head_name, pat):
            return head_prefix, head_name, words[i:]
        break
    return prefix, name, []


def _people(text: str, sentences: list[tuple[int, int]], pat: SpeakerPatterns) -> dict[str, Speaker]:
    """Everyone the article introduces by full name with a title or a role, by full name and by
    each part, so that a family name alone ("Kiesewetter argues") finds its full name even when
    the introduction did not report speech, or comes later in the text."""
    people: dict[str, Speaker] = {}
    for s, e in sentences:
        sent = text[s:e]
        for m in _RUN.finditer(sent):
            words = m.group(0).rstrip(".").split()
            prefix, name, affiliation = _person(words, pat)
            own = words[:len(words) - len(affiliation)]
            if _NAME_TAIL.search(sent, max(0, m.start() - 40), m.start()):
                continue
            if len(name) < 2 or _not_a_person(own, name, pat) or " ".join(name) in people:
                continue
            titles = [w for w in prefix if w in pat.titles]
            role_after = _TRAILING_ROLE.match(sent, m.end())
            if not titles and not role_after:
                continue  # a capitalised run with neither title nor role may be anything
            role = " ".join(titles) or (_role_text(role_after.group("role")) if role_after else None) \
                or (" ".join(affiliation[1:]) or None)
            person = Speaker(name=" ".join(name), role=role)
            people[person.name] = person
            for part in name:
                people.setdefault(part, person)
    return people


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Quotations, paired curly quotes or alternating straight ones (a quote may run over sentences)."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for m in re.finditer(r"[“”\"]", text):
        ch = m.group(0)
        if ch == "“" or (ch == '"' and opened is None):
            opened = m.start()
        elif opened is not None:
            spans.append((opened, m.end()))
            opened = None
    return spans


def _by_description(desc: str, people: dict[str, Speaker], later: list[Speaker]) -> Speaker | None:
    """"Its defence minister said": the person whose role says so, else the next one named."""
    words = desc.lower().replace("defense", "defence").split()
    for person in people.values():
        role = (person.role or "").lower().replace("defense", "defence")
        if role and all(w in role.split() for w in words[-2:]):
            return person
    return later[0] if later else None


def find_speakers(text: str, sentences: list[tuple[int, int]]) -> SpeakerIndex:
    """Attribute each sentence with reported speech to the person speaking."""
    pat = speaker_patterns()
    index = SpeakerIndex()
    people = _people(text, sentences, pat)
    known: dict[str, Speaker] = {}
    last: Speaker | None = None
    #: sentences told by a description ("its defence minister said") or an organisation that no one
    #: named before: resolved once the article has named the people it quotes
    pending: list[tuple[int, str, str]] = []
    for si, (s, e) in enumerate(sentences):
        sent = text[s:e]
        found: Speaker | None = None
        source: str | None = None
        for m in _RUN.finditer(sent):
            words = m.group(0).rstrip(".").split()
            prefix, name, affiliation = _person(words, pat)
            if not name:
                continue
            full = " ".join(name)
            own = words[:len(words) - len(affiliation)]
            if _NAME_TAIL.search(sent, max(0, m.start() - 40), m.start()):
                continue
            end = m.end()
            after = pat.after.match(sent, end)
            before = pat.before.search(sent, 0, m.start())
            if _not_a_person(own, name, pat):
                if (after or before) and " ".join(words) not in pat.actor_words:
                    source = " ".join(words)  # "the General Directorate for Mine Action announced"
                continue  # "the United Nations said", "according to Human Rights Watch": a source, no speaker
            if len(name) == 1:
                person = known.get(full) or people.get(full)
                if person is None:
                    continue
            else:
                person = None
            if not after and not before:
                if len(name) >= 2 and full not in known and any(w in pat.titles for w in prefix):
                    # "Minister of Defense Jan Kowalski appealed …": a person later quoted as "he"
                    titled = people.get(full) or Speaker(
                        name=full, role=" ".join(w for w in prefix if w in pat.titles) or None)
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
                role = role or _role_text(after.group("role"))
            elif before and not role:
                trailing = _TRAILING_ROLE.match(sent, end)
                role = _role_text(trailing.group("role")) if trailing else None
            if not role and affiliation:
                role = " ".join(affiliation[1:]) or None  # "Maria Rojas of Landmine Watch"
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
        described = pat.description.search(sent) if found is None else None
        if found is None and si > 0 and si - 1 in index.by_sentence and (sent[:1].islower() or (
                pat.continuation.match(sent) and "\n" not in text[sentences[si - 1][1]:s])):
            # "explained that" | "these systems will …" (a line break), or "They will be deployed …"
            # right after "He noted that …": the reported speech goes on
            found = index.by_sentence[si - 1]
        if found is None and last is not None and (pat.pronoun.search(sent) or described):
            found = last
            if described and last.role and not _role_fits(described.group("desc"), last.role):
                found = None  # "the minister said" after a named general: someone else
        backward = pat.backward.search(sent)
        if found is None and backward:
            found = next((p for n, p in people.items() if " " in n and n in sent), None)
        if found is not None and backward and si > 0:
            index.by_sentence.setdefault(si - 1, found)
        if found is None and (described or source):
            pending.append((si, described.group("desc") if described else "", source or ""))
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
    _resolve_pending(index, pending, people)
    _spread_quotes(index, text, sentences)
    return index


def _role_fits(desc: str, role: str) -> bool:
    """Whether "the (deputy) minister" may be the person whose role is ``role``."""
    last_word = desc.lower().split()[-1]
    return last_word in role.lower().replace("-", " ").split()


def _resolve_pending(index: SpeakerIndex, pending: list[tuple[int, str, str]], people: dict[str, Speaker]) -> None:
    """A description or an organisation told this sentence: the person the article names for it
    (the role that says so, or the organisation's named head), else the next person it quotes."""
    for si, desc, source in pending:
        later = [index.by_sentence[i] for i in sorted(index.by_sentence) if i > si]
        person: Speaker | None = None
        if source:
            nouns = {w for w in source.split() if len(w) > 3}
            person = next((p for p in people.values()
                           if p.role and nouns & set(p.role.replace(",", " ").split())), None)
        elif desc:
            person = _by_description(desc, people, later)
        if person is not None:
            index.by_sentence[si] = person


#: "International Campaign to Ban Landmines (ICBL) said": a run after "Campaign to" ends an organisation's name
_NAME_TAIL = re.compile(r"[A-Z][\w'’.-]*\s+(?:" + "|".join(words("organisation_name_links")) + r")\s+$")
#: ", in an interview with …, said", ", who leads …,": where or when the person spoke, or a clause, not a role
_CIRCUMSTANCE = re.compile(r"\s*(?:" + "|".join(words("circumstance_openers") + words("relative_pronouns")) + r")\b",
                           re.IGNORECASE)


def _role_text(text: str) -> str | None:
    """The apposition after a name as a role, unless it tells where, when or what else."""
    if _CIRCUMSTANCE.match(text):
        return None
    return text.strip() or None


#: A line opening with a dash: a quotation in the dash-quote style (Nordic and Slavic outlets)
_DASH_QUOTE = re.compile(r"[-–—]\s+(?-i:[A-Z])")


def _spread_quotes(index: SpeakerIndex, text: str, sentences: list[tuple[int, int]]) -> None:
    """A quotation over several sentences is its speaker's throughout: the one named where it
    closes (“… ,” Wareham said) or where it opens (Wareham said: “…).  A quotation that names no
    one, opened right after a sentence that does, goes on with that speaker's words (a quote in
    the next paragraph; "- We will …" in the dash style)."""
    spans = list(_quote_spans(text))
    for s, _ in sentences:
        line_start = text.rfind("\n", 0, s) + 1
        if _DASH_QUOTE.match(text, s) and not text[line_start:s].strip():
            line_end = text.find("\n", s)
            spans.append((s, len(text) if line_end < 0 else line_end))
    for qs, qe in sorted(spans):
        inside = [i for i, (s, e) in enumerate(sentences) if s < qe and qs < e]
        if not inside:
            continue
        speaker = index.by_sentence.get(inside[-1]) or index.by_sentence.get(inside[0])
        if speaker is None and not any(i in index.by_sentence for i in inside) \
                and sentences[inside[0]][0] >= qs and inside[0] > 0:
            speaker = index.by_sentence.get(inside[0] - 1)  # opens a sentence right after a named speaker's
        if speaker is None:
            continue
        for i in inside:
            index.by_sentence.setdefault(i, speaker)
