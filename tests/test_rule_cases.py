"""Every rule kind's YAML pass/fail cases (tests/rule_cases/<kind>.yaml), run by one parametrised test."""

import datetime as dt
from pathlib import Path

import pytest
import yaml

from rules.engine import evaluate
from rules.kinds import KINDS
from rules.rule import load_rule

CASES_DIR = Path(__file__).parent / "rule_cases"


def _cases():
    for path in sorted(CASES_DIR.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            yield pytest.param(document["kind"], case, id=f"{path.stem}:{case['name']}")


@pytest.mark.parametrize(("kind", "case"), list(_cases()))
def test_rule_case(kind, case, test_snapshot):
    rule = load_rule({"kind": kind, **case["rule"]})
    as_of = dt.date.fromisoformat(str(case.get("as_of", "2023-09-13")))
    result = evaluate(rule, test_snapshot, as_of)
    assert result.verdict.value == case["verdict"], result.reason
    for fragment in case.get("reason_contains", []):
        assert fragment in result.reason
    if "robust" in case:
        assert result.robust is case["robust"]
    if "by_rounding" in case:
        assert result.by_rounding is case["by_rounding"]


def test_every_kind_has_a_passing_and_a_failing_case():
    seen: dict[str, set[bool]] = {}
    for param in _cases():
        kind, case = param.values
        seen.setdefault(kind, set()).add(case["verdict"] in ("accurate", "approximately_accurate"))
    assert {kind: {True, False} for kind in KINDS} == seen
