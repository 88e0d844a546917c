"""The bundled sample cleans to its articles: no page furniture left, every paragraph kept.

The raw markers of the noisy pages are tested in test_sample_files; this tests
what the ingester makes of them, since that is what the demo shows.
"""

from __future__ import annotations

import re

import pytest

from minewatch.ingest import prepare
from minewatch.ingest.sources import RawItem, Skipped, iter_items
from minewatch.sample import SAMPLE_DIR
from minewatch.stories import StoryGrouper

#: What page furniture looks like in a cleaned text, written independently of the cleaning rules.
FURNITURE = re.compile(
    r"cookie|browser|partners use|personalis|update now|continue anyway|got it"
    r"|^share\b|share on|subscribe|related headlines|^read more|^menu\b|\bmenu \||©|all rights reserved"
    r"|^photo\b|photo credit|^- ",
    re.IGNORECASE,
)
#: Button labels, furniture only as a short line of their own ("Accept | Reject").
BUTTONS = re.compile(r"^.{0,60}\b(accept|reject|decline|manage settings)\b.{0,60}$", re.IGNORECASE)


def is_furniture(line: str) -> bool:
    return bool(FURNITURE.search(line) or (len(line) < 80 and BUTTONS.match(line)))


def sample_docs() -> list[tuple[RawItem, object]]:
    out = []
    for item in iter_items([str(SAMPLE_DIR)]):
        if isinstance(item, RawItem):
            out.append((item, prepare(item)))
    return out


DOCS = sample_docs()


def label(item: RawItem) -> str:
    return f"{item.input.rsplit('/', 1)[-1]} {item.locator}".strip()


@pytest.mark.parametrize("item,doc", DOCS, ids=[label(i) for i, _ in DOCS])
def test_cleaned_sample_has_no_furniture(item: RawItem, doc) -> None:
    left = [ln for ln in doc.text.split("\n") if ln and is_furniture(ln)]
    assert not left, left


@pytest.mark.parametrize("item,doc", DOCS, ids=[label(i) for i, _ in DOCS])
def test_cleaned_sample_keeps_every_paragraph(item: RawItem, doc) -> None:
    if item.text is None:
        pytest.skip("HTML: the extractor's text, not line for line")
    body = item.text.replace("\r\n", "\n")
    paragraphs = [ln.strip() for ln in body.split("\n")
                  if len(ln.strip()) >= 80 and ln.strip().endswith(".") and not is_furniture(ln)]
    assert paragraphs
    missing = [p for p in paragraphs if p not in doc.text]
    assert not missing, missing


def test_noisy_pages_open_with_their_headline() -> None:
    by_name = {label(i): d for i, d in DOCS}
    for name in ("07-estonia-riigikogu-vote.txt", "23-us-mines-for-ukraine.txt", "14-wire-production-copy-b.txt"):
        doc = by_name[name]
        assert doc.text.split("\n", 1)[0] == doc.title, name


def test_sample_readme_is_not_a_document() -> None:
    skipped = [s for s in iter_items([str(SAMPLE_DIR)]) if isinstance(s, Skipped)]
    assert all(s.ignored for s in skipped)
    assert not any(label(i).startswith("README") for i, _ in DOCS)
    assert len(DOCS) == 29


def test_wire_copies_credit_their_agency_and_form_one_story() -> None:
    copies = [(i, d) for i, d in DOCS if "-wire-production-copy-" in i.input]
    assert len(copies) == 3
    # Nordwire is not in the agency table: it is credited by its name's shape and its dateline credit.
    assert all(d.via == ["Nordwire"] for _, d in copies)
    g = StoryGrouper()
    stories = {label(i): g.add(d.id, d.text, d.published, d.via, d.language) for i, d in DOCS}
    merges = g.pop_merges()

    def final(s: str) -> str:
        while s in merges:
            s = merges[s]
        return s

    assert len({final(stories[label(i)]) for i, _ in copies}) == 1
    others = {final(s) for n, s in stories.items() if "-wire-production-copy-" not in n}
    assert final(stories[label(copies[0][0])]) not in others
