"""Rewrites: an outlet's own version of a report, uncredited, undated, sharing no long passage,
joins the report's story by its names and figures; another event about the same state does not."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from story_helpers import place

from minewatch.ingest import RawItem, iter_items, prepare
from minewatch.stories import (
    AGENCY_JACCARD,
    KEY_FIGURE,
    KEY_MIN_SHARED,
    StoryGrouper,
    entry_for,
    match,
    probe_keys,
    signature,
    story_keys,
)

ORIGINAL = (
    "STRELSAU, March 11 (Reuters) - Borduria's parliament on Tuesday voted to leave the Convention on Cluster "
    "Munitions, a treaty that outlaws the use, transfer and stockpiling of the bombs.\n\n"
    "The Skupstina website showed that 96 of the 130 deputies backed the motion. Defence Minister Teodor Halvik "
    "told lawmakers before the vote that membership tied the hands of the armed forces while Syldavia, which "
    "never joined, kept its arsenal. \"A treaty protects only those who keep it,\" he said.\n\n"
    "Borduria borders Syldavia and Carpathia, and is the only state of the Kessel Pact that signed the "
    "convention. More than 110 countries ban the weapons, which scatter bomblets over a wide area. "
    "Last year Carpathia received its first deliveries of such munitions from Novaria, despite protests by "
    "Amnesty International."
)
REWRITE = (
    "Bordurian lawmakers have chosen to pull the country out of the Convention on Cluster Munitions.\n"
    "With 96 votes in a chamber of 130, the Skupstina approved the exit, which the government says will "
    "strengthen deterrence against Syldavia, a state that has never signed the pact. Cluster weapons, banned by "
    "over 110 nations, release scores of small bomblets that kill indiscriminately.\n"
    "Within the Kessel Pact, Borduria alone had ratified the convention, even though it shares borders with "
    "Syldavia and Carpathia. Defence Minister Teodor Halvik argued that Syldavia ignores the ban and that "
    "declaring which weapons Borduria would never use only helps an aggressor.\n"
    "Novaria shipped cluster munitions to Carpathia last year, drawing criticism from Amnesty International."
)
# Three days later, the same state, another event: the president signs; background repeated.
OTHER_EVENT = (
    "Borduria's President Mila Vasko signed the law taking the country out of the Convention on Cluster "
    "Munitions on Friday, her office said in Strelsau.\n"
    "The Skupstina had approved the exit with 96 votes earlier this week. Foreign Minister Arno Petrek will "
    "deposit the notice with the United Nations Secretary-General in New York on April 2, and the withdrawal "
    "takes effect six months later. Defence Minister Teodor Halvik said the army would buy 4,500 shells from "
    "Novaria by 2027. Syldavia's embassy called the decision a provocation, and the Red Cross said it regretted "
    "it. Opposition leader Jonas Brell asked the Constitutional Court to review the law."
)
# The same week, another announcement about Borduria and mines, sharing places and people.
OTHER_ANNOUNCEMENT = (
    "Borduria's government on Thursday approved a plan to lay anti-tank mines along 220 kilometres of the "
    "border with Syldavia, Defence Minister Teodor Halvik said in Strelsau.\n"
    "The works, costing 310 million euros, will begin in May and end in 2028, and the army will recruit 1,200 "
    "engineers. Borduria left the Convention on Cluster Munitions this week and remains in the Ottawa Convention, "
    "Halvik stressed. Carpathia and Novaria were informed, and Amnesty International asked for details."
)


def test_an_uncredited_undated_rewrite_joins_the_wire_story() -> None:
    a, b = signature(ORIGINAL, "en"), signature(REWRITE, "en")
    assert a.shingle_minhash.jaccard(b.shingle_minhash) < AGENCY_JACCARD  # no wording rule can join them
    assert prepare(RawItem("r", "text", text=REWRITE)).via == []  # credits nobody
    g = StoryGrouper()
    first = place(g, "wire", ORIGINAL, date(2025, 3, 11))
    assert place(g, "rewrite", REWRITE) == first
    assert g.reasons["rewrite"] == ("rewrite", "wire")
    [story] = g.get_stories()
    assert story.agencies == ["Reuters"]


@pytest.mark.parametrize("other", ["OTHER_EVENT", "OTHER_ANNOUNCEMENT"])
@pytest.mark.parametrize("dated", [True, False])
def test_another_event_about_the_same_state_that_week_stays_apart(other: str, dated: bool) -> None:
    text = globals()[other]
    g = StoryGrouper()
    first = place(g, "wire", ORIGINAL, date(2025, 3, 11) if dated else None)
    place(g, "rewrite", REWRITE)
    assert place(g, "other", text, date(2025, 3, 13) if dated else None) != first
    assert len(g.stories) == 2


def test_a_rewrite_dated_a_week_later_is_not_joined() -> None:
    g = StoryGrouper()
    assert place(g, "wire", ORIGINAL, date(2025, 3, 11)) != place(g, "late", REWRITE, date(2025, 3, 18))


def test_a_rewrite_credited_to_another_agency_is_not_joined() -> None:
    g = StoryGrouper()
    first = place(g, "wire", ORIGINAL)
    assert place(g, "afp", REWRITE + "\n(AFP)") != first


def test_the_key_path_finds_the_rewrite_through_its_figures() -> None:
    """``scale.grouping`` compares documents that share ``KEY_MIN_SHARED`` keys of one kind: the
    rewrite's figure probes read the original's anchor keys, and ``match`` joins them."""
    wire, rewrite = (prepare(RawItem(n, "text", text=t)) for n, t in (("w", ORIGINAL), ("r", REWRITE)))
    sw, sr = signature(wire.text, "en"), signature(rewrite.text, "en")
    written = {key for key, _kind in story_keys(sw, wire.via)}
    found = [key for key, kind in probe_keys(sr, rewrite.via) if kind == KEY_FIGURE and key in written]
    assert len(found) >= KEY_MIN_SHARED[KEY_FIGURE]
    m = match(entry_for("r", sr, None, rewrite.via), entry_for("w", sw, None, wire.via))
    assert m is not None and m[0] == "rewrite"


SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CORPORA = [SHARED / "corpus" / "dev", SHARED / "corpus" / "train"]


@pytest.mark.shared
@pytest.mark.skipif(not all((c / "INDEX.tsv").is_file() for c in CORPORA), reason="needs ../shared corpora")
@pytest.mark.parametrize("order", [1, -1])
def test_dev_and_train_duplicate_groups_are_stories_together(order: int) -> None:
    """Both corpora in one grouper (a false merge across them counts too): every INDEX group is one
    story, and no story holds documents of two groups or of a group and an unlabeled document."""
    expected: dict[str, str] = {}
    docs = []
    for corpus in CORPORA:
        with open(corpus / "INDEX.tsv", encoding="utf-8") as fh:
            expected.update({f"{corpus.name}/{r['file']}": r["duplicate_group"] for r in csv.DictReader(fh, delimiter="\t")})
        for item in iter_items([str(corpus)]):
            if isinstance(item, RawItem):
                d = prepare(item)
                docs.append((f"{corpus.name}/{Path(d.path or '').name}", d))
    g = StoryGrouper()
    for _label, d in docs[::order]:
        g.add(d.id, d.text, d.published, d.via, d.language)
    members: dict[str, set[str]] = defaultdict(set)
    for label, d in docs:
        members[g.story_of(d.id) or d.id].add(expected[label] or label)
    assert all(len(m) == 1 for m in members.values()), [m for m in members.values() if len(m) > 1]
    groups = [x for x in expected.values() if x]
    assert sorted(x for m in members.values() for x in m if x in groups) == sorted(set(groups))
