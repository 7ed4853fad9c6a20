"""The report store on SQLite, and on PostgreSQL when CLAIMCHECK_TEST_POSTGRES_URL names a server.

Start one with `export CLAIMCHECK_TEST_POSTGRES_URL="$(bash .ci/postgres.sh)"` (as root).
"""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import event, text

from service.migrations import alembic_config, db_upgrade_command, upgrade_database
from service.reports import InvalidReport, ReportStore, database_url, make_engine

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("CLAIMCHECK_TEST_POSTGRES_URL")
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        # In CI a missing server is a failure, not a skip: .ci/run starts one.
        marks=pytest.mark.skipif(
            not POSTGRES_URL and not os.environ.get("CI"),
            reason="CLAIMCHECK_TEST_POSTGRES_URL is not set; as root run "
            'export CLAIMCHECK_TEST_POSTGRES_URL="$(bash .ci/postgres.sh)" to test on PostgreSQL',
        ),
    ),
]


def _result(verdict="accurate", **extra):
    return {
        "verdict": verdict,
        "reason": "because",
        "rule": {"kind": "quantity", "fact": "vostochny.area"},
        "computation": [{"label": "ratio", "expression": "1 / 1", "result": "1×"}],
        "bounds": {"claimed": {"low": 1.0, "high": None, "unit": "km²"}, "reference": None},
        "evidence": [],
        "robust": True,
        "sensitivity": [],
        "as_of": "2023-09-13",
        "snapshot": "sha256:0123456789abcdef",
        **extra,
    }


def _article(title="An article", claims=None):
    text = "The site covers more than 550 square kilometers. It opened in 2016."
    first, second = text.index("more than"), text.index("opened")
    claims = (
        claims
        if claims is not None
        else [
            {
                "start": first,
                "end": first + 31,
                "quote": text[first : first + 31],
                "understood": "quantity",
                "result": _result(),
            },
            {
                "start": second,
                "end": second + 14,
                "quote": text[second : second + 14],
                "understood": "date",
                "result": _result("inaccurate"),
            },
        ]
    )
    return {
        "id": "an-article",
        "title": title,
        "published": "2023-09-13",
        "text": text,
        "url": "https://news.example.com/a",
        "publisher": "Example News",
        "claims": claims,
    }


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'reports.db'}"
    else:
        url = POSTGRES_URL
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS reports")
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        engine.dispose()
    upgrade_database(url)
    return url


@pytest.fixture
def store(url):
    store = ReportStore(url)
    yield store
    store.close()


def test_round_trip_of_an_article_report(store):
    report_id = store.create({**_article(), "sentences": 2, "skipped": 0})
    report = store.get(report_id)
    assert report["id"] == report_id and report["kind"] == "article"
    assert report["sentences"] == 2 and report["skipped"] == 0
    assert report["created"].endswith("Z")
    assert dt.datetime.fromisoformat(report["created"]).tzinfo is not None
    assert report["title"] == "An article" and report["published"] == "2023-09-13"
    assert report["url"] == "https://news.example.com/a" and report["publisher"] == "Example News"
    assert [claim["n"] for claim in report["claims"]] == [1, 2]
    assert report["claims"][0]["quote"] == "more than 550 square kilometers"
    assert report["claims"][0]["result"] == _result()
    assert report["summary"] == {"accurate": 1, "inaccurate": 1}
    assert report["snapshot"] == "sha256:0123456789abcdef"
    assert report["article_id"] == "an-article"


def test_a_structured_rule_reads_as_its_fields_when_it_has_no_quote(store):
    rule = {
        "kind": "ratio",
        "fact": "vostochny.area",
        "value": {"value": 551.5, "unit": "km**2"},
        "secondary": ["naro.area"],
    }
    report = store.get(store.create({"kind": "checks", "results": [_result(rule=rule)]}))
    assert report["claims"][0]["quote"] == (
        'kind: ratio, fact: vostochny.area, value: 551.5 km**2, secondary: ["naro.area"]'
    )


def test_round_trip_of_checks_results(store):
    results = [
        {
            **_result(),
            "claim": {
                "id": "c1",
                "quote": "A quote",
                "article": {
                    "title": "T",
                    "published": "2023-09-13",
                    "url": "https://x.example/",
                    "publisher": "P",
                },
            },
        },
        {**_result("unverifiable"), "input": {"text": "Free text claim"}},
        {"claim": "Wrapped claim", "result": _result("misleading")},
    ]
    report = store.get(store.create({"kind": "checks", "results": results}))
    assert report["kind"] == "checks" and report["text"] is None
    assert [c["quote"] for c in report["claims"]] == ["A quote", "Free text claim", "Wrapped claim"]
    assert report["claims"][0]["claim_id"] == "c1"
    assert report["claims"][0]["appearance"]["publisher"] == "P"
    assert "claim" not in report["claims"][0]["result"] and "input" not in report["claims"][1]["result"]
    assert report["title"] == "3 checked claims"
    assert report["summary"] == {"accurate": 1, "unverifiable": 1, "misleading": 1}


def test_a_rule_stored_as_its_python_repr_becomes_a_mapping(store):
    result = _result(rule="{'kind': 'ratio', 'fact': 'a.area', 'base': 'b.area', 'factor': 110}")
    report = store.get(store.create({"kind": "checks", "results": [result]}))
    assert report["claims"][0]["result"]["rule"] == {
        "kind": "ratio",
        "fact": "a.area",
        "base": "b.area",
        "factor": 110,
    }


def test_unsafe_urls_and_non_finite_numbers_are_not_stored(store):
    report = _article()
    report["url"] = "javascript:alert(1)"
    report["claims"][0]["result"]["bounds"]["claimed"]["low"] = float("inf")
    report["claims"][0]["understood"] = {"date": dt.date(2023, 8, 11), "span": (1, 2)}
    stored = store.get(store.create(report))
    assert stored["url"] is None
    assert stored["claims"][0]["result"]["bounds"]["claimed"]["low"] is None
    assert stored["claims"][0]["understood"] == {"date": "2023-08-11", "span": [1, 2]}


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ({"kind": "other"}, "kind"),
        ({"kind": "article", "claims": []}, "title"),
        (_article(claims=[{"start": 0, "end": 999, "result": _result()}]), "offsets"),
        (_article(claims=[{"start": 0, "end": 3, "result": {"verdict": "true"}}]), "verdict"),
        ({"kind": "checks", "results": "x"}, "results"),
        ({**_article(), "published": "13/09/2023"}, "published"),
    ],
)
def test_malformed_reports_are_refused(store, report, message):
    with pytest.raises(InvalidReport, match=message):
        store.create(report)


def test_claims_in_the_title_point_into_the_title_and_come_first(store):
    title_claim = {"in": "title", "start": 0, "end": 7, "result": _result("misleading")}
    report = store.get(store.create(_article(title="Huge base", claims=[*_article()["claims"], title_claim])))
    assert [(c["in"], c["quote"], c["n"]) for c in report["claims"]][:2] == [
        ("title", "Huge ba", 1),
        ("text", "more than 550 square kilometers", 2),
    ]
    with pytest.raises(InvalidReport, match="offsets into the title"):
        store.create(
            _article(title="Short", claims=[{"in": "title", "start": 0, "end": 40, "result": _result()}])
        )


def test_missing_reports_are_none_and_delete_says_whether_it_deleted(store):
    report_id = store.create(_article())
    assert store.get("nope") is None and store.get("x" * 500) is None
    assert store.delete(report_id) is True
    assert store.get(report_id) is None
    assert store.delete(report_id) is False


def test_pagination_is_newest_first(store):
    ids = [store.create(_article(title=f"Report {n}")) for n in range(7)]
    first = store.list(page=1, per_page=3)
    assert first["total"] == 7 and first["pages"] == 3 and first["page"] == 1
    assert [item["id"] for item in first["items"]] == ids[::-1][:3]
    assert [item["id"] for item in store.list(page=3, per_page=3)["items"]] == ids[:1]
    assert store.list(page=4, per_page=3)["items"] == []
    item = first["items"][0]
    assert item["title"] == "Report 6" and item["claims"] == 2
    assert item["summary"] == {"accurate": 1, "inaccurate": 1}
    assert set(item) == {
        "id",
        "kind",
        "title",
        "created",
        "published",
        "publisher",
        "snapshot",
        "claims",
        "summary",
    }
    assert store.list(per_page=10_000)["per_page"] == 100


def test_migrations_are_idempotent_and_reversible(url):
    assert upgrade_database(url) == "0001"
    assert upgrade_database(url) == "0001"
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(database_url(url))
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        with engine.connect() as connection:
            tables = connection.dialect.get_table_names(connection)
        assert "reports" not in tables
    finally:
        engine.dispose()
    assert upgrade_database(url) == "0001"
    store = ReportStore(url)
    assert store.get(store.create(_article())) is not None
    store.close()


def test_head_revision_is_the_newest_migration():
    from alembic.script import ScriptDirectory

    from service.migrations import HEAD_REVISION, HERE

    assert ScriptDirectory(str(HERE)).get_current_head() == HEAD_REVISION


def test_a_database_at_head_is_opened_without_importing_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'reports.db'}"
    code = (
        "import sys; from service.migrations import upgrade_database; "
        f"first = upgrade_database({url!r}); "
        "assert 'alembic' in sys.modules; "
        "[sys.modules.pop(name) for name in list(sys.modules) if name.split('.')[0] == 'alembic']; "
        f"again = upgrade_database({url!r}); "
        "print(first, again, 'alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0001", "0001", "False"]


def test_the_cli_command_migrates(url):
    result = CliRunner().invoke(db_upgrade_command, ["--database-url", url])
    assert result.exit_code == 0, result.output
    assert "at revision 0001" in result.output
    assert "claimcheck:claimcheck@" not in result.output  # the password is hidden


def test_sqlite_connections_use_wal_a_busy_timeout_and_begin_immediate_for_writes(tmp_path):
    url = f"sqlite:///{tmp_path / 'reports.db'}"
    upgrade_database(url)
    store = ReportStore(url)
    statements = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    statements.clear()
    report_id = store.create(_article())
    assert statements[0] == "BEGIN IMMEDIATE"
    statements.clear()
    store.get(report_id)
    store.list()
    assert "BEGIN IMMEDIATE" not in statements
    store.close()


WRITER = """
import sys, time
from pathlib import Path
from service.reports import ReportStore
url, count, ready, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
store = ReportStore(url)
ready.touch()
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.005)
text = "It covers more than 550 square kilometers."
for n in range(count):
    store.create({"kind": "article", "title": f"{ready.name} {n}", "text": text, "claims": [
        {"start": 10, "end": 41, "result": {"verdict": "accurate", "reason": "r"}}]})
store.close()
"""


def test_several_processes_writing_at_once_lose_nothing(url, tmp_path):
    processes, workers, each = [], 4, 50
    go = tmp_path / "go"
    for n in range(workers):
        ready = tmp_path / f"worker-{n}"
        processes.append(
            subprocess.Popen(
                [sys.executable, "-c", WRITER, url, str(each), str(ready), str(go)],
                cwd=ROOT,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"worker-{n}").exists() for n in range(workers)):
        assert time.monotonic() < deadline, "the writers did not start"
        assert all(p.poll() is None for p in processes), [p.stderr.read() for p in processes]
        time.sleep(0.01)
    go.touch()  # all at once
    for process in processes:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
    store = ReportStore(url)
    listing = store.list(per_page=100)
    assert listing["total"] == workers * each
    titles = {
        item["title"]
        for page in range(1, listing["pages"] + 1)
        for item in store.list(page=page, per_page=100)["items"]
    }
    assert titles == {f"worker-{n} {i}" for n in range(workers) for i in range(each)}
    store.close()
