"""Who a sentence talks about: states, organisations, armed groups, and references to them.

News rarely repeats a state's name: it says "Warsaw", "the Finns", "the Lithuanian
government", "the three Baltic states", "both countries".  All of these must land on the
same ISO code, or one fact reported three ways becomes three facts.  Every surface form
lives in ``data/`` (capitals, demonyms, parliaments, organisations, regional groups);
this module only compiles them into a few regular expressions, scanned once per text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

from minewatch.extract.rules import lexicon, words
from minewatch.model import Actor, ActorKind

DATA = Path(__file__).with_name("data")

#: Capitals too often ordinary words or people's names to stand for a state on their own.
_AMBIGUOUS_SURFACES = frozenset(words("ambiguous_capitals"))


@dataclass(frozen=True)
class ActorMention:
    """A span of text that refers to one or more actors (or, for anaphors, to earlier ones)."""

    start: int
    end: int
    text: str
    kind: str  # name | capital | people | adjective | body | group | organization | armed_group | place | anaphor
    actors: tuple[Actor, ...] = ()
    count: int | None = None  # "the three Baltic states" -> 3; anaphors with a number
    plural: bool = False

    @property
    def is_state(self) -> bool:
        return bool(self.actors) and all(a.kind == ActorKind.STATE for a in self.actors)


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _split(field: str | None) -> list[str]:
    return [p.strip() for p in (field or "").split(";") if p.strip()]


def _alternation(phrases: Iterable[str]) -> str:
    uniq = sorted({p for p in phrases if p}, key=len, reverse=True)
    return "|".join(re.escape(p) for p in uniq)


class ActorLexicon:
    """Compiled surface forms of every state, organisation and armed group."""

    def __init__(self) -> None:
        self.states: dict[str, Actor] = {}
        self.surface: dict[str, tuple[str, str]] = {}  # surface -> (kind, iso3 or org name)
        adjectives: dict[str, str] = {}
        for row in _read_csv("states.csv"):
            iso3 = row["iso3"]
            country = pycountry.countries.get(alpha_3=iso3)
            aliases = _split(row.get("aliases"))
            names: list[str] = list(aliases)
            if country is not None:
                for attr in ("name", "official_name", "common_name"):
                    value = getattr(country, attr, None)
                    if value:
                        names.append(value)
            # the common English short name ("Belarus", not the first alias "Belorussia")
            display = (row.get("display") or "").strip() or getattr(country, "common_name", None) or (
                country.name if country else (aliases[0] if aliases else iso3))
            self.states[iso3] = Actor(kind=ActorKind.STATE, iso3=iso3, name=display)
            for n in names:
                self.surface.setdefault(n, ("name", iso3))
            for c in _split(row.get("capitals")):
                if c not in _AMBIGUOUS_SURFACES:
                    self.surface.setdefault(c, ("capital", iso3))
            for p in _split(row.get("people")):
                self.surface.setdefault(p, ("people", iso3))
            for b in _split(row.get("bodies")):
                self.surface.setdefault(b, ("body", iso3))
            for a in _split(row.get("adjectives")):
                adjectives.setdefault(a, iso3)
        for row in _read_csv("places.csv"):
            # regions and towns locate an event in a state ("near Kharkiv", "the border with
            # Kaliningrad") but never act: kind "place" is kept out of actor positions
            self.surface.setdefault(row["place"], ("place", row["iso3"]))
        for row in _read_csv("leaders.csv"):
            # heads of state and government stand for their state ("Zelensky signed a decree")
            self.surface.setdefault(row["name"], ("leader", row["iso3"]))
        self.organizations: dict[str, Actor] = {}
        #: organisations that watch, report and react (never the actor of a mine activity);
        #: deminers act only in clearance
        self.observers: set[str] = set()
        self.deminers: set[str] = set()
        for row in _read_csv("organizations.csv"):
            actor = Actor(kind=row["kind"], iso3=None, name=row["name"])
            self.organizations[row["name"]] = actor
            if row.get("role") == "observer":
                self.observers.add(row["name"])
            elif row.get("role") == "deminer":
                self.deminers.add(row["name"])
            for alias in _split(row.get("aliases")) or [row["name"]]:
                self.surface.setdefault(alias, (row["kind"], row["name"]))
        self.adjectives = adjectives
        self.groups: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
            (re.compile(r"\b(?:" + row["pattern"] + r")\b"), tuple(_split(row["members"])))
            for row in _read_csv("groups.csv")
        ]
        lex = lexicon()
        self.surface_re = re.compile(r"(?<![\w-])(?:" + _alternation(self.surface) + r")(?![\w-])")
        self.adjective_re = re.compile(r"(?<![\w-])(?:" + _alternation(adjectives) + r")(?![\w])")
        # "the Syrian-Russian alliance", "Thai-Cambodian troops": each state of a hyphenated pair
        self.adjective_part_re = re.compile(r"(?:" + _alternation(adjectives) + r")(?![\w])")
        self.adjective_pair_re = re.compile(r"(?<![\w-])(?:" + _alternation(adjectives) + r")(?:-(?:"
                                            + _alternation(adjectives) + r"))+(?![\w])")
        bodies = _alternation(lex["state_bodies"])
        # "Lithuanian Foreign Minister", "the Finnish Parliament's", "Polish army"
        self.body_after_re = re.compile(r"[\s-]+(?:[A-Z][\w'’-]*\s+){0,3}?(?:" + bodies + r")\b")
        self.member_after_re = re.compile(r"[\s-]+(?:member\s+)?(?:states|countries|members|allies|nations|member)\b")
        self.number_words: dict[str, int] = lex["number_words"]
        plural = "|".join(lex["anaphors"]["plural"])
        singular = "|".join(lex["anaphors"]["singular"])
        self.plural_anaphor_re = re.compile(r"\b(?:" + plural + r")\b", re.IGNORECASE)
        self.singular_anaphor_re = re.compile(r"\b(?:" + singular + r")\b", re.IGNORECASE)
        self.count_re = re.compile(r"\b(" + "|".join(self.number_words) + r")\b", re.IGNORECASE)

    def actor_for(self, kind: str, key: str) -> Actor:
        if kind in (ActorKind.ORGANIZATION, ActorKind.ARMED_GROUP):
            return self.organizations[key]
        return self.states[key]

    def state(self, iso3: str) -> Actor | None:
        return self.states.get(iso3)

    def find(self, text: str) -> list[ActorMention]:
        """Every actor mention and anaphor in ``text``, ordered, without overlaps."""
        found: list[ActorMention] = []
        for pattern, members in self.groups:
            for m in pattern.finditer(text):
                actors = tuple(self.states[i] for i in members if i in self.states)
                found.append(ActorMention(m.start(), m.end(), m.group(0), "group", actors,
                                          count=len(actors), plural=True))
        for m in self.surface_re.finditer(text):
            kind, key = self.surface[m.group(0)]
            if kind in (ActorKind.ORGANIZATION, ActorKind.ARMED_GROUP) and self.member_after_re.match(text, m.end()):
                continue  # "NATO member states", "EU countries": the states, not the organisation
            actor = self.actor_for(kind, key)
            plural = kind == "people"
            found.append(ActorMention(m.start(), m.end(), m.group(0), kind, (actor,), plural=plural))
        for m in self.adjective_re.finditer(text):
            if self.body_after_re.match(text, m.end()):
                iso3 = self.adjectives[m.group(0)]
                found.append(ActorMention(m.start(), m.end(), m.group(0), "adjective", (self.states[iso3],)))
        for m in self.adjective_pair_re.finditer(text):
            if self.body_after_re.match(text, m.end()):
                isos = dict.fromkeys(self.adjectives[p.group(0)] for p in self.adjective_part_re.finditer(m.group(0)))
                found.append(ActorMention(m.start(), m.end(), m.group(0), "adjective",
                                          tuple(self.states[i] for i in isos), count=len(isos), plural=True))
        for m in self.plural_anaphor_re.finditer(text):
            c = self.count_re.search(m.group(0))
            count = self.number_words[c.group(1).lower()] if c else None
            found.append(ActorMention(m.start(), m.end(), m.group(0), "anaphor", (), count=count, plural=True))
        for m in self.singular_anaphor_re.finditer(text):
            found.append(ActorMention(m.start(), m.end(), m.group(0), "anaphor", (), count=1, plural=False))
        return _without_overlaps(found)


def _without_overlaps(mentions: list[ActorMention]) -> list[ActorMention]:
    """Longest mention wins; named forms beat anaphors of the same length."""
    rank = {"group": 0, "place": 1, "name": 1, "leader": 1, "organization": 1, "armed_group": 1, "body": 1, "capital": 2,
            "people": 2, "adjective": 3, "anaphor": 4}
    # named mentions first: "the three Baltic states" is a group, not an unresolved "the three … states"
    ordered = sorted(mentions, key=lambda m: (m.kind == "anaphor", -(m.end - m.start), rank.get(m.kind, 5), m.start))
    taken: list[ActorMention] = []
    for m in ordered:
        if any(m.start < t.end and t.start < m.end for t in taken):
            continue
        taken.append(m)
    return sorted(taken, key=lambda m: m.start)


@lru_cache(maxsize=1)
def actor_lexicon() -> ActorLexicon:
    return ActorLexicon()


def find_actor_mentions(text: str) -> list[ActorMention]:
    """Actor mentions in ``text`` (offsets into it), anaphors included."""
    return actor_lexicon().find(text)


def unique_actors(actors: Iterable[Actor]) -> list[Actor]:
    seen: set[str] = set()
    out: list[Actor] = []
    for a in actors:
        if a.key not in seen:
            seen.add(a.key)
            out.append(a)
    return out


class Focus:
    """The states recently in subject position, to resolve "both countries", "it", "they"."""

    def __init__(self) -> None:
        self.history: list[tuple[Actor, ...]] = []

    def push(self, actors: Sequence[Actor]) -> None:
        states = tuple(unique_actors(a for a in actors if a.kind == ActorKind.STATE))
        if states:
            self.history.append(states)

    def dominant(self) -> Actor | None:
        """The state most often in subject position so far (the latest on a tie): the home
        state of an article, which "the army" or "the ministry" belong to."""
        counts: dict[str, int] = {}
        last: dict[str, int] = {}
        actors: dict[str, Actor] = {}
        for n, entry in enumerate(self.history):
            for a in entry:
                counts[a.key] = counts.get(a.key, 0) + 1
                last[a.key] = n
                actors[a.key] = a
        if not counts:
            return None
        return actors[max(counts, key=lambda k: (counts[k], last[k]))]

    def resolve(self, mention: ActorMention) -> tuple[Actor, ...]:
        if not self.history:
            return ()
        if not mention.plural:
            for entry in reversed(self.history):
                if len(entry) == 1:
                    return entry
            return self.history[-1][:1]
        if mention.count:
            for entry in reversed(self.history[-4:]):
                if len(entry) == mention.count:
                    return entry
            union: list[Actor] = []
            for entry in reversed(self.history[-6:]):
                union = unique_actors([*entry, *union])
                if len(union) >= mention.count:
                    return tuple(union[: mention.count])
            return ()
        for entry in reversed(self.history[-3:]):
            if len(entry) >= 2:
                return entry
        return self.history[-1]
