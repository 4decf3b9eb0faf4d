"""``make demo``: the whole product on one machine, on embedded defaults.

Starts a local LRS (Learning Locker's statement service in memory, unless
``LEADERLED_LRS_ENDPOINT`` names one), a fresh SQLite database, the demo LMS
(real LTI 1.3 launches as a leader, a learner and an L&D admin), seeds a team
with leader-led records, pushes formal records into the LRS in the shape
Moodle's xAPI log store uses, and runs the worker that delivers the records
and syncs the formal ones back. ``--smoke`` checks all of that and exits.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

import requests
from flask import Flask
from sqlalchemy import func, select

from plugin import create_app, migrate
from plugin.config import Settings
from plugin.db import get_db
from plugin.demo.local_lrs import REPO_ROOT, LocalLRS
from plugin.demo.seed import moodle_formal_statements, seed
from plugin.jobs.connection import lrs_client
from plugin.jobs.runner import RunPlan, run_loop
from plugin.lti import keys as tool_keys
from plugin.lti_platform.demo import DemoPlatform, run_demo_platform
from plugin.lti_platform.server import listening_socket, serve_in_thread
from plugin.models.formal import FormalRecord
from plugin.models.outbox import OutboxRow, OutboxState
from statements.builders import BuildOptions


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make demo", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tool-port", type=int, default=int(os.environ.get("DEMO_TOOL_PORT", "5000"))
    )
    parser.add_argument(
        "--lms-port", type=int, default=int(os.environ.get("DEMO_LMS_PORT", "5001"))
    )
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / "var" / "demo")
    parser.add_argument(
        "--smoke", action="store_true", help="start everything, check it works, then stop"
    )
    return parser.parse_args(argv)


@contextmanager
def _lrs(stack: ExitStack) -> Iterator[tuple[str, str, str]]:
    endpoint = os.environ.get("LEADERLED_LRS_ENDPOINT")
    if endpoint:
        yield (
            endpoint,
            os.environ.get("LEADERLED_LRS_USERNAME", ""),
            os.environ.get("LEADERLED_LRS_PASSWORD", ""),
        )
        return
    local = stack.enter_context(LocalLRS())
    # Test auth in Learning Locker's service accepts any Basic credentials.
    yield local.endpoint, "demo", "demo"


def _counts(app: Flask) -> tuple[int, int, int]:
    """(outbox rows not yet stored, rows stored, formal records of known people)."""
    with get_db(app).session_scope() as session:
        waiting = session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.state != OutboxState.STORED)
        )
        stored = session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.state == OutboxState.STORED)
        )
        formal = session.scalar(
            select(func.count())
            .select_from(FormalRecord)
            .where(
                FormalRecord.person_id.is_not(None),
                FormalRecord.is_outcome.is_(True),
                FormalRecord.voided.is_(False),
            )
        )
    return int(waiting or 0), int(stored or 0), int(formal or 0)


def _wait_until_settled(
    app: Flask, formal_expected: int, timeout: float = 60.0
) -> tuple[int, int, int]:
    deadline = time.monotonic() + timeout
    counts = _counts(app)
    while time.monotonic() < deadline:
        counts = _counts(app)
        if counts[0] == 0 and counts[2] >= formal_expected:
            break
        time.sleep(0.5)
    return counts


def _check_pages(tool_url: str, lms: DemoPlatform) -> list[str]:
    """What a person would see first: the tool's home, its profile, the demo LMS."""
    problems = []
    for url in (tool_url + "/", tool_url + "/xapi/profile", lms.url + "/"):
        response = requests.get(url, timeout=10)
        if response.status_code != 200:
            problems.append(f"{url} answered {response.status_code}")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    tool_socket = None
    if args.tool_port == 0:  # the tool must know its own URL before it starts
        tool_socket = listening_socket("localhost")
        args.tool_port = tool_socket.getsockname()[1]
    tool_url = f"http://localhost:{args.tool_port}"
    shutil.rmtree(args.data_dir, ignore_errors=True)
    args.data_dir.mkdir(parents=True)
    database_url = f"sqlite:///{args.data_dir / 'leaderled.sqlite3'}"

    with ExitStack() as stack:
        if tool_socket is not None:
            stack.callback(tool_socket.close)
        endpoint, username, password = stack.enter_context(_lrs(stack))
        print(f"LRS            {endpoint}")
        migrate.upgrade(database_url)
        app = create_app(
            {
                "database_url": database_url,
                "public_url": tool_url,
                "lrs_endpoint": endpoint,
                "lrs_username": username,
                "lrs_password": password,
                "delivery_poll_seconds": 0.5,
                # The demo LMS runs on 127.0.0.1: let the tool fetch its keys there.
                "LTI_PRIVATE_HOSTS": "127.0.0.1",
                # A fresh database each run: a fresh key encrypts its signing keys.
                "key_encryption_keys": os.environ.get(
                    "LEADERLED_KEY_ENCRYPTION_KEYS", tool_keys.new_secret()
                ),
            }
        )
        settings: Settings = app.config["LEADERLED"]
        lms = run_demo_platform(tool_url, "127.0.0.1", args.lms_port)
        stack.callback(lms.stop)
        options = BuildOptions(base=settings.resolved_profile_base)
        with get_db(app).session_scope() as session:
            lms.register_in_tool(session)
            seeded = seed(session, lms.url, options)
        print(
            f"Seeded         {seeded.records} leader-led records ({seeded.statements} statements)"
        )

        formal = moodle_formal_statements(lms.url)
        with lrs_client(settings) as client:
            refused = [r for r in client.deliver(formal) if not r.delivered]
        print(f"Formal records {len(formal)} pushed to the LRS as Moodle's log store writes them")
        for result in refused:
            print(f"  not stored: {result.statement_id} {result.outcome.value}: {result.reason}")

        stop = threading.Event()
        worker = threading.Thread(
            target=run_loop,
            args=(replace(settings), RunPlan(sync_interval=3.0), stop),
            name="leaderled-worker",
            daemon=True,
        )
        worker.start()
        stack.callback(worker.join, 10)
        stack.callback(stop.set)

        tool = serve_in_thread(app, "localhost", args.tool_port, sock=tool_socket)
        stack.callback(tool.stop)
        waiting, stored, synced = _wait_until_settled(app, len(formal))
        print(f"Delivered      {stored} statements ({waiting} still queued)")
        print(f"Synced back    {synced} formal records, each matched to a person of the team")
        print()
        print(f"Demo LMS       {lms.url}/   <- start here: launch as leader, learner or L&D admin")
        print(f"Leaderled      {tool_url}/")
        print(f"xAPI Profile   {tool_url}/xapi/profile")

        if args.smoke:
            problems = _check_pages(tool_url, lms)
            if refused:
                problems.append(f"{len(refused)} formal statements were not stored in the LRS")
            if waiting:
                problems.append(f"{waiting} statements were not delivered")
            if synced < len(formal):
                problems.append(
                    f"only {synced} of {len(formal)} formal records synced back to known people"
                )
            for problem in problems:
                print(f"FAILED: {problem}", file=sys.stderr)
            print("Smoke check passed." if not problems else "Smoke check failed.")
            return 1 if problems else 0

        print("\nPress Ctrl-C to stop.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("\nStopping.")
    return 0
