"""minewatch: a monitor for the Mine Ban Treaty and the Convention on Cluster Munitions.

In a notebook::

    import minewatch
    claims = minewatch.extract(["Finland will leave the Mine Ban Treaty, the minister said."])
    kb = minewatch.Knowledge("minewatch.db")
    kb.claims(state="Lithuania").to_pandas()

The names load on first use, so ``import minewatch`` stays cheap (no spaCy).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "extract": ("minewatch", "extract"),  # the subpackage, callable (see minewatch/extract/__init__.py)
    "Knowledge": ("minewatch.library", "Knowledge"),
    "ClaimRow": ("minewatch.library", "ClaimRow"),
    "FactRow": ("minewatch.library", "FactRow"),
    "Document": ("minewatch.model", "Document"),
    "Claim": ("minewatch.model", "Claim"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        if name == "extract":
            return importlib.import_module("minewatch.extract")
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'minewatch' has no attribute {name!r}")
