"""The shared text rules: one table of month names, one reading of language tags."""

from __future__ import annotations

import pytest

from minewatch.extract import values
from minewatch.model import Document
from minewatch.pipeline import is_english as pipeline_is_english
from minewatch.text.dates import MONTHS, Dateline, find_dateline
from minewatch.text.language import is_english


@pytest.mark.parametrize("tag", [None, "", "en", "EN", "en-GB", "en_US", "eng", "English", " en "])
def test_english_tags(tag: str | None) -> None:
    assert is_english(tag)


@pytest.mark.parametrize("tag", ["de", "fr-CA", "uk", "enx", "es_EN", "ru"])
def test_other_tags(tag: str) -> None:
    assert not is_english(tag)


def test_pipeline_and_extractor_read_tags_alike() -> None:
    """A British-English document was extracted by the extractor but counted "not English" by the pipeline."""
    for tag in ("en-GB", "EN", "", None, "de"):
        assert pipeline_is_english(Document(text="x", original="x", language=tag)) is is_english(tag)


def test_month_table() -> None:
    assert MONTHS["sept"] == MONTHS["sep"] == MONTHS["september"] == 9
    assert len(set(MONTHS.values())) == 12 and MONTHS["may"] == 5
    assert values._MONTHS is MONTHS  # extraction reads dates with the same table


def test_dateline_month_abbreviations() -> None:
    assert find_dateline("OSLO, Sept. 3 (Reuters) - Norway said") == Dateline(9, 3, None)
    assert find_dateline("Oslo, 3 Sep 2024 — Norway said").as_date().isoformat() == "2024-09-03"
    assert find_dateline("Norway said on 3 September 2024 that") is None
