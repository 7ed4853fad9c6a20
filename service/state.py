"""What an app serves: the reference snapshot and the claim catalog, loaded once in `create_app`.

The snapshot comes from CLAIMCHECK_REFERENCE_DIR when set (a fixed folder), otherwise from the newest
good snapshot under CLAIMCHECK_DATA_DIR (written by `claimcheck refresh`), otherwise from the package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from claims.article_check import check_article
from claims.catalog import Catalog, load_catalog
from rules.reference import Snapshot, load_snapshot
from service.refresh import load_current_snapshot
from service.refresh.store import current_name

EXTENSION = "claimcheck"


@dataclass
class State:
    """The data every request of one app consults; `snapshot` is swapped whole after a refresh."""

    snapshot: Snapshot
    catalog: Catalog
    loaded_from: dict[str, Any] = field(default_factory=dict)
    current: str | None = None
    check_article: Callable[..., dict[str, Any]] = check_article  # the article checker (tests swap it)
    extras: dict[str, Any] = field(default_factory=dict)  # per-worker bookkeeping (last refresh time)


def load_reference(app: Flask) -> tuple[Snapshot, dict[str, Any]]:
    """Load the snapshot the app's configuration names, saying where it came from."""
    if app.config.get("REFERENCE_DIR"):
        snapshot = load_snapshot(app.config["REFERENCE_DIR"])
        return snapshot, {"snapshot": snapshot.id, "origin": "reference_dir", "fell_back": False}
    snapshot, info = load_current_snapshot(app.config.get("DATA_DIR"))
    return snapshot, info.to_dict()


def init_app(app: Flask) -> State:
    """Load the snapshot and catalog named in the app's config and store them on the app."""
    snapshot, loaded_from = load_reference(app)
    data_dir = app.config.get("DATA_DIR")
    state = State(
        snapshot=snapshot,
        catalog=load_catalog(app.config["CATALOG_DIR"]),
        loaded_from=loaded_from,
        current=current_name(data_dir) if data_dir and not app.config.get("REFERENCE_DIR") else None,
    )
    app.extensions[EXTENSION] = state
    if data_dir and not app.config.get("REFERENCE_DIR"):
        app.before_request(_follow_refreshes)
    return state


def _follow_refreshes() -> None:
    # Another worker (or the CLI) may have written a new snapshot; the pointer file is tiny to read.
    state = current_state()
    name = current_name(current_app.config["DATA_DIR"])
    if name != state.current:
        reload_reference(current_app)


def reload_reference(app: Flask) -> State:
    """Reload the snapshot after a refresh; requests already running keep the one they started with."""
    state = app.extensions[EXTENSION]
    state.snapshot, state.loaded_from = load_reference(app)
    if app.config.get("DATA_DIR"):
        state.current = current_name(app.config["DATA_DIR"])
    return state


def current_state() -> State:
    """Return the state of the app handling the current request or command."""
    return current_app.extensions[EXTENSION]
