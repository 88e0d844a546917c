"""schema.org ClaimReview on the page of a reviewed claim."""

from __future__ import annotations

import json
import re

from minewatch.store.reconciling import reconcile_pending


def _jsonld(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def test_reviewed_claims_carry_a_claim_review(client) -> None:
    ids = client.ids
    assert _jsonld(client.get(f"/claims/{ids['ltu_claim']}").text) == []  # not reviewed yet
    client.store.add_review(ids["ltu_claim"], "verified", "ana", "checked against the record")
    reconcile_pending(client.store)
    [review] = _jsonld(client.get(f"/claims/{ids['ltu_claim']}").text)
    assert review["@type"] == "ClaimReview" and review["@context"] == "https://schema.org"
    assert review["reviewRating"]["alternateName"] == "Verified" and review["reviewRating"]["ratingValue"] == 3
    assert review["author"]["name"] == "ana" and review["url"].endswith(f"/claims/{ids['ltu_claim']}")
    assert review["claimReviewed"].startswith("The Seimas voted")
    assert review["itemReviewed"]["author"]["name"] == "Example Daily"
    assert review["itemReviewed"]["appearance"]["url"] == "https://news.example/ltu-1"


def test_article_text_cannot_close_the_script(client) -> None:
    ids = client.ids
    client.store.add_review(ids["fin_claim"], "rejected", "</script><script>alert(1)</script>", "hostile")
    reconcile_pending(client.store)
    html = client.get(f"/claims/{ids['fin_claim']}").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block
    review = json.loads(block)
    assert review["reviewRating"]["alternateName"] == "Rejected" and "<script>" in review["claimReviewed"]
