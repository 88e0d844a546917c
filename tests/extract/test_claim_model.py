"""The trained claim model: its heads, its calibrated confidence, its determinism, and that the
shipped weights are what the extractor uses (sentences written for these tests)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from minewatch.extract import Extractor
from minewatch.extract.claim_model import EXTRACTOR_NAME, MODEL_PATH, LinearHead, keep_features, load_model
from minewatch.model import Document


def _doc(text: str, published: date | None = date(2025, 6, 1)) -> Document:
    return Document(text=text, original=text, path="t.txt", published=published, language="en")


def test_binary_head_is_a_logistic_of_the_summed_weights():
    head = LinearHead(classes=["0", "1"], bias=[-1.0], weights={"a": [2.0], "b": [0.5]})
    p = head.probabilities(["a", "b", "a", "unknown"])[1]  # a feature counts once
    assert p == pytest.approx(1 / (1 + math.exp(-1.5)))
    assert head.best(["a"])[0] == "1" and head.best([])[0] == "0"


def test_softmax_head_picks_the_heaviest_class():
    head = LinearHead(classes=["actual", "considered", "planned"], bias=[0.0, 0.0, 0.0],
                      weights={"will": [0.0, 0.0, 3.0], "could": [0.0, 2.0, 0.0]})
    assert head.best(["will"])[0] == "planned"
    assert head.best(["could"])[0] == "considered"
    assert sum(head.probabilities(["will", "could"])) == pytest.approx(1.0)


def test_a_head_that_saw_one_class_always_gives_it():
    never_negated = LinearHead(classes=["0"], bias=[0.0], weights={})
    assert never_negated.best(["not", "never"]) == ("0", 1.0)
    assert never_negated.probability("1", ["not"]) == 0.0


@pytest.fixture(scope="module")
def model():
    m = load_model()
    if m is None:
        pytest.fail(f"no shipped claim model at {MODEL_PATH}: run `make model`")
    return m


def test_confidence_grows_with_the_score_and_stays_a_probability(model):
    for from_rules in (True, False):
        values = [model.confidence(p, from_rules) for p in (0.05, 0.3, 0.6, 0.9, 0.99)]
        assert values == sorted(values)
        assert all(0.0 < v < 1.0 for v in values)


def test_claims_name_the_model_that_decided_them(model):
    text = ("Lithuania's parliament voted on Tuesday to withdraw from the Ottawa Convention, "
            "the treaty that bans anti-personnel mines.")
    claims = Extractor().extract(_doc(text))
    assert claims, "a plain withdrawal vote gives a claim"
    assert {c.extractor for c in claims} == {f"{EXTRACTOR_NAME}/{model.version}"}
    assert any(c.actor.iso3 == "LTU" and c.predicate == "treaty_withdrawal" for c in claims)


def test_confidence_varies_between_claims(model):
    text = ("Estonia's defence minister said the country will start producing anti-personnel mines next year. "
            "Critics said neighbouring states might one day consider similar steps, "
            "though Sweden has no plans to leave the Mine Ban Treaty.")
    claims = Extractor().extract(_doc(text))
    assert len({round(c.confidence, 3) for c in claims}) >= 2, [(c.actor.key, c.confidence) for c in claims]


def test_rules_alone_mark_their_claims():
    text = "Finland deposited its instrument of withdrawal from the Ottawa Convention with the UN on 10 July 2025."
    claims = Extractor(model=None).extract(_doc(text))
    assert claims and all(c.extractor == f"{EXTRACTOR_NAME}/rules" for c in claims)


def _written_subset():
    """Every sixth of the project's written texts, prepared by the rules (skips without sklearn or the texts)."""
    pytest.importorskip("sklearn")
    from minewatch.extract import training

    written = training.written_examples(training.REPO / "training" / "en")
    if not written:
        pytest.skip("training/en is absent")
    subset = written[::6]
    training.prepare_examples(subset, Extractor(model=None))
    return training, subset


def test_training_is_deterministic(tmp_path):
    training, subset = _written_subset()
    a = training.fit_model(subset, c=0.5).to_dict()
    b = training.fit_model(subset, c=0.5).to_dict()
    assert a == b
    assert a["relevance"]["weights"], "the relevance head learned something"


def test_the_keep_head_reads_out_of_fold_scores_as_cuts(monkeypatch):
    """The keep head (off as shipped) reads the relevance scores as "at least" cuts; in training
    each example is scored by a relevance head fitted without it, so the features are the honest ones."""
    training, subset = _written_subset()
    assert training.fit_model(subset, c=0.5).keep is None, "off as shipped"
    heads = training.out_of_fold_relevance(subset, 0.5, 0.5, folds=3)
    assert len({id(h) for h in heads.values()}) == 3 and set(heads) == set(range(len(subset)))
    feats, ys, _ = training.keep_rows(subset, 0.5, heads)
    assert feats and set(ys) <= {"0", "1"}
    own, claim, cand = next((ex, c, cd) for ex in subset for cd in ex.cands for c in cd.rule_claims)
    got = keep_features(cand, claim, 1, 0.7, 0.9)
    assert {"rown>=0.2", "rown>=0.4", "rown>=0.6", "rpair>=0.8"} <= set(got) and "rown>=0.8" not in got
    assert not any(f.startswith(("rown", "rpair")) for f in keep_features(cand, claim, 1))
    monkeypatch.setattr(training, "KEEP_HEAD", training.KeepHead(on=True, c=0.5, inner=3))
    model = training.fit_model(subset, c=0.5)
    assert model.keep is not None and any(w.startswith("rown>=") for w in model.keep.weights)
    assert model.proposals(Extractor(model=None), own.prep, own.rule_claims, own.cands)


def test_less_greedy_threshold_picks():
    """A gain within the slack moves no threshold; refused settings (score -1) are never picked."""
    from minewatch.extract import training

    keep = [(0.0, 0.700), (0.1, 0.700), (0.2, 0.7008), (0.3, 0.7008), (0.4, -1.0)]
    assert training._lowest(keep, slack=0.0) == 0.2
    assert training._lowest(keep, slack=0.001) == 0.0
    assert training._plateau_centre(keep, slack=0.0) == 0.2  # the run 0.2-0.3: its lower centre
    assert training._plateau_centre(keep, slack=0.0, neutral=0.1) == 0.2
    assert training._plateau_centre(keep, slack=0.001, neutral=0.1) == 0.1
    add = [(0.5, 0.710), (0.9, 0.7095), (1.01, 0.709)]
    assert training._cautious(add, slack=0.0) == 0.5
    assert training._cautious(add, slack=0.0012) == 1.01
    assert training._cautious([(0.5, -1.0)], slack=0.0) is None
