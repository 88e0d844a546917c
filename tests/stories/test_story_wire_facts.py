"""Wire rewrites: two outlets' versions of one agency report share its facts, not its wording."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from story_helpers import place

from minewatch.ingest import RawItem, iter_items, prepare
from minewatch.stories import (
    WIRE_FACTS_MAX_POSTING,
    WIRE_FACTS_MIN_SHARED,
    Signature,
    StoryGrouper,
    minhash_signature,
    signature,
)

# Two rewrites of one invented wire report: same credit, names and figures, different sentences.
REWRITE_A = (
    "Ruritania and Freedonia plan to begin making anti-personnel mines next year, Reuters reports.\n\n"
    "Officials of the two countries told Reuters that production would start as soon as their withdrawal from "
    "the Ottawa Convention takes effect, six months after notice was given. Deputy Defence Minister Anton Velgard "
    "of Ruritania said the government would spend 240 million euros on mines over the next five years. "
    "Borek Maslan, who heads the Ruritanian Defence Industry Association, said factories in Zenda and Strelsau "
    "could deliver 85,000 mines a year. Both countries border Sylvania, which never joined the treaty. "
    "Campaigners from Human Rights Watch urged Ruritania and Freedonia to reconsider."
)
REWRITE_B = (
    "Two neighbours of Sylvania, Ruritania and Freedonia, intend to manufacture landmines outlawed by the "
    "Ottawa Convention, according to Reuters.\n\n"
    "Speaking to Reuters, Anton Velgard, Ruritania's deputy defence minister, put planned spending at "
    "240 million euros across five years. The head of the Defence Industry Association, Borek Maslan, "
    "expects plants in Zenda and Strelsau to turn out up to 85,000 mines annually. Manufacturing can only "
    "begin once the six-month exit period is over. Sylvania has never signed the ban. "
    "On Friday Human Rights Watch called on Ruritania and Freedonia to think again."
)
# The agency's report a week later on the same subject: the same people and figures come back.
FOLLOW_UP = (
    "Ruritania's parliament approved the funding for mine production on Thursday, Reuters reports.\n\n"
    "Lawmakers backed the plan of Deputy Defence Minister Anton Velgard to spend 240 million euros over five "
    "years, after Ruritania and Freedonia left the Ottawa Convention. Borek Maslan of the Defence Industry "
    "Association said the first of 85,000 mines a year would leave factories in Zenda and Strelsau in spring. "
    "Sylvania's foreign ministry declined to comment. Human Rights Watch said the vote was a setback."
)
# The same agency on the same subject, another report: other people, other figures.
OTHER_REPORT = (
    "Freedonia's defence ministry said on Tuesday it had signed a contract for 12,000 anti-tank mines with the "
    "state company Arvola Works, Reuters reports.\n\n"
    "Defence Minister Ilse Tammark told reporters in Fredonburg that deliveries would run until 2028. "
    "Freedonia left the Ottawa Convention last year. The Landmine Monitor, published by the International "
    "Campaign to Ban Landmines, counted 310 new casualties in the region in its latest edition. "
    "Opposition leader Karel Dusek asked for a debate in parliament."
)


def test_two_rewrites_of_one_wire_report_form_one_story_crediting_the_agency() -> None:
    a, b = signature(REWRITE_A, "en"), signature(REWRITE_B, "en")
    assert a.shingle_minhash.jaccard(b.shingle_minhash) < 0.12  # no wording rule can join them
    g = StoryGrouper()
    first = place(g, "a", REWRITE_A)
    assert place(g, "b", REWRITE_B) == first
    assert g.reasons["b"] == ("same_wire_facts", "a")
    [story] = g.get_stories()
    assert story.document_ids == ["a", "b"] and story.agencies == ["Reuters"]


def test_rewrites_dated_a_day_apart_still_join() -> None:
    g = StoryGrouper()
    assert place(g, "a", REWRITE_A, date(2025, 5, 2)) == place(g, "b", REWRITE_B, date(2025, 5, 3))


def test_same_agency_same_subject_a_week_apart_is_another_story() -> None:
    g = StoryGrouper()
    first = place(g, "a", REWRITE_A, date(2025, 5, 2))
    place(g, "b", REWRITE_B, date(2025, 5, 2))
    assert place(g, "follow_up", FOLLOW_UP, date(2025, 5, 9)) != first
    assert len(g.stories) == 2


def test_same_agency_other_facts_is_another_story_even_undated() -> None:
    g = StoryGrouper()
    first = place(g, "a", REWRITE_A)
    assert place(g, "other", OTHER_REPORT) != first


def test_shared_facts_without_a_common_agency_do_not_join() -> None:
    g = StoryGrouper()
    first = place(g, "a", REWRITE_A)
    assert place(g, "b", REWRITE_B.replace("according to Reuters", "according to AFP")
                 .replace("Speaking to Reuters", "Speaking to AFP")) != first


def test_rewrites_meet_among_many_reports_of_the_agency() -> None:
    # More than WIRE_FACTS_MAX_POSTING reports of the agency name the same places and bodies, so those anchors
    # are not read in the agency's index: the rewrites must still find each other.
    g = StoryGrouper()
    filler = (
        "{n} observers from Human Rights Watch visited Ruritania, Freedonia and Sylvania in week {w}, "
        "Reuters reports. Members of the Defence Industry Association spoke about the Ottawa Convention "
        "and item {n} of their agenda, which lists {m} points about {topic}."
    )
    topics = ["budgets", "exports", "training", "archives", "roads", "schools", "harbours", "forests"]
    for i in range(WIRE_FACTS_MAX_POSTING + 20):
        place(g, f"f{i}", filler.format(n=1000 + i, w=i % 52 + 1, m=3000 + i, topic=topics[i % len(topics)]))
    first = place(g, "a", REWRITE_A)
    assert first not in {g.story_of(f"f{i}") for i in range(WIRE_FACTS_MAX_POSTING + 20)}
    shared_read = set(signature(REWRITE_A).anchors.tolist()) & set(signature(REWRITE_B).anchors.tolist())
    crowded = set(signature(filler.format(n=1, w=1, m=2, topic="x")).anchors.tolist())
    assert len(shared_read - crowded) < WIRE_FACTS_MIN_SHARED  # the crowded anchors are needed
    assert place(g, "b", REWRITE_B) == first


def test_signature_format_is_datasketch_leanminhash_and_deterministic_across_processes() -> None:
    blob = minhash_signature(REWRITE_A, "en")
    assert blob[:4] == b"MWS4"
    back = Signature.from_bytes(blob)
    assert back.to_bytes() == blob and back.shingles.shape == (128,) and back.words.shape == (128,)
    code = "import sys; from minewatch.stories import minhash_signature; print(minhash_signature(sys.argv[1], 'en').hex())"
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code, REWRITE_A], capture_output=True, text=True, env=env, check=True)
    assert bytes.fromhex(out.stdout.strip()) == blob


def test_outdated_stored_signature_restores_its_story_and_is_not_compared() -> None:
    old = b"MWS2" + bytes(40)
    g = StoryGrouper()
    assert g.add_signature("old", old, None, ["Reuters"], story_id="s-kept") == "s-kept"
    assert g.story_of("old") == "s-kept" and "old" not in g.entries
    assert place(g, "a", REWRITE_A) != "s-kept"
    with pytest.raises(ValueError):
        g.add_signature("new", old)


SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SEEDS = ("000_d60ec5ba9b262653.txt", "004_3dfe8b842f2bc022.txt")


@pytest.mark.shared
@pytest.mark.skipif(not all((SHARED / "seeds" / s).is_file() for s in SEEDS), reason="needs ../shared/seeds")
@pytest.mark.parametrize("order", [1, -1])
def test_seed_rewrites_of_one_reuters_story_are_one_story(order: int) -> None:
    docs = [prepare(i) for i in iter_items([str(SHARED / "seeds" / s) for s in SEEDS[::order]])
            if isinstance(i, RawItem)]
    assert len(docs) == 2
    g = StoryGrouper()
    stories = {g.add(d.id, d.text, d.published, d.via, d.language) for d in docs}
    assert len(stories) == 1
    [story] = g.get_stories()
    assert story.agencies == ["Reuters"]


def test_lsh_holds_only_the_window_after_evictions() -> None:
    g = StoryGrouper(window=2)
    texts = [REWRITE_A, REWRITE_A + " More.", REWRITE_B, FOLLOW_UP, OTHER_REPORT, OTHER_REPORT + " Again."]
    for i, text in enumerate(texts):
        place(g, f"d{i}", text)
    assert set(g.entries) == {"d4", "d5"}
    assert sorted(g._lsh.keys.keys()) == sorted(g._row_of.values())
    assert sum(sum(t.itemcounts().values()) for t in g._lsh.hashtables) == 2 * 64
    assert g.story_of("d5") == g.story_of("d4") and set(g.placed) == {"d4", "d5"}


def test_compact_bucket_storage_keeps_keys_like_a_set() -> None:
    from minewatch.stories import _BucketStorage

    b = _BucketStorage()
    for v in range(12):
        b.insert(b"k", v)
    b.insert(b"k", 3)
    assert sorted(b.get(b"k")) == list(range(12)) and b.itemcounts() == {b"k": 12}
    for v in range(11):
        b.remove_val(b"k", v)
    assert list(b.get(b"k")) == [11]
    b.remove_val(b"k", 11)
    assert not b.get(b"k")
    b.remove(b"k")
    b.insert(b"x", 1)
    b.insert(b"x", 2)
    b.remove_val(b"x", 1)
    assert list(b.get(b"x")) == [2] and b.itemcounts() == {b"x": 1}
