"""What every builder shares: options, small value types, formatting, assembly.

Builders return plain JSON-ready dicts, built in a fixed key order from their
inputs only, so the same inputs (id and timestamp included) always give the
same JSON: the outbox stores it once and resends it byte for byte.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from statements import vocabulary as v
from statements.identity import Identity
from statements.iri import iri_problem
from statements.iri import shown as shown_iri
from statements.template_specs import TemplateSpec

XapiVersion = Literal["1.0.3", "2.0.0"]
XAPI_VERSIONS: tuple[XapiVersion, ...] = ("1.0.3", "2.0.0")
Statement = dict[str, Any]
Topic = Literal["products", "services", "distribution-channels", "market-dynamics", "operations"]


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """How to write statements: for which base and xAPI version, and what to disclose.

    Minimal by default (DESIGN section 9): agents carry only their identifier
    (the LMS account), no names, no email addresses, no free text. Each of
    ``with_names``, ``with_mbox`` and ``include_free_text`` is a platform's
    explicit opt-in. Without ``with_mbox`` an email identity is written as its
    ``mbox_sha1sum``, so the address itself never leaves the tool.
    """

    base: str = v.DEFAULT_PROFILE_BASE
    xapi_version: XapiVersion = "1.0.3"
    with_names: bool = False
    with_mbox: bool = False
    include_free_text: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", v.normalise_base(self.base))
        if self.xapi_version not in XAPI_VERSIONS:
            raise ValueError(
                f"xAPI version must be one of {', '.join(XAPI_VERSIONS)}, got {self.xapi_version!r}"
            )


DEFAULT_OPTIONS = BuildOptions()


@dataclass(frozen=True, slots=True)
class Text:
    """A title in English and/or Dutch; becomes an xAPI language map."""

    en: str = ""
    nl: str = ""

    def as_map(self, what: str = "name") -> dict[str, str]:
        texts = {lang: t.strip() for lang, t in (("en", self.en), ("nl", self.nl)) if t.strip()}
        if not texts:
            raise ValueError(f"{what} needs an English or a Dutch text")
        return texts


@dataclass(frozen=True, slots=True)
class Rating:
    """A rating on a scale, e.g. 4 on 1..5; written as ``result.score``."""

    value: int
    scale_min: int = 1
    scale_max: int = 5

    def __post_init__(self) -> None:
        if self.scale_min >= self.scale_max:
            raise ValueError(
                f"rating scale minimum {self.scale_min} must be below maximum {self.scale_max}"
            )
        if not self.scale_min <= self.value <= self.scale_max:
            raise ValueError(
                f"rating {self.value} is outside the scale {self.scale_min}..{self.scale_max}"
            )

    def score(self) -> dict[str, Any]:
        scaled = round((self.value - self.scale_min) / (self.scale_max - self.scale_min), 4)
        return {"scaled": scaled, "raw": self.value, "min": self.scale_min, "max": self.scale_max}


@dataclass(frozen=True, slots=True)
class Category:
    """A topic category of the organisation's own, beyond the five built in."""

    id: str
    title: Text


@dataclass(frozen=True, slots=True)
class CompanyValue:
    """A key company value or priority that a session, moment or material supports."""

    id: str
    title: Text


def value_activity(value: CompanyValue, options: BuildOptions) -> Statement:
    """The company value as a grouping activity."""
    return activity(
        value.id,
        v.COMPANY_VALUE.iri(options.base),
        value.title.as_map("company value title"),
        what="company value id",
    )


@dataclass(frozen=True, slots=True)
class ContextParts:
    """The context of one statement, before it is written for a version."""

    instructor: Identity | None = None
    learner: Identity | None = None  # the mentee or new trainer, in a context extension
    registration: uuid.UUID | None = None
    topic: Topic | Category | None = None
    parent: tuple[Statement, ...] = ()
    grouping: tuple[Statement, ...] = ()
    other: tuple[Statement, ...] = ()
    agents: tuple[tuple[Identity, v.Term], ...] = ()
    groups: tuple[tuple[tuple[Identity, ...], v.Term], ...] = field(default=())


def check_iri(value: str, what: str) -> str:
    """``value`` if it is an absolute IRI (RFC 3987); else a ValueError that names ``what``
    and says which part of the IRI is wrong, so a form can show it on the field."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be an absolute IRI such as https://..., got {value!r}")
    problem = iri_problem(value)
    if problem is not None:
        raise ValueError(f"{what} '{shown_iri(value)}' {problem.reason}")
    return value


def format_timestamp(moment: datetime) -> str:
    """UTC with milliseconds and 'Z'; naive datetimes are refused, not guessed."""
    if not isinstance(moment, datetime):
        raise TypeError(f"timestamp must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"timestamp {moment.isoformat()} has no time zone: pass a timezone-aware datetime "
            "(e.g. datetime.now(timezone.utc))"
        )
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def format_duration(span: timedelta) -> str:
    """ISO 8601 duration in hours, minutes and seconds (to 0.01 s, as xAPI keeps)."""
    if span < timedelta(0):
        raise ValueError(f"duration must not be negative, got {span}")
    centis = round(span / timedelta(milliseconds=10))
    hours, rest = divmod(centis, 360_000)
    minutes, centis = divmod(rest, 6_000)
    seconds, fraction = divmod(centis, 100)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if seconds or fraction or text == "PT":
        text += f"{seconds}.{fraction:02d}".rstrip("0").rstrip(".") + "S"
    return text


def statement_uuid(statement_id: uuid.UUID | str | None) -> str:
    """The caller's id in canonical form, or a fresh uuid4."""
    if statement_id is None:
        return str(uuid.uuid4())
    if isinstance(statement_id, uuid.UUID):
        return str(statement_id)
    try:
        return str(uuid.UUID(statement_id))
    except (ValueError, AttributeError, TypeError):
        raise ValueError(f"statement id must be a UUID, got {statement_id!r}") from None


#: The namespace of the registrations statements get of their own (uuid5 of their id).
OWN_REGISTRATIONS = uuid.uuid5(uuid.NAMESPACE_URL, "https://w3id.org/leaderled/registrations")


def own_registration(statement_id: str) -> uuid.UUID:
    """The registration of a statement that belongs with no other: the same for
    the same statement id, so a statement built again is the same statement."""
    return uuid.uuid5(OWN_REGISTRATIONS, statement_id)


def _registration(value: object) -> str:
    try:
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
    except ValueError:
        raise ValueError(f"registration must be a UUID, got {value!r}") from None


def canonical_json(statement: Statement) -> str:
    """The exact text to store and resend: sorted keys, no spaces, UTF-8."""
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


#: Namespace of :func:`content_id` (a uuid5 of our own; never change it).
CONTENT_NAMESPACE = uuid.UUID("5d0f3c9e-6a1b-5e4f-9c2d-7b8a1e0f4c36")


def content_id(statement: Statement) -> str:
    """A statement id derived from everything else in the statement (a name-based UUID).

    An LRS keeps one content per id and refuses (409) the same id with other
    content. Statements that must be re-sendable to the same LRS any number
    of times (the demo, the examples) take this id: the same content always
    gets the same id, other content (a moved timestamp, another xAPI version)
    another one.
    """
    return str(uuid.uuid5(CONTENT_NAMESPACE, canonical_json(_content(statement))))


def _has_own_registration(statement: Statement) -> bool:
    context = statement.get("context")
    own_id = statement.get("id")
    return (
        isinstance(context, dict)
        and isinstance(own_id, str)
        and context.get("registration") == str(own_registration(own_id))
    )


def _content(statement: Statement) -> Statement:
    """Everything but the id, and but a registration derived from the id."""
    rest = {key: value for key, value in statement.items() if key != "id"}
    if _has_own_registration(statement):
        rest["context"] = {k: v for k, v in rest["context"].items() if k != "registration"}
    return rest


def with_content_id(statement: Statement) -> Statement:
    """``statement`` with :func:`content_id` as its id (first, as the builders write
    it), and a registration of its own derived from that id if it had one."""
    own = _has_own_registration(statement)
    new_id = content_id(statement)
    rest = {key: value for key, value in statement.items() if key != "id"}
    if own:
        rest["context"] = {**rest["context"], "registration": str(own_registration(new_id))}
    return {"id": new_id, **rest}


def activity(
    iri: str,
    activity_type: str,
    name: dict[str, str] | None = None,
    *,
    description: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
    what: str = "activity id",
) -> Statement:
    definition: dict[str, Any] = {"type": activity_type}
    if name:
        definition["name"] = name
    if description:
        definition["description"] = description
    if extensions:
        definition["extensions"] = extensions
    return {"objectType": "Activity", "id": check_iri(iri, what), "definition": definition}


def agent(identity: Identity, options: BuildOptions) -> Statement:
    """The Agent for an identity; refuses identities an LRS would reject.

    An email address is written as such only with ``options.with_mbox``;
    otherwise as its sha1 (the same person to an LRS, not readable).
    """
    if not isinstance(identity, Identity):
        raise TypeError(f"expected an Identity, got {type(identity).__name__}")
    if not identity.value.strip():
        raise ValueError(f"{identity.kind} identity has an empty value")
    if identity.kind == "account":
        check_iri(identity.home_page or "", "account homePage")
    elif identity.kind == "mbox":
        if "@" not in identity.value:
            raise ValueError(f"mbox identity needs an email address, got {identity.value!r}")
        if not options.with_mbox:
            identity = identity.sha1()
    return identity.to_actor(with_name=options.with_names)


def assemble(
    spec: TemplateSpec,
    options: BuildOptions,
    *,
    statement_id: uuid.UUID | str | None,
    occurred_at: datetime,
    actor: Identity,
    obj: Statement,
    context: ContextParts,
    result: Statement | None = None,
) -> Statement:
    """The statement for ``spec``, written for ``options.xapi_version``.

    A statement that belongs with no other (no mentoring relationship or
    trainer pairing names its registration) gets a registration of its own,
    derived from its id: the xAPI Profiles spec has every statement with the
    profile in its category follow a primary pattern within one registration,
    and "A statement on its own" is that pattern (``template_specs.PATTERNS``).
    """
    base = options.base
    own_id = statement_uuid(statement_id)
    if context.registration is None:
        context = replace(context, registration=own_registration(own_id))
    statement: Statement = {
        "id": own_id,
        "timestamp": format_timestamp(occurred_at),
        "actor": agent(actor, options),
        "verb": {"id": spec.verb.iri(base), "display": spec.verb.display()},
        "object": obj,
    }
    if result:
        statement["result"] = result
    statement["context"] = _context(spec, options, context)
    return statement


def _context(spec: TemplateSpec, options: BuildOptions, parts: ContextParts) -> Statement:
    base = options.base
    context: Statement = {}
    if parts.registration is not None:
        context["registration"] = _registration(parts.registration)
    if parts.instructor is not None:
        context["instructor"] = agent(parts.instructor, options)
    category = [activity(v.version_iri(base), v.PROFILE_TYPE.iri(base))]
    if isinstance(parts.topic, Category):
        category.append(
            activity(
                parts.topic.id,
                v.TOPIC_CATEGORY.iri(base),
                parts.topic.title.as_map("topic category title"),
                what="topic category id",
            )
        )
    elif parts.topic is not None:
        if parts.topic not in v.TOPICS:
            raise ValueError(f"topic must be one of {', '.join(v.TOPICS)}, got {parts.topic!r}")
        term = v.TOPICS[parts.topic]
        category.append(activity(term.iri(base), v.TOPIC_CATEGORY.iri(base), term.display()))
    activities: Statement = {}
    for key, items in (("parent", parts.parent), ("grouping", parts.grouping)):
        if items:
            activities[key] = list(items)
    activities["category"] = category
    if parts.other:
        activities["other"] = list(parts.other)
    context["contextActivities"] = activities
    if options.xapi_version == "2.0.0":
        if parts.agents:
            context["contextAgents"] = [
                {
                    "objectType": "contextAgent",
                    "agent": agent(who, options),
                    "relevantTypes": [role.iri(base)],
                }
                for who, role in parts.agents
            ]
        groups = [(members, role) for members, role in parts.groups if members]
        if groups:
            context["contextGroups"] = [
                {
                    "objectType": "contextGroup",
                    "group": {
                        "objectType": "Group",
                        "member": [agent(m, options) for m in members],
                    },
                    "relevantTypes": [role.iri(base)],
                }
                for members, role in groups
            ]
    extensions: Statement = {}
    if parts.learner is not None:
        extensions[v.LEARNER.iri(base)] = agent(parts.learner, options)
    extensions[v.LEARNING_MODE.iri(base)] = spec.learning_mode
    context["extensions"] = extensions
    return context


def free_text(text: str | None, options: BuildOptions) -> dict[str, str]:
    """Result extensions holding notes, only when the organisation opted in."""
    if not options.include_free_text or not text or not text.strip():
        return {}
    return {v.NOTES.iri(options.base): text.strip()}


def rated(rating: Rating, comment: str | None, options: BuildOptions) -> Statement:
    """``result`` for a rating: the score, plus the comment only on opt-in."""
    result: Statement = {"score": rating.score()}
    extensions = free_text(comment, options)
    if extensions:
        result["extensions"] = extensions
    return result
