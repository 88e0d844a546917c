"""Cleaning removes page furniture and keeps every article sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from minewatch.ingest.clean import clean_text
from minewatch.ingest.meta import parse_header

PAGE = """Menu

Parliament of Ruritania votes to leave the Mine Ban Treaty

By
Photo: Deputies in the chamber. Source: Example Photo Agency

Ruritania's parliament voted on Tuesday to leave the Mine Ban Treaty, the speaker said.

The bill passed by 101 votes to 12 and now goes to the president for signature.
Share this article
Read also: Weather turns cold in the capital

Opposition deputies said the decision would harm the country's standing and called for a referendum on the treaty.

Related articles

Storm hits coastal towns
Football club wins the cup
Prices of bread go up again
Ten tips for a better garden

We use cookies to personalise content and ads. Cookie Policy

Outdated Browser
Для комфортной работы нужен современный браузер.
"""


def test_page_furniture_is_removed() -> None:
    out = clean_text(PAGE)
    assert out.startswith("Parliament of Ruritania votes to leave the Mine Ban Treaty")
    assert out.endswith("called for a referendum on the treaty.")
    for gone in ("Menu", "By\n", "Photo:", "Share this", "Read also", "Related", "cookies", "Browser", "браузер"):
        assert gone not in out


def test_runs_of_short_lines_and_other_scripts_without_tail_marker() -> None:
    body = (
        "The ministry said the stockpile of cluster munitions was destroyed in March, two years ahead of the deadline.\n"
        "Inspectors from three countries observed the destruction at a site near the capital, officials said.\n"
        "Storm hits coastal towns\nFootball club wins the cup\nPrices of bread go up again\nTen tips for a garden\n"
        "Цей сайт призначений для комп'ютерів, але ви можете вільно користуватися ним.\n"
    )
    out = clean_text(body)
    assert out.split("\n") == body.split("\n")[:2]


def test_repeated_headline_and_teaser_are_dropped() -> None:
    text = (
        "Three states notify the UN of withdrawal\n\n"
        "Three states notify the UN of withdrawal\n\n"
        "The three states have officially submitted their withdrawal notices to the UN Secretary-General on ...\n"
        "The three states have officially submitted their withdrawal notices to the UN Secretary-General on Friday.\n"
    )
    out = clean_text(text)
    assert out == (
        "Three states notify the UN of withdrawal\n\n"
        "The three states have officially submitted their withdrawal notices to the UN Secretary-General on Friday."
    )


def test_prose_is_kept_verbatim() -> None:
    text = "Line one of the article ends here.\nA quote: \u201cWe will not sign,\u201d he said.\n- A bullet with enough words to be prose.\n"
    assert clean_text(text) == text.strip()


SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared")


@pytest.mark.shared
@needs_shared
def test_seed_cleans_to_the_article_alone() -> None:
    seed = (SHARED / "seeds" / "000_d60ec5ba9b262653.txt").read_text(encoding="utf-8")
    out = clean_text(seed)
    first = out.split("\n", 1)[0]
    assert first.startswith("Finland and Lithuania Plan Landmine Production")
    assert out.endswith("anti-personnel mines.")
    for gone in ("cookie", "Cookie", "Browser", "браузер", "Menu", "Photo:", "Similar articles"):
        assert gone not in out


STATE_OR_MINE = re.compile(
    r"\b(?:mines?|landmines?|Finland|Lithuania|Latvia|Estonia|Poland|Ukraine|Russia|Belarus|Myanmar|"
    r"United States|Germany|Sweden|Norway|Afghanistan|Cambodia|Syria|China|India|Japan|Canada)\b"
)


SENTENCE_END = tuple('.!?"”»')
NOT_BODY = re.compile(r"^(?:read also|read more|see also|file photo|photo|photo caption)\b", re.IGNORECASE)


@pytest.mark.shared
@needs_shared
def test_corpus_article_sentences_survive_cleaning() -> None:
    total = kept = 0
    lost: list[str] = []
    for path in sorted((SHARED / "corpus" / "dev").glob("*.txt")):
        _, body = parse_header(path.read_text(encoding="utf-8"))
        cleaned = " ".join(clean_text(body).split())
        sentences = [s for line in body.split("\n") for s in re.split(r"(?<=[.!?])\s+", " ".join(line.split()))]
        for sentence in sentences:
            if len(sentence.split()) < 6 or not STATE_OR_MINE.search(sentence):
                continue
            # The body's sentences: complete ones, not link labels, captions or "…" teasers.
            if not sentence.endswith(SENTENCE_END) or sentence.endswith(("...", "…")) or NOT_BODY.match(sentence):
                continue
            total += 1
            if sentence in cleaned:
                kept += 1
            else:
                lost.append(f"{path.name}: {sentence[:80]}")
    assert total > 150
    assert kept / total >= 0.98, lost


def test_block_in_another_language_of_the_same_script_is_dropped() -> None:
    english = (
        "The parliament of Ruritania voted on Tuesday to withdraw from the treaty, and the decision was "
        "welcomed by the defence ministry, which said it had been expected for months.\n"
        "Ukraine is compelled to give unconditional priority to security of its citizens and defence of its borders, officials stressed.\n"
    )
    polish = "Kluby parlamentarne opowiedziały się we wtorek za rządowym projektem ustawy, który przewiduje wypowiedzenie konwencji dotyczącej zakazu użycia min przeciwpiechotnych.\n"
    out = clean_text(english + polish + "The president is expected to sign the law within days, his office said on Wednesday.\n")
    assert "Kluby" not in out
    assert "unconditional priority" in out and "sign the law" in out
