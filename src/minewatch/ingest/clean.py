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

Notices addressed to the reader (cookies, consent, an outdated browser) are
told from news about cookies or browsers by their address ("we", "your", "this
site") and the absence of reported speech ("said", "according to"); button
rows ("Accept all | Reject") by being made of button labels only.  A list of
related headlines goes with its header wherever it stands; it ends the article
only when no article prose follows it.  Bylines naming no person ("By Staff
Reporter") go; a byline with a person's name stays in the text, verbatim.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from minewatch.ingest.language import ENGLISH_MARKERS, detect_language, detector, looks_english

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
#: Longest line taken for a headline in a list of related stories.
MAX_HEADLINE_CHARS = 160
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
    related_header: re.Pattern[str]
    notice_max_chars: int
    notice_heading_words: int
    notice_topics: tuple[tuple[str, re.Pattern[str]], ...]
    notice_addressed: re.Pattern[str]
    notice_reported: re.Pattern[str]
    notice_heading: re.Pattern[str]
    button_core: frozenset[str]
    button_words: frozenset[str]
    staff_byline: re.Pattern[str]
    nav_words: frozenset[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw = json.loads(resources.files("minewatch.ingest").joinpath("data/boilerplate.json").read_text("utf-8"))
    notice = raw["reader_notice"]
    return _Rules(
        drop_line=re.compile("|".join(f"(?:{p})" for p in raw["drop_line"]), re.IGNORECASE),
        drop_line_containing=tuple(
            (needle.lower(), re.compile(p, re.IGNORECASE)) for needle, p in raw["drop_line_containing"]
        ),
        stop_after=re.compile("|".join(f"(?:{p})" for p in raw["stop_after"]), re.IGNORECASE),
        related_header=re.compile("^(?:" + "|".join(f"(?:{p})" for p in raw["related_header"]) + ")$", re.IGNORECASE),
        notice_max_chars=int(notice["max_chars"]),
        notice_heading_words=int(notice["heading_words"]),
        notice_topics=tuple((needle.lower(), re.compile(p, re.IGNORECASE)) for needle, p in notice["topics"]),
        notice_addressed=re.compile(notice["addressed"], re.IGNORECASE),
        notice_reported=re.compile(notice["reported"], re.IGNORECASE),
        notice_heading=re.compile(notice["heading"], re.IGNORECASE),
        button_core=frozenset(raw["buttons"]["core"]),
        button_words=frozenset(raw["buttons"]["core"]) | frozenset(raw["buttons"]["other"]),
        staff_byline=re.compile(raw["staff_byline"], re.IGNORECASE),
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


_BUTTON_SPLIT = re.compile(r"\s*[|·•/]\s*")
_BUTTON_WORD = re.compile(r"[\w'’]+")
#: A row of buttons has at most this many words.
MAX_BUTTON_WORDS = 12


def is_reader_notice(line: str) -> bool:
    """A cookie, consent or browser notice addressed to the reader, not news about cookies or browsers.

    The topic alone does not decide ("Regulators fined the site for setting
    cookies without consent" is news): the line must speak to the reader and
    not report what someone said; a short heading ("Your browser is outdated")
    is judged by its whole shape instead.
    """
    rules = _rules()
    if len(line) > rules.notice_max_chars:
        return False
    low = line.lower()
    if not any(needle in low and rx.search(line) for needle, rx in rules.notice_topics):
        return False
    if len(line.split()) <= rules.notice_heading_words and rules.notice_heading.match(line.strip()):
        return True
    return bool(rules.notice_addressed.search(line)) and not rules.notice_reported.search(line)


def is_button_row(line: str) -> bool:
    """A line of button labels only ("Accept all | Reject all", "Got it!", "Update now | Continue anyway")."""
    rules = _rules()
    words = [w.lower().replace("’", "'") for w in _BUTTON_WORD.findall(line)]
    if not words or len(words) > MAX_BUTTON_WORDS:
        return False
    if line.rstrip(" !.").endswith(SENTENCE_END):
        return False
    return all(w in rules.button_words for w in words) and any(w in rules.button_core for w in words)


def staff_bylines(text: str) -> list[str]:
    """The bylines of ``text`` that name no person ("By Staff Reporter", "By AFP staff").

    Cleaning drops them; ``prepare`` still reads an agency's credit out of them.
    """
    rules = _rules()
    return [ln.strip() for ln in text.split("\n") if ln[:3].lower() == "by " and rules.staff_byline.match(ln.strip())]


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
    if low.startswith("by ") and rules.staff_byline.match(line):
        return True
    if len(line) <= rules.notice_max_chars and is_reader_notice(line):
        return True
    if len(line) < 120 and is_button_row(line):
        return True
    return False


#: A line needs this many words before it can be judged to be in another language ...
FOREIGN_BLOCK_WORDS = 15
#: ... or, as one sentence of running prose, this many (a German sentence in an English article).
FOREIGN_SENTENCE_WORDS = 8
#: English function words (ENGLISH_MARKERS) making up this share of a line mark it English.
ENGLISH_LINE_SHARE = 0.1
#: The detector's confidence needed to call one sentence another language.
FOREIGN_SENTENCE_CONFIDENCE = 0.8
_FOREIGN_QUICK_EXIT = (" the ", " of ", " and ", " that ", " with ")


def _is_foreign_block(line: str) -> bool:
    """A line in another language than the English article, confirmed by the language detector.

    Long lines are judged whole.  A shorter line is judged only when it reads as
    one sentence of running prose (ends like a sentence, mostly lower-case words),
    so names, titles and short English quotes are never sent to the detector.
    """
    low = line.lower()
    if len(line) < FOREIGN_SENTENCE_WORDS * 5 or any(w in low for w in _FOREIGN_QUICK_EXIT):
        return False  # the quick exit for English prose and short lines
    words = _WORD_LOWER.findall(low)
    if len(words) < FOREIGN_SENTENCE_WORDS:
        return False
    if len(words) < FOREIGN_BLOCK_WORDS:
        if not line.endswith(SENTENCE_END) or line.endswith(("...", "…")):
            return False
        lower = sum(1 for w in _WORD_LOWER.findall(line) if w[0].islower())
        if lower < len(words) / 2:
            return False  # a list of names, a title
    if sum(1 for w in words if w in ENGLISH_MARKERS) >= max(1.0, ENGLISH_LINE_SHARE * len(words)):
        return False
    if len(words) >= FOREIGN_BLOCK_WORDS:
        return detect_language(line) not in (None, "en")
    # One sentence is little evidence: the detector must be sure, and sure it is not English
    # (a sentence of place names and plain words can read as Swedish or Estonian to it).
    values = detector().compute_language_confidence_values(line)
    top = values[0] if values else None
    if top is None or top.value < FOREIGN_SENTENCE_CONFIDENCE or top.language.iso_code_639_1.name == "EN":
        return False
    return all(v.value < 0.05 for v in values if v.language.iso_code_639_1.name == "EN")


def _is_headline(line: str) -> bool:
    """A line that reads as a link to another story: short, not ending like a sentence."""
    if not line or len(line) > MAX_HEADLINE_CHARS or len(line.split()) < 2:
        return False
    return not line.endswith(SENTENCE_END) or line.endswith(("?", "...", "…"))


def _is_prose(line: str, rules: _Rules, script: str | None) -> bool:
    """Article prose: a sentence of the article's writing system that no furniture rule claims."""
    if len(line.split()) < 6 or not line.endswith(SENTENCE_END) or line.endswith(("...", "…")):
        return False
    if script is not None and script_of(line) != script:
        return False
    return not _is_furniture(line, rules)


def _related_blocks(lines: list[str], rules: _Rules) -> tuple[list[str], set[int]]:
    """Lists of related headlines: (lines with the page's tail cut off, indexes of lines to drop).

    A related header ("Read more", "Related articles") goes with the headline-like
    lines under it (two or more, or bulleted ones).  When only page furniture
    follows that list and enough article came before, the header opens the page's
    tail and everything from it goes; otherwise only the header and its list go,
    and the article paragraphs after them stay.
    """
    drop: set[int] = set()
    seen = 0
    script: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line or not rules.related_header.match(line.rstrip(" :.")):
            seen += len(line)
            i += 1
            continue
        block: list[int] = []
        j = i + 1
        while j < len(lines):
            if lines[j] and _is_headline(lines[j]):
                block.append(j)
            elif lines[j]:
                break
            j += 1
        if len(block) < 2 and not any(_BULLET.match(lines[k]) for k in block):
            block = []
        end = block[-1] if block else i
        if seen >= MIN_CHARS_BEFORE_TAIL:
            if script is None:
                script = script_of("\n".join(lines[:i]))
            if not any(_is_prose(ln, rules, script) for ln in lines[end + 1 :] if ln):
                return lines[:i], drop
        drop.add(i)
        drop.update(block)
        i = end + 1
    return lines, drop


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
    # ... and lists of related headlines (the tail too, when nothing of the article follows them).
    lines, related = _related_blocks(lines, rules)

    # 2. Furniture lines.
    keep = [bool(line) and i not in related and not _is_furniture(line, rules) for i, line in enumerate(lines)]

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
