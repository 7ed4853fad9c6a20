"""The one way refreshes reach the network: allowlisted hosts, timeouts, bounded retries, size caps.

Redirects are followed by hand and only on the same host over HTTPS, so an answer can never come
from a host we did not choose. Waiting is done through an injectable `sleep`, so tests never wait.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from service.refresh.errors import (
    PayloadTooLarge,
    RedirectRefused,
    RefreshError,
    SourceBusy,
    SourceUnavailable,
)

ALLOWED_HOSTS = frozenset({"www.wikidata.org", "planet4589.org"})
MiB = 1024 * 1024
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
MAX_RETRIES = 3
MAX_REDIRECTS = 3
BACKOFF_SECONDS = 1.0
# The longest single wait a refresh accepts: from the CLI, and inside an HTTP request (admin endpoint).
MAX_WAIT = 120.0
REQUEST_MAX_WAIT = 5.0
CHUNK_BYTES = 64 * 1024

# Checks a 200 answer for "try again later" signals inside the body (Wikidata's maxlag error).
LagCheck = Callable[[bytes, Mapping[str, str]], float | None]


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying after `delay` seconds (None: backoff)."""

    def __init__(self, problem: str, delay: float | None = None):
        super().__init__(problem)
        self.problem = problem
        self.delay = delay


def user_agent(contact: str | None = None) -> str:
    """Return the descriptive User-Agent Wikimedia's etiquette asks for, with the operator's contact."""
    try:
        version = metadata.version("claimcheck")
    except metadata.PackageNotFoundError:
        version = "0"
    who = contact or "contact not configured: set CLAIMCHECK_CONTACT"
    return f"claimcheck/{version} (reference-data refresh; {who}) python-requests/{requests.__version__}"


def make_session(contact: str | None = None) -> requests.Session:
    """Return the session every refresh request goes through."""
    session = requests.Session()
    session.headers["User-Agent"] = user_agent(contact)
    return session


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Return a Retry-After header (seconds or an HTTP date) as seconds from now, or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def _check_url(url: str, source: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
        raise RedirectRefused(
            f"{source}: {url} is not an HTTPS URL on an allowed host ({', '.join(sorted(ALLOWED_HOSTS))})",
            source,
        )
    return parts.hostname


@dataclass
class Client:
    """Fetches whole documents one at a time, retrying 429 and 5xx answers with backoff and jitter."""

    session: requests.Session = field(default_factory=make_session)
    sleep: Callable[[float], None] = time.sleep
    in_request: bool = False
    jitter: Callable[[], float] = random.random
    timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)

    @property
    def max_wait(self) -> float:
        """Return the longest wait allowed: short when a client is waiting on an HTTP request."""
        return REQUEST_MAX_WAIT if self.in_request else MAX_WAIT

    def get(
        self,
        url: str,
        *,
        source: str,
        max_bytes: int,
        params: Mapping[str, Any] | None = None,
        lag_check: LagCheck | None = None,
    ) -> bytes:
        """Return the body of a 200 answer for `url`, or raise a RefreshError naming `source`."""
        problem = ""
        for attempt in range(MAX_RETRIES + 1):
            try:
                return self._attempt(url, source, max_bytes, params, lag_check)
            except _Retry as retry:
                problem = retry.problem
                if attempt == MAX_RETRIES:
                    break
                delay = retry.delay
                if delay is None:
                    delay = BACKOFF_SECONDS * (2**attempt) + BACKOFF_SECONDS * self.jitter()
                if delay > self.max_wait:
                    raise SourceBusy(
                        f"{source}: asked to wait {delay:.0f} s ({problem}); try again later",
                        source,
                        retry_after=delay,
                    ) from None
                self.sleep(delay)
        raise SourceUnavailable(
            f"{source}: no usable answer after {MAX_RETRIES + 1} attempts; last problem: {problem}", source
        )

    def _attempt(self, url, source, max_bytes, params, lag_check) -> bytes:
        try:
            response = self._open(url, source, params)
        except requests.Timeout as error:
            raise _Retry(f"timed out ({type(error).__name__})") from None
        except requests.ConnectionError as error:
            raise _Retry(f"connection failed ({type(error).__name__})") from None
        with response:
            status = response.status_code
            if status == 429 or status >= 500:
                raise _Retry(f"HTTP {status}", retry_after_seconds(response.headers.get("Retry-After")))
            if status != 200:
                raise SourceUnavailable(f"{source}: HTTP {status} from {response.url}", source)
            body = self._read(response, source, max_bytes)
        if lag_check is not None:
            lag = lag_check(body, response.headers)
            if lag is not None:
                raise _Retry("the server is lagged (maxlag)", lag)
        return body

    def _open(self, url: str, source: str, params) -> requests.Response:
        host = _check_url(url, source)
        for _ in range(MAX_REDIRECTS + 1):
            response = self.session.get(
                url, params=params, timeout=self.timeout, stream=True, allow_redirects=False
            )
            if not response.is_redirect:
                return response
            target = urljoin(response.url, response.headers["Location"])
            response.close()
            if urlsplit(target).hostname != host:
                raise RedirectRefused(
                    f"{source}: refused a redirect from {host} to another host ({urlsplit(target).hostname})",
                    source,
                )
            _check_url(target, source)
            url, params = target, None
        raise RedirectRefused(f"{source}: more than {MAX_REDIRECTS} redirects", source)

    @staticmethod
    def _read(response: requests.Response, source: str, max_bytes: int) -> bytes:
        limit = f"{max_bytes / MiB:g} MiB"
        declared = response.headers.get("Content-Length", "")
        encoded = response.headers.get("Content-Encoding", "identity") != "identity"
        if declared.isdigit() and not encoded and int(declared) > max_bytes:
            raise PayloadTooLarge(f"{source}: response of {declared} bytes is over the {limit} cap", source)
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(
                        f"{source}: response is over the {limit} cap; stopped reading", source
                    )
                chunks.append(chunk)
        except (
            requests.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
            requests.Timeout,
        ) as error:
            # urllib3 also lands here when a body ends before its Content-Length.
            raise _Retry(f"connection broken while reading ({type(error).__name__})") from None
        return b"".join(chunks)


__all__ = ["ALLOWED_HOSTS", "Client", "RefreshError", "make_session", "user_agent"]
