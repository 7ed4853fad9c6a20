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
    # A claim researched as unverifiable may name a fact nobody has sourced: that is why it is unverifiable.
    for claim in catalog.claims.values():
        if claim.ground_truth.get("verdict") == "unverifiable":
            continue
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
    # Where the engine and the compilation differ, the claims file says so and why (README, "Catalog").
    expected = claim.ground_truth.get("engine_verdict", claim.ground_truth["verdict"])
    assert result.verdict.value == expected, result.reason
    assert result.as_of == claim.article.published
    assert result.snapshot == snapshot.id
    if result.verdict is not Verdict.UNVERIFIABLE:
        assert result.computation, "a judged claim shows its arithmetic"
        for item in result.evidence:
            assert item["source"]["url"] and item["source"]["retrieved"]


def test_same_input_same_output(catalog, snapshot):
    for claim in catalog.claims.values():
        assert claim.check(snapshot).to_dict() == claim.check(snapshot).to_dict()


def test_disagreements_with_the_ground_truth_are_explained(catalog):
    differing = [c for c in catalog.claims.values() if "engine_verdict" in c.ground_truth]
    assert len(differing) <= 3
    for claim in differing:
        assert claim.ground_truth["engine_verdict"] != claim.ground_truth["verdict"]
        assert len(claim.ground_truth.get("why", "")) > 80
