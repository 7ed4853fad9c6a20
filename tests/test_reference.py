"""The reference store: validation names file and field, values are frozen, the snapshot id is a content hash."""

import dataclasses
import datetime as dt
import re
import shutil

import pytest

from rules.dates import parse_partial_date
from rules.errors import ReferenceDataError
from rules.reference import load_snapshot, snapshot_id


@pytest.fixture
def snapshot_copy(tmp_path, test_snapshot):
    target = tmp_path / "snapshot"
    shutil.copytree(test_snapshot.folder, target)
    return target


def test_values_are_preconverted_and_frozen(test_snapshot):
    naro = test_snapshot.fact("naro.area").preferred
    assert naro.base_magnitude == pytest.approx(5_494_719)
    with pytest.raises(dataclasses.FrozenInstanceError):
        naro.quote = "changed"


def test_every_value_has_provenance(test_snapshot):
    for fact in test_snapshot.facts.values():
        for value in fact.values:
            assert value.source.url.startswith("http")
            assert value.source.publisher and value.quote and value.source.retrieved


def test_snapshot_id_changes_with_content(snapshot_copy):
    before, _ = snapshot_id(snapshot_copy)
    facts = snapshot_copy / "facts.yaml"
    facts.write_text(facts.read_text().replace("551.5", "551.6"))
    after, _ = snapshot_id(snapshot_copy)
    assert before != after and before.startswith("sha256:")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'value: 551.5, unit: "km**2"',
            'value: 551.5, unit: "9**9**9 m"',
            "facts.yaml: facts.vostochny.area.values[0].quantity",
        ),
        (
            "source: kari-naro",
            "source: nowhere",
            "facts.naro.area.values[0].source: unknown source",
        ),
        ('date: "2019-04-25"', 'date: "2019-02-30"', "facts.summit_2019.date.values[0].date"),
        (
            "url: https://www.kari.re.kr/eng/contents/183",
            "url: ftp://example",
            "sources.kari-naro.url: must be an http(s) URL",
        ),
        (
            "        preferred: true\n        source: studydestiny-seoul",
            "        source: studydestiny-seoul",
            "facts.seoul.area.values: exactly one value must be marked preferred",
        ),
    ],
)
def test_malformed_data_names_file_and_field(snapshot_copy, old, new, message):
    facts = snapshot_copy / "facts.yaml"
    text = facts.read_text()
    assert old in text
    facts.write_text(text.replace(old, new, 1))
    with pytest.raises(ReferenceDataError, match=re.escape(message)):
        load_snapshot(snapshot_copy)


def test_truncated_gcat_file_is_refused(snapshot_copy):
    launches = snapshot_copy / "gcat" / "launch.tsv"
    launches.write_text(launches.read_text()[:-200])
    with pytest.raises(ReferenceDataError, match=r"gcat/launch\.tsv: row"):
        load_snapshot(snapshot_copy)


def test_values_after_as_of_are_not_usable(test_snapshot):
    borisov = test_snapshot.fact("roscosmos.head").preferred
    assert borisov.usable_at(dt.date(2023, 9, 13))
    assert not borisov.usable_at(dt.date(2022, 7, 14))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2012", "2012-01-01", "2012-12-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2023-09-13", "2023-09-13", "2023-09-13"),
    ],
)
def test_partial_dates_cover_their_days(text, start, end):
    days = parse_partial_date(text)
    assert (days.start.isoformat(), days.end.isoformat(), days.label) == (start, end, text)


@pytest.mark.parametrize("text", ["2023-02-30", "10000", "2023-13", "yesterday", "2023-9-1"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_partial_date(text)
