"""Every report figure on a hand-made organisation (tests/.../report_world.py),
with the expected values worked out by hand from the records listed there:
first quarter of 2025, whole organisation, one team, one kind."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy.orm import Session

import plugin.services.reports.local as reports_local
from plugin.db import session_scope
from plugin.models.records import LeaderLedRecord, RecordKind, RecordState
from plugin.services.errors import Invalid
from plugin.services.reports import (
    Expectations,
    FormalTeam,
    Goals,
    Indicator,
    KindHours,
    LeaderRating,
    LeaderReach,
    LeadersTeaching,
    MemberCoaching,
    MixFigures,
    MixRow,
    Mode,
    Ratings,
    Reach,
    ReportPeriod,
    Scope,
    TopicSessions,
    TrainTheTrainer,
    ValueSessions,
    compute,
    drill,
)
from plugin.services.reports.local import fold_learners
from plugin.services.reports.naive import load_rows
from plugin.services.reports.rows import compute_rows
from plugin.services.reports.trend import mix_by_period
from tests.plugin.services.reports.report_world import (
    F1,
    F2,
    STATED,
    ReportWorld,
    at,
    build,
)

Q1 = ReportPeriod.quarter(2025, 1)
LATER = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def seeded(app: Flask) -> Iterator[tuple[Session, ReportWorld]]:
    with session_scope(app) as session:
        world = build(session)
        session.commit()
        yield session, world


def test_whole_organisation_in_the_first_quarter(seeded: tuple[Session, ReportWorld]) -> None:
    session, w = seeded
    p, t = w.people, w.teams
    found = compute(session, Scope(Q1), now=LATER)

    # ada and fay taught (knowledge sessions, coaching, mentoring); gus did not.
    assert found.leaders_teaching == LeadersTeaching(leaders=3, teaching=2)
    assert found.leaders_teaching.share == pytest.approx(2 / 3)
    # r4 is before the quarter, r6 deleted, r12 (TTT) before it; confirmations are not counted.
    assert found.hours_by_kind == (
        KindHours(RecordKind.COACHING_MOMENT, 1, 1800),
        KindHours(RecordKind.EXPECTATION_ACKNOWLEDGED, 2, 0),
        KindHours(RecordKind.FEEDBACK, 1, 0),
        KindHours(RecordKind.GOAL_MET, 1, 0),
        KindHours(RecordKind.GOAL_SET, 1, 0),
        KindHours(RecordKind.KNOWLEDGE_SESSION, 2, 4800),
        KindHours(RecordKind.MATERIAL_USED, 1, 0),
        KindHours(RecordKind.MENTORING_SESSION, 1, 2700),
    )
    assert found.reach == Reach(
        people=3,
        by_leader=tuple(
            sorted([LeaderReach(p["ada"], 2), LeaderReach(p["fay"], 1)], key=lambda r: r.leader_id)
        ),
    )
    # Days to the end of the quarter (2025-04-01 00:00) from the last coaching at 10:00.
    assert set(found.coaching) == {
        MemberCoaching(p["bo"], t["north"], 1, at(2, 1), 58),
        MemberCoaching(p["dee"], t["north"], 0, at(12, 20, 2024), 101),
        MemberCoaching(p["eli"], t["south"], 1, at(3, 1), 30),
    }
    assert found.ratings == Ratings(
        ratings=3,
        total=12,
        by_value=(0, 0, 1, 1, 1),
        by_leader=tuple(
            sorted(
                [LeaderRating(p["ada"], 2, 8), LeaderRating(p["fay"], 1, 4)],
                key=lambda r: r.leader_id,
            )
        ),
    )
    assert found.ratings.average == pytest.approx(4.0)
    # ada took a TTT session (November 2024) and received feedback; nobody is paired.
    assert found.train_the_trainer == TrainTheTrainer(
        leaders=3, trained=1, paired=0, given_feedback=1
    )
    assert found.expectations == Expectations(acknowledgements=2, people=2)
    assert found.goals == Goals(set=1, met=1)
    assert found.topics == (
        TopicSessions(None, 1, 1200, 1),
        TopicSessions("products", 1, 3600, 2),
    )
    assert found.values == (
        ValueSessions(None, 1, 1200),
        ValueSessions("customer-first", 1, 3600),
    )


def test_the_70_20_10_mix_by_person_team_and_organisation(
    seeded: tuple[Session, ReportWorld],
) -> None:
    session, w = seeded
    p, t = w.people, w.teams
    mix = compute(session, Scope(Q1), now=LATER).mix
    # social: bo and dee at r1 (3600 s each), bo coached (1800), eli mentored (2700) and
    # at r5 (1200), ada's feedback (no time); experiential: r7 to r11; formal: bo's
    # completion (1200 s) and eli's failure, whose time is its session's end (600 s).
    assert mix.organisation == MixFigures(
        experiential_count=5,
        social_count=6,
        formal_count=2,
        experiential_seconds=0,
        social_seconds=12900,
        formal_seconds=1800,
    )
    assert mix.organisation.share(Mode.SOCIAL) == pytest.approx(6 / 13)
    assert mix.organisation.share(Mode.FORMAL, by="seconds") == pytest.approx(1800 / 14700)
    assert set(mix.teams) == {
        MixRow(t["north"], MixFigures(4, 4, 1, 0, 9000, 1200)),
        MixRow(t["south"], MixFigures(1, 2, 1, 0, 3900, 600)),
    }
    assert set(mix.people) == {
        MixRow(p["ada"], MixFigures(4, 1, 0, 0, 0, 0)),
        MixRow(p["bo"], MixFigures(0, 2, 1, 0, 5400, 1200)),
        MixRow(p["dee"], MixFigures(0, 1, 0, 0, 3600, 0)),
        MixRow(p["eli"], MixFigures(0, 2, 1, 0, 3900, 600)),
        MixRow(p["fay"], MixFigures(1, 0, 0, 0, 0, 0)),
    }


def test_formal_completions_and_pass_rate_per_team(seeded: tuple[Session, ReportWorld]) -> None:
    session, w = seeded
    t = w.teams
    found = compute(session, Scope(Q1), now=LATER).formal
    assert found == tuple(
        sorted(
            [
                FormalTeam(t["north"], completions=1, passed=1, failed=0, leader_led_seconds=5400),
                FormalTeam(t["south"], completions=0, passed=0, failed=1, leader_led_seconds=3900),
            ],
            key=lambda row: row.team_id,
        )
    )
    assert found[0].pass_rate in (1.0, 0.0)


def test_one_team_sees_only_its_records_and_people(seeded: tuple[Session, ReportWorld]) -> None:
    session, w = seeded
    p, t = w.people, w.teams
    found = compute(session, Scope(Q1, frozenset({t["south"]})), now=LATER)
    assert found.leaders_teaching == LeadersTeaching(leaders=1, teaching=1)
    assert found.hours_by_kind == (
        KindHours(RecordKind.EXPECTATION_ACKNOWLEDGED, 1, 0),
        KindHours(RecordKind.KNOWLEDGE_SESSION, 1, 1200),
        KindHours(RecordKind.MENTORING_SESSION, 1, 2700),
    )
    assert found.reach == Reach(1, (LeaderReach(p["fay"], 1),))
    assert found.coaching == (MemberCoaching(p["eli"], t["south"], 1, at(3, 1), 30),)
    assert found.ratings == Ratings(1, 4, (0, 0, 0, 1, 0), (LeaderRating(p["fay"], 1, 4),))
    assert found.train_the_trainer == TrainTheTrainer(1, 0, 0, 0)
    assert found.mix.organisation == MixFigures(1, 2, 1, 0, 3900, 600)
    assert found.mix.teams == (MixRow(t["south"], MixFigures(1, 2, 1, 0, 3900, 600)),)
    assert found.formal == (FormalTeam(t["south"], 0, 0, 1, 3900),)


def test_a_kind_filter_narrows_the_leader_led_figures(
    seeded: tuple[Session, ReportWorld],
) -> None:
    session, w = seeded
    found = compute(session, Scope(Q1, kinds=frozenset({RecordKind.COACHING_MOMENT})), now=LATER)
    assert found.hours_by_kind == (KindHours(RecordKind.COACHING_MOMENT, 1, 1800),)
    assert found.reach == Reach(1, (LeaderReach(w.people["ada"], 1),))
    assert found.topics == ()
    assert found.ratings.ratings == 1  # bo's 5 for r2
    # The formal side of the mix is no record kind: it stays.
    assert found.mix.organisation == MixFigures(0, 1, 2, 0, 1800, 1800)


def test_coaching_days_count_to_now_while_the_period_runs(
    seeded: tuple[Session, ReportWorld],
) -> None:
    session, w = seeded
    found = compute(session, Scope(Q1), now=datetime(2025, 3, 2, 10, tzinfo=UTC))
    eli = next(row for row in found.coaching if row.person_id == w.people["eli"])
    assert eli.days_since == 1


@pytest.mark.parametrize("few", [2000, 0], ids=["their ids", "one grouped scan"])
def test_the_last_coaching_before_the_period_is_found_either_way(
    seeded: tuple[Session, ReportWorld], monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    """dee had no coaching in Q1: her last one (r4, 2024-12-20) is looked up for
    the members without one alone, or, past ``_FEW_PEOPLE`` of them, by one
    grouped scan of the history; both find it, and only for her team."""
    session, w = seeded
    monkeypatch.setattr(reports_local, "_FEW_PEOPLE", few)
    found = compute(session, Scope(Q1), now=LATER)
    without = [row for row in found.coaching if row.sessions == 0]
    assert without == [MemberCoaching(w.people["dee"], w.teams["north"], 0, at(12, 20, 2024), 101)]


def test_the_fold_adds_a_learners_rows_and_keeps_the_last_coaching() -> None:
    """bo (person 2) in team 7: coached by ada (1) once, mentored by cy (3)
    twice (the later), attended one of ada's sessions; a row without a team
    counts towards the mix but not towards a member's coaching."""
    early, late = datetime(2025, 2, 1, 10), datetime(2025, 3, 5, 9)
    folded = fold_learners(
        [
            (2, 1, 7, "COACHING_MOMENT", "LEARNER", 1, 1800, early),
            (2, 3, 7, "MENTORING_SESSION", "LEARNER", 2, 600, late),
            (2, 1, 7, "KNOWLEDGE_SESSION", "ATTENDEE", 1, 3600, None),
            (2, 1, None, "COACHING_MOMENT", "LEARNER", 1, 300, datetime(2025, 3, 9)),
            (4, 3, 7, "TTT_SESSION", "NEW_TRAINER", 1, 7200, None),
        ]
    )
    assert folded.taught == {2}
    assert folded.by_leader == {1: {2}, 3: {2}}
    assert folded.coached == {(2, 7): [3, late]}
    # Coaching, mentoring and a knowledge session are social (the 20), a
    # train-the-trainer session formal (the 10); in MixFigures' field order.
    assert folded.by_pair == {
        (2, 7): [0, 4, 0, 0, 6000, 0],
        (2, None): [0, 1, 0, 0, 300, 0],
        (4, 7): [0, 0, 1, 0, 0, 7200],
    }


def test_an_empty_period_has_zero_figures(seeded: tuple[Session, ReportWorld]) -> None:
    session, _ = seeded
    found = compute(session, Scope(ReportPeriod.month(2023, 5)), now=LATER)
    assert found.hours_by_kind == ()
    assert found.mix.organisation == MixFigures()
    assert found.mix.organisation.share(Mode.SOCIAL) is None
    assert found.leaders_teaching == LeadersTeaching(3, 0)


def test_drill_down_gives_the_records_and_their_current_statement_ids(
    seeded: tuple[Session, ReportWorld],
) -> None:
    session, w = seeded
    scope = Scope(Q1)
    rows = drill(session, scope, Indicator.HOURS_BY_KIND, "coaching_moment")
    assert [(r.record_id, r.statement_ids, r.seconds) for r in rows] == [
        (w.records["r2"], (STATED,), 1800)
    ]
    coached = drill(session, scope, Indicator.COACHING, str(w.people["dee"]))
    assert coached == []  # dee's coaching (r4) was before the quarter
    formal = drill(session, scope, Indicator.MIX, f"person:{w.people['bo']}:formal")
    assert [r.statement_ids for r in formal] == [(F1,)]
    south = drill(session, scope, Indicator.FORMAL, str(w.teams["south"]))
    assert [r.statement_ids for r in south] == [(F2,)]
    topics = drill(session, scope, Indicator.TOPICS, "products")
    assert [r.record_id for r in topics] == [w.records["r1"]]
    rated = drill(session, scope, Indicator.RATINGS, str(w.people["ada"]))
    assert [r.record_id for r in rated] == [w.records["r14"], w.records["r15"]]
    trained = drill(session, scope, Indicator.TRAIN_THE_TRAINER, "trained")
    assert [r.record_id for r in trained] == [w.records["r12"]]
    social = drill(session, scope, Indicator.MIX, f"team:{w.teams['south']}:social")
    assert [r.record_id for r in social] == [w.records["r3"], w.records["r5"]]


@pytest.mark.parametrize(
    ("indicator", "key"),
    [
        (Indicator.HOURS_BY_KIND, "teleporting"),
        (Indicator.COACHING, "bo"),
        (Indicator.GOALS, "dreamt"),
        (Indicator.MIX, "person:1:magic"),
        (Indicator.MIX, "planet:1:social"),
        (Indicator.TRAIN_THE_TRAINER, None),
    ],
)
def test_drill_down_refuses_a_key_the_figure_does_not_have(
    seeded: tuple[Session, ReportWorld], indicator: Indicator, key: str | None
) -> None:
    session, _ = seeded
    with pytest.raises(Invalid):
        drill(session, Scope(Q1), indicator, key)


def test_drill_down_into_another_team_of_a_team_scope_is_refused(
    seeded: tuple[Session, ReportWorld],
) -> None:
    session, w = seeded
    with pytest.raises(Invalid):
        drill(
            session,
            Scope(Q1, frozenset({w.teams["south"]})),
            Indicator.FORMAL,
            str(w.teams["north"]),
        )


@pytest.mark.parametrize(
    "which",
    ["organisation", "south", "coaching-only", "north-month", "year"],
)
def test_python_over_loaded_rows_gives_the_same_figures_as_the_sql(
    seeded: tuple[Session, ReportWorld], which: str
) -> None:
    """The LRS report and the benchmark baseline count in Python (reports.rows):
    the same rules as the SQL, held to it here."""
    session, w = seeded
    scope = {
        "organisation": Scope(Q1),
        "south": Scope(Q1, frozenset({w.teams["south"]})),
        "coaching-only": Scope(Q1, kinds=frozenset({RecordKind.COACHING_MOMENT})),
        "north-month": Scope(ReportPeriod.month(2025, 2), frozenset({w.teams["north"]})),
        "year": Scope(ReportPeriod.year(2024)),
    }[which]
    records, formal, roster = load_rows(session)
    assert compute_rows(scope, records, formal, roster, now=LATER) == compute(
        session, scope, now=LATER
    )


@pytest.mark.parametrize("which", ["organisation", "south", "coaching-only", "year"])
def test_the_trend_counts_the_same_organisation_mix_as_the_report(
    seeded: tuple[Session, ReportWorld], which: str
) -> None:
    session, w = seeded
    scope = {
        "organisation": Scope(Q1),
        "south": Scope(Q1, frozenset({w.teams["south"]})),
        "coaching-only": Scope(Q1, kinds=frozenset({RecordKind.COACHING_MOMENT})),
        "year": Scope(ReportPeriod.year(2025)),
    }[which]
    expected = compute(session, scope, now=LATER).mix.organisation
    assert mix_by_period(session, scope, [scope.period]) == [expected]


@pytest.mark.parametrize("which", ["months", "a gap", "overlapping"])
def test_the_trend_counts_each_of_several_periods_as_its_report(
    seeded: tuple[Session, ReportWorld], which: str
) -> None:
    """The leader-led records of all the periods are read in one scan and put in
    their period; each period's mix must be that period's report's."""
    session, w = seeded
    periods = {
        # November 2024 to April 2025: records in four of the six.
        "months": [
            ReportPeriod.month(2024, 11),
            ReportPeriod.month(2024, 12),
            *(ReportPeriod.month(2025, m) for m in range(1, 5)),
        ],
        "a gap": [ReportPeriod.month(2025, 1), ReportPeriod.month(2025, 3)],
        "overlapping": [Q1, ReportPeriod.month(2025, 2), ReportPeriod.year(2025)],
    }[which]
    for teams in (None, frozenset({w.teams["north"]})):
        expected = [
            compute(session, Scope(period, teams), now=LATER).mix.organisation for period in periods
        ]
        assert len({(m.experiential_count, m.social_count) for m in expected}) > 1
        assert mix_by_period(session, Scope(Q1, teams), periods) == expected


def test_a_rating_of_a_deleted_session_is_no_longer_counted(
    seeded: tuple[Session, ReportWorld],
) -> None:
    """bo rated ada's coaching moment r2 with 5; ada deletes r2 (its statements
    are voided, the LRS drops the rating with it): the report drops it too,
    and so does the figure's drill-down, as the LRS path does."""
    session, w = seeded
    p = w.people
    deleted = session.get(LeaderLedRecord, w.records["r2"])
    assert deleted is not None
    deleted.state = RecordState.DELETED
    session.commit()
    found = compute(session, Scope(Q1), now=LATER)
    assert found.ratings == Ratings(
        ratings=2,
        total=7,
        by_value=(0, 0, 1, 1, 0),
        by_leader=tuple(
            sorted(
                [LeaderRating(p["ada"], 1, 3), LeaderRating(p["fay"], 1, 4)],
                key=lambda r: r.leader_id,
            )
        ),
    )
    rows = drill(session, Scope(Q1), Indicator.RATINGS, None)
    assert w.records["r14"] not in {r.record_id for r in rows}
    records, formal, roster = load_rows(session)
    assert compute_rows(Scope(Q1), records, formal, roster, now=LATER).ratings == found.ratings
