"""The trained claim model: which candidates are claims, and how sure minewatch is of each.

Rules propose (``candidates.py``) and fill arguments and values; this model decides.  It is a
set of linear heads over the candidates' string features — relevance (is this actor doing this
predicate here?), stage, modality and polarity — plus a calibrator that turns a claim's score
into the probability that it is right, fitted on documents the heads did not train on.  The
weights are plain JSON shipped inside the package (``model/claims.json``), written by
``make model`` (``python -m minewatch.extract.training``); inference is a dictionary lookup
per feature, so it costs nothing next to parsing and needs no ML library at run time.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from minewatch.extract.candidates import Candidate, candidates
from minewatch.extract.triggers import Cue
from minewatch.model import (
    TREATY_PREDICATES,
    Actor,
    ActorKind,
    Claim,
    DateRange,
    Evidence,
    Modality,
    Polarity,
    Predicate,
)

MODEL_PATH = Path(__file__).with_name("model") / "claims.json"
#: The extraction design's name, as spaCy names registered functions; the model adds its version.
EXTRACTOR_NAME = "claims.v2"
#: What claims say they came from where no model is shipped (the rules alone decided).
RULES_ONLY = f"{EXTRACTOR_NAME}/rules"
_WITH_COUNTERPART = frozenset({Predicate.TRANSFER, Predicate.BORDER})


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    if x > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


@dataclass
class LinearHead:
    """A logistic (binary) or softmax (several classes) layer over binary string features."""

    classes: list[str]
    bias: list[float]
    weights: dict[str, list[float]]

    def probabilities(self, features: list[str]) -> list[float]:
        scores = list(self.bias)
        for f in set(features):
            w = self.weights.get(f)
            if w is not None:
                for i, x in enumerate(w):
                    scores[i] += x
        if len(self.classes) == 2 and len(scores) == 1:  # binary: one score for classes[1]
            p = _sigmoid(scores[0])
            return [1 - p, p]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return [x / total for x in exp]

    def probability(self, label: str, features: list[str]) -> float:
        """The probability of one class (0 for a class the head never saw)."""
        if label not in self.classes:
            return 0.0
        return self.probabilities(features)[self.classes.index(label)]

    def best(self, features: list[str]) -> tuple[str, float]:
        probs = self.probabilities(features)
        i = max(range(len(probs)), key=probs.__getitem__)
        return self.classes[i], probs[i]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LinearHead:
        return cls(classes=list(d["classes"]), bias=list(d["bias"]), weights=d["weights"])

    def to_dict(self) -> dict[str, Any]:
        return {"classes": self.classes, "bias": self.bias, "weights": self.weights}


@dataclass
class ClaimModel:
    """The shipped heads, the calibrator and the decision thresholds chosen on ``dev``."""

    version: str
    relevance: LinearHead
    modality: LinearHead
    polarity: LinearHead
    stages: dict[str, LinearHead]
    #: Platt scaling per origin: [a, b] for the rules' claims, then [a, b] for the model's own
    calibrator: list[float]
    add_threshold: float
    keep_threshold: float
    report: dict[str, Any]
    #: where a predicate's own claims are surer (or riskier) than the rest: its add threshold
    add_by_predicate: dict[str, float] = field(default_factory=dict)
    #: likewise, the keep threshold of the rules' claims of a predicate
    keep_by_predicate: dict[str, float] = field(default_factory=dict)
    #: is this rule claim right? read off its own sentence (``keep_features``); without it a rule
    #: claim is scored by its pair's best candidate anywhere in the article
    keep: LinearHead | None = None

    def add_for(self, predicate: str) -> float:
        return self.add_by_predicate.get(predicate, self.add_threshold)

    def keep_for(self, predicate: str) -> float:
        return self.keep_by_predicate.get(predicate, self.keep_threshold)

    @property
    def extractor_name(self) -> str:
        return f"{EXTRACTOR_NAME}/{self.version}"

    # -- persistence ------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClaimModel:
        return cls(version=d["version"], relevance=LinearHead.from_dict(d["relevance"]),
                   modality=LinearHead.from_dict(d["modality"]), polarity=LinearHead.from_dict(d["polarity"]),
                   stages={k: LinearHead.from_dict(v) for k, v in d["stages"].items()},
                   calibrator=list(d["calibrator"]), add_threshold=float(d["add_threshold"]),
                   keep_threshold=float(d["keep_threshold"]), report=d.get("report", {}),
                   add_by_predicate={k: float(v) for k, v in (d.get("add_by_predicate") or {}).items()},
                   keep_by_predicate={k: float(v) for k, v in (d.get("keep_by_predicate") or {}).items()},
                   keep=LinearHead.from_dict(d["keep"]) if d.get("keep") else None)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "relevance": self.relevance.to_dict(),
                "modality": self.modality.to_dict(), "polarity": self.polarity.to_dict(),
                "stages": {k: v.to_dict() for k, v in self.stages.items()}, "calibrator": self.calibrator,
                "add_threshold": self.add_threshold, "keep_threshold": self.keep_threshold,
                "add_by_predicate": self.add_by_predicate, "keep_by_predicate": self.keep_by_predicate,
                "report": self.report, **({"keep": self.keep.to_dict()} if self.keep else {})}

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True), encoding="utf-8")

    # -- decisions --------------------------------------------------------------------------

    def confidence(self, p: float, from_rules: bool) -> float:
        """The calibrated probability that a claim with pair score ``p`` is right."""
        a, b = self.calibrator[0:2] if from_rules else self.calibrator[2:4]
        return round(_sigmoid(a + b * _logit(p)), 4)

    def score(self, cands: list[Candidate]) -> dict[tuple[str, str], tuple[float, Candidate]]:
        """The best candidate of each (actor, predicate) pair, with its relevance."""
        best: dict[tuple[str, str], tuple[float, Candidate]] = {}
        for cand in cands:
            p = self.relevance.probability("1", cand.features)
            key = (cand.actor.key, cand.predicate)
            if key not in best or p > best[key][0]:
                best[key] = (p, cand)
        return best

    def decide(self, extractor: Any, prep: Any, rule_claims: list[Claim]) -> list[Claim]:
        """The document's claims: the rules' claims the model keeps, and the pairs it adds."""
        return self.select(self.proposals(extractor, prep, rule_claims))

    def proposals(self, extractor: Any, prep: Any, rule_claims: list[Claim], cands: list[Candidate] | None = None,
                  floor: float | None = None) -> list[tuple[Claim, float, bool]]:
        """Every claim the model could return, with its pair score and whether the rules made it;
        pairs of the model's own are built from ``floor`` up (training asks for more than it adds)."""
        if cands is None:
            cands = candidates(prep, rule_claims, extractor.lex, frozenset(extractor.actors.observers))
        best = self.score(cands)
        out: list[tuple[Claim, float, bool]] = []
        own = {id(c): cand for cand in cands for c in cand.rule_claims}
        per_pair = Counter((c.actor.key, c.predicate) for c in rule_claims)
        for c in rule_claims:
            cand = own.get(id(c))
            if self.keep is not None and cand is not None:
                # both must hold: the keep head knows the claim, the relevance head the pair
                pair = best[(c.actor.key, c.predicate)][0]
                feats = keep_features(cand, c, per_pair[(c.actor.key, c.predicate)],
                                      self.relevance.probability("1", cand.features), pair)
                p = min(self.keep.probability("1", feats), pair)
            else:
                p = best.get((c.actor.key, c.predicate), (None, None))[0]
            if p is None:  # the rules' own reach (a tally continued, a gapped remnant): no candidate
                p = 0.5
            out.append((c, p, True))
        ruled = {(c.actor.key, c.predicate) for c in rule_claims}
        for key, (p, cand) in sorted(best.items(), key=lambda kv: kv[1][1].cue.start):
            if key not in ruled and p >= (self.add_for(key[1]) if floor is None else floor):
                claim = self.build(extractor, prep, cand)
                if claim is not None:
                    out.append((claim, p, False))
        return out

    def select(self, proposals: list[tuple[Claim, float, bool]]) -> list[Claim]:
        """The proposals past the thresholds, each with its calibrated confidence."""
        return [replace(c, confidence=self.confidence(p, rule), extractor=self.extractor_name)
                for c, p, rule in proposals
                if p >= (self.keep_for(c.predicate) if rule else self.add_for(c.predicate))]

    def build(self, extractor: Any, prep: Any, cand: Candidate) -> Claim | None:
        """A claim from one candidate: the heads give stage, modality and polarity; the lexicons
        give treaty, weapon and counterpart; the values grammar gives figures and dates."""
        from minewatch.extract import extractor as rules  # the values helpers live beside the rules

        text: str = prep.doc.text
        s, e = cand.span
        pred = cand.predicate
        feats = cand.features
        stage = treaty = weapon = None
        if pred in TREATY_PREDICATES:
            treaty = _treaty(prep, cand)
            head = self.stages.get(pred)
            stage = head.best(feats)[0] if head is not None else None
        elif pred != Predicate.BORDER:
            if not prep.weapons:  # the article never names the weapon (a nickel mine, a "minefield" of rules)
                return None
            weapon = _weapon(prep, cand)
        modality = self.modality.best(feats)[0]
        polarity = Polarity.NEGATED if self.polarity.probability("1", feats) > 0.5 else Polarity.AFFIRMED
        if modality not in (Modality.ACTUAL, Modality.PLANNED, Modality.CONSIDERED):
            modality = Modality.ACTUAL
        sent = text[s:e]
        rel = Cue(cand.cue.start - s, cand.cue.end - s, cand.cue.label, cand.cue.text)
        quantity, money = extractor._values_for(pred, rules._safe_values(sent), rel)
        dated = [d for d in rules._safe_dates(sent, prep.doc.published)
                 if not any(a <= d.start + s < b for a, b in prep.datelines)]
        when = rules._nearest_date(dated, rel) if pred not in (Predicate.BORDER,) else None
        lead = len(sent) - len(sent.lstrip())
        trail = len(sent.rstrip())
        return Claim(document_id=prep.doc.id, actor=cand.actor, predicate=pred, stage=stage, treaty=treaty,
                     weapon=weapon, counterpart=_counterpart(prep, cand) if pred in _WITH_COUNTERPART else None,
                     modality=modality, polarity=polarity, quantity=quantity, money=money,
                     time=when if isinstance(when, DateRange) else None, speaker=prep.speakers.get(cand.sentence),
                     evidence=[Evidence(s + lead, s + trail, sent[lead:trail])])


#: the relevance cut points the keep head reads (as "at least" features: a score above 0.6 also
#: says above 0.4, so the head learns a step per cut rather than one weight per bin)
KEEP_SCORE_CUTS = (0.2, 0.4, 0.6, 0.8)


def keep_features(cand: Candidate, claim: Claim, pair_claims: int, own: float | None = None,
                  pair: float | None = None) -> list[str]:
    """What the keep head reads of one rule claim: its own sentence's candidate (not the pair's
    best elsewhere: one right claim must not carry a wrong one), what the rules filled in that
    the key match checks (polarity, weapon), and how often the rules claimed the pair.  ``own``
    and ``pair``: the relevance head's score of that candidate and of the pair's best, where the
    relevance head knows more than the rules' claims teach (the look-alike texts: "clear" the
    adjective); in training they come from relevance heads that did not see the example."""
    p = claim.predicate
    n = min(pair_claims, 3)
    extra = [f"nrule:{n}", f"P:{p}|nrule:{n}", f"cpol:{claim.polarity}", f"P:{p}|cpol:{claim.polarity}",
             f"cweapon:{claim.weapon}", f"P:{p}|cweapon:{claim.weapon}"]
    for name, score in (("rown", own), ("rpair", pair)):
        if score is not None:
            extra += [f"{name}>={cut}" for cut in KEEP_SCORE_CUTS if score >= cut]
            extra += [f"P:{p}|{name}>={cut}" for cut in KEEP_SCORE_CUTS if score >= cut]
    return [f for f in cand.features if f not in ("rule_doc", f"P:{p}|rule_doc")] + extra


def _treaty(prep: Any, cand: Candidate) -> str:
    s, e = cand.span
    inside = [t for t in prep.treaties if s <= t.start < e]
    if inside:
        return min(inside, key=lambda t: abs(t.start - cand.cue.start)).label
    before = [t for t in prep.treaties if t.start < s]
    if before:
        return before[-1].label
    if prep.treaties:
        return Counter(t.label for t in prep.treaties).most_common(1)[0][0]
    kinds = {w.label for w in prep.weapons}
    return "CCM" if kinds == {"cluster_munition"} else "APMBC"


def _weapon(prep: Any, cand: Candidate) -> str:
    s, e = cand.span
    inside = {w.label for w in prep.weapons if s <= w.start < e}
    if not inside:
        before = [w for w in prep.weapons if w.start < s]
        inside = {before[-1].label} if before else set()
    if inside == {"cluster_munition"}:
        return "cluster_munition"
    inside.discard("cluster_munition")
    # "mine" agrees with either kind; a single named kind is kept
    return inside.pop() if len(inside) == 1 else "mine"


def _counterpart(prep: Any, cand: Candidate) -> Actor | None:
    s, e = cand.span
    for m in prep.mentions:
        if not (s <= m.start < e) or m.start < cand.cue.start:
            continue
        for a in m.actors:
            if a.key != cand.actor.key and a.kind == ActorKind.STATE:
                return a
    return None


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> ClaimModel | None:
    """The shipped model, or None where it was never trained (a fresh ``make model`` writes it)."""
    p = Path(path) if path else MODEL_PATH
    if not p.exists():
        return None
    return ClaimModel.from_dict(json.loads(p.read_text(encoding="utf-8")))
