"""From a cleaned document to claims: screen, parse, attach actors, values and speakers.

Most of an article cannot hold a claim (menus, motives, quotes of opinion), and parsing is
the only expensive step, so a regular-expression screen keeps the sentences with a
predicate cue and something to hang it on (an actor, a weapon, a treaty); only those go
through spaCy, streamed in batches with ``nlp.pipe``.  Everything else (actor mentions,
treaty names, speakers, the focus used to resolve "both countries") is found with
compiled lexicons over the raw text, so offsets always index ``Document.text``.
"""

from __future__ import annotations

import multiprocessing
import pickle
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from minewatch.extract.actors import ActorMention, Focus, actor_lexicon, unique_actors
from minewatch.extract.claim_model import RULES_ONLY, load_model
from minewatch.extract.merge import merge_claims
from minewatch.extract.modality import denied, modality_lexicon, modality_of, polarity_of
from minewatch.extract.nlp import shared_pipeline, split_sentences
from minewatch.extract.partycounts import party_count_claims
from minewatch.extract.rules import lexicon, phrase, words
from minewatch.extract.speakers import SpeakerIndex, find_speakers
from minewatch.extract.timebasis import with_time_basis
from minewatch.extract.triggers import Cue, cue_lexicon
from minewatch.extract.votes import with_vote_counts
from minewatch.model import (
    TREATY_PREDICATES,
    Actor,
    ActorKind,
    Claim,
    DateRange,
    Document,
    Evidence,
    Modality,
    Money,
    Polarity,
    Predicate,
    Range,
    Speaker,
)
from minewatch.text.dates import MONTH_NAMES_RE
from minewatch.text.language import is_english

try:  # values.py is written alongside; extraction still works (without values) if it is missing
    from minewatch.extract import values as _values
except ImportError:  # pragma: no cover
    _values = None  # type: ignore[assignment]

_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj", "agent", "poss")
_RELATIVE = frozenset(words("relative_pronouns"))
#: "members, including A and B", "powers like A", "allies such as A": the states a class noun lists
_LISTING_PREPS = frozenset(words("listing_preps"))
#: "buy them from countries that have not ratified": a class noun behind these names nobody in particular
_GENERIC_ANTECEDENT_PREPS = frozenset(words("generic_antecedent_preps"))
#: Units a quantity may carry for each predicate (None: a bare count).
_UNITS_FOR = {
    Predicate.BORDER: {"km"},
    # "1,003 landmine casualties" reads as a count of mines to a unit parser: the cue says people
    Predicate.CASUALTIES: {"people", None, "victims", "casualties", "civilians", "deaths", "children", "mines"},
    Predicate.CLEARANCE: {"km2", "m2", "hectares", "ha", "square kilometres", "square kilometers", "km²"},
}
_MINE_UNITS = {"mines", None, "landmines", "units", "pieces", "munitions", "mine"}
_MONEY_PREDICATES = {Predicate.PROCUREMENT, Predicate.PRODUCTION, Predicate.DESTRUCTION, Predicate.CLEARANCE,
                     Predicate.TRANSFER}
_FALLBACK_WEAPON = {"ap_mine": "mine", "at_mine": "mine", "mine": "mine", "cluster_munition": "cluster_munition"}

# Phrasings read by the mechanisms below; each is a row of rules/en/ with its reason and a tested example.
_EVENT_SPEECH = phrase("event_speech_verbs")
#: "the Biden administration approved", "ratified under Prime Minister X": the leader's name stands
#: for the government or the time, not for a person who acts
_LEADER_AS_GOVERNMENT = phrase("leader_as_government", re.IGNORECASE)
_LEADER_AS_ERA = phrase("leader_as_era", re.IGNORECASE)
#: "In 2015, the year that Oman joined the treaty, …": the date the clause after it names
_DATE_APPOSITION = phrase("date_apposition", re.IGNORECASE)
#: States, not events: a stock is held when it is reported ("In 2015 Oman reported 15,000 mines"),
#: so the date of the report dates the claim
_DATED_BY_REPORT = frozenset({Predicate.STOCKPILE})
_INTO_FORCE_FOR = phrase("into_force_for", re.IGNORECASE)
_MEMBERSHIP_CUE = phrase("membership_cue", re.IGNORECASE)
_NOT_A_MEMBER = phrase("not_a_member")
_LEAVING_VERB = phrase("leaving_verb", re.IGNORECASE)
_STRONG_WITHDRAWAL = phrase("strong_withdrawal_cue", re.IGNORECASE)
_HEADLINE_TO = phrase("headline_to", re.IGNORECASE)
_TITLE_TO_ACT = phrase("title_to_act", re.IGNORECASE)  # "Poland's exit to take effect in February"
_INSTEAD_OF = phrase("set_aside", re.IGNORECASE)  # "Rather than depositing an instrument of withdrawal, …"
_RESPECTIVELY = phrase("respectively", re.IGNORECASE)
_PARTY_CUE = phrase("party_cue", re.IGNORECASE)
_BECOMING_BEFORE = phrase("becoming_before", re.IGNORECASE)
_REMAIN_CUES = words("remain_cues")
_FOLLOWER_VERBS = frozenset(words("follower_verbs"))
_EFFECT_VERBS = frozenset(words("effect_verbs"))
_DATED_EFFECT_PREPS = frozenset(words("dated_effect_preps"))
_STATEMENT_PREPS = frozenset(words("statement_preps"))
_VENUE_PREPS = frozenset(words("venue_preps"))
_ACCUSATION_PREPS = frozenset(words("accusation_preps"))
_BACKGROUND_PREPS = frozenset(words("background_preps"))
_BACKGROUND_MARKS = frozenset(words("background_clause_marks"))
_AMBIGUOUS_MODALS = frozenset(words("ambiguous_modals"))
_HYPOTHETICAL_DETERMINERS = frozenset(words("hypothetical_determiners"))
_PAST_AUXILIARIES = frozenset(words("past_auxiliaries"))
_PAST_EXIT_VERBS = frozenset(words("past_exit_verbs"))
_MINE_EQUIPMENT = phrase("mine_equipment", re.IGNORECASE)  # "demining vehicles", "mine detectors"
_CONTAMINATION_STATES = frozenset(words("contamination_states"))
_MINEFIELD_PLACES = frozenset(words("minefield_places"))
_CONDITIONAL_MARKS = frozenset(words("conditional_marks"))
_BAN_INSTRUMENTS = frozenset(words("ban_instruments"))
_WEAPON_NOUNS = frozenset(words("weapon_nouns"))
_VERB_ONLY_USE_CUES = frozenset(words("verb_only_use_cues"))
_PUBLISHED_THINGS = frozenset(words("published_things"))
_CLEARANCE_ADJECTIVES = frozenset(words("clearance_adjectives"))
_SIGNING_CUES = words("signing_cues")
_RECIPIENTLESS_TRANSFER = words("recipientless_transfer_cues")
_NEGATED_EXIT_CUES = words("negated_exit_cues")
_BARE_NOTIFICATION_CUES = words("bare_notification_cues")


@dataclass
class _Prepared:
    doc: Document
    sentences: list[tuple[int, int]] = field(default_factory=list)
    screened: list[int] = field(default_factory=list)
    mentions: list[ActorMention] = field(default_factory=list)
    treaties: list[Cue] = field(default_factory=list)
    generic: list[Cue] = field(default_factory=list)
    weapons: list[Cue] = field(default_factory=list)
    speakers: SpeakerIndex = field(default_factory=SpeakerIndex)
    parsed: dict[int, Any] = field(default_factory=dict)
    error: Exception | None = None
    english: bool = True
    datelines: list[tuple[int, int]] = field(default_factory=list)


def _within(items: list, s: int, e: int) -> list:
    return [x for x in items if x.start >= s and x.end <= e]


class Extractor:
    """Claim extraction over documents; the spaCy pipeline is loaded once per extractor."""

    def __init__(self, nlp: Any = None, screen: bool = True, model: Any = "shipped") -> None:
        self._nlp = nlp
        self.screen = screen
        #: the trained claim model that decides over the rules' candidates (None: the rules alone)
        self.model = load_model() if model == "shipped" else model
        self.lex = cue_lexicon()
        self.actors = actor_lexicon()
        raw = lexicon()
        self.non_actor_preps = frozenset(raw["non_actor_preps"])
        self.subject_excluding_preps = frozenset(raw["subject_excluding_preps"])
        self.kept_subject_verbs = frozenset(raw["nominal_subject_verbs_kept"])
        self.kept_attributes = frozenset(raw["nominal_subject_attributes_kept"])
        self.counterpart_preps = {k: frozenset(v) for k, v in raw["counterpart_preps"].items()}
        self.global_re = re.compile(r"\b(?:" + "|".join(raw["global_words"]) + r")\b", re.IGNORECASE)
        self.place_preps = frozenset(raw["casualty_place_preps"])
        self.means_preps = frozenset(raw["means_clause_preps"])
        self.intrinsic_weapons: dict[str, str] = raw["intrinsic_weapon_cues"]
        self.inverse_transfer = tuple(raw["transfer_inverse_cues"])
        self.presupposing_marks = frozenset(raw["presupposing_marks"])
        self.presupposing_preps = frozenset(raw["presupposing_preps"])
        self.co_actor = re.compile(raw["co_actor_pattern"], re.IGNORECASE)
        self._speaker_state: str | None = None
        self._sentence_text = ""
        self._reused_nominal = False
        self._spdoc: Any = None
        self.fallback_weapon_cues = tuple(raw["fallback_weapon_cues"])
        self.process_nouns = frozenset(raw["process_nouns"])
        self.approval_objects = frozenset(raw["approval_objects"]) | self.process_nouns
        self.bodies = frozenset(b.lower() for b in raw["state_bodies"]) | self.process_nouns
        self.phrasal_verbs = frozenset(raw["phrasal_withdrawal_verbs"])
        self.withdrawal_anaphor = re.compile(raw["withdrawal_anaphor"], re.IGNORECASE)
        # verbs that only report ("said on Thursday"); "announced in March" may be the event itself
        self.speech_verbs = frozenset(v for v in raw["speech_verbs"] if " " not in v and not _EVENT_SPEECH.match(v))
        self.acting_bodies = frozenset(raw["acting_bodies"])
        self.weapon_anaphor_re = re.compile(r"\b(?:" + "|".join(raw["weapon_anaphors"]) + r")\b", re.IGNORECASE)
        adjectives = "|".join(sorted(map(re.escape, self.actors.adjectives), key=len, reverse=True))
        self._place_adjective = re.compile(
            r"\b(?:" + "|".join(raw["counterpart_preps"]["use"] + raw["use_place_preps"]) + r")\s+(?:the\s+)?("
            + adjectives + r")\s+(?:" + "|".join(raw["place_nouns"]) + r")\b")
        self.accusation = re.compile(r"(?:" + "|".join(raw["accusation_verbs"]) + r")\Z", re.IGNORECASE)

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = shared_pipeline()
        return self._nlp

    # -- public API -------------------------------------------------------------------------

    def extract(self, doc: Document) -> list[Claim]:
        for _, result in self.extract_many([doc]):
            if isinstance(result, Exception):
                raise result
            return result
        return []

    def extract_many(self, docs: Iterable[Document], n_process: int = 1,
                     batch_size: int = 32) -> Iterator[tuple[Document, list[Claim] | Exception]]:
        """Stream documents through one ``nlp.pipe``; a failing document yields its exception.

        With ``n_process > 1`` documents are spread over forked workers that share the
        already-loaded pipeline: only screened sentences are parsed, so shipping many small
        sentences to spaCy's own worker processes would cost more than it saves."""
        if n_process > 1 and "fork" in multiprocessing.get_all_start_methods():
            yield from self._extract_forked(docs, n_process, batch_size)
            return
        pending: deque[_Prepared] = deque()

        def sentences() -> Iterator[tuple[str, tuple[int, int]]]:
            for n, doc in enumerate(docs):
                prep = self.prepare(doc)
                pending.append(prep)
                for si in prep.screened:
                    s, e = prep.sentences[si]
                    yield _headline_case(prep.doc.text[s:e], s, prep.mentions), (n, si)

        done = 0
        for spdoc, (n, si) in self.nlp.pipe(sentences(), as_tuples=True, batch_size=batch_size,
                                             n_process=n_process):
            while done < n:
                yield self._finish(pending.popleft())
                done += 1
            pending[0].parsed[si] = spdoc
        while pending:
            yield self._finish(pending.popleft())

    def _extract_forked(self, docs: Iterable[Document], n_process: int,
                        batch_size: int) -> Iterator[tuple[Document, list[Claim] | Exception]]:
        global _WORKER
        self.nlp  # noqa: B018 - load once, before forking, so workers share it
        _WORKER = self
        originals: deque[Document] = deque()

        def feed() -> Iterator[Document]:
            for doc in docs:
                originals.append(doc)
                yield doc

        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(n_process) as pool:
            for result in pool.imap(_work, feed(), chunksize=max(1, batch_size // 4)):
                yield originals.popleft(), result

    # -- stages -----------------------------------------------------------------------------

    def prepare(self, doc: Document) -> _Prepared:
        """Everything regex-cheap: sentences, mentions, the screen."""
        prep = _Prepared(doc=doc)
        try:
            if not is_english(doc.language):
                prep.english = False
                return prep
            text = doc.text or ""
            prep.sentences = split_sentences(text)
            prep.treaties = self.lex.treaty_mentions(text)
            # "Ottawa" in "Ottawa Convention" is no capital
            prep.mentions = [m for m in self.actors.find(text)
                             if not any(m.start < t.end and t.start < m.end for t in prep.treaties)]
            # "VILNIUS, March 7 —", "(Kyiv, January 31, 2023) –": where and when it was filed
            prep.datelines = [d for d in (_dateline(text, s, e) for s, e in prep.sentences) if d]
            prep.mentions = [m for m in prep.mentions if not any(a <= m.start < b for a, b in prep.datelines)]
            prep.generic = self.lex.generic_treaty_mentions(text)
            org_spans = [Cue(m.start, m.end, m.kind, m.text) for m in prep.mentions
                         if m.kind in (ActorKind.ORGANIZATION, ActorKind.ARMED_GROUP)]
            prep.weapons = self.lex.weapon_mentions(text, exclude=prep.treaties + org_spans)
            prep.speakers = find_speakers(text, prep.sentences)
            for si, (s, e) in enumerate(prep.sentences):
                if self._worth_parsing(prep, s, e):
                    prep.screened.append(si)
        except Exception as exc:  # noqa: BLE001 - reported per document
            prep.error = exc
            prep.screened = []
        return prep

    def _worth_parsing(self, prep: _Prepared, s: int, e: int) -> bool:
        if e - s > 2000:  # a run-on block (a menu, a table) is no sentence
            return False
        if not self.screen:
            return True
        sent = prep.doc.text[s:e]
        if not self.lex.worth_parsing(sent):
            return False
        # "The withdrawal will take effect in January" names nothing, yet continues the story
        return bool(_within(prep.weapons, s, e) or _within(prep.treaties, s, e)
                    or _within(prep.generic, s, e) or _within(prep.mentions, s, e)
                    or ((prep.treaties or prep.weapons) and self.lex.screen_always.search(sent)))

    def _finish(self, prep: _Prepared) -> tuple[Document, list[Claim] | Exception]:
        if prep.error is not None:
            return prep.doc, prep.error
        if not prep.english:
            return prep.doc, []
        try:
            claims = self.assemble(prep)
            if self.model is not None:
                claims = self.model.decide(self, prep, claims)
            else:
                claims = [replace(c, extractor=RULES_ONLY) for c in claims]
            return prep.doc, claims + self.treaty_statements(prep)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop a batch
            return prep.doc, exc

    def assemble(self, prep: _Prepared) -> list[Claim]:
        focus = Focus()
        state = {"treaty": None, "weapon": None, "weapon_at": -99, "withdrawal": False}
        claims: list[Claim] = []
        last_tally: list[Claim] = []
        for si, (s, e) in enumerate(prep.sentences):
            treaties = _within(prep.treaties, s, e)
            subjects: list[Actor] = []
            if not state["treaty"] and not prep.treaties and _within(prep.generic, s, e):
                # "the treaty" in an article that never names one: the ban on the weapons it is about
                kinds = {c.label for c in prep.weapons}
                if kinds and kinds <= {"ap_mine", "mine", "at_mine"}:
                    state["treaty"] = "APMBC"
                elif kinds == {"cluster_munition"}:
                    state["treaty"] = "CCM"
            found = []
            self._spdoc = prep.parsed.get(si)
            if si in prep.parsed:
                found, subjects = self._sentence_claims(prep, si, s, e, prep.parsed[si], focus, state)
                found = found + self._gapped(prep, s, e, found)
                claims.extend(found)
            if last_tally and not any(c.predicate == Predicate.CASUALTIES for c in found):
                more = _tally_continued(prep, s, e, last_tally)
                claims.extend(more)
                found = found + more
            last_tally = [c for c in found if c.predicate == Predicate.CASUALTIES]
            if si in prep.parsed:
                state["withdrawal"] = state["withdrawal"] or any(
                    c.predicate == Predicate.TREATY_WITHDRAWAL for c in found)
            if treaties:
                state["treaty"] = treaties[-1].label
            weapons = _within(prep.weapons, s, e)
            if weapons:
                state["weapon"] = weapons[-1].label
                state["weapon_at"] = si
            elif si in prep.parsed and any(c.weapon for c in claims[-8:] if c.evidence[0].start == s):
                state["weapon"] = next(c.weapon for c in reversed(claims) if c.weapon)  # "demining"
                state["weapon_at"] = si
            if not subjects:
                subjects = self._plain_subjects(prep, s, e)
            focus.push(subjects)
        merged = merge_claims(with_vote_counts(with_time_basis(claims, prep.doc.text), prep.doc.text, prep.sentences))
        return _speakers_shared(merged)

    def treaty_statements(self, prep: _Prepared) -> list[Claim]:
        """What an article says of the treaty as a whole ("163 countries have joined"), checked against
        the record by the conflicts.  Not the claim model's to judge (no gold annotates them, so it
        never learned them): a fixed pattern keeps its own confidence and says it was the rules."""
        found = party_count_claims(prep.doc, prep.sentences, prep.treaties)
        return [replace(c, extractor=RULES_ONLY) for c in merge_claims(with_time_basis(found, prep.doc.text))]

    def _gapped(self, prep: _Prepared, s: int, e: int, found: list[Claim]) -> list[Claim]:
        """A gapped remnant repeats the dated act for its own actor and date: "A notified the UN on
        27 June, B on 10 July and C on 20 August"; "A's exit took effect in May and B's in June"."""
        dated = [c for c in found if c.time is not None and c.time.text and c.evidence and c.evidence[0].start == s]
        if not dated:
            return []
        text = prep.doc.text
        sent = text[s:e]
        dates = _safe_dates(sent, prep.doc.published)
        taken = {c.actor.key for c in found}
        out: list[Claim] = []
        for m in _within(prep.mentions, s, e):
            if not m.is_state or len(m.actors) != 1 or m.actors[0].key in taken:
                continue
            ms, me = m.start - s, m.end - s
            if not _GAP_BEFORE.search(sent, 0, ms):
                continue
            d = next((d for d in dates if d.start >= me), None)
            if d is None or not _GAP_BETWEEN.fullmatch(sent, me, d.start) \
                    or not _GAP_AFTER.match(sent, d.end):
                continue
            # the template: the claims dated by the nearest date before the remnant, itself after their actor
            before = [x for x in dates if x.end <= ms]
            if not before:
                continue
            last = before[-1].text
            templates = [c for c in dated + out if c.time.text == last]
            seen = set()
            for c in templates:
                ident = c.identity[1:]
                if ident in seen:
                    continue
                seen.add(ident)
                out.append(replace(c, actor=m.actors[0], time=d.to_date_range(),
                                   speaker=None))
            taken.add(m.actors[0].key)
        return out

    def _plain_subjects(self, prep: _Prepared, s: int, e: int) -> list[Actor]:
        """States of a sentence not introduced by a preposition ("with Russia", "to Ukraine")."""
        text = prep.doc.text
        out: list[Actor] = []
        for m in _within(prep.mentions, s, e):
            if not m.is_state or m.kind == "place":
                continue
            before = text[max(s, m.start - 12):m.start].lower().split()
            if before and before[-1] in ("the",) and len(before) > 1:
                before = before[:-1]
            if before and before[-1] in self.non_actor_preps:
                continue
            if m.kind == "capital" and self._spdoc is not None and self._city_location(_shift(m, -s), self._spdoc):
                continue  # "at the signing conference in Ottawa": a venue, never an antecedent
            if _BORDERED.search(text, max(s, m.start - 80), m.start):
                continue  # "members bordering Russia and Belarus": a location, never an antecedent
            out.extend(m.actors)
        if len(out) > 1 and self._spdoc is not None:
            # "Lithuania, which borders Belarus and Russia, has gone further": the main clause's
            # subject is the antecedent, not every state the sentence names
            subj = [c for t in self._spdoc if t.dep_ == "ROOT" for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
            named = [m for m in _within(prep.mentions, s, e) if m.is_state and m.kind != "place"
                     and any(m.start - s <= c.idx < m.end - s for c in subj)]
            if named:
                return unique_actors(a for m in named for a in m.actors)
        return unique_actors(out)

    # -- one sentence -----------------------------------------------------------------------

    def _sentence_claims(self, prep: _Prepared, si: int, s: int, e: int, spdoc: Any, focus: Focus,
                         state: dict) -> tuple[list[Claim], list[Actor]]:
        text = prep.doc.text
        sent = text[s:e]
        mentions = [_shift(m, -s) for m in _within(prep.mentions, s, e)]
        # places locate, never act; nor does what a verb "border" takes ("members that border Russia")
        actor_mentions = [m for m in mentions if m.kind != "place" and not _BORDERED.search(sent, 0, m.start)]
        treaties = [_shift(c, -s) for c in _within(prep.treaties, s, e)]
        generic = [_shift(c, -s) for c in _within(prep.generic, s, e)]
        weapons = [_shift(c, -s) for c in _within(prep.weapons, s, e)]
        tok_at = _token_index(spdoc)
        values = _safe_values(sent)
        dates = [d for d in _safe_dates(sent, prep.doc.published)
                 if not any(a <= d.start + s < b for a, b in prep.datelines)
                 and not _names_a_treaty(d, sent, treaties + generic)]
        speaker = prep.speakers.get(si)
        self._speaker_state = prep.speakers.state_near(si)
        self._sentence_text = sent
        self._spdoc = spdoc
        evidence = Evidence(s, e, text[s:e])
        blocked = treaties + [Cue(m.start, m.end, m.kind, m.text) for m in mentions if m.kind != "anaphor"]
        claims: list[Claim] = []
        subjects: list[Actor] = []
        acts: list[tuple[Any, list[Claim]]] = []  # a joining or withdrawal verb and its claims
        n_before = 0
        cues = self._cues(sent)
        headline = _is_headline(sent)
        has_withdrawal_cue = any(c.label == Predicate.TREATY_WITHDRAWAL for c in cues)
        for cue in cues:
            if any(cue.start < b.end and b.start < cue.end for b in blocked):
                continue
            tok = tok_at(cue.start)
            if tok is None:
                continue
            pred = cue.label
            anaphoric = pred == Predicate.TREATY_WITHDRAWAL and self._anaphor_cue(sent, cue)
            if anaphoric:
                # "similar votes in Estonia and Latvia", "such a decision was made by Latvia": the
                # withdrawal told just before, now by others; only once one has been reported
                # (or earlier in this sentence: "signed a decree to leave, and parliament endorsed the decision")
                told = state["withdrawal"] or any(c.predicate == Predicate.TREATY_WITHDRAWAL for c in claims)
                if not told or not (state["treaty"] or any(c.treaty for c in claims)):
                    continue
                tok = tok_at(cue.end - 1) or tok
            if pred in self.lex.weapon_predicates and _under_ban(tok, self.lex.ban_words):
                continue
            if pred in TREATY_PREDICATES and not anaphoric \
                    and self._presupposed(tok) and not (pred == Predicate.TREATY_JOINING and _past_background(tok)):
                continue  # "as soon as the withdrawal process is completed": a condition, not a report
            if tok.dep_ in ("aux", "auxpass"):
                continue  # "has used": the auxiliary is no "has (mines)"
            if pred == Predicate.TREATY_WITHDRAWAL and cue.text.lower() in self.phrasal_verbs \
                    and not any(c.lower_ == "out" for c in tok.children):
                continue  # "take the country out of": only with its particle, as the parser attaches it
            if tok.dep_ == "pcomp" and tok.head.lower_ in self.means_preps \
                    and not (pred == Predicate.TREATY_JOINING and _past_background(tok)):
                continue  # "By leaving the treaty, X will …", "After withdrawing, countries may …"
            if tok.dep_ == "relcl" and any(c.dep_ == "det" and c.lower_ in _HYPOTHETICAL_DETERMINERS for c in tok.head.children):
                continue  # "would use any mines it obtained": a hypothetical, not a report
            if pred == Predicate.PROCUREMENT and weapons and _weapons_only_in_relatives(tok, weapons):
                continue  # "spend 10 billion on fortifications that will include minefields": not on mines
            if _past_obligation(tok):
                continue  # "mines that it was obliged to destroy years ago": a duty, neither done nor planned
            if pred == Predicate.PRODUCTION and tok.dep_ == "pobj" and tok.lower_.endswith(("er", "ers")):
                continue  # "ordered mines from a manufacturer": the maker is someone else
            if pred == Predicate.CLEARANCE and any(
                    c.dep_ in ("dobj", "nsubjpass") and c.lower_ in self.approval_objects for c in tok.children):
                continue  # "Washington clears mine deliveries", "the exit was cleared by parliament": approval
            if pred == Predicate.CLEARANCE and (
                    tok.tag_ == "JJ" and tok.lower_ in _CLEARANCE_ADJECTIVES and self._adjective_sense(tok)
                    or any(c.dep_ in ("dobj", "nsubjpass") and c.lower_ in _PUBLISHED_THINGS for c in tok.children)
                    or tok.dep_ == "acl" and tok.head.lower_ in _PUBLISHED_THINGS):
                continue  # "our responsibilities are clear", "released a report": no clearing
            if pred == Predicate.USE and cue.text.lower() in _VERB_ONLY_USE_CUES and tok.tag_.startswith("NN"):
                continue  # "an explosion at the plant": a factory, not planting
            if pred == Predicate.USE and _contamination(tok, cue.text.lower().startswith(tuple(self.intrinsic_weapons))):
                continue  # "one of the most mined countries", "remain mined": contamination, not a report of use
            if pred not in (Predicate.CLEARANCE, Predicate.CASUALTIES) and pred in self.lex.weapon_predicates \
                    and self._agent_untold(tok):
                continue  # "ordnance planted during the civil war", "efforts guarantee the mines will never be used"
            if pred in self.lex.weapon_predicates and _conditional(tok):
                continue  # "if Lithuania were to use mines, …": a hypothesis, not a report
            if pred not in (Predicate.CLEARANCE, Predicate.CASUALTIES) and _on_equipment(cue, sent, weapons):
                continue  # "receives 22 demining vehicles", "minefield maps": equipment, not the weapon
            treaty = None
            stages: list[str | None] = [None]
            weapon_list: list[str | None] = [None]
            self._reused_nominal = False
            if pred in TREATY_PREDICATES:
                treaty = self._treaty_for(cue, treaties, generic, state, pred, sent, tok)
                if treaty is None:
                    continue
                if pred == Predicate.TREATY_JOINING and cue.text.lower().startswith(_SIGNING_CUES) and has_withdrawal_cue:
                    continue
                if pred == Predicate.TREATY_JOINING and _WILL_REMAIN.search(sent, 0, cue.start):
                    continue  # "would remain a party to the treaty": a stay, told by the withdrawal cue
                if pred == Predicate.TREATY_JOINING and _NO_LONGER.search(sent, 0, cue.start):
                    continue  # "are no longer parties to the treaty": the exit, told by the withdrawal cue
                if pred == Predicate.TREATY_JOINING and _becoming_party(cue, cues, sent):
                    continue  # "ratified the treaty, becoming the 165th state party": the ratification's result
            elif pred == Predicate.STOCKPILE and _object_of_other_cue(tok, cues, pred):
                continue  # "has not destroyed its stockpile": the stock is what the destruction is about
            elif pred == Predicate.BORDER:
                # "a 1,340-km border", "a border of 274 kilometres": the length of this border
                if not any(v.unit == "km" and _measures_border(sent, v, cue) for v in values):
                    continue
            else:
                weapon_list = self._weapons_for(
                    weapons if pred in (Predicate.CLEARANCE, Predicate.CASUALTIES) else _not_equipment(weapons, sent),
                    si, state, pred, cue.text, tok)
                if not weapon_list:
                    continue
            if pred != Predicate.BORDER and _describes_not_asserts(tok, self.kept_subject_verbs, self.kept_attributes):
                # a border was kept only when its length is measured ("the border … is 400 km long")
                continue
            if pred == Predicate.TREATY_WITHDRAWAL and not dates and not any(
                    m.is_state or m.kind == "anaphor" for m in actor_mentions) and _rule_statement(tok):
                continue  # "The withdrawal takes effect six months after the instrument is received": the rule
            actors, chain, top = self._actors_for(tok, actor_mentions, focus, spdoc, pred)
            if anaphoric:
                own = self._own_modifiers(tok, actor_mentions, spdoc)
                if own:
                    actors = own
            if pred == Predicate.TREATY_JOINING and _INTO_FORCE_FOR.search(cue.text):
                # "the convention will enter into force for the country on …": the state after "for"
                after = [m for m in mentions if 0 <= m.start - cue.end <= 5]
                if after:
                    named = list(after[0].actors) if after[0].kind != "anaphor" else list(self._resolve(after[0], focus))
                    actors = [a for a in named if a.kind == ActorKind.STATE] or actors
            if pred in TREATY_PREDICATES:
                actors = [a for a in actors if a.kind == ActorKind.STATE]  # only states are parties
            actors = [a for a in actors if a.name not in self.actors.observers
                      and (a.name not in self.actors.deminers or pred == Predicate.CLEARANCE)]
            if pred == Predicate.CASUALTIES:
                if not any(v.kind == "quantity" and v.unit in _UNITS_FOR[Predicate.CASUALTIES] for v in values):
                    continue  # "mines kill and maim": a general statement, not a count
                states = [a for a in actors if a.kind == ActorKind.STATE]
                actors = states or self._casualty_place(mentions, sent, spdoc, tok_at)
            if not actors:
                continue
            actors = unique_actors([*actors, *self._co_actors(actor_mentions, sent, actors)])
            if top is not None and not _is_verb(top):
                # "Its withdrawal will take effect": the verb above the noun carries the modality
                chain, top = _up_to_verb(chain, top)
            counterpart = self._counterpart(pred, mentions, actors, tok_at, spdoc, cue)
            if pred == Predicate.TRANSFER and cue.text.lower().startswith(self.inverse_transfer):
                # "Ukraine received mines from the US": the supplier is the actor
                source = self._source(mentions, actors, tok_at)
                if source is None or len(actors) != 1:
                    continue
                actors, counterpart = [source], actors[0]
            if pred == Predicate.TRANSFER and counterpart is None and not cue.text.lower().startswith(_RECIPIENTLESS_TRANSFER):
                continue  # "security of supply", "to supply themselves": no transfer between actors
            clause = _span_text(top) if top is not None else sent
            modality = modality_of(_with_governor(chain, top), clause)
            polarity, override = polarity_of(chain, clause, sent)
            if polarity == Polarity.AFFIRMED and denied(top if top is not None else tok):
                polarity = Polarity.NEGATED  # "rejected claims that it had laid mines"
            if override:
                modality = override
            if polarity == Polarity.NEGATED and modality == Modality.PLANNED and _KEPT_OPTION.search(sent, cue.end):
                # "has no plans to lay mines, but needs the option of doing so": an option weighed
                polarity, modality = Polarity.AFFIRMED, Modality.CONSIDERED
            if pred == Predicate.TREATY_JOINING and polarity == Polarity.NEGATED and _background_negation(tok, clause):
                continue  # "had not ratified it until now", "the last signatory that had not yet ratified"
            if pred == Predicate.TREATY_WITHDRAWAL and cue.text.lower().startswith(_REMAIN_CUES):
                # "Oslo would remain a party": it will not leave (and "will not remain" is leaving)
                polarity = Polarity.AFFIRMED if polarity == Polarity.NEGATED else Polarity.NEGATED
            if pred == Predicate.TREATY_WITHDRAWAL and cue.text.lower().startswith(_NEGATED_EXIT_CUES):
                polarity = Polarity.AFFIRMED  # "will no longer be bound by the treaty": its negation is the exit
            if headline:
                # the parser reads a title-case headline as nouns: its words before the cue qualify it
                modality = _headline_modality(sent[:cue.start], modality)
            if modality == Modality.ACTUAL and sent.rstrip()[-1:] not in ".!?\"”" and _TITLE_TO_ACT.match(sent, cue.end):
                modality = Modality.PLANNED  # a title's "Poland's exit to take effect in February"
            if polarity == Polarity.AFFIRMED and _INSTEAD_OF.search(sent, 0, cue.start):
                polarity = Polarity.NEGATED  # "Rather than depositing an instrument of withdrawal, Kyiv …"
            if pred == Predicate.TREATY_WITHDRAWAL:
                stage, marker = self._withdrawal_stage(cue, sent, tok, modality, top, chain)
                if self._reused_nominal and marker is None:
                    continue  # "which would put its exit at the end of the year": no act of its own
                stages = [stage]
                if marker is not None and marker in chain:
                    # "notified … of their intention to withdraw": the notification happened
                    modality = override or modality_of(chain[chain.index(marker):], clause)
                elif marker is not None and top is not None and marker == top.head:
                    # "signed a decree to pull the country out": the decree was signed
                    modality = override or (Modality.ACTUAL if marker.tag_ == "VBD" and not any(
                        c.dep_ == "aux" for c in marker.children) else modality)
            elif pred == Predicate.TREATY_JOINING:
                stages = [self.lex.joining_stage(cue.text, sent)]
                if polarity == Polarity.AFFIRMED and _STATUS_CUE.match(cue.text) and _copular_status(tok):
                    # "is still a party to", "remains bound by": a status, not the act ("is not a
                    # party" keeps its stage: it denies that the state ever joined)
                    stages = ["in_force"]
            quantity, money = self._values_for(pred, values, cue)
            # "President X signed a decree": his decision; "President X signed the law": parliament's act
            claim_speaker = speaker or (_acting_leader(mentions, actors, sent) if stages != ["approved"] else None)
            event_dates = [d for d in dates if pred in _DATED_BY_REPORT or not self._of_saying(d, spdoc, chain)]
            when = _nearest_date(_in_clause(event_dates, tok) or event_dates, cue)
            apposed = _apposed_date(dates, sent, cue)
            if apposed is not None:
                when = apposed
            elif pred == Predicate.TREATY_JOINING and _past_background(tok):
                when = None  # "in 2015, three years after joining": the date is the main event's
            if modality == Modality.ACTUAL and _after_publication(when, prep.doc.published) \
                    and not any(t.tag_ in ("VBD", "VBN") for t in _own_clause(chain)):
                modality = Modality.PLANNED  # "takes effect on <a date after publication>": scheduled
            respective = _respectively(actors, dates, sent)
            listed = _listed_counts(mentions, sent, values) if pred == Predicate.CASUALTIES else {}
            for actor in actors + [a for a in (m.actors[0] for m in mentions if m.start in listed)
                                   if a.key not in {x.key for x in actors}]:
                if counterpart is not None and actor.key == counterpart.key:
                    continue
                for weapon in weapon_list:
                    for stage in stages:
                        claims.append(Claim(
                            document_id=prep.doc.id, actor=actor, predicate=str(pred), stage=stage,
                            treaty=treaty, weapon=weapon, counterpart=counterpart, modality=str(modality),
                            polarity=str(polarity), money=money, time=respective.get(actor.key, when),
                            quantity=_count_for(actor, mentions, listed) or quantity,
                            speaker=claim_speaker, evidence=[evidence],
                            confidence=0.7 if top is not None else 0.5))
            subjects.extend(a for a in actors if a.kind == ActorKind.STATE)
            if top is not None and pred in TREATY_PREDICATES:
                acts.append((top, [c for c in claims[n_before:]]))
            n_before = len(claims)
        for verb, told in acts:
            for follower, when in self._followers(verb, actor_mentions, dates, spdoc):
                if any(c.actor.key == follower.key for c in told):
                    continue
                for c in told:
                    claims.append(Claim(**{**c.__dict__, "actor": follower, "time": when, "speaker": None,
                                           "quantity": None, "money": None}))
                subjects.append(follower)
        return claims, unique_actors(subjects)

    def _followers(self, verb: Any, mentions: list[ActorMention], dates: list, spdoc: Any) -> list[tuple[Actor, Any]]:
        """"A and B notified the UN on 27 June, and C followed on 10 July": C did the same, on its date."""
        out = []
        for conj in verb.children:
            if conj.dep_ != "conj" or conj.lower_ not in _FOLLOWER_VERBS \
                    or any(c.dep_ == "dobj" and c.lower_ != "suit" for c in conj.children):
                continue
            subj = [c for c in conj.children if c.dep_ == "nsubj"]
            if not subj:
                continue
            lo, hi = subj[0].left_edge.idx, subj[0].right_edge.idx + len(subj[0].right_edge)
            named = [a for m in mentions if lo <= m.start < hi and m.is_state and m.kind != "anaphor" for a in m.actors]
            clo, chi = conj.left_edge.idx, conj.right_edge.idx + len(conj.right_edge)
            own = [d.to_date_range() for d in dates if clo <= d.start < chi]
            out.extend((a, own[0] if own else None) for a in unique_actors(named))
        return out

    def _co_actors(self, mentions: list[ActorMention], sent: str, actors: list[Actor]) -> list[Actor]:
        """"Lithuania plans, jointly with Finland, to produce …": Finland acts too."""
        if not any(a.kind == ActorKind.STATE for a in actors):
            return []
        out: list[Actor] = []
        for m in mentions:
            if m.is_state and self.co_actor.search(sent, max(0, m.start - 40), m.start):
                out.extend(m.actors)
        return out

    def _presupposed(self, tok: Any) -> bool:
        """Conditions and backgrounds ("after its withdrawal", "once it withdraws") presuppose
        the event; the sentence reports something else."""
        if tok.dep_ == "pobj" and tok.head.lower_ in self.presupposing_preps:
            return True
        cur = tok
        for _ in range(6):
            if cur.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in self.presupposing_marks
                                           for c in cur.children):
                # "once its withdrawal takes effect in February 2026": a dated effect is told, not assumed
                return not (cur.lower_ in _EFFECT_VERBS and any(
                    c.dep_ == "prep" and c.lower_ in _DATED_EFFECT_PREPS and _DATED.search(_span_text(c))
                    for c in cur.children))
            if cur.head == cur or _is_verb(cur) and cur.dep_ not in ("advcl", "auxpass", "aux"):
                return False
            cur = cur.head
        return False

    def _cues(self, sent: str) -> list[Cue]:
        """The sentence's predicate cues; a bare "notified the UN" stands for a withdrawal told
        before only when the sentence names none of its own ("notified the UN that they are leaving")."""
        cues = self.lex.predicate_cues(sent)
        bare = [c for c in cues if c.label == Predicate.TREATY_WITHDRAWAL and c.text.lower().startswith(_BARE_NOTIFICATION_CUES)
                and self._anaphor_cue(sent, c)]
        if bare and any(c.label == Predicate.TREATY_WITHDRAWAL and c not in bare for c in cues):
            cues = [c for c in cues if c not in bare]
        return cues

    def _anaphor_cue(self, sent: str, cue: Cue) -> bool:
        """The cue is a noun standing for a withdrawal told before ("such a step", "passed the
        necessary laws", "the move was recommended"); its lookarounds see the words around it."""
        m = self.withdrawal_anaphor.match(sent, cue.start)
        return m is not None and m.end() == cue.end

    def _treaty_for(self, cue: Cue, treaties: list[Cue], generic: list[Cue], state: dict, pred: str,
                    sentence: str, tok: Any) -> str | None:
        """The treaty a withdrawal or joining cue is about: named close after the cue
        ("withdraw from the Ottawa Convention", "party to the CCM") or just before it
        ("the Ottawa Convention withdrawal"); "the treaty" refers to the last one named."""
        if _MEMBERSHIP_CUE.match(cue.text):
            # "a member of the CCM"; elliptic "Russia, which is not a member, …" is the treaty in play
            named = [t for t in treaties + generic if 0 <= t.start - cue.end <= 8]
            if named:
                return named[0].label if named[0].label != "generic" else state["treaty"]
            if not re.match(r"\s*of\b", sentence[cue.end:]) and _NOT_A_MEMBER.search(sentence[:cue.end]):
                return state["treaty"] or (treaties[-1].label if treaties else None)
            return None
        near = [t for t in treaties if 0 <= t.start - cue.end <= 90 or 0 <= cue.start - t.end <= 40]
        if near:
            return min(near, key=lambda t: abs(t.start - cue.start)).label
        near_generic = [t for t in generic if 0 <= t.start - cue.end <= 60 or 0 <= cue.start - t.end <= 20]
        known = next((k for k in (_described_treaty(sentence, g) for g in near_generic) if k), None)
        if known:
            # "the 1997 convention", "the treaty that outlaws cluster bombs": the description names it
            state["treaty"] = known
            return known
        if near_generic and state["treaty"]:
            return state["treaty"]
        if _PRONOUN_OBJECT.match(sentence, cue.end) and (treaties or generic) and (treaties or state["treaty"]):
            # "signed the Convention in 1997 but ratified it in 2012"
            return min(treaties, key=lambda t: abs(t.start - cue.start)).label if treaties else state["treaty"]
        if pred == Predicate.TREATY_WITHDRAWAL and state["treaty"] and _is_verb(tok) \
                and _PRONOUN_END.match(sentence, cue.end):
            # "recommended that their countries leave it.": the treaty the story is about
            return state["treaty"]
        if pred == Predicate.TREATY_WITHDRAWAL and state["treaty"] and state["withdrawal"] and _is_verb(tok) \
                and _LEAVING_VERB.match(cue.text) and not treaties and not any(
                    c.dep_ in ("dobj", "dative", "prt") or c.dep_ == "prep" and not _DATED_OR_YEAR.search(_span_text(c))
                    or c.dep_ == "nsubj" and c.tag_ not in ("NNP", "NNPS") and c.lower_ not in ("it", "they")
                    for c in tok.children):
            # "Finland announced its own plan to leave on 1 April": an intransitive leaving in a
            # withdrawal story is from the treaty it is about
            return state["treaty"]
        if pred == Predicate.TREATY_JOINING and treaties and _is_verb(tok) and not any(
                c.dep_ in ("dobj", "prep", "dative") for c in tok.children):
            # "… the Ottawa Convention, though neither the US nor China have joined"
            return min(treaties, key=lambda t: abs(t.start - cue.start)).label
        strong = pred == Predicate.TREATY_WITHDRAWAL and _STRONG_WITHDRAWAL.match(cue.text) \
            or pred == Predicate.TREATY_WITHDRAWAL and self._anaphor_cue(sentence, cue)
        if pred == Predicate.TREATY_WITHDRAWAL and not strong and state["withdrawal"] and tok.tag_.startswith("NN") \
                and any(c.dep_ in ("det", "poss") for c in tok.children):
            # "the parliament backed the exit", "its departure": the withdrawal already reported
            strong = self._reused_nominal = True
        if treaties and strong:
            return min(treaties, key=lambda t: abs(t.start - cue.start)).label
        if strong and state["treaty"]:
            return state["treaty"]
        return None

    def _weapons_for(self, weapons: list[Cue], si: int, state: dict, pred: str,
                     cue_text: str, tok: Any = None) -> list[str | None]:
        kinds = list(dict.fromkeys(w.label for w in weapons))
        specific = [k for k in kinds if k != "mine"]
        if specific:
            return list(specific)
        if kinds:
            return kinds
        for prefix, weapon in self.intrinsic_weapons.items():
            if cue_text.lower().startswith(prefix):
                return [weapon]  # "demining", "minefields": the cue names the weapon
        if state["weapon"] and si - state["weapon_at"] <= 1 and tok is not None and self._weapon_anaphor(tok):
            return [state["weapon"]]  # "could buy them from allies", "does not hold any such weapons"
        # "could ramp up manufacturing", "cleared 30 km2": in an article about mines, of mines
        if state["weapon"] and si - state["weapon_at"] <= 3 and (
                pred == Predicate.CASUALTIES or pred in (Predicate.PRODUCTION, Predicate.CLEARANCE)
                and cue_text.lower().startswith(self.fallback_weapon_cues)):
            return [_FALLBACK_WEAPON[state["weapon"]]]
        return []

    def _adjective_sense(self, tok: Any) -> bool:
        """"Our responsibilities are clear", "a very clear position": the adjective, not the verb
        the parser sometimes tags as one ("help clear anti-personnel landmines": it takes a weapon)."""
        if tok.dep_ in ("acomp", "attr", "oprd"):
            return True
        head = tok.head
        return tok.dep_ == "amod" and head.lower_ not in _WEAPON_NOUNS and not any(
            rx.search(head.text) for rx in self.lex.weapons.values())

    def _agent_untold(self, tok: Any) -> bool:
        """A passive act whose agent the sentence does not tell: a participle after its noun
        ("ordnance planted during a civil war") or a passive clause under a verb that is not one of
        saying ("destruction guarantees that those mines will never be used"). The subject of the
        clause above it did not do the act."""
        if not tok.tag_ == "VBN" or any(c.dep_ in ("agent", "nsubj") for c in tok.children):
            return False
        if tok.dep_ == "acl" and not any(c.dep_ == "aux" for c in tok.children):
            # the participle hangs on the weapon it acts on; "US mines sent to Ukraine", "Russia's
            # mines laid there": the noun names whose they are
            head = tok.head
            return (head.lower_ in _WEAPON_NOUNS or any(rx.fullmatch(head.text) for rx in self.lex.weapons.values())) \
                and not any(c.dep_ in ("poss", "compound", "amod", "nmod") and self.actors.find(c.text)
                            for c in head.children)
        # ("Estonia decided that mines will be laid", "officials could not rule out that mines would be
        # produced": a state, a person or a body above decides its own act)
        return any(c.dep_ == "auxpass" for c in tok.children) and tok.dep_ == "ccomp" \
            and tok.head.lower_ not in self.speech_verbs and any(
                c.dep_ == "nsubj" and c.tag_ in ("NN", "NNS") and c.lower_ not in self.bodies
                for c in tok.head.children)

    def _weapon_anaphor(self, tok: Any) -> bool:
        """A pronoun or "the weapons" in the cue's own phrase, after it, refers to the weapon
        named in this or the previous sentence."""
        doc = tok.doc
        after = [t for t in tok.subtree if t.i > tok.i]
        if not after:
            return False
        text = doc[after[0].i: after[-1].i + 1].text
        return bool(self.weapon_anaphor_re.search(text))

    def _process_noun(self, tok: Any) -> bool:
        low = tok.lower_
        return low in self.process_nouns or (low.endswith("s") and low[:-1] in self.process_nouns)

    def _actors_for(self, tok: Any, mentions: list[ActorMention], focus: Focus, spdoc: Any,
                    pred: str) -> tuple[list[Actor], list[Any], Any]:
        """Actors of a cue: the subject of its clause, found by walking up the parse."""
        chain = [tok]
        cur = tok
        unresolved_subject = False
        generic_subject = False  # "countries will be allowed to …": nobody in particular
        body_subject = False  # "Parliament approved …": an institution of the state in focus
        definite_body = False  # "the army", "the ministry": the home state's
        for _ in range(12):
            accused = self._accused(cur, mentions, focus, spdoc)
            if accused:
                return accused, chain, cur
            candidates = [c for c in cur.children if c.dep_ in _SUBJECT_DEPS]
            # "the decisions by Estonia and Poland to withdraw": the agent behind the noun's "by"
            # (the parser hangs the infinitive on the noun, on the verb governing it, or makes the noun its subject)
            nouns = [c for c in candidates if c.dep_ == "nsubj" and self._process_noun(c)]
            if len(chain) > 1:
                if cur.tag_.startswith("NN") and chain[-2].dep_ in ("acl", "prep", "pobj") and not candidates:
                    nouns = [cur]
                elif chain[-2].dep_ in ("advcl", "xcomp") and any(
                        c.dep_ == "aux" and c.lower_ == "to" for c in chain[-2].children):
                    nouns = [c for c in cur.children if c.dep_ == "dobj" and self._process_noun(c)]
            # "the moves by X", "the steps taken by X"
            bys = [c for n in nouns for c in n.children if c.dep_ == "prep" and c.lower_ == "by"]
            bys += [a for n in nouns for c in n.children if c.dep_ == "acl" and c.tag_ == "VBN"
                    for a in c.children if a.dep_ == "agent"]
            if any(c.dep_ == "nsubjpass" and self._process_noun(c) for c in candidates):
                # "the move was recommended in a joint statement by the ministers of X and Y": the
                # agents behind the statement's "by"
                bys += [b for p in cur.children if p.dep_ == "prep" and p.lower_ in _STATEMENT_PREPS
                        for o in p.children if o.dep_ == "pobj" for b in o.children
                        if b.dep_ == "prep" and b.lower_ == "by"]
            for by in bys:
                lo, hi = by.left_edge.idx, by.right_edge.idx + len(by.right_edge)
                agents = self._mentions_in([m for m in mentions if lo <= m.start < hi], lo, hi, focus)
                if agents:
                    return agents, chain, cur
            if pred == Predicate.TREATY_WITHDRAWAL and cur == tok and tok.tag_.startswith("NN"):
                # "the withdrawals of Estonia and Poland from the treaty": the states behind the noun's "of"
                ofs = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"]
                for of in ofs:
                    lo, hi = of.left_edge.idx, of.right_edge.idx + len(of.right_edge)
                    named = unique_actors(a for m in mentions if lo <= m.start < hi and m.is_state
                                          and m.kind != "anaphor" for a in m.actors)
                    if named:
                        return named, chain, cur
            if pred == Predicate.TREATY_WITHDRAWAL and cur == tok:
                # "pull Latvia out": the object is the party; "lodged its papers": the papers are not
                candidates = [c for c in cur.children if c.dep_ == "dobj" and c.lower_ != "it"
                              and any(m.start <= c.idx < m.end for m in mentions)] + candidates
            for child in candidates:
                whose = cur.dep_ == "relcl" and any(c.dep_ == "poss" and c.lower_ == "whose" for c in child.children)
                if whose:
                    # "after A, B and C, whose withdrawals took effect": the noun (and its conjuncts) it hangs on
                    heads = [cur.head, *cur.head.conjuncts]
                    found = unique_actors(a for m in mentions if m.kind != "anaphor" and any(
                        m.start <= h.idx < m.end for h in heads) for a in m.actors)
                elif child.lower_ in _RELATIVE and cur.dep_ == "relcl":
                    # "Russia, which has never joined": the noun the clause hangs on, if named
                    head = cur.head
                    # "the borders with Belarus that will include minefields": a place, not the actor
                    named = [m for m in mentions if m.kind != "anaphor"
                             and head.left_edge.idx <= m.start and m.end <= cur.left_edge.idx]
                    if named and not named[-1].start <= head.idx < named[-1].end:
                        named = [m for m in named if not self._behind_prep(m, spdoc, subject=True)]
                    found = unique_actors(a for m in named[-1:] for a in m.actors)
                    # "allies such as A, B and C, who are signatories": the clause hangs on the first
                    # conjunct, and speaks of them all
                    heads = [head, *head.conjuncts]
                    coordinated = [m for m in mentions if m.kind != "anaphor"
                                   and any(m.start <= h.idx < m.end for h in heads)]
                    if len(coordinated) > 1 and pred in TREATY_PREDICATES:
                        found = unique_actors(a for m in coordinated for a in m.actors)
                    elif not found and pred in TREATY_PREDICATES:
                        # "powers like A and B, which are not signatories": the states listed under the noun
                        found = self._listed_under(head, mentions)
                        if not found and self._generic_antecedent(head, cur, mentions):
                            # "the countries that have not ratified the treaty": nobody in particular,
                            # not the subject of the sentence around it
                            return [], chain, None
                elif self._appositive_name(child, mentions):
                    # "Finland's neighbour Russia": the name in apposition acts, never the possessor
                    found = self._appositive_name(child, mentions)
                else:
                    head_anaphor = [m for m in mentions if m.kind == "anaphor" and m.start <= child.idx < m.end]
                    lo, hi = child.left_edge.idx, child.right_edge.idx + len(child.right_edge)
                    listed = [m for m in _dash_listed(mentions, spdoc.text) if lo <= m.start < hi]
                    dashed = _dash_segments(spdoc.text)
                    inside = listed or [
                        m for m in mentions if (child.dep_ == "agent" or not self._behind_prep(m, spdoc, subject=True))
                        and not _in_clause_of(m, spdoc, child) and not any(a <= m.start < b for a, b in dashed)]
                    before = [m for m in mentions if m.end <= child.idx]
                    found = []
                    named_before = unique_actors(a for m in before if m.is_state and m.kind != "anaphor"
                                                 for a in m.actors)
                    if head_anaphor and child.lower_ == "they" and self._reported_by_body(cur) \
                            and len(named_before) <= 1:
                        # "Kyiv has not …, and officials said they did not intend to leave": they
                        # are the officials of the one state named (or in focus), not the last pair
                        singular = ActorMention(0, 0, "", "anaphor", (), count=1, plural=False)
                        found = named_before or list(focus.resolve(singular))
                    elif head_anaphor:
                        # "The country, and fellow states A and B, …": the referent plus the named ones
                        found = self._mentions_in(head_anaphor, lo, hi, focus, before=before)
                        named = [m for m in inside if m.kind != "anaphor" and lo <= m.start and m.end <= hi]
                        found = unique_actors([*found, *self._mentions_in(named, lo, hi, focus)])
                    else:
                        found = self._mentions_in(inside, lo, hi, focus, before=before)
                    if not found and pred in TREATY_PREDICATES and child.tag_ in ("NN", "NNS"):
                        # "several NATO members, including A, B and C, have begun leaving": the states listed
                        found = self._listed_under(child, mentions)
                    if not found and child.tag_.startswith("NN") and child.dep_ in ("nsubj", "nsubjpass") \
                            and not head_anaphor:
                        if child.lower_ not in self.bodies and not self._process_noun(child):
                            # "countries will be allowed to": nobody in particular; a person saying
                            # what "the army" will do above a state body does not unmake it
                            generic_subject = generic_subject or not (definite_body and child.tag_ == "NNP")
                        elif not self._process_noun(child):
                            body_subject = True
                            definite_body = definite_body or child.lower_ in self.acting_bodies and any(
                                c.dep_ in ("det", "poss") and c.lower_ in ("the", "its") for c in child.children)
                    if not found and any(m.kind == "anaphor" and child.left_edge.idx <= m.start
                                         and m.end <= child.right_edge.idx + len(child.right_edge)
                                         for m in mentions):
                        unresolved_subject = True
                if found and child.dep_ == "dobj" and not any(a.kind == ActorKind.STATE for a in found):
                    found = []  # "notified the United Nations of its decision": the object is no party
                if found:
                    return found, chain, cur
            if cur.head == cur:
                break
            cur = cur.head
            chain.append(cur)
        if unresolved_subject or generic_subject:
            return [], chain, None
        # no subject: the nearest named actor before the cue not behind a preposition, else the focus
        before = [m for m in mentions if m.kind != "anaphor" and m.end <= tok.idx
                  and not self._behind_prep(m, spdoc) and not self._city_location(m, spdoc)]
        if before:
            # a failed parse: the sentence's first state is most often its subject
            states = [m for m in before if m.is_state]
            if states and _is_headline(self._sentence_text):
                # "Finland and Lithuania Plan …": a headline's leading states are its subjects
                return unique_actors(a for m in states for a in m.actors), chain, None
            return list((states[0] if states else before[-1]).actors), chain, None
        anaphors = [m for m in mentions if m.kind == "anaphor" and m.end <= tok.idx]
        if anaphors:
            return list(self._resolve(anaphors[0], focus)), chain, None
        # (the depositary behind "to", "with the UN Secretary-General", is nobody's subject)
        if pred == Predicate.TREATY_WITHDRAWAL and focus.history and not [
                m for m in mentions if m.end <= tok.idx and not (
                    m.kind == ActorKind.ORGANIZATION and self._behind_prep(m, spdoc))] \
                and not generic_subject:
            # "The withdrawal will take effect in January", "Parliament approved the measure":
            # the state the article is about
            if body_subject:
                singular = ActorMention(0, 0, "", "anaphor", (), count=1, plural=False)
                return list(focus.resolve(singular)), chain, None
            return list(focus.history[-1]), chain, None
        if definite_body and pred != Predicate.TREATY_WITHDRAWAL and not unresolved_subject:
            # "The army has already ordered anti-tank mines": the speaker's state, else the article's
            home = self.actors.state(self._speaker_state) if self._speaker_state else None
            home = home or focus.dominant()
            if home is not None:
                return [home], chain, None
        return [], chain, None

    def _listed_under(self, noun: Any, mentions: list[ActorMention]) -> list[Actor]:
        """The states a common noun lists after "including", "like" or "such as" ("members, including
        A and B"; "powers like A and B"): the noun's class acts through them."""
        if not noun.tag_.startswith("NN") or any(m.start <= noun.idx < m.end for m in mentions):
            return []
        out: list[Actor] = []
        for prep in noun.children:
            said = ("such " + prep.lower_) if any(c.lower_ == "such" for c in prep.children) else prep.lower_
            if prep.dep_ != "prep" or said not in _LISTING_PREPS:
                continue
            lo, hi = prep.left_edge.idx, prep.right_edge.idx + len(prep.right_edge)
            out += [a for m in mentions if lo <= m.start < hi and m.is_state and m.kind != "anaphor"
                    for a in m.actors]
        return unique_actors(out)

    def _generic_antecedent(self, noun: Any, clause: Any, mentions: list[ActorMention]) -> bool:
        """Whether a restrictive relative clause hangs on a common noun that names no one ("the
        countries that have not ratified": the clause defines them, they are no anaphor), as an
        argument of its own verb, not a predicate ("X is one of the countries that …") nor a conjunct
        of a name ("X and other states that …")."""
        restrictive = "," not in noun.doc.text[noun.idx + len(noun):clause.left_edge.idx]
        return (restrictive and noun.tag_ in ("NN", "NNS") and noun.lower_ not in self.bodies
                and not self._process_noun(noun)
                and not any(m.start <= noun.idx < m.end for m in mentions if m.kind != "anaphor")
                and (noun.dep_ in ("nsubj", "nsubjpass", "dobj")
                     or noun.dep_ == "pobj" and noun.head.lower_ in _GENERIC_ANTECEDENT_PREPS))

    def _appositive_name(self, noun: Any, mentions: list[ActorMention]) -> list[Actor]:
        """The state named in apposition to a possessed common noun ("Finland's neighbour Russia",
        "its ally, Poland"), or a named head whose only other states are possessors of its modifiers."""
        def named_at(t: Any) -> list[ActorMention]:
            return [m for m in mentions if m.kind != "anaphor" and m.is_state and m.start <= t.idx < m.end]
        if not any(c.dep_ == "poss" for c in noun.children):
            if not named_at(noun):
                return []
            # "Finland's neighbour Russia" parsed with the name as head: the possessor hangs on a modifier
            mods = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod") and not named_at(c)
                    and any(p.dep_ == "poss" for p in c.children)]
            return unique_actors(a for m in named_at(noun) for a in m.actors) if mods else []
        if named_at(noun):
            return []
        # right after the noun ("neighbour Russia", "ally, Poland"), not a list beyond a colon
        appos = [c for c in noun.children if c.dep_ == "appos" and named_at(c) and c.left_edge.i <= noun.i + 2
                 and not any(t.text in (":", "\u2014", "\u2013", "-") for t in noun.doc[noun.i + 1:c.left_edge.i])]
        return unique_actors(a for c in appos for m in named_at(c) for a in m.actors)

    def _of_saying(self, date_mention: Any, spdoc: Any, chain: list[Any]) -> bool:
        """"…, the United Nations said on Thursday": the date of the saying, not of the event."""
        tok = _token_at(spdoc, date_mention.start)
        for _ in range(4):
            if tok is None or tok.head == tok:
                return False
            tok = tok.head
            if _is_verb(tok):
                return tok.lower_ in self.speech_verbs and tok not in chain
        return False

    def _own_modifiers(self, noun: Any, mentions: list[ActorMention], spdoc: Any) -> list[Actor]:
        """States in a noun's own "by …"/"in …" modifiers ("similar decisions by lawmakers in
        Latvia and Lithuania"), not in relative clauses below it."""
        preps = [c for c in noun.children if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "in", "of")]
        # the parser often hangs "by …" on the verb instead: a modifier right after the noun is its own
        preps += [c for c in noun.head.children if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "in")
                  and c.i == noun.right_edge.i + 1]
        out: list[Actor] = []
        for p in preps:
            lo, hi = p.idx, p.right_edge.idx + len(p.right_edge)
            nested = [(t.left_edge.idx, t.right_edge.idx + len(t.right_edge)) for t in p.subtree if t.dep_ == "relcl"]
            out.extend(a for m in mentions if lo <= m.start < hi and m.is_state and m.kind != "anaphor"
                       and not any(a <= m.start < b for a, b in nested) for a in m.actors)
        return unique_actors(out)

    def _city_location(self, mention: ActorMention, spdoc: Any) -> bool:
        """"at a conference in Ottawa": a capital after "in"/"at" is where something happened."""
        if mention.kind != "capital":
            return False
        tok = _token_at(spdoc, mention.start)
        prep = _governing_prep(tok) if tok is not None else None
        # "In Riga, lawmakers …" (on the verb) stands for the state; "a conference in Ottawa" (on a noun) does not
        return prep is not None and prep.lower_ in _VENUE_PREPS and prep.head.tag_.startswith("NN") \
            and prep.head.dep_ not in ("nsubj", "nsubjpass")

    def _reported_by_body(self, clause: Any) -> bool:
        """The clause is what a group of officials said ("officials said they …")."""
        if clause.dep_ != "ccomp":
            return False
        return any(c.dep_ == "nsubj" and c.lower_ in self.bodies and c.tag_ == "NNS" for c in clause.head.children)

    def _accused(self, cur: Any, mentions: list[ActorMention], focus: Focus, spdoc: Any) -> list[Actor]:
        """"Baku has accused Armenian troops of laying mines": the accused acts, not the accuser."""
        if cur.dep_ not in ("pcomp", "pobj") or cur.head.lower_ not in _ACCUSATION_PREPS or cur.head.head == cur.head:
            return []
        verb = cur.head.head
        objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        if verb.dep_ == "dobj" and self.accusation.match(verb.head.lower_):
            # "accused Cambodian troops of laying": the parser may hang "of" on the object
            verb, objects = verb.head, [verb]
        if not self.accusation.match(verb.lower_):
            return []
        # the accused ends where the accusation's content begins ("… troops | of laying …")
        spans = [(obj.left_edge.idx, min(obj.right_edge.idx + len(obj.right_edge), cur.head.idx)) for obj in objects]
        if verb.i < cur.head.i:
            spans.append((verb.idx + len(verb), cur.head.idx))  # whatever stands between verb and "of"
        for lo, hi in spans:
            found = self._mentions_in([m for m in mentions if not self._behind_prep(m, spdoc, subject=True)],
                                      lo, hi, focus, before=[m for m in mentions if m.end <= lo])
            if found:
                return found
        return []

    def _mentions_in(self, mentions: list[ActorMention], start: int, end: int, focus: Focus,
                     before: list[ActorMention] | None = None) -> list[Actor]:
        inside = [m for m in mentions if m.start >= start and m.end <= end]
        named = [a for m in inside if m.kind != "anaphor" for a in m.actors]
        states = [a for a in named if a.kind == ActorKind.STATE]
        if states:
            # "the ministers of the three states and Poland": a counted anaphor coordinated with a name
            text = self._sentence_text
            joined = [a for ana in inside if ana.kind == "anaphor" and ana.plural and ana.count
                      and any(_COORDINATED.fullmatch(text, min(ana.end, m.end), max(ana.start, m.start))
                              for m in inside if m.kind != "anaphor" and m.is_state)
                      for a in (lambda r: r if len(r) == ana.count else ())(self._resolve(ana, focus))]
            return unique_actors([*joined, *states])
        if named:
            return unique_actors(named)
        anaphors = [m for m in inside if m.kind == "anaphor"]
        if not anaphors:
            return []
        ana = anaphors[0]
        if ana.text.lower() in _FIRST_PERSON:
            return list(self._resolve(ana, focus))
        before = before or []
        listed = [m for m in _dash_listed(before, self._sentence_text) if m.is_state]
        candidates = listed or [m for m in before if m.kind != "anaphor" and m.is_state
                                and not (self._spdoc is not None and self._behind_prep(m, self._spdoc, subject=True))]
        if self._spdoc is not None and len(candidates) > 1:
            # "Ukraine, which is fighting Russia's invasion, says it …": a state named inside a
            # relative clause on another is no antecedent of a pronoun outside that clause
            candidates = [m for m in candidates if not _in_relative_clause(m, self._spdoc, ana)] or candidates
        earlier = [a for m in candidates for a in m.actors]
        earlier = unique_actors(earlier)
        if earlier:
            if not ana.plural:
                return [earlier[-1]]
            if ana.count is None and len(earlier) >= 2 or ana.count == len(earlier):
                return earlier
        return list(self._resolve(ana, focus))

    def _resolve(self, ana: ActorMention, focus: Focus) -> tuple[Actor, ...]:
        """"We"/"our country" is the speaker's state when the text says which; else the focus."""
        if ana.text.lower() in _FIRST_PERSON and self._speaker_state:
            state = self.actors.state(self._speaker_state)
            if state is not None:
                return (state,)
        return focus.resolve(ana)

    def _behind_prep(self, mention: ActorMention, spdoc: Any, subject: bool = False) -> bool:
        tok = _token_at(spdoc, mention.start)
        if tok is None:
            return False
        prep = _governing_prep(tok)
        preps = self.subject_excluding_preps if subject else self.non_actor_preps
        return prep is not None and prep.lower_ in preps

    def _counterpart(self, pred: str, mentions: list[ActorMention], actors: list[Actor], tok_at: Any,
                     spdoc: Any, cue: Cue) -> Actor | None:
        preps = self.counterpart_preps.get(str(pred))
        if not preps:
            return None
        keys = {a.key for a in actors}
        ordered = sorted(mentions, key=lambda m: (m.start < cue.start, abs(m.start - cue.end)))
        for m in ordered:
            if not m.is_state or len(m.actors) != 1 or m.actors[0].key in keys:
                continue
            tok = tok_at(m.start)
            if tok is None:
                continue
            prep = _governing_prep(tok)
            if prep is not None and prep.lower_ in preps:
                return m.actors[0]
            if pred == Predicate.TRANSFER and tok.dep_ in ("dative", "dobj", "dep", "iobj") and _is_verb(tok.head):
                return m.actors[0]  # "sent Kyiv large numbers of mines" (the parser may call Kyiv "dep")
        if pred == Predicate.USE:
            # "laid mines across Ukrainian land": the adjective of the place names the state
            for m in self._place_adjective.finditer(spdoc.text, cue.end, cue.end + 80):
                state = self.actors.state(self.actors.adjectives.get(m.group(1), ""))
                if state is not None and state.key not in keys:
                    return state
        return None

    def _source(self, mentions: list[ActorMention], actors: list[Actor], tok_at: Any) -> Actor | None:
        keys = {a.key for a in actors}
        for m in mentions:
            if m.is_state and len(m.actors) == 1 and m.actors[0].key not in keys:
                tok = tok_at(m.start)
                prep = _governing_prep(tok) if tok is not None else None
                if prep is not None and prep.lower_ == "from":
                    return m.actors[0]
        return None

    def _casualty_place(self, mentions: list[ActorMention], sent: str, spdoc: Any, tok_at: Any) -> list[Actor]:
        """Casualties belong to the state where they happened, or to the world for global totals."""
        for m in mentions:
            if not m.is_state:
                continue
            tok = tok_at(m.start)
            prep = _governing_prep(tok) if tok is not None else None
            if prep is not None and prep.lower_ in self.place_preps or m.kind in ("adjective",):
                return list(m.actors)
        if self.global_re.search(sent) or not any(m.is_state for m in mentions) and any(
                m.actors and m.actors[0].name in self.actors.observers for m in mentions):
            # "worldwide", or a global monitor's total naming no state ("according to the Landmine Monitor")
            return [Actor(kind=ActorKind.ORGANIZATION, iso3=None, name="world")]
        return []

    def _withdrawal_stage(self, cue: Cue, sent: str, tok: Any, modality: str, top: Any,
                          chain: list[Any]) -> tuple[str, Any]:
        """The stage, and the word on the cue's path that marks it (its tense sets the modality)."""
        found = self.lex.withdrawal_stage_cues(sent)
        others = [c for c in self._cues(sent) if c.label == Predicate.TREATY_WITHDRAWAL
                  and not (c.start < cue.end and cue.start < c.end)]
        # "said they will leave the treaty, but neither had lodged its papers": the other cue's stage
        # "Poland leaves the treaty: NGO urges others to stay": a stage beyond a colon is another clause's
        found = [f for f in found if ":" not in sent[min(f.end, cue.end):max(f.start, cue.start)]]
        every = found
        found = [f for f in found if not any(o.start <= f.start < o.end for o in others)]
        # a stage word on the cue's own path ("notified … of its withdrawal", "withdrawal will
        # take effect") beats one elsewhere in the sentence ("after the notification")
        # the path ends at its own clause: "… will send a notification, and the withdrawal will take
        # effect": the conjoined clause's stage is not this one's
        path = []
        for t in chain:
            path.append(t)
            if t.dep_ == "conj" and _is_verb(t) or t.dep_ == "relcl" and t is not tok:
                break  # a relative clause is its own ("…, a step that will take them out on <day>")
        near = {t.i for t in path} | {c.i for t in path for c in t.children
                                       if c.dep_ not in ("prep", "advcl", "conj", "ccomp", "relcl", "cc", "parataxis")}
        spans = [(t.idx, t.idx + len(t)) for t in tok.doc if t.i in near]
        # ... though one on the cue's own path counts even where it starts at another cue ("handed over
        # its notification of withdrawal": the withdrawal is notified, not only the handing)
        own = [(t.idx, t.idx + len(t)) for t in path
               if not any(o.start <= t.idx < o.end for o in others)]
        on_path = [c for c in every if any(c.start < e and s < c.end for s, e in spans)
                   and (c in found or any(c.start <= s < c.end for s, e in own))]
        for stage in self.lex.withdrawal_priority:
            hits = [c for c in on_path if c.label == stage]
            if hits:
                return stage, _stage_token(tok.doc, hits[0], chain)
        if modality == Modality.PLANNED and _is_verb(tok) and _on_a_day(tok):
            # "will leave the treaty on 27 December", "a step that will take them out on 27 December":
            # a leaving set for a day is the exit's effective date, whatever stage the sentence also tells
            return "effective", None
        if top is not None:
            lo, hi = top.left_edge.idx, top.right_edge.idx + len(top.right_edge)
            # "left the treaty on Saturday, six months after it notified the UN": a background
            # clause's stage is its own act, not this one's
            background = [(c.left_edge.idx, c.right_edge.idx + len(c.right_edge)) for c in top.children
                          if c.dep_ == "advcl" and tok not in c.subtree and any(
                              m.dep_ == "mark" and m.lower_ in _BACKGROUND_MARKS for m in c.children)]
            # "withdrew from the treaty on Friday and says it plans to …": a stage inside a clause under a
            # conjoined verb is that clause's act ("… and submitted the documents" keeps its own stage)
            background += [(t.idx, t.idx + len(t)) for c in top.children
                           if c.dep_ == "conj" and _is_verb(c) and tok not in c.subtree
                           for t in c.subtree if _under_clause(t, c)]
            found = [c for c in found if not any(a <= c.start < b for a, b in background)]
            in_clause = [c for c in found if c.start >= lo and c.end <= hi]
            conj = top
            while conj.dep_ in ("ccomp", "xcomp", "advcl") and conj.head != conj:
                conj = conj.head
            if not in_clause and conj.dep_ == "conj":
                # "… has not sent an instrument of withdrawal, and officials said they did not
                # intend to leave": the other conjunct's stage is not this one's
                clo, chi = conj.left_edge.idx, conj.right_edge.idx + len(conj.right_edge)
                in_clause = [c for c in found if c.start >= clo and c.end <= chi]
                found = in_clause
            if not in_clause and top.dep_ in ("xcomp", "advcl") and top.head != top:
                # "signed a decree to pull the country out, and parliament endorsed it": the governing
                # verb's own clause, not its conjunct's
                gov = top.head
                cut = [c for c in gov.children if c.dep_ in ("conj", "cc")]
                own = {t.i for t in gov.subtree} - {t.i for c in cut for t in c.subtree}
                spans_own = [(t.idx, t.idx + len(t)) for t in tok.doc if t.i in own]
                in_clause = [c for c in found if any(s <= c.start < e for s, e in spans_own)]
                for stage in self.lex.withdrawal_priority:
                    if any(c.label == stage for c in in_clause):
                        return stage, gov  # its tense, not the infinitive's, sets the modality
            found = in_clause or found
        for stage in self.lex.withdrawal_priority:
            if any(c.label == stage for c in found):
                return stage, None
        if modality != Modality.ACTUAL:
            return "proposed", None
        if tok.tag_ in ("VBD", "VBN") and tok.lower_ in _PAST_EXIT_VERBS:
            return "effective", None
        return "decided", None

    def _values_for(self, pred: str, values: list, cue: Cue) -> tuple[Range | None, Money | None]:
        quantity = money = None
        if pred in TREATY_PREDICATES:
            return None, None
        units = _UNITS_FOR.get(pred, _MINE_UNITS)
        best_q = best_m = None
        for v in values:
            if v.kind == "money":
                if pred in _MONEY_PREDICATES and (best_m is None or _dist(v, cue) < _dist(best_m, cue)):
                    best_m = v
            elif v.unit in units and (best_q is None or _dist(v, cue) < _dist(best_q, cue)):
                best_q = v
        if best_q is not None:
            unit = "people" if pred == Predicate.CASUALTIES else best_q.unit
            quantity = Range(best_q.low, best_q.high, unit, best_q.text)
        if best_m is not None:
            money = Money(best_m.low, best_m.high, best_m.currency, best_m.text)
        return quantity, money


_DAY = re.compile(r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?%s|%s\s+\d{1,2}(?:st|nd|rd|th)?)\b" % ((
    rf"(?:{MONTH_NAMES_RE})",) * 2))


_DATED = re.compile(_DAY.pattern + rf"|\b(?:{MONTH_NAMES_RE})\s+\d{{4}}\b")


_DATED_OR_YEAR = re.compile(_DATED.pattern + rf"|^(?:on|in|by)\s+(?:\d{{4}}|{MONTH_NAMES_RE})\b", re.IGNORECASE)


def _on_a_day(verb: Any) -> bool:
    """The verb's own "on <day month>" ("will leave on 27 December", "exits on March 5")."""
    for t in verb.subtree:
        if t.dep_ != "prep" or t.lower_ != "on" or not _DAY.search(_span_text(t)):
            continue
        up = t.head
        while up != verb and up.dep_ not in ("relcl", "ccomp", "advcl", "conj", "xcomp", "parataxis") \
                and up.head != up:
            up = up.head
        if up == verb:
            return True
    return False


_COORDINATED = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)", re.IGNORECASE)


#: A gapped remnant: after a comma or "and", a state (possessive or not), a preposition, its date, its end.
_GAP_BEFORE = re.compile(r"(?:,|\band)\s+\Z")
_GAP_BETWEEN = re.compile(r"(?:['’]s)?\s+(?:(?:on|in|from|by)\s+(?:the\s+)?)?", re.IGNORECASE)
_GAP_AFTER = re.compile(r"\s*(?:,|;|\.|\band\b|\Z)")


_BECOMING_PARTY = phrase("becoming_party", re.IGNORECASE)


_OBLIGATION = phrase("obligation", re.IGNORECASE)


def _weapons_only_in_relatives(tok: Any, weapons: list[Cue]) -> bool:
    """Every weapon named sits in a relative clause below the cue's object, describing something
    else the cue is about."""
    doc = tok.doc
    relatives = [t for t in tok.subtree if t.dep_ in ("relcl", "acl") and t != tok and tok not in t.subtree]
    if not relatives:
        return False
    spans = [(r.left_edge.idx, r.right_edge.idx + len(r.right_edge)) for r in relatives]
    del doc
    return all(any(a <= w.start < b for a, b in spans) for w in weapons)


def _under_clause(tok: Any, top: Any) -> bool:
    """Whether ``tok`` sits in a clause of its own below ``top`` (a complement, adverbial or relative clause)."""
    cur = tok
    while cur != top and cur.head != cur:
        if cur.dep_ in ("ccomp", "xcomp", "advcl", "relcl"):
            return True
        cur = cur.head
    return False


def _past_background(tok: Any) -> bool:
    """"… destroyed its stocks in 2015, three years after joining the treaty": a joining told as
    the past background of a past event happened; only a future or present frame makes it a condition."""
    if tok.dep_ != "pcomp" or tok.head.lower_ not in _BACKGROUND_PREPS:
        return False
    cur = tok.head
    for _ in range(6):
        if cur.head == cur:
            break
        cur = cur.head
        if _is_verb(cur):
            break
    return cur.tag_ == "VBD" and not any(c.dep_ == "aux" and c.tag_ == "MD" for c in cur.children)


# "members that border Russia", "states bordering Russia and Belarus": what "border" takes locates, never acts
_BORDERED = phrase("bordered")
def _own_clause(chain: list[Any]) -> list[Any]:
    """The cue's path up to its own clause's verb ("… notified the UN, so their exit takes effect
    on <date>": "takes", not "notified")."""
    out = []
    for t in chain:
        out.append(t)
        if _is_verb(t) and t.dep_ not in ("aux", "auxpass", "xcomp"):
            break
    return out


_WILL_REMAIN = phrase("will_remain", re.IGNORECASE)
_NO_LONGER = phrase("no_longer", re.IGNORECASE)
_STATUS_CUE = phrase("status_cue", re.IGNORECASE)
_STATUS_VERBS = frozenset(words("status_verbs"))


def _copular_status(tok: Any) -> bool:
    """The party/member noun (or "bound") is the complement of "be"/"remain" ("X is still a party
    to the treaty", "X remains bound by it"), not of "become"."""
    cur = tok
    for _ in range(3):
        if cur.tag_.startswith(("VB", "MD")):
            return cur.lower_ in _STATUS_VERBS
        if cur.head == cur:
            return False
        cur = cur.head
    return False


_RULE_MARKS = frozenset(words("rule_marks"))


def _rule_statement(tok: Any) -> bool:
    """A treaty's rule, told in the present simple with a clause of its condition or time
    ("a withdrawal takes effect six months after the notice is received"): nobody's act."""
    verb = tok
    for _ in range(3):
        if verb.tag_.startswith("VB"):
            break
        if verb.head == verb:
            return False
        verb = verb.head
    if verb.tag_ not in ("VBZ", "VBP") or any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return False
    for t in verb.subtree:
        if t.dep_ == "advcl" and t.head == verb and any(c.dep_ == "mark" and c.lower_ in _RULE_MARKS for c in t.children):
            tense = [t, *(c for c in t.children if c.dep_ in ("aux", "auxpass"))]
            if any(x.tag_ in ("VBZ", "VBP") for x in tense) and not any(x.tag_ == "MD" for x in tense):
                return True
    return False


_KEPT_OPTION = phrase("kept_option", re.IGNORECASE)
_UNTIL_NOW = phrase("until_now", re.IGNORECASE)
_BACKGROUND_SUPERLATIVES = frozenset(words("background_superlatives"))


def _background_negation(tok: Any, clause: str) -> bool:
    """A denial that only sets the scene for the act now reported: "had not ratified it until
    now", "the last signatory that had not yet ratified the treaty", "the only state yet to join"."""
    if _UNTIL_NOW.search(clause):
        return True
    cur = tok
    for _ in range(4):
        if cur.dep_ in ("relcl", "acl") and cur.head.tag_.startswith("NN"):
            return any(c.dep_ == "amod" and c.lower_ in _BACKGROUND_SUPERLATIVES for c in cur.head.children)
        if cur.head == cur:
            break
        cur = cur.head
    return False


def _past_obligation(tok: Any) -> bool:
    """"was obliged to destroy", "were required to clear": the cue is the content of a duty
    stated in the past tense."""
    if tok.dep_ != "xcomp" or not _OBLIGATION.match(tok.head.lower_):
        return False
    return any(c.dep_ in ("auxpass", "aux") and c.lower_ in _PAST_AUXILIARIES for c in tok.head.children)


_DATELINE = re.compile(
    r"\(?(?:[A-Z][A-Za-z'’.-]+(?:[ -][A-Z][A-Za-z'’.-]+){0,3})"
    r"(?:,\s+(?:[A-Z][a-z]+\.?\s+\d{1,2}(?:,\s+\d{4})?|\d{1,2}\s+[A-Z][a-z]+(?:\s+\d{4})?))?\)?\s*[—–-]{1,2}\s")
_YEAR = re.compile(r"(?:in\s+)?(?:the\s+)?\d{4}\Z", re.IGNORECASE)


def _dateline(text: str, s: int, e: int) -> tuple[int, int] | None:
    """The dateline opening a sentence: a place (capitals or names) and maybe a date, then a dash."""
    m = _DATELINE.match(text, s, e)
    if not m or m.end() - s > 60:
        return None
    head = m.group(0)
    # a dateline is in capitals ("WARSAW —") or bracketed, or carries a date ("Vilnius, March 7 —")
    if not (re.match(r"\(?[A-Z][A-Z'’.-]{2,}", head) or head.startswith("(") or re.search(r"\d", head)):
        return None
    return s, m.end()


#: A year or a ban description that identifies "the convention"/"the treaty" (years of adoption).
_TREATY_YEAR: dict[str, str] = lexicon()["treaty_years"]
_YEAR_OF_TREATY = r"\b(" + "|".join(map(re.escape, _TREATY_YEAR)) + r")\b"
_TREATY_DESCRIPTION = phrase("treaty_description", re.IGNORECASE)
_TREATY_NOUN_AFTER_YEAR = phrase("treaty_noun_after_year", re.IGNORECASE)


def _described_treaty(sentence: str, generic: Cue) -> str | None:
    """The treaty a generic mention names by its year ("the 1997 convention") or by what it bans
    ("the convention that outlaws anti-personnel landmines")."""
    year = re.search(_YEAR_OF_TREATY + r"[^\w]*\Z", sentence[max(0, generic.start - 8):generic.start]) \
        or re.search(_YEAR_OF_TREATY, generic.text)
    if year:
        return _TREATY_YEAR[year.group(1)]
    m = _TREATY_DESCRIPTION.match(sentence, generic.end)
    if m:
        return "CCM" if m.group("what").lower().startswith("cluster") else "APMBC"
    return None


def _names_a_treaty(date_mention: Any, sent: str, treaties: list[Cue]) -> bool:
    """"the 1997 Ottawa Convention", "the 2008 accord": a year in a treaty's name is no event date."""
    if any(re.fullmatch(r"\s+of\s+", sent[t.end:date_mention.start]) for t in treaties if t.end <= date_mention.start):
        return True  # "the Convention on … Anti-Personnel Mines … of September 18, 1997"
    if not _YEAR.search(date_mention.text.strip()):
        return False
    return any(0 <= t.start - date_mention.end <= 2 or t.start <= date_mention.start < t.end for t in treaties) \
        or bool(_TREATY_NOUN_AFTER_YEAR.match(sent[date_mention.end:]))


def _is_headline(sent: str) -> bool:
    """Title case and no closing full stop: "Finland and Lithuania Plan Landmine Production"."""
    words = re.findall(r"[A-Za-z][\w'’-]*", sent)
    long_words = [w for w in words if len(w) > 3]
    return len(words) >= 3 and sent.rstrip()[-1:] not in ".!?\"”" and len(long_words) >= 2 \
        and sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


def _headline_modality(before: str, modality: str) -> str:
    lex = modality_lexicon()
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w'’-]*", before)]
    if any(lex.considered.match(w) for w in words if w not in _AMBIGUOUS_MODALS):
        return Modality.CONSIDERED
    if any(lex.planned.match(w) for w in words) or _HEADLINE_TO.search(before):
        return Modality.PLANNED
    return modality


def _headline_case(sent: str, offset: int, mentions: list[ActorMention]) -> str:
    """A headline in title case parses as a string of proper nouns; lower-casing its words
    outside actor names (same length, so offsets hold) gives the parser a better chance."""
    if not _is_headline(sent):
        return sent
    keep = [(m.start - offset, m.end - offset) for m in mentions if m.kind != "anaphor"]
    out = list(sent)
    for m in re.finditer(r"[A-Za-z][\w'’-]*", sent):
        if any(a <= m.start() < b for a, b in keep) or m.group(0).isupper():
            continue
        out[m.start()] = out[m.start()].lower()
    return "".join(out)


def _after_publication(when: DateRange | None, published: date | None) -> bool:
    return bool(when is not None and published is not None and when.start is not None and when.start > published)


def _becoming_party(cue: Cue, cues: list[Cue], sent: str) -> bool:
    """"ratified the treaty, becoming its 165th state party": the party status follows from the
    stage reported by the earlier joining verb, so it is no accession of its own."""
    if not _PARTY_CUE.match(cue.text):
        return False
    if not _BECOMING_PARTY.search(sent[:cue.end]) and not _BECOMING_BEFORE.search(sent[:cue.start]):
        return False
    return any(c.label == Predicate.TREATY_JOINING and c.end <= cue.start and c is not cue for c in cues)


def _object_of_other_cue(tok: Any, cues: list[Cue], pred: str) -> bool:
    """A stock named as the object of another activity ("destroyed its stockpile", "finished
    destroying its stockpiled mines") is that activity's claim, not a report of holding."""
    cur = tok
    for _ in range(4):
        if cur.head == cur:
            return False
        if cur.dep_ not in ("dobj", "amod", "compound", "nsubjpass", "pobj", "prep", "poss") and cur is not tok:
            return False
        head = cur.head
        if _is_verb(head) or head.tag_ == "NN" and head.dep_ != "ROOT":
            hit = [c for c in cues if c.label != pred and c.start <= head.idx < c.end]
            return bool(hit) and hit[0].label == Predicate.DESTRUCTION
        cur = head
    return False


_PAREN_COUNT = re.compile(r"\s*\((\d[\d,. ]*)\)")
_WITH_COUNT = phrase("with_count", re.IGNORECASE)


_TALLY_GO_ON = phrase("tally_go_on", re.IGNORECASE)
_ACCOUNT_COUNT = phrase("account_count", re.IGNORECASE)


def _tally_continued(prep: _Prepared, s: int, e: int, tally: list[Claim]) -> list[Claim]:
    """"Myanmar recorded the most casualties. It was followed by Syria with 1,015 and Iraq with 624.",
    "… killed 6,000 people. Myanmar alone accounted for 2,000 of them": a ranking that goes on
    with the count of the sentence before, one claim per state with its own number."""
    sent = prep.doc.text[s:e]
    if not _TALLY_GO_ON.search(sent):
        return []
    mentions = [_shift(m, -s) for m in _within(prep.mentions, s, e)]
    values = _safe_values(sent)
    listed = _listed_counts(mentions, sent, values)
    counts = [v for v in values if v.kind == "quantity" and v.unit in (None, "people")]
    for m in mentions:
        if m.is_state and len(m.actors) == 1 and m.start not in listed:
            for v in counts:
                if v.start >= m.end and _ACCOUNT_COUNT.fullmatch(sent, m.end, v.start):
                    listed[m.start] = Range(v.low, v.high, "people", None)
                    break
    model = tally[0]
    known = {c.actor.key for c in tally}
    out = []
    for m in mentions:
        if m.start in listed and m.actors[0].key not in known:
            out.append(Claim(
                document_id=model.document_id, actor=m.actors[0], predicate=model.predicate,
                weapon=model.weapon, modality=model.modality, polarity=model.polarity,
                quantity=listed[m.start], time=model.time, evidence=[Evidence(s, e, sent)],
                confidence=0.5))
    return out


def _listed_counts(mentions: list[ActorMention], sent: str, values: list | None = None) -> dict[int, Range]:
    """"including Syria (933), Afghanistan (651)", "followed by Syria with 1,015 and Iraq with some
    600": a count per listed state, by mention offset."""
    out: dict[int, Range] = {}
    counts = [v for v in values or [] if v.kind == "quantity" and v.unit in (None, "people")]
    for m in mentions:
        if m.is_state and len(m.actors) == 1:
            hit = _PAREN_COUNT.match(sent, m.end)
            if hit:
                try:
                    n = float(hit.group(1).replace(",", "").replace(" ", ""))
                except ValueError:
                    continue
                out[m.start] = Range(n, n, "people", None)
                continue
            for v in counts:
                if v.start >= m.end and _WITH_COUNT.fullmatch(sent, m.end, v.start):
                    out[m.start] = Range(v.low, v.high, "people", None)
                    break
    return out


def _count_for(actor: Actor, mentions: list[ActorMention], listed: dict[int, Range]) -> Range | None:
    for m in mentions:
        if m.start in listed and m.actors and m.actors[0].key == actor.key:
            return listed[m.start]
    return None


def _acting_leader(mentions: list[ActorMention], actors: list[Actor], sent: str) -> Speaker | None:
    """"President Volodymyr Zelensky signed a decree": the claim is his (not so "the Zelensky
    government decided" or "joined under President X": a government, a time)."""
    keys = {a.key for a in actors}
    for m in mentions:
        if m.kind == "leader" and m.actors and m.actors[0].key in keys:
            if _LEADER_AS_GOVERNMENT.match(sent, m.end) or _LEADER_AS_ERA.search(sent[max(0, m.start - 40):m.start]):
                continue
            return Speaker(name=m.text)
    return None


def _dist(v: Any, cue: Cue) -> int:
    return min(abs(v.start - cue.end), abs(cue.start - v.end))


def _in_clause(items: list, tok: Any) -> list:
    """Values inside the clause of the cue's verb ("signed in 1997 but ratified it in 2012")."""
    verb = tok
    for _ in range(6):
        if _is_verb(verb) or verb.head == verb:
            break
        verb = verb.head
    lo, hi = verb.left_edge.idx, verb.right_edge.idx + len(verb.right_edge)
    # "… along the border, where soldiers were wounded in July": a relative clause has its own time
    nested = [(t.left_edge.idx, t.right_edge.idx + len(t.right_edge)) for t in verb.subtree
              if t.dep_ in ("relcl", "advcl") and t != verb and tok not in t.subtree]
    return [x for x in items if lo <= x.start and x.end <= hi and not any(a <= x.start < b for a, b in nested)]


def _respectively(actors: list[Actor], dates: list, sent: str) -> dict[str, DateRange | None]:
    """"A, B and C joined in 2003, 2004 and 2005, respectively": one date each, in order.

    When the counts differ (the actors came from an anaphor that names more states than dates),
    which date is whose cannot be told: no actor gets one, rather than the wrong one.
    """
    if len(actors) < 2 or len(dates) < 2 or not _RESPECTIVELY.search(sent):
        return {}
    if len(dates) != len(actors):
        return {a.key: None for a in actors}
    ordered = sorted(dates, key=lambda d: d.start)
    return {a.key: DateRange(d.start_date, d.end_date, d.text) for a, d in zip(actors, ordered, strict=True)}


def _is_title(line: str) -> bool:
    """A headline: title case, or a line that ends without a sentence's closing mark."""
    return _is_headline(line) or line.rstrip()[-1:] not in ".!?\"”’)"


def _speakers_shared(claims: list[Claim]) -> list[Claim]:
    """A headline states what the body attributes: a claim told only in headlines takes the speaker
    of the body's claims of the same actor, activity and stage, told differently ("preparing to
    produce" in the title; "capable of producing," the minister said, in the body), when they name
    one person only."""
    said: dict[tuple, set[str]] = defaultdict(set)
    who: dict[str, Speaker] = {}
    for c in claims:
        if c.speaker is not None:
            said[(c.actor.key, c.predicate, c.stage)].add(c.speaker.name)
            who.setdefault(c.speaker.name, c.speaker)
    out = []
    for c in claims:
        names = said.get((c.actor.key, c.predicate, c.stage), set())
        if c.speaker is None and len(names) == 1 and c.evidence and all(_is_title(e.text) for e in c.evidence):
            c = replace(c, speaker=who[next(iter(names))])
        out.append(c)
    return out


def _apposed_date(dates: list, sent: str, cue: Cue) -> DateRange | None:
    """"In 2015, the year that Oman joined the Convention": a date set beside a clause that
    names the time of the act ("the year that", "the day when") is that act's date."""
    for d in dates:
        m = _DATE_APPOSITION.match(sent, d.end)
        if m is not None and m.end() <= cue.start and not re.search(r"[,;:]", sent[m.end():cue.start]):
            return DateRange(d.start_date, d.end_date, d.text)
    return None


def _nearest_date(dates: list, cue: Cue) -> DateRange | None:
    if not dates:
        return None
    d = min(dates, key=lambda d: _dist(d, cue))
    return DateRange(d.start_date, d.end_date, d.text)


def _safe_values(text: str) -> list:
    try:
        return list(_values.find_values(text))
    except Exception:  # noqa: BLE001 - values are optional decoration of a claim
        return []


def _safe_dates(text: str, published: date | None) -> list:
    try:
        return list(_values.find_dates(text, published))
    except Exception:  # noqa: BLE001
        return []


def _shift(x: Any, delta: int) -> Any:
    from dataclasses import replace

    return replace(x, start=x.start + delta, end=x.end + delta)


def _token_index(spdoc: Any):
    starts = [(t.idx, t.idx + len(t), t) for t in spdoc]

    def at(offset: int) -> Any:
        for s, e, t in starts:
            if s <= offset < e:
                return t
            if s > offset:
                return t
        return None

    return at


def _token_at(spdoc: Any, offset: int) -> Any:
    return _token_index(spdoc)(offset)


def _governing_prep(tok: Any) -> Any:
    """The preposition a noun phrase hangs from, through compounds and coordination."""
    cur = tok
    for _ in range(6):
        if cur.dep_ == "pobj":
            return cur.head if cur.head.dep_ == "prep" or cur.head.tag_ == "IN" else None
        if cur.dep_ in ("compound", "amod", "conj", "appos", "poss", "nmod", "cc") and cur.head != cur:
            cur = cur.head
            continue
        return None
    return None


def _describes_not_asserts(tok: Any, kept_verbs: frozenset[str], kept_attributes: frozenset[str]) -> bool:
    """A nominal cue that is the subject of its clause ("any deployment would be defensive",
    "the withdrawal gives Latvia flexibility") characterises the activity rather than
    reporting it, unless the verb reports its progress ("the withdrawal takes effect")."""
    if tok.dep_ == "csubj" and tok.tag_ == "VBG" and any(c.tag_ == "MD" for c in tok.head.children):
        return True  # "leaving it would give Latvia more flexibility": what the exit would bring
    if tok.dep_ != "nsubj" or not tok.tag_.startswith("NN"):
        return False
    if any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children) \
            and any(c.dep_ == "prep" and c.lower_ == "from" for c in tok.children):
        return False  # "the withdrawals of A and B from the treaty risk …": the exits are told as facts
    head = tok.head
    if head.lower_ in kept_verbs:
        return False
    attributes = [c for c in head.children if c.dep_ in ("acomp", "attr", "advmod", "prep")]
    if any(c.lower_ in kept_attributes for c in attributes):
        return False
    return True


_DASH_LIST = re.compile(r"\s[-–—]\s+([^-–—]{3,240}?)\s+[-–—]\s")


def _dash_segments(text: str) -> list[tuple[int, int]]:
    return [(m.start(1), m.end(1)) for m in _DASH_LIST.finditer(text)]


def _dash_listed(mentions: list[ActorMention], text: str) -> list[ActorMention]:
    """States listed between dashes ("members that border X – A, B and C – have …") name the
    subject; the small parser often attaches such a list to the wrong word."""
    out: list[ActorMention] = []
    for m in _DASH_LIST.finditer(text):
        inside = [x for x in mentions if m.start(1) <= x.start and x.end <= m.end(1)]
        if len(inside) >= 2 and all(x.is_state for x in inside):
            out.extend(inside)
    return out


_FIRST_PERSON = frozenset(words("first_person"))
_PRONOUN_OBJECT = re.compile(r"\s+it\b")
#: the pronoun closes the clause ("leave it.", "quit it, and"), so it is the verb's own object
_PRONOUN_END = re.compile(r"\s+(?:from\s+)?it\s*(?:[.;]|,\s*(?:and|but|as|after|before)\b|\Z)")
_BORDER_LENGTH_BEFORE = phrase("border_length_before")
_BORDER_LENGTH_AFTER = phrase("border_length_after")


def _measures_border(sent: str, value: Any, cue: Cue) -> bool:
    """"a 1,340-km border", "the longest border …, at 1,340 kilometres" (not "2 km from the border")."""
    if value.end <= cue.start:
        return bool(_BORDER_LENGTH_BEFORE.match(sent[value.end:cue.start]))
    return bool(_BORDER_LENGTH_AFTER.match(sent[cue.end:value.start]))


def _is_verb(tok: Any) -> bool:
    """From the fine-grained tag: the attribute ruler that maps tags to POS is not loaded."""
    return tok.tag_.startswith("VB") or tok.tag_ == "MD"


def _stage_token(doc: Any, cue: Cue, chain: list[Any]) -> Any:
    for t in chain:
        if cue.start < t.idx + len(t) and t.idx < cue.end:
            return t
    return None


def _with_governor(chain: list[Any], top: Any) -> list[Any]:
    """"allows the states to acquire", "is discussing what the country should buy": the verb
    governing the clause qualifies it too."""
    if top is not None and top.dep_ in ("ccomp", "xcomp") and top.head != top:
        return [*chain, top.head]
    return chain


def _up_to_verb(chain: list[Any], top: Any) -> tuple[list[Any], Any]:
    chain = list(chain)
    cur = top
    for _ in range(6):
        if _is_verb(cur) or cur.head == cur:
            break
        cur = cur.head
        chain.append(cur)
    return chain, cur


def _in_clause_of(mention: ActorMention, spdoc: Any, subject: Any) -> bool:
    """Inside a clause modifying the subject ("members that border Russia")."""
    tok = _token_at(spdoc, mention.start)
    cur = tok
    for _ in range(12):
        if cur is None or cur == subject or cur.head == cur:
            return False
        if cur.dep_ in ("relcl", "acl", "dobj") and cur != tok or cur.dep_ in ("relcl", "acl"):
            return True
        cur = cur.head
    return False


def _in_relative_clause(mention: ActorMention, spdoc: Any, anaphor: ActorMention) -> bool:
    """Inside a relative clause that does not hold ``anaphor``."""
    cur = _token_at(spdoc, mention.start)
    for _ in range(12):
        if cur is None or cur.head == cur:
            return False
        if cur.dep_ == "relcl":
            lo, hi = cur.left_edge.idx, cur.right_edge.idx + len(cur.right_edge)
            return not lo <= anaphor.start < hi
        cur = cur.head
    return False


def _under_ban(tok: Any, ban_words: frozenset[str]) -> bool:
    """A cue inside a treaty's description ("which bans the use of …") is not a claim."""
    doc = tok.doc
    if any(doc[j].lower_ in ban_words for j in range(max(0, tok.i - 4), tok.i)):
        return True
    if tok.dep_ == "pobj" and tok.head.lower_ == "against" and tok.head.head.lower_ in _BAN_INSTRUMENTS:
        return True  # "a treaty against the use of cluster munitions"
    cur = tok
    for _ in range(5):
        if cur.lower_ in ban_words:
            return True
        if cur.head == cur:
            return False
        cur = cur.head
    return cur.lower_ in ban_words


def _equipment_spans(sent: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _MINE_EQUIPMENT.finditer(sent)]


def _not_equipment(weapons: list[Cue], sent: str) -> list[Cue]:
    """The weapon mentions that are not a modifier of equipment ("mine detectors")."""
    spans = _equipment_spans(sent)
    return [w for w in weapons if not any(a <= w.start < b for a, b in spans)] if spans else weapons


def _on_equipment(cue: Cue, sent: str, weapons: list[Cue]) -> bool:
    """Whether the cue acts on equipment named after mines, not on mines: the cue lies inside the
    equipment's name ("minefield maps"), or the equipment is its object (it follows within a few
    words) and no weapon of its own follows in the sentence ("receives 22 demining vehicles from Japan")."""
    spans = _equipment_spans(sent)
    if not spans:
        return False
    if any(a <= cue.start < b for a, b in spans):
        return True
    kept = _not_equipment(weapons, sent)
    return any(0 <= a - cue.end <= 50 for a, _ in spans) and not any(w.start >= cue.end for w in kept)


def _contamination(tok: Any, names_weapon: bool) -> bool:
    """A use cue that tells ground mined, not someone mining: "mined" as a state ("remain
    potentially mined", "the most mined countries") with no agent, or a minefield that is a place
    ("killed in one of the minefields") or a superlative ("the densest minefields")."""
    if tok.tag_.startswith("VB") or tok.tag_ == "JJ":
        return tok.dep_ in _CONTAMINATION_STATES and not any(c.dep_ == "agent" for c in tok.children)
    if not tok.tag_.startswith("NN") or not names_weapon or tok.dep_ == "pobj" and tok.head.lower_ == "into":
        return False  # "turned the border into a minefield": laying it
    if any(c.tag_ == "JJS" or c.lower_ == "most" for c in tok.subtree if c.i < tok.i):
        return True  # "one of the densest minefields", "the world's largest minefield"
    head = tok.head
    if tok.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ == "one":
        tok, head = head.head, head.head.head  # "in one of the minefields"
    return tok.dep_ == "pobj" and head.lower_ in _MINEFIELD_PLACES


def _conditional(tok: Any) -> bool:
    """The cue's clause is the condition of an "if"/"unless" ("if Estonia were to use mines")."""
    cur = tok
    for _ in range(4):
        if cur.dep_ == "advcl":
            return any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL_MARKS for c in cur.children)
        if cur.dep_ not in ("xcomp", "pcomp", "pobj", "prep", "dobj", "conj") or cur.head == cur:
            return False
        cur = cur.head
    return False


def _span_text(tok: Any) -> str:
    doc = tok.doc
    return doc[tok.left_edge.i: tok.right_edge.i + 1].text


_default: Extractor | None = None
_WORKER: Extractor | None = None


def _work(doc: Document) -> list[Claim] | Exception:
    """One document in a forked worker; exceptions travel back as values."""
    assert _WORKER is not None
    try:
        return _WORKER.extract(doc)
    except Exception as exc:  # noqa: BLE001
        try:
            pickle.dumps(exc)
            return exc
        except Exception:  # noqa: BLE001
            return RuntimeError(repr(exc))


def extract_claims(doc: Document) -> list[Claim]:
    """Claims of one document with a module-level extractor (the pipeline loads once)."""
    global _default
    if _default is None:
        _default = Extractor()
    return _default.extract(doc)


__all__ = ["Extractor", "extract_claims", "Polarity"]
