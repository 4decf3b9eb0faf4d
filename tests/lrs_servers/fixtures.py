"""Pytest plugin: real LRSs started once per test session on free loopback ports.

Registered from ``tests/conftest.py``. ``learning_locker`` is Learning
Locker's statement service (memory mode); ``ralph`` is Ralph on its
filesystem backend. Tests isolate themselves with ``fresh_registration``
(a new registration UUID to put in their statements and filter on), or use
``ralph_empty`` / ``learning_locker.restart()`` when they need an empty store.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.lrs_servers.servers import LRSStartError, RunningLRS, clear_ralph
from tests.lrs_servers.servers import learning_locker as make_learning_locker
from tests.lrs_servers.servers import ralph as make_ralph


def _run(server: RunningLRS) -> Iterator[RunningLRS]:
    try:
        server.start()
    except LRSStartError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def learning_locker_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningLRS]:
    """One Learning Locker statement service for the session."""
    yield from _run(make_learning_locker(tmp_path_factory.mktemp("learning-locker")))


@pytest.fixture
def learning_locker(learning_locker_process: RunningLRS) -> RunningLRS:
    """Learning Locker's statement service (any Basic credentials), restarted if it died."""
    return _alive(learning_locker_process)


@pytest.fixture(scope="session")
def ralph_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningLRS]:
    """One Ralph for the session."""
    yield from _run(make_ralph(tmp_path_factory.mktemp("ralph")))


@pytest.fixture
def ralph(ralph_process: RunningLRS) -> RunningLRS:
    """Ralph with one user (``.username`` / ``.password``); keep its data small."""
    return _alive(ralph_process)


def _alive(server: RunningLRS) -> RunningLRS:
    try:
        return server.ensure_running()
    except LRSStartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def ralph_empty(ralph: RunningLRS) -> RunningLRS:
    """Ralph with its store emptied before the test."""
    clear_ralph(ralph)
    return ralph


@pytest.fixture
def fresh_registration() -> str:
    """A registration UUID no other test uses: put it in statements, filter on it."""
    return str(uuid.uuid4())
