"""Reader notices, button rows, related lists, other-language sentences and nameless bylines.

Each furniture case has a news twin: a sentence about cookies, browsers or a
related matter that belongs to the article and must survive cleaning.
"""

from __future__ import annotations

import pytest

from minewatch.ingest import prepare
from minewatch.ingest.clean import clean_text, is_button_row, is_reader_notice
from minewatch.ingest.meta import detect_unlisted_agencies
from minewatch.ingest.sources import RawItem

LEAD = (
    "Ruritania's parliament voted on Tuesday to withdraw from the Mine Ban Treaty, the speaker said "
    "after a debate that lasted into the evening."
)
SECOND = "The bill passed by 101 votes to 12 and now goes to the president, who is expected to sign it within days."
THIRD = "Opposition deputies said the decision would harm the country's standing and called for a referendum."
ARTICLE = f"{LEAD}\n\n{SECOND}\n\n{THIRD}"


@pytest.mark.parametrize(
    "notice",
    [
        "This website uses cookies to ensure you get the best experience on our website.",
        "We and our 97 partners use cookies to personalise content and advertising and to measure traffic.",
        "We and our partners store and/or access information on a device to show you personalised ads.",
        "By continuing to browse you agree to the use of cookies.",
        "Your browser is out of date.",
        "Your browser is outdated",
        "Browser not supported",
        "Outdated browser",
        "You are using an unsupported browser. Please upgrade to a current version for the best experience.",
        "Please enable JavaScript to use this site.",
        "Cookie settings",
    ],
)
def test_reader_notices_are_recognised_and_cleaned(notice: str) -> None:
    assert is_reader_notice(notice)
    out = clean_text(f"{notice}\n\n{ARTICLE}")
    assert out == ARTICLE


@pytest.mark.parametrize(
    "news",
    [
        "Regulators fined the publisher for setting advertising cookies without consent, the court said.",
        "The ministry said its website would stop working in old browsers after the update.",
        "Privacy campaigners have long criticised cookies that track readers across sites.",
        "Officials told reporters that the registry works in any browser and needs no update.",
    ],
)
def test_news_about_cookies_and_browsers_is_kept(news: str) -> None:
    assert not is_reader_notice(news)
    text = f"{ARTICLE}\n\n{news}"
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "row",
    ["Accept all | Reject", "Accept all | Reject all | Manage settings", "Got it!", "Update now | Continue anyway",
     "OK, I agree", "Accept | Decline | Cookie policy"],
)
def test_button_rows_are_dropped(row: str) -> None:
    assert is_button_row(row)
    assert clean_text(f"{row}\n\n{ARTICLE}") == ARTICLE


@pytest.mark.parametrize("line", ["We accept the decision of parliament.", "Continue reading the report below.",
                                  "Update on the vote", "Allies agree on a plan"])
def test_sentences_with_button_words_are_not_button_rows(line: str) -> None:
    assert not is_button_row(line)


def test_cookie_and_browser_block_before_the_headline() -> None:
    page = (
        "Accept cookies\n"
        "We and our 12 partners use cookies to personalise content and ads.\n"
        "Accept all | Reject all | Manage settings\n\n"
        "Your browser is outdated\n"
        "For the best experience on this site, please update your browser.\n"
        "Update now | Continue anyway\n\n"
        "Ruritania leaves the Mine Ban Treaty\n\n" + ARTICLE
    )
    assert clean_text(page) == "Ruritania leaves the Mine Ban Treaty\n\n" + ARTICLE


def test_short_read_more_list_at_the_end_is_dropped() -> None:
    text = (
        f"{ARTICLE}\n\nRead more\n- Neighbouring state debates its own treaty exit\n"
        "- President signs the withdrawal law\n- Deputies send the bill to committee\n"
    )
    assert clean_text(text) == ARTICLE


def test_two_related_headlines_are_a_list() -> None:
    text = f"{ARTICLE}\n\nRelated articles\nStorm hits coastal towns overnight\nFootball club wins the national cup\n"
    assert clean_text(text) == ARTICLE


def test_related_header_in_the_middle_ends_only_its_list() -> None:
    text = (
        f"{LEAD}\n\n{SECOND}\n\nRelated articles\nStorm hits coastal towns overnight\n"
        f"Football club wins the national cup\n\n{THIRD}"
    )
    assert clean_text(text) == ARTICLE


def test_related_header_before_prose_goes_alone() -> None:
    text = f"{LEAD}\n\n{SECOND}\n\nRead more\n\n{THIRD}"
    assert clean_text(text) == ARTICLE


def test_one_german_sentence_in_an_english_article_is_dropped() -> None:
    german = "Die Regierung hat am Dienstag beschlossen, aus dem Abkommen über Antipersonenminen auszutreten."
    out = clean_text(f"{ARTICLE}\n\n{german}")
    assert out == ARTICLE


@pytest.mark.parametrize(
    "english",
    [
        "Vilnius hopes Brussels will fund production, diplomats in Riga say.",
        "Karolis Aleksa, Heikki Autto, Paweł Bejda and Margus Tsahkna.",
        "\u201cNever again,\u201d she said.",
        "Riigikogu backs exit from convention, lawmakers in Tallinn confirm.",
        "Ministers expect production to begin soon, diplomats in Kyiv report.",
    ],
)
def test_names_and_short_english_sentences_stay(english: str) -> None:
    text = f"{ARTICLE}\n\n{english}"
    assert clean_text(text) == text


@pytest.mark.parametrize("byline", ["By Staff Reporter", "By Our Correspondent", "By AFP staff", "By Our Special Correspondent"])
def test_bylines_without_a_name_are_dropped(byline: str) -> None:
    out = clean_text(f"Ruritania leaves the Mine Ban Treaty\n\n{byline}\n\n{ARTICLE}")
    assert byline not in out and out.endswith(ARTICLE)


def test_byline_with_a_name_stays_and_agency_staff_byline_still_credits() -> None:
    named = clean_text(f"Ruritania leaves the Mine Ban Treaty\n\nBy Jane Example\n\n{ARTICLE}")
    assert "By Jane Example" in named
    doc = prepare(RawItem("x.txt", "text", text=f"Ruritania leaves the Mine Ban Treaty\n\nBy AFP staff\n\n{ARTICLE}"))
    assert "By AFP staff" not in doc.text
    assert doc.via == ["AFP"]


def test_unlisted_agency_credits_by_name_shape() -> None:
    assert detect_unlisted_agencies("RIGA (Baltwire) - The parliament voted on Tuesday.") == ["Baltwire"]
    assert detect_unlisted_agencies("Source: Baltic News Agency\n") == ["Baltic News Agency"]
    assert detect_unlisted_agencies("Lakeside Wire reported that the vote was close.") == ["Lakeside Wire"]
    # mentions, and credits of government services at a line's end, are not wire credits
    assert detect_unlisted_agencies("A Baltwire photographer was at the scene.") == []
    assert detect_unlisted_agencies("Source: Ministry of Defence – Government News\n") == []
