"""What an app serves: the reference snapshot and the claim catalog, loaded once in `create_app`."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from claims.catalog import Catalog, load_catalog
from rules.reference import Snapshot, load_snapshot

EXTENSION = "claimcheck"


@dataclass(frozen=True)
class State:
    """The read-only data every request of one app consults."""

    snapshot: Snapshot
    catalog: Catalog


def init_app(app: Flask) -> State:
    """Load the snapshot and catalog named in the app's config and store them on the app."""
    state = State(
        snapshot=load_snapshot(app.config["REFERENCE_DIR"]), catalog=load_catalog(app.config["CATALOG_DIR"])
    )
    app.extensions[EXTENSION] = state
    return state


def current_state() -> State:
    """Return the state of the app handling the current request or command."""
    return current_app.extensions[EXTENSION]
