"""Copies of one story compared word by word."""

from __future__ import annotations

import re

from minewatch.web.compare import word_diff


def test_word_diff_marks_what_each_copy_alone_has() -> None:
    html, counts = word_diff("The ministry said it would spend 800 million euros.",
                             "The ministry claimed it would spend 750 million euros.")
    assert "<del>said</del> <ins>claimed</ins>" in str(html)
    assert "<del>800</del> <ins>750</ins>" in str(html)
    assert counts == {"same": 7, "removed": 2, "added": 2}
    same, n = word_diff("a b  c", "a b c")
    assert "<del>" not in str(same) and n["removed"] == n["added"] == 0


def test_word_diff_escapes_markup() -> None:
    html, _ = word_diff("safe text", "safe <script>alert(1)</script> text")
    assert "<script>" not in str(html) and "&lt;script&gt;" in str(html)


def test_story_diff_page(client) -> None:
    ids = client.ids
    story = client.get(f"/stories/{ids['story']}").text
    assert f"/stories/{ids['story']}/diff?a=" in story
    r = client.get(f"/stories/{ids['story']}/diff", params={"a": ids["ltu_doc"], "b": ids["ltu_doc_b"]})
    assert r.status_code == 200
    diff = r.text.split('<div class="text diff">', 1)[1].split("</div>", 1)[0]
    added = " ".join(re.findall(r"<ins>(.*?)</ins>", diff))
    removed = " ".join(re.findall(r"<del>(.*?)</del>", diff))
    assert "750" in added and "800" in removed and "Ottawa Convention" not in added + removed
    assert "Example Daily" in r.text and "Example Tribune" in r.text
    default = client.get(f"/stories/{ids['story']}/diff")
    assert default.status_code == 200 and "words the same" in default.text
    assert client.get(f"/stories/{ids['story']}/diff", params={"a": ids["est_doc"]}).status_code == 404
    assert client.get("/stories/s-nothing/diff").status_code == 404
