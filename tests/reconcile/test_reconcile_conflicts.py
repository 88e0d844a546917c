"""Value contradictions (within a fact and within a story) and modality drift."""

from __future__ import annotations

import random
import time
from datetime import date

from reconcile_factory import day, eur, mines, rec, year

from minewatch.model import Money
from minewatch.reconcile import build_fact, modality_drift, story_value_conflicts, value_conflicts
from minewatch.reconcile.base import CONFIDENT


def _spending_copies(weapons: tuple[str, ...] = ("ap_mine",)) -> list:
    """Two copies of one wire story: one files the spending under procurement, the other under production."""
    a = [
        rec("A", "LTU", "procurement", weapon=w, money=eur(100_000_000, 999_999_999, "hundreds of millions of euros"),
            outlet="Outlet A", via=("Reuters",))
        for w in weapons
    ]
    b = [
        rec("B", "LTU", "production", weapon=w, money=eur(1_000_000, 9_999_999, "millions of euros"),
            outlet="Outlet B", published=date(2025, 6, 28), via=("Reuters",))
        for w in weapons
    ]
    return a + b


def test_copies_filing_one_spending_figure_under_neighbouring_predicates_give_one_contradiction():
    claims = _spending_copies()
    assert value_conflicts(claims) == []  # different fact keys: nothing to compare within a fact
    conflicts = story_value_conflicts(claims)
    assert len(conflicts) == 1
    c = conflicts[0]
    assert c.kind == "value_contradiction"
    assert c.severity == "high"
    assert c.actor_iso3 == "LTU"
    assert c.story_id == "s-1"
    assert sorted(c.claim_ids) == sorted(r.claim.id for r in claims)
    assert c.explanation == (
        "Two copies of one Reuters story disagree on Lithuania's planned spending on anti-personnel mines: "
        "'hundreds of millions of euros' (Outlet A) vs 'millions of euros' (Outlet B)."
    )


def test_the_same_disagreement_for_two_weapons_is_one_conflict():
    conflicts = story_value_conflicts(_spending_copies(("ap_mine", "at_mine")))
    assert len(conflicts) == 1
    assert "anti-personnel and anti-tank mines" in conflicts[0].explanation
    assert len(conflicts[0].claim_ids) == 4


def test_same_predicate_disagreement_is_reported_once_by_value_conflicts():
    a = rec("A", money=eur(100_000_000, 999_999_999, "hundreds of millions of euros"))
    b = rec("B", money=eur(1_000_000, 9_999_999, "millions of euros"))
    c = rec("B", "LTU", "production", money=eur(1_000_000, 9_999_999, "millions of euros"))
    found = value_conflicts([a, b])
    assert len(found) == 1 and found[0].severity == "high" and found[0].fact_id
    assert "Two copies of one story disagree" in found[0].explanation
    assert story_value_conflicts([a, b]) == []
    assert story_value_conflicts([a, b, c]) == []  # B's production figure is the one value_conflicts already opposes


def test_copies_that_give_the_same_figures_under_different_predicates_agree():
    a1 = rec("A", "LTU", "production", quantity=mines(100_000, 100_000))
    a2 = rec("A", "LTU", "procurement", quantity=mines(5_000, 5_000))
    b1 = rec("B", "LTU", "production", quantity=mines(100_000, 100_000))
    b2 = rec("B", "LTU", "procurement", quantity=mines(5_000, 5_000))
    assert story_value_conflicts([a1, a2, b1, b2]) == []
    # a figure only one copy gives is an omission, not a contradiction
    assert story_value_conflicts([a1, a2, b1]) == []


def test_reports_in_different_stories_disagree_with_medium_severity():
    a = rec("A", money=eur(100_000_000, 999_999_999, "hundreds of millions of euros"), story="s-1")
    b = rec("B", money=eur(1_000_000, 9_999_999, "millions of euros"), story="s-2")
    (c,) = value_conflicts([a, b])
    assert c.severity == "medium"
    assert c.explanation.startswith("Reports disagree on Lithuania's planned spending on anti-personnel mines")
    assert story_value_conflicts([a, b]) == []  # not one story


def test_overlapping_ranges_other_currencies_and_plans_against_outcomes_do_not_conflict():
    a = rec("A", money=eur(100_000_000, 999_999_999))
    assert value_conflicts([a, rec("B", money=eur(500_000_000, None))]) == []
    assert value_conflicts([a, rec("B", money=Money(1_000_000, 9_999_999, "USD"))]) == []
    spent = rec("B", modality="actual", money=eur(5_000_000, 5_000_000, "5 million euros so far"), story="s-2")
    assert value_conflicts([a, spent]) == []


def test_stock_figures_are_compared_only_for_the_same_period():
    old = rec("A", "FIN", "stockpile", modality="actual", quantity=mines(1_000_000, None), time=year(2011), story="s-1")
    now = rec("B", "FIN", "stockpile", modality="actual", quantity=mines(16_000, 16_000), time=year(2025), story="s-2")
    assert value_conflicts([old, now]) == []
    undated = rec("C", "FIN", "stockpile", modality="actual", quantity=mines(16_000, 16_000), story="s-3")
    assert value_conflicts([old, undated]) == []
    same_year = rec("D", "FIN", "stockpile", modality="actual", quantity=mines(16_000, 16_000), time=year(2011), story="s-4")
    (c,) = value_conflicts([old, same_year])
    assert "the figure for Finland's stockpile of anti-personnel mines in 2011:" in c.explanation


def test_treaty_event_dates_that_differ_are_a_contradiction():
    a = rec("A", "FIN", "treaty_withdrawal", stage="notified", treaty="APMBC", weapon=None, modality="actual",
            time=day("2025-07-10"), story="s-1")
    b = rec("B", "FIN", "treaty_withdrawal", stage="notified", treaty="APMBC", weapon=None, modality="actual",
            time=day("2025-07-17"), story="s-2")
    (c,) = value_conflicts([a, b])
    assert "the date of Finland's notification of withdrawal from the Mine Ban Treaty" in c.explanation
    # production is recurring: two years are not a contradiction
    p1 = rec("C", "FIN", "production", time=year(2026), story="s-1")
    p2 = rec("D", "FIN", "production", time=year(2027), story="s-2")
    assert value_conflicts([p1, p2]) == []


def test_recurring_withdrawal_steps_on_different_dates_are_no_contradiction():
    """Ministers recommend, then a cabinet proposes: two proposals, two dates, both true."""
    a = rec("A", "LVA", "treaty_withdrawal", stage="proposed", treaty="APMBC", weapon=None, modality="actual",
            time=day("2025-03-18"), story="s-1")
    b = rec("B", "LVA", "treaty_withdrawal", stage="proposed", treaty="APMBC", weapon=None, modality="actual",
            time=day("2025-03-25"), story="s-2")
    assert value_conflicts([a, b]) == []


def test_rejected_claims_are_not_compared():
    a = rec("A", money=eur(100_000_000, 999_999_999))
    b = rec("B", money=eur(1_000_000, 9_999_999), review="rejected")
    assert value_conflicts([a, b]) == []
    b2 = rec("B", "LTU", "production", money=eur(1_000_000, 9_999_999), review="rejected")
    assert story_value_conflicts([a, b2]) == []


def test_conflict_ids_do_not_depend_on_order_or_on_more_copies_of_a_known_figure():
    a = rec("A", money=eur(100_000_000, 999_999_999), story="s-1")
    b = rec("B", money=eur(1_000_000, 9_999_999), story="s-2")
    first = [c.id for c in value_conflicts([a, b])]
    assert first == [c.id for c in value_conflicts([b, a])]
    more = rec("C", money=eur(1_000_000, 9_999_999), story="s-3")
    again = value_conflicts([a, b, more])
    assert [c.id for c in again] == first
    assert len(again[0].claim_ids) == 3
    story = _spending_copies()
    ids = [c.id for c in story_value_conflicts(story)]
    shuffled = story[:]
    random.Random(1).shuffle(shuffled)
    assert [c.id for c in story_value_conflicts(shuffled)] == ids
    assert all(i.startswith("x-") for i in ids + first)


def test_a_fact_with_thousands_of_claims_is_compared_by_distinct_values():
    texts = [(100_000_000, 999_999_999), (1_000_000, 9_999_999), (150_000_000, 150_000_000)]
    claims = [
        rec(f"d{i}", money=eur(*texts[i % 3]), story=f"s-{i % 400}", published=date(2025, 1, 1 + i % 28))
        for i in range(6000)
    ]
    started = time.perf_counter()
    found = value_conflicts(claims)
    story_found = story_value_conflicts(claims)
    drift = modality_drift(claims)
    elapsed = time.perf_counter() - started
    assert len(found) == 1  # "millions" disagrees with both other figures: one conflict listing the three
    assert len(found[0].detail["values"]) == 3
    assert story_found == [] and drift == []
    assert elapsed < 5  # generous: it runs in well under a second


def test_modality_drift_is_raised_only_between_reports_of_the_same_period():
    planned = rec("A", "FIN", "production", modality="planned", story="s-1", published=date(2025, 6, 27))
    done = rec("B", "FIN", "production", modality="actual", story="s-2", published=date(2025, 6, 20))
    (c,) = modality_drift([planned, done])
    assert c.kind == "modality_drift" and c.severity == "medium"
    assert c.explanation == (
        "Outlet B reports Finland's production of anti-personnel mines as having happened, "
        "while Outlet A reports it as planned."
    )
    # planned in June, done the next March: the fact's history, not a contradiction
    later = rec("B", "FIN", "production", modality="actual", story="s-2", published=date(2026, 3, 1))
    assert modality_drift([planned, later]) == []
    fact = build_fact([planned, later])
    assert fact is not None and fact.history is not None
    assert fact.history["planned_first_reported"] == "2025-06-27"
    assert fact.history["done_first_reported"] == "2026-03-01"
    assert fact.history["text"] == "reported as planned on 27 June 2025, then reported done on 1 March 2026"
    assert fact.to_dict()["history"] == fact.history
    # reported done in June, still called planned half a year later: a stale report, not the same period
    stale = rec("A", "FIN", "production", modality="planned", story="s-1", published=date(2025, 12, 20))
    assert modality_drift([stale, done]) == []


def test_modality_drift_needs_confident_reports_on_both_sides():
    planned = rec("A", "FIN", "production", modality="planned", story="s-1", published=date(2025, 6, 27))
    shaky = rec("B", "FIN", "production", modality="actual", story="s-2", published=date(2025, 6, 20),
                confidence=CONFIDENT - 0.1)
    assert modality_drift([planned, shaky]) == []


def test_an_announced_plan_to_withdraw_is_the_proposal_itself_not_drift():
    kw = {"stage": "proposed", "treaty": "APMBC", "weapon": None}
    planned = rec("A", "EST", "treaty_withdrawal", modality="planned", story="s-1", published=date(2025, 3, 19), **kw)
    done = rec("B", "EST", "treaty_withdrawal", modality="actual", story="s-2", published=date(2025, 3, 18), **kw)
    assert modality_drift([planned, done]) == []


def test_modality_drift_sets_one_story_against_others_never_against_itself():
    planned = rec("A", "FIN", "production", modality="planned", outlet="Daily Meridian")
    considered = rec("B", "FIN", "production", modality="considered")
    assert modality_drift([planned, considered]) == []
    done = rec("C", "FIN", "production", modality="actual", outlet="Daily Meridian")
    assert modality_drift([planned, considered, done]) == []  # all copies of one story
    elsewhere = rec("D", "FIN", "production", modality="planned", story="s-2", published=date(2025, 7, 1))
    (c,) = modality_drift([planned, considered, done, elsewhere])
    assert "as planned or as only under consideration" in c.explanation
    assert not c.explanation.startswith("Daily Meridian reports") or "while Daily Meridian" not in c.explanation
    assert modality_drift([planned, rec("C", "FIN", "production", modality="actual", review="rejected")]) == []


def test_one_document_with_a_plan_and_an_outcome_is_not_drift():
    planned = rec("A", "FIN", "production", modality="planned")
    done = rec("A", "FIN", "production", modality="actual")
    assert modality_drift([planned, done]) == []


def test_modality_drift_without_publication_dates_is_history_not_a_conflict():
    planned = rec("A", "FIN", "production", modality="planned", story="s-1", published=None)
    done = rec("B", "FIN", "production", modality="actual", story="s-2", published=None)
    assert modality_drift([planned, done]) == []
    fact = build_fact([planned, done])
    assert fact is not None and fact.history is not None
    assert fact.history["text"] == "reported as planned, then reported done"


def test_many_distinct_figures_are_compared_with_the_best_supported_one_only():
    claims = [rec(f"d{i}", quantity=mines(1000 * (i + 1), 1000 * (i + 1)), story=f"s-{i}") for i in range(40)]
    claims += [rec("extra", quantity=mines(1000, 1000), story="s-extra")]  # the figure most reports give
    found = value_conflicts(claims)
    assert len(found) == 1 and len(found[0].detail["values"]) == 40
    assert all("'1,000 mines'" in c.explanation for c in found)


def test_one_disagreement_among_three_copies_of_one_story_is_one_conflict():
    a = rec("A", money=eur(100_000_000, 999_999_999, "hundreds of millions of euros"))
    b = rec("B", money=eur(1_000_000, 9_999_999, "millions of euros"))
    c = rec("C", money=eur(1_000, 9_999, "thousands of euros"))
    found = value_conflicts([a, b, c])
    assert len(found) == 1
    (x,) = found
    assert x.severity == "high" and x.explanation.startswith("Copies of one story disagree")
    for text in ("'hundreds of millions of euros' (Outlet A)", "'millions of euros' (Outlet B)", "'thousands of euros' (Outlet C)"):
        assert text in x.explanation
    assert len(x.claim_ids) == 3
