"""The claim model's honest figures: held-out scores, per predicate, and calibration.

usage: python bench/claim_model.py [--shared ../shared] [--folds 5] [--false-claims use,production] [--missed P,Q]
                                   [--margin N [--keep-pick low|centre|neutral]] [--bags N]
                                   [--keep-head [--keep-c C] [--keep-inner K]]

Retrains the heads exactly as ``make model`` does (nothing is written) and prints:
key/strict scores on ``train`` articles by k-fold cross-validation (each fold scored by heads
that never saw it), the required gold claims of ``train`` no candidate reaches (by predicate
and cause: what bounds the model's recall), the same for the rules alone, ``dev`` and seeds with the thresholds
chosen on ``dev``, the Brier score of the calibrated confidence on out-of-fold claims and a
reliability table per decile.  The last line is a summary for scripts.

``--false-claims P,Q`` instead lists the held-out false claims of those predicates (as the
5-fold recipe decides them: each fold's heads and thresholds never saw its articles), with the
pair score, whether the rules made the claim, and its evidence, to group them by cause.

``--missed P,Q`` lists the held-out missed required gold claims of those predicates (with
``--false-claims``, both in one run), each with its cause: no candidate; the pair's best candidate
below its threshold (its score); a claim below its keep or add threshold (and whether it would
have matched); or a claim of that actor and predicate made with another stage, treaty or polarity.

``--margin``, ``--keep-pick`` and ``--bags`` measure other threshold selections
(``training.Selection``) instead of the shipped one (``--bags 0``: the plain greedy search).
``--keep-head`` measures the keep head for the rules' claims (``training.KeepHead``), off as shipped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from minewatch.extract import training as T
from minewatch.extract.training import REPO, train


def _held_out(shared: Path, written_dir: Path, folds: int) -> Iterator[tuple[Any, Any, list, dict, dict, Any]]:
    """Each held-out ``train`` article with its fold's proposals and thresholds, decided as
    ``cross_validate`` does: (rules, example, proposals, add, keep)."""
    from minewatch.extract.extractor import Extractor

    rules = Extractor(model=None)
    train_ex = T.corpus_examples(shared / "corpus" / "train", shared / "gold" / "train.jsonl")
    dev = (T.corpus_examples(shared / "corpus" / "dev", shared / "gold" / "dev.jsonl")
           + T.corpus_examples(shared / "seeds", shared / "gold" / "seeds.jsonl"))
    written = T.written_examples(written_dir)
    guards = T.guard_examples(REPO / "tests" / "extract" / "cases")
    T.prepare_examples(train_ex + dev + written, rules)
    T.prepare_examples([g.example for g in guards], rules, prefilter=False)
    held = [[e for i, e in enumerate(train_ex) if i % folds == k] for k in range(folds)]
    models = [T.fit_model([e for i, e in enumerate(train_ex) if i % folds != k] + written, 0.2, 0.5)
              for k in range(folds)]
    oof = [T.proposals(models[k], rules, held[k]) for k in range(folds)]
    floor = T.dev_floor(dev)
    for k in range(folds):
        pools = [(held[j], oof[j]) for j in range(folds) if j != k]
        add, keep = T.select_thresholds(pools, (dev, T.proposals(models[k], rules, dev)), floor,
                                        T._guarded(models[k], rules, guards))
        for ex, props in zip(held[k], oof[k], strict=True):
            yield rules, ex, props, add, keep, models[k]


def _kept(props: list, add: dict, keep: dict) -> list:
    return [(c, p, rule) for c, p, rule in props if p >= T._for(keep if rule else add, c.predicate)]


def _fields(c: Any) -> str:
    d = c.to_dict() if hasattr(c, "to_dict") else c
    a = d.get("actor")
    who = a if isinstance(a, str) else (a or {}).get("iso3") or (a or {}).get("name")
    return f"{who}/{d.get('stage')}/{d.get('treaty')}/{d.get('polarity') or 'affirmed'}"


def _differs(g: dict, d: dict) -> str:
    """Which fields of the key a same-actor, same-predicate claim got wrong."""
    out = []
    if T._as_list(g.get("stage")) and d.get("stage") not in T._as_list(g.get("stage")):
        out.append(f"stage {d.get('stage')} (gold {'|'.join(T._as_list(g.get('stage')))})")
    if g.get("treaty") and (d.get("treaty") or "").upper() != g["treaty"].upper():
        out.append(f"treaty {d.get('treaty')} (gold {g['treaty']})")
    if (g.get("polarity") or "affirmed") != (d.get("polarity") or "affirmed"):
        out.append(f"polarity {d.get('polarity')} (gold {g.get('polarity')})")
    if not T._weapon_ok(g.get("weapon"), d.get("weapon")):
        out.append(f"weapon {d.get('weapon')} (gold {g.get('weapon')})")
    if g.get("counterpart") and T.actor_key(g["counterpart"]) != T.actor_key(d.get("counterpart")):
        out.append("counterpart")
    return ", ".join(out) or "matched elsewhere"


def _why_missed(ex: Any, g: dict, props: list, kept: list, add: dict, keep: dict, model: Any) -> str:
    """The cause of one missed gold claim: no candidate; the pair's best candidate below the
    threshold; or a claim of that actor and predicate made with another stage, treaty or polarity."""
    key = T.actor_key(g["actor"])
    preds = T._as_list(g["predicate"])
    same = [(c, p, rule) for c, p, rule in kept if T.actor_key(c.actor.iso3 or c.actor.name) == key
            and c.predicate in preds]
    if same:
        return "made, differs: " + "; ".join(
            f"{_differs(g, c.to_dict())} [{'rules' if rule else 'model'} p={p:.2f}]" for c, p, rule in same)
    dropped = [(c, p, rule) for c, p, rule in props if T.actor_key(c.actor.iso3 or c.actor.name) == key
               and c.predicate in preds]
    if dropped:
        c, p, rule = max(dropped, key=lambda x: x[1])
        thr = T._for(keep if rule else add, c.predicate)
        ok = "would match" if T.key_match(g, c.to_dict()) else "would differ: " + _differs(g, c.to_dict())
        return f"below threshold: {'rules' if rule else 'model'} p={p:.2f} < {thr:.2f} ({ok})"
    cands = [c for c in ex.cands if T.actor_key(c.actor.iso3 or c.actor.name) == key and c.predicate in preds]
    if not cands:
        others = sorted({_fields(c) for c, _, _ in kept if c.predicate in preds})
        return "no candidate" + (f" (claims of the predicate: {', '.join(others)})" if others else "")
    best = max(cands, key=lambda c: model.relevance.probability("1", c.features))
    p = model.relevance.probability("1", best.features)
    return f"best candidate below threshold: p={p:.2f} < {T._for(add, best.predicate):.2f}"


def listings(shared: Path, written_dir: Path, folds: int, false: set[str], missed: set[str]) -> None:
    """Print the out-of-fold false claims of ``false`` and the missed required gold claims of
    ``missed``, decided as ``cross_validate`` does (the treaty statements the product adds count)."""
    for rules, ex, props, add, keep, model in _held_out(shared, written_dir, folds):
        kept = _kept(props, add, keep)
        dicts = [c.to_dict() for c, _, _ in kept]
        statements = T._statements(rules, ex)
        _, gone, wrong, _ = T.match_document(ex.gold, dicts + statements)
        for i in wrong:
            if i >= len(kept):
                d = statements[i - len(kept)]
                if d["predicate"] in false:
                    print(f"FALSE {d['predicate']:<12} {ex.name} {_fields(d)} statement  "
                          f"{(d.get('evidence') or [{}])[0].get('text', '')[:160]}")
                continue
            c, p, rule = kept[i]
            if c.predicate in false:
                text = c.evidence[0].text[:160] if c.evidence else ""
                print(f"FALSE {c.predicate:<12} {ex.name} {_fields(c)} p={p:.2f} {'rules' if rule else 'model'}  "
                      f"{text}")
        for g in gone:
            preds = T._as_list(g["predicate"])
            if not missed & set(preds):
                continue
            stage = "|".join(T._as_list(g.get("stage")))
            print(f"MISSED {preds[0]:<12} {ex.name} {g['actor']}/{stage}/{g.get('treaty')}/"
                  f"{g.get('polarity') or 'affirmed'}: {_why_missed(ex, g, props, kept, add, keep, model)}")


def _line(name: str, r: dict) -> str:
    k, s = r["key"], r["strict"]
    return (f"{name:<24} key P={k['precision']:.3f} R={k['recall']:.3f} F1={k['f1']:.3f}  "
            f"strict F1={s['f1']:.3f}  time {r['attributes']['time']}  speaker {r['attributes']['speaker']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--written", default=str(REPO / "training" / "en"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--false-claims", default="", help="comma-separated predicates: list their held-out false claims")
    ap.add_argument("--missed", default="", help="comma-separated predicates: list their held-out missed gold claims")
    ap.add_argument("--margin", type=float, default=None,
                    help="claims of slack for the per-predicate thresholds (default: the greedy argmax)")
    ap.add_argument("--keep-pick", default="low", choices=("low", "centre", "neutral"),
                    help="with --margin: which keep threshold of those within the slack")
    ap.add_argument("--bags", type=int, default=None,
                    help="median thresholds over this many bootstrap resamples (0: the plain search)")
    ap.add_argument("--keep-head", action="store_true",
                    help="fit the keep head for the rules' claims (training.KeepHead; off as shipped)")
    ap.add_argument("--keep-c", type=float, default=T.KeepHead.c, help="with --keep-head: its regularisation")
    ap.add_argument("--keep-inner", type=int, default=T.KeepHead.inner,
                    help="with --keep-head: inner folds of the relevance scores it reads (0: none)")
    a = ap.parse_args()
    if a.keep_head:
        T.KEEP_HEAD = T.KeepHead(on=True, c=a.keep_c, inner=a.keep_inner)
    if a.margin is not None or a.bags is not None:  # else the shipped selection, training.SELECTION
        T.SELECTION = T.Selection(margin=a.margin, keep_pick=a.keep_pick, bags=a.bags or 0)
    if not (Path(a.shared) / "gold" / "train.jsonl").exists():
        print(f"no shared gold at {a.shared}", file=sys.stderr)
        return 2
    if a.false_claims or a.missed:
        listings(Path(a.shared), Path(a.written), a.folds, set(filter(None, a.false_claims.split(","))),
                 set(filter(None, a.missed.split(","))))
        return 0
    model = train(Path(a.shared), Path(a.written), None, a.folds, log=lambda m: print(m, file=sys.stderr))
    r = model.report
    cv = r["unseen_train_cv"]
    print(_line(f"train, {a.folds}-fold unseen", cv))
    print(_line("train, rules alone", r["rules_alone_train"]))
    print(_line("dev (thresholds)", r["dev"]))
    print(_line("dev, rules alone", r["dev_rules_alone"]))
    print(_line("seeds", r["seeds"]))
    print("per predicate, train unseen (tp fp fn F1):")
    for p, v in cv["per_predicate"].items():
        print(f"  {p:<18} {v.get('tp', 0):>3} {v.get('fp', 0):>3} {v.get('fn', 0):>3}  {v['f1']:.3f}")
    print("train gold claims no candidate reaches (predicate | cause: n):")
    for k, n in r.get("uncovered_train", {}).items():
        print(f"  {k}: {n}")
    cal = r["calibration_out_of_fold"]
    print(f"calibration on {cal['claims']} out-of-fold claims: Brier {cal['brier']:.4f}")
    print("  confidence  n    mean   accuracy")
    for row in cal["reliability"]:
        print(f"  {row['bin']:<10} {row['n']:>4} {row['mean_confidence']:.3f}  {row['accuracy']:.3f}")
    print(f"unseen_key_f1={cv['key']['f1']} unseen_recall={cv['key']['recall']} unseen_strict_f1={cv['strict']['f1']} "
          f"dev_key_f1={r['dev']['key']['f1']} seeds_key_f1={r['seeds']['key']['f1']} brier={cal['brier']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
