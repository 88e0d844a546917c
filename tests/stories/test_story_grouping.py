"""Story grouping: copies of one report share a story, different reports do not."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from minewatch.ingest import RawItem, iter_items, prepare
from minewatch.model import short_hash
from minewatch.stories import Signature, StoryGrouper, minhash_signature, signature

WIRE = (
    "ZENDA, April 3 (Reuters) - Ruritania's parliament voted on Thursday to withdraw from the Ottawa Convention "
    "banning anti-personnel mines, citing a growing threat on its eastern border. "
    "The bill passed by 87 votes to 14 with 3 abstentions, the parliamentary press office said. "
    "Defence Minister Marek Kowalski told lawmakers that the armed forces needed every option to defend the "
    "country and that the decision would take effect six months after the United Nations is notified. "
    "Human rights groups condemned the vote. The International Campaign to Ban Landmines called it a "
    "dangerous step back for the protection of civilians. "
    "Ruritania joined the convention in 2004 and destroyed a stockpile of 412,000 mines by 2009."
)
COPY = (
    "Ruritania votes to quit landmine treaty\n\n"
    "Ruritania's parliament voted on Thursday to withdraw from the Ottawa Convention banning anti-personnel "
    "mines, citing a growing threat on its eastern border, Reuters reports. "
    "The bill passed by 87 votes to 14 with 3 abstentions, the parliamentary press office said. "
    "Defence Minister Marek Kowalski told lawmakers that the armed forces needed every option to defend the "
    "country and that the decision would take effect six months after the United Nations is notified. "
    "Human rights groups condemned the vote. "
    "Ruritania joined the convention in 2004 and destroyed a stockpile of 412,000 mines by 2009.\n\n"
    "Read also: Storm hits the coast"
)
OTHER_DAY = (
    "ZENDA, April 17 (Reuters) - Ruritania's president signed the law on withdrawing from the Ottawa Convention "
    "on Wednesday, his office said, completing the domestic procedure. "
    "The notification to the United Nations Secretary-General will be sent next week, officials said. "
    "Human rights groups condemned the vote. The International Campaign to Ban Landmines called it a "
    "dangerous step back for the protection of civilians. "
    "Ruritania joined the convention in 2004 and destroyed a stockpile of 412,000 mines by 2009."
)
UNRELATED = (
    "The Landmine Monitor said on Tuesday that casualties from mines and explosive remnants of war rose in "
    "Freedonia last year, with 310 people killed or injured, most of them civilians. Clearance teams "
    "released 12 square kilometres of land, the report said, while funding for victim assistance fell."
)
RUSSIAN = (
    "Парламент Руритании в четверг проголосовал за выход из Оттавской конвенции о запрете противопехотных мин. "
    "За законопроект проголосовали 87 депутатов, против — 14, воздержались 3. "
    "Министр обороны Марек Ковальски заявил, что решение вступит в силу через шесть месяцев после "
    "уведомления ООН. Руритания присоединилась к конвенции в 2004 году и уничтожила 412 000 мин к 2009 году."
)


def group(texts: list[tuple[str, str, date | None, str | None]]) -> tuple[StoryGrouper, dict[str, str]]:
    g = StoryGrouper()
    out = {}
    for name, text, published, language in texts:
        doc = prepare(RawItem(name, "text", text=text, meta={"published": published} if published else {}))
        out[name] = g.add(doc.id, doc.text, doc.published, doc.via, language or doc.language)
    return g, out


def test_copy_joins_and_different_report_does_not() -> None:
    _, s = group([
        ("wire", WIRE, None, None), ("copy", COPY, None, None),
        ("other_day", OTHER_DAY, None, None), ("unrelated", UNRELATED, None, None),
    ])
    assert s["wire"] == s["copy"]
    assert len({s["wire"], s["other_day"], s["unrelated"]}) == 3


def test_cross_language_copy_joins_by_names_and_numbers() -> None:
    _, s = group([("wire", WIRE, None, None), ("unrelated", UNRELATED, None, None), ("ru", RUSSIAN, None, None)])
    assert s["ru"] == s["wire"]
    assert s["unrelated"] != s["wire"]


def test_dates_far_apart_keep_copies_apart() -> None:
    _, s = group([("a", WIRE, date(2025, 4, 3), None), ("b", COPY, date(2025, 5, 30), None)])
    assert s["a"] != s["b"]


def test_story_id_is_deterministic_from_first_document() -> None:
    g1, s1 = group([("wire", WIRE, None, None), ("copy", COPY, None, None)])
    g2, s2 = group([("wire", WIRE, None, None), ("copy", COPY, None, None)])
    assert s1 == s2
    first = next(iter(g1.entries))
    assert s1["wire"] == "s-" + short_hash(first)


def test_signature_round_trip_and_rebuild() -> None:
    sig = signature(WIRE, "en")
    back = Signature.from_bytes(sig.to_bytes())
    assert (back.shingles == sig.shingles).all() and (back.anchors == sig.anchors).all()
    assert back.language == "en" and back.dateline == (4, 3)
    assert minhash_signature(WIRE, "en") == sig.to_bytes()

    original = StoryGrouper()
    sid = original.add("d-wire", WIRE, None, ["Reuters"], "en")
    stored = {"d-wire": (minhash_signature(WIRE, "en"), sid)}
    rebuilt = StoryGrouper()
    for doc_id, (blob, story_id) in stored.items():
        assert rebuilt.add_signature(doc_id, blob, None, ["Reuters"], story_id=story_id) == sid
    assert rebuilt.add("d-copy", COPY, None, ["Reuters"], "en") == sid
    assert rebuilt.add("d-unrelated", UNRELATED, None, [], "en") != sid
    assert rebuilt.reasons["d-copy"][0] == "near_duplicate"


def test_get_stories_reports_agencies_and_dates() -> None:
    g = StoryGrouper()
    g.add("a", WIRE, date(2025, 4, 3), ["Reuters"], "en")
    g.add("b", COPY, date(2025, 4, 4), ["Reuters"], "en")
    [story] = g.get_stories()
    assert story.document_ids == ["a", "b"] and story.agencies == ["Reuters"]
    assert story.first_published == date(2025, 4, 3) and story.last_published == date(2025, 4, 4)


SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared")
@pytest.mark.parametrize("order", ["sorted", "reversed"])
def test_corpus_duplicate_groups_are_stories(order: str) -> None:
    corpus = SHARED / "corpus" / "dev"
    with open(corpus / "INDEX.tsv", encoding="utf-8") as fh:
        expected = {row["file"]: row["duplicate_group"] for row in csv.DictReader(fh, delimiter="\t")}
    docs = [prepare(i) for i in iter_items([str(corpus)]) if isinstance(i, RawItem)]
    if order == "reversed":
        docs.reverse()
    g = StoryGrouper()
    for d in docs:
        g.add(d.id, d.text, d.published, d.via, d.language)
    story = {Path(d.path or "").name: g.story_of(d.id) for d in docs}
    names = sorted(story)
    for a in names:
        for b in names:
            if a < b:
                same_group = bool(expected[a]) and expected[a] == expected[b]
                assert (story[a] == story[b]) == same_group, (a, b, expected[a], expected[b])


def test_a_linking_document_merges_two_stories_under_the_older_id() -> None:
    words = WIRE.split(" ")
    head = " ".join(words[: len(words) // 2])
    tail = " ".join(words[len(words) // 2 :])
    g = StoryGrouper()
    first = g.add("head", head, None, [], "en")
    second = g.add("tail", tail, None, [], "en")
    assert first != second  # the two halves share nothing
    linked = g.add("whole", WIRE, None, [], "en")
    assert linked == first
    assert g.story_of("tail") == first
    assert g.pop_merges() == {second: first}
    assert g.pop_merges() == {}
    assert [s.document_ids for s in g.get_stories()] == [["head", "tail", "whole"]]


def test_window_bounds_what_is_compared_and_what_is_kept() -> None:
    g = StoryGrouper(window=2)
    wire = g.add("wire", WIRE, None, [], "en")
    assert g.story_of("wire") == wire
    g.add("unrelated", UNRELATED, None, [], "en")
    g.add("other_day", OTHER_DAY, None, [], "en")  # pushes "wire" out of the window
    # forgotten: its story lives on in the store, the grouper keeps only the window
    assert "wire" not in g.entries and g.story_of("wire") is None and wire not in g.stories
    assert g.add("copy", COPY, None, [], "en") != wire
    assert g.add("copy2", COPY + " More.", None, [], "en") == g.story_of("copy")
    assert sorted(d for s in g.get_stories() for d in s.document_ids) == ["copy", "copy2"]


def test_a_long_stream_keeps_memory_of_the_window_only() -> None:
    """Past its window the grouper holds the same number of documents, stories and reasons."""
    g = StoryGrouper(window=3)
    sizes = []
    for i in range(12):
        text = (WIRE if i % 2 else UNRELATED) + f" Update {i}."  # copies link each other's stories
        g.add(f"d{i}", text, None, [], "en")
        g.pop_merges()
        sizes.append((len(g.placed), len(g.stories), len(g.reasons), len(g._order)))
    assert sizes[-1] == sizes[5] and all(n <= 3 for n in sizes[-1])
    assert set(g.placed) == set(g.entries) == {"d9", "d10", "d11"}


def test_long_text_signature_is_chunked_and_equal() -> None:
    import numpy as np
    from datasketch import MinHash

    from minewatch.stories import _SHINGLE_TEMPLATE, MINHASH_CHUNK, SHINGLE_PERM, SHINGLE_SEED, _minhash

    hashes = (np.arange(1, 3 * MINHASH_CHUNK + 17, dtype=np.uint64) * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)
    whole = MinHash(num_perm=SHINGLE_PERM, seed=SHINGLE_SEED, hashfunc=int)
    whole.update_batch(hashes.tolist())
    assert (_minhash(_SHINGLE_TEMPLATE, hashes).hashvalues == whole.hashvalues).all()
    big = " ".join(f"word{i % 5000} item{i % 7919}" for i in range(300_000))
    sig = signature(big, "en")
    assert sig.n_shingles > 10_000 and sig.shingles.shape == (128,)
