"""The free-text claim parser: every case of tests/parser_cases.yaml, run by one parametrised test."""

import datetime as dt
import math
from pathlib import Path

import pytest
import yaml

from claims.numbers import parse_number
from claims.parser import ParseContext, check_text, parse_sentence
from claims.sentences import split_sentences
from rules.reference import load_snapshot
from rules.units import parse_unit

CASES_FILE = Path(__file__).parent / "parser_cases.yaml"
DOCUMENT = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
# Which rule field a case's `value` means, by rule kind.
VALUE_FIELD = {"ratio": "factor", "anniversary": "ordinal", "count": "value", "share": "value"}


@pytest.fixture(scope="session")
def snapshot():
    """The embedded reference snapshot (rules/data), loaded once; read-only."""
    return load_snapshot()


def _context(case) -> tuple[ParseContext, dt.date]:
    settings = {**DOCUMENT["defaults"], **case}
    published = dt.date.fromisoformat(settings["published"])
    return ParseContext(
        published=published,
        main_entity=settings.get("main_entity"),
        recent=tuple(settings.get("recent") or ()),
    ), published


def _value(rule) -> float | None:
    kind = rule.get("kind")
    if kind == "quantity":
        return rule["value"]["value"]
    return rule.get(VALUE_FIELD.get(kind, ""))


def _mismatches(expected, claim, result) -> list[str]:
    """Return the keys on which a parsed claim differs from an expected one."""
    rule = dict(claim.rule)
    wrong = []
    for key, want in expected.items():
        if key == "verdict":
            got = result.verdict.value
        elif key == "value":
            got = _value(rule)
            if got is not None and math.isclose(got, want, rel_tol=1e-4):
                continue
        elif key == "unit":
            got = rule.get("value", {}).get("unit")
        elif key == "high":
            got = rule.get("high", {}).get("value")
        elif key == "kind":
            got = claim.kind
        elif key == "negated":
            got = claim.negated
        elif key in ("quote", "problem", "reason"):
            text = {"quote": claim.quote, "problem": claim.problem, "reason": result.reason}[key]
            if want in text:
                continue
            got = text
        else:
            got = rule.get(key)
        if got != want:
            wrong.append(f"{key}: {got!r} != {want!r}")
    return wrong


def _cases():
    for case in DOCUMENT["cases"]:
        yield pytest.param(case, id=case["name"])


@pytest.mark.parametrize("case", list(_cases()))
def test_parser_case(case, snapshot):
    context, as_of = _context(case)
    found = check_text(case["sentence"], snapshot, as_of, context)
    shown = [(c.quote, c.kind, dict(c.rule) or c.problem, r.verdict.value) for c, r in found]
    for expected in case["claims"]:
        misses = [_mismatches(expected, claim, result) for claim, result in found]
        assert any(not miss for miss in misses), (
            f"{expected} not found; closest: {min(misses, key=len)}; got {shown}"
        )
    if "count" in case:
        assert len(found) == case["count"], shown


def test_there_are_at_least_eighty_cases_covering_every_rule_kind():
    kinds = {claim.get("kind") for case in DOCUMENT["cases"] for claim in case["claims"]}
    assert len(DOCUMENT["cases"]) >= 80
    assert {
        "quantity",
        "ratio",
        "interval",
        "date",
        "anniversary",
        "count",
        "share",
        "role",
        "location",
        "attribution",
    } <= kinds


def test_every_compiled_rule_names_a_checked_unit(snapshot):
    context, _ = _context({})
    for case in DOCUMENT["cases"]:
        for claim in parse_sentence(case["sentence"], snapshot, context):
            unit = claim.rule.get("value", {}).get("unit") if claim.kind == "quantity" else None
            if unit:
                parse_unit(unit)


def test_the_understood_part_shows_entity_property_relation_and_span(snapshot):
    context, as_of = _context({})
    [(claim, result)] = check_text(
        "The site covers more than 550 square kilometers.", snapshot, as_of, context
    )
    understood = claim.understood
    assert (understood["entity"], understood["property"], understood["relation"]) == (
        "vostochny",
        "area",
        "more_than",
    )
    assert (understood["value"], understood["unit"], understood["hedge"]) == (550, "km**2", "more than")
    assert understood["span"] == [claim.start, claim.end] and understood["negated"] is False
    assert claim.to_dict()["rule"] == result.rule


def test_an_unparseable_sentence_is_one_unverifiable_result_with_the_reason(snapshot):
    [(_, result)] = check_text("Nothing here is a claim.", snapshot, dt.date(2023, 9, 13))
    assert result.verdict.value == "unverifiable" and "no checkable claim" in result.reason
    assert result.snapshot == snapshot.id and result.as_of == dt.date(2023, 9, 13)


def test_several_sentences_keep_their_offsets(snapshot):
    text = "Vostochny covers 550 km². Naro covers about 5 km²."
    found = check_text(text, snapshot, dt.date(2023, 9, 13))
    assert [text[c.offset + c.start : c.offset + c.end] for c, _ in found] == [
        "Vostochny covers 550 km²",
        "Naro covers about 5 km²",
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("550", 550),
        ("55,000", 55000),
        ("5.5 million", 5.5e6),
        ("seventy-five", 75),
        ("one hundred and ten", 110),
        ("a quarter", 0.25),
        ("two thirds", 2 / 3),
        ("half", 0.5),
        ("75th", 75),
        ("second", 2),
        ("twice", 2),
        ("2bn", 2e9),
        ("a hundred", 100),
    ],
)
def test_number_words(text, value):
    assert math.isclose(parse_number(text), value)


def test_sentences_keep_abbreviations_and_headlines():
    text = 'Meeting After 4 Years... "Broad Talks"\nThey met at 1 p.m. at the site. Mr. Kim left.'
    pieces = [s.text for s in split_sentences(text)]
    assert pieces == [
        "Meeting After 4 Years...",
        '"Broad Talks"',
        "They met at 1 p.m. at the site.",
        "Mr. Kim left.",
    ]
