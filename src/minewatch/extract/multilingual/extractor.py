"""Claims from a non-English document: sentence by sentence, from the language's rule rows.

The mechanism is the same for every language; what differs is data
(``extract/rules/<lang>/cues.csv``) and the CLDR state names.  A sentence
gives a claim when a predicate cue is in it, with a treaty (named, or "the
convention" standing for the one named before) for treaty predicates and a
weapon (in the sentence, implied by the cue, or "them" for the sentence
before's) for the others.  The actors are the states (or organisations) the
sentence names, less the recipient of a transfer and, beside a named actor,
the states named as places; a sentence naming none continues the one before
it; a receiving verb makes the giver behind "from" the actor.  Modality,
negation, stage and date come from rows in the sentence, those in the cue's
own clause first (a negation also reaches through the modal verb that
governs the cue); a withdrawal takes the most advanced stage the sentence
names, and a date after publication makes an actual claim planned.  A cue
near a ban word ("zakaz", "kieltävä", "запрещающей"), or in a sentence whose
subject is the treaty, describes the treaty and gives no claim.  Two kinds
of sentence go on from the one before without a cue: a list of casualty
counts, and a further step of a withdrawal ("in Latvia parliament has
already passed the law").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pycountry

from minewatch.extract.merge import merge_claims
from minewatch.extract.multilingual.rules import (
    Hit,
    Token,
    fold,
    load_rows,
    matcher,
    rules_languages,
    tokenize,
)
from minewatch.extract.multilingual.states import StateMention, find_states
from minewatch.extract.multilingual.values import DateFound, Number, find_dates, find_numbers
from minewatch.model import (
    JOINING_STAGES,
    TREATY_PREDICATES,
    WITHDRAWAL_STAGES,
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

#: A withdrawal stage cue read for a joining claim ("tuli voimaan" is in force, "ratified" is approved's twin).
JOINING_FROM_WITHDRAWAL = {"effective": "in_force", "approved": "ratified"}
DEFAULT_STAGE = {Predicate.TREATY_WITHDRAWAL: "decided", Predicate.TREATY_JOINING: "ratified"}
#: How far (in words) before a cue a modal verb governs it (for a negation before the modal).
MODAL_REACH = 4
#: How far (in words) before a withdrawal cue a joining verb governs it ("ratified the decision to withdraw").
JOINING_REACH = 4
#: How far (in words) a ban word reaches to make a cue part of a treaty's description.
BAN_REACH = 6
#: How far (in words) before a cue a negation word reaches, unless its row says (German "nicht" reaches far).
NEGATION_REACH = 1
#: Which quantities a predicate takes (others keep only money).
QUANTITY_UNITS = {
    Predicate.CASUALTIES: {"people"},
    Predicate.CLEARANCE: {"km2", "hectares", "mines", "km"},
    Predicate.BORDER: {"km"},
}
MONEY_PREDICATES = {Predicate.PROCUREMENT, Predicate.PRODUCTION, Predicate.TRANSFER, Predicate.CLEARANCE}

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»]?\s+(?=[\"'“„«(]?[^\W\d_a-zа-яёіїєґ]|\d)|\n+")


def supported_languages() -> list[str]:
    """Languages with rule rows: their documents are extracted here."""
    return rules_languages()


def supports(language: str | None) -> bool:
    return bool(language) and language in _SUPPORTED


_SUPPORTED = set(supported_languages())


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans; a dot after a single capital ("T. Godliauskas") or a number is no end."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        before = text[max(start, m.start() - 3):m.start()]
        if m.group(0).strip() == "" and "\n" not in m.group(0):
            if re.search(r"(?:^|\W)[^\W\d_]\.$", before):
                continue
            # an ordinal day ("am 20. Februar", "27. jūnijā"): a one- or two-digit number is no sentence end
            if re.search(r"(?:^|\D)\d{1,2}\.$", text[max(start, m.start() - 4):m.start()]):
                continue
        if text[start:m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


@dataclass
class _Sentence:
    text: str
    s: int
    e: int
    toks: list[Token]
    hits: list[Hit]
    states: list[StateMention]
    orgs: list[tuple[Actor, int]]
    world: bool
    places: set[int]  # token index of states named as a place ("in Ukraine", "Ukrainassa")
    numbers: list[Number]
    dates: list[DateFound]

    def of(self, kind: str) -> list[Hit]:
        return [h for h in self.hits if h.row.kind == kind]


@dataclass
class _Context:
    """What earlier sentences leave for later ones: the treaty last named, the actors, the weapon."""

    treaty: str | None = None
    doc_treaty: str | None = None  # the first treaty the document names (for "the convention" before it)
    actors: list[Actor] = field(default_factory=list)
    actors_age: int = 99
    weapon: list[str] = field(default_factory=list)
    weapon_age: int = 99
    tally_age: int = 99
    tally_time: DateRange | None = None  # the period a list of casualty counts is for
    withdrawal: str | None = None  # the treaty of the last withdrawal claimed, for a sentence that goes on
    withdrawal_age: int = 99


def _state_actor(iso3: str) -> Actor:
    c = pycountry.countries.get(alpha_3=iso3)
    name = getattr(c, "common_name", None) or getattr(c, "name", iso3) if c else iso3
    return Actor(ActorKind.STATE, iso3, name)


def _nearest(items: list, at: int, key) -> object | None:
    return min(items, key=lambda x: abs(key(x) - at), default=None)


class MultilingualExtractor:
    """One document at a time; pure Python, so it runs in any process without loading a model."""

    def extract(self, doc: Document) -> list[Claim]:
        lang = doc.language or ""
        if not supports(lang):
            return []
        text = doc.text
        m = matcher(lang)
        sents: list[_Sentence] = []
        for s, e in sentences(text):
            toks = tokenize(text, lang, s, e)
            if not toks:
                continue
            hits = m.find(toks)
            sents.append(self._read(text, s, e, toks, hits, lang, doc.published))
        first = next((h for sent in sents for h in sent.of("treaty")), None)
        ctx = _Context(doc_treaty=first.row.value if first else None)
        claims: list[Claim] = []
        for sent, speaker in zip(sents, self._speakers(sents), strict=True):
            found = self._claims(doc, text, sent, ctx, speaker)
            claims += found
            self._carry(sent, ctx, found)
        return merge_claims(claims)

    # ------------------------------------------------------------------ reading

    def _read(self, text: str, s: int, e: int, toks: list[Token], hits: list[Hit], lang: str,
              published: date | None) -> _Sentence:
        taken = {k for h in hits if h.row.kind in ("treaty", "month", "organization") for k in range(h.i, h.j)}
        states = [st for st in find_states(toks, lang) if st.i not in taken]
        for h in hits:
            if h.row.kind == "state" and not any(st.i <= h.i < st.j for st in states) and h.i not in taken:
                states += [StateMention(iso, h.i, h.j) for iso in h.row.value.split()]  # "the Baltic states"
        blocked = {h.j + k for h in hits if h.row.kind == "not_actor" for k in range(2)}
        states = [st for st in states if st.i not in blocked]
        marked = {h.j + k for h in hits if h.row.kind == "place_marker" for k in range(2)}
        suffixes = tuple(fold(r.value) for r in load_rows(lang) if r.kind == "place_suffix" and r.value)
        places = {st.i for st in states
                  if st.i in marked or (suffixes and toks[st.j - 1].lower.endswith(suffixes))}
        states.sort(key=lambda st: st.i)
        orgs = [(Actor(ActorKind.ORGANIZATION, None, h.row.value), h.i) for h in hits if h.row.kind == "organization"]
        world = any(h.row.kind == "world" for h in hits)
        return _Sentence(text, s, e, toks, hits, states, orgs, world, places,
                         find_numbers(text, s, e, toks, hits, lang), find_dates(text, toks, hits, published))

    def _carry(self, sent: _Sentence, ctx: _Context, found: list[Claim]) -> None:
        treaties = sent.of("treaty")
        if treaties:
            ctx.treaty = treaties[-1].row.value
        ctx.actors_age += 1
        ctx.weapon_age += 1
        ctx.tally_age += 1
        if found:
            recipients = {c.counterpart for c in found if c.counterpart}
            ctx.actors = [a for a in dict.fromkeys(c.actor for c in found) if a not in recipients]
            ctx.actors_age = 0
        elif len({st.iso3 for st in sent.states}) == 1:
            ctx.actors = [_state_actor(sent.states[0].iso3)]
            ctx.actors_age = 0
        weapons = [h.row.value for h in sent.of("weapon")]
        if weapons:
            ctx.weapon, ctx.weapon_age = weapons, 0
        casualties = [c for c in found if c.predicate == Predicate.CASUALTIES]
        if casualties:
            ctx.tally_age = 0
            ctx.tally_time = next((c.time for c in casualties if c.time), ctx.tally_time)
        ctx.withdrawal_age += 1
        withdrawn = [c for c in found if c.predicate == Predicate.TREATY_WITHDRAWAL]
        if withdrawn:
            ctx.withdrawal, ctx.withdrawal_age = withdrawn[-1].treaty, 0

    # ------------------------------------------------------------------ claims

    def _claims(self, doc: Document, text: str, sent: _Sentence, ctx: _Context,
                speaker: Speaker | None) -> list[Claim]:
        governing = {id(h) for h in self._joining_of_withdrawal(sent)}
        preds = [h for h in self._predicates(sent) if id(h) not in governing]
        out: list[Claim] = []
        if not preds:
            return self._tally(doc, text, sent, ctx) or self._next_step(doc, text, sent, ctx)
        bans = sent.of("ban")
        recipients = {c for h in preds if h.row.value.startswith(Predicate.TRANSFER)
                      for c in [self._counterpart(sent, h)] if c is not None}
        for cue in preds:
            value = cue.row.value
            inverse = value.endswith("<")  # "received from": the giver is behind a source marker
            value = value.rstrip("<")
            weapon0 = None
            if "+" in value:
                value, weapon0 = value.split("+", 1)
            stage0 = None
            if ":" in value:
                value, stage0 = value.split(":", 1)
            pred = Predicate(value)
            if pred not in TREATY_PREDICATES and bans and (
                    any(abs(b.i - cue.i) <= BAN_REACH for b in bans) or self._treaty_is_subject(sent)):
                continue
            treaty, stage, weapons = None, None, [None]
            if pred in TREATY_PREDICATES:
                treaty = self._treaty(sent, cue, ctx)
                if treaty is None:
                    continue
                stage = self._stage(sent, cue, pred, stage0, self._modality(sent, cue))
            else:
                weapons = self._weapons(sent, cue, weapon0, ctx)
                if not weapons:
                    continue
            counterpart = self._counterpart(sent, cue) if pred == Predicate.TRANSFER and not inverse else None
            actors = [a for a in self._actors(sent, cue, pred, counterpart, ctx) if a not in recipients]
            if inverse:
                givers = self._sources(sent)
                receivers = [a for a in actors if a not in givers]
                if not givers or not receivers:
                    continue
                actors, counterpart = givers, receivers[0]
            if not actors:
                continue
            negated = self._negated(sent, cue)
            modality = self._modality(sent, cue)
            when = self._when(sent, text, cue)
            if isinstance(when, DateFound) and modality == Modality.ACTUAL and doc.published \
                    and when.first > doc.published:
                modality = Modality.PLANNED
            for actor in actors:
                quantity, money = (None, None) if pred in TREATY_PREDICATES else self._values(sent, cue, pred, actor)
                for weapon in weapons:
                    out.append(Claim(
                        document_id=doc.id, actor=actor, predicate=pred, stage=stage, treaty=treaty,
                        weapon=weapon, counterpart=counterpart if counterpart != actor else None,
                        modality=modality, polarity=Polarity.NEGATED if negated else Polarity.AFFIRMED,
                        quantity=quantity, money=money,
                        time=DateRange(when.first, when.last, when.text, basis=when.basis)
                        if isinstance(when, DateFound) else None,
                        speaker=speaker, evidence=[Evidence(sent.s, sent.e, text[sent.s:sent.e])],
                        confidence=0.6 if actor in [_state_actor(st.iso3) for st in sent.states] else 0.45,
                    ))
        return out

    def _tally(self, doc: Document, text: str, sent: _Sentence, ctx: _Context) -> list[Claim]:
        """A list of casualty counts goes on after its cue: "Далі йде Сирія - 1 015 осіб"."""
        if ctx.tally_age > 2 or not sent.states:
            return []
        out = []
        for st in sent.states:
            n = self._number_after(sent, st.j, {"people"})
            if n is None:
                continue
            out.append(Claim(
                document_id=doc.id, actor=_state_actor(st.iso3), predicate=Predicate.CASUALTIES,
                weapon=(ctx.weapon[0] if ctx.weapon and ctx.weapon_age <= 3 else "mine"),
                quantity=Range(n.low, n.high, n.unit, n.text), time=ctx.tally_time,
                evidence=[Evidence(sent.s, sent.e, text[sent.s:sent.e])], confidence=0.45))
        return out

    @staticmethod
    def _negated(sent: _Sentence, cue: Hit) -> bool:
        """A negation right before the cue, or before a modal verb that governs it ("does not plan to produce")."""
        if cue.negated:
            return True
        heads = [cue.i] + [m.i for m in sent.of("modality") if 0 < cue.i - m.i <= MODAL_REACH]
        return any(head - int(h.row.value or NEGATION_REACH) <= h.i < head
                   for h in sent.of("negation") for head in heads)

    @staticmethod
    def _predicates(sent: _Sentence) -> list[Hit]:
        """Predicate cues, less those inside a longer stage phrase ("podpisał ustawę": signed the law)."""
        stages = sent.of("stage")
        return [h for h in sent.of("predicate")
                if not any(st.i <= h.i and h.j <= st.j and st.j - st.i > h.j - h.i for st in stages)]

    def _joining_of_withdrawal(self, sent: _Sentence) -> list[Hit]:
        """Joining cues whose object is a withdrawal a few words on ("ratified the decision to withdraw")."""
        preds = self._predicates(sent)
        withdrawals = [h for h in preds if h.row.value.startswith(Predicate.TREATY_WITHDRAWAL)]
        return [h for h in preds if h.row.value.startswith(Predicate.TREATY_JOINING)
                and any(0 < w.i - h.i <= JOINING_REACH for w in withdrawals)]

    @staticmethod
    def _treaty_is_subject(sent: _Sentence) -> bool:
        """'The treaty bans the production…': the sentence describes the treaty from its first words."""
        return any(h.i <= 1 for h in sent.hits if h.row.kind in ("treaty", "treaty_ref"))

    @staticmethod
    def _clause(sent: _Sentence, i: int) -> int:
        """Which comma-delimited part of the sentence token ``i`` is in."""
        return sent.text.count(",", sent.s, sent.toks[min(i, len(sent.toks) - 1)].start) \
            + sent.text.count(";", sent.s, sent.toks[min(i, len(sent.toks) - 1)].start)

    def _when(self, sent: _Sentence, text: str, cue: Hit) -> DateFound | None:
        """The date nearest the cue, one in the cue's own clause (between commas) first; not a treaty's year."""
        named = {h.j + k for h in sent.of("treaty") for k in range(2)}
        dates = [d for d in sent.dates if not (d.tok in named and d.text.isdigit())]  # "the Treaty of 1997"
        if not dates:
            return None
        here = self._clause(sent, cue.i)
        return min(dates, key=lambda d: (self._clause(sent, d.tok) != here, abs(d.tok - cue.i)))

    def _next_step(self, doc: Document, text: str, sent: _Sentence, ctx: _Context) -> list[Claim]:
        """A withdrawal goes on without its verb: "In Latvia and Lithuania parliament has already passed the law"."""
        if ctx.withdrawal is None or ctx.withdrawal_age > 1 or not sent.states:
            return []
        strong = [h for h in sent.of("stage") if not h.row.value.endswith("?")]
        if not strong:
            return []
        stage = max((h.row.value for h in strong if h.row.value in WITHDRAWAL_STAGES),
                    key=WITHDRAWAL_STAGES.index, default=None)
        if stage is None:
            return []
        cue = strong[0]
        modality = self._modality(sent, cue)
        negated = self._negated(sent, cue)
        return [Claim(document_id=doc.id, actor=_state_actor(st.iso3), predicate=Predicate.TREATY_WITHDRAWAL,
                      stage=stage, treaty=ctx.withdrawal, modality=modality,
                      polarity=Polarity.NEGATED if negated else Polarity.AFFIRMED,
                      evidence=[Evidence(sent.s, sent.e, text[sent.s:sent.e])], confidence=0.4)
                for st in sent.states if st.i < cue.i]

    @staticmethod
    def _number_after(sent: _Sentence, i: int, units: set[str]) -> Number | None:
        cands = [n for n in sent.numbers if n.unit in units and n.tok > i]
        return min(cands, key=lambda n: n.tok, default=None)

    def _treaty(self, sent: _Sentence, cue: Hit, ctx: _Context) -> str | None:
        named = _nearest(sent.of("treaty"), cue.i, lambda h: h.i)
        if isinstance(named, Hit):
            return named.row.value
        refs = sent.of("treaty_ref")
        if not refs:
            return None
        if cue.row.value.startswith(Predicate.TREATY_JOINING) and all(r.row.value == "pronoun" for r in refs) \
                and any(h.i < cue.i and h.row.value.startswith(Predicate.TREATY_WITHDRAWAL)
                        for h in sent.of("predicate")):
            return None  # "passed the withdrawal law, and the president signed it": 'it' is the law
        return ctx.treaty or ctx.doc_treaty

    def _stage(self, sent: _Sentence, cue: Hit, pred: str, stage0: str | None, modality: str) -> str:
        allowed = WITHDRAWAL_STAGES if pred == Predicate.TREATY_WITHDRAWAL else JOINING_STAGES
        cands = []
        stage_hits = sent.of("stage")
        strong = [h for h in stage_hits if not h.row.value.endswith("?")]
        for h in strong or stage_hits:  # a weak cue ("the Sejm", "?") counts only alone
            v = h.row.value.rstrip("?")
            if pred == Predicate.TREATY_JOINING and v not in JOINING_STAGES:
                v = JOINING_FROM_WITHDRAWAL.get(v, "")
            if v in allowed:
                cands.append(((self._clause(sent, h.i) != self._clause(sent, cue.i), abs(h.i - cue.i)), v))
        if pred == Predicate.TREATY_WITHDRAWAL:
            # "ratified the decision to withdraw", "signed the law on withdrawal": the parliament's step
            cands += [((False, abs(h.i - cue.i)), "approved") for h in self._joining_of_withdrawal(sent)]
        if stage0 and stage0 in allowed:
            cands.append(((False, 0), stage0))
        if cands and pred == Predicate.TREATY_WITHDRAWAL:
            # "notified the UN of its decision", "parliament approved the government's bill": the step reached
            return max(cands, key=lambda c: (allowed.index(c[1]), not c[0][0], -c[0][1]))[1]
        if cands:
            return min(cands)[1]
        if pred == Predicate.TREATY_WITHDRAWAL and modality == Modality.CONSIDERED:
            return "proposed"  # a withdrawal under consideration has at most been proposed
        return DEFAULT_STAGE[Predicate(pred)]

    def _weapons(self, sent: _Sentence, cue: Hit, weapon0: str | None, ctx: _Context) -> list[str]:
        found = list(dict.fromkeys(h.row.value for h in sent.of("weapon")))
        if not found and weapon0 and (not cue.row.value.startswith(Predicate.CASUALTIES) or ctx.weapon_age <= 2):
            found = [weapon0]  # "killed" counts mine victims only where mines were just named
        if not found and ctx.weapon_age <= 1 and sent.of("weapon_ref"):
            found = list(ctx.weapon)
        specific = [w for w in found if w != "mine"]
        return specific if specific and "mine" in found else found

    @staticmethod
    def _sources(sent: _Sentence) -> list[Actor]:
        """States right after a source marker ("from the US"): who gave what a receiving verb received."""
        after = {h.j + k for h in sent.of("source_marker") for k in range(2)}
        return list(dict.fromkeys(_state_actor(st.iso3) for st in sent.states if st.i in after))

    def _counterpart(self, sent: _Sentence, cue: Hit) -> Actor | None:
        if len(sent.states) < 2 and not any(h for h in sent.of("counterpart_marker")):
            return None
        for h in sent.of("counterpart_marker"):
            for st in sent.states:
                if 0 <= st.i - h.j <= 1:
                    return _state_actor(st.iso3)
        after = [st for st in sent.states if 0 < st.i - cue.i <= 3]
        if after and len(sent.states) >= 2:
            return _state_actor(after[0].iso3)
        return None

    def _actors(self, sent: _Sentence, cue: Hit, pred: str, counterpart: Actor | None, ctx: _Context) -> list[Actor]:
        """The states the sentence names (less a recipient, and places beside a named actor), else its
        organisations, else (not for treaty claims: "the question of leaving is debated" names no one) the
        actors of the sentence just before ("it", "they", "both countries")."""
        if pred == Predicate.CASUALTIES and sent.world:
            return [Actor(ActorKind.ORGANIZATION, None, "world")]
        # "Ukraine accuses Russia of using mines": the accuser is no actor of what it alleges
        accusations = [h.i for h in sent.of("accusation") if h.i < cue.i]
        named = [st for st in sent.states if not any(st.i < a for a in accusations)] or \
            ([] if accusations else sent.states)
        if pred not in TREATY_PREDICATES | {Predicate.CASUALTIES, Predicate.CLEARANCE}:
            # "Russia uses mines in Ukraine": where it happens is no actor when an actor is named
            named = [st for st in named if st.i not in sent.places] or named
        actors = [_state_actor(st.iso3) for st in named]
        actors = [a for a in dict.fromkeys(actors) if a != counterpart]
        if not actors:
            actors = [a for a, _ in sent.orgs]
        if not actors and ctx.actors and ctx.actors_age <= 2 and pred not in TREATY_PREDICATES:
            actors = [a for a in ctx.actors if a != counterpart]
        return actors

    def _modality(self, sent: _Sentence, cue: Hit | None = None) -> str:
        """Triggers in the cue's clause decide; without one there, those of the sentence."""
        hits = sent.of("modality")
        if cue is not None:
            here = [h for h in hits if self._clause(sent, h.i) == self._clause(sent, cue.i)]
            hits = here or hits
        values = {h.row.value for h in hits}
        if Modality.CONSIDERED in values:
            return Modality.CONSIDERED
        if Modality.PLANNED in values:
            return Modality.PLANNED
        return Modality.ACTUAL

    def _values(self, sent: _Sentence, cue: Hit, pred: str, actor: Actor) -> tuple[Range | None, Money | None]:
        quantity = money = None
        units = QUANTITY_UNITS.get(Predicate(pred), {"mines"})
        qs = [n for n in sent.numbers if n.unit in units]
        if pred == Predicate.CASUALTIES and actor.iso3:
            st = next((x for x in sent.states if x.iso3 == actor.iso3), None)
            if st is not None and len(sent.states) > 1:
                n = self._number_after(sent, st.j, units)
                qs = [n] if n is not None else []
        q = _nearest(qs, cue.i, lambda n: n.tok)
        if isinstance(q, Number):
            quantity = Range(q.low, q.high, q.unit, q.text)
        elif pred == Predicate.CASUALTIES and len(sent.states) <= 1:
            # "the number of victims fell from 5544 to 4710": a count after the cue in its clause, the last one
            here = self._clause(sent, cue.i)
            bare = [n for n in sent.numbers if n.tok > cue.i and n.unit is None and n.currency is None
                    and not n.is_year and not sent.text[n.end:n.end + 2].lstrip().startswith("%")
                    and self._clause(sent, min(n.tok, len(sent.toks)) - 1) == here]
            if bare:
                quantity = Range(bare[-1].low, bare[-1].high, "people", bare[-1].text)
        if pred in MONEY_PREDICATES:
            mo = _nearest([n for n in sent.numbers if n.currency], cue.i, lambda n: n.tok)
            if isinstance(mo, Number):
                money = Money(mo.low, mo.high, mo.currency, mo.text)
        return quantity, money

    # ------------------------------------------------------------------ speaker

    def _speakers(self, sents: list[_Sentence]) -> list[Speaker | None]:
        """Who says each sentence: a name beside a verb of saying, 'Name: …' in a headline, the person last
        named for 'he said', and for a quotation the speaker of the sentence that closes it."""
        out: list[Speaker | None] = []
        person: Speaker | None = None
        person_at = -99
        for k, sent in enumerate(sents):
            names = self._names(sent)
            said = None
            m = _HEADLINE_SPEAKER.match(sent.text, sent.s, sent.e)
            if m and not any(st.i == 0 for st in sent.states) and not sent.of("organization"):
                said = Speaker(m.group(1))
            elif sent.of("speech"):
                said = names[0] if names else (person if k - person_at <= 3 else None)
            if names:
                person, person_at = names[-1], k
            out.append(said)
        # a quotation opened in one sentence and closed with "…", he said in the next ones
        for k, sent in enumerate(sents):
            if out[k] is None and sent.text[sent.s:sent.s + 1] in _OPENING_QUOTES:
                for j in range(k + 1, min(k + 3, len(sents))):
                    if out[j] is not None and sents[j].of("speech"):
                        out[k] = out[j]
                        break
        return out

    @staticmethod
    def _names(sent: _Sentence) -> list[Speaker]:
        """Runs of two or more capitalised words that are no state, organisation, treaty or month, and a
        single capitalised word right beside a verb of saying ("sagte Pistorius", "Мельник заявил")."""
        blocked = {k for h in sent.hits if h.row.kind in ("treaty", "month", "organization", "state", "weapon",
                                                          "title") for k in range(h.i, h.j)}
        blocked |= {k for st in sent.states for k in range(st.i, st.j)}

        def name_like(k: int) -> bool:
            t = sent.toks[k]
            return k not in blocked and t.text[:1].isupper() and not t.text.isupper() \
                and (len(t.text) > 1 or k + 1 < len(sent.toks))

        out, run = [], []
        for k in range(len(sent.toks) + 1):
            if k < len(sent.toks) and name_like(k):
                run.append(sent.toks[k])
                continue
            if len(run) >= 2:
                out.append(Speaker(" ".join(x.text for x in run)))
            run = []
        if not out:
            for h in sent.of("speech"):
                for k in (h.j, h.i - 1):
                    if 0 < k < len(sent.toks) and name_like(k) and not (k + 1 < len(sent.toks) and name_like(k + 1)):
                        out.append(Speaker(sent.toks[k].text))
                        break
                if out:
                    break
        return out


_HEADLINE_SPEAKER = re.compile(r"([^\W\d_][\w.-]*(?: [^\W\d_][\w.-]*)?): ")
_OPENING_QUOTES = {'"', "„", "«", "“", "»"}


_EXTRACTOR = MultilingualExtractor()


def extract_multilingual(doc: Document) -> list[Claim]:
    """Claims of a document in a language with rules (none for others: see ``supports``)."""
    return _EXTRACTOR.extract(doc)
