"""``leaderled import FILE``: past sessions from a CSV file (see the README
for the columns). Every row is checked first; only a file without problems
is imported, all of it in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from tqdm import tqdm

from plugin.config import Settings
from plugin.db import get_db
from plugin.services import csv_import

#: Errors printed before "... and N more".
SHOWN = 50


def _settings() -> Settings:
    found: Settings = current_app.config["LEADERLED"]
    return found


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--check", "check_only", is_flag=True, help="Check every row; import nothing.")
@with_appcontext
def import_file(file: Path, check_only: bool) -> None:
    """Import past coaching, mentoring and knowledge sessions from a CSV FILE."""
    try:
        table = csv_import.read(file.read_bytes())
    except csv_import.ImportRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"{len(table.rows)} rows read ({table.encoding}, separated by {table.delimiter!r}).")
    settings = _settings()
    now = datetime.now(UTC)
    with get_db().session_scope() as session:
        with tqdm(total=len(table.rows), unit=" rows", desc="read", disable=None) as bar:
            checked = csv_import.plan(
                session, table, zone=ZoneInfo(settings.timezone), on_row=lambda: _tick(bar)
            )
        with tqdm(
            total=len(checked.rows), unit=" rows", desc="check and record", disable=None
        ) as bar:
            count = csv_import.apply(
                session,
                checked,
                publishing=csv_import.publisher(session, settings),
                now=now,
                imported_by=None,
                on_row=lambda: _tick(bar),
            )
        if not checked.ok:
            session.rollback()
            for error in checked.errors[:SHOWN]:
                where = f"row {error.row}, column {error.column or '-'}"
                click.echo(f"{where}: {error.message}", err=True)
            if len(checked.errors) > SHOWN:
                click.echo(f"... and {len(checked.errors) - SHOWN} more.", err=True)
            raise click.ClickException(
                f"{len(checked.errors)} problems in the file; nothing was imported."
            )
        if check_only:
            session.rollback()
            click.echo(f"No problems: {count} rows to import, {checked.already} already imported.")
            return
    click.echo(f"Imported {count} records; {checked.already} rows were already imported.")


def _tick(bar: tqdm[Any]) -> None:
    bar.update(1)
