"""``leaderled lrs``: check, push to and pull from a Learning Record Store."""

from __future__ import annotations

import click


@click.group()
def lrs() -> None:
    """Talk to a Learning Record Store."""
