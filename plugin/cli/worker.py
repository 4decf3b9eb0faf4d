"""``leaderled worker``, ``leaderled sync`` and ``leaderled outbox``: delivery and sync."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import delete, func, select, update
from tqdm import tqdm

from lrs_client.errors import LRSError
from plugin.config import LrsTarget, Settings
from plugin.db import get_db
from plugin.jobs.connection import client_for, pull_targets, target
from plugin.jobs.guard import WorkerBusy
from plugin.jobs.health import LrsHealth, health
from plugin.jobs.runner import PlanError, RunPlan, run, sync_options
from plugin.jobs.shutdown import UncleanStop, dump_stacks_on_sigusr1
from plugin.jobs.sync import Sync, SyncBusy
from plugin.models.outbox import DeliveryEvent, OutboxRow, OutboxState
from plugin.services.outbox import OutboxError, now_ms, statement_text

log = logging.getLogger(__name__)


def _settings() -> Settings:
    settings: Settings = current_app.config["LEADERLED"]
    return settings


@click.command()
@click.option("--delivery/--no-delivery", default=True, help="Deliver the outbox (default on).")
@click.option("--sync/--no-sync", "sync_", default=True, help="Pull formal records (default on).")
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Delivery processes (PostgreSQL only above 1).",
)
@click.option(
    "--sync-interval",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds between sync passes.",
)
@click.option("--once", is_flag=True, help="Deliver what is due, sync once, then exit.")
@with_appcontext
def worker(delivery: bool, sync_: bool, concurrency: int, sync_interval: float, once: bool) -> None:
    """Deliver queued statements to the LRS and pull formal records back.

    Stops cleanly on SIGTERM or Ctrl-C: the batch in flight finishes first.
    """
    if not delivery and not sync_:
        raise click.UsageError("nothing to do: both --no-delivery and --no-sync were given")
    # From the start: SIGUSR1's default is to end the process, and a worker
    # slow to start (a database far away) is one whose stacks are wanted.
    dump_stacks_on_sigusr1()
    plan = RunPlan(
        delivery=delivery,
        sync=sync_,
        concurrency=concurrency,
        sync_interval=sync_interval,
        once=once,
    )
    log.info(
        "worker starting: delivery %s, sync %s, %s process(es)",
        "on" if delivery else "off",
        "on" if sync_ else "off",
        concurrency,
    )
    try:
        stored = run(_settings(), plan)
    except (PlanError, WorkerBusy, LRSError, UncleanStop) as error:
        log.error("worker stopped: %s", error)
        raise click.ClickException(str(error)) from None
    log.info("worker stopped; %s statements delivered by this process", stored)
    click.echo(f"Worker stopped; {stored} statements delivered by this process.")


@click.command()
@click.option(
    "--backfill", is_flag=True, help="Start over from the LRS's first statement (whole history)."
)
@click.option("--from-start", "from_start", is_flag=True, hidden=True)  # the old spelling
@click.option(
    "--lrs",
    "lrs_names",
    multiple=True,
    help="Sync this configured LRS only (repeatable); default: every LRS marked as a source.",
)
@with_appcontext
def sync(backfill: bool, from_start: bool, lrs_names: tuple[str, ...]) -> None:
    """Pull formal records from the source LRSs once.

    The first sync of an LRS pulls its whole history; later ones what is new
    since the saved cursor; an interrupted one resumes where it stopped.
    """
    settings = _settings()
    try:
        if lrs_names:
            targets = tuple(target(settings, name.strip().lower()) for name in lrs_names)
        else:
            targets = pull_targets(settings)
    except LRSError as error:
        raise click.ClickException(str(error)) from None
    if not targets:
        raise click.ClickException(
            "no LRS is marked as a source (LEADERLED_LRS__<NAME>__PULL): nothing to sync"
        )
    backfill = backfill or from_start
    for lrs in targets:
        _sync_one(settings, lrs, backfill=backfill, named=len(targets) > 1 or bool(lrs_names))


def _sync_one(settings: Settings, lrs: LrsTarget, *, backfill: bool, named: bool) -> None:
    client = client_for(lrs)
    syncer = Sync(get_db(), client, sync_options(settings, lrs.name))
    where = f"LRS {lrs.name}: " if named else ""
    click.echo(f"{where}Syncing {syncer.start_point(backfill=backfill).describe()}.")
    with tqdm(unit=" statements", desc="sync", disable=None) as bar:
        try:
            result = syncer.run(backfill=backfill, on_page=lambda n: _advance(bar, n))
        except LRSError as error:
            raise click.ClickException(
                f"{where}sync stopped: {error} (run it again: it resumes where it stopped)"
            ) from None
        except SyncBusy as error:
            raise click.ClickException(f"{where}{error}") from None
        finally:
            client.close()
    click.echo(
        f"{where}Pulled {result.statements} statements in {result.pages} pages: "
        f"{result.outcomes} formal records, "
        f"{result.upserted - result.outcomes} kept for attempts and time, "
        f"{result.voided} voided, {result.skipped} leader-led skipped, "
        f"{result.ignored} not needed, {result.unresolved} not matched to a person."
    )


def _advance(bar: tqdm[Any], count: int) -> None:
    bar.update(count)


@click.group()
def outbox() -> None:
    """Inspect and retry the statements waiting for the LRS."""


@outbox.command()
@with_appcontext
def status() -> None:
    """Queue depth, oldest pending, parked rows and last successes, per LRS."""
    with get_db().session_scope() as session:
        figures = health(session)
    # A configured LRS that has seen nothing yet is listed too (empty), so none is overlooked.
    seen = {h.lrs for h in figures}
    figures += [LrsHealth(t.name) for t in _settings().lrs_targets if t.name not in seen]
    if not figures:
        click.echo("The outbox is empty and nothing has been synced yet.")
    for h in figures:
        oldest = "-" if h.oldest_pending_seconds is None else f"{h.oldest_pending_seconds:.0f}s ago"
        click.echo(f"LRS {h.lrs}:")
        if h.held_since is not None:
            click.echo(f"  delivery HELD since {h.held_since}: {h.held_reason}")
            click.echo(
                "    the LRS is down or refuses the connection; nothing is parked: the worker "
                "reads from the LRS every few seconds and resumes as soon as it answers"
            )
        click.echo(f"  queued {h.queue_depth} (pending {h.pending}, in flight {h.claimed})")
        click.echo(f"  oldest queued {oldest}")
        click.echo(f"  stored {h.stored}, parked {h.parked}")
        for reason in h.parked_reasons:
            click.echo(f"    {reason.count} x {reason.reason}")
        click.echo(f"  last delivery {h.last_delivery_at or 'never'}")
        click.echo(f"  last sync {h.last_sync_at or 'never'}")


@outbox.command()
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@with_appcontext
def parked(limit: int, as_json: bool) -> None:
    """Statements the LRS rejected, with its reason (newest first)."""
    with get_db().session_scope() as session:
        rows = session.execute(
            select(
                OutboxRow.statement_id, OutboxRow.lrs, OutboxRow.last_status, OutboxRow.last_error
            )
            .where(OutboxRow.state == OutboxState.PARKED)
            .order_by(OutboxRow.id.desc())
            .limit(limit)
        ).all()
        total = session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.state == OutboxState.PARKED)
        )
    for sid, lrs, http_status, reason in rows:
        if as_json:
            click.echo(
                json.dumps(
                    {"statement_id": sid, "lrs": lrs, "status": http_status, "reason": reason}
                )
            )
        else:
            click.echo(f"{sid}  LRS {lrs}  HTTP {http_status or '-'}  {reason}")
    if not as_json:
        click.echo(f"{total or 0} parked.")


@outbox.command()
@click.argument("statement_ids", nargs=-1)
@click.option("--all", "retry_all", is_flag=True, help="Retry every parked statement.")
@click.option(
    "--replace",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A corrected statement (same id) to send instead of the parked one.",
)
@with_appcontext
def retry(statement_ids: tuple[str, ...], retry_all: bool, replace: Path | None) -> None:
    """Queue parked statements again (after the LRS or the statement was fixed)."""
    if not statement_ids and not retry_all:
        raise click.UsageError("name the statement ids to retry, or pass --all")
    if statement_ids and retry_all:
        raise click.UsageError("give statement ids or --all, not both")
    new_text = None
    if replace is not None:
        if len(statement_ids) != 1:
            raise click.UsageError("--replace goes with exactly one statement id")
        new_text = _replacement(replace, statement_ids[0])
    ids = [sid.strip().lower() for sid in statement_ids]
    with get_db().session_scope() as session:
        query = update(OutboxRow).where(OutboxRow.state == OutboxState.PARKED)
        if ids:
            query = query.where(OutboxRow.statement_id.in_(ids))
        values: dict[str, object] = {
            "state": OutboxState.PENDING,
            "due_ms": now_ms(),
            "attempts": 0,
        }
        if new_text is not None:
            values["statement_json"] = new_text
        count = int(getattr(session.execute(query.values(**values)), "rowcount", 0) or 0)
    if ids and count < len(ids):
        click.echo(f"{len(ids) - count} of the given ids are not parked (unknown or not rejected).")
    click.echo(f"{count} statements queued again; the worker sends them on its next pass.")


def _replacement(path: Path, statement_id: str) -> str:
    try:
        statement = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise click.BadParameter(f"cannot read {path}: {error}", param_hint="--replace") from None
    if not isinstance(statement, dict):
        raise click.BadParameter("the file must hold one statement object", param_hint="--replace")
    if str(statement.get("id", "")).lower() != statement_id.strip().lower():
        raise click.BadParameter(
            f"the corrected statement must keep the id {statement_id}", param_hint="--replace"
        )
    try:
        return statement_text(statement)
    except OutboxError as error:
        raise click.BadParameter(str(error), param_hint="--replace") from None


@outbox.command()
@click.option(
    "--older-than-days",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    help="Keep what was stored (or happened) more recently than this.",
)
@with_appcontext
def purge(older_than_days: int) -> None:
    """Delete delivered outbox rows and old delivery events (pending and parked stay)."""
    cutoff = datetime.now(UTC) - timedelta(days=older_than_days)
    with get_db().session_scope() as session:
        rows = session.execute(
            delete(OutboxRow).where(
                OutboxRow.state == OutboxState.STORED, OutboxRow.stored_at < cutoff
            )
        )
        events = session.execute(delete(DeliveryEvent).where(DeliveryEvent.at < cutoff))
    removed = int(getattr(rows, "rowcount", 0) or 0)
    old_events = int(getattr(events, "rowcount", 0) or 0)
    click.echo(f"Removed {removed} delivered statements and {old_events} delivery events.")
