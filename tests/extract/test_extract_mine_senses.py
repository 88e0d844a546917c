"""Industrial and figurative senses of "mine" give no weapon claims; the weapon sense still does."""

from __future__ import annotations

import pytest

from minewatch.extract.triggers import cue_lexicon

INDUSTRIAL = [
    # an article about a pit, never naming the weapon
    "Quebec has approved a proposed zinc and silver mine near Val-d'Or, paving the way for work to start. "
    "The mine will produce 15,000 tonnes of zinc concentrate each year. "
    "The operator must rehabilitate the land once the mine closes, and Canada will collect royalties.",
    "Chile cleared a new lithium mine for production after a long environmental review.",
    "A Perth-based mining company said Australia had cleared the expansion, and the mine would reach "
    "full production in 2028.",
    "Peru said its copper mines produced more ore last year than ever, and the miners' union agreed a deal.",
    "Argentina's government welcomed the project, though one investor called the permit process "
    "a political minefield.",
]


@pytest.mark.parametrize("text", INDUSTRIAL)
def test_a_pit_or_a_figure_is_no_weapon(claims_of, text):
    claims = claims_of(text)
    assert not [c for c in claims if c.weapon], [(c.actor.key, c.predicate, c.weapon) for c in claims]


def test_a_regulatory_minefield_is_no_minefield(claims_of, select):
    claims = claims_of("Brazil's lawyers described the licensing rules as a regulatory minefield for investors.")
    assert not select(claims, predicate="use")


def test_mining_industry_is_no_mine_laying(claims_of, select):
    claims = claims_of("Ghana wants to expand its mining sector with foreign investment.")
    assert not select(claims, actor="GHA", predicate="use")


WEAPON = [
    ("Myanmar's army laid mines along the border with Bangladesh, the monitor said.", "MMR", "use"),
    ("Colombia's deminers cleared minefields along the frontier last year.", "COL", "clearance"),
    ("Azerbaijan said a mine exploded under a tractor near the front line, wounding two farmers.", None, None),
    ("Finland will produce anti-personnel mines at a state plant from 2026.", "FIN", "production"),
]


@pytest.mark.parametrize("text,actor,pred", WEAPON)
def test_the_weapon_sense_stays(claims_of, select, text, actor, pred):
    claims = claims_of(text)
    if actor is None:
        assert [w for w in cue_lexicon().weapon_mentions(text) if w.label == "mine"]
    else:
        assert select(claims, actor=actor, predicate=pred), [(c.actor.key, c.predicate, c.weapon) for c in claims]


def test_weapon_mines_beside_a_coal_mine_keep_their_sense():
    text = "Russian troops laid mines around the coal mine outside the town."
    labels = [(w.text, w.label) for w in cue_lexicon().weapon_mentions(text)]
    assert ("mines", "mine") in labels
    assert ("mine", "mine") not in labels  # "the coal mine"
