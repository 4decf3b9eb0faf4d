"""``leaderled privacy export|erase|retention|periods`` as an operator runs them,
and retention as a periodic task of the worker."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from plugin.cli import main
from plugin.db import Base, get_db, session_scope
from plugin.jobs.retention import RetentionJob
from plugin.models import LeaderLedRecord, Person, PrivacyAudit
from plugin.models.people import PersonIdentifier
from plugin.models.privacy import AccessKind, AccessLogEntry, AccessVia
from plugin.services.privacy.settings import set_retention

from .world import NOW, PEOPLE, Org


def _run(app: Flask, *args: str, answer: str | None = None) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(main, ["privacy", *args], input=answer)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is never the answer
    return result.exit_code, result.output


def _counts(app: Flask) -> dict[str, int]:
    with session_scope(app) as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize(
    "person", ["bo-4711", "bo.zeldzaam@example.org", "BO.Zeldzaam@Example.org"]
)
def test_export_by_lms_id_or_email(
    privacy_app: Flask, org: Org, tmp_path: Path, person: str
) -> None:
    target = tmp_path / "bo.zip"
    code, output = _run(privacy_app, "export", person, "--output", str(target))
    assert code == 0, output
    assert output.startswith(f"Wrote {target} (")
    document = json.loads(
        zipfile.ZipFile(io.BytesIO(target.read_bytes())).read("leaderled-export.json")
    )
    assert [row["display_name"] for row in document["tables"]["person"]] == ["Bo Zeldzaam"]
    with session_scope(privacy_app) as session:
        (entry,) = session.scalars(
            select(AccessLogEntry).where(AccessLogEntry.what == AccessKind.EXPORT)
        )
        assert (entry.subject_id, entry.viewer_id, entry.viewer_role, entry.via) == (
            org.people["bo"],
            None,
            "cli",
            AccessVia.CLI,
        )


def test_export_by_leaderled_id_and_default_file_name(
    privacy_app: Flask, org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = _run(privacy_app, "export", f"id:{org.people['dee']}")
    assert code == 0, output
    (written,) = tmp_path.glob("leaderled-export-*.zip")
    assert written.name.startswith(f"leaderled-export-{org.people['dee']}-")


def test_unknown_and_ambiguous_people_are_refused_in_words(privacy_app: Flask, org: Org) -> None:
    code, output = _run(privacy_app, "export", "nobody-123")
    assert code == 1
    assert "Nobody with that LMS id, email address or Leaderled id is known here." in output
    code, output = _run(privacy_app, "export", "id:abc")
    assert code == 1
    assert "A Leaderled id is a whole number, such as id:12." in output
    with session_scope(privacy_app) as session:
        session.add(
            PersonIdentifier(
                person_id=org.people["hal"],
                kind="account",
                key="account https://canvas.example bo-4711",
            )
        )
    code, output = _run(privacy_app, "export", "bo-4711")
    assert code == 1
    assert f"That names 2 people (id:{org.people['bo']}, id:{org.people['hal']})" in output
    code, output = _run(
        privacy_app, "export", "bo-4711", "--platform", "https://canvas.example", "-o", "/dev/null"
    )
    assert code == 0, output


def test_erase_dry_run_then_for_real_then_again(privacy_app: Flask, org: Org) -> None:
    before = _counts(privacy_app)
    code, output = _run(privacy_app, "erase", "bo-4711", "--dry-run")
    assert code == 0, output
    assert f"Dry run: erasing bo-4711 (id:{org.people['bo']}) would remove:" in output
    assert f"record {org.records['coaching']} (coaching_moment, 2026-11-28): deleted" in output
    session = f"record {org.records['session']} (knowledge_session 'Pricing basics', 2026-11-28)"
    assert f"{session}: their part removed" in output
    assert "  person: 1 rows" in output
    assert _counts(privacy_app) == before

    code, output = _run(privacy_app, "erase", "bo-4711", answer="n\n")
    assert code == 1
    assert "Aborted" in output
    assert _counts(privacy_app) == before

    code, output = _run(privacy_app, "erase", "bo-4711", "--yes")
    assert code == 0, output
    assert output.startswith("Erased bo-4711. Audit reference ")
    with session_scope(privacy_app) as session:
        assert session.get(Person, org.people["bo"]) is None
        (audit,) = session.scalars(select(PrivacyAudit))
    assert audit.reference in output
    after = _counts(privacy_app)
    code, output = _run(privacy_app, "erase", "bo-4711", "--yes")
    assert code == 0
    assert "Nothing is held about bo-4711: nothing to erase" in output
    assert _counts(privacy_app) == after


def test_periods_and_a_retention_run(privacy_app: Flask, org: Org) -> None:
    code, output = _run(privacy_app, "periods")
    assert (code, output) == (0, "records: keep; formal records: keep; access log: keep (days)\n")
    code, output = _run(privacy_app, "periods", "--records", "10")
    assert code == 2
    assert "--records: Enter how many days to keep leader-led records: a whole number" in output
    code, output = _run(privacy_app, "periods", "--formal", "31", "--access-log", "400")
    assert (code, output) == (0, "records: keep; formal records: 31; access log: 400 (days)\n")
    code, output = _run(privacy_app, "periods", "--access-log", "keep")
    assert output == "records: keep; formal records: 31; access log: keep (days)\n"
    before = _counts(privacy_app)
    code, output = _run(privacy_app, "retention", "--dry-run")
    assert code == 0, output
    assert "formal_record: " in output
    assert _counts(privacy_app) == before
    code, output = _run(privacy_app, "retention")
    assert code == 0
    assert "Retention removed:" in output
    code, output = _run(privacy_app, "retention")
    assert output.endswith("Nothing is older than its period.\n")


def test_the_worker_runs_retention_once_per_interval(privacy_app: Flask, org: Org) -> None:
    with session_scope(privacy_app) as session:
        set_retention(session, None, records="30", formal=None, access_log=None)
        old = session.get_one(LeaderLedRecord, org.records["south"])
        old.occurred_at = NOW - timedelta(days=4000)
    now = [100.0]
    job = RetentionJob(get_db(privacy_app), privacy_app.config["LEADERLED"], clock=lambda: now[0])
    first = job.run_due()
    assert first is not None
    assert first.rows["leader_led_record"] == 1
    assert job.run_due() is None  # not due yet
    now[0] += privacy_app.config["LEADERLED"].retention_interval_seconds
    again = job.run_due()
    assert again is not None
    assert again.rows == {}
    with session_scope(privacy_app) as session:
        assert session.scalar(select(func.count()).select_from(PrivacyAudit)) == 1


def test_a_failed_retention_run_is_logged_and_tried_again(
    privacy_app: Flask, org: Org, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import plugin.jobs.retention as job_module

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(PEOPLE["bo"][1])

    monkeypatch.setattr(job_module, "run_retention", broken)
    job = RetentionJob(get_db(privacy_app), privacy_app.config["LEADERLED"], clock=lambda: 0.0)
    assert job.run_due() is None
    assert "retention run failed: RuntimeError" in caplog.text
    assert "Zeldzaam" not in caplog.text  # no personal data in logs
