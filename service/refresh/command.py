"""The `claimcheck refresh` command: fetch reference data on purpose, show progress, print the diff."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from claims.catalog import load_catalog
from rules.errors import CatalogError
from service.refresh.errors import RefreshError, SourceBusy
from service.refresh.run import refresh


class _Bar:
    """Adapts refresh progress callbacks to one click progress bar, created on the first call."""

    def __init__(self):
        self.bar = None
        self.shown = 0

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=total,
                label="refresh",
                show_pos=True,
                item_show_func=lambda item: item,
                file=sys.stderr,
            )
            self.bar.__enter__()
        self.bar.update(done - self.shown, current_item=label)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command("refresh")
@click.option(
    "--source",
    type=click.Choice(["wikidata", "gcat", "all"]),
    default="all",
    show_default=True,
    help="Which live source to fetch.",
)
@click.option("--dry-run", is_flag=True, help="Fetch, validate and diff, but write nothing.")
@click.option(
    "--data-dir",
    envvar="CLAIMCHECK_DATA_DIR",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where snapshots live (default: $CLAIMCHECK_DATA_DIR).",
)
@click.option(
    "--contact",
    envvar="CLAIMCHECK_CONTACT",
    help="Contact (URL or e-mail) for the User-Agent Wikimedia asks for (default: $CLAIMCHECK_CONTACT).",
)
@click.option(
    "--catalog-dir",
    envvar="CLAIMCHECK_CATALOG_DIR",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Claims whose verdicts the diff compares (default: $CLAIMCHECK_CATALOG_DIR, else the shipped catalog).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def refresh_command(
    source: str, dry_run: bool, data_dir: Path, contact: str | None, catalog_dir: Path | None, as_json: bool
) -> None:
    """Fetch reference data from Wikidata and GCAT into a new snapshot and print what changed."""
    bar = _Bar()
    try:
        catalog = load_catalog(catalog_dir) if catalog_dir else None
        report = refresh(source, data_dir, dry_run=dry_run, progress=bar, contact=contact, catalog=catalog)
    except SourceBusy as error:
        raise click.ClickException(f"{error} (retry after {error.retry_after:.0f} s)") from None
    except (RefreshError, CatalogError) as error:
        raise click.ClickException(str(error)) from None
    finally:
        bar.close()
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.to_text())
