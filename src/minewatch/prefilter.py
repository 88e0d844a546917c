"""The relevance screen that runs before any model.

Most of a real news stream is about something else; parsing it with spaCy
costs a hundred times more than reading it once with a regex.  The screen is
one compiled alternation built from ``data/prefilter_terms.csv`` (the terms
are data: adding a language is adding rows), run once over the title and the
text.  It errs towards letting an article through: a false pass costs one
extraction, a false stop loses a claim for good.

Bare English "mine"/"mines" is deliberately not a term (coal mines, data
mining, "the choice is mine"); the terms are weapon compounds, treaty names,
model names and their equivalents in the languages of the region, plus
"mine(s)" within a few words of a war, military, casualty or treaty word
(``{MINE}`` in a row: a mine word not preceded by a mineral or a mining
qualifier, so "a coal mine explosion" stays out while "killed by a mine
explosion" passes).  Foreign inflected forms that are unambiguous ("Minen",
"miny", "miinoja", "мін") are terms on their own.

Dashes are normalised before matching: "anti‑personnel" written with a
non-breaking hyphen (U+2011) or "land‐mines" with U+2010 must match the
rows written with "-"; soft hyphens are dropped.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from minewatch.model import Document

TERMS_FILE = "data/prefilter_terms.csv"

#: What a word before "mine" may be for the mine to be a pit, not a weapon (checked as fixed-width lookbehinds).
MINING_QUALIFIERS = (
    "coal", "gold", "copper", "silver", "iron", "iron ore", "salt", "tin", "zinc", "nickel", "lead", "uranium",
    "lithium", "diamond", "potash", "bauxite", "cobalt", "platinum", "quarry", "open-pit", "opencast",
    "open-cast", "underground", "crypto", "bitcoin", "data", "text", "ore", "the coal", "mining",
)
#: ``{MINE}`` in a pattern: "mine"/"mines" as a word, not right after a mining qualifier.
#: The literal comes first and the lookbehinds after it, so the regex engine can skip to "mine" quickly.
MINE_MACRO = (
    r"\bmine"
    + "".join(f"(?<!{re.escape(q)} mine)(?<!{re.escape(q)}-mine)" for q in MINING_QUALIFIERS)
    + r"s?\b"
)

#: Every dash and hyphen look-alike becomes "-" before matching; soft hyphens go.
_DASHES = {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
_DASHES[0x00AD] = None
_DASHES[0x00A0] = " "
_DASHES[0x202F] = " "


def normalise_dashes(text: str) -> str:
    """Unicode hyphens, dashes and no-break spaces as ASCII, so one row matches every way of typing it.

    Cleaning should do the same for stored text (this only affects the screen's view).
    """
    return text.translate(_DASHES)


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
        Term(row["language"], row["case"].strip() == "s", row["pattern"].replace("{MINE}", MINE_MACRO), row.get("why") or "")
        for row in csv.DictReader(lines)
    ]


_LETTER_OUTSIDE_ESCAPE = re.compile(r"(\\.)|([^\\]+)", re.DOTALL)


def _lower_pattern(pattern: str) -> str:
    """Lower-case a pattern's letters but not its escapes (``\\W`` must stay ``\\W``)."""
    return _LETTER_OUTSIDE_ESCAPE.sub(lambda m: m.group(1) or m.group(2).lower(), pattern)


@dataclass(frozen=True)
class Screen:
    """The compiled terms: one pattern over the lower-cased text, one over the text as written.

    Matching lower-cased text without ``re.IGNORECASE`` lets the regex engine
    skip positions by first character, which makes the screen about five
    times faster than scoped case flags in one pattern.
    """

    folded: re.Pattern[str] | None
    exact: re.Pattern[str] | None

    def search(self, text: str) -> str | None:
        text = normalise_dashes(text)
        if self.folded is not None:
            m = self.folded.search(text.lower())
            if m:
                return m.group(0)
        if self.exact is not None:
            m = self.exact.search(text)
            if m:
                return m.group(0)
        return None


def compile_terms(terms: list[Term]) -> Screen:
    """Two alternations, so the text is read once folded and once as written."""
    folded = [f"(?:{_lower_pattern(t.pattern)})" for t in terms if not t.case_sensitive]
    exact = [f"(?:{t.pattern})" for t in terms if t.case_sensitive]
    return Screen(
        re.compile("|".join(folded)) if folded else None,
        re.compile("|".join(exact)) if exact else None,
    )


@lru_cache(maxsize=1)
def _screen() -> Screen:
    return compile_terms(load_terms())


def relevance_match(text: str, title: str | None = None) -> str | None:
    """The first term found (for explaining a decision), or None when the article is about something else."""
    return _screen().search(f"{title}\n{text}" if title else text)


def is_relevant(text: str, title: str | None = None) -> bool:
    """Whether an article is worth parsing for treaty claims."""
    return relevance_match(text, title) is not None


def is_relevant_document(doc: Document) -> bool:
    """The screen applied to a prepared document (title and cleaned text)."""
    return is_relevant(doc.text, doc.title)
