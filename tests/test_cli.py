"""The `claimcheck` command: the same verdicts as the API, as readable text or JSON."""

import json

from service.cli import main

RULE = (
    '{"kind": "quantity", "fact": "vostochny.area", "relation": "less_than", '
    '"value": {"value": 500, "unit": "km**2"}}'
)


def test_check_catalog_claim_prints_verdict_and_evidence(runner):
    result = runner.invoke(main, ["check", "--claim-id", "area-less-than-500"])
    assert result.exit_code == 0, result.output
    assert "Claim area-less-than-500" in result.output
    assert "Verdict: inaccurate (Inaccurate, 1 of 5)" in result.output
    assert "Wikipedia, https://en.wikipedia.org/wiki/Vostochny_Cosmodrome, retrieved 2026-11-26" in (
        result.output
    )
    assert "As of 2023-09-13" in result.output


def test_check_rule_as_json(runner, client):
    result = runner.invoke(main, ["check", "--rule", RULE, "--as-of", "2023-09-13", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    api = client.post(
        "/v1/checks", json={"claims": [{"rule": json.loads(RULE)}], "as_of": "2023-09-13"}
    ).get_json()["results"][0]
    assert printed == api


def test_check_text_is_parsed_and_judged(runner):
    result = runner.invoke(main, ["check", "--text", "Vostochny covers less than 500 square kilometers."])
    assert result.exit_code == 0, result.output
    assert "Verdict: inaccurate" in result.output
    assert "Wikipedia" in result.output


def test_check_needs_exactly_one_input(runner):
    assert runner.invoke(main, ["check"]).exit_code == 2
    both = runner.invoke(main, ["check", "--claim-id", "x", "--text", "y"])
    assert both.exit_code == 2
    assert "exactly one" in both.output


def test_check_refuses_bad_input(runner):
    unknown = runner.invoke(main, ["check", "--claim-id", "no-such-claim"])
    assert unknown.exit_code == 1
    assert "no-such-claim" in unknown.output
    tower = runner.invoke(main, ["check", "--rule", RULE.replace("km**2", "9**9**9 m")])
    assert tower.exit_code == 2
    assert "/value/unit" in tower.output
    nan = runner.invoke(main, ["check", "--rule", RULE.replace("500", "NaN")])
    assert nan.exit_code == 2
    assert "not valid JSON" in nan.output
    bad_date = runner.invoke(main, ["check", "--claim-id", "area-less-than-500", "--as-of", "2023-02-30"])
    assert bad_date.exit_code == 2


def test_catalog_lists_articles_and_claims(runner):
    result = runner.invoke(main, ["catalog"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("test-cosmodrome: Test article")
    assert len(lines) == 5
    assert "hundred-times-naro" in lines[2]


def test_catalog_as_json(runner):
    result = runner.invoke(main, ["catalog", "--article", "test-cosmodrome", "--json"])
    assert result.exit_code == 0, result.output
    claims = json.loads(result.output)
    assert [claim["id"] for claim in claims][:2] == ["area-more-than-550", "hundred-times-naro"]
