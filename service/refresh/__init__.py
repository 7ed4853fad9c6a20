"""Refreshing reference data from live sources (Wikidata, GCAT) into snapshots under the data directory.

The only part of claimcheck that fetches over the network; it runs from `claimcheck refresh` or the
admin endpoint, never as a side effect of answering a request. See the README.
"""

from service.refresh.errors import (
    InvalidPayload,
    PayloadTooLarge,
    RedirectRefused,
    RefreshError,
    RefreshInProgress,
    SnapshotCorrupt,
    SourceBusy,
    SourceUnavailable,
)
from service.refresh.run import RefreshReport, refresh
from service.refresh.store import SnapshotInfo, load_current_snapshot

__all__ = [
    "InvalidPayload",
    "PayloadTooLarge",
    "RedirectRefused",
    "RefreshError",
    "RefreshInProgress",
    "RefreshReport",
    "SnapshotCorrupt",
    "SnapshotInfo",
    "SourceBusy",
    "SourceUnavailable",
    "load_current_snapshot",
    "refresh",
]
