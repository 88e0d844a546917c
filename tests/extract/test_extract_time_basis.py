"""Where a claim's date comes from (datelines, bylines, the act's own clause), vote counts and
counts of States Parties, from sentences written for these tests."""

from __future__ import annotations

from datetime import date

from minewatch.extract.partycounts import party_count_claims, reported_date
from minewatch.extract.timebasis import belongs_to_other_step, date_basis, expression_basis, is_reported_date
from minewatch.extract.triggers import Cue
from minewatch.extract.votes import find_vote
from minewatch.model import Document


def _at(text: str, expr: str) -> tuple[int, int]:
    i = text.index(expr)
    return i, i + len(expr)


def test_datelines_bylines_and_release_headers_are_when_it_was_reported():
    cases = [
        ("OSLO, March 4 (Nordpress) - Norway signed the protocol.", "March 4"),
        ("Oslo, March 4 Norway signed the protocol on mines.", "March 4"),
        ("Bergen 2 May 2025 - The ministers recommended leaving the treaty.", "2 May 2025"),
        ("(Tromsø, 9 June 2025) – A statement was issued.", "9 June 2025"),
        ("By Nordpress | Updated: June 12, 2025 09:14 IST", "June 12, 2025"),
        ("Published: 3 July 2025", "3 July 2025"),
        ("14 August 2025", "14 August 2025"),
    ]
    for text, expr in cases:
        assert is_reported_date(text, *_at(text, expr)), text
        assert date_basis(text, *_at(text, expr)) == "reported"


def test_dates_in_the_story_are_stated_or_relative():
    stated = [
        ("Norway notified the depositary on 4 March 2025.", "on 4 March 2025"),
        ("On March 4, Norway notified the depositary.", "On March 4"),
        ("In 2011 the country joined the convention.", "In 2011"),
        ("Norway, which joined in 1998, left it.", "in 1998"),
    ]
    for text, expr in stated:
        assert not is_reported_date(text, *_at(text, expr)), text
        assert date_basis(text, *_at(text, expr)) == "stated", text
    for expr in ("on Friday", "last month", "next year", "yesterday", "earlier this spring"):
        assert expression_basis(expr) == "relative", expr


def test_a_dateline_date_never_dates_the_act(claims_of):
    text = ("BERGEN, June 29 (Nordpress) Norway has notified the United Nations of its withdrawal from the "
            "Ottawa Convention.")
    claims = [c for c in claims_of(text, published=date(2025, 6, 29)) if c.stage == "notified"]
    assert claims and all(c.time is not None and c.time.basis == "reported" for c in claims)
    told = "Norway notified the United Nations of its withdrawal from the Ottawa Convention on 20 June 2025."
    (c,) = [c for c in claims_of(told, published=date(2025, 6, 29)) if c.stage == "notified"]
    assert c.time is not None and c.time.basis == "stated" and c.time.start == date(2025, 6, 20)
    assert c.to_dict()["time"]["basis"] == "stated"


def test_a_date_belongs_to_the_step_its_clause_names():
    s = "The parliament approved the exit in May 2024, and in the autumn the government notified the depositary."
    may = _at(s, "in May 2024")
    assert belongs_to_other_step(s, may, "treaty_withdrawal", "notified")
    assert not belongs_to_other_step(s, may, "treaty_withdrawal", "approved")
    plain = "The government notified the depositary in May 2024."
    assert not belongs_to_other_step(plain, _at(plain, "in May 2024"), "treaty_withdrawal", "notified")


def test_vote_counts_in_favour():
    assert find_vote("The bill was backed by 71 lawmakers, with 9 against.") == (71, "backed by 71 lawmakers")
    assert find_vote("In all, 59 MPs voted in favour and 12 against.")[0] == 59  # type: ignore[index]
    assert find_vote("The chamber passed it by 140 to 30.")[0] == 140  # type: ignore[index]
    assert find_vote("The debate lasted 12 hours.") is None


def test_a_vote_count_a_sentence_later_is_the_approval_quantity(claims_of):
    text = ("Norway's parliament approved the withdrawal from the Ottawa Convention on 3 April 2025. "
            "A total of 71 MPs voted in favour of the bill, 9 were against.")
    (c,) = [c for c in claims_of(text, published=date(2025, 4, 4)) if c.stage == "approved"]
    assert c.quantity is not None and c.quantity.low == c.quantity.high == 71
    assert c.quantity.unit == "votes in favour"


def _doc(text: str, url: str | None = None, published: date | None = None) -> Document:
    return Document(text=text, original=text, url=url, published=published, language="en")


def test_counts_of_states_parties_are_claims_of_a_known_day():
    text = "The Ottawa Convention bans the weapon. 158 countries have joined the convention so far."
    cue = [Cue(4, 21, "APMBC", "Ottawa Convention")]
    (c,) = party_count_claims(_doc(text, published=date(2024, 5, 1)), [(0, 38), (39, len(text))], cue)
    assert c.actor.name == "States Parties" and c.treaty == "APMBC" and c.stage is None
    assert c.quantity is not None and (c.quantity.low, c.quantity.high, c.quantity.unit) == (158, 158, "states")
    # no publication date: the day in the address is when it was written
    url = "https://example.org/news/2025/03/18/item.html"
    (c,) = party_count_claims(_doc(text, url=url), [(0, 38), (39, len(text))], cue)
    assert c.time is not None and c.time.start == date(2025, 3, 18) and c.time.basis == "reported"
    assert reported_date(_doc(text, url="https://example.org/a")) is None
    assert party_count_claims(_doc(text), [(0, 38), (39, len(text))], cue) == []  # no day: nothing to check
    # "in 1999, when N states joined" counts another day
    old = "The Ottawa Convention entered into force in 1999, when 158 states joined it."
    assert party_count_claims(_doc(old, published=date(2024, 5, 1)), [(0, len(old))], cue) == []
    vague = "The Ottawa Convention now has more than 150 states parties."
    (c,) = party_count_claims(_doc(vague, published=date(2024, 5, 1)), [(0, len(vague))], cue)
    assert c.quantity is not None and c.quantity.low == 150 and c.quantity.high is None


def test_a_count_told_as_of_a_date_is_checked_for_that_date():
    text = "As of March 2015, 162 countries had joined the Ottawa Convention."
    cue = [Cue(text.index("Ottawa"), text.index("Ottawa") + 17, "APMBC", "Ottawa Convention")]
    (c,) = party_count_claims(_doc(text, published=date(2025, 1, 1)), [(0, len(text))], cue)
    assert c.time is not None and c.time.basis == "stated" and c.time.start == c.time.end == date(2015, 3, 31)


def test_the_dateline_ingest_reads_is_a_reported_date_here_too():
    # one dateline grammar (minewatch.text.dates) for ingest, stories and the time basis
    for text, expr in (("STOCKHOLM, April 1. /TASS/. Sweden said it would stay in the treaty.", "April 1"),
                       ("Київ, 5 June 2025 - Ukraine's parliament voted on the suspension.", "5 June 2025")):
        assert is_reported_date(text, *_at(text, expr)), text
