"""schema.org ClaimReview for a stored report: one review per checked claim, as JSON-LD data.

Pure functions: a report document, the site's base URL and the publishing organisation in, plain JSON
data out. The fields are those Google requires or recommends (the README, "ClaimReview").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from rules.model import BEST_RATING, RATING_SCALE, WORST_RATING, Verdict
from service.figures import rule_of

CLAIM_REVIEWED_MAX = 74  # Google: keep claimReviewed under 75 characters
EXPLANATION_MAX = 600
_SPACES = re.compile(r"\s+")


def shorten(text: str, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """Return `text` on one line, cut at a word boundary with an ellipsis when longer than `limit`."""
    flat = _SPACES.sub(" ", text or "").strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


def report_url(report: Mapping[str, Any], base_url: str) -> str:
    """Return the report page's absolute URL under the site's base URL."""
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", f"reports/{report['id']}")


def _where(report: Mapping[str, Any], claim: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return where the claim appeared: its own article (catalog claims), else the report's."""
    appearance = claim.get("appearance")
    return appearance if isinstance(appearance, Mapping) else report


def claim_id(report: Mapping[str, Any], claim: Mapping[str, Any], base_url: str) -> str:
    """Return a stable @id for the claim: the same quote in the same article gets the same id."""
    article = _where(report, claim)
    where = article.get("url") or article.get("title") or ""
    key = "\n".join((_SPACES.sub(" ", claim.get("quote") or "").strip().lower(), where))
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", f"claims/{digest}")


def rating(result: Mapping[str, Any]) -> dict[str, Any]:
    """Return the schema.org Rating for a result on the published 1-5 scale."""
    value, label = RATING_SCALE[Verdict(result["verdict"])]
    return {
        "@type": "Rating",
        "ratingValue": value,
        "bestRating": BEST_RATING,
        "worstRating": WORST_RATING,
        "alternateName": label,
        "name": label,
        "ratingExplanation": explanation(result),
    }


def explanation(result: Mapping[str, Any]) -> str:
    """Return the computation in a sentence (the result's reason, else its steps) and the retrieval date."""
    sentence = str(result.get("reason") or "").strip()
    if not sentence:
        steps = [
            f"{step.get('expression', '')} → {step.get('result', '')}".strip(" →")
            for step in result.get("computation") or []
            if isinstance(step, Mapping)
        ]
        sentence = "; ".join(steps) + "." if steps else "No computation was possible."
    retrieved = sorted(
        {item["source"]["retrieved"] for item in _evidence(result) if item["source"].get("retrieved")}
    )
    if retrieved:
        span = retrieved[0] if len(retrieved) == 1 else f"{retrieved[0]} to {retrieved[-1]}"
        sentence += f" Sources retrieved {span}."
    return shorten(sentence, EXPLANATION_MAX)


def _evidence(result: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Return the result's sourced reference values, then its dataset records (which carry a source too)."""
    items = [*(result.get("evidence") or []), *(result.get("records") or [])]
    return [item for item in items if isinstance(item, Mapping) and isinstance(item.get("source"), Mapping)]


def citations(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return each source the verdict drew on, once: values used first, then datasets, then the rest."""
    records = {id(record) for record in result.get("records") or []}

    def order(item: Mapping[str, Any]) -> int:
        return 0 if item.get("used_in_verdict") else 1 if id(item) in records else 2

    seen: dict[str, dict[str, Any]] = {}
    for item in sorted(_evidence(result), key=order):
        source = item["source"]
        url = source.get("url")
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")) or url in seen:
            continue
        kind = "Dataset" if id(item) in records else "CreativeWork"
        work: dict[str, Any] = {"@type": kind, "url": url, "name": source.get("title") or url}
        if source.get("publisher"):
            work["publisher"] = {"@type": "Organization", "name": source["publisher"]}
        if source.get("published"):
            work["datePublished"] = str(source["published"])
        if source.get("licence"):
            work["license"] = source["licence"]
        seen[url] = work
    return list(seen.values())


def _claim_author(article: Mapping[str, Any], claim: Mapping[str, Any], names: Mapping[str, str]):
    speaker = rule_of(claim["result"]).get("speaker")
    if isinstance(speaker, str) and speaker:
        return {"@type": "Person", "name": names.get(speaker, speaker)}
    if article.get("publisher"):
        return {"@type": "Organization", "name": article["publisher"]}
    return None


def _appearance(report: Mapping[str, Any]) -> dict[str, Any]:
    if report.get("url"):
        work: dict[str, Any] = {"@type": "NewsArticle", "url": report["url"]}
    else:
        work = {"@type": "CreativeWork"}
    work["headline"] = shorten(report.get("title") or "", 110)
    if report.get("published"):
        work["datePublished"] = report["published"]
    if report.get("publisher"):
        work["publisher"] = {"@type": "Organization", "name": report["publisher"]}
    return work


def claim_reviews(
    report: Mapping[str, Any],
    base_url: str,
    organisation: Mapping[str, str],
    names: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Return one ClaimReview per claim of a stored report.

    `organisation` is the publisher of the reviews (`name`, `url`); `names` maps speaker entity ids
    (attribution rules) to the names shown as the claim's author.
    """
    page = report_url(report, base_url)
    author = {"@type": "Organization", "name": organisation["name"], "url": organisation["url"]}
    reviewed_on = str(report.get("created") or "")[:10]
    reviews = []
    for claim in report.get("claims") or []:
        number, result = claim["n"], claim["result"]
        article = _where(report, claim)
        item: dict[str, Any] = {"@type": "Claim", "@id": claim_id(report, claim, base_url)}
        claim_author = _claim_author(article, claim, names or {})
        if claim_author:
            item["author"] = claim_author
        if article.get("published"):
            item["datePublished"] = article["published"]
        item["appearance"] = [_appearance(article)]
        item["text"] = _SPACES.sub(" ", claim.get("quote") or "").strip()
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "@id": f"{page}#claimreview-{number}",
            "url": f"{page}#claim-{number}",
            "claimReviewed": shorten(claim.get("quote") or ""),
            "author": author,
            "reviewRating": rating(result),
            "itemReviewed": item,
            "citation": citations(result),
            "inLanguage": report.get("language") or "en",
        }
        if reviewed_on:
            review["datePublished"] = reviewed_on
        reviews.append(review)
    return reviews
