"""A small knowledge base written for the web and export tests (texts are invented for the tests)."""

from __future__ import annotations

from datetime import date

from minewatch.model import Actor, Claim, Document, Evidence, Money, Range, Speaker
from minewatch.store.reconciling import reconcile_pending
from minewatch.store.repository import Store

TOKEN = "test-token-0123456789"

LTU_TEXT = (
    "Vilnius parliament votes on treaty exit\n"
    "The Seimas voted on Tuesday to leave the Ottawa Convention, the speaker said.\n"
    "The defence ministry said it plans to spend 800 million euros on border defence."
)
LTU_TEXT_B = (
    "Lithuania confirms treaty withdrawal\n"
    "Lithuania's parliament decided to leave the Ottawa Convention, lawmakers said on Tuesday.\n"
    "Officials put the cost at 750 million euros."
)
EST_TEXT = (
    "Estonia files notice with the United Nations\n"
    "Estonia notified the UN Secretary-General of its withdrawal from the Ottawa Convention."
)
HOSTILE_TEXT = (
    "Hostile markup test article\n"
    "Finland said <script>window.__pwned = 1; document.title = 'pwned'; alert(1)</script> it would leave the treaty.\n"
    "<img src=x onerror=\"window.__pwned = 2; alert(2)\"> and <a href=\"javascript:window.__pwned=3\">click</a>\n"
    "</textarea><script>window.__pwned = 4</script> \"quoted\" & 'single' end."
)


def _span(text: str, needle: str) -> Evidence:
    i = text.index(needle)
    return Evidence(i, i + len(needle), needle)


def _doc(text: str, outlet: str, published: date, url: str | None = None, story: str | None = None, via=()) -> Document:
    return Document(text=text, original=text, title=text.split("\n", 1)[0], outlet=outlet, published=published,
                    language="en", url=url, story_id=story, via=list(via))


def fill(store: Store) -> dict[str, str]:
    """Documents and claims for LTU, EST and FIN; returns ids the tests use."""
    ids: dict[str, str] = {}
    ltu = Actor("state", "LTU", "Lithuania")
    d1 = _doc(LTU_TEXT, "Example Daily", date(2025, 6, 17), "https://news.example/ltu-1", story="s-ltu", via=["AP"])
    d2 = _doc(LTU_TEXT_B, "Example Tribune", date(2025, 6, 18), "https://tribune.example/ltu", story="s-ltu", via=["AP"])
    c1 = Claim(d1.id, ltu, "treaty_withdrawal", stage="approved", treaty="APMBC",
               evidence=[_span(LTU_TEXT, "The Seimas voted on Tuesday to leave the Ottawa Convention")],
               speaker=Speaker("the speaker"), confidence=0.9)
    c1m = Claim(d1.id, ltu, "procurement", treaty=None, weapon="mine", modality="planned",
                money=Money(800e6, 800e6, "EUR", "800 million euros"),
                evidence=[_span(LTU_TEXT, "it plans to spend 800 million euros on border defence")])
    c2 = Claim(d2.id, ltu, "treaty_withdrawal", stage="approved", treaty="APMBC",
               evidence=[_span(LTU_TEXT_B, "Lithuania's parliament decided to leave the Ottawa Convention")])
    store.add_document(d1, claims=[c1, c1m], extracted=True)
    store.add_document(d2, claims=[c2], extracted=True)
    est = Actor("state", "EST", "Estonia")
    d3 = _doc(EST_TEXT, "Baltic Wire", date(2025, 6, 27), "https://wire.example/est")
    c3 = Claim(d3.id, est, "treaty_withdrawal", stage="notified", treaty="APMBC",
               quantity=Range(None, None), evidence=[_span(EST_TEXT, "Estonia notified the UN Secretary-General")])
    store.add_document(d3, claims=[c3], extracted=True)
    fin = Actor("state", "FIN", "Finland")
    d4 = _doc(HOSTILE_TEXT, "<b>Evil</b> outlet", date(2025, 7, 1), "javascript:window.__pwned=5")
    c4 = Claim(d4.id, fin, "treaty_withdrawal", stage="decided", treaty="APMBC",
               evidence=[_span(HOSTILE_TEXT, "<script>window.__pwned = 1; document.title = 'pwned'; alert(1)</script>")],
               speaker=Speaker("<img src=x onerror=alert(9)>", "</textarea><script>window.__pwned=6</script>"))
    store.add_document(d4, claims=[c4], extracted=True)
    reconcile_pending(store)
    ids.update(ltu_doc=d1.id, ltu_doc_b=d2.id, est_doc=d3.id, fin_doc=d4.id,
               ltu_claim=c1.id, ltu_claim_b=c2.id, ltu_money=c1m.id, est_claim=c3.id, fin_claim=c4.id, story="s-ltu")
    return ids


