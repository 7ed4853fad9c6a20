"""Why a refresh stopped: each error names its source, and nothing was replaced when one is raised."""

from __future__ import annotations

from rules.errors import ClaimcheckError


class RefreshError(ClaimcheckError, RuntimeError):
    """A refresh could not finish; the current snapshot is untouched."""

    def __init__(self, message: str, source: str = ""):
        super().__init__(message)
        self.source = source


class SourceUnavailable(RefreshError, ConnectionError):
    """A source did not answer usefully (timeouts, 5xx, 429) after every retry."""


class SourceBusy(SourceUnavailable):
    """A source asked us to wait longer than we may; `retry_after` says how many seconds."""

    def __init__(self, message: str, source: str = "", retry_after: float = 0.0):
        super().__init__(message, source)
        self.retry_after = retry_after


class RedirectRefused(SourceUnavailable):
    """A source redirected to another host, to plain HTTP, or too many times."""


class InvalidPayload(RefreshError, ValueError):
    """A source answered with something that is not its format; the whole payload is rejected."""


class PayloadTooLarge(InvalidPayload):
    """A response was larger than the cap for its source; reading stopped at the cap."""


class RefreshInProgress(RefreshError, BlockingIOError):
    """Another refresh holds the data directory's lock."""


class SnapshotCorrupt(RefreshError, ValueError):
    """A snapshot folder is partial or does not match its manifest."""
