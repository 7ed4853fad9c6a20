"""The HTML pages: paste an article or a claim, list the reports, read one report with its evidence.

Server-rendered with Jinja2 (autoescaped), one small script for opening a claim's details, no external
assets. The form follows post, redirect, get: `POST /reports` stores the report and redirects to it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from rules.model import RATING_SCALE, Verdict
from service.claimreview import claim_reviews
from service.figures import figure, rule_of
from service.reports import article_report, current_store, setting
from service.state import current_state

web = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets"
)

MAX_TEXT = 60_000
MAX_CLAIM = 600
MAX_FIELD = 300
# Each verdict's label (the published rating scale's) and a symbol, so colour is never the only signal.
SYMBOLS = {
    "accurate": "✓",
    "approximately_accurate": "≈",
    "misleading": "!",
    "inaccurate": "✗",
    "unverifiable": "?",
}
VERDICTS = {verdict: (RATING_SCALE[Verdict(verdict)][1], symbol) for verdict, symbol in SYMBOLS.items()}


def published_reviews(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the report's ClaimReview objects as this site publishes them."""
    base = setting(current_app, "PUBLIC_URL") or request.url_root
    organisation = {
        "name": setting(current_app, "PUBLISHER_NAME") or "claimcheck",
        "url": setting(current_app, "PUBLISHER_URL") or base,
    }
    snapshot = current_state().snapshot
    entities = getattr(snapshot, "entities", None) or {}
    names = {key: getattr(entity, "name", key) for key, entity in entities.items()}
    return claim_reviews(report, base, organisation, names)


def _form_errors(form: Mapping[str, str], mode: str) -> dict[str, str]:
    errors = {}
    if mode == "claim":
        claim = form.get("claim", "").strip()
        if not claim:
            errors["claim"] = "Write the claim to check."
        elif len(claim) > MAX_CLAIM:
            errors["claim"] = f"Keep the claim under {MAX_CLAIM} characters."
    else:
        if not form.get("title", "").strip():
            errors["title"] = "Give the article's title."
        text = form.get("text", "").strip()
        if not text:
            errors["text"] = "Paste the article's text."
        elif len(text) > MAX_TEXT:
            errors["text"] = f"The text is longer than {MAX_TEXT:,} characters."
        url = form.get("url", "").strip()
        if url and not url.lower().startswith(("http://", "https://")):
            errors["url"] = "Give a web address starting with http:// or https://."
        if not form.get("published", "").strip():
            errors["published"] = "Give the date the article was published."
    for name in ("title", "publisher", "url"):
        if len(form.get(name, "")) > MAX_FIELD:
            errors[name] = f"Keep this under {MAX_FIELD} characters."
    when = form.get("published", "").strip()
    if when and "published" not in errors:
        try:
            dt.date.fromisoformat(when)
        except ValueError:
            errors["published"] = "Give the date as YYYY-MM-DD."
    return errors


def _index(form: Mapping[str, str], errors: Mapping[str, str], mode: str, status: int = 200):
    catalog = current_state().catalog
    examples = list(getattr(catalog, "articles", {}).values()) if catalog else []
    page = render_template("index.html", form=form, errors=errors, mode=mode, examples=examples)
    return page, status


@web.get("/")
def index():
    """Show the forms to check an article or a single claim (optionally filled with a catalog article)."""
    form: dict[str, str] = {}
    catalog = current_state().catalog
    chosen = request.args.get("example", "")
    article = getattr(catalog, "articles", {}).get(chosen) if catalog and chosen else None
    if article is not None:
        form = {
            "title": article.title,
            "published": article.published.isoformat(),
            "url": article.url or "",
            "publisher": article.publisher,
            "text": article.text,
        }
    return _index(form, {}, "article")


@web.post("/reports")
def create_report():
    """Check the posted article or claim, store the report, and redirect to it."""
    form = {
        key: request.form.get(key, "")
        for key in ("mode", "title", "published", "url", "publisher", "text", "claim")
    }
    mode = "claim" if form["mode"] == "claim" else "article"
    errors = _form_errors(form, mode)
    if errors:
        return _index(form, errors, mode, 400)
    published = dt.date.fromisoformat(form["published"].strip()) if form["published"].strip() else None
    check = current_state().check_article
    snapshot = current_state().snapshot
    if mode == "claim":
        claim = " ".join(form["claim"].split())
        checked = check(claim, claim, published or dt.date.today(), snapshot)
        if not checked.get("claims"):
            errors = {
                "claim": "No checkable claim was found in this sentence: claimcheck checks "
                "numbers, sizes, ratios, dates, durations, counts and who said what."
            }
            return _index(form, errors, mode, 422)
        results = [
            {"claim": c.get("quote") or claim, "understood": c.get("understood"), "result": c["result"]}
            for c in checked["claims"]
        ]
        report = {"kind": "checks", "title": claim, "published": published, "results": results}
    else:
        text = form["text"].replace("\r\n", "\n").strip()
        url, publisher = form["url"].strip() or None, form["publisher"].strip() or None
        checked = check(form["title"].strip(), text, published, snapshot, url=url, publisher=publisher)
        report = article_report(checked, text=text, url=url, publisher=publisher)
    report_id = current_store().create(report)
    return redirect(url_for("web.report", report_id=report_id), 303)


@web.get("/reports")
def reports():
    """List the stored reports, newest first."""
    page = request.args.get("page", 1, type=int) or 1
    listing = current_store().list(page=max(1, min(page, 100_000)), per_page=20)
    return render_template("reports.html", listing=listing)


def _pieces(text: str, claims: list[dict[str, Any]]) -> list[list[tuple[str, Any]]]:
    """Split a text into paragraphs of plain and highlighted pieces.

    Claims may nest (a quotation holding a place name): each stretch of text belongs to the innermost
    claim covering it, so the outer claim's highlight is cut in two around the inner one.
    """
    anchored = [c for c in claims if c.get("start") is not None and c["end"] <= len(text)]
    cuts = sorted({0, len(text), *(c["start"] for c in anchored), *(c["end"] for c in anchored)})
    runs: list[list[Any]] = []  # [owner claim or None, text]
    for low, high in itertools.pairwise(cuts):
        covering = [c for c in anchored if c["start"] <= low and high <= c["end"]]
        owner = min(covering, key=lambda c: (c["end"] - c["start"], c["n"])) if covering else None
        if runs and runs[-1][0] is owner:
            runs[-1][1] += text[low:high]
        else:
            runs.append([owner, text[low:high]])
    seen: set[int] = set()
    last = {id(owner): position for position, (owner, _) in enumerate(runs) if owner is not None}
    paragraphs: list[list[tuple[str, Any]]] = [[]]
    for position, (owner, chunk) in enumerate(runs):
        if owner is None:
            for number, line in enumerate(chunk.split("\n")):
                if number:
                    paragraphs.append([])
                if line:
                    paragraphs[-1].append(("text", line))
            continue
        first = id(owner) not in seen
        seen.add(id(owner))
        piece = {
            "claim": owner,
            "text": " ".join(chunk.split("\n")),
            "first": first,
            "last": last[id(owner)] == position,
        }
        paragraphs[-1].append(("claim", piece))
    return [paragraph for paragraph in paragraphs if paragraph]


def _understood(value: Any) -> str:
    """Return what the parser understood, in a line: "relation: exact; duration: years 4, months 5"."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping):
        return ""

    def show(item: Any) -> str:
        if isinstance(item, Mapping):
            return ", ".join(f"{key} {show(part)}" for key, part in item.items() if part not in (None, ""))
        if isinstance(item, list | tuple):
            return ", ".join(show(part) for part in item)
        return str(item)

    shown = [
        f"{key.replace('_', ' ')}: {show(item)}"
        for key, item in value.items()
        if key != "span" and item not in (None, False, "", [], {})
    ]
    return "; ".join(shown)


def _range(span: Mapping[str, Any] | None) -> str:
    """Return a bounds span in words: "550 to 700 km²", "550 km² or more", "up to 4.5 km²"."""
    if not span:
        return "none"
    low, high, unit = span.get("low"), span.get("high"), span.get("unit") or ""

    def show(value):
        return (
            f"{value:,.6g}" if isinstance(value, float | int) and not isinstance(value, bool) else str(value)
        )

    suffix = unit if unit in ("", "×", "%") else f" {unit}"
    if low is not None and high is not None:
        return f"{show(low)}{suffix}" if low == high else f"{show(low)} to {show(high)}{suffix}"
    if low is not None:
        return f"{show(low)}{suffix} or more"
    if high is not None:
        return f"up to {show(high)}{suffix}"
    return "any value"


def _sources(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the evidence grouped by source, those used for the verdict first."""
    items = [item for item in result.get("evidence") or [] if isinstance(item.get("source"), Mapping)]
    return sorted(items, key=lambda item: (not item.get("used_in_verdict"), not item.get("preferred")))


def _datasets(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return each dataset the result's records came from, with how many records it gave."""
    found: dict[str, dict[str, Any]] = {}
    for record in result.get("records") or []:
        source = record.get("source") if isinstance(record, Mapping) else None
        if isinstance(source, Mapping):
            key = str(source.get("url") or source.get("id"))
            found.setdefault(key, {"source": source, "count": 0})["count"] += 1
    return list(found.values())


RECORD_COLUMNS = ("tag", "date", "vehicle", "flight", "site")
MAX_RECORDS_SHOWN = 300


def _safe_url(url: Any) -> str | None:
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None


@web.get("/reports/<report_id>")
def report(report_id: str):
    """Show one report: the text with its claims highlighted, the verdicts, the evidence and pictures."""
    stored = current_store().get(report_id)
    if stored is None:
        abort(404)
    claims = stored.get("claims") or []
    for claim in claims:
        claim["figure"] = figure(claim["result"])
        claim["rule_view"] = rule_of(claim["result"])
        claim["sources"] = _sources(claim["result"])
        claim["datasets"] = _datasets(claim["result"])
        claim["understood_text"] = _understood(claim.get("understood"))
    in_text = [claim for claim in claims if claim.get("in") != "title"]
    paragraphs = _pieces(stored["text"], in_text) if stored.get("text") else []
    title_claims = [claim for claim in claims if claim.get("in") == "title"]
    title = _pieces(stored["title"], title_claims) if title_claims else []
    highlighted = {
        id(value["claim"])
        for paragraph in [*paragraphs, *title]
        for kind, value in paragraph
        if kind == "claim"
    }
    total = len(claims) or 1
    bar, x = [], 0.0
    for verdict in VERDICTS:
        count = (stored.get("summary") or {}).get(verdict, 0)
        if count:
            bar.append(
                {"verdict": verdict, "count": count, "x": round(x, 3), "width": round(count / total * 100, 3)}
            )
            x += count / total * 100
    return render_template(
        "report.html",
        report=stored,
        claims=claims,
        paragraphs=paragraphs,
        title_pieces=title[0] if len(title) == 1 else [],
        unanchored=[claim for claim in claims if id(claim) not in highlighted],
        bar=bar,
        reviews=published_reviews(stored),
        record_columns=RECORD_COLUMNS,
        max_records=MAX_RECORDS_SHOWN,
    )


@web.errorhandler(404)
def _not_found(error):
    # A reader who follows an old link gets a page, not the API's problem+json.
    return render_template("not_found.html"), 404


@web.app_template_filter("bounds")
def _bounds_filter(span):
    return _range(span)


@web.app_template_filter("http_url")
def _http_url_filter(url):
    return _safe_url(url)


@web.record_once
def _globals(state):
    # A global, not a context variable, so that imported macros see it too.
    state.app.jinja_env.globals["VERDICTS"] = VERDICTS
