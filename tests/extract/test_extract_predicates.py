"""Each predicate from short articles written for these tests."""

from __future__ import annotations

from datetime import date


def test_withdrawal_stages(claims_of, select):
    text = (
        "Norway's government proposed on Monday that the country withdraw from the Ottawa Convention.\n"
        "Denmark decided to withdraw from the Mine Ban Treaty, the defence ministry said.\n"
        "The Swedish parliament voted 250-30 to leave the Ottawa Convention.\n"
        "Portugal has deposited its instrument of withdrawal from the Ottawa Convention with the UN Secretary-General.\n"
        "Romania's withdrawal from the Ottawa Convention took effect on Friday.\n"
    )
    claims = claims_of(text)
    assert select(claims, actor="NOR", predicate="treaty_withdrawal", stage="proposed", treaty="APMBC")
    assert select(claims, actor="DNK", predicate="treaty_withdrawal", stage="decided")
    assert select(claims, actor="SWE", predicate="treaty_withdrawal", stage="approved")
    assert select(claims, actor="PRT", predicate="treaty_withdrawal", stage="notified")
    assert select(claims, actor="ROU", predicate="treaty_withdrawal", stage="effective", modality="actual")


def test_future_effective_date_is_planned(claims_of, select):
    claims = claims_of("Chile notified the UN of its exit from the Ottawa Convention. "
                       "Its withdrawal will take effect in January 2027.", published=date(2026, 7, 1))
    eff = select(claims, actor="CHL", stage="effective")
    assert eff and eff[0].modality == "planned"
    assert eff[0].time is not None and eff[0].time.start == date(2027, 1, 1)


def test_cluster_munitions_convention(claims_of, select):
    claims = claims_of("Estonia's parliament approved leaving the Convention on Cluster Munitions on Tuesday.")
    assert select(claims, actor="EST", predicate="treaty_withdrawal", treaty="CCM", stage="approved")


def test_joining_stages_and_never_joined(claims_of, select):
    claims = claims_of(
        "Ecuador ratified the Mine Ban Treaty in 1999. "
        "Kenya signed the Convention on Cluster Munitions in 2008. "
        "Egypt, which has never joined the Ottawa Convention, keeps its stocks.")
    assert select(claims, actor="ECU", predicate="treaty_joining", stage="ratified", treaty="APMBC")
    assert select(claims, actor="KEN", predicate="treaty_joining", stage="signed", treaty="CCM")
    assert select(claims, actor="EGY", predicate="treaty_joining", polarity="negated")


def test_production_procurement_values(claims_of, select):
    claims = claims_of(
        "Slovakia will buy thousands of anti-tank mines for 40 million euros next year, the minister said.",
        published=date(2025, 3, 1))
    got = select(claims, actor="SVK", predicate="procurement", weapon="at_mine", modality="planned")
    assert got
    c = got[0]
    assert c.quantity is not None and (c.quantity.low, c.quantity.high) == (1000, 9999)
    assert c.money is not None and c.money.currency == "EUR" and c.money.low == 40_000_000
    assert c.time is not None and c.time.start == date(2026, 1, 1)


def test_two_weapon_types_give_two_claims(claims_of, select):
    claims = claims_of("Romania intends to produce both anti-tank and anti-personnel mines.")
    assert select(claims, actor="ROU", predicate="production", weapon="at_mine", modality="planned")
    assert select(claims, actor="ROU", predicate="production", weapon="ap_mine", modality="planned")


def test_stockpile_transfer_border(claims_of, select):
    claims = claims_of(
        "Before the treaty, Greece had more than 500,000 anti-personnel mines in its stockpile. "
        "Hungary could supply landmines to Moldova. "
        "Norway shares a 198-kilometre border with Russia.")
    stock = select(claims, actor="GRC", predicate="stockpile", weapon="ap_mine")
    assert stock and stock[0].quantity.low == 500_000
    assert select(claims, actor="HUN", predicate="transfer", counterpart="MDA", modality="considered")
    border = select(claims, actor="NOR", predicate="border", counterpart="RUS")
    assert border and border[0].quantity.low == 198 and border[0].quantity.unit == "km"


def test_use_destruction_clearance_casualties(claims_of, select):
    claims = claims_of(
        "Myanmar's army laid landmines around villages in Shan State. "
        "Belarus destroyed its stockpile of anti-personnel mines. "
        "Cambodia cleared 40 square kilometres of minefields last year. "
        "Landmines killed 120 people in Yemen in 2024.")
    assert select(claims, actor="MMR", predicate="use", weapon="mine", modality="actual")
    assert select(claims, actor="BLR", predicate="destruction", weapon="ap_mine")
    assert select(claims, actor="KHM", predicate="clearance")
    cas = select(claims, actor="YEM", predicate="casualties")
    assert cas and cas[0].quantity.low == 120


def test_treaty_description_is_no_claim(claims_of):
    claims = claims_of("The Ottawa Convention, which bans the use, production and transfer of "
                       "anti-personnel mines, entered into force in 1999.")
    assert not [c for c in claims if c.predicate in ("use", "production", "transfer")]


def test_organisation_reaction_is_no_claim(claims_of):
    claims = claims_of("The ICRC criticised the decision and urged states to respect humanitarian law.")
    assert claims == []


def test_non_english_yields_nothing(claims_of):
    assert claims_of("Lithuania withdrew from the Ottawa Convention.", language="de") == []


def test_receiving_makes_the_supplier_the_actor(claims_of, select):
    claims = claims_of("Ukraine has received anti-tank mines from Poland.")
    assert select(claims, actor="POL", predicate="transfer", counterpart="UKR", weapon="at_mine")
    assert not select(claims, actor="UKR", predicate="transfer")


def test_clearance_with_area(claims_of, select):
    claims = claims_of("Angola continued demining in 2024. Angola cleared 12 km2 of land last year.",
                       published=date(2025, 2, 1))
    got = select(claims, actor="AGO", predicate="clearance")
    assert got and any(c.quantity and c.quantity.unit == "km2" for c in got)


def test_casualty_counts_listed_per_state(claims_of, select):
    claims = claims_of("Landmines caused 800 casualties in Colombia in 2022. Colombia's casualty toll exceeded "
                       "that of other countries, including Mali (120), Nigeria (95), and Iraq (60).")
    assert select(claims, actor="COL", predicate="casualties")
    for iso, n in (("MLI", 120), ("NGA", 95), ("IRQ", 60)):
        got = select(claims, actor=iso, predicate="casualties")
        assert got and got[0].quantity.low == n and got[0].quantity.unit == "people"


def test_dates_per_clause_and_respectively(claims_of, select):
    claims = claims_of("Chile signed the Mine Ban Treaty on December 3, 1997, but ratified it only in 2001. "
                       "Peru, Bolivia and Ecuador joined the Ottawa Convention in 1998, 1999 and 2000, respectively.")
    signed = select(claims, actor="CHL", stage="signed")
    ratified = select(claims, actor="CHL", stage="ratified")
    assert signed and signed[0].time.start == date(1997, 12, 3)
    assert ratified and ratified[0].time.start == date(2001, 1, 1)
    years = {c.actor.key: c.time.start.year for c in select(claims, predicate="treaty_joining") if c.actor.key != "CHL"}
    assert years == {"PER": 1998, "BOL": 1999, "ECU": 2000}
