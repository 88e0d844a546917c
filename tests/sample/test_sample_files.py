"""The bundled sample corpus: shape, metadata, the planted difficulties, and originality.

The sample feeds ``make run`` and the demo, so a malformed header or a missing
wire copy would silently weaken what the pipeline is shown doing.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from minewatch.sample import SAMPLE_DIR, sample_files

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT / ".." / "shared"
DEV_CORPUS = SHARED / "corpus" / "dev"

EARLIEST = date(2024, 1, 1)
LATEST = date(2026, 11, 30)
HEADER_KEYS = {"url", "published", "title", "outlet", "language"}
WIRE_COPIES = (
    "13-wire-production-copy-a.txt",
    "14-wire-production-copy-b.txt",
    "15-wire-production-copy-c.txt",
)
URL_RE = re.compile(r"\bhttps?://([^/\s\"'<>)]+)", re.IGNORECASE)
HEADER_LINE_RE = re.compile(r"^([a-z_]+): (.+)$")


def parse_txt(path: Path) -> tuple[dict[str, str], str]:
    """Split a sample .txt file into its header block and body, failing on a malformed header."""
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n\n")
    assert sep, f"{path.name}: no blank line after the header block"
    header: dict[str, str] = {}
    for line in head.splitlines():
        m = HEADER_LINE_RE.match(line)
        assert m, f"{path.name}: header line is not 'key: value': {line!r}"
        header[m.group(1)] = m.group(2).strip()
    return header, body


def strip_tags(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def articles() -> list[tuple[str, date, str]]:
    """(name, publication date, body text) for every article, counting feed items and JSONL lines."""
    out: list[tuple[str, date, str]] = []
    for path in sample_files():
        if path.suffix == ".txt":
            header, body = parse_txt(path)
            out.append((path.name, date.fromisoformat(header["published"]), body))
        elif path.suffix == ".jsonl":
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                rec = json.loads(line)
                out.append((f"{path.name}:{n}", date.fromisoformat(rec["published"]), rec["text"]))
        elif path.suffix == ".xml":
            for n, item in enumerate(ET.parse(path).getroot().iter("item"), 1):
                published = parsedate_to_datetime(item.findtext("pubDate") or "").date()
                out.append((f"{path.name}:{n}", published, strip_tags(item.findtext("description") or "")))
        elif path.suffix == ".html":
            page = path.read_text(encoding="utf-8")
            m = re.search(r'<meta property="article:published_time" content="([^"]+)"', page)
            assert m, f"{path.name}: no article:published_time"
            article = re.search(r"<article>(.*?)</article>", page, re.S)
            assert article, f"{path.name}: no <article>"
            out.append((path.name, datetime.fromisoformat(m.group(1)).date(), strip_tags(article.group(1))))
    return out


def words(text: str) -> set[str]:
    return set(re.findall(r"[\w'-]+", text.lower()))


def normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def test_sample_dir_is_the_package_folder():
    assert SAMPLE_DIR.is_dir()
    assert (SAMPLE_DIR / "README.md").is_file()
    names = [p.name for p in sample_files()]
    assert names == sorted(names)
    assert "README.md" not in names and "__init__.py" not in names


def test_every_format_is_present():
    suffixes = [p.suffix for p in sample_files()]
    assert suffixes.count(".html") == 1
    assert suffixes.count(".xml") == 1
    assert suffixes.count(".jsonl") == 1
    assert suffixes.count(".txt") >= 20


def test_article_count_between_24_and_30():
    assert 24 <= len(articles()) <= 30


def test_txt_headers_parse_with_required_keys():
    for path in sample_files():
        if path.suffix != ".txt":
            continue
        header, body = parse_txt(path)
        assert HEADER_KEYS <= header.keys(), f"{path.name}: missing {HEADER_KEYS - header.keys()}"
        first_line = body.strip().splitlines()[0]
        assert first_line, f"{path.name}: empty body"
        assert re.fullmatch(r"[a-z]{2}", header["language"])


def test_headline_is_first_body_line_of_plain_pages():
    for path in sample_files():
        if path.suffix != ".txt":
            continue
        header, body = parse_txt(path)
        lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
        # Boilerplate pages put a menu and banners first; the headline must still be in the body.
        assert header["title"] in lines, path.name
        if not lines[0].startswith("Menu") and not lines[0].startswith("Home"):
            assert lines[0] == header["title"], path.name


def test_published_dates_are_in_range():
    for name, published, _ in articles():
        assert EARLIEST <= published <= LATEST, f"{name}: {published}"


def test_jsonl_records_have_all_fields():
    for path in sample_files():
        if path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                assert {"text", "url", "published", "title", "outlet"} <= rec.keys()


def test_html_page_has_site_metadata():
    page = next(p for p in sample_files() if p.suffix == ".html").read_text(encoding="utf-8")
    for marker in ('<meta property="og:site_name"', "<nav>", "<header", "<footer", "<article>"):
        assert marker in page


def test_feed_is_rss_2_with_three_dated_items():
    feed = next(p for p in sample_files() if p.suffix == ".xml")
    root = ET.parse(feed).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = list(root.iter("item"))
    assert len(items) == 3
    assert all(item.findtext("pubDate") for item in items)


def test_one_article_is_polish_and_short():
    polish = []
    for path in sample_files():
        if path.suffix == ".txt":
            header, body = parse_txt(path)
            if header["language"] == "pl":
                polish.append(body)
    assert len(polish) == 1
    assert 80 <= len(polish[0].split()) <= 150


def test_articles_are_120_to_400_words():
    for name, _, body in articles():
        n = len(body.split())
        if name.startswith("10-"):  # the Polish article has its own bound
            continue
        # Syndicated copy B carries boilerplate around a normal-length article.
        assert 120 <= n <= 420, f"{name}: {n} words"


def test_no_url_outside_example_tld():
    # README.md cites the real reference sources on purpose; only the articles use fictional outlets.
    for path in sample_files():
        for host in URL_RE.findall(path.read_text(encoding="utf-8")):
            assert host.lower().endswith(".example"), f"{path.name}: {host}"


def test_wire_copies_share_most_words():
    bodies = {name: words(parse_txt(SAMPLE_DIR / name)[1]) for name in WIRE_COPIES}
    for i, a in enumerate(WIRE_COPIES):
        for b in WIRE_COPIES[i + 1 :]:
            overlap = len(bodies[a] & bodies[b]) / len(bodies[a] | bodies[b])
            assert overlap >= 0.6, f"{a} / {b}: {overlap:.2f}"


def test_wire_copies_carry_the_planted_drift():
    a, b, c = (parse_txt(SAMPLE_DIR / name)[1] for name in WIRE_COPIES)
    assert "hundreds of millions of euros" in a
    assert "tens of millions of euros" in b
    assert "spend millions of euros" in c
    assert "joined the Ottawa Convention in 2011" in c
    assert "joined the Ottawa Convention in 2012" in a
    assert all("(Nordwire)" in body for body in (a, b, c))


def test_boilerplate_pages_exist():
    markers = ("Accept cookies", "Your browser is outdated", "Related headlines", "Share on", "Photo")
    noisy = [
        p.name
        for p in sample_files()
        if p.suffix == ".txt" and sum(m in p.read_text(encoding="utf-8") for m in markers) >= 3
    ]
    assert len(noisy) >= 2, noisy


@pytest.mark.skipif(not DEV_CORPUS.is_dir(), reason="shared dev corpus not available")
def test_no_long_sentence_copied_from_dev_corpus():
    dev_texts = [normalise(p.read_text(encoding="utf-8")) for p in sorted(DEV_CORPUS.glob("*.txt"))]
    copied = []
    for name, _, body in articles():
        for sentence in sentences(body):
            if len(sentence.split()) < 12:
                continue
            needle = normalise(sentence)
            if any(needle in dev for dev in dev_texts):
                copied.append((name, sentence))
    assert not copied, copied
