"""Conflicts people can trust: real disagreements only, one per disagreement (issue 13).

Hand-built claims for situations written for these tests: datelines, history instead of
drift, one figure shared by two weapons, a record conflict absorbing the value conflict it
explains, counts of States Parties, start dates, casualty counts of different sources.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from reconcile_factory import day, eur, event, rec, year

from minewatch.model import Actor, DateRange, Evidence, Range
from minewatch.reconcile import disputed_conflicts, record_conflicts, value_conflicts
from minewatch.reconcile.depositary import parties_on, rule_statement_error

JOIN = {"predicate": "treaty_joining", "treaty": "APMBC", "weapon": None, "modality": "actual"}
NOTE = {"predicate": "treaty_withdrawal", "stage": "notified", "treaty": "APMBC", "weapon": None, "modality": "actual"}


def _reported(d: str) -> DateRange:
    x = date.fromisoformat(d)
    return DateRange(x, x, text=d, basis="reported")


def test_a_dateline_date_is_neither_compared_nor_checked_against_the_record():
    events = [event("APMBC", "LTU", "ratification", "2003-05-12"), event("APMBC", "LTU", "withdrawal_notification", "2025-06-27")]
    filed = rec("A", "LTU", time=_reported("2025-06-29"), story="s-1", **NOTE)
    header = rec("B", "LTU", time=_reported("2025-07-01"), story="s-2", **NOTE)
    assert value_conflicts([filed, header]) == []
    assert record_conflicts([filed, header], events) == []
    # the same dates told for the act itself are a contradiction of the record
    told = rec("C", "LTU", time=day("2025-06-29"), story="s-3", **NOTE)
    (c,) = record_conflicts([filed, header, told], events)
    assert c.claim_ids == [told.claim_id] and "2025-06-27" in c.explanation
    # a relative date ("on Sunday") is only as good as the publication date: no record check either
    relative = rec("D", "LTU", time=DateRange(date(2025, 6, 29), date(2025, 6, 29), "on Sunday", "relative"), **NOTE)
    assert record_conflicts([relative], events) == []


def test_a_record_conflict_and_the_value_conflict_it_explains_are_one():
    events = [event("APMBC", "FIN", "accession", "2012-01-09")]
    wrong = rec("A", "FIN", stage="acceded", time=year(2011), story="s-1", outlet="Wire A", **JOIN)
    right = rec("B", "FIN", stage="acceded", time=day("2012-01-09"), story="s-2", outlet="Ministry", **JOIN)
    assert len(value_conflicts([wrong, right])) == 1  # without the record the reports disagree
    assert value_conflicts([wrong, right], events) == []  # with it, the record says which one is right
    (c,) = record_conflicts([wrong, right], events)
    assert c.claim_ids == [wrong.claim_id]
    assert c.explanation.endswith("accession deposited on 2012-01-09, as Ministry does.")
    # two wrong years against one record date: still one disagreement with the record
    other = rec("C", "FIN", stage="acceded", time=year(2010), story="s-3", outlet="Wire C", **JOIN)
    (c,) = record_conflicts([wrong, right, other], events)
    assert sorted(c.claim_ids) == sorted([wrong.claim_id, other.claim_id])
    assert "in 2010" in c.explanation and "in 2011" in c.explanation


def test_one_figure_for_two_weapons_is_one_conflict_with_every_figure_and_its_sources():
    claims = []
    for doc, money, story in (("A", eur(100e6, 999e6, "hundreds of millions of euros"), "s-1"),
                              ("B", eur(1e6, 9.99e6, "millions of euros"), "s-2"),
                              ("C", eur(100e6, 999e6, "hundreds of millions of euros"), "s-3")):
        for weapon in ("ap_mine", "at_mine"):
            claims.append(rec(doc, "LTU", weapon=weapon, money=money, story=story))
    (c,) = value_conflicts(claims)
    assert "anti-personnel and anti-tank mines" in c.explanation
    assert "'hundreds of millions of euros' (Outlet A and 1 more)" in c.explanation
    assert "'millions of euros' (Outlet B)" in c.explanation
    assert len(c.claim_ids) == 6 and len(c.detail["fact_ids"]) == 2
    assert {q["source"] for q in c.detail["quotes"]} == {"Outlet A", "Outlet B"}
    # different figures for the two weapons are two disagreements
    split = [rec("A", "LTU", weapon="ap_mine", money=eur(5e6, 5e6)), rec("B", "LTU", weapon="ap_mine", money=eur(9e6, 9e6)),
             rec("A", "LTU", weapon="at_mine", money=eur(1e6, 1e6)), rec("B", "LTU", weapon="at_mine", money=eur(2e6, 2e6))]
    assert len(value_conflicts(split)) == 2


def test_planned_start_dates_disagree_only_where_the_text_says_when_it_starts():
    def plan(doc: str, y: int, sentence: str, story: str):
        r = rec(doc, "FIN", "production", time=year(y), story=story)
        r.claim.evidence = [Evidence(0, len(sentence), sentence)]
        return r

    a = plan("A", 2025, "Finland is to start producing the mines in 2025, officials said.", "s-1")
    b = plan("B", 2026, "Finland will begin production of the mines in 2026.", "s-2")
    (c,) = value_conflicts([a, b])
    assert "in 2025" in c.explanation and "in 2026" in c.explanation
    # "produce mines in 2026" and "in 2027" can both be true: no start told
    p1 = plan("C", 2026, "Finland will produce more mines in 2026.", "s-1")
    p2 = plan("D", 2027, "Finland will produce more mines in 2027.", "s-2")
    assert value_conflicts([p1, p2]) == []


def test_casualty_counts_are_compared_only_between_copies_of_one_story():
    kw = {"predicate": "casualties", "weapon": "mine", "modality": "actual", "time": year(2023)}
    killed = rec("A", "UKR", quantity=Range(580, 580, "people"), story="s-1", **kw)
    total = rec("B", "UKR", quantity=Range(1983, 1983, "people"), story="s-2", **kw)
    assert value_conflicts([killed, total]) == []  # sources count different things
    copy = rec("C", "UKR", quantity=Range(1883, 1883, "people"), story="s-2", **kw)
    (c,) = value_conflicts([killed, total, copy])
    assert "'1,983 people'" in c.explanation and "'1,883 people'" in c.explanation


def _count(doc: str, n: int, published: date | None, story: str | None = "s-1", when: DateRange | None = None):
    r = rec(doc, "LTU", quantity=Range(n, n, "states", f"{n} countries have joined"), published=published,
            story=story, time=when, **JOIN)
    r.claim.actor = Actor("organization", None, "States Parties")
    return replace(r, claim=r.claim)  # ids recomputed for the new actor


def test_counts_of_states_parties_are_checked_against_the_record_of_their_day():
    events = [event("APMBC", iso, "ratification", f"{1998 + i}-01-01") for i, iso in enumerate(["AAA", "BBB", "CCC"])]
    events += [event("APMBC", "BBB", "withdrawal_notification", "2024-01-01")]
    assert parties_on("APMBC", date(1999, 6, 1), events) == 2
    assert parties_on("APMBC", date(2023, 6, 1), events) == 3
    assert parties_on("APMBC", date(2024, 8, 1), events) == 2  # six months after the notification
    right = _count("A", 3, date(2023, 6, 1))
    assert record_conflicts([right], events) == []
    stale = _count("B", 3, None, when=_reported("2024-08-01"))  # its address dates it
    copy = _count("C", 4, date(2024, 8, 1))
    (c,) = record_conflicts([right, stale, copy], events)
    assert c.kind == "record_contradiction" and c.record["treaty"] == "APMBC" and c.record["count"] == 2
    assert sorted(c.claim_ids) == sorted([stale.claim_id, copy.claim_id])
    assert "'3 countries have joined'" in c.explanation and "'4 countries have joined'" in c.explanation
    assert c.explanation.endswith("the depositary record counts 2 on 2024-08-01.")
    # counts are never compared with each other (they change): no value conflict
    assert value_conflicts([right, stale, copy]) == []


def _said(r, text: str, start: int = 0):
    r.claim.evidence = [Evidence(start, start + len(text), text)]
    return r


def test_an_act_one_source_affirms_and_another_denies_is_disputed():
    kw = {"predicate": "use", "weapon": "mine", "modality": "actual"}
    accused = _said(rec("A", "KHM", story="s-1", published=date(2025, 7, 20), outlet="Thai Daily", **kw),
                    "Bangkok accused its neighbour of laying new mines.")
    denial = _said(rec("B", "KHM", story="s-2", published=date(2025, 7, 21), outlet="Phnom Post", polarity="negated",
                       **{**kw, "weapon": "ap_mine"}), "The ministry denied laying any new mines.")
    (c,) = disputed_conflicts([accused, denial])
    assert c.kind == "disputed_fact" and c.actor_iso3 == "KHM"
    assert c.explanation.startswith("Disputed: Thai Daily reports") and "which Phnom Post denies" in c.explanation
    assert sorted(c.claim_ids) == sorted([accused.claim_id, denial.claim_id])
    # one article telling both sides, in two sentences, is a dispute too
    both = _said(rec("A", "KHM", story="s-1", published=date(2025, 7, 20), polarity="negated", **kw),
                 "Phnom Penh denied it.", 60)
    assert len(disputed_conflicts([accused, both])) == 1
    # a denial half a year later is about another time; plans and one confused sentence are no dispute
    later = replace(denial, published=date(2026, 2, 1))
    assert disputed_conflicts([accused, later]) == []
    same_sentence = _said(rec("A", "KHM", polarity="negated", story="s-1", published=date(2025, 7, 20), **kw),
                          "Bangkok accused its neighbour of laying new mines.")
    assert disputed_conflicts([accused, same_sentence]) == []
    plan = rec("C", "KHM", story="s-3", published=date(2025, 7, 20), **{**kw, "modality": "planned"})
    assert disputed_conflicts([plan, denial]) == []


def test_a_misstated_withdrawal_rule_contradicts_article_20():
    assert rule_statement_error("The exit takes effect six months after parliamentary approval of the bill.") == (
        "takes effect six months after parliamentary approval of the bill", "counts the period from parliamentary approval of the bill")
    assert rule_statement_error("Withdrawal will take effect three months after the notification.")[1] == "gives three months"  # type: ignore[index]
    for right in ("The withdrawal will take effect six months after the depositary receives the instrument.",
                  "It comes into effect six months after Norway formally notifies the United Nations.",
                  "It takes effect six months after notification, in January."):
        assert rule_statement_error(right) is None, right
    wrong = "Under the treaty, the exit takes effect six months after parliamentary approval."
    a = _said(rec("A", "NOR", stage="effective", treaty="APMBC", weapon=None, predicate="treaty_withdrawal",
                  modality="planned", confidence=0.5), wrong)
    b = _said(rec("B", "NOR", stage="effective", treaty="APMBC", weapon=None, predicate="treaty_withdrawal",
                  modality="actual", story="s-2"), wrong)  # a rule told in the present: no act to check
    (c,) = record_conflicts([a, b], [event("APMBC", "NOR", "ratification", "1998-07-09")])
    assert c.record["article"] == "20(2)" and sorted(c.claim_ids) == sorted([a.claim_id, b.claim_id])
    assert "six months after the depositary receives the instrument of withdrawal" in c.explanation


def test_a_record_check_needs_the_state_named_as_the_one_acting():
    events = [event("APMBC", "FIN", "accession", "2012-01-09"), event("APMBC", "UKR", "signature", "1999-02-24"),
              event("APMBC", "UKR", "ratification", "2005-12-27")]
    named = _said(rec("A", "FIN", stage="acceded", time=year(2011), **JOIN),
                  "Before joining the convention in 2011, Helsinki kept a large stock.")
    assert len(record_conflicts([named], events)) == 1
    anaphor = _said(rec("B", "FIN", stage="acceded", time=year(2011), **JOIN),
                    "The Nordic country joined the convention in 2011.")
    assert record_conflicts([anaphor], events) == []
    relative = _said(rec("C", "UKR", stage="signed", polarity="negated", **JOIN),
                     "Russia keeps laying mines in Ukraine, a state that is not a signatory of the treaty, officials said.")
    assert record_conflicts([relative], events) == []
    spokesman = _said(rec("D", "RUS", "treaty_withdrawal", stage="proposed", treaty="APMBC", weapon=None),
                      "MOSCOW, May 2. /Wire/. Estonia and Latvia are wrong to leave the treaty, the Russian ministry said.")
    assert record_conflicts([spokesman], events) == []
    decree = _said(rec("E", "UKR", "treaty_withdrawal", stage="effective", treaty="APMBC", weapon=None, modality="actual"),
                   "The president signed a decree withdrawing Ukraine from the convention.")
    assert record_conflicts([decree], events) == []


def test_casualty_figures_of_different_measures_are_never_compared():
    kw = {"predicate": "casualties", "weapon": "mine", "modality": "actual", "time": year(2023), "story": "s-1"}
    killed = rec("A", "MMR", quantity=Range(1983, 1983, "people", "1,983 killed"), **kw)
    total = rec("B", "MMR", quantity=Range(5757, 5757, "people", "5,757 casualties"), **kw)
    assert value_conflicts([killed, total]) == []
    other = rec("C", "MMR", quantity=Range(1945, 1945, "people", "1,945 people were killed"), **kw)
    (c,) = value_conflicts([killed, total, other])
    assert "1,983 killed" in c.explanation and "1,945 people were killed" in c.explanation


def test_a_count_told_for_a_past_day_is_checked_for_that_day():
    events = [event("APMBC", iso, "ratification", f"{1998 + i}-01-01") for i, iso in enumerate(["AAA", "BBB", "CCC"])]
    then = _count("A", 2, date(2025, 1, 1), when=DateRange(date(1999, 6, 30), date(1999, 6, 30), "as of June 1999", "stated"))
    assert record_conflicts([then], events) == []  # two parties in mid-1999, as it says
    now = _count("B", 2, date(2025, 1, 1))
    (c,) = record_conflicts([now], events)
    assert c.record["count"] == 3
