"""``leaderled profile`` and ``leaderled statements``: our xAPI vocabulary at work."""

from __future__ import annotations

import click


@click.command()
def profile() -> None:
    """Print the xAPI Profile (JSON-LD)."""
    raise click.ClickException("not implemented yet")


@click.group()
def statements() -> None:
    """Build and validate xAPI statements."""
