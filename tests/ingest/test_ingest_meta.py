"""Metadata: header blocks, dates only when stated, outlets, wire credits, language."""

from __future__ import annotations

from datetime import date

import pytest

from minewatch.ingest import RawItem, prepare
from minewatch.ingest.language import detect_language
from minewatch.ingest.meta import (
    dateline_date,
    detect_agencies,
    outlet_from_url,
    parse_date,
    parse_header,
)
from minewatch.text.dates import Dateline, find_dateline


def test_header_block_needs_known_keys() -> None:
    meta, body = parse_header("url: https://a.org/x\npublished: unknown\nretrieved_from: x\n\nBody.")
    assert meta == {"url": "https://a.org/x"} and body == "Body."
    meta, body = parse_header("Warning: the page below.\nNote: old\n\nBody.")
    assert meta == {} and body.startswith("Warning")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-06-27", date(2025, 6, 27)),
        ("2025-06-27T10:00:00+02:00", date(2025, 6, 27)),
        ("Thu, 26 Jun 2025 10:00:00 GMT", date(2025, 6, 26)),
        ("27 June 2025", date(2025, 6, 27)),
        ("unknown", None),
        ("2025", None),
        ("2025-05", None),
        ("", None),
    ],
)
def test_parse_date(value: str, expected: date | None) -> None:
    assert parse_date(value) == expected


def test_dateline_needs_a_year_to_give_a_date() -> None:
    assert find_dateline("VILNIUS, June 27 (Reuters) - Lithuania said") == Dateline(6, 27, None)
    assert dateline_date("VILNIUS, June 27 (Reuters) - Lithuania said") is None
    assert dateline_date("TALLINN, June 4, 2025 (AFP) - Lawmakers voted") == date(2025, 6, 4)
    assert dateline_date("Headline here\n\nGeneva, 2 December 2015 — The state declared") == date(2015, 12, 2)
    assert dateline_date("The minister said on June 4, 2025 that") is None


def test_outlet_from_url() -> None:
    assert outlet_from_url("https://www.example.co.uk/news/1") == "example.co.uk"
    assert outlet_from_url("not a url") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Gazette reports on this with reference to Reuters.", ["Reuters"]),
        ("Officials told Reuters the plan would go ahead.", ["Reuters"]),
        ("HELSINKI (Reuters) - Finland has notified the UN.", ["Reuters"]),
        ("STOCKHOLM, April 1. /TASS/. Finland is preparing.", ["TASS"]),
        ("Ruritania left the treaty, TASS reports.", ["TASS"]),
        ("MOSCOW, March 18 - RIA Novosti. The ministers said.", ["RIA Novosti"]),
        ("The treaty was signed in 1997. – Xinhua", ["Xinhua"]),
        ("Source: AFP", ["AFP"]),
        ("TALLINN, June 4, 2025 (BSS/AFP) - Lawmakers voted.", ["AFP", "BSS"]),
        ("According to Reuters, the vote passed.", ["Reuters"]),
        ("Reuters could not independently verify the report.", ["Reuters"]),
        ("Troops laid AP mines near the road, AP reported.", ["AP"]),
        ("Troops laid AP mines near the road.", []),
        ("A Reuters photographer was at the scene.", []),
        ("The minister met the head of TASS's Riga office.", []),
    ],
)
def test_detect_agencies(text: str, expected: list[str]) -> None:
    assert detect_agencies(text) == expected


def test_photo_credit_is_not_the_story_source() -> None:
    item = RawItem("x.txt", "text", text=(
        "Headline of the story\n\nPhoto: soldiers at the border. Source: AP\n\n"
        "Ruritania plans to leave the treaty, the outlet reports with reference to Reuters.\n"
    ))
    assert prepare(item).via == ["Reuters"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Parliament voted on Tuesday to withdraw from the convention banning anti-personnel mines.", "en"),
        ("Sejm przyjął we wtorek ustawę o wypowiedzeniu konwencji zakazującej stosowania min przeciwpiechotnych.", "pl"),
        ("Парламент во вторник проголосовал за выход из конвенции о запрете противопехотных мин.", "ru"),
        ("Парламент у вівторок проголосував за вихід із конвенції про заборону протипіхотних мін.", "uk"),
        ("Eduskunta hyväksyi tiistaina esityksen jalkaväkimiinat kieltävän sopimuksen irtisanomisesta.", "fi"),
        ("Das Parlament stimmte am Dienstag für den Austritt aus dem Abkommen über das Verbot von Minen.", "de"),
    ],
)
def test_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_language_unknown_for_too_little_text() -> None:
    assert detect_language("OK 12") is None
