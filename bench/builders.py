"""Building a statement with our builders, against TinCanPython building the same one.

A recording writes its statements into the outbox inside the web request's
transaction, so building must be cheap. The baseline is the ADL-listed Python
library ``tincan`` (TinCanPython) constructing the same knowledge-session
statement from the same values and serialising it, in the same run. Ours also
checks its inputs (IRIs, time zone, scale) and writes canonical JSON.
``python -m bench builders``.
"""

from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import Callable
from datetime import timedelta

from bench._size import size
from statements import vocabulary as v
from statements.builders import REGISTRY, BuildOptions, SessionTaught, canonical_json

ROUNDS = size(9, 1)
REPEAT = size(2000, 3)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import tincan


def _ours(event: SessionTaught, options: BuildOptions, sid: uuid.UUID) -> Callable[[], object]:
    build = REGISTRY["knowledge-session-taught"].build
    return lambda: canonical_json(build(event, options, statement_id=sid))


def _tincan(event: SessionTaught, options: BuildOptions, sid: uuid.UUID) -> Callable[[], object]:
    base = options.base
    material = event.materials[0]
    topic = v.TOPICS[event.session.topic]

    def activity(iri: str, kind: str, name: dict[str, str] | None = None) -> tincan.Activity:
        definition = tincan.ActivityDefinition(type=kind)
        if name:
            definition.name = tincan.LanguageMap(name)
        return tincan.Activity(id=iri, definition=definition)

    def build() -> object:
        leader = event.leader
        statement = tincan.Statement(
            id=sid,
            timestamp=event.occurred_at,
            actor=tincan.Agent(
                name=leader.name,
                account=tincan.AgentAccount(home_page=leader.home_page, name=leader.value),
            ),
            verb=tincan.Verb(id=v.TAUGHT.iri(base), display=tincan.LanguageMap(v.TAUGHT.display())),
            object=activity(
                event.session.id, v.KNOWLEDGE_SESSION.iri(base), event.session.title.as_map()
            ),
            result=tincan.Result(
                duration=event.duration,
                extensions=tincan.Extensions({v.ATTENDEE_COUNT.iri(base): len(event.attendees)}),
            ),
            context=tincan.Context(
                context_activities=tincan.ContextActivities(
                    category=[
                        activity(v.version_iri(base), v.PROFILE_TYPE.iri(base)),
                        activity(topic.iri(base), v.TOPIC_CATEGORY.iri(base), topic.display()),
                    ],
                    other=[
                        activity(
                            material.id, v.TRAINING_MATERIAL.iri(base), material.title.as_map()
                        )
                    ],
                ),
                extensions=tincan.Extensions({v.LEARNING_MODE.iri(base): "social"}),
            ),
        )
        return statement.to_json()

    return build


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(REPEAT):
        work()
    return time.perf_counter() - start


def main() -> None:
    example = REGISTRY["knowledge-session-taught"].example
    event = SessionTaught(
        example.leader,
        example.session,
        example.occurred_at,
        timedelta(minutes=45),
        example.attendees,
        example.materials,
    )
    options, sid = BuildOptions(), uuid.uuid4()
    works = [_tincan(event, options, sid), _ours(event, options, sid)]
    best = [float("inf")] * len(works)
    for _ in range(ROUNDS):  # alternate, so load from others hits both alike
        for index, work in enumerate(works):
            best[index] = min(best[index], _timed(work))
    baseline, ours = best
    print(f"statements per round: {REPEAT} (knowledge session taught, 1.0.3)")
    print(f"tincan build + to_json (baseline): {baseline / REPEAT * 1e6:7.2f} us/statement")
    print(f"leaderled build + canonical_json:  {ours / REPEAT * 1e6:7.2f} us/statement")
    print(f"tincan / leaderled:                {baseline / ours:5.2f}x")


if __name__ == "__main__":
    main()
