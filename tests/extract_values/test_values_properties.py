"""Whatever the text, the extractor answers and its offsets are honest."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from minewatch.extract import values
from minewatch.extract.values import find_dates, find_values, resolve_date_expression

# Text biased towards the pieces the grammar reacts to, so that odd combinations get tried.
_PIECES = st.sampled_from(
    [
        " ", ",", ".", "-", "–", "/", ":", "(", ")", "+", "%", "$", "€", "£", "zł", "EUR", "bn", "m", "k",
        "0", "1", "12", "1,340", "165 080", "2025", "2012–13", "1.5", "10:30", "one", "a", "dozen",
        "million", "billion", "thousands of", "tens of", "hundreds of", "or more", "up to", "about",
        "more than", "between", "and", "to", "from", "mines", "people", "km", "square kilometres",
        "percent", "of GDP", "euros", "zlotys", "Article", "art.", "June", "May", "29", "Monday",
        "next year", "last", "since", "by the end of", "early", "mid-", "ago", "days", "PMN-", "F-",
        "https://x.org/1", "\u00a0", "\n", "²",
    ]
)
_TEXTS = st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=40).map("".join))
_PUBLISHED = st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))


def _check_values(text: str) -> None:
    found = values._find_values(text)  # the unguarded grammar: a bug must show, not be swallowed
    assert found == find_values(text)
    last_end = 0
    for v in found:
        assert v.text == text[v.start : v.end]
        assert 0 <= v.start < v.end <= len(text)
        assert v.start >= last_end  # left to right, never overlapping
        last_end = v.end
        assert v.kind in ("quantity", "money")
        if v.low is not None and v.high is not None:
            assert v.low <= v.high
        assert (v.currency is not None) == (v.kind == "money")


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_find_values_never_raises_and_offsets_hold(text: str) -> None:
    _check_values(text)


@settings(max_examples=300, deadline=None)
@given(_TEXTS, _PUBLISHED)
def test_find_dates_never_raises_and_offsets_hold(text: str, published: date | None) -> None:
    found = values._find_dates(text, published)  # unguarded, as above
    assert found == find_dates(text, published)
    for d in found:
        assert d.text == text[d.start : d.end]
        if d.start_date is not None and d.end_date is not None:
            assert d.start_date <= d.end_date


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=8).map("".join), _PUBLISHED)
def test_resolve_never_raises(expr: str, published: date | None) -> None:
    start, end = resolve_date_expression(expr, published)
    if start is not None and end is not None:
        assert start <= end


def test_odd_inputs() -> None:
    for text in ("", " ", "\x00", "9" * 5000, "1," * 300, "€" * 50, "between " * 30):
        _check_values(text)
        find_dates(text, None)
    assert find_values(None) == []  # type: ignore[arg-type]
    assert find_dates(None, None) == []  # type: ignore[arg-type]
