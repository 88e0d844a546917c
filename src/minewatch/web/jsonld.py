"""schema.org ``ClaimReview`` for claims an analyst reviewed: fact-checking tools and search engines read it."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

#: An analyst's verdict as a rating: 3 the claim stands as extracted, 2 it stands corrected, 1 it was rejected.
RATINGS = {"verified": (3, "Verified"), "corrected": (2, "Corrected"), "rejected": (1, "Rejected")}


def claim_review(claim: dict[str, Any], url: str) -> dict[str, Any] | None:
    review = claim.get("review")
    if not review or review.get("verdict") not in RATINGS:
        return None
    value, name = RATINGS[review["verdict"]]
    doc = claim.get("document") or {}
    evidence = " … ".join(e["text"] for e in claim.get("evidence") or [])
    item: dict[str, Any] = {"@type": "Claim", "author": {"@type": "Organization", "name": doc.get("outlet") or "unknown"}}
    if doc.get("published"):
        item["datePublished"] = doc["published"]
    if doc.get("url"):
        item["appearance"] = {"@type": "CreativeWork", "url": doc["url"]}
    out: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": evidence or claim.get("predicate"),
        "author": {"@type": "Person", "name": review.get("reviewer")},
        "reviewRating": {"@type": "Rating", "ratingValue": value, "bestRating": 3, "worstRating": 1,
                         "alternateName": name},
        "itemReviewed": item,
    }
    if review.get("created_at"):
        out["datePublished"] = str(review["created_at"])[:10]
    return out


def claim_review_jsonld(claim: dict[str, Any], url: Any) -> Markup:
    """The JSON-LD text for a ``<script type="application/ld+json">``; empty for an unreviewed claim.

    ``<``, ``>`` and ``&`` are written as JSON escapes so that no text of an
    article can close the script element.
    """
    data = claim_review(claim, str(url))
    if data is None:
        return Markup("")
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
