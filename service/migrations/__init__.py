"""Alembic migrations of the report store, applied at start-up (`upgrade_database`) or by `db-upgrade`.

Add a revision with `alembic -c service/migrations/alembic.ini revision --autogenerate -m "what"`
(set CLAIMCHECK_DATABASE_URL first), then set HEAD_REVISION to it; the models are in
`service/reports.py`. Alembic is imported only when a database is not at HEAD_REVISION (behind, new,
or ahead, which Alembic then refuses): importing it took a tenth of a worker's start-up. A database
at head is only read at start-up, so a store that cannot be written is found at the first save (503),
not at start.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).parent
HEAD_REVISION = "0001"  # the newest file in versions/ (tests/test_reports_store.py holds them equal)
# Any constant: PostgreSQL workers starting together take turns on this advisory lock.
_ADVISORY_LOCK = 0x636C6D63


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration for this folder and database (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def current_revision(connection: Connection) -> str | None:
    """Return the revision the database is at (None before the first migration), without Alembic."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_database(url: str) -> str | None:
    """Apply every migration to the database at `url` and return its revision afterwards.

    The whole upgrade runs in one write transaction (`BEGIN IMMEDIATE` on SQLite, an advisory lock on
    PostgreSQL), so workers that start together apply it once and the others find it done.
    """
    from service.reports import database_url, make_engine, writer

    url = database_url(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:  # a read: workers starting together do not queue here
            if current_revision(connection) == HEAD_REVISION:
                return HEAD_REVISION
        from alembic import command

        config = alembic_config(url)
        with writer(engine).connect() as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            return current_revision(connection)
    finally:
        engine.dispose()


def _configured_url() -> str:
    """Return the database of the current app, or of a new one when no app context is active."""
    from flask import current_app, has_app_context

    from service.reports import EXTENSION, app_database_url

    if has_app_context():
        app = current_app._get_current_object()
    else:
        from service import create_app

        app = create_app()
    store = app.extensions.get(EXTENSION)
    if store is not None:
        return store.url
    return app_database_url(app)


@click.command("db-upgrade")
@click.option(
    "--database-url",
    envvar="CLAIMCHECK_DATABASE_URL",
    help="Database to migrate (default: the app's, from CLAIMCHECK_DATABASE_URL or the instance folder).",
)
def db_upgrade_command(database_url: str | None) -> None:
    """Apply the report store's migrations up to the newest."""
    url = database_url or _configured_url()
    revision = upgrade_database(url)
    shown = make_url(url).render_as_string(hide_password=True)
    click.echo(f"{shown}: at revision {revision}")
