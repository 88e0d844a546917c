"""What the story tests share: placing a text in a grouper as the ingest pipeline prepares it."""

from __future__ import annotations

from datetime import date

from minewatch.ingest import RawItem, prepare
from minewatch.stories import StoryGrouper


def place(grouper: StoryGrouper, name: str, text: str, published: date | None = None) -> str:
    doc = prepare(RawItem(name, "text", text=text, meta={"published": published} if published else {}))
    return grouper.add(name, doc.text, doc.published, doc.via, doc.language)
