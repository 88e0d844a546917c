"""Words for explanations and timelines, kept as tables so wording changes touch no logic.

Every sentence reconciliation shows a reader is assembled here from the
claim's fields; the templates use ``{actor}``, ``{weapon}``, ``{counterpart}``
and ``{treaty}``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

#: A report that speaks of suspending the treaty (English evidence) says what a suspension
#: notification in the depositary record says: no contradiction with it.
SUSPENDING = re.compile(r"\bsuspen(?:d|ds|ded|ding|sion)\b", re.IGNORECASE)

TREATY_NAMES = {
    "APMBC": "the Mine Ban Treaty",
    "CCM": "the Convention on Cluster Munitions",
}

WEAPON_NAMES = {
    "ap_mine": "anti-personnel mines",
    "at_mine": "anti-tank mines",
    "mine": "mines",
    "cluster_munition": "cluster munitions",
}

#: How a modality qualifies a noun ("Lithuania's planned spending").
MODALITY_ADJECTIVES = {"actual": "", "planned": "planned ", "considered": "possible ", "prospective": "planned "}

#: How a modality is described when sources disagree about it.
MODALITY_DESCRIPTIONS = {
    "actual": "as having happened",
    "planned": "as planned",
    "considered": "as only under consideration",
}

#: The activity a claim is about, as a noun phrase: (predicate, stage) first, then predicate.
ACTIVITY_NOUNS: dict[Any, str] = {
    "production": "production of {weapon}",
    "procurement": "purchase of {weapon}",
    "stockpile": "stockpile of {weapon}",
    "transfer": "supply of {weapon} to {counterpart}",
    "use": "use of {weapon}",
    "destruction": "destruction of stockpiled {weapon}",
    "clearance": "mine clearance",
    "casualties": "mine casualties",
    "border": "border with {counterpart}",
    "treaty_withdrawal": "withdrawal from {treaty}",
    "treaty_joining": "joining {treaty}",
    ("treaty_withdrawal", "proposed"): "proposal to withdraw from {treaty}",
    ("treaty_withdrawal", "decided"): "decision to withdraw from {treaty}",
    ("treaty_withdrawal", "approved"): "parliamentary approval of withdrawal from {treaty}",
    ("treaty_withdrawal", "notified"): "notification of withdrawal from {treaty}",
    ("treaty_withdrawal", "effective"): "withdrawal from {treaty} taking effect",
    ("treaty_joining", "signed"): "signature of {treaty}",
    ("treaty_joining", "ratified"): "ratification of {treaty}",
    ("treaty_joining", "acceded"): "accession to {treaty}",
    ("treaty_joining", "in_force"): "becoming bound by {treaty}",
}

#: What money is spent on, per predicate (a spending figure is one figure whatever the copy filed it under).
MONEY_OBJECTS = {
    "clearance": "mine clearance",
    "destruction": "destroying stockpiled {weapon}",
    "casualties": "assistance to mine victims",
}
MONEY_OBJECT_DEFAULT = "{weapon}"

#: Subject of a value disagreement, per field; {possessive} is "Lithuania's", {mod} the modality adjective.
FIELD_SUBJECTS = {
    "money": "{possessive} {mod}spending on {object}",
    "quantity": "the figure for {possessive} {mod}{noun}",
    "time": "the date of {possessive} {mod}{noun}",
}
#: Border lengths read better as lengths.
QUANTITY_SUBJECTS = {"border": "the length of {possessive} border with {counterpart}"}

#: Verb forms (past, infinitive) for timeline sentences: (predicate, stage) first, then predicate.
VERB_FORMS: dict[Any, tuple[str, str]] = {
    "production": ("produced {weapon}", "produce {weapon}"),
    "procurement": ("bought {weapon}", "buy {weapon}"),
    "stockpile": ("held a stockpile of {weapon}", "hold a stockpile of {weapon}"),
    "transfer": ("supplied {weapon} to {counterpart}", "supply {weapon} to {counterpart}"),
    "use": ("used {weapon}", "use {weapon}"),
    "destruction": ("destroyed stockpiled {weapon}", "destroy stockpiled {weapon}"),
    "clearance": ("cleared mined land", "clear mined land"),
    "casualties": ("recorded mine casualties", "record mine casualties"),
    "border": ("shares a border with {counterpart}", "share a border with {counterpart}"),
    "treaty_withdrawal": ("moved to withdraw from {treaty}", "withdraw from {treaty}"),
    "treaty_joining": ("joined {treaty}", "join {treaty}"),
    ("treaty_withdrawal", "proposed"): ("proposed withdrawing from {treaty}", "propose withdrawing from {treaty}"),
    ("treaty_withdrawal", "decided"): ("decided to withdraw from {treaty}", "decide to withdraw from {treaty}"),
    ("treaty_withdrawal", "approved"): ("approved withdrawal from {treaty}", "approve withdrawal from {treaty}"),
    ("treaty_withdrawal", "notified"): (
        "notified the depositary of its withdrawal from {treaty}",
        "notify the depositary of its withdrawal from {treaty}",
    ),
    ("treaty_withdrawal", "effective"): ("left {treaty}", "leave {treaty}"),
    ("treaty_joining", "signed"): ("signed {treaty}", "sign {treaty}"),
    ("treaty_joining", "ratified"): ("ratified {treaty}", "ratify {treaty}"),
    ("treaty_joining", "acceded"): ("acceded to {treaty}", "accede to {treaty}"),
    ("treaty_joining", "in_force"): ("became bound by {treaty}", "become bound by {treaty}"),
}

#: Sentence frames per modality (and for denials) around the verb forms.
MODALITY_FRAMES = {
    "actual": "{actor} {past}",
    "planned": "{actor} plans to {infinitive}",
    "considered": "{actor} is considering whether to {infinitive}",
    "negated": "{actor} reportedly did not {infinitive}",
}

#: Depositary actions as sentences, for the timeline and for record conflicts.
RECORD_SENTENCES = {
    "signature": "{state} signed {treaty}.",
    "ratification": "{state} deposited its instrument of ratification of {treaty}.",
    "acceptance": "{state} deposited its instrument of acceptance of {treaty}.",
    "approval": "{state} deposited its instrument of approval of {treaty}.",
    "accession": "{state} deposited its instrument of accession to {treaty}.",
    "succession": "{state} notified the depositary of its succession to {treaty}.",
    "entry_into_force": "{treaty_cap} entered into force for {state}.",
    "withdrawal_notification": "{state} deposited its instrument of withdrawal from {treaty}.",
    "withdrawal_effective": "{state_pos} withdrawal from {treaty} took effect.",
    "suspension_notification": (
        "{state} notified the depositary that it suspends the operation of {treaty} "
        "(the treaty has no suspension clause)."
    ),
}
COMPUTED_RECORD_SENTENCES = {
    "entry_into_force": "{treaty_cap} entered into force for {state} (computed from the deposit date, Art. 17(2)).",
    "withdrawal_effective": (
        "{state_pos} withdrawal from {treaty} takes effect (computed: six months after the instrument "
        "was received, Art. 20(3))."
    ),
    "withdrawal_pending": "{state_pos} withdrawal from {treaty} cannot take effect yet: {reason}.",
}

#: Nouns for depositary actions inside sentences ("its accession deposited on …").
RECORD_NOUNS = {
    "signature": "signature",
    "ratification": "ratification",
    "acceptance": "acceptance",
    "approval": "approval",
    "accession": "accession",
    "succession": "succession",
    "entry_into_force": "entry into force",
    "withdrawal_notification": "instrument of withdrawal",
    "withdrawal_effective": "withdrawal taking effect",
    "suspension_notification": "suspension notification",
}


def treaty_name(code: str | None) -> str:
    if not code:
        return "the treaty"
    return TREATY_NAMES.get(str(code), str(code))


def weapon_name(code: str | None) -> str:
    return WEAPON_NAMES.get(str(code), "mines") if code else "mines"


def weapons_name(codes: list[str | None]) -> str:
    names = sorted({weapon_name(c) for c in codes})
    if len(names) > 1 and "mines" in names:
        names.remove("mines")
    if len(names) == 2 and all(n.endswith(" mines") for n in names):
        return f"{names[0][: -len(' mines')]} and {names[1]}"
    return " and ".join(names)


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def capitalise(s: str) -> str:
    return s[:1].upper() + s[1:]


def _lookup(table: dict[Any, Any], predicate: str, stage: str | None, default: Any) -> Any:
    if stage and (predicate, stage) in table:
        return table[(predicate, stage)]
    return table.get(predicate, default)


def _slots(actor: str, weapon: str, counterpart: str | None, treaty: str | None) -> dict[str, str]:
    return {
        "actor": actor,
        "weapon": weapon,
        "counterpart": counterpart or "another state",
        "treaty": treaty_name(treaty),
    }


def activity_noun(predicate: str, stage: str | None, weapon: str, counterpart: str | None, treaty: str | None) -> str:
    template = _lookup(ACTIVITY_NOUNS, str(predicate), stage, str(predicate).replace("_", " "))
    return template.format(**_slots("", weapon, counterpart, treaty))


def value_subject(
    field_name: str,
    *,
    actor: str,
    predicate: str,
    stage: str | None,
    weapon: str,
    counterpart: str | None,
    treaty: str | None,
    modality: str,
) -> str:
    """What two sources disagree about, e.g. "Lithuania's planned spending on anti-personnel mines"."""
    slots = _slots(actor, weapon, counterpart, treaty)
    mod = MODALITY_ADJECTIVES.get(str(modality), "")
    if field_name == "quantity" and str(predicate) in QUANTITY_SUBJECTS:
        template = QUANTITY_SUBJECTS[str(predicate)]
    else:
        template = FIELD_SUBJECTS[field_name]
    obj = MONEY_OBJECTS.get(str(predicate), MONEY_OBJECT_DEFAULT).format(**slots)
    noun = activity_noun(predicate, stage, weapon, counterpart, treaty)
    return template.format(possessive=possessive(actor), mod=mod, object=obj, noun=noun, **slots)


def claim_sentence(
    *,
    actor: str,
    predicate: str,
    stage: str | None,
    weapon: str,
    counterpart: str | None,
    treaty: str | None,
    modality: str,
    negated: bool = False,
) -> str:
    """A plain clause for a fact ("Finland plans to produce anti-personnel mines"), without full stop."""
    past, infinitive = _lookup(VERB_FORMS, str(predicate), stage, ("reported " + str(predicate), str(predicate)))
    slots = _slots(actor, weapon, counterpart, treaty)
    frame = MODALITY_FRAMES["negated" if negated else str(modality)]
    return frame.format(actor=actor, past=past.format(**slots), infinitive=infinitive.format(**slots))


def sentence_of(x: Any) -> str:
    """``claim_sentence`` of a claim or a fact (both have these fields), for reports and timelines."""
    return claim_sentence(
        actor=x.actor.name or str(x.actor.iso3),
        predicate=str(x.predicate),
        stage=x.stage,
        weapon=weapon_name(x.weapon),
        counterpart=x.counterpart.name if x.counterpart else None,
        treaty=x.treaty,
        modality=str(x.modality),
    )


def record_sentence(action: str, state: str, treaty: str | None, *, computed: bool = False, reason: str = "") -> str:
    table = COMPUTED_RECORD_SENTENCES if computed else RECORD_SENTENCES
    template = table.get(action, "{state}: " + action.replace("_", " ") + " ({treaty}).")
    t = treaty_name(treaty)
    return template.format(state=state, state_pos=possessive(state), treaty=t, treaty_cap=capitalise(t), reason=reason)


def day_phrase(day: date | str) -> str:
    """A day in words: "18 March 2025"."""
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def time_phrase(start: date | None, end: date | None) -> str:
    """A resolved date range in words: "on 2026-01-10", "in 2026", "in January 2026"."""
    if start is None and end is None:
        return ""
    if start is not None and end is not None:
        if start == end:
            return f"on {start.isoformat()}"
        if start.year == end.year and (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31):
            return f"in {start.year}"
        last = calendar.monthrange(start.year, start.month)[1]
        if (start.year, start.month) == (end.year, end.month) and start.day == 1 and end.day == last:
            return f"in {calendar.month_name[start.month]} {start.year}"
        return f"between {start.isoformat()} and {end.isoformat()}"
    if start is not None:
        return f"from {start.isoformat()}"
    return f"by {end.isoformat()}"  # type: ignore[union-attr]
