"""``leaderled profile`` and ``leaderled statements``: our xAPI vocabulary at work."""

from __future__ import annotations

import json
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from statements.builders import XAPI_VERSIONS, BuildOptions, XapiVersion
from statements.builders import examples as build_examples
from statements.profile import build_profile
from statements.vocabulary import normalise_base

_BASE_HELP = "Profile base IRI (default: the app's LEADERLED_PROFILE_BASE or public URL + /xapi)."


def _base(option: str | None) -> str:
    raw: str = option or current_app.config["LEADERLED"].resolved_profile_base
    try:
        return normalise_base(raw)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--base") from None


def _print(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@click.command()
@click.option("--base", default=None, help=_BASE_HELP)
@with_appcontext
def profile(base: str | None) -> None:
    """Print the xAPI Profile (JSON-LD)."""
    _print(build_profile(_base(base)))


@click.group()
def statements() -> None:
    """Build and validate xAPI statements."""


@statements.command()
@click.option(
    "--xapi-version",
    type=click.Choice(XAPI_VERSIONS),
    default="1.0.3",
    show_default=True,
    help="Write statements for this xAPI version (2.0.0 adds contextAgents/contextGroups).",
)
@click.option("--base", default=None, help=_BASE_HELP)
@click.option("--with-names", is_flag=True, help="Write people's names (a platform's opt-in).")
@click.option(
    "--with-mbox", is_flag=True, help="Write email addresses, not their sha1 (a platform's opt-in)."
)
@click.option(
    "--with-free-text", is_flag=True, help="Write notes and comments (a platform's opt-in)."
)
@with_appcontext
def examples(
    xapi_version: str, base: str | None, with_names: bool, with_mbox: bool, with_free_text: bool
) -> None:
    """Print a JSON array: one fully populated example statement per template.

    Minimal like every statement Leaderled sends unless a platform opted in:
    no names, no email addresses, no free text.
    """
    version: XapiVersion = "2.0.0" if xapi_version == "2.0.0" else "1.0.3"
    options = BuildOptions(
        base=_base(base),
        xapi_version=version,
        with_names=with_names,
        with_mbox=with_mbox,
        include_free_text=with_free_text,
    )
    _print(build_examples(options))
