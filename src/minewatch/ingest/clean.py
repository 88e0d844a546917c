"""Boilerplate removal for plain text pages.

Stored page copies and copy-pasted articles carry page furniture around the
article: menus, empty bylines, photo captions, cookie and "outdated browser"
notices, share lines, lists of related headlines.  Extraction works on the
cleaned text and every evidence offset indexes it, so cleaning must be
conservative: it removes whole lines only, never rewrites sentences, and keeps
anything that looks like running prose.

The rules are general (line shape, runs of short lines, link density, script
of the line against the script of the document, repeated and teaser lines) and
the phrases that identify furniture live in ``data/boilerplate.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from minewatch.ingest.language import ENGLISH_MARKERS, detect_language, looks_english

#: Lines at most this long that do not end like a sentence are "short" (menu
#: items, related headlines, browser-list entries).
SHORT_LINE = 80
#: This many short lines in a row (blank lines between them do not break the
#: run) are a list of links, not an article paragraph.
SHORT_RUN = 4
#: A tail marker ("Similar articles") only cuts when this much article text
#: came before it, so a page that opens with one does not lose its article.
MIN_CHARS_BEFORE_TAIL = 300
#: Line endings of running prose (and of list introductions).
SENTENCE_END = tuple('.!?:;"”»\'’)…')
#: Share of a line made of URLs above which it is a link list / srcset dump.
MAX_LINK_SHARE = 0.4

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,12}/?$", re.IGNORECASE)
_BREADCRUMB = re.compile(r"(?:\s[>»›|]\s.*){2,}")
_BULLET = re.compile(r"^\s*[•·▪●◦‣\-–*]\s*")
_WORD = re.compile(r"\w+")
_WORD_LOWER = re.compile(r"[^\W\d_]+")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


@dataclass(frozen=True)
class _Rules:
    drop_line: re.Pattern[str]
    drop_line_containing: tuple[tuple[str, re.Pattern[str]], ...]
    stop_after: re.Pattern[str]
    nav_words: frozenset[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw = json.loads(resources.files("minewatch.ingest").joinpath("data/boilerplate.json").read_text("utf-8"))
    return _Rules(
        drop_line=re.compile("|".join(f"(?:{p})" for p in raw["drop_line"]), re.IGNORECASE),
        drop_line_containing=tuple(
            (needle.lower(), re.compile(p, re.IGNORECASE)) for needle, p in raw["drop_line_containing"]
        ),
        stop_after=re.compile("|".join(f"(?:{p})" for p in raw["stop_after"]), re.IGNORECASE),
        nav_words=frozenset(w.lower() for w in raw["nav_words"]),
    )


def normalise_text(text: str) -> str:
    """One newline convention and plain spaces, so line rules and offsets agree."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


#: Writing systems told apart by cleaning, as character ranges.
SCRIPTS: dict[str, str] = {
    "Latin": "A-Za-z\u00c0-\u024f\u1e00-\u1eff",
    "Cyrillic": "\u0400-\u052f",
    "Greek": "\u0370-\u03ff",
    "Arabic": "\u0600-\u06ff",
    "Hebrew": "\u0590-\u05ff",
    "CJK": "\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af",
}
_SCRIPT_RES = {name: re.compile(f"[{chars}]") for name, chars in SCRIPTS.items()}


def script_of(text: str) -> str | None:
    """The writing system most letters of ``text`` use ("Latin", "Cyrillic", …)."""
    if text.isascii():
        return "Latin" if _LETTER.search(text) else None
    best, best_n = None, 0
    for name, rx in _SCRIPT_RES.items():
        n = len(rx.findall(text))
        if n > best_n:
            best, best_n = name, n
    return best


_LETTER = re.compile(r"[^\W\d_]")


def _letters(line: str) -> int:
    return len(_LETTER.findall(line))


def _is_short(line: str) -> bool:
    return len(line) < SHORT_LINE and not line.endswith(SENTENCE_END)


def _is_furniture(line: str, rules: _Rules) -> bool:
    """Line-level rules: a single line that is page furniture wherever it stands."""
    low = line.lower()
    if low.strip(" .:|") in rules.nav_words:
        return True
    if not _LETTER.search(line):
        return True
    if rules.drop_line.match(line):
        return True
    if any(needle in low and rx.search(line) for needle, rx in rules.drop_line_containing):
        return True
    if _BARE_DOMAIN.match(line):
        return True
    if len(line) < 300 and (" > " in line or " » " in line or " › " in line or " | " in line) \
            and _BREADCRUMB.search(line) and len(_WORD.findall(line)) < 25:
        return True
    if "http" in low or "www." in low:
        urls = sum(len(m) for m in _URL.findall(line))
        if urls / len(line) > MAX_LINK_SHARE:
            return True
    if _BULLET.match(line) and len(_WORD.findall(line)) < 5 and not line.endswith(SENTENCE_END):
        return True
    return False


#: A line needs this many words before it can be judged to be in another language.
FOREIGN_BLOCK_WORDS = 15


def _is_foreign_block(line: str) -> bool:
    low = line.lower()
    if " the " in low or " of " in low or " and " in low or len(line) < FOREIGN_BLOCK_WORDS * 3:
        return False  # the quick exit for English prose and short lines
    words = _WORD_LOWER.findall(low)
    if len(words) < FOREIGN_BLOCK_WORDS or any(w in ENGLISH_MARKERS for w in words):
        return False
    return detect_language(line) not in (None, "en")


def _document_script(lines: list[str], scripts: list[str | None]) -> str | None:
    counts: dict[str, int] = {}
    for line, script in zip(lines, scripts, strict=True):
        if script:
            counts[script] = counts.get(script, 0) + len(line)
    return max(counts.items(), key=lambda kv: kv[1])[0] if counts else None


def clean_text(text: str) -> str:
    """The article alone: page furniture removed line by line, prose untouched.

    Lines are kept verbatim (only whitespace is normalised) so that quotes and
    offsets taken from the cleaned text are exact substrings of the original
    article's sentences.
    """
    rules = _rules()
    lines = normalise_text(text).split("\n")

    # 1. The page's tail: everything from a tail marker on, once an article came before.
    seen = 0
    for i, line in enumerate(lines):
        if line and seen >= MIN_CHARS_BEFORE_TAIL and rules.stop_after.search(line):
            lines = lines[:i]
            break
        seen += len(line)

    # 2. Furniture lines.
    keep = [bool(line) and not _is_furniture(line, rules) for line in lines]

    # 3. Lines in another writing system than the article (a browser notice in
    #    Ukrainian under an English article).
    scripts = [script_of(line) if k else None for line, k in zip(lines, keep, strict=True)]
    main_script = _document_script(lines, scripts)
    if main_script:
        for i, line in enumerate(lines):
            if keep[i] and scripts[i] != main_script and _letters(line) >= 3:
                keep[i] = False
    # ... and blocks in another language of the same script under an English article (a Polish
    # "read more" paragraph): a long line without a single English function word, confirmed by
    # the language detector (asked only about such lines).
    if main_script == "Latin" and looks_english("\n".join(ln for ln, k in zip(lines, keep, strict=True) if k)):
        for i, line in enumerate(lines):
            if keep[i] and _is_foreign_block(line):
                keep[i] = False

    # 4. Runs of short lines (menus, related headlines, lists of browsers).
    run: list[int] = []
    for i in [*range(len(lines)), -1]:
        if i >= 0 and not keep[i]:
            continue
        if i >= 0 and _is_short(lines[i]):
            run.append(i)
            continue
        if len(run) >= SHORT_RUN:
            for j in run:
                keep[j] = False
        run = []

    # 5. Teasers ("… take an...") whose full text follows, and repeated lines
    #    (a headline printed three times, an author name twice).
    kept_text = "\n".join(ln for ln, k in zip(lines, keep, strict=True) if k)
    seen_lines: set[str] = set()
    for i, line in enumerate(lines):
        if not keep[i]:
            continue
        key = " ".join(line.lower().split())
        if key in seen_lines:
            keep[i] = False
            continue
        seen_lines.add(key)
        if line.endswith(("...", "…")):
            stem = line.rstrip(".… ")
            if len(stem) >= 30 and kept_text.count(stem) > 1:
                keep[i] = False

    # 6. Reassemble: original line breaks, at most one blank line between blocks.
    out: list[str] = []
    blank = False
    for line, k in zip(lines, keep, strict=True):
        if k:
            if blank and out:
                out.append("")
            out.append(line)
            blank = False
        elif not line:
            blank = True
    return "\n".join(out).strip()
