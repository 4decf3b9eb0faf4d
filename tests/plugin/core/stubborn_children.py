"""Child processes for the shutdown tests, spawned as the worker spawns its own:
this module imports little, so a child is ready quickly, and each says so
through its pipe once it is (a test never races the child's start-up)."""

from __future__ import annotations

import os
import signal
import threading
import time
from multiprocessing.connection import Connection


def ignores_sigterm(ready: Connection) -> None:
    """Stuck past SIGTERM: its handler swallows it. Writes its stacks on SIGUSR1,
    as the worker's children do."""
    from plugin.jobs.shutdown import dump_stacks_on_sigusr1

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    dump_stacks_on_sigusr1()
    ready.send("ready")
    time.sleep(120)


def sleeps(ready: Connection) -> None:
    """Ended by SIGTERM at once (Python's default)."""
    ready.send("ready")
    time.sleep(120)


def stuck_after_the_stop(ready: Connection, stderr_path: str) -> None:
    """A worker process whose main thread is stuck after the stop: its watchdog
    must write the stacks and end it."""
    from plugin.jobs.shutdown import Shutdown

    with open(stderr_path, "wb") as stderr:
        os.dup2(stderr.fileno(), 2)
    stop = threading.Event()
    shutdown = Shutdown(stop, grace=0.5)
    shutdown.watch([])
    ready.send("ready")
    stop.set()
    time.sleep(120)  # stuck in a call that knows nothing of the stop
