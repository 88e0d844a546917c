"""Actors: names, capitals, demonyms, bodies, groups and references back."""

from __future__ import annotations

from minewatch.extract.actors import find_actor_mentions


def _isos(text):
    return [a.iso3 for m in find_actor_mentions(text) for a in m.actors]


def test_capitals_demonyms_and_bodies():
    assert _isos("Warsaw") == ["POL"]
    assert _isos("the Finns agreed") == ["FIN"]
    assert _isos("The Lithuanian government said") == ["LTU"]
    assert _isos("a Lithuanian song") == []
    assert _isos("officials in Kyiv and Kiev") == ["UKR", "UKR"]
    assert _isos("the Kremlin") == ["RUS"]
    assert _isos("the Finnish Parliament's Defence Committee") == ["FIN"]
    assert _isos("the Seimas voted") == ["LTU"]
    assert _isos("Nairobi and Canberra") == ["KEN", "AUS"]


def test_groups_and_organisations():
    assert sorted(_isos("the three Baltic states")) == ["EST", "LTU", "LVA"]
    assert len(_isos("Nordic and Baltic states")) == 8
    kinds = [(m.kind, m.actors[0].name) for m in find_actor_mentions("NATO and Human Rights Watch") if m.actors]
    assert kinds == [("organization", "NATO"), ("organization", "HRW")]
    # "NATO member states" are states, not the alliance
    assert not [m for m in find_actor_mentions("two NATO member states") if m.kind == "organization"]


def test_coordination_gives_each_member(claims_of, select):
    claims = claims_of("Belgium and the Netherlands are preparing to leave the Ottawa Convention.")
    assert select(claims, actor="BEL", predicate="treaty_withdrawal")
    assert select(claims, actor="NLD", predicate="treaty_withdrawal")


def test_both_countries_refers_back(claims_of, select):
    claims = claims_of("Ireland and Portugal face pressure from their allies, citing a threat from Russia.\n"
                       "Both countries have decided to withdraw from the Mine Ban Treaty.")
    assert select(claims, actor="IRL", predicate="treaty_withdrawal", stage="decided")
    assert select(claims, actor="PRT", predicate="treaty_withdrawal", stage="decided")
    assert not select(claims, actor="RUS", predicate="treaty_withdrawal")


def test_numbered_and_regional_groups(claims_of, select):
    claims = claims_of("The three Baltic states notified the UN Secretary-General of their withdrawal "
                       "from the Ottawa Convention.")
    for iso in ("LTU", "LVA", "EST"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="notified")
    claims = claims_of("Spain, Italy and Greece met in Rome. The three countries decided to leave the Ottawa Convention.")
    for iso in ("ESP", "ITA", "GRC"):
        assert select(claims, actor=iso, predicate="treaty_withdrawal", stage="decided")


def test_counterpart_is_not_actor(claims_of, select):
    claims = claims_of("Members that border Belarus - Latvia and Poland - have decided to exit the Ottawa Convention.")
    assert select(claims, actor="LVA", predicate="treaty_withdrawal")
    assert not select(claims, actor="BLR", predicate="treaty_withdrawal")


def test_jointly_with_adds_a_co_actor(claims_of, select):
    claims = claims_of("Slovakia plans jointly with Hungary to begin producing anti-tank mines in 2027.")
    assert select(claims, actor="SVK", predicate="production", weapon="at_mine")
    assert select(claims, actor="HUN", predicate="production", weapon="at_mine")


def test_background_clause_is_no_claim(claims_of, select):
    claims = claims_of("Following its withdrawal from the Ottawa Convention, Norway plans to buy anti-tank mines.")
    assert not select(claims, predicate="treaty_withdrawal")
    assert select(claims, actor="NOR", predicate="procurement", modality="planned")
