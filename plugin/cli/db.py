"""``leaderled db``: schema migrations."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from plugin import migrate


def _url() -> str:
    url: str = current_app.config["LEADERLED"].database_url
    return url


@click.group()
def db() -> None:
    """Database schema commands."""


@db.command()
@click.argument("revision", default="head")
@with_appcontext
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    migrate.upgrade(_url(), revision)
    click.echo(f"Database at revision {migrate.current_revision(_url())}.")


@db.command()
@click.argument("revision")
@with_appcontext
def downgrade(revision: str) -> None:
    """Revert migrations down to REVISION."""
    migrate.downgrade(_url(), revision)
    click.echo(f"Database at revision {migrate.current_revision(_url())}.")


@db.command()
@with_appcontext
def current() -> None:
    """Print the revision the database is at."""
    click.echo(migrate.current_revision(_url()) or "empty (run `leaderled db upgrade`)")
