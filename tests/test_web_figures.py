"""The pictures of a result: geometry for numbers on a scale and for dates on a timeline."""

import pytest

from service.figures import WIDTH, figure, parse_value, rule_of


def _source(publisher, used=True):
    return {"publisher": publisher, "url": "https://example.org/", "retrieved": "2026-01-01"}


def _value(fact, value, publisher, used=True):
    return {"fact": fact, "value": value, "source": _source(publisher), "used_in_verdict": used}


def test_a_quantity_is_drawn_against_each_source():
    result = {
        "rule": {"kind": "quantity", "fact": "a.area", "relation": "more_than"},
        "bounds": {
            "claimed": {"low": 550, "high": None, "unit": "km²"},
            "reference": {"low": 551.5, "high": 700, "unit": "km²"},
        },
        "evidence": [
            _value("a.area", "551.5 km²", "Wikipedia"),
            _value("a.area", "about 700,000,000 m²", "Roscosmos", used=False),
        ],
    }
    drawn = figure(result)
    assert drawn.kind == "scale" and drawn.unit == "km²"
    claimed, first, second = drawn.rows
    assert claimed.label == "Claimed · more than 550 km²" and claimed.band.open_right
    assert first.label == "551.5 km² · Wikipedia" and first.used
    assert second.label == "about 700,000,000 m² · Roscosmos" and not second.used
    assert claimed.band.x1 <= first.points[0] < second.points[0] <= WIDTH  # 700,000,000 m² is 700 km²
    assert drawn.guides == (claimed.band.x1,)
    assert [label for _, label in drawn.ticks] == ["550", "600", "650", "700"]


def test_a_ratio_is_drawn_for_every_pair_of_sources():
    result = {
        "rule": "{'kind': 'ratio', 'fact': 'a.area', 'base': 'b.area', 'relation': 'about', 'factor': 1}",
        "bounds": {
            "claimed": {"low": 0.9, "high": 1.1, "unit": "×"},
            "reference": {"low": 0.5, "high": 2, "unit": "×"},
        },
        "evidence": [
            _value("a.area", "10 km²", "A"),
            _value("a.area", "20 km²", "B", used=False),
            _value("b.area", "10,000,000 m²", "C"),
            _value("b.area", "20 km²", "D", used=False),
        ],
    }
    rows = figure(result).rows
    assert [row.label for row in rows[1:]] == ["1× · A ÷ C", "0.5× · A ÷ D", "2× · B ÷ C", "1× · B ÷ D"]
    assert rows[1].used and not any(row.used for row in rows[2:])


def test_an_interval_is_a_timeline_from_its_start():
    result = {
        "rule": {"kind": "interval", "start": "s.date", "end": "e.date"},
        "computation": [{"label": "start", "expression": "s.date", "result": "2019-04-25"}],
        "bounds": {"claimed": {"low": 1614, "high": 1643, "unit": "days"}, "reference": None},
        "evidence": [_value("s.date", "2019-04-25", "CNN"), _value("e.date", "2023-09-13", "TASS")],
    }
    drawn = figure(result)
    assert drawn.kind == "timeline"
    claimed, reference = drawn.rows
    assert claimed.label == "Claimed · ending 2023-09-25 to 2023-10-24"
    assert reference.label == "Reference · 2019-04-25 to 2023-09-13 (CNN, TASS)"
    assert claimed.stem[0] == reference.stem[0] == reference.points[0]
    assert reference.stem[1] == reference.points[1] < claimed.band.x1
    assert [label for _, label in drawn.ticks] == ["2019", "2020", "2021", "2022", "2023", "2024"]


def test_a_date_is_a_timeline_of_days():
    result = {
        "rule": {"kind": "date", "fact": "l.launch"},
        "bounds": {"claimed": {"low": "2023-08-11", "high": "2023-08-11", "unit": ""}, "reference": None},
        "evidence": [_value("l.launch", "2023-08-10T23:10:57+00:00", "Interfax")],
    }
    drawn = figure(result)
    assert drawn.kind == "timeline" and drawn.rows[0].label == "Claimed · 2023-08-11"
    assert drawn.rows[1].label == "2023-08-10 · Interfax"
    assert drawn.rows[1].points[0] < drawn.rows[0].band.x1


@pytest.mark.parametrize(
    "result",
    [
        {"verdict": "unverifiable", "rule": {}, "bounds": {"claimed": None, "reference": None}},
        {"rule": {"kind": "role"}, "bounds": {"claimed": {"low": "Yuri", "high": "Yuri", "unit": ""}}},
        {
            "rule": {"kind": "quantity"},
            "bounds": {"claimed": {"low": float("nan"), "high": None, "unit": "m"}},
        },
        {"rule": {"kind": "interval"}, "bounds": {"claimed": {"low": 10, "high": 20, "unit": "days"}}},
    ],
)
def test_no_picture_when_it_would_not_help_or_there_is_no_data(result):
    assert figure(result) is None


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("551.5 km²", "km²", 551.5),
        ("about 700 km²", "km**2", 700),
        ("5.49472e+06 m²", "km²", 5.49472),
        ("1,602 days", "days", 1602),
        ("5,494,719 m²", "", 5494719),
        ("2**2**2**2 m", "m", None),
        ("12 parsecs of nonsense words here", "m", None),
        ("3 m", "s", None),
        ("", "m", None),
    ],
)
def test_parse_value_reads_displayed_values_only(text, unit, expected):
    value = parse_value(text, unit)
    assert value == pytest.approx(expected) if expected is not None else value is None


def test_rule_of_reads_mappings_and_python_reprs_but_never_code():
    assert rule_of({"rule": {"kind": "ratio"}}) == {"kind": "ratio"}
    assert rule_of({"rule": "{'kind': 'ratio', 'factor': 110}"}) == {"kind": "ratio", "factor": 110}
    assert rule_of({"rule": "__import__('os').system('true')"}) == {}
    assert rule_of({"rule": None}) == {}
