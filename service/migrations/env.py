"""Alembic environment: migrate the connection handed over by `upgrade_database`, or a URL."""

import os

from alembic import context

from service.reports import Base, database_url, make_engine, writer

config = context.config


def run_migrations(connection) -> None:
    """Run the migrations on an open connection."""
    # Batch mode lets later migrations alter tables on SQLite, which has little ALTER TABLE.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate the connection from `upgrade_database`, or open one from the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("CLAIMCHECK_DATABASE_URL")
    if not url:
        raise SystemExit("set CLAIMCHECK_DATABASE_URL to the database to migrate")
    engine = writer(make_engine(database_url(url)))
    try:
        with engine.connect() as connection:
            run_migrations(connection)
            connection.commit()
    finally:
        engine.dispose()


def run_offline() -> None:
    """Write the migrations' SQL instead of running it."""
    url = config.get_main_option("sqlalchemy.url") or os.environ["CLAIMCHECK_DATABASE_URL"]
    context.configure(url=database_url(url), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
