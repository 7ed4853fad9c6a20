"""The claim catalog: articles and their checkable claims, loaded from `claims/articles/*.yaml`.

Adding an article is adding data: its text file and a claims file beside it, never code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from rules.engine import evaluate
from rules.errors import CatalogError, InvalidRule, UnknownClaim
from rules.model import Result
from rules.reference import YAML_LOADER, Snapshot
from rules.rule import Rule, load_rule

VERDICTS = ("accurate", "approximately_accurate", "misleading", "inaccurate", "unverifiable")


@dataclass(frozen=True)
class Article:
    """A published article whose claims are checked."""

    id: str
    title: str
    publisher: str
    published: dt.date
    url: str | None
    language: str
    timezone: str | None
    licence: str
    text: str

    def to_dict(self, with_text: bool = False) -> dict[str, Any]:
        """Return the article's metadata (and, if asked, its text) as plain JSON data."""
        data = {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published.isoformat(),
            "url": self.url,
            "language": self.language,
            "timezone": self.timezone,
            "licence": self.licence,
        }
        return {**data, "text": self.text} if with_text else data


@dataclass(frozen=True)
class CatalogClaim:
    """One checkable claim of an article: its exact quote and offsets, its rule, and a note."""

    id: str
    article: Article
    quote: str
    start: int
    end: int
    rule: Rule
    note: str
    ground_truth: Mapping[str, str]

    def check(self, snapshot: Snapshot, as_of: dt.date | None = None) -> Result:
        """Evaluate the claim, by default as of the article's publication date."""
        return evaluate(self.rule, snapshot, as_of or self.article.published)

    def to_dict(self) -> dict[str, Any]:
        """Return the claim as plain JSON data."""
        return {
            "id": self.id,
            "article": self.article.id,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "rule": self.rule.to_dict(),
            "note": self.note,
            "ground_truth": dict(self.ground_truth),
        }


@dataclass(frozen=True)
class Catalog:
    """Every article and claim known to the service."""

    articles: Mapping[str, Article]
    claims: Mapping[str, CatalogClaim]

    def claim(self, claim_id: str) -> CatalogClaim:
        """Return the claim with this id or raise UnknownClaim."""
        try:
            return self.claims[claim_id]
        except KeyError:
            raise UnknownClaim(f"no catalog claim {claim_id!r}") from None

    def for_article(self, article_id: str | None) -> list[CatalogClaim]:
        """Return the claims of one article (all claims when `article_id` is None), in text order."""
        chosen = [c for c in self.claims.values() if article_id in (None, c.article.id)]
        return sorted(chosen, key=lambda claim: (claim.article.id, claim.start, claim.id))


def articles_folder() -> Path:
    """Return the folder of the catalog shipped inside the package."""
    return Path(str(resources.files("claims").joinpath("articles")))


def _require(document: Any, key: str, name: str, where: str, kind: type | tuple = str) -> Any:
    if not isinstance(document, dict) or document.get(key) is None:
        raise CatalogError(f"{name}: {where}.{key}: is required")
    value = document[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise CatalogError(f"{name}: {where}.{key}: has the wrong type")
    return value


def _load_article(path: Path, raw: Any) -> Article:
    name = path.name
    text_file = path.parent / _require(raw, "text_file", name, "article")
    if not text_file.is_file():
        raise CatalogError(f"{name}: article.text_file: {text_file.name} not found")
    published = _require(raw, "published", name, "article", (dt.date, str))
    try:
        published = published if isinstance(published, dt.date) else dt.date.fromisoformat(published)
    except ValueError:
        raise CatalogError(f"{name}: article.published: must be YYYY-MM-DD") from None
    return Article(
        id=_require(raw, "id", name, "article"),
        title=_require(raw, "title", name, "article"),
        publisher=_require(raw, "publisher", name, "article"),
        published=published,
        url=raw.get("url"),
        language=raw.get("language") or "en",
        timezone=raw.get("timezone"),
        licence=raw.get("licence") or "",
        text=text_file.read_text(encoding="utf-8"),
    )


def _load_claim(name: str, raw: Any, position: int, article: Article) -> CatalogClaim:
    claim_id = _require(raw, "id", name, f"claims[{position}]")
    where = f"claims.{claim_id}"
    quote = _require(raw, "quote", name, where)
    start, end = _require(raw, "start", name, where, int), _require(raw, "end", name, where, int)
    if article.text[start:end] != quote:
        raise CatalogError(f"{name}: {where}.start: the text at {start}:{end} is not the quote")
    try:
        rule = load_rule(_require(raw, "rule", name, where, dict))
    except InvalidRule as error:
        raise CatalogError(f"{name}: {where}.rule: {error}: {error.errors}") from None
    truth = raw.get("ground_truth") or {}
    if truth and truth.get("verdict") not in VERDICTS:
        raise CatalogError(f"{name}: {where}.ground_truth.verdict: must be one of {VERDICTS}")
    return CatalogClaim(
        id=claim_id,
        article=article,
        quote=quote,
        start=start,
        end=end,
        rule=rule,
        note=raw.get("note") or "",
        ground_truth=MappingProxyType(dict(truth)),
    )


def load_catalog(folder: str | Path | None = None) -> Catalog:
    """Load and validate every claims file in `folder` (default: the catalog shipped in the package)."""
    folder = Path(folder) if folder is not None else articles_folder()
    articles: dict[str, Article] = {}
    claims: dict[str, CatalogClaim] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            document = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
        except yaml.YAMLError as error:
            raise CatalogError(f"{path.name}: not valid YAML: {error}") from None
        article = _load_article(path, _require(document, "article", path.name, "document", dict))
        if article.id in articles:
            raise CatalogError(f"{path.name}: article.id: {article.id!r} is used twice")
        articles[article.id] = article
        for position, raw in enumerate(_require(document, "claims", path.name, "document", list)):
            claim = _load_claim(path.name, raw, position, article)
            if claim.id in claims:
                raise CatalogError(f"{path.name}: claims.{claim.id}: id is used twice")
            claims[claim.id] = claim
    return Catalog(articles=MappingProxyType(articles), claims=MappingProxyType(claims))
