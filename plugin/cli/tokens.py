"""``leaderled token create|list|revoke``: API tokens from the command line.

The secret is printed once, at creation; Leaderled keeps only its digest.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.db import get_db
from plugin.models.api import ApiToken, Scope, TokenKind
from plugin.models.people import Person, Role
from plugin.services import tokens
from plugin.services.errors import Invalid


def _person(session: Session, ref: str, option: str = "--person") -> int:
    """A person by id or email."""
    if ref.isdigit() and session.get(Person, int(ref)) is not None:
        return int(ref)
    found = session.scalars(
        select(Person.id).where(func.lower(Person.email) == ref.strip().lower())
    ).all()
    if len(found) != 1:
        raise click.BadParameter(
            f"{ref!r} names {'no' if not found else 'more than one'} person", param_hint=option
        )
    return int(found[0])


def _lnd_admin(session: Session, ref: str) -> int:
    """The L&D admin a service token is made for (by id or email)."""
    person_id = _person(session, ref, "--created-by")
    if not tokens.teams_of(session, person_id, (Role.LND_ADMIN,)):
        raise click.BadParameter(
            f"{ref!r} is not an L&D admin of any course; a token made on someone's behalf "
            "must be made on behalf of L&D",
            param_hint="--created-by",
        )
    return person_id


@click.group()
def token() -> None:
    """API tokens: create (shown once), list, revoke."""


@token.command()
@click.option("--name", required=True, help="What the token is for.")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in TokenKind]),
    default=TokenKind.SERVICE.value,
    show_default=True,
)
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice([s.value for s in Scope]),
    help="Repeat for several scopes.",
)
@click.option("--person", help="Id or email of the person it acts as (personal) or for.")
@click.option("--team", "teams", multiple=True, type=int, help="Team id; repeat for several.")
@click.option("--days", type=int, default=tokens.DEFAULT_DAYS, show_default=True)
@click.option(
    "--created-by",
    help=(
        "Id or email of the L&D admin the token is made for. An organisation-wide "
        "token acts as them where L&D acts (trainer pairings name who paired)."
    ),
)
@with_appcontext
def create(  # noqa: PLR0917 - one parameter per option
    name: str,
    kind: str,
    scopes: tuple[str, ...],
    person: str | None,
    teams: tuple[int, ...],
    days: int,
    created_by: str | None,
) -> None:
    """Create a token and print its secret (once)."""
    with get_db().session_scope() as session:
        person_id = _person(session, person) if person else None
        creator = _lnd_admin(session, created_by) if created_by else None
        try:
            made = tokens.create(
                session,
                tokens.TokenInput(
                    kind=TokenKind(kind),
                    name=name,
                    scopes=scopes,
                    days=days,
                    person_id=person_id,
                    team_ids=teams,
                ),
                created_by=creator,
                now=datetime.now(UTC),
            )
        except Invalid as invalid:
            raise click.ClickException(
                "; ".join(f"{field}: {text}" for field, text in invalid.errors.items())
            ) from None
        token_id, expires = made.token.id, made.token.expires_at
    click.echo(
        f"Token {token_id} created, valid until {expires:%Y-%m-%d}. "
        "Copy it now; it is not shown again:"
    )
    click.echo(made.secret)


@token.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@with_appcontext
def list_tokens(as_json: bool) -> None:
    """Every token, newest first (never the secret)."""
    now = datetime.now(UTC)
    with get_db().session_scope() as session:
        for item in tokens.all_tokens(session):
            entry = _describe(item, now)
            if as_json:
                click.echo(json.dumps(entry))
            else:
                click.echo(
                    f"{entry['id']:>5}  {entry['kind']:<8}  {entry['status']:<7}  "
                    f"{entry['hint']}…  {entry['name']}  scopes={','.join(entry['scopes'])}  "
                    f"person={entry['person_id'] or '-'}  teams={entry['team_ids'] or 'all'}  "
                    f"expires={entry['expires_at'][:10]}  "
                    f"last used={entry['last_used_at'] or 'never'}"
                )


def _describe(item: ApiToken, now: datetime) -> dict[str, Any]:
    status = "live" if tokens.is_live(item, now) else "revoked" if item.revoked_at else "expired"
    return {
        "id": item.id,
        "kind": item.kind.value,
        "name": item.name,
        "hint": item.hint,
        "status": status,
        "scopes": sorted(s.value for s in item.scope_set),
        "person_id": item.person_id,
        "created_by": item.created_by_id,
        "team_ids": [t.id for t in item.teams],
        "expires_at": item.expires_at.isoformat(),
        "last_used_at": item.last_used_at.isoformat() if item.last_used_at else None,
    }


@token.command()
@click.argument("token_id", type=int)
@with_appcontext
def revoke(token_id: int) -> None:
    """Revoke a token now; calls with it are refused from then on."""
    with get_db().session_scope() as session:
        found = session.get(ApiToken, token_id)
        if found is None:
            raise click.ClickException(f"there is no token {token_id}")
        tokens.revoke(session, found, datetime.now(UTC))
    click.echo(f"Token {token_id} revoked.")
