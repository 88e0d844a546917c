"""The relevance screen that runs before any model.

Most of a real news stream is about something else; parsing it with spaCy
costs a hundred times more than reading it once with a regex.  The screen is
one compiled alternation built from ``data/prefilter_terms.csv`` (the terms
are data: adding a language is adding rows), run once over the title and the
text.  It errs towards letting an article through: a false pass costs one
extraction, a false stop loses a claim for good.

Bare "mine"/"mines" is deliberately not a term (coal mines, data mining,
"the choice is mine"); the terms are weapon compounds, treaty names, model
names and their equivalents in the languages of the region.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from minewatch.model import Document

TERMS_FILE = "data/prefilter_terms.csv"


@dataclass(frozen=True)
class Term:
    language: str
    case_sensitive: bool
    pattern: str
    why: str


def load_terms() -> list[Term]:
    """The bundled term rows (comment lines start with ``#``)."""
    text = resources.files("minewatch").joinpath(TERMS_FILE).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [
        Term(row["language"], row["case"].strip() == "s", row["pattern"], row.get("why") or "")
        for row in csv.DictReader(lines)
    ]


def compile_terms(terms: list[Term]) -> re.Pattern[str]:
    """One alternation, each row in its own case scope, so the text is read once."""
    parts = [f"(?{'-i' if t.case_sensitive else 'i'}:{t.pattern})" for t in terms]
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def _screen() -> re.Pattern[str]:
    return compile_terms(load_terms())


def relevance_match(text: str, title: str | None = None) -> str | None:
    """The first term found (for explaining a decision), or None when the article is about something else."""
    pattern = _screen()
    for part in (title, text):
        if part:
            m = pattern.search(part)
            if m:
                return m.group(0)
    return None


def is_relevant(text: str, title: str | None = None) -> bool:
    """Whether an article is worth parsing for treaty claims."""
    return relevance_match(text, title) is not None


def is_relevant_document(doc: Document) -> bool:
    """The screen applied to a prepared document (title and cleaned text)."""
    return is_relevant(doc.text, doc.title)
