"""Every rule row runs: its example sentence (written for the row, in its language) must contain it."""

from __future__ import annotations

import pytest

from minewatch.extract.multilingual import supported_languages
from minewatch.extract.multilingual.rules import KINDS, Matcher, Row, load_rows, matcher, tokenize

ROWS = [r for lang in supported_languages() for r in load_rows(lang)]


def test_the_seed_languages_have_rules() -> None:
    assert {"lt", "fi", "pl", "uk", "lv", "et", "ru", "de"} <= set(supported_languages())


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_row_is_complete(row: Row) -> None:
    assert row.kind in KINDS
    assert row.why, f"{row.id}: a one-line reason is required"
    assert row.example, f"{row.id}: an example sentence is required"
    assert row.id.startswith(row.lang + "-"), f"{row.id}: ids start with the language"
    if not KINDS[row.kind].startswith("empty"):
        assert row.value, f"{row.id}: kind {row.kind} needs a value ({KINDS[row.kind]})"


@pytest.mark.parametrize("row", [r for r in ROWS if r.pattern], ids=[r.id for r in ROWS if r.pattern])
def test_row_matches_its_example(row: Row) -> None:
    assert matcher(row.lang).matches_example(row), f"{row.id}: {row.pattern!r} not found in {row.example!r}"


@pytest.mark.parametrize("row", [r for r in ROWS if r.kind == "negation_prefix"],
                         ids=[r.id for r in ROWS if r.kind == "negation_prefix"])
def test_negation_prefix_negates_a_cue_in_its_example(row: Row) -> None:
    toks = tokenize(row.example, row.lang)
    assert any(h.negated for h in matcher(row.lang).find(toks))


@pytest.mark.parametrize("row", [r for r in ROWS if r.kind == "place_suffix"],
                         ids=[r.id for r in ROWS if r.kind == "place_suffix"])
def test_place_suffix_ends_a_state_in_its_example(row: Row) -> None:
    from minewatch.extract.multilingual.states import find_states

    toks = tokenize(row.example, row.lang)
    assert any(toks[st.j - 1].lower.endswith(row.value) for st in find_states(toks, row.lang))


def test_pattern_syntax() -> None:
    rows = [Row("xx", "xx-a", "weapon", "anti* mine", "ap_mine", "r", ""),
            Row("xx", "xx-b", "state", "=KAM", "LTU", "r", ""),
            Row("xx", "xx-c", "predicate", "tritt ~ aus", "treaty_withdrawal", "r", ""),
            Row("xx", "xx-d", "treaty", "*sopimu*", "APMBC", "r", "")]
    m = Matcher("xx", rows)

    def ids(text: str) -> set[str]:
        return {h.row.id for h in m.find(tokenize(text, "en"))}

    assert ids("Antipersonnel mine here") == {"xx-a"}
    assert ids("the KAM said") == {"xx-b"}
    assert ids("the kam said") == set()  # '=' keeps case
    assert ids("Polen tritt aus") == {"xx-c"}
    assert ids("Polen tritt heute bald aus") == {"xx-c"}  # '~' skips up to two words
    assert ids("Polen tritt heute nicht mehr aus") == set()
    assert ids("miinakieltosopimuksesta") == {"xx-d"}


def test_unknown_kind_is_a_clear_error(tmp_path, monkeypatch) -> None:
    with pytest.raises(ValueError, match="empty, or starts or ends"):
        Matcher("xx", [Row("xx", "xx-a", "weapon", "~ mine", "mine", "r", "")])
