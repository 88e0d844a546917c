"""Preparing on several processes gives the same documents, in order."""

from __future__ import annotations

from pathlib import Path

from minewatch.ingest.batch import Prepared, prepare_stream
from minewatch.ingest.sources import Skipped, iter_items
from minewatch.stories import Signature


def test_parallel_equals_sequential_and_keeps_order(tmp_path: Path) -> None:
    for i in range(70):
        (tmp_path / f"{i:03d}.txt").write_text(
            f"url: https://example.org/{i}\n\nParliament of state number {i} voted on the treaty on Tuesday, "
            f"officials said, with {i + 10} votes in favour.\n",
            encoding="utf-8",
        )
    (tmp_path / "035.bin.txt").write_bytes(b"\x00\x01\x02" * 10)
    (tmp_path / "050.txt").write_text("Menu\nShare\n", encoding="utf-8")
    seq = list(prepare_stream(iter_items([str(tmp_path)]), processes=1))
    par = list(prepare_stream(iter_items([str(tmp_path)]), processes=2))
    assert len(seq) == len(par) == 71

    def key(r: Prepared | Skipped) -> tuple[str, str]:
        return (r.document.id, r.document.path or "") if isinstance(r, Prepared) else ("skip", r.input)

    assert [key(r) for r in seq] == [key(r) for r in par]
    skipped = [r for r in par if isinstance(r, Skipped)]
    assert [Path(s.input).name for s in skipped] == ["035.bin.txt", "050.txt"]
    first = par[0]
    assert isinstance(first, Prepared) and Signature.from_bytes(first.signature).language == "en"
