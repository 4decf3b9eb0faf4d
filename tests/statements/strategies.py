"""Hypothesis strategies: random valid inputs for every builder, keyed by template slug."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from statements.builders import (
    CompanyValue,
    ExpectationsAcknowledged,
    FeedbackGiven,
    Goal,
    GoalEvent,
    KnowledgeSession,
    Material,
    MaterialEvent,
    MentoringMoment,
    Rating,
    SessionAttended,
    SessionConfirmed,
    SessionRated,
    SessionRef,
    SessionTaught,
    StatementVoided,
    Text,
    TrainerPairingAssigned,
    TrainTheTrainerAttended,
)
from statements.identity import Identity
from statements.vocabulary import MATERIAL_TYPES, SESSION_TYPES, TOPICS

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéëï ABCXYZ0123456789-", min_size=1, max_size=20)
_SLUG = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)

texts = st.one_of(
    st.builds(Text, en=_WORD.filter(str.strip)),
    st.builds(Text, nl=_WORD.filter(str.strip)),
    st.builds(Text, en=_WORD.filter(str.strip), nl=_WORD.filter(str.strip)),
)
iris = st.builds(
    lambda host, kind, slug: f"https://{host}/{kind}/{slug}",
    st.sampled_from(["leaderled.example.org", "lms.example.nl"]),
    st.sampled_from(["sessions", "moments", "materials", "goals", "x"]),
    _SLUG,
)
_display = st.none() | _WORD.filter(str.strip)
identities = st.one_of(
    st.builds(
        Identity.account,
        st.sampled_from(["https://moodle.example.org", "https://lms.example.nl/moodle"]),
        st.integers(min_value=1, max_value=10**6).map(str),
        display=_display,
    ),
    st.builds(
        Identity.mbox,
        st.builds(lambda user, host: f"{user}@{host}", _SLUG, st.sampled_from(["example.org"])),
        display=_display,
    ),
)
moments = st.datetimes(
    min_value=datetime(2000, 1, 2),
    max_value=datetime(2025, 12, 30),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))]
    ),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=30))
topics = st.sampled_from(sorted(TOPICS))
sessions = st.builds(KnowledgeSession, iris, texts, topics)
materials = st.builds(Material, iris, texts, st.sampled_from(sorted(MATERIAL_TYPES)))


@st.composite
def ratings(draw: st.DrawFn) -> Rating:
    low = draw(st.integers(min_value=0, max_value=3))
    high = draw(st.integers(min_value=low + 1, max_value=10))
    return Rating(draw(st.integers(min_value=low, max_value=high)), low, high)


@st.composite
def _pairing(draw: st.DrawFn) -> TrainerPairingAssigned:
    new, experienced = draw(st.lists(identities, min_size=2, max_size=2, unique_by=Identity.key))
    return TrainerPairingAssigned(
        draw(identities),
        new,
        experienced,
        draw(iris),
        draw(texts),
        draw(st.uuids(version=4)),
        draw(moments),
    )


_notes = st.none() | _WORD
session_refs = st.builds(SessionRef, iris, texts, st.sampled_from(sorted(SESSION_TYPES)))
_goals = st.builds(Goal, iris, texts, st.none() | st.dates())
_goal_events = st.builds(
    GoalEvent, identities, _goals, moments, st.none() | identities, st.none() | st.uuids(version=4)
)

EVENTS: dict[str, st.SearchStrategy[Any]] = {
    "knowledge-session-taught": st.builds(
        SessionTaught,
        identities,
        sessions,
        moments,
        durations,
        st.lists(identities, max_size=4).map(tuple),
        st.lists(materials, max_size=3).map(tuple),
    ),
    "knowledge-session-attended": st.builds(
        SessionAttended, identities, identities, sessions, moments, durations
    ),
    "mentoring-session-held": st.builds(
        MentoringMoment,
        st.just("mentoring"),
        identities,
        identities,
        iris,
        texts,
        st.uuids(version=4),
        moments,
        durations,
        _notes,
    ),
    "coaching-moment-given": st.builds(
        MentoringMoment,
        st.just("coaching"),
        identities,
        identities,
        iris,
        texts,
        st.uuids(version=4),
        moments,
        durations,
        _notes,
    ),
    "train-the-trainer-attended": st.builds(
        TrainTheTrainerAttended,
        identities,
        identities,
        iris,
        texts,
        moments,
        durations,
        st.none() | st.uuids(version=4),
    ),
    "trainer-pairing-assigned": _pairing(),
    "feedback-given": st.builds(
        FeedbackGiven,
        identities,
        identities,
        sessions,
        ratings(),
        moments,
        st.none() | st.uuids(version=4),
        _notes,
    ),
    "material-used": st.builds(
        MaterialEvent,
        st.just("used"),
        identities,
        materials,
        moments,
        st.none() | st.builds(CompanyValue, iris, texts),
    ),
    "material-shared": st.builds(
        MaterialEvent,
        st.just("shared"),
        identities,
        materials,
        moments,
        st.none() | st.builds(CompanyValue, iris, texts),
    ),
    "expectations-acknowledged": st.builds(
        ExpectationsAcknowledged,
        identities,
        iris,
        texts,
        st.sampled_from(["leader", "trainer", "mentor"]),
        moments,
    ),
    "goal-set": _goal_events,
    "goal-met": _goal_events,
    "session-confirmed": st.builds(SessionConfirmed, identities, identities, session_refs, moments),
    "session-rated": st.builds(
        SessionRated, identities, identities, session_refs, ratings(), moments, _notes
    ),
    "statement-voided": st.builds(StatementVoided, identities, st.uuids(version=4), moments),
}
