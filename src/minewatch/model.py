"""Domain types shared by every stage.

Each stage is a plain function over these plain values; none of them knows about
the database, the CLI or the web.  The field names follow the claim contract
(``docs/claims.md`` in the shared folder) so that a claim converts to its JSON
export without renaming.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Treaty(StrEnum):
    APMBC = "APMBC"
    CCM = "CCM"


class Predicate(StrEnum):
    TREATY_WITHDRAWAL = "treaty_withdrawal"
    TREATY_JOINING = "treaty_joining"
    PRODUCTION = "production"
    PROCUREMENT = "procurement"
    STOCKPILE = "stockpile"
    TRANSFER = "transfer"
    USE = "use"
    DESTRUCTION = "destruction"
    CLEARANCE = "clearance"
    CASUALTIES = "casualties"
    BORDER = "border"


#: The predicates that carry a treaty and a stage, never a weapon (one copy for every stage that asks).
TREATY_PREDICATES = frozenset({Predicate.TREATY_WITHDRAWAL, Predicate.TREATY_JOINING})

WITHDRAWAL_STAGES = ("proposed", "decided", "approved", "notified", "effective")
JOINING_STAGES = ("signed", "ratified", "acceded", "in_force")


class Weapon(StrEnum):
    AP_MINE = "ap_mine"
    AT_MINE = "at_mine"
    MINE = "mine"
    CLUSTER_MUNITION = "cluster_munition"


class Modality(StrEnum):
    ACTUAL = "actual"
    PLANNED = "planned"
    CONSIDERED = "considered"


#: Strength order used when several reports of one fact disagree on modality.
MODALITY_STRENGTH = {Modality.CONSIDERED: 0, Modality.PLANNED: 1, Modality.ACTUAL: 2}


class Polarity(StrEnum):
    AFFIRMED = "affirmed"
    NEGATED = "negated"


class ActorKind(StrEnum):
    STATE = "state"
    ORGANIZATION = "organization"
    ARMED_GROUP = "armed_group"


class Status(StrEnum):
    """Status of a state under a treaty on a date."""

    PARTY = "party"
    SIGNATORY = "signatory"
    WITHDRAWING = "withdrawing"
    WITHDRAWN = "withdrawn"
    NOT_PARTY = "not_party"
    UNKNOWN = "unknown"


def short_hash(*parts: object, length: int = 16) -> str:
    """A stable identifier from content, so re-running a stage gives the same ids."""
    h = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]


@dataclass(frozen=True)
class Actor:
    kind: str
    iso3: str | None
    name: str

    @property
    def key(self) -> str:
        return self.iso3 or self.name

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "iso3": self.iso3, "name": self.name}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Actor | None:
        if not d:
            return None
        return cls(kind=d.get("kind") or ActorKind.STATE, iso3=d.get("iso3"), name=d.get("name") or d.get("iso3") or "")


@dataclass
class Range:
    """A quantity: inclusive [low, high]; ``None`` is open."""

    low: float | None
    high: float | None
    unit: str | None = None
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"low": _num(self.low), "high": _num(self.high), "unit": self.unit, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Range | None:
        if not d:
            return None
        return cls(low=d.get("low"), high=d.get("high"), unit=d.get("unit"), text=d.get("text"))


@dataclass
class Money:
    low: float | None
    high: float | None
    currency: str | None = None
    text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"low": _num(self.low), "high": _num(self.high), "currency": self.currency, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Money | None:
        if not d:
            return None
        return cls(low=d.get("low"), high=d.get("high"), currency=d.get("currency"), text=d.get("text"))


@dataclass
class DateRange:
    start: date | None
    end: date | None
    text: str | None = None
    #: Where the date comes from: ``stated`` for the act, ``relative`` to the publication, or
    #: ``reported`` (a dateline or byline: when the story was filed); ``None`` when not known.
    basis: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The contract's three fields, and ``basis`` where it is known (an extra field)."""
        out: dict[str, Any] = {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "text": self.text,
        }
        if self.basis is not None:
            out["basis"] = self.basis
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> DateRange | None:
        if not d:
            return None
        return cls(start=_date(d.get("start")), end=_date(d.get("end")), text=d.get("text"), basis=d.get("basis"))


@dataclass(frozen=True)
class Speaker:
    name: str
    role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Speaker | None:
        if not d or not d.get("name"):
            return None
        return cls(name=d["name"], role=d.get("role"))


@dataclass(frozen=True)
class Evidence:
    """A span of the document's cleaned text: ``text == cleaned[start:end]``."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


def act_dict(x: Any, known_id: str | None = None) -> dict[str, Any]:
    """The first fields of a claim's and a fact's JSON, in the contract's order: its id, and who does
    what to whom under which treaty (``Claim.to_dict``, ``reconcile.facts.Fact.to_dict``).
    ``known_id``: the id as stored, which spares hashing the identity again for every row read."""
    return {
        "id": known_id or x.id,
        "actor": x.actor.to_dict(),
        "predicate": str(x.predicate),
        "stage": x.stage,
        "treaty": x.treaty,
        "weapon": x.weapon,
        "counterpart": x.counterpart.to_dict() if x.counterpart else None,
    }


@dataclass
class Claim:
    """One assertion of one document about one actor and one activity (claims.md)."""

    document_id: str
    actor: Actor
    predicate: str
    stage: str | None = None
    treaty: str | None = None
    weapon: str | None = None
    counterpart: Actor | None = None
    modality: str = Modality.ACTUAL
    polarity: str = Polarity.AFFIRMED
    quantity: Range | None = None
    money: Money | None = None
    time: DateRange | None = None
    speaker: Speaker | None = None
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5
    #: the extraction design and model version that produced it ("claims.v2/model-2026-12")
    extractor: str | None = None

    @property
    def identity(self) -> tuple[str | None, ...]:
        """The fields that make two mentions in one document the same claim."""
        return (
            self.actor.key,
            self.predicate,
            self.stage,
            self.treaty,
            self.weapon,
            self.counterpart.key if self.counterpart else None,
            self.modality,
            self.polarity,
        )

    @property
    def id(self) -> str:
        """Stable across re-extraction, so analysts' reviews stay attached."""
        return "c-" + short_hash(self.document_id, *self.identity)

    def to_dict(self, known_id: str | None = None) -> dict[str, Any]:
        """The claim's own fields in the contract's shape (``document`` is added by the store);
        ``known_id``: its stored id (see ``act_dict``)."""
        return {
            **act_dict(self, known_id),
            "modality": str(self.modality),
            "polarity": str(self.polarity),
            "quantity": self.quantity.to_dict() if self.quantity else None,
            "money": self.money.to_dict() if self.money else None,
            "time": self.time.to_dict() if self.time else None,
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "evidence": [e.to_dict() for e in self.evidence],
            "confidence": round(float(self.confidence), 3),
            "extractor": self.extractor,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], document_id: str | None = None) -> Claim:
        doc = d.get("document") or {}
        return cls(
            document_id=document_id or doc.get("id") or d.get("document_id") or "",
            actor=Actor.from_dict(d["actor"]),  # type: ignore[arg-type]
            predicate=d["predicate"],
            stage=d.get("stage"),
            treaty=d.get("treaty"),
            weapon=d.get("weapon"),
            counterpart=Actor.from_dict(d.get("counterpart")),
            modality=d.get("modality") or Modality.ACTUAL,
            polarity=d.get("polarity") or Polarity.AFFIRMED,
            quantity=Range.from_dict(d.get("quantity")),
            money=Money.from_dict(d.get("money")),
            time=DateRange.from_dict(d.get("time")),
            speaker=Speaker.from_dict(d.get("speaker")),
            evidence=[Evidence(e["start"], e["end"], e["text"]) for e in d.get("evidence") or []],
            confidence=float(d.get("confidence") or 0.5),
            extractor=d.get("extractor"),
        )


@dataclass
class Document:
    """An ingested article: original text kept, cleaned text used for extraction and offsets."""

    text: str
    original: str
    path: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: date | None = None
    language: str | None = None
    via: list[str] = field(default_factory=list)
    source_kind: str = "text"
    story_id: str | None = None
    content_hash: str = ""

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = content_hash(self.text)

    @property
    def id(self) -> str:
        return "d-" + self.content_hash[:16]


def normalise_for_hash(text: str) -> str:
    """Case, punctuation spacing and whitespace do not make a new document."""
    return " ".join(text.lower().split())


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


@dataclass
class Story:
    id: str
    document_ids: list[str]
    agencies: list[str] = field(default_factory=list)
    first_published: date | None = None
    last_published: date | None = None


def merged_story(merges: dict[str, str], story_id: str) -> str:
    """The story ``story_id`` ended in after the merges (old id → surviving id, chains followed)."""
    seen: set[str] = set()
    while story_id in merges and story_id not in seen:
        seen.add(story_id)
        story_id = merges[story_id]
    return story_id


def _num(v: float | None) -> float | int | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _date(v: Any) -> date | None:
    if v is None or isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError:
        return None
