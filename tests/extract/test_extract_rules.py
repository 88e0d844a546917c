"""Every rule row's example, run through the extractor, shows the row's effect; bad rows are named."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from minewatch.extract import rules
from minewatch.extract.rules import RuleError, build_tables, claim_fields, language_rows, matches, read_rows

ROWS = language_rows("en")


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_the_example_shows_the_effect(row, claims_of):
    published = date.fromisoformat(row["published"]) if row.get("published") else None
    claims = [claim_fields(c) for c in claims_of(row["example"], published=published)]
    shown = "\n".join(f"  {c}" for c in claims) or "  (no claims)"
    for want in row["effect"].get("expect", []):
        assert any(matches(c, want) for c in claims), f"{row['_where']}: no claim matches {want}; got\n{shown}"
    for unwanted in row["effect"].get("reject", []):
        assert not any(matches(c, unwanted) for c in claims), f"{row['_where']}: a claim matches {unwanted}:\n{shown}"


def test_every_table_is_filled_and_examples_are_distinct():
    tables = rules.lexicon("en")
    assert set(tables) == set(rules.TABLES)
    assert len({r["example"] for r in ROWS}) >= 0.9 * len(ROWS)


GOOD = {"id": "ok", "table": "ban_words", "value": ["ban"], "effect": {"reject": [{"predicate": "use"}]},
        "reason": "r", "example": "e"}


@pytest.mark.parametrize("change, fragment", [
    ({"table": "banwords"}, "unknown table 'banwords'"),
    ({"value": ["(unclosed"]}, "no regular expression"),
    ({"value": []}, "non-empty list"),
    ({"label": "x"}, "takes no label"),
    ({"table": "predicates"}, "needs a label"),
    ({"effect": {}}, "at least one expect or reject"),
    ({"effect": {"expect": [{"predicat": "use"}]}}, "unknown claim field(s) ['predicat']"),
    ({"reason": "two\nlines"}, "on one line"),
    ({"id": "Bad Id"}, "must be lower-case"),
    ({"published": "March"}, "YYYY-MM-DD"),
    ({"extra": 1}, "unknown ['extra']"),
])
def test_a_bad_row_is_named_by_file_line_and_id(tmp_path, change, fragment):
    folder = tmp_path / "xx"
    folder.mkdir()
    path = folder / "bad.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "id": "second", **change}) + "\n")
    with pytest.raises(RuleError) as err:
        read_rows(path)
    assert "xx/bad.jsonl:2" in str(err.value) and fragment in str(err.value)


def test_duplicate_ids_and_missing_tables_are_errors(tmp_path, monkeypatch):
    folder = tmp_path / "xx"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps(GOOD) + "\n")
    (folder / "b.jsonl").write_text(json.dumps(GOOD) + "\n")
    monkeypatch.setattr(rules, "RULES", tmp_path)
    with pytest.raises(RuleError, match=r"xx/b.jsonl:1 \(ok\): duplicate id, first at xx/a.jsonl:1"):
        language_rows("xx")
    with pytest.raises(RuleError, match="no rules for language 'zz'"):
        language_rows("zz")
    with pytest.raises(RuleError, match="no rows fill the table"):
        build_tables(read_rows(folder / "a.jsonl"))


def test_rows_of_one_label_concatenate_in_file_order():
    rows = [{**GOOD, "table": "predicates", "label": "use", "value": ["lay"], "_where": "w"},
            {**GOOD, "table": "predicates", "label": "use", "value": ["plant"], "_where": "w"}]
    with pytest.raises(RuleError):  # the other tables are missing
        build_tables(rows)
    full = ROWS + [{**rows[1], "value": ["sow"], "_where": "extra"}]
    assert build_tables(full)["predicates"]["use"][-1] == "sow"


def test_named_phrases_and_word_sets():
    assert rules.phrase("until_now", re.IGNORECASE).search("it had not done so UNTIL NOW")
    assert "remains" in rules.words("status_verbs")
    with pytest.raises(RuleError, match="fills the phrase 'nope'"):
        rules.phrase("nope")
    with pytest.raises(RuleError, match="fills the word set 'nope'"):
        rules.words("nope")
