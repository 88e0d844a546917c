"""Speakers: reported speech, quotes, roles, and "he said" resolved to the last person named."""

from __future__ import annotations


def test_title_before_name(claims_of, select):
    claims = claims_of("Croatia's Deputy Defence Minister Ivana Horvat said the country intends "
                       "to buy anti-tank mines.")
    got = select(claims, actor="HRV", predicate="procurement")
    assert got and got[0].speaker.name == "Ivana Horvat"
    assert got[0].speaker.role == "Deputy Defence Minister"


def test_role_after_name(claims_of, select):
    claims = claims_of("Croatia should produce its own landmines, said Marko Kovac, chair of the "
                       "Croatian Parliament's Defence Committee.")
    got = select(claims, actor="HRV", predicate="production")
    assert got and got[0].speaker.name == "Marko Kovac"
    assert got[0].speaker.role.startswith("chair of")


def test_pronoun_resolves_to_last_speaker(claims_of, select):
    claims = claims_of("Jan Novak, head of the Czech arms industry association, spoke on Monday. "
                       "He added that the Czech Republic would consider supplying mines to Ukraine.")
    got = select(claims, actor="CZE", predicate="transfer")
    assert got and got[0].speaker.name == "Jan Novak"


def test_told_and_according_to(claims_of, select):
    claims = claims_of("Defence Minister Piet de Vries told reporters that the Netherlands will order "
                       "anti-tank mines. According to de Vries, Belgium will order them too.")
    got = select(claims, actor="NLD", predicate="procurement")
    assert got and got[0].speaker.name.endswith("de Vries")


def test_unattributed_has_no_speaker(claims_of, select):
    claims = claims_of("Estonia decided to withdraw from the Ottawa Convention.")
    got = select(claims, actor="EST")
    assert got and got[0].speaker is None


def test_definite_description_and_titled_introduction(claims_of, select):
    claims = claims_of("Minister of Defence Ana Silva visited the border on Monday. "
                       "The minister added that Portugal will buy anti-tank mines.")
    got = select(claims, actor="PRT", predicate="procurement")
    assert got and got[0].speaker.name == "Ana Silva"


def test_first_person_is_the_speakers_state(claims_of, select):
    claims = claims_of("Spain is also mentioned here.\n"
                       "“We will buy thousands of anti-tank mines.”\n"
                       "- said Croatian Defence Minister Ivo Babic.")
    got = select(claims, predicate="procurement")
    assert got and {c.actor.key for c in got} == {"HRV"}
    assert got[0].speaker.name == "Ivo Babic"


def test_acting_leader_is_the_speaker(claims_of, select):
    claims = claims_of("Ukraine's President Volodymyr Zelensky signed a decree withdrawing the country "
                       "from the Ottawa Convention.")
    got = select(claims, actor="UKR", predicate="treaty_withdrawal")
    assert got and "Zelensky" in got[0].speaker.name
