"""Train, choose and measure the claim model: ``make model`` (``python -m minewatch.extract.training``).

The honest order: the heads learn from the shared ``train`` articles plus the sentences this
project wrote (``training/en/``); the decision thresholds are chosen on ``dev``, which the
heads never see; what is reported as "unseen" comes from k-fold cross-validation over
``train`` by article, each fold scored by heads trained without it; the calibrator is fitted
on those out-of-fold claims only.  The result is deterministic for the same data.

scikit-learn fits the heads (a dev dependency); the shipped model is JSON that
``claim_model.py`` reads without it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from minewatch.extract.candidates import Candidate, candidates
from minewatch.extract.claim_model import MODEL_PATH, ClaimModel, LinearHead, _logit, keep_features
from minewatch.extract.extractor import Extractor
from minewatch.extract.rules import claim_fields, language_rows, matches
from minewatch.ingest import iter_items, prepare
from minewatch.ingest.sources import RawItem
from minewatch.model import TREATY_PREDICATES, Claim, Document, Modality
from minewatch.prefilter import is_relevant_document

REPO = Path(__file__).resolve().parents[3]
MODEL_VERSION = "model-2026-12"
MINE_TYPES = {"ap_mine", "at_mine", "mine"}


@dataclass
class Example:
    """One article with its gold claims, prepared once: the rules' claims and the candidates."""

    name: str
    doc: Document
    gold: list[dict[str, Any]]
    prep: Any = None
    rule_claims: list[Claim] = field(default_factory=list)
    cands: list[Candidate] = field(default_factory=list)
    written: bool = False
    #: whether the relevance prefilter lets the article through to extraction
    relevant: bool = True


# -- data -------------------------------------------------------------------------------------

def _gold_by_doc(path: Path) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            g = json.loads(line)
            out[g["doc"]].extend([] if g.get("none") else [g])
    return out


def corpus_examples(folder: Path, gold_path: Path, english_only: bool = True) -> list[Example]:
    """Articles of a shared folder that have gold lines, read and cleaned as ``ingest`` does."""

    gold = _gold_by_doc(gold_path)
    out = []
    for item in iter_items([str(folder)]):
        if not isinstance(item, RawItem):
            continue
        name = os.path.basename(item.input or "")
        if name not in gold:
            continue
        doc = prepare(item)
        if english_only and (doc.language or "en") != "en":
            continue
        out.append(Example(name, doc, gold[name]))
    return sorted(out, key=lambda e: e.name)


def written_examples(folder: Path) -> list[Example]:
    """The project's own labelled sentences (``training/en/*.jsonl``)."""
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            published = date.fromisoformat(row["published"]) if row.get("published") else None
            doc = Document(text=row["text"], original=row["text"], path=f"{path.name}:{n}", published=published,
                           language="en")
            gold = [dict(c, doc=row.get("id", f"{path.name}:{n}")) for c in row.get("claims", [])]
            out.append(Example(row.get("id", f"{path.name}:{n}"), doc, gold, written=True))
    return out


class _Recorder:
    """Stands in for the model inside the extractor during training: keeps each document's
    full preparation (with its parses) and the rules' claims, and changes nothing."""

    def __init__(self) -> None:
        self.seen: list[tuple[Any, list[Claim]]] = []

    def decide(self, extractor: Any, prep: Any, claims: list[Claim]) -> list[Claim]:
        self.seen.append((prep, claims))
        return claims


def prepare_examples(examples: list[Example], extractor: Any, prefilter: bool = True) -> None:
    """The rules' claims and the candidates of every example (the rules run without the model);
    ``prefilter``: articles the relevance screen stops give nothing, as in ``ingest``."""

    recorder = _Recorder()
    extractor.model = recorder
    try:
        for ex in examples:
            recorder.seen.clear()
            list(extractor.extract_many([ex.doc]))
            prep, claims = recorder.seen[0] if recorder.seen else (extractor.prepare(ex.doc), [])
            ex.prep = prep
            relevant = ex.relevant = is_relevant_document(ex.doc) or not prefilter
            ex.rule_claims = claims if relevant else []
            ex.cands = candidates(prep, ex.rule_claims, extractor.lex,
                                  frozenset(extractor.actors.observers)) if relevant else []
    finally:
        extractor.model = None


@dataclass
class Guard:
    """A sentence with claims that must (``expect``) and must not (``reject``) come out: the rule rows'
    examples and the capability cases of the tests.  Thresholds that break one are refused."""

    example: Example
    expect: list[dict[str, Any]]
    reject: list[dict[str, Any]]


def guard_examples(cases_dir: Path) -> list[Guard]:
    """Every rule row's example and every capability case that passes today (known misses aside)."""

    def doc(text: str, published: str | None, name: str, language: str = "en") -> Example:
        when = date.fromisoformat(published) if published else None
        return Example(name, Document(text=text, original=text, path=name, published=when, language=language), [])

    out = [Guard(doc(r["example"], r.get("published"), r["id"]), r["effect"].get("expect", []),
                 r["effect"].get("reject", []))
           for r in language_rows("en") if r.get("example") and r.get("effect")]
    for path in sorted(cases_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line) if line.strip() else None
            if case and not case.get("xfail"):
                out.append(Guard(doc(case["text"], case.get("published"), case["id"], case.get("language", "en")),
                                 case.get("expect", []), case.get("reject", [])))
    return out


def guard_holds(guards: list[tuple[Guard, Proposals]], add: dict[str, float], keep: dict[str, float]) -> bool:

    for guard, props in guards:
        got = [claim_fields(c) for c, p, rule in props if p >= _for(keep if rule else add, c.predicate)]
        if any(matches(c, r) for c in got for r in guard.reject):
            return False
        if not all(any(matches(c, e) for c in got) for e in guard.expect):
            return False
    return True


# -- coverage ---------------------------------------------------------------------------------

def uncovered(examples: list[Example], lex: Any) -> list[tuple[str, str, str]]:
    """Required gold claims no candidate can ever propose, as (predicate, cause, article): the
    model decides over candidates only, so these bound its recall.  Causes: the article is stopped
    by the prefilter; the actor is never recognised; no predicate cue in the article; the actor and
    the cue only in adjacent or far-apart sentences; or both in one sentence and still no candidate."""
    out = []
    for ex in examples:
        text = ex.doc.text or ""
        have = {(actor_key(c.actor.iso3 or c.actor.name), c.predicate) for c in ex.cands}
        for g in ex.gold:
            preds = _as_list(g["predicate"])
            key = actor_key(g["actor"])
            if not g.get("required", True) or any((key, p) in have for p in preds):
                continue
            if not ex.relevant or ex.prep is None:
                out.append((preds[0], "prefilter", ex.name))
                continue
            named = {i for i, (s, e) in enumerate(ex.prep.sentences) for m in ex.prep.mentions
                     if s <= m.start and m.end <= e and any(actor_key(a.iso3 or a.name) == key for a in m.actors)}
            cued = {i for i, (s, e) in enumerate(ex.prep.sentences)
                    if any(c.label in preds for c in lex.candidate_cues(text[s:e]))}
            if not named:
                cause = "actor not recognised"
            elif not cued:
                cause = "no cue in the article"
            elif named & cued:
                cause = "actor and cue in one sentence"
            elif any(abs(a - b) == 1 for a in named for b in cued):
                cause = "actor and cue in adjacent sentences"
            else:
                cause = "actor and cue far apart"
            out.append((preds[0], cause, ex.name))
    return out


# -- labels -----------------------------------------------------------------------------------

def _as_list(v: Any) -> list[Any]:
    return [] if v is None else v if isinstance(v, list) else [v]


def actor_key(a: Any) -> str | None:
    if a is None:
        return None
    if isinstance(a, str):
        return a.upper() if len(a) == 3 and a.isalpha() else " ".join(a.lower().replace("’", "'").split())
    iso = a.get("iso3")
    if iso:
        return iso.upper()
    name = a.get("name")
    return " ".join(name.lower().replace("’", "'").split()) if name else None


def _gold_for(ex: Example, cand: Candidate) -> list[dict[str, Any]]:
    key = actor_key(cand.actor.iso3 or cand.actor.name)
    return [g for g in ex.gold if actor_key(g["actor"]) == key and cand.predicate in _as_list(g["predicate"])]


Rows = dict[str, tuple[list[list[str]], list[str], list[float]]]


def labelled(examples: list[Example], written_weight: float = 1.0) -> Rows:
    """Training rows per head: relevance for every candidate, attributes for the positive ones
    whose gold is unambiguous (one gold line for that actor and predicate).  The project's own
    short texts are dense with claims, unlike news: ``written_weight`` says how much they count."""
    rows: Rows = defaultdict(lambda: ([], [], []))

    for ex in examples:
        weight = written_weight if ex.written else 1.0

        def add(head: str, feats: list[str], y: str, weight: float = weight) -> None:
            rows[head][0].append(feats)
            rows[head][1].append(y)
            rows[head][2].append(weight)

        for cand in ex.cands:
            golds = _gold_for(ex, cand)
            add("relevance", cand.features, "1" if golds else "0")
            if len(golds) != 1:
                continue
            g = golds[0]
            add("polarity", cand.features, "1" if g.get("polarity") == "negated" else "0")
            # where the gold accepts several readings, learn the one the sentence itself shows
            mods = _as_list(g.get("modality"))
            if mods:
                add("modality", cand.features, _shown(mods, cand.features, ("rule_mod:",)))
            stages = _as_list(g.get("stage"))
            if cand.predicate in TREATY_PREDICATES and stages:
                add(f"stage:{cand.predicate}", cand.features,
                    _shown(stages, cand.features, ("rule_stage:", "wstage:", "jstage:")))
    return rows


def keep_rows(examples: list[Example], written_weight: float = 1.0,
              relevance: dict[int, LinearHead] | None = None) -> tuple[list[list[str]], list[str], list[float]]:
    """The keep head's rows: each rule claim that has its own candidate, read by ``keep_features``
    and labelled by whether the claim, as the rules filled it, key-matches a gold claim.
    ``relevance`` (by example index): the relevance head that scores the example's candidates,
    one that never saw it, so the keep head learns how far to trust the score on unseen text."""
    feats: list[list[str]] = []
    ys: list[str] = []
    weights: list[float] = []
    for i, ex in enumerate(examples):
        head = (relevance or {}).get(i)
        own = {id(c): cand for cand in ex.cands for c in cand.rule_claims}
        per_pair = Counter((c.actor.key, c.predicate) for c in ex.rule_claims)
        best: dict[tuple[str, str], float] = {}
        if head is not None:
            for cand in ex.cands:
                key = (cand.actor.key, cand.predicate)
                best[key] = max(best.get(key, 0.0), head.probability("1", cand.features))
        for c in ex.rule_claims:
            cand = own.get(id(c))
            if cand is None:
                continue
            key = (c.actor.key, c.predicate)
            scores = (head.probability("1", cand.features), best[key]) if head is not None else (None, None)
            feats.append(keep_features(cand, c, per_pair[key], *scores))
            ys.append("1" if any(key_match(g, c.to_dict()) for g in ex.gold) else "0")
            weights.append(written_weight if ex.written else 1.0)
    return feats, ys, weights


def out_of_fold_relevance(examples: list[Example], c: float, written_weight: float, folds: int
                          ) -> dict[int, LinearHead]:
    """For each example (by index), a relevance head fitted on the other inner folds: the scores
    the keep head learns from are then as honest as the ones it meets on new articles."""
    out: dict[int, LinearHead] = {}
    for k in range(folds):
        inner = [e for i, e in enumerate(examples) if i % folds != k]
        f, y, w = labelled(inner, written_weight)["relevance"]
        head = fit_head(f, y, w, c)
        out.update({i: head for i in range(len(examples)) if i % folds == k})
    return out


def _shown(accepted: list[str], features: list[str], prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        for value in accepted:
            if prefix + value in features:
                return value
    return accepted[0]


def fit_head(feats: list[list[str]], ys: list[str], weights: list[float], c: float) -> LinearHead:
    from sklearn.feature_extraction import DictVectorizer  # training only: a dev dependency
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(f, 1) for f in feats])
    classes = sorted(set(ys))
    if len(classes) == 1:  # nothing to learn: a head that always gives the one class seen
        return LinearHead(classes=classes, bias=[0.0], weights={})
    clf = LogisticRegression(C=c, max_iter=3000, class_weight=None)
    clf.fit(x, ys, sample_weight=weights)
    names = vec.get_feature_names_out()
    coef = clf.coef_
    weights: dict[str, list[float]] = {}
    for j, name in enumerate(names):
        col = [round(float(coef[i, j]), 4) for i in range(coef.shape[0])]
        if any(abs(w) >= 5e-3 for w in col):
            weights[str(name)] = col
    return LinearHead(classes=[str(k) for k in clf.classes_], bias=[round(float(b), 4) for b in clf.intercept_],
                      weights=weights)


@dataclass(frozen=True)
class KeepHead:
    """Whether and how to fit the keep head for the rules' claims (docs/claim_model.md, the last
    sections): off in the shipped recipe until it measures better held out with every floor held.
    ``c``: its regularisation (a few hundred rows, the rules' claims, not thousands); ``inner``:
    inner folds for the relevance scores it reads in training (0: it reads no scores)."""

    on: bool = False
    c: float = 0.5
    inner: int = 5


KEEP_HEAD = KeepHead()


def fit_model(examples: list[Example], c: float = 0.2, written_weight: float = 0.5) -> ClaimModel:
    rows = labelled(examples, written_weight)
    heads = {k: fit_head(f, y, w, c) for k, (f, y, w) in rows.items()}
    if KEEP_HEAD.on:
        inner = out_of_fold_relevance(examples, c, written_weight, KEEP_HEAD.inner) if KEEP_HEAD.inner else None
        heads["keep"] = fit_head(*keep_rows(examples, written_weight, inner), KEEP_HEAD.c)
    return ClaimModel(version=MODEL_VERSION, relevance=heads["relevance"],
                      modality=heads.get("modality") or LinearHead([Modality.ACTUAL], [0.0], {}),
                      polarity=heads.get("polarity") or LinearHead(["0"], [0.0], {}),
                      stages={k.split(":", 1)[1]: v for k, v in heads.items() if k.startswith("stage:")},
                      calibrator=[0.0, 1.0, 0.0, 1.0], add_threshold=0.5, keep_threshold=0.0, report={},
                      keep=heads.get("keep"))


# -- scoring (the claim contract's key and strict matches) ------------------------------------

def _weapon_ok(gold: str | None, pred: str | None) -> bool:
    return gold is None or gold == pred or (gold in MINE_TYPES and pred in MINE_TYPES and "mine" in (gold, pred))


def key_match(g: dict[str, Any], p: dict[str, Any]) -> bool:
    return (actor_key(g["actor"]) == actor_key(p.get("actor"))
            and p.get("predicate") in _as_list(g["predicate"])
            and _weapon_ok(g.get("weapon"), p.get("weapon"))
            and (not g.get("treaty") or (p.get("treaty") or "").upper() == g["treaty"].upper())
            and (not _as_list(g.get("stage")) or p.get("stage") in _as_list(g.get("stage")))
            and (not g.get("counterpart") or actor_key(g["counterpart"]) == actor_key(p.get("counterpart")))
            and (g.get("polarity") or "affirmed") == (p.get("polarity") or "affirmed"))


def strict_match(g: dict[str, Any], p: dict[str, Any]) -> bool:
    mods = _as_list(g.get("modality"))
    return key_match(g, p) and (not mods or p.get("modality") in mods)


def match_document(gold: list[dict[str, Any]], preds: list[dict[str, Any]], rule: Any = key_match
                   ) -> tuple[list[tuple[dict, dict]], list[dict], list[int], set[int]]:
    """Greedy one-to-one matching; returns pairs, missed required gold, wrong predictions, and
    the predictions that are right (matched, redundant, or matching an optional gold line)."""
    pairs, missed, used = [], [], set()
    for g in gold:
        cands = [i for i, p in enumerate(preds) if i not in used and rule(g, p)]
        if cands:
            best = next((i for i in cands if strict_match(g, preds[i])), cands[0])
            used.add(best)
            pairs.append((g, preds[best]))
        elif g.get("required", True):
            missed.append(g)
    right = {i for i, p in enumerate(preds) if i in used or any(rule(g, p) for g in gold)}
    wrong = [i for i in range(len(preds)) if i not in right]
    return pairs, missed, wrong, right


def evaluate(per_doc: list[tuple[list[dict], list[dict]]], strict: bool = True) -> dict[str, Any]:
    """Key and strict precision, recall, F1 and per-predicate key scores over documents
    (``strict`` False: key scores only, as the threshold search needs)."""
    out: dict[str, Any] = {}
    for label, rule in (("key", key_match), ("strict", strict_match))[:2 if strict else 1]:
        tp = fp = fn = 0
        per: dict[str, Counter[str]] = defaultdict(Counter)
        attrs: Counter[str] = Counter()
        for gold, preds in per_doc:
            pairs, missed, wrong, _ = match_document(gold, preds, rule)
            pairs = [(g, p) for g, p in pairs if g.get("required", True)]
            tp, fn, fp = tp + len(pairs), fn + len(missed), fp + len(wrong)
            for g, p in pairs:
                per[_as_list(g["predicate"])[0]]["tp"] += 1
                if label == "key":
                    _attributes(g, p, attrs)
            for g in missed:
                per[_as_list(g["predicate"])[0]]["fn"] += 1
            for i in wrong:
                per[preds[i]["predicate"]]["fp"] += 1
        p, r, f = _prf(tp, fp, fn)
        out[label] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp,
                      "fn": fn}
        if label == "key":
            out["per_predicate"] = {k: dict(v, f1=round(_prf(v["tp"], v["fp"], v["fn"])[2], 3))
                                    for k, v in sorted(per.items())}
            out["attributes"] = {k: f"{attrs[k + '_ok']}/{attrs[k + '_n']}" for k in ("time", "speaker")}
    return out


def _attributes(g: dict[str, Any], p: dict[str, Any], attrs: Counter[str]) -> None:
    t = g.get("time")
    if t and (t.get("start") or t.get("end")):
        attrs["time_n"] += 1
        pt = p.get("time") or {}
        if pt.get("start") or pt.get("end"):
            attrs["time_ok"] += max(t.get("start") or "0000", pt.get("start") or "0000") <= min(
                t.get("end") or "9999", pt.get("end") or "9999")
    if g.get("speaker"):
        attrs["speaker_n"] += 1
        attrs["speaker_ok"] += g["speaker"].lower() in (((p.get("speaker") or {}).get("name")) or "").lower()


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# -- decisions --------------------------------------------------------------------------------

Proposals = list[tuple[Claim, float, bool]]
#: add thresholds tried; 0.95 lets a predicate whose look-alikes (guards) reach 0.9 still add its surest claims
ADD_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01)
KEEP_GRID = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2)
#: keep thresholds tried per predicate once the common ones are set: a predicate whose rule claims the
#: model finds unlikely (on held-out articles) may drop more of them
PREDICATE_KEEP_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
#: the keep thresholds a less greedy selection (a ``margin``) looks at per predicate: fine enough to
#: find the run of equally good thresholds between two claims' scores
FINE_KEEP_GRID = tuple(round(0.025 * i, 3) for i in range(33))


@dataclass(frozen=True)
class Selection:
    """How the thresholds are chosen on held-out predictions.  ``margin`` None: the argmax on the
    coarse grids (ties: the more cautious add threshold); a number: the less greedy per-predicate
    steps of ``choose_thresholds`` with that many claims of slack and ``keep_pick`` ("low", "centre",
    "neutral") on the fine keep grid; ``bags``: the median over that many bootstrap resamples
    (``bagged_thresholds``).  docs/claim_model.md has what each measured."""

    margin: float | None = None
    keep_pick: str = "low"
    bags: int = 0


#: the selection ``make model`` and the accuracy gate use: the one that measured best held out
#: (docs/claim_model.md: bagged over 9 resamples, held-out key F1 0.718 against 0.717 greedy, with no
#: predicate below its floor)
SELECTION = Selection(bags=9)


def proposals(model: ClaimModel, extractor: Any, examples: list[Example]) -> list[Proposals]:
    return [model.proposals(extractor, ex.prep, ex.rule_claims, ex.cands, floor=min(ADD_GRID)) for ex in examples]


#: add and keep thresholds, each per predicate ("*": the rest)
Thresholds = tuple[dict[str, float], dict[str, float]]


def _for(thresholds: dict[str, float], predicate: str) -> float:
    return thresholds.get(predicate, thresholds["*"])


def _chosen(props: Proposals, add: dict[str, float], keep: dict[str, float]) -> list[dict[str, Any]]:
    return [c.to_dict() for c, p, rule in props if p >= _for(keep if rule else add, c.predicate)]


def _statements(extractor: Any, ex: Example) -> list[dict[str, Any]]:
    """What the product adds after the model (statements about the treaty as a whole): scored too."""
    return [c.to_dict() for c in extractor.treaty_statements(ex.prep)] if ex.relevant else []


def scored(model: ClaimModel | None, extractor: Any, examples: list[Example]) -> dict[str, Any]:
    """Key and strict scores of what ``minewatch`` would store for these articles."""
    if model is None:
        return evaluate([(ex.gold, [c.to_dict() for c in ex.rule_claims] + _statements(extractor, ex))
                         for ex in examples])
    props = proposals(model, extractor, examples)
    add = {"*": model.add_threshold, **model.add_by_predicate}
    keep = {"*": model.keep_threshold, **model.keep_by_predicate}
    return evaluate([(ex.gold, _chosen(pr, add, keep) + _statements(extractor, ex))
                     for ex, pr in zip(examples, props, strict=True)])


def _one_claim(score: dict[str, Any]) -> float:
    """How much pooled key F1 one claim is worth at ``score``: the gain of one more recalled claim
    (dropping one false claim is worth a little less), so a slack of one covers either."""
    k = score["key"]
    tp, fp, fn = k["tp"], k["fp"], k["fn"]
    return _prf(tp + 1, fp, max(fn - 1, 0))[2] - _prf(tp, fp, fn)[2]


def _within(scores: list[tuple[float, float]], slack: float) -> list[float]:
    """The thresholds whose score is within ``slack`` of the best (refused settings, score < 0, never)."""
    allowed = [(t, s) for t, s in scores if s >= 0]
    best = max((s for _, s in allowed), default=0.0)
    return [t for t, s in allowed if s >= best - slack - 1e-9]


def _cautious(scores: list[tuple[float, float]], slack: float) -> float | None:
    """The highest threshold within ``slack`` of the best: an addition must earn more than ``slack``."""
    return max(_within(scores, slack), default=None)


def _lowest(scores: list[tuple[float, float]], slack: float) -> float | None:
    """The lowest threshold within ``slack`` of the best: a rule claim is dropped only where dropping
    it earns more than ``slack``."""
    return min(_within(scores, slack), default=None)


def _plateau_centre(scores: list[tuple[float, float]], slack: float, neutral: float | None = None) -> float | None:
    """``neutral`` (the common threshold) where its score is within ``slack`` of the best; else the
    centre of the run of neighbouring thresholds (in grid order) whose score is within ``slack`` of
    the best, the run holding the lowest best: the point farthest from the claims on either edge,
    so a claim scored a little differently on unseen articles does not cross it."""
    if not any(s >= 0 for _, s in scores):
        return None
    best = max(s for _, s in scores)
    if neutral is not None and dict(scores).get(neutral, -1.0) >= best - slack - 1e-9:
        return neutral
    top = min(i for i, (_, s) in enumerate(scores) if s >= best - 1e-9)
    lo = hi = top
    while lo > 0 and scores[lo - 1][1] >= best - slack - 1e-9:
        lo -= 1
    while hi + 1 < len(scores) and scores[hi + 1][1] >= best - slack - 1e-9:
        hi += 1
    return scores[(lo + hi) // 2][0]


def choose_thresholds(pools: list[tuple[list[Example], list[Proposals]]],
                      dev: tuple[list[Example], list[Proposals]] | None = None,
                      dev_floor: float | None = None,
                      guards: list[tuple[Guard, Proposals]] | None = None,
                      margin: float | None = None, keep_pick: str = "low") -> Thresholds:
    """The thresholds with the best pooled key F1 over held-out predictions: one add and one keep
    threshold first, then an add threshold per predicate, then a keep threshold per predicate, one
    predicate at a time.  With ``dev_floor``, settings that take ``dev`` below it are refused: the
    issue's rule that dev does not drop below the rules' score; so are settings that break a ``guard``.

    ``margin`` (in claims) makes the per-predicate steps less greedy: a predicate leaves the common
    threshold only for a setting that beats it by more than ``margin`` claims of pooled key F1, and
    among settings within ``margin`` of the best it takes the neutral one (the highest add threshold:
    add less; for keep, ``keep_pick``: "low", the lowest (trust the rules more); "centre", the centre
    of the run of thresholds within the slack; "neutral", the common keep threshold where it is
    within the slack, else that centre).  The argmax edge of a coarse grid moves with any change to
    the pool; a claim or two of gain is noise on ~100 held-out articles."""
    everything = pools + ([dev] if dev else [])

    def score(add: dict[str, float], keep: dict[str, float]) -> dict[str, Any] | None:
        if guards and not guard_holds(guards, add, keep):
            return None
        if dev is not None and dev_floor is not None:
            guard = evaluate([(ex.gold, _chosen(pr, add, keep)) for ex, pr in zip(*dev, strict=True)], strict=False)
            if guard["key"]["f1"] < dev_floor:
                return None
        return evaluate([(ex.gold, _chosen(pr, add, keep))
                         for exs, props in everything for ex, pr in zip(exs, props, strict=True)], strict=False)

    def f1(add: dict[str, float], keep: dict[str, float]) -> float:
        s = score(add, keep)
        return -1.0 if s is None else s["key"]["f1"]

    best, add, keep = -1.0, {"*": max(ADD_GRID)}, {"*": 0.0}
    for a in sorted(ADD_GRID, reverse=True):
        for k in KEEP_GRID:
            s = f1({"*": a}, {"*": k})
            if s > best + 1e-9:
                best, add, keep = s, {"*": a}, {"*": k}
    base = score(add, keep)
    slack = (margin or 0.0) * _one_claim(base) if base is not None else 0.0
    predicates = sorted({c.predicate for _, props in everything for pr in props for c, _, rule in pr if not rule})
    for pred in predicates:
        if margin is None:
            for a in sorted(ADD_GRID, reverse=True):
                trial = {**add, pred: a}
                s = f1(trial, keep)
                # a tie goes to the more cautious threshold, the common one included: a predicate whose
                # additions gain nothing on held-out articles adds nothing
                if s > best + 1e-9 or (s > best - 1e-9 and a > _for(add, pred)):
                    best, add = max(best, s), trial
            continue
        a = _cautious([(a, f1({**add, pred: a}, keep)) for a in ADD_GRID], slack)
        add = {**add, pred: _for(add, pred) if a is None else a}
    ruled = sorted({c.predicate for _, props in everything for pr in props for c, _, rule in pr if rule})
    for pred in ruled:
        if margin is None:
            for k in PREDICATE_KEEP_GRID:
                trial = {**keep, pred: k}
                s = f1(add, trial)
                if s > best + 1e-9:
                    best, keep = s, trial
            continue
        grid = [(k, f1(add, {**keep, pred: k})) for k in sorted({*FINE_KEEP_GRID, keep["*"]})]
        if keep_pick == "low":
            k = _lowest(grid, slack)
        else:
            k = _plateau_centre(grid, slack, keep["*"] if keep_pick == "neutral" else None)
        keep = {**keep, pred: _for(keep, pred) if k is None else k}
    return add, keep


def bagged_thresholds(pools: list[tuple[list[Example], list[Proposals]]],
                      dev: tuple[list[Example], list[Proposals]] | None = None,
                      dev_floor: float | None = None,
                      guards: list[tuple[Guard, Proposals]] | None = None,
                      rounds: int = 0) -> Thresholds:
    """``choose_thresholds`` on ``rounds`` bootstrap resamples of the pooled held-out articles
    (seeded: the same data gives the same thresholds), each threshold the median of the rounds':
    one article more or less in the pool no longer flips a predicate's threshold from one grid
    edge to the other.  Where the medians together break a guard or the dev floor, the plain choice."""
    if rounds <= 0:
        return choose_thresholds(pools, dev, dev_floor, guards)
    docs = [(ex, pr) for exs, props in pools for ex, pr in zip(exs, props, strict=True)]
    picks: list[Thresholds] = []
    for r in range(rounds):
        rng = random.Random(r)
        sample = [docs[rng.randrange(len(docs))] for _ in docs]
        picks.append(choose_thresholds([([e for e, _ in sample], [p for _, p in sample])], dev, dev_floor, guards))

    def median(values: list[float]) -> float:
        return sorted(values)[(len(values) - 1) // 2]

    preds = {"*"} | {k for add, keep in picks for k in (*add, *keep)}
    add = {k: median([_for(a, k) for a, _ in picks]) for k in sorted(preds)}
    keep = {k: median([_for(kp, k) for _, kp in picks]) for k in sorted(preds)}
    ok = not guards or guard_holds(guards, add, keep)
    if ok and dev is not None and dev_floor is not None:
        ok = evaluate([(ex.gold, _chosen(pr, add, keep)) for ex, pr in zip(*dev, strict=True)],
                      strict=False)["key"]["f1"] >= dev_floor
    return (add, keep) if ok else choose_thresholds(pools, dev, dev_floor, guards)


def select_thresholds(pools: list[tuple[list[Example], list[Proposals]]],
                      dev: tuple[list[Example], list[Proposals]] | None = None,
                      dev_floor: float | None = None,
                      guards: list[tuple[Guard, Proposals]] | None = None,
                      how: Selection | None = None) -> Thresholds:
    """The thresholds as ``how`` (default: ``SELECTION``) says to choose them."""
    how = how or SELECTION
    if how.bags > 0:
        return bagged_thresholds(pools, dev, dev_floor, guards, how.bags)
    return choose_thresholds(pools, dev, dev_floor, guards, how.margin, how.keep_pick)


#: How far below the rules alone ``dev`` and the seeds may go when the model adds claims: not at all.
DEV_TOLERANCE = 0.0


def _guarded(model: ClaimModel, extractor: Any, guards: list[Guard] | None) -> list[tuple[Guard, Proposals]]:
    if not guards:
        return []
    return list(zip(guards, proposals(model, extractor, [g.example for g in guards]), strict=True))


def dev_floor(dev: list[Example]) -> float:
    return evaluate([(ex.gold, [c.to_dict() for c in ex.rule_claims]) for ex in dev])["key"]["f1"] - DEV_TOLERANCE


def cross_validate(examples: list[Example], written: list[Example], dev: list[Example], extractor: Any,
                   folds: int, c: float, written_weight: float, guards: list[Guard] | None = None
                   ) -> tuple[dict[str, Any], list[tuple[float, bool, bool]], list[Proposals], list[ClaimModel]]:
    """k-fold over ``examples`` by article.  Fold k's thresholds are chosen on ``dev`` and the
    other folds' held-out predictions (never on fold k), so fold k's score is unseen.  Returns the
    held-out scores, the out-of-fold (pair score, from rules, right) records the calibrator
    learns from, the out-of-fold proposals and the fold models."""
    models = [fit_model([e for i, e in enumerate(examples) if i % folds != k] + written, c, written_weight)
              for k in range(folds)]
    held = [[e for i, e in enumerate(examples) if i % folds == k] for k in range(folds)]
    oof = [proposals(models[k], extractor, held[k]) for k in range(folds)]
    dev_props = [proposals(models[k], extractor, dev) for k in range(folds)]
    per_doc: list[tuple[list[dict], list[dict]]] = []
    records: list[tuple[float, bool, bool]] = []
    floor = dev_floor(dev)
    for k in range(folds):
        pools = [(held[j], oof[j]) for j in range(folds) if j != k]
        fold_guards = _guarded(models[k], extractor, guards)
        add, keep = select_thresholds(pools, (dev, dev_props[k]), floor, fold_guards)
        for ex, props in zip(held[k], oof[k], strict=True):
            kept_props = [(cl, p, rule) for cl, p, rule in props if p >= _for(keep if rule else add, cl.predicate)]
            dicts = [cl.to_dict() for cl, _, _ in kept_props]
            per_doc.append((ex.gold, dicts + _statements(extractor, ex)))
            _, _, _, right = match_document(ex.gold, dicts)
            kept = [(p, rule) for _, p, rule in kept_props]
            records += [(p, rule, i in right) for i, (p, rule) in enumerate(kept)]
    flat = [pr for fold in oof for pr in fold]
    return evaluate(per_doc), records, flat, models


def fit_calibrator(records: list[tuple[float, bool, bool]]) -> list[float]:
    """Platt scaling on out-of-fold claims, one per origin (the rules' claims, the model's own):
    right or wrong against the logit of the pair score.  A slope the data would make negative is
    refused (a higher score never means a less likely claim): that origin gets its base rate."""

    from sklearn.linear_model import LogisticRegression


    out: list[float] = []
    for origin in (True, False):
        rows = [(p, right) for p, rule, right in records if rule == origin]
        ys = [int(r) for _, r in rows]
        rate = (sum(ys) + 1) / (len(ys) + 2)  # Laplace: an origin with few claims stays modest
        if len(set(ys)) < 2:
            out += [round(math.log(rate / (1 - rate)), 4), 0.0]
            continue
        clf = LogisticRegression(C=10.0, max_iter=1000).fit([[_logit(p)] for p, _ in rows], ys)
        a, b = float(clf.intercept_[0]), float(clf.coef_[0][0])
        if b < 0:
            a, b = math.log(rate / (1 - rate)), 0.0
        out += [round(a, 4), round(b, 4)]
    return out


def reliability(records: list[tuple[float, bool]], bins: int = 10) -> tuple[float, list[dict[str, Any]]]:
    """Brier score and a reliability table per decile of predicted confidence."""
    brier = sum((p - float(r)) ** 2 for p, r in records) / max(1, len(records))
    table = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(p, r) for p, r in records if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if inside:
            table.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": len(inside),
                          "mean_confidence": round(sum(p for p, _ in inside) / len(inside), 3),
                          "accuracy": round(sum(r for _, r in inside) / len(inside), 3)})
    return round(brier, 4), table


def train(shared: Path, written_dir: Path, out: Path | None, folds: int = 5, c: float = 0.2,
          written_weight: float = 0.5, log: Any = print, cases_dir: Path = REPO / "tests" / "extract" / "cases"
          ) -> ClaimModel:
    """The whole recipe; writes the model to ``out`` when given."""

    rules = Extractor(model=None)
    train_ex = corpus_examples(shared / "corpus" / "train", shared / "gold" / "train.jsonl")
    dev_ex = corpus_examples(shared / "corpus" / "dev", shared / "gold" / "dev.jsonl")
    seeds_ex = corpus_examples(shared / "seeds", shared / "gold" / "seeds.jsonl")
    written = written_examples(written_dir)
    log(f"articles: train {len(train_ex)}, dev {len(dev_ex)}, seeds {len(seeds_ex)}; written examples {len(written)}")
    guards = guard_examples(cases_dir)
    log(f"guards: {len(guards)} rule examples and capability cases")
    prepare_examples(train_ex + dev_ex + seeds_ex + written, rules)
    prepare_examples([g.example for g in guards], rules, prefilter=False)  # sentences, as the tests run them
    missing = uncovered(train_ex, rules.lex)
    log(f"train gold claims no candidate reaches: {len(missing)} of "
        f"{sum(1 for e in train_ex for g in e.gold if g.get('required', True))}")
    cv, records, oof, _ = cross_validate(train_ex, written, dev_ex + seeds_ex, rules, folds, c, written_weight, guards)
    model = fit_model(train_ex + written, c, written_weight)
    ordered = [e for k in range(folds) for i, e in enumerate(train_ex) if i % folds == k]
    guard = dev_ex + seeds_ex  # the sets that must not drop below the rules alone
    add, keep = select_thresholds([(ordered, oof)], (guard, proposals(model, rules, guard)), dev_floor(guard),
                                  _guarded(model, rules, guards))
    model.add_threshold, model.keep_threshold = add["*"], keep["*"]
    model.keep_by_predicate = {k: v for k, v in keep.items() if k != "*" and v != keep["*"]}
    model.add_by_predicate = {k: v for k, v in add.items() if k != "*" and v != add["*"]}
    log(f"thresholds chosen on dev and out-of-fold train: add={add} keep={keep}")
    model.calibrator = fit_calibrator(records)
    calibrated = [(model.confidence(p, rule), right) for p, rule, right in records]
    brier, table = reliability(calibrated)
    model.report = {
        "trained_on": {"train_articles": len(train_ex), "written_examples": len(written),
                       "written_weight": written_weight, "c": c},
        "thresholds_chosen_on": "dev + out-of-fold train (per fold: dev + the other folds); dev and seeds may not "
                                "drop below the rules alone, and no rule example or capability case may break",
        "guards": len(guards),
        "uncovered_train": {f"{p} | {c}": n for (p, c), n in sorted(Counter((p, c) for p, c, _ in missing).items())},
        "unseen_train_cv": {"folds": folds, **cv},
        "rules_alone_train": scored(None, rules, train_ex),
        "dev": scored(model, rules, dev_ex), "dev_rules_alone": scored(None, rules, dev_ex),
        "seeds": scored(model, rules, seeds_ex),
        "calibration_out_of_fold": {"brier": brier, "claims": len(calibrated), "reliability": table},
    }
    if out is not None:
        model.save(out)
        log(f"wrote {out}")
    return model


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared folder with corpus/ and gold/")
    ap.add_argument("--written", default=str(REPO / "training" / "en"), help="the project's labelled sentences")
    ap.add_argument("--out", default=str(MODEL_PATH), help="where the model JSON goes")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--c", type=float, default=0.2, help="inverse L2 strength of the heads")
    ap.add_argument("--written-weight", type=float, default=0.5, help="weight of the project's own sentences")
    ap.add_argument("--dry-run", action="store_true", help="measure only, write nothing")
    a = ap.parse_args(argv)
    shared = Path(a.shared)
    if not (shared / "gold" / "train.jsonl").exists():
        print(f"no training data at {shared} (../shared is beside developer and CI checkouts)", file=sys.stderr)
        return 2
    model = train(shared, Path(a.written), None if a.dry_run else Path(a.out), a.folds, a.c, a.written_weight)
    print(json.dumps(model.report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
