"""The claim model's honest figures: held-out scores, per predicate, and calibration.

usage: python bench/claim_model.py [--shared ../shared] [--folds 5]

Retrains the heads exactly as ``make model`` does (nothing is written) and prints:
key/strict scores on ``train`` articles by k-fold cross-validation (each fold scored by heads
that never saw it), the required gold claims of ``train`` no candidate reaches (by predicate
and cause: what bounds the model's recall), the same for the rules alone, ``dev`` and seeds with the thresholds
chosen on ``dev``, the Brier score of the calibrated confidence on out-of-fold claims and a
reliability table per decile.  The last line is a summary for scripts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from minewatch.extract.training import REPO, train


def _line(name: str, r: dict) -> str:
    k, s = r["key"], r["strict"]
    return (f"{name:<24} key P={k['precision']:.3f} R={k['recall']:.3f} F1={k['f1']:.3f}  "
            f"strict F1={s['f1']:.3f}  time {r['attributes']['time']}  speaker {r['attributes']['speaker']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--written", default=str(REPO / "training" / "en"))
    ap.add_argument("--folds", type=int, default=5)
    a = ap.parse_args()
    if not (Path(a.shared) / "gold" / "train.jsonl").exists():
        print(f"no shared gold at {a.shared}", file=sys.stderr)
        return 2
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
