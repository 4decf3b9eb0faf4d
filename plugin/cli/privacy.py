"""``leaderled privacy``: export or erase one person's data, and retention.

PERSON is an LMS user id (``--platform`` picks the LMS when ids repeat), an
email address, or Leaderled's own id as ``id:12``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from plugin.config import Settings
from plugin.db import get_db
from plugin.models.privacy import AccessKind, AccessVia
from plugin.services.errors import Invalid, NotFound, ServiceError
from plugin.services.privacy import access_log
from plugin.services.privacy.erasure import ErasureResult, erase
from plugin.services.privacy.export import export_person
from plugin.services.privacy.lookup import one_person
from plugin.services.privacy.retention import run_retention
from plugin.services.privacy.settings import retention_periods, set_retention

_PERSON_HELP = "PERSON: an LMS user id, an email address, or Leaderled's id as id:12."
_PLATFORM = click.option(
    "--platform", metavar="ISSUER", help="The LMS (its issuer URL) whose user id PERSON is."
)


def _settings() -> Settings:
    settings: Settings = current_app.config["LEADERLED"]
    return settings


def _refusal(error: ServiceError) -> click.ClickException:
    if isinstance(error, Invalid):
        return click.ClickException(" ".join(error.errors.values()))
    return click.ClickException(error.message)


@click.group()
def privacy() -> None:
    """Export or erase a person's data (GDPR articles 15 and 17); retention."""


@privacy.command("export", epilog=_PERSON_HELP)
@click.argument("person")
@_PLATFORM
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the ZIP (default: its own name in this directory).",
)
@with_appcontext
def export_command(person: str, platform: str | None, output: Path | None) -> None:
    """Write a ZIP (JSON and CSV) of everything held about PERSON."""
    now = datetime.now(UTC)
    with get_db().session_scope() as session:
        try:
            found = one_person(session, person, platform=platform)
        except ServiceError as error:
            raise _refusal(error) from None
        result = export_person(session, found, now=now)
        access_log.log_views(session, None, [found.id], AccessKind.EXPORT, via=AccessVia.CLI)
    target = output or Path(result.filename)
    target.write_bytes(result.data)
    rows = sum(result.rows.values())
    click.echo(f"Wrote {target} ({rows} rows from {len(result.rows)} tables).")


def _report(result: ErasureResult, dry_run: bool) -> None:
    verb = "would be" if dry_run else "were"
    for change in result.changes:
        what = "deleted" if change.deleted else "their part removed"
        title = f" {change.title!r}" if change.title else ""
        click.echo(
            f"  record {change.record_id} ({change.kind.value}{title}, "
            f"{change.occurred_at:%Y-%m-%d}): {what}"
        )
    for table, count in sorted(result.rows.items()):
        click.echo(f"  {table}: {count} rows")
    click.echo(
        f"{result.statements_voided} statements {verb} voided in the LRS (through the outbox); "
        f"{result.identifiers_suppressed} identifiers {verb} kept from the sync (hashed)."
    )


@privacy.command("erase", epilog=_PERSON_HELP)
@click.argument("person")
@_PLATFORM
@click.option("--dry-run", is_flag=True, help="List what would go; change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_command(person: str, platform: str | None, dry_run: bool, yes: bool) -> None:
    """Erase PERSON: local rows purged, their statements voided in the LRS."""
    settings = _settings()
    with get_db().session_scope() as session:
        try:
            person_id = one_person(session, person, platform=platform).id
        except NotFound:
            click.echo(
                f"Nothing is held about {person}: nothing to erase (an erased person is not "
                "known any more)."
            )
            return
        except ServiceError as error:
            raise _refusal(error) from None
        planned = erase(session, person_id, settings=settings, now=datetime.now(UTC))
        session.rollback()  # a dry run: the real one follows in its own transaction
    if dry_run:
        click.echo(f"Dry run: erasing {person} (id:{person_id}) would remove:")
        _report(planned, dry_run=True)
        return
    if not yes and not click.confirm(
        f"Erase {person} (id:{person_id}): {planned.records_deleted} records deleted, "
        f"{planned.records_changed} changed, {planned.statements_voided} statements voided. "
        "This cannot be undone. Go ahead?"
    ):
        raise click.Abort
    with get_db().session_scope() as session:
        result = erase(session, person_id, settings=settings, now=datetime.now(UTC))
    if not result.found:
        click.echo(f"Nothing is held about {person} any more: nothing to erase.")
        return
    click.echo(f"Erased {person}. Audit reference {result.reference}:")
    _report(result, dry_run=False)


@privacy.command("retention")
@click.option("--dry-run", is_flag=True, help="Show what a run would remove; change nothing.")
@with_appcontext
def retention_command(dry_run: bool) -> None:
    """Apply the retention periods now (the worker does so every hour)."""
    with get_db().session_scope() as session:
        result = run_retention(session, _settings(), datetime.now(UTC), by_role="cli")
        if dry_run:
            session.rollback()
    periods = result.periods
    click.echo(
        "Periods (days): records "
        f"{periods.records or 'keep'}, formal records {periods.formal or 'keep'}, "
        f"access log {periods.access_log or 'keep'}."
    )
    if not result.rows:
        click.echo("Nothing is older than its period.")
        return
    verb = "would remove" if dry_run else "removed"
    click.echo(f"Retention {verb}:")
    for table, count in sorted(result.rows.items()):
        click.echo(f"  {table}: {count} rows")
    click.echo(f"{result.statements_voided} statements voided in the LRS (through the outbox).")


def _days(value: str | None) -> str | None:
    return "" if value in ("none", "keep") else value


@privacy.command("periods")
@click.option("--records", metavar="DAYS|keep", help="Leader-led records.")
@click.option("--formal", metavar="DAYS|keep", help="Formal records pulled from the LRS.")
@click.option("--access-log", metavar="DAYS|keep", help="The access log.")
@with_appcontext
def periods_command(records: str | None, formal: str | None, access_log: str | None) -> None:
    """Show the retention periods, or set those given ("keep" keeps forever)."""
    with get_db().session_scope() as session:
        current = retention_periods(session)
        if any(v is not None for v in (records, formal, access_log)):

            def keep(given: str | None, now: int | None) -> str | None:
                return _days(given) if given is not None else (str(now) if now else None)

            try:
                current = set_retention(
                    session,
                    None,
                    records=keep(records, current.records),
                    formal=keep(formal, current.formal),
                    access_log=keep(access_log, current.access_log),
                )
            except Invalid as invalid:
                raise click.BadParameter(
                    "; ".join(f"--{k.replace('_', '-')}: {m}" for k, m in invalid.errors.items())
                ) from None
    click.echo(
        f"records: {current.records or 'keep'}; formal records: {current.formal or 'keep'}; "
        f"access log: {current.access_log or 'keep'} (days)"
    )
