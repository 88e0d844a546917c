"""Extraction rules as data: the phrasings the extractor knows, one validated row each, per language.

``rules/<language>/*.jsonl`` hold rows; each row fills one *table* the extractor's mechanisms read
(a cue list, a stage's patterns, a word set) and says why it is there and what it does, with an example
sentence of its own that the tests run through the extractor (``effect``: the claims the example must
and must not give).  Adding a phrasing is adding a row, or a pattern to a row's ``value``.

Row fields: ``id`` (unique in the language), ``table``, ``label`` (for tables keyed by label, e.g. the
predicate of a cue), ``value`` (the patterns or words; regular expressions matched case-insensitively
unless the table says otherwise), ``effect`` (``{"expect": [partial claims], "reject": [partial claims]}``),
``reason`` (one line), ``example`` (a sentence written for minewatch) and optionally ``published``
(the example's publication date).  A partial claim names claim fields (see ``FIELDS``) with a value,
or an operator: ``{"not": v}``, ``{"lt": n}``, ``{"gt": n}``, ``{"contains": s}``.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

RULES = Path(__file__).parent

#: Each table's shape: ``labelled`` (label -> list of patterns, rows of one label concatenate),
#: ``list`` (rows concatenate), ``text`` (one pattern), ``flag`` (one boolean), ``map`` (word -> value).
TABLES: dict[str, str] = {
    "predicates": "labelled", "weapons": "labelled", "treaties": "labelled", "withdrawal_stages": "labelled",
    "joining_stages": "labelled", "modality": "labelled", "anaphors": "labelled", "counterpart_preps": "labelled",
    # named phrasings the extractor's mechanisms match: ``phrase(name)`` (alternatives joined by "|")
    # and ``words(name)`` (a word set, in row order)
    "phrases": "labelled", "words": "labelled",
    # cues that only propose candidates to the claim model (the rules never act on them)
    "candidate_cues": "labelled",
    "number_words": "map", "intrinsic_weapon_cues": "map", "treaty_years": "map",
    "weapon_noun": "text", "co_actor_pattern": "text", "withdrawal_anaphor": "text",
    "casualty_needs_quantity": "flag",
    **{name: "list" for name in (
        "weapon_predicates", "ban_words", "weapon_needs_noun", "generic_treaty", "withdrawal_stage_priority",
        "joining_stage_priority", "modality_words_case_sensitive", "negations", "negation_shifting_verbs",
        "considered_sentence_cues", "speech_verbs", "titles", "state_bodies", "non_actor_preps", "global_words",
        "casualty_place_preps", "subject_excluding_preps", "nominal_subject_verbs_kept",
        "nominal_subject_attributes_kept", "fallback_weapon_cues", "process_nouns", "means_clause_preps",
        "screen_always", "presupposing_marks", "speaker_descriptions", "presupposing_preps",
        "transfer_inverse_cues", "denial_verbs", "phrasal_withdrawal_verbs", "accusation_verbs", "use_place_preps",
        "place_nouns", "weapon_anaphors", "acting_bodies", "mine_industrial_context", "mine_weapon_context",
        "figurative_minefield", "approval_objects")},
}
ROW_KEYS = {"id", "table", "label", "value", "effect", "reason", "example", "published"}
REQUIRED = {"id", "table", "value", "effect", "reason", "example"}
#: The claim fields an effect may name (``claim_fields`` gives them for a claim).
FIELDS = frozenset({
    "actor", "actor_name", "predicate", "stage", "treaty", "weapon", "counterpart", "modality", "polarity",
    "speaker", "speaker_role", "quantity", "quantity_low", "quantity_high", "time", "time_start", "time_text", "time_year",
    "time_month", "time_day"})
OPERATORS = frozenset({"not", "lt", "gt", "contains"})
_ID = re.compile(r"[a-z0-9][a-z0-9_.-]*\Z")


class RuleError(ValueError):
    """A malformed rule row; the message names the file, the line and the row id."""


def check_partial(where: str, partial: Any) -> None:
    """A partial claim names known fields, each with a value or one known operator."""
    if not isinstance(partial, dict) or not partial:
        raise RuleError(f"{where}: a partial claim must be a non-empty object, got {partial!r}")
    unknown = set(partial) - FIELDS
    if unknown:
        raise RuleError(f"{where}: unknown claim field(s) {sorted(unknown)}; known: {sorted(FIELDS)}")
    for key, want in partial.items():
        if isinstance(want, dict) and (len(want) != 1 or set(want) - OPERATORS):
            raise RuleError(f"{where}: field {key!r} takes a value or one operator of {sorted(OPERATORS)}, "
                            f"got {want!r}")


def check_effect(where: str, effect: Any) -> None:
    if not isinstance(effect, dict) or set(effect) - {"expect", "reject"}:
        raise RuleError(f"{where}: effect must be an object with 'expect' and/or 'reject' lists")
    if not effect.get("expect") and not effect.get("reject"):
        raise RuleError(f"{where}: effect needs at least one expect or reject entry")
    for kind in ("expect", "reject"):
        if not isinstance(effect.get(kind, []), list):
            raise RuleError(f"{where}: effect.{kind} must be a list")
        for i, partial in enumerate(effect.get(kind, [])):
            check_partial(f"{where} effect.{kind}[{i}]", partial)


def _check_value(where: str, kind: str, value: Any) -> None:
    def pattern(p: Any) -> None:
        if not isinstance(p, str) or not p:
            raise RuleError(f"{where}: a pattern must be a non-empty string, got {p!r}")
        try:
            re.compile(p)
        except re.error as exc:
            raise RuleError(f"{where}: pattern {p!r} is no regular expression ({exc})") from exc

    if kind in ("labelled", "list"):
        if not isinstance(value, list) or not value:
            raise RuleError(f"{where}: value must be a non-empty list of patterns")
        for p in value:
            pattern(p)
    elif kind == "text":
        pattern(value)
    elif kind == "flag":
        if not isinstance(value, bool):
            raise RuleError(f"{where}: value must be true or false")
    elif kind == "map":
        if not isinstance(value, dict) or not value or not all(isinstance(k, str) and k for k in value):
            raise RuleError(f"{where}: value must be a non-empty object of words")


def _check_row(where: str, row: Any) -> None:
    if not isinstance(row, dict):
        raise RuleError(f"{where}: a row must be an object")
    missing, unknown = REQUIRED - set(row), set(row) - ROW_KEYS
    if missing or unknown:
        raise RuleError(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    if not isinstance(row["id"], str) or not _ID.match(row["id"]):
        raise RuleError(f"{where}: id {row['id']!r} must be lower-case letters, digits, '_', '.', '-'")
    where = f"{where} ({row['id']})"
    kind = TABLES.get(row["table"])
    if kind is None:
        raise RuleError(f"{where}: unknown table {row['table']!r}; known: {sorted(TABLES)}")
    if (kind == "labelled") != ("label" in row):
        raise RuleError(f"{where}: table {row['table']!r} " + ("needs a label" if kind == "labelled"
                                                                  else "takes no label"))
    _check_value(where, kind, row["value"])
    check_effect(where, row["effect"])
    for key in ("reason", "example"):
        if not isinstance(row[key], str) or not row[key].strip() or "\n" in row[key] and key == "reason":
            raise RuleError(f"{where}: {key} must be a non-empty string" + (" on one line" if key == "reason" else ""))
    if "published" in row:
        try:
            date.fromisoformat(row["published"])
        except (TypeError, ValueError) as exc:
            raise RuleError(f"{where}: published must be YYYY-MM-DD") from exc


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The valid rows of one rule file; the first bad row raises ``RuleError`` naming file and line."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.parent.name}/{path.name}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RuleError(f"{where}: not JSON ({exc})") from exc
        _check_row(where, row)
        row["_where"] = f"{where} ({row['id']})"
        rows.append(row)
    return rows


def language_rows(language: str = "en") -> list[dict[str, Any]]:
    """Every row of a language, files in name order, rows in file order; ids are unique."""
    folder = RULES / language
    if not folder.is_dir():
        raise RuleError(f"no rules for language {language!r} (no folder {folder})")
    rows: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for row in read_rows(path):
            if row["id"] in seen:
                raise RuleError(f"{row['_where']}: duplicate id, first at {seen[row['id']]}")
            seen[row["id"]] = row["_where"]
            rows.append(row)
    return rows


def build_tables(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The tables the rows fill, as the extractor's mechanisms read them."""
    out: dict[str, Any] = {}
    for row in rows:
        table, kind, value = row["table"], TABLES[row["table"]], row["value"]
        if kind == "labelled":
            out.setdefault(table, {}).setdefault(row["label"], []).extend(value)
        elif kind == "list":
            out.setdefault(table, []).extend(value)
        elif table in out:
            raise RuleError(f"{row['_where']}: table {table!r} takes one row")
        else:
            out[table] = dict(value) if kind == "map" else value
    missing = set(TABLES) - set(out)
    if missing:
        raise RuleError(f"no rows fill the table(s) {sorted(missing)}")
    return out


@lru_cache(maxsize=4)
def lexicon(language: str = "en") -> dict[str, Any]:
    """The rule tables of one language, loaded and validated once per process."""
    return build_tables(language_rows(language))


def phrase(name: str, flags: int = 0, language: str = "en") -> re.Pattern[str]:
    """The named phrasing as one regular expression: its rows' alternatives joined by "|".

    Flags stay with the code that matches (whether case matters is how a mechanism reads a
    phrase), the alternatives are data."""
    try:
        alternatives = lexicon(language)["phrases"][name]
    except KeyError:
        raise RuleError(f"no rule row of language {language!r} fills the phrase {name!r}") from None
    return re.compile("|".join(alternatives), flags)


def words(name: str, language: str = "en") -> tuple[str, ...]:
    """The named word set, in row order (some readers match prefixes in order)."""
    try:
        return tuple(lexicon(language)["words"][name])
    except KeyError:
        raise RuleError(f"no rule row of language {language!r} fills the word set {name!r}") from None


def claim_fields(claim: Any) -> dict[str, Any]:
    """A claim as the flat fields an effect (or a test case) names."""
    t, q = claim.time, claim.quantity
    start = t.start if t is not None else None
    return {
        "actor": claim.actor.key, "actor_name": claim.actor.name, "predicate": claim.predicate,
        "stage": claim.stage, "treaty": claim.treaty, "weapon": claim.weapon,
        "counterpart": claim.counterpart.key if claim.counterpart else None,
        "modality": claim.modality, "polarity": claim.polarity,
        "speaker": claim.speaker.name if claim.speaker else None,
        "speaker_role": claim.speaker.role if claim.speaker else None,
        "quantity": q.to_dict() if q is not None else None,
        "quantity_low": q.low if q is not None else None, "quantity_high": q.high if q is not None else None,
        "time": t.to_dict() if t is not None else None,
        "time_start": start.isoformat() if start else None, "time_text": t.text if t is not None else None,
        "time_year": start.year if start else None, "time_month": start.month if start else None,
        "time_day": start.day if start else None,
    }


def _holds(got: Any, want: Any) -> bool:
    if isinstance(want, dict):
        (op, arg), = want.items()
        if op == "not":
            return got != arg
        if got is None:
            return False
        if op == "lt":
            return got < arg
        if op == "gt":
            return got > arg
        return arg in got  # contains
    return got == want


def matches(fields: dict[str, Any], partial: dict[str, Any]) -> bool:
    """Whether a claim's fields satisfy every field of a partial claim."""
    return all(_holds(fields[k], v) for k, v in partial.items())
