"""Verdict reports: one checked article or a batch of checked claims, stored with SQLAlchemy.

SQLite is the default store. Several gunicorn workers may write to the same file, so every connection
uses WAL and a busy timeout, and write transactions open with `BEGIN IMMEDIATE` (emitted by SQLAlchemy's
`begin` hook, as the pysqlite dialect documents) so that writers queue instead of failing. PostgreSQL
is used when `CLAIMCHECK_DATABASE_URL` names it. The schema lives in Alembic migrations
(`service/migrations/`); `init_app` applies them before the store is used.

The report document is described in the README ("Report documents").
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import os
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, Index, Integer, String, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import NullPool

from rules.errors import ClaimcheckError
from rules.model import Verdict
from service.figures import rule_of

KINDS = ("article", "checks")
VERDICTS = tuple(verdict.value for verdict in Verdict)
MAX_PER_PAGE = 100
MAX_TITLE = 300
MAX_DOCUMENT_BYTES = 8_000_000
BUSY_TIMEOUT_MS = 10_000
_WRITE = "claimcheck_write"
EXTENSION = "claimcheck.reports"


class InvalidReport(ClaimcheckError, ValueError):
    """A report handed to the store does not have the documented shape."""


class Base(DeclarativeBase):
    """Declarative base of the report tables; its metadata is what the migrations build."""


class Report(Base):
    """One stored report: indexed columns for listing, and the whole document as JSON."""

    __tablename__ = "reports"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    created: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    snapshot: Mapped[str | None] = mapped_column(String(80))
    claim_count: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict] = mapped_column(JSON)
    document: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (Index("ix_reports_created_seq", "created", "seq"),)


def database_url(url: str) -> str:
    """Return `url` with the psycopg 3 driver named for PostgreSQL URLs (SQLAlchemy defaults to psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite, with WAL, a busy timeout and `BEGIN IMMEDIATE` for writes."""
    url = database_url(url)
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    # No pool for SQLite: a connection is cheap to open, and none is left open for a forked worker
    # or a finished test to inherit.
    engine = create_engine(url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        # Take transaction control away from sqlite3 so the `begin` hook below decides how to BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # before WAL: switching needs a lock
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        # A write takes the write lock at once; a deferred BEGIN would fail later with SQLITE_BUSY.
        immediate = connection.get_execution_options().get(_WRITE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """Return the engine whose transactions begin as writes (`BEGIN IMMEDIATE` on SQLite)."""
    return engine.execution_options(**{_WRITE: True})


# Types `_plain` returns as they are; the walk tests these first, by exact type, because a report is
# mostly engine results that are plain already (the general isinstance checks below were a quarter of
# storing an article).
_AS_IS = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> Any:
    """Return plain JSON data that every backend stores: no NaN or infinity (None), dates as ISO text."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is dict:
        return {
            key if type(key) is str else str(key): item if type(item) in _AS_IS else _plain(item)
            for key, item in value.items()
        }
    if kind is list:
        return [item if type(item) in _AS_IS else _plain(item) for item in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _text(value: Any, field: str, limit: int | None = None, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise InvalidReport(f"{field}: is required")
        return None
    if not isinstance(value, str):
        raise InvalidReport(f"{field}: must be a string")
    return value[:limit] if limit else value


def _http_url(value: Any, field: str) -> str | None:
    url = _text(value, field, 2000)
    # Only web addresses become links: `javascript:` or `data:` URLs are dropped, not stored.
    return url if url and url.lower().startswith(("http://", "https://")) else None


def _date(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InvalidReport(f"{field}: must be a date YYYY-MM-DD") from None


def _result(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or value.get("verdict") not in VERDICTS:
        raise InvalidReport(f"{field}: must be a check result with a verdict")
    result = dict(value)
    if isinstance(result.get("rule"), str):  # Rule.to_dict() of the first engine gave its repr
        result["rule"] = rule_of(result)
    return result


def _article_claims(raw: Any, text: str | None, title: str) -> list[dict[str, Any]]:
    """Validate an article's claims: offsets into the text (or into the title, for `"in": "title"`)."""
    if not isinstance(raw, list):
        raise InvalidReport("claims: must be a list")
    claims = []
    for position, item in enumerate(raw):
        where = f"claims[{position}]"
        if not isinstance(item, Mapping):
            raise InvalidReport(f"{where}: must be an object")
        place = "title" if item.get("in") == "title" else "text"
        within = title if place == "title" else text
        start, end = item.get("start"), item.get("end")
        if within is not None and start is not None:
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(within)):
                raise InvalidReport(f"{where}: start and end must be offsets into the {place}")
        else:
            start = end = None
        quote = _text(item.get("quote"), f"{where}.quote")
        if quote is None:
            quote = within[start:end] if within is not None and start is not None else ""
        claims.append(
            {
                "quote": quote,
                "start": start,
                "end": end,
                "in": place,
                "understood": item.get("understood"),
                "claim_id": item.get("claim_id"),
                "appearance": None,
                "result": _result(item.get("result"), f"{where}.result"),
            }
        )
    order = {"title": 0, "text": 1}
    anchored = sorted(
        (c for c in claims if c["start"] is not None), key=lambda c: (order[c["in"]], c["start"], c["end"])
    )
    return anchored + [c for c in claims if c["start"] is None]


def _article_of(claim: Any) -> dict[str, Any] | None:
    """Return where a catalog claim appeared (its article), as a report stores it per claim."""
    article = claim.get("article") if isinstance(claim, Mapping) else None
    if not isinstance(article, Mapping):
        return None
    return {
        "title": _text(article.get("title"), "article.title", MAX_TITLE),
        "url": _http_url(article.get("url"), "article.url"),
        "published": _date(article.get("published"), "article.published"),
        "publisher": _text(article.get("publisher"), "article.publisher", MAX_TITLE),
    }


def _check_claims(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise InvalidReport("results: must be a list")
    claims = []
    for position, item in enumerate(raw):
        where = f"results[{position}]"
        if not isinstance(item, Mapping):
            raise InvalidReport(f"{where}: must be an object")
        # A result as POST /v1/checks answers it (with `claim` or `input` beside the verdict), or
        # wrapped as {"claim": "text", "result": {...}}.
        result = _result(item["result"] if isinstance(item.get("result"), Mapping) else item, where)
        result.pop("claim", None)
        result.pop("input", None)
        asked, given = item.get("claim"), item.get("input")
        quote = next(
            (
                text
                for text in (
                    asked.get("quote") if isinstance(asked, Mapping) else asked,
                    given.get("text") if isinstance(given, Mapping) else given,
                    item.get("text"),
                    item.get("quote"),
                )
                if isinstance(text, str) and text.strip()
            ),
            None,
        )
        claim_id = asked.get("id") if isinstance(asked, Mapping) else item.get("claim_id")
        claims.append(
            {
                "quote": quote or _describe_rule(result.get("rule")),
                "start": None,
                "end": None,
                "understood": item.get("understood"),
                "claim_id": claim_id if isinstance(claim_id, str) else None,
                "appearance": _article_of(asked),
                "result": result,
            }
        )
    return claims


def _describe_rule(rule: Any) -> str:
    """Return a readable stand-in for the claim when only its structured rule is known."""
    if isinstance(rule, Mapping):
        return ", ".join(f"{key}: {_describe_part(value)}" for key, value in rule.items())
    return str(rule or "a structured claim")


def _describe_part(value: Any) -> str:
    # A quantity reads as "700 km**2"; other nested parts as JSON, never as Python's repr.
    if isinstance(value, Mapping) and set(value) == {"value", "unit"}:
        return f"{value['value']} {value['unit']}"
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def report_document(report: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a report as handed to `create` and return the stored document (README)."""
    if not isinstance(report, Mapping):
        raise InvalidReport("a report must be an object")
    kind = report.get("kind") or ("checks" if "results" in report else "article")
    if kind not in KINDS:
        raise InvalidReport(f"kind: must be one of {', '.join(KINDS)}")
    text = _text(report.get("text"), "text")
    if kind == "article":
        title = _text(report.get("title"), "title", MAX_TITLE, required=True)
        claims = _article_claims(report.get("claims", []), text, title)
    else:
        claims = _check_claims(report.get("results", []))
        default = claims[0]["quote"] if len(claims) == 1 else f"{len(claims)} checked claims"
        title = _text(report.get("title"), "title", MAX_TITLE) or default[:MAX_TITLE]
    for number, claim in enumerate(claims, start=1):
        claim["n"] = number
    summary = {verdict: 0 for verdict in VERDICTS}
    for claim in claims:
        summary[claim["result"]["verdict"]] += 1
    snapshots = [c["result"].get("snapshot") for c in claims if c["result"].get("snapshot")]
    skipped = report.get("skipped")
    return _plain(
        {
            "kind": kind,
            "title": title,
            "published": _date(report.get("published"), "published"),
            "url": _http_url(report.get("url"), "url"),
            "publisher": _text(report.get("publisher"), "publisher", MAX_TITLE),
            "language": _text(report.get("language"), "language", 35) or "en",
            "text": text,
            "article_id": _text(report.get("article_id") or report.get("id"), "id", 200),
            "snapshot": _text(report.get("snapshot"), "snapshot", 80)
            or (snapshots[0] if snapshots else None),
            "claims": claims,
            "summary": {verdict: count for verdict, count in summary.items() if count},
            "sentences": report.get("sentences") if isinstance(report.get("sentences"), int) else None,
            "skipped": skipped if isinstance(skipped, int | list) and not isinstance(skipped, bool) else None,
        }
    )


def article_report(
    checked: Mapping[str, Any],
    *,
    text: str,
    url: str | None = None,
    publisher: str | None = None,
    language: str = "en",
) -> dict[str, Any]:
    """Return the report to store for a `check_article` answer, with the text its offsets point into."""
    return {
        **checked,
        "kind": "article",
        "article_id": checked.get("id"),
        "text": text,
        "url": checked.get("url") or url,
        "publisher": checked.get("publisher") or publisher,
        "language": checked.get("language") or language,
    }


def new_report_id() -> str:
    """Return a random, URL-safe report id (16 lowercase letters and digits)."""
    return base64.b32encode(secrets.token_bytes(10)).decode().lower()


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes: they were stored in UTC.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return _utc(moment).isoformat(timespec="seconds").replace("+00:00", "Z")


def _summary_row(row: Report) -> dict[str, Any]:
    document = row.document
    return {
        "id": row.id,
        "kind": row.kind,
        "title": row.title,
        "created": _stamp(row.created),
        "published": document.get("published"),
        "publisher": document.get("publisher"),
        "snapshot": row.snapshot,
        "claims": row.claim_count,
        "summary": dict(row.summary),
    }


class ReportStore:
    """Creates, reads, lists and deletes reports in one database."""

    def __init__(self, url: str):
        self.url = database_url(url)
        self.engine = make_engine(self.url)
        self._writer = writer(self.engine)

    def create(self, report: Mapping[str, Any]) -> str:
        """Validate and store a report; return its new id."""
        document = report_document(report)
        if len(json.dumps(document, allow_nan=False)) > MAX_DOCUMENT_BYTES:
            raise InvalidReport(f"the report is larger than {MAX_DOCUMENT_BYTES:,} bytes")
        report_id = new_report_id()
        row = Report(
            id=report_id,
            kind=document["kind"],
            title=document["title"],
            created=dt.datetime.now(dt.UTC),
            snapshot=document["snapshot"],
            claim_count=len(document["claims"]),
            summary=document["summary"],
            document=document,
        )
        with Session(self._writer) as session, session.begin():
            session.add(row)
        return report_id

    def get(self, report_id: str) -> dict[str, Any] | None:
        """Return the report with this id (its document with `id` and `created`), or None."""
        if not isinstance(report_id, str) or len(report_id) > 32:
            return None
        with Session(self.engine) as session:
            row = session.scalars(select(Report).where(Report.id == report_id)).one_or_none()
            if row is None:
                return None
            return {"id": row.id, "created": _stamp(row.created), **row.document}

    def list(self, page: int = 1, per_page: int = 20) -> dict[str, Any]:
        """Return one page of report summaries, newest first, with the page number and totals."""
        page, per_page = max(1, int(page)), min(MAX_PER_PAGE, max(1, int(per_page)))
        with Session(self.engine) as session, session.begin():
            total = session.scalar(select(func.count()).select_from(Report)) or 0
            rows = session.scalars(
                select(Report)
                .order_by(Report.created.desc(), Report.seq.desc())
                .offset((page - 1) * per_page)
                .limit(per_page)
            ).all()
            items = [_summary_row(row) for row in rows]
        return {
            "items": items,
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": max(1, math.ceil(total / per_page)),
        }

    def delete(self, report_id: str) -> bool:
        """Delete the report with this id; return whether there was one."""
        with Session(self._writer) as session, session.begin():
            row = session.scalars(select(Report).where(Report.id == report_id)).one_or_none()
            if row is None:
                return False
            session.delete(row)
        return True

    def close(self) -> None:
        """Close the store's pooled connections."""
        self.engine.dispose()


def default_database_url(instance_path: str) -> str:
    """Return the default database: a SQLite file in the app's instance folder."""
    return f"sqlite:///{os.path.join(instance_path, 'claimcheck.db')}"


def setting(app, name: str, default: Any = None) -> Any:
    """Return config `CLAIMCHECK_<name>`, or `<name>` as `from_prefixed_env("CLAIMCHECK")` leaves it."""
    value = app.config.get(f"CLAIMCHECK_{name}")
    return value if value is not None else app.config.get(name, default)


def app_database_url(app) -> str:
    """Return the app's database URL: CLAIMCHECK_DATABASE_URL, or a SQLite file in its instance folder."""
    url = setting(app, "DATABASE_URL")
    if url:
        return url
    os.makedirs(app.instance_path, exist_ok=True)
    return default_database_url(app.instance_path)


def init_app(app) -> ReportStore:
    """Open the report store named by CLAIMCHECK_DATABASE_URL, migrate it, and put it in app.extensions."""
    from service.migrations import upgrade_database

    url = app_database_url(app)
    if setting(app, "MIGRATE_ON_START", True):
        upgrade_database(url)
    store = ReportStore(url)
    app.extensions[EXTENSION] = store
    return store


def current_store() -> ReportStore:
    """Return the report store of the app handling the current request."""
    from flask import current_app

    return current_app.extensions[EXTENSION]
