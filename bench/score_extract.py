"""Score the extractor on a folder of articles against a gold file.

usage: python bench/score_extract.py FOLDER GOLD [--no-screen] [--show N] [--pred OUT.jsonl]

Dev articles start with a header block of ``key: value`` lines ended by a blank line
(url, published — possibly "unknown" —, language); seed articles have none.  The scorer
itself lives in the shared folder (never shipped): ``../shared/tools/score_claims.py``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from minewatch.extract import Extractor
from minewatch.model import Document

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT / ".." / "shared" / "tools" / "score_claims.py"
_HEADER_LINE = re.compile(r"^([a-z_]+):\s*(.*)$")


def _clean(text: str) -> str:
    try:
        from minewatch.ingest.clean import clean_text
    except ImportError:
        return text
    return clean_text(text)


def read_article(path: Path) -> Document:
    raw = path.read_text(encoding="utf-8", errors="replace")
    meta: dict[str, str] = {}
    body = raw
    lines = raw.split("\n")
    if lines and _HEADER_LINE.match(lines[0]):
        for i, line in enumerate(lines):
            if not line.strip():
                body = "\n".join(lines[i + 1:])
                break
            m = _HEADER_LINE.match(line)
            if m:
                meta[m.group(1)] = m.group(2).strip()
    published = None
    try:
        published = date.fromisoformat(meta.get("published", "")[:10])
    except ValueError:
        published = None
    language = meta.get("language") or None
    return Document(text=_clean(body), original=raw, path=path.name, url=meta.get("url"),
                    published=published, language=language)


def export_lines(doc: Document, claims) -> list[str]:
    out = []
    for c in claims:
        d = c.to_dict()
        d["document"] = {"id": doc.id, "path": doc.path, "url": doc.url, "outlet": doc.outlet,
                         "published": doc.published.isoformat() if doc.published else None,
                         "story_id": doc.story_id, "via": doc.via}
        out.append(json.dumps(d, ensure_ascii=False))
    return out


def predict(folder: Path, screen: bool = True) -> tuple[list[str], float, int]:
    docs = [read_article(p) for p in sorted(folder.glob("*.txt")) if p.name != "INDEX.tsv"]
    t0 = time.perf_counter()
    ex = Extractor(screen=screen)
    lines: list[str] = []
    for doc, result in ex.extract_many(docs):
        if isinstance(result, Exception):
            print(f"error in {doc.path}: {result!r}", file=sys.stderr)
            continue
        lines += export_lines(doc, result)
    return lines, time.perf_counter() - t0, len(docs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--no-screen", action="store_true")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--pred", type=Path)
    a = ap.parse_args()
    lines, seconds, n = predict(a.folder, screen=not a.no_screen)
    pred = a.pred or Path(tempfile.mkstemp(suffix=".jsonl")[1])
    pred.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    print(f"{n} articles, {len(lines)} claims, {seconds:.2f}s (load + extraction)")
    cmd = [sys.executable, str(SCORER), str(a.gold), str(pred)]
    if a.show:
        cmd += ["--show", str(a.show)]
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
