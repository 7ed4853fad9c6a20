"""The refresh HTTP client under faults: 5xx, timeouts, 429, huge and truncated bodies, redirects."""

import datetime as dt

import pytest
import requests
from responses import matchers

from service.refresh.errors import (
    PayloadTooLarge,
    RedirectRefused,
    SourceBusy,
    SourceUnavailable,
)
from service.refresh.http import Client, MiB, make_session, retry_after_seconds, user_agent

URL = "https://planet4589.org/space/gcat/tsv/tables/sites.tsv"


@pytest.fixture
def client(slept):
    """A client that records its waits and uses a fixed jitter."""
    return Client(session=make_session("ops@example.org"), sleep=slept.append, jitter=lambda: 0.5)


def get(client, **kwargs):
    return client.get(URL, source="gcat", max_bytes=kwargs.pop("max_bytes", MiB), **kwargs)


def test_a_200_answer_is_returned_with_a_descriptive_user_agent(mock, client, slept):
    mock.get(
        URL, body=b"rows\n", match=[matchers.header_matcher({"User-Agent": user_agent("ops@example.org")})]
    )
    assert get(client) == b"rows\n"
    assert "claimcheck/" in user_agent("ops@example.org")
    assert "ops@example.org" in user_agent("ops@example.org")
    assert slept == []


def test_5xx_answers_are_retried_with_exponential_backoff_and_jitter(mock, client, slept):
    mock.get(URL, status=500)
    mock.get(URL, status=502)
    mock.get(URL, status=503)
    mock.get(URL, body=b"ok\n")
    assert get(client) == b"ok\n"
    assert slept == [1.5, 2.5, 4.5]


def test_after_three_retries_the_source_is_reported_unavailable(mock, client, slept):
    for _ in range(4):
        mock.get(URL, status=500)
    with pytest.raises(SourceUnavailable, match=r"gcat: no usable answer after 4 attempts.*HTTP 500"):
        get(client)
    assert len(slept) == 3


@pytest.mark.parametrize(
    "error",
    [
        requests.exceptions.ConnectTimeout("connect timed out"),
        requests.exceptions.ReadTimeout("read timed out"),
        requests.exceptions.ConnectionError("connection refused"),
    ],
)
def test_timeouts_and_connection_errors_are_retried(mock, client, slept, error):
    mock.get(URL, body=error)
    mock.get(URL, body=b"ok\n")
    assert get(client) == b"ok\n"
    assert slept == [1.5]


def test_timeouts_every_time_end_in_a_clear_error(mock, client):
    for _ in range(4):
        mock.get(URL, body=requests.exceptions.ConnectTimeout("connect timed out"))
    with pytest.raises(SourceUnavailable, match="timed out"):
        get(client)


def test_every_request_has_connect_and_read_timeouts_and_streams(mock, client):
    mock.get(URL, body=b"ok\n")
    get(client)
    sent = mock.calls[0].request.req_kwargs
    assert sent["timeout"] == (5.0, 30.0)
    assert sent["stream"] is True


def test_429_waits_as_long_as_retry_after_says(mock, client, slept):
    mock.get(URL, status=429, headers={"Retry-After": "7"})
    mock.get(URL, body=b"ok\n")
    assert get(client) == b"ok\n"
    assert slept == [7.0]


def test_a_retry_after_longer_than_the_cap_fails_instead_of_waiting(mock, client, slept):
    mock.get(URL, status=429, headers={"Retry-After": "3600"})
    with pytest.raises(SourceBusy) as caught:
        get(client)
    assert caught.value.retry_after == 3600
    assert slept == []


def test_inside_a_request_a_long_retry_after_fails_fast_with_the_seconds(mock, slept):
    client = Client(sleep=slept.append, in_request=True)
    mock.get(URL, status=429, headers={"Retry-After": "120"})
    with pytest.raises(SourceBusy, match="try again later") as caught:
        get(client)
    assert caught.value.retry_after == 120
    assert caught.value.source == "gcat"
    assert slept == []


def test_inside_a_request_short_waits_are_still_allowed(mock, slept):
    client = Client(sleep=slept.append, in_request=True, jitter=lambda: 0.0)
    mock.get(URL, status=503, headers={"Retry-After": "2"})
    mock.get(URL, body=b"ok\n")
    assert get(client) == b"ok\n"
    assert slept == [2.0]


def test_retry_after_may_be_an_http_date():
    now = dt.datetime(2026, 11, 26, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("Thu, 26 Nov 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_a_4xx_answer_is_not_retried(mock, client, slept):
    mock.get(URL, status=404)
    with pytest.raises(SourceUnavailable, match="HTTP 404"):
        get(client)
    assert slept == []


def test_a_huge_body_is_cut_off_at_the_cap(mock, client):
    mock.get(URL, body=b"x" * (9 * MiB))
    with pytest.raises(PayloadTooLarge, match="over the 8 MiB cap; stopped reading"):
        get(client, max_bytes=8 * MiB)


def test_a_declared_length_over_the_cap_is_refused_before_reading(mock, client):
    mock.get(URL, body=b"x" * 100, headers={"Content-Length": str(65 * MiB)})
    with pytest.raises(PayloadTooLarge, match="over the 64 MiB cap"):
        get(client, max_bytes=64 * MiB)


def test_a_body_shorter_than_its_content_length_is_retried_then_reported(mock, client, slept):
    for _ in range(4):
        mock.get(URL, body=b"#Site\tCode\n", headers={"Content-Length": "5000"})
    with pytest.raises(SourceUnavailable, match="connection broken while reading"):
        get(client)
    assert len(slept) == 3


def test_a_redirect_to_another_host_is_refused(mock, client):
    mock.get(URL, status=302, headers={"Location": "https://mirror.example.net/sites.tsv"})
    with pytest.raises(RedirectRefused, match="to another host"):
        get(client)


def test_a_redirect_to_plain_http_on_the_same_host_is_refused(mock, client):
    mock.get(URL, status=301, headers={"Location": "http://planet4589.org/sites.tsv"})
    with pytest.raises(RedirectRefused, match="not an HTTPS URL"):
        get(client)


def test_a_same_host_redirect_is_followed(mock, client):
    moved = "https://planet4589.org/space/gcat/tsv/tables/sites-new.tsv"
    mock.get(URL, status=301, headers={"Location": "/space/gcat/tsv/tables/sites-new.tsv"})
    mock.get(moved, body=b"moved\n")
    assert get(client) == b"moved\n"


def test_more_than_three_redirects_are_refused(mock, client):
    for _ in range(4):
        mock.get(URL, status=302, headers={"Location": URL})
    with pytest.raises(RedirectRefused, match="more than 3 redirects"):
        get(client)


def test_hosts_outside_the_allowlist_are_never_asked(mock, client):
    with pytest.raises(RedirectRefused, match="allowed host"):
        client.get("https://example.com/launch.tsv", source="gcat", max_bytes=MiB)
