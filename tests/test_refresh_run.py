"""Whole refreshes against mocked sources: what is written, what is kept, and the diff of verdicts."""

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import requests
import yaml
from click.testing import CliRunner
from marshmallow import Schema, fields, validate

from claims.catalog import load_catalog
from rules.kinds import KINDS
from rules.kinds.base import Kind
from rules.model import Outcome, Verdict
from rules.reference import GCAT_SOURCES, load_snapshot
from service.refresh import (
    InvalidPayload,
    RefreshError,
    RefreshInProgress,
    SourceBusy,
    SourceUnavailable,
    load_current_snapshot,
    refresh,
    store,
)
from service.refresh.command import refresh_command
from service.refresh.wikidata import API_URL

DATA = Path(__file__).parent / "data" / "refresh"
SNAPSHOT = DATA / "snapshot"
LAUNCHES = (DATA / "gcat" / "launch.tsv").read_bytes()
SITES = (DATA / "gcat" / "sites.tsv").read_bytes()
WIKIDATA = json.loads((DATA / "wikidata" / "entities.json").read_text(encoding="utf-8"))
NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
LUNA_25 = "2023-118 "


class TallyParams(Schema):
    site = fields.String(required=True)
    year = fields.Integer(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(["attempts", "failures"]))
    value = fields.Integer(required=True)


def tally(params, values, context) -> Outcome:
    """Count orbital-class launches (or failures) from a site in a year, as GCAT lists them."""
    found = [
        launch
        for launch in context.snapshot.launches
        if launch.site == params["site"]
        and launch.date.start.year == params["year"]
        and launch.orbital
        and (params["outcome"] == "attempts" or launch.failed)
    ]
    verdict = Verdict.ACCURATE if len(found) == params["value"] else Verdict.INACCURATE
    return Outcome(verdict, f"GCAT lists {len(found)} {params['outcome']}, the claim says {params['value']}.")


@pytest.fixture
def catalog(monkeypatch):
    """The test catalog (tests/data/refresh/catalog), with its test-only `launch_tally` kind."""
    monkeypatch.setitem(KINDS, "launch_tally", Kind("launch_tally", "test", TallyParams, tally, ()))
    return load_catalog(DATA / "catalog")


@pytest.fixture(autouse=True)
def embedded(monkeypatch):
    """The refresh test snapshot stands in for the package's embedded snapshot."""
    monkeypatch.setattr(store, "embedded_folder", lambda: SNAPSHOT)


@pytest.fixture
def run(tmp_path, catalog, slept):
    """Call refresh() on a fresh data directory with the test catalog and no real waiting."""

    def call(sources, **kwargs):
        kwargs.setdefault("now", NOW)
        return refresh(sources, tmp_path, catalog=catalog, sleep=slept.append, **kwargs)

    return call


def serve_gcat(mock, launches=LAUNCHES, sites=SITES):
    mock.get(GCAT_SOURCES["gcat/launch.tsv"], body=launches)
    mock.get(GCAT_SOURCES["gcat/sites.tsv"], body=sites)


def serve_wikidata(mock, body=None, **kwargs):
    mock.get(API_URL, json=body if body is not None else WIKIDATA, **kwargs)


def verdicts(report):
    return {v.claim: (v.before, v.after) for v in report.diff.verdicts}


def test_a_gcat_refresh_adds_a_launch_and_lists_the_verdict_it_changes(mock, run, tmp_path):
    serve_gcat(mock)
    report = run("gcat")
    assert report.diff.launches.added == 1 and report.diff.launches.removed == 0
    assert any(LUNA_25.strip() in example for example in report.diff.launches.examples)
    assert verdicts(report) == {"three-launches-2023": ("inaccurate", "accurate")}
    assert report.diff.claims_checked == 4
    snapshot, info = load_current_snapshot(tmp_path)
    assert snapshot.id == report.snapshot and info.folder == report.folder
    assert len(snapshot.launches) == 243
    assert (Path(report.folder) / "gcat" / "launch.tsv").read_bytes() == LAUNCHES
    assert info.meta["sources"]["gcat"]["retrieved"] == "2026-11-27T09:30:00Z"
    # GCAT's provenance in verdicts now carries the refresh date; curated sources keep theirs.
    assert snapshot.dataset_sources["gcat/launch.tsv"].retrieved == dt.date(2026, 11, 27)
    assert snapshot.sources["wikipedia-vostochny"].retrieved == dt.date(2026, 11, 26)
    assert snapshot.status(dt.date(2026, 12, 1))["age_days"] == 5


def test_a_launch_code_changed_from_os_to_of_is_shown_with_the_verdict_it_flips(mock, run):
    current = (SNAPSHOT / "gcat" / "launch.tsv").read_bytes()
    row = next(line for line in current.splitlines() if line.startswith(b"2023-091 "))
    assert b"\tOS\t" in row
    serve_gcat(mock, launches=current.replace(row, row.replace(b"\tOS\t", b"\tOF\t")))
    report = run("gcat", dry_run=True)
    assert (report.diff.launches.added, report.diff.launches.changed) == (0, 1)
    assert report.diff.launches.examples == ("~ launch 2023-091: code OS -> OF",)
    assert verdicts(report) == {"no-failures-2023": ("accurate", "inaccurate")}
    assert "no-failures-2023: accurate -> inaccurate" in report.to_text()


def test_a_wikidata_refresh_adds_values_and_lists_the_verdict_they_make_possible(mock, run, tmp_path):
    serve_wikidata(mock)
    report = run("wikidata")
    assert verdicts(report) == {"about-6000-residents": ("unverifiable", "accurate")}
    added = {(v.fact, v.after) for v in report.diff.values if v.change == "added"}
    assert ("vostochny.area", "551.5 km²") in added
    assert ("tsiolkovsky.population", "5,892 people (as_of 2010)") in added
    assert ("vostochny.established", "2011") in added
    assert not [v for v in report.diff.values if v.change != "added"]
    snapshot, _ = load_current_snapshot(tmp_path)
    area = snapshot.fact("vostochny.area")
    assert area.preferred.source.id == "wikipedia-vostochny"
    wikidata_value = area.values[-1]
    assert wikidata_value.source.id == "wikidata-Q4115189"
    assert wikidata_value.source.licence == "CC0 1.0"
    assert "(statement Q4115189$" in wikidata_value.quote
    facts = (Path(report.folder) / "facts.yaml").read_text(encoding="utf-8")
    assert facts.startswith("# A small curated snapshot for the refresh tests")
    assert "retrieved: '2026-11-27T09:30:00Z'" in facts
    # GCAT was not fetched, so its files are the ones of the snapshot in use.
    assert (Path(report.folder) / "gcat" / "launch.tsv").read_bytes() == (
        SNAPSHOT / "gcat" / "launch.tsv"
    ).read_bytes()


def test_a_later_gcat_refresh_keeps_the_wikidata_values(mock, run, tmp_path):
    serve_wikidata(mock)
    run("wikidata")
    serve_gcat(mock)
    report = run("gcat", now=NOW + dt.timedelta(days=1))
    assert report.diff.values == ()
    snapshot, info = load_current_snapshot(tmp_path)
    assert snapshot.fact("vostochny.area").values[-1].source.id == "wikidata-Q4115189"
    assert info.meta["sources"]["wikidata"]["retrieved"] == "2026-11-27T09:30:00Z"
    assert info.meta["sources"]["gcat"]["retrieved"] == "2026-11-28T09:30:00Z"


def test_refreshing_all_fetches_both_sources_one_request_at_a_time(mock, run):
    serve_wikidata(mock)
    serve_gcat(mock)
    steps = []
    report = run("all", progress=lambda label, done, total: steps.append((label, done, total)))
    assert report.sources == ("wikidata", "gcat")
    assert [label for label, _, _ in steps] == [
        "wikidata batch 1",
        "gcat launch.tsv",
        "gcat sites.tsv",
        "validate the new snapshot",
        "compare catalog verdicts",
        "write the snapshot",
        "done",
    ]
    assert [done for _, done, _ in steps] == [0, 1, 2, 3, 4, 5, 6]
    assert {total for _, _, total in steps} == {6}
    assert set(verdicts(report)) == {"three-launches-2023", "about-6000-residents"}


def test_a_dry_run_fetches_and_diffs_but_writes_nothing(mock, run, tmp_path):
    serve_gcat(mock)
    report = run("gcat", dry_run=True)
    assert report.folder is None and report.dry_run
    assert verdicts(report) == {"three-launches-2023": ("inaccurate", "accurate")}
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "launches",
    [
        b"<html><body>Bad gateway</body></html>\n",
        LAUNCHES[: len(LAUNCHES) // 2],
        b"".join(LAUNCHES.splitlines(keepends=True)[:150]),
    ],
)
def test_a_bad_payload_replaces_nothing_and_the_old_data_stays_in_service(mock, run, tmp_path, launches):
    serve_gcat(mock)
    first = run("gcat")
    mock.get(GCAT_SOURCES["gcat/launch.tsv"], body=launches)
    with pytest.raises(InvalidPayload, match=r"^gcat gcat/launch.tsv: .*nothing was replaced$"):
        run("gcat", now=NOW + dt.timedelta(days=1))
    snapshot, info = load_current_snapshot(tmp_path)
    assert snapshot.id == first.snapshot and not info.fell_back
    assert len(list((tmp_path / "snapshots").iterdir())) == 1
    assert info.last_attempt["ok"] is False and "gcat/launch.tsv" in info.last_attempt["error"]


def test_a_source_that_is_down_leaves_the_last_good_data_in_service(mock, run, tmp_path, slept):
    for _ in range(4):
        mock.get(GCAT_SOURCES["gcat/launch.tsv"], status=503)
    with pytest.raises(SourceUnavailable, match="gcat: no usable answer after 4 attempts"):
        run("gcat")
    assert len(slept) == 3
    snapshot, info = load_current_snapshot(tmp_path)
    assert info.origin == "embedded" and info.last_attempt["ok"] is False
    assert snapshot.id == load_snapshot(SNAPSHOT).id


def test_a_timeout_during_a_wikidata_refresh_is_retried(mock, run):
    mock.get(API_URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
    serve_wikidata(mock)
    assert run("wikidata").diff.verdicts


def test_inside_a_request_a_long_retry_after_fails_fast(mock, run, slept):
    mock.get(API_URL, status=429, headers={"Retry-After": "300"})
    with pytest.raises(SourceBusy) as caught:
        run("wikidata", in_request=True)
    assert caught.value.retry_after == 300 and slept == []


def test_a_refresh_while_another_holds_the_lock_is_refused(run, tmp_path):
    with store.lock(tmp_path), pytest.raises(RefreshInProgress):
        run("gcat")


def test_an_unknown_source_is_refused(run):
    with pytest.raises(ValueError, match="unknown source"):
        run("dbpedia")


def test_the_command_shows_progress_and_prints_the_diff(mock, tmp_path, catalog):
    args = ["--source", "gcat", "--catalog-dir", str(DATA / "catalog")]
    serve_gcat(mock)
    result = CliRunner().invoke(refresh_command, args, env={"CLAIMCHECK_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "refreshed gcat: snapshot sha256:" in result.output
    assert "launch rows: +1 -0 ~0" in result.output
    assert "three-launches-2023: inaccurate -> accurate" in result.output
    assert load_current_snapshot(tmp_path)[1].origin == "data_dir"


def test_the_command_reports_a_failure_and_exits_non_zero(mock, tmp_path, monkeypatch):
    monkeypatch.setattr("service.refresh.http.time.sleep", lambda seconds: None)
    mock.get(GCAT_SOURCES["gcat/launch.tsv"], body=b"<!doctype html>\n")
    result = CliRunner().invoke(
        refresh_command, ["--source", "gcat", "--dry-run", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "Error: gcat gcat/launch.tsv: looks like an HTML page" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_report_is_plain_json(mock, run):
    serve_gcat(mock)
    data = json.loads(json.dumps(run("gcat", dry_run=True).to_dict()))
    assert data["diff"]["launches"]["added"] == 1
    assert data["previous"]["origin"] == "embedded"
    assert yaml.safe_load(yaml.safe_dump(data)) == data


def test_the_status_says_when_the_package_has_newer_curated_facts(mock, run, tmp_path, monkeypatch):
    serve_gcat(mock)
    run("gcat")
    assert load_current_snapshot(tmp_path)[1].curated_outdated is False
    newer = tmp_path / "newer-package"
    shutil.copytree(SNAPSHOT, newer)
    with open(newer / "facts.yaml", "a", encoding="utf-8") as handle:
        handle.write("# a curated correction\n")
    monkeypatch.setattr(store, "embedded_folder", lambda: newer)
    assert load_current_snapshot(tmp_path)[1].to_dict()["curated_outdated"] is True


def test_a_failed_write_is_a_refresh_error_and_leaves_nothing_behind(mock, run, tmp_path, monkeypatch):
    def disk_full(*args):
        raise OSError(28, "No space left on device")

    serve_gcat(mock)
    monkeypatch.setattr(store, "atomic_write", disk_full)
    monkeypatch.setattr(store, "record_attempt", lambda data_dir, attempt: None)
    with pytest.raises(RefreshError, match=r"could not write the snapshot .* No space left on device"):
        run("gcat")
    assert list((tmp_path / "snapshots").iterdir()) == []
    assert load_current_snapshot(tmp_path)[1].origin == "embedded"
