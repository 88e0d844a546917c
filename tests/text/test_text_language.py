"""Language tags as the extractors read them (tags written here)."""

from __future__ import annotations

import pytest

from minewatch.text.language import normalise_language


@pytest.mark.parametrize("tag,code", [
    ("en-GB", "en"), ("EN", "en"), ("pl_PL", "pl"),
    ("est", "et"), ("lav", "lv"), ("lit", "lt"), ("ukr", "uk"),  # three letters: not cut to "es", "la", "li"
    ("Latvian", "lv"), ("english", "en"), ("", None), (None, None), ("zzz", None),
])
def test_a_tag_becomes_the_two_letter_code_the_rules_are_keyed_by(tag, code):
    assert normalise_language(tag) == code
