"""Whole-article checking: every check-worthy claim of a submitted text, with offsets and verdicts.

Pure: no Flask, no storage. The service wires `check_article` to `POST /v1/articles` (201).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import replace
from typing import Any

from claims.parser import ParseContext, judge_claim, main_entity, named_entities, parse_sentence, quotations
from claims.sentences import split_sentences
from rules.errors import ClaimcheckError
from rules.model import Verdict
from rules.reference import Snapshot

LANGUAGES = ("en",)
MAX_RECENT = 12


class UnsupportedLanguage(ClaimcheckError, ValueError):
    """The article is in a language the claim parser does not read."""


def _published(value: dt.date | str | None) -> dt.date:
    if value is None or value == "":
        return dt.date.today()  # an article without a date is checked as of today
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _quotes_by_speaker(sentences, snapshot: Snapshot, context: ParseContext) -> tuple[tuple[str, str], ...]:
    """Return the article's quotations with their speakers, so a headline quote finds its speaker."""
    pairs, speaker = [], None
    for sentence in sentences:
        for words, who in quotations(sentence.text, snapshot, replace(context, speaker=speaker)):
            if who:
                pairs.append((words, who))
                speaker = who
    return tuple(pairs)


def check_article(
    title: str,
    text: str,
    published: dt.date | str | None,
    snapshot: Snapshot,
    url: str | None = None,
    publisher: str | None = None,
    language: str = "en",
    *,
    timezone: str | None = None,
    main: str | None = None,
) -> dict[str, Any]:
    """Find and check every claim of an article as of its publication date (today if none)."""
    if language not in LANGUAGES:
        raise UnsupportedLanguage(f"the claim parser reads {', '.join(LANGUAGES)}, not {language!r}")
    day = _published(published)
    # Offsets point into the text, so the title is checked where the text carries it (its first
    # lines, the headlines); a title given only as metadata is not.
    sentences = split_sentences(text)
    context = ParseContext(
        published=day, main_entity=main or main_entity(f"{title}\n{text}", snapshot), timezone=timezone
    )
    context = replace(context, quotes=_quotes_by_speaker(sentences, snapshot, context))
    claims, summary, skipped = [], Counter(), 0
    recent: list[str] = []
    for sentence in sentences:
        context = replace(context, recent=tuple(recent[-MAX_RECENT:]))
        found = parse_sentence(sentence.text, snapshot, context)
        for claim in found:
            result = judge_claim(claim, snapshot, day)
            summary[result.verdict.value] += 1
            entry = {
                "start": sentence.start + claim.start,
                "end": sentence.start + claim.end,
                "quote": claim.quote,
                "kind": claim.kind,
                "understood": dict(claim.understood),
                "rule": dict(claim.rule) or None,
                "result": result.to_dict(),
            }
            claims.append(entry)
            if claim.kind == "attribution" and claim.understood.get("speaker"):
                context = replace(context, speaker=claim.understood["speaker"])
        if not found:
            skipped += 1
        recent.extend(named_entities(sentence.text, snapshot))
    return {
        "id": uuid.uuid4().hex,
        "title": title,
        "published": day.isoformat(),
        "url": url,
        "publisher": publisher,
        "language": language,
        "main_entity": context.main_entity,
        "claims": claims,
        "summary": {verdict.value: summary.get(verdict.value, 0) for verdict in Verdict},
        "sentences": len(sentences),
        "skipped": skipped,
        "snapshot": snapshot.id,
    }
