"""The report's own PostgreSQL settings: the heavy passes run under them, and
they end with the report's transaction (the pooled connection serves other
requests next)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.orm import Session

import plugin.services.reports.local as reports_local
from plugin.db import session_scope
from plugin.services.reports import ReportPeriod, Scope, compute, passes
from plugin.services.reports.passes import REPORT_SETTINGS, report_settings
from tests.plugin.services.reports.report_world import build

Q1 = ReportPeriod.quarter(2025, 1)


def _settings(session: Session) -> dict[str, str]:
    return {
        name: str(session.scalar(text("SELECT current_setting(:name)"), {"name": name}))
        for name in REPORT_SETTINGS
    }


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def test_the_settings_hold_for_the_transaction_and_end_with_it(app: Flask) -> None:
    with session_scope(app) as session:
        if not _on_postgresql(session):
            statements: list[str] = []
            engine = session.get_bind()
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            try:
                report_settings(session)
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            assert statements == []  # SQLite has nothing of the kind: nothing is sent
            return
        before = _settings(session)
        assert before != REPORT_SETTINGS  # the server's own, or the test proves nothing
        report_settings(session)
        assert _settings(session) == REPORT_SETTINGS
        session.commit()
        assert _settings(session) == before


def test_the_learners_pass_runs_under_the_report_settings(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, str] | None] = []
    original = passes.participations_pass

    def watched(session: Session, scope: Scope) -> Sequence[Any]:
        seen.append(_settings(session) if _on_postgresql(session) else None)
        return original(session, scope)

    monkeypatch.setattr(reports_local, "participations_pass", watched)
    with session_scope(app) as session:
        build(session)
        session.commit()
        compute(session, Scope(Q1))
        assert seen == [REPORT_SETTINGS if _on_postgresql(session) else None]
        if _on_postgresql(session):
            session.commit()
            assert _settings(session) != REPORT_SETTINGS
