"""The sample corpus bundled with minewatch, so ``make run`` and the demo work offline.

The articles are written for minewatch: they report real, sourced treaty events of
2024-2026 in new words and deliberately carry the difficulties the pipeline must
handle (syndicated copies, drifting figures, a wrong background date, boilerplate,
HTML, RSS, JSONL, a Polish article).  See README.md beside this file for the list.
"""

from __future__ import annotations

from pathlib import Path

#: Folder holding the sample articles, inside the installed package.
SAMPLE_DIR: Path = Path(__file__).resolve().parent

#: Files in the folder that describe or implement the sample rather than being part of it.
_NOT_ARTICLES = frozenset({"README.md", "__init__.py"})

#: Suffixes of the source formats the sample uses; anything else (caches, editor files) is ignored.
ARTICLE_SUFFIXES = frozenset({".txt", ".html", ".xml", ".jsonl"})


def sample_files() -> list[Path]:
    """Every source file of the sample, sorted so ingestion order (and hence ids) is stable."""
    return sorted(
        p
        for p in SAMPLE_DIR.iterdir()
        if p.is_file() and p.name not in _NOT_ARTICLES and p.suffix in ARTICLE_SUFFIXES
    )


__all__ = ["ARTICLE_SUFFIXES", "SAMPLE_DIR", "sample_files"]
