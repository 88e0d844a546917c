"""Two copies of one story compared word by word (``difflib``): what an outlet added, cut or changed.

Figures that differ are already marked on the story page; an editor's rewrite
("said" → "claimed", a dropped paragraph) shows only here.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from minewatch.store import browsing
from minewatch.web import pages

router = APIRouter(tags=["pages"])

_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(a: str, b: str) -> tuple[Markup, dict[str, int]]:
    """HTML of ``b`` against ``a``: ``<del>`` words only in ``a``, ``<ins>`` words only in ``b``; and counts."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    words_a = [w for w in ta if not w.isspace()]
    words_b = [w for w in tb if not w.isspace()]
    matcher = difflib.SequenceMatcher(a=words_a, b=words_b, autojunk=False)
    out: list[str] = []
    counts = {"same": 0, "removed": 0, "added": 0}
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(words_a[i1:i2])))
            counts["same"] += i2 - i1
            continue
        if i2 > i1:
            out.append(f'<del>{escape(" ".join(words_a[i1:i2]))}</del>')
            counts["removed"] += i2 - i1
        if j2 > j1:
            out.append(f'<ins>{escape(" ".join(words_b[j1:j2]))}</ins>')
            counts["added"] += j2 - j1
    return Markup(" ".join(str(x) for x in out)), counts


@router.get("/stories/{story_id}/diff", response_class=HTMLResponse)
def story_diff(
    request: Request,
    story_id: Annotated[str, PathParam(max_length=80)],
    a: Annotated[str | None, Query(max_length=80, description="document id of the first copy")] = None,
    b: Annotated[str | None, Query(max_length=80, description="document id of the second copy")] = None,
) -> HTMLResponse:
    """Two copies of a story word by word (default: the first two)."""
    store = request.app.state.mw.store
    found = store.stories(ids=[story_id])
    if not found:
        raise HTTPException(404, detail=f"no story {story_id!r}")
    docs = found[0]["documents"]
    ids = [d["id"] for d in docs]
    a = a or (ids[0] if ids else None)
    b = b or (ids[1] if len(ids) > 1 else None)
    if a not in ids or b not in ids:
        raise HTTPException(404, detail=f"story {story_id!r} has no copies {a!r} and {b!r}")
    texts = browsing.document_texts(store, [a, b])
    html, counts = word_diff(texts[a]["text"] or "", texts[b]["text"] or "")
    by_id = {d["id"]: d for d in docs}
    return pages.page(request, "diff.html", story=found[0], first=by_id[a], second=by_id[b], diff=html,
                      counts=counts, copies=docs)
