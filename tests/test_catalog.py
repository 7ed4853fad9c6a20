"""The founding article's catalog: offsets, references and verdicts against the researched ground truth."""

import pytest

from rules.model import Verdict

ARTICLE = "vostochny-summit-2023"


@pytest.fixture(scope="session")
def catalog():
    """The shipped catalog, loaded once; read-only."""
    from claims.catalog import load_catalog

    return load_catalog()


@pytest.fixture(scope="session")
def snapshot():
    """The embedded reference snapshot, loaded once; read-only."""
    from rules.reference import load_snapshot

    return load_snapshot()


def _claims():
    from claims.catalog import load_catalog

    return [pytest.param(claim_id, id=claim_id) for claim_id in load_catalog().claims]


def test_the_founding_article_has_more_than_twenty_claims(catalog):
    claims = catalog.for_article(ARTICLE)
    assert len(claims) > 20
    headline_end = catalog.articles[ARTICLE].text.index("\n", 70)
    assert any(claim.start < headline_end for claim in claims), "headline claims are encoded too"


def test_quotes_sit_at_their_offsets(catalog):
    for claim in catalog.claims.values():
        assert claim.article.text[claim.start : claim.end] == claim.quote


def test_every_referenced_fact_exists(catalog, snapshot):
    for claim in catalog.claims.values():
        params = claim.rule.params
        for field in ("fact", "base", "start", "end", "target"):
            if isinstance(params.get(field), str) and "." in params[field]:
                assert params[field] in snapshot.facts, f"{claim.id}: {params[field]}"
        for fact_id in params.get("secondary", ()):
            assert fact_id in snapshot.facts, f"{claim.id}: {fact_id}"


@pytest.mark.parametrize("claim_id", _claims())
def test_verdict_matches_the_ground_truth(catalog, snapshot, claim_id):
    claim = catalog.claim(claim_id)
    result = claim.check(snapshot)
    assert result.verdict.value == claim.ground_truth["verdict"], result.reason
    assert result.as_of == claim.article.published
    assert result.snapshot == snapshot.id
    if result.verdict is not Verdict.UNVERIFIABLE:
        assert result.computation, "a judged claim shows its arithmetic"
        for item in result.evidence:
            assert item["source"]["url"] and item["source"]["retrieved"]


def test_same_input_same_output(catalog, snapshot):
    for claim in catalog.claims.values():
        assert claim.check(snapshot).to_dict() == claim.check(snapshot).to_dict()
