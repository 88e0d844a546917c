"""Non-English extraction: key scores per language and articles per second.

usage: python bench/multilingual.py [--rounds N] [--processes P] [--show N]

Reads the non-English articles of ``../shared/corpus/dev`` and ``../shared/corpus/train`` the way
``minewatch ingest`` does (same cleaning, same language detection), extracts them with the
multilingual extractor, and scores them with the shared scorer against
``../shared/gold/dev-multilingual.jsonl`` and ``train-multilingual.jsonl`` — each set on its own
and per language.  Speed: every article extracted ``--rounds`` times over ``--processes`` worker
processes, after each worker has loaded its lemma dictionaries (a one-off cost per process,
reported separately).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from multiprocessing import get_context
from pathlib import Path

from minewatch.extract.multilingual import extract_multilingual, supported_languages, supports
from minewatch.extract.multilingual.rules import LEMMATISERS, load_rows, matcher, use_lemmatiser
from minewatch.ingest.batch import prepare_stream
from minewatch.ingest.sources import iter_items
from minewatch.model import Document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
SCORER = SHARED / "tools" / "score_claims.py"
SETS = {"dev": ("corpus/dev", "gold/dev-multilingual.jsonl"), "train": ("corpus/train", "gold/train-multilingual.jsonl")}


def load_documents(folder: Path) -> list[Document]:
    docs = []
    for p in prepare_stream(iter_items([str(folder)], max_bytes=10_000_000, follow=False, stdin=None)):
        doc = getattr(p, "document", None)
        if doc is not None and doc.language not in (None, "en"):
            doc.path = Path(doc.path or "").name
            docs.append(doc)
    return docs


def claims_jsonl(docs: list[Document]) -> list[dict]:
    rows = []
    for doc in docs:
        for c in extract_multilingual(doc):
            rows.append({**c.to_dict(), "document": {"id": doc.id, "path": doc.path}})
    return rows


def score(gold_lines: list[dict], preds: list[dict], show: int = 0) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        g, p = Path(tmp, "gold.jsonl"), Path(tmp, "pred.jsonl")
        g.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in gold_lines), encoding="utf-8")
        p.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in preds), encoding="utf-8")
        if show:
            subprocess.run([sys.executable, str(SCORER), str(g), str(p), "--show", str(show)], check=True)
        out = subprocess.run([sys.executable, str(SCORER), str(g), str(p), "--json"], check=True,
                             capture_output=True, text=True)
    return json.JSONDecoder().raw_decode(out.stdout.strip())[0]  # a summary line follows the JSON


def _line(label: str, r: dict) -> str:
    k, s = r["key"], r["strict"]
    attrs = " ".join(f"{a}={v}" for a, v in (r.get("attributes") or {}).items())
    return (f"{label:<12} key P={k['precision']:.3f} R={k['recall']:.3f} F1={k['f1']:.3f} "
            f"(tp={k['tp']} fp={k['fp']} fn={k['fn']})  strict F1={s['f1']:.3f}  {attrs}")


def _warm(docs: list[Document], lemmatiser: str) -> float:
    use_lemmatiser(lemmatiser)
    t = time.perf_counter()
    for d in docs:
        extract_multilingual(d)
    return time.perf_counter() - t


def _work(doc: Document) -> int:
    return len(extract_multilingual(doc))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--lemmatiser", default="simplemma", choices=sorted(LEMMATISERS),
                    help="specialised: pymorphy3 (ru, uk) and Morfeusz 2 (pl) where installed, else simplemma")
    a = ap.parse_args()
    use_lemmatiser(a.lemmatiser)
    print(f"lemmatiser: {a.lemmatiser}")
    if not SCORER.exists():
        sys.exit(f"no scorer at {SCORER}: this bench needs the shared folder")
    all_docs: list[Document] = []
    for name, (folder, gold_file) in SETS.items():
        docs = load_documents(SHARED / folder)
        all_docs += docs
        lang_of = {d.path: d.language for d in docs}
        gold = [json.loads(x) for x in (SHARED / gold_file).read_text(encoding="utf-8").splitlines() if x.strip()]
        preds = claims_jsonl(docs)
        print(f"== {name}: {len(docs)} non-English articles ({', '.join(sorted({d.language or '?' for d in docs}))})")
        print(_line("all", score(gold, preds, a.show)))
        by_lang = defaultdict(list)
        for g in gold:
            by_lang[lang_of.get(g["doc"], "?")].append(g)
        for lang in sorted(by_lang):
            lp = [p for p in preds if lang_of.get(p["document"]["path"]) == lang]
            print(_line(f"  {lang}{'' if supports(lang) else ' (no rules)'}", score(by_lang[lang], lp)))
    print("== rule rows found in their own example sentence (the lemmatiser's share of matching):")
    for lang in supported_languages():
        m = matcher(lang)
        rows = [r for r in load_rows(lang) if r.pattern]
        ok = sum(m.matches_example(r) for r in rows)
        print(f"  {lang}: {ok}/{len(rows)}")
    docs = [d for d in all_docs if supports(d.language)]
    t = time.perf_counter()
    with get_context("spawn").Pool(a.processes) as pool:  # fresh workers: loading is measured
        pool.starmap(_warm, [(docs, a.lemmatiser)] * a.processes)  # each worker loads its dictionaries (may not reach all)
        load = time.perf_counter() - t
        t = time.perf_counter()
        n = sum(pool.map(_work, docs * a.rounds, chunksize=4))
        dt = time.perf_counter() - t
    print(f"== speed: {len(docs) * a.rounds} articles in {dt:.2f}s on {a.processes} processes: "
          f"{len(docs) * a.rounds / dt:.1f} articles/s ({n} claims); dictionary loading {load:.1f}s")


if __name__ == "__main__":
    main()
