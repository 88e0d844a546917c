"""The seeds gold: key F1 >= 0.85 and strict F1 >= 0.75 (skips where ../shared is absent)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from minewatch.extract import Extractor
from minewatch.model import Document

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


@pytest.mark.shared
def test_seeds_gold_scores(tmp_path):
    scorer = SHARED / "tools" / "score_claims.py"
    gold = SHARED / "gold" / "seeds.jsonl"
    seeds = SHARED / "seeds"
    if not (scorer.exists() and gold.exists() and seeds.exists()):
        pytest.skip("../shared is absent")
    extractor = Extractor()
    lines = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc = Document(text=text, original=text, path=path.name)
        for claim in extractor.extract(doc):
            d = claim.to_dict()
            d["document"] = {"id": doc.id, "path": path.name, "url": None, "outlet": None,
                             "published": None, "story_id": None, "via": []}
            lines.append(json.dumps(d))
    pred = tmp_path / "pred.jsonl"
    pred.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(scorer), str(gold), str(pred)], capture_output=True, text=True,
                         check=True).stdout
    m = re.search(r"key_f1=([\d.]+) strict_f1=([\d.]+)", out)
    assert m, out
    key_f1, strict_f1 = float(m.group(1)), float(m.group(2))
    assert key_f1 >= 0.85, out
    assert strict_f1 >= 0.75, out
