"""Every IRI Leaderled uses in statements, with English and Dutch display names.

Existing IRIs are reused where their published definition fits (ADL verbs and
activity types, the TinCan registry, Activity Streams 1.0); the gaps are
minted below our profile base, which is configurable, so a minted term holds
a path and becomes an IRI only through :meth:`Term.iri`. This module is the
single source of truth: the builders, the profile document and the template
check all read these terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from statements.iri import iri_problem

DEFAULT_PROFILE_BASE = "http://localhost:5000/xapi"
PROFILE_PATH = "/profile"
PROFILE_VERSION = "1.0"
VERSION_PATH = f"{PROFILE_PATH}/{PROFILE_VERSION}"
PROFILE_CONTEXT = "https://w3id.org/xapi/profiles/context"
PROFILE_CONFORMS_TO = "https://w3id.org/xapi/profiles#1.0"
ACTIVITY_CONTEXT = "https://w3id.org/xapi/profiles/activity-context"

TermKind = Literal[
    "Verb", "ActivityType", "ContextExtension", "ResultExtension", "ActivityExtension", "Activity"
]
LearningMode = Literal["experiential", "social", "formal"]
LEARNING_MODES: tuple[LearningMode, ...] = ("experiential", "social", "formal")


@lru_cache(maxsize=64)
def normalise_base(base: str) -> str:
    """The base without a trailing slash; an absolute http(s) IRI (RFC 3987) or ValueError.

    Every minted IRI is this base plus a path, so the base must be one that
    an LRS accepts, and have no query or fragment for paths to follow.
    """
    cleaned = base.strip().rstrip("/")
    scheme, sep, rest = cleaned.partition("://")
    if not sep or scheme not in {"http", "https"} or not rest or " " in cleaned:
        raise ValueError(f"profile base must be an absolute http(s) IRI, got {base!r}")
    problem = iri_problem(cleaned)
    if problem is not None:
        raise ValueError(f"profile base {problem.message[:-1]}")
    if "?" in cleaned or "#" in cleaned:
        raise ValueError(f"profile base must have no query or fragment, got {base!r}")
    return cleaned


def profile_iri(base: str = DEFAULT_PROFILE_BASE) -> str:
    return normalise_base(base) + PROFILE_PATH


def version_iri(base: str = DEFAULT_PROFILE_BASE) -> str:
    """The IRI statements carry in ``context.contextActivities.category``."""
    return normalise_base(base) + VERSION_PATH


@dataclass(frozen=True, slots=True)
class Term:
    """One concept: an existing IRI (``existing_iri``) or one we mint (``path`` below the base)."""

    kind: TermKind
    en: str
    nl: str
    definition_en: str
    definition_nl: str
    existing_iri: str | None = None
    path: str | None = None
    broad_match: tuple[str, ...] = ()
    related_match: tuple[str, ...] = ()
    # JSON Schema of an extension's value (extensions only).
    schema: dict[str, Any] | None = field(default=None, hash=False, compare=False)
    # For activities: their activity type.
    activity_type: Term | None = None

    @property
    def minted(self) -> bool:
        return self.path is not None

    def iri(self, base: str = DEFAULT_PROFILE_BASE) -> str:
        if self.existing_iri is not None:
            return self.existing_iri
        return normalise_base(base) + "/" + str(self.path)

    def display(self) -> dict[str, str]:
        return {"en": self.en, "nl": self.nl}

    def describe(self) -> dict[str, str]:
        return {"en": self.definition_en, "nl": self.definition_nl}


def _existing(kind: TermKind, iri: str, *labels: str) -> Term:
    """An existing concept: its IRI, then en and nl labels and definitions."""
    en, nl, def_en, def_nl = labels
    return Term(kind, en, nl, def_en, def_nl, existing_iri=iri)


ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
TINCAN = "http://id.tincanapi.com/"
ACTIVITY_STREAMS = "http://activitystrea.ms/schema/1.0/"

# --- existing verbs ------------------------------------------------------------------------

ATTENDED = _existing(
    "Verb",
    ADL_VERBS + "attended",
    "attended",
    "was aanwezig bij",
    "Indicates the actor was present at a virtual or physical event or activity.",
    "De actor was aanwezig bij een virtuele of fysieke bijeenkomst of activiteit.",
)
SHARED = _existing(
    "Verb",
    ADL_VERBS + "shared",
    "shared",
    "deelde",
    "Indicates the actor's intent to openly provide access to an object of common interest "
    "to other actors or groups.",
    "De actor maakte een object van gezamenlijk belang open toegankelijk voor anderen.",
)
COMPLETED = _existing(
    "Verb",
    ADL_VERBS + "completed",
    "completed",
    "voltooide",
    "Indicates the actor finished or concluded the activity normally.",
    "De actor heeft de activiteit normaal afgerond.",
)
VOIDED = _existing(
    "Verb",
    ADL_VERBS + "voided",
    "voided",
    "maakte ongeldig",
    "Indicates that the statement referenced in the object is no longer valid.",
    "Het statement waarnaar het object verwijst is niet langer geldig.",
)
MENTORED = _existing(
    "Verb",
    TINCAN + "verb/mentored",
    "mentored",
    "was mentor van",
    "Indicates that the actor has mentored the object, for instance a manager mentoring an "
    "employee.",
    "De actor heeft het object begeleid als mentor, bijvoorbeeld een leidinggevende die een "
    "medewerker begeleidt.",
)
RATED = _existing(
    "Verb",
    TINCAN + "verb/rated",
    "rated",
    "beoordeelde",
    "Action of giving a rating to an object; the rating itself goes in result.score.",
    "Het geven van een waardering aan een object; de waardering staat in result.score.",
)
ASSIGNED = _existing(
    "Verb",
    ACTIVITY_STREAMS + "assign",
    "assigned",
    "wees toe",
    "Indicates that the actor has assigned the object to the target.",
    "De actor heeft het object aan het doel toegewezen.",
)
ACKNOWLEDGED = _existing(
    "Verb",
    ACTIVITY_STREAMS + "acknowledge",
    "acknowledged",
    "nam kennis van",
    "Indicates that the actor has acknowledged the object: the actor is aware of it.",
    "De actor heeft kennisgenomen van het object en is zich ervan bewust.",
)
USED = _existing(
    "Verb",
    ACTIVITY_STREAMS + "use",
    "used",
    "gebruikte",
    "Indicates that the actor has used the object in a specified manner.",
    "De actor heeft het object op een bepaalde manier gebruikt.",
)

# Existing verbs we do not send but link our minted ones to (relatedMatch).
COMMENTED = _existing(
    "Verb",
    ADL_VERBS + "commented",
    "commented",
    "gaf commentaar op",
    "Indicates the actor provided digital or written annotations on or about an object.",
    "De actor gaf digitaal of schriftelijk commentaar op of over een object.",
)
REVIEWED = _existing(
    "Verb",
    TINCAN + "verb/reviewed",
    "reviewed",
    "beoordeelde inhoudelijk",
    "Indicates that the actor has reviewed the object, for instance a piece of work.",
    "De actor heeft het object inhoudelijk beoordeeld, bijvoorbeeld een stuk werk.",
)
CREATED = _existing(
    "Verb",
    ACTIVITY_STREAMS + "create",
    "created",
    "maakte",
    "Indicates that the actor has created the object.",
    "De actor heeft het object gemaakt.",
)

# --- minted verbs (gaps: no existing verb fits) -------------------------------------------

TAUGHT = Term(
    "Verb",
    "taught",
    "gaf",
    "The actor, a leader, taught or facilitated the object session for their people, passing "
    "on knowledge of the organisation.",
    "De actor, een leidinggevende, gaf of begeleidde de sessie voor de eigen mensen en gaf "
    "daarbij kennis van de organisatie door.",
    path="verbs/taught",
    related_match=(ATTENDED.iri(),),
)
COACHED = Term(
    "Verb",
    "coached",
    "coachte",
    "The actor gave the object person an informal coaching moment on the job. Unlike the "
    "ADB 'coached' verb, this says nothing about a queue of requests.",
    "De actor gaf de persoon in het object een informeel coachingsmoment op de werkvloer.",
    path="verbs/coached",
    related_match=(MENTORED.iri(),),
)
GAVE_FEEDBACK = Term(
    "Verb",
    "gave feedback on",
    "gaf feedback op",
    "The actor, an experienced trainer, gave feedback with a rating on a session the "
    "instructor (a new trainer) taught.",
    "De actor, een ervaren trainer, gaf feedback met een waardering op een sessie die de "
    "instructeur (een nieuwe trainer) gaf.",
    path="verbs/gave-feedback",
    related_match=(COMMENTED.iri(), REVIEWED.iri()),
)
SET_GOAL = Term(
    "Verb",
    "set",
    "stelde",
    "The actor set the object goal, alone or agreed with their leader.",
    "De actor stelde het doel in het object, alleen of in overleg met de leidinggevende.",
    path="verbs/set",
    related_match=(CREATED.iri(),),
)
CONFIRMED = Term(
    "Verb",
    "confirmed",
    "bevestigde",
    "The actor, a learner, confirmed they took part in the object session the instructor led.",
    "De actor, een lerende, bevestigde deelname aan de sessie die de instructeur leidde.",
    path="verbs/confirmed",
    related_match=(ATTENDED.iri(),),
)

# --- existing activity types ----------------------------------------------------------------

PROFILE_TYPE = _existing(
    "ActivityType",
    ADL_ACTIVITIES + "profile",
    "profile",
    "profiel",
    "A profile is the set of rules and vocabulary a statement follows.",
    "Een profiel is de set regels en woordenschat die een statement volgt.",
)
MEETING = _existing(
    "ActivityType",
    ADL_ACTIVITIES + "meeting",
    "meeting",
    "bijeenkomst",
    "A meeting is a gathering of multiple people for a common cause.",
    "Een bijeenkomst van meerdere mensen met een gemeenschappelijk doel.",
)
DOCUMENT = _existing(
    "ActivityType",
    TINCAN + "activitytype/document",
    "document",
    "document",
    "A document: text, spreadsheet, presentation or similar.",
    "Een document: tekst, rekenblad, presentatie of iets dergelijks.",
)
TUTOR_SESSION = _existing(
    "ActivityType",
    TINCAN + "activitytype/tutor-session",
    "tutor session",
    "begeleidingssessie",
    "A session between a tutor and a learner.",
    "Een sessie tussen een begeleider en een lerende.",
)
GOAL = _existing(
    "ActivityType",
    TINCAN + "activitytype/goal",
    "goal",
    "doel",
    "A goal: something a person aims to achieve.",
    "Een doel: iets wat iemand wil bereiken.",
)

# --- minted activity types ------------------------------------------------------------------


def _type(path: str, en: str, nl: str, def_en: str, def_nl: str, **links: Any) -> Term:
    return Term("ActivityType", en, nl, def_en, def_nl, path="activity-types/" + path, **links)


KNOWLEDGE_SESSION = _type(
    "knowledge-session",
    "knowledge session",
    "kennissessie",
    "A session in which a leader shares knowledge of products, services, distribution "
    "channels, market dynamics or operations with their people.",
    "Een sessie waarin een leidinggevende kennis van producten, diensten, distributiekanalen, "
    "marktdynamiek of bedrijfsvoering deelt met de eigen mensen.",
    broad_match=(MEETING.iri(),),
)
MENTORING_SESSION = _type(
    "mentoring-session",
    "mentoring session",
    "mentorgesprek",
    "A planned conversation in which a leader passes on life, work and development experience "
    "to one of their people.",
    "Een gepland gesprek waarin een leidinggevende levens-, werk- en ontwikkelervaring "
    "doorgeeft aan een van de eigen mensen.",
    broad_match=(MEETING.iri(),),
    related_match=(TUTOR_SESSION.iri(),),
)
COACHING_MOMENT = _type(
    "coaching-moment",
    "coaching moment",
    "coachingsmoment",
    "A short informal coaching moment on the job, often unplanned.",
    "Een kort, informeel coachingsmoment op de werkvloer, vaak ongepland.",
    related_match=(TUTOR_SESSION.iri(),),
)
TRAIN_THE_TRAINER_SESSION = _type(
    "train-the-trainer-session",
    "train-the-trainer session",
    "train-de-trainersessie",
    "A session that gives leaders handles and feedback for teaching and coaching their people.",
    "Een sessie die leidinggevenden handvatten en feedback geeft om hun mensen te trainen en "
    "te coachen.",
    broad_match=(MEETING.iri(),),
)
TRAINER_PAIRING = _type(
    "trainer-pairing",
    "trainer pairing",
    "trainerskoppel",
    "A pairing of an inexperienced trainer with a colleague who already has coaching or "
    "training experience.",
    "Een koppeling van een onervaren trainer aan een collega met coachings- of trainingservaring.",
)
TRAINING_MATERIAL = _type(
    "training-material",
    "training material",
    "trainingsmateriaal",
    "Easy-to-use training content a leader uses or shares when teaching.",
    "Eenvoudig te gebruiken trainingsinhoud die een leidinggevende gebruikt of deelt.",
    broad_match=(DOCUMENT.iri(),),
)
COACHING_GUIDELINE = _type(
    "coaching-guideline",
    "coaching guideline",
    "coachingsrichtlijn",
    "Guidance for leaders on how to coach and mentor their people.",
    "Richtlijn voor leidinggevenden over hoe ze hun mensen coachen en begeleiden.",
    broad_match=(DOCUMENT.iri(),),
)
BEST_PRACTICE = _type(
    "best-practice",
    "best practice",
    "goede praktijk",
    "A described way of working that proved itself around a key company value or priority.",
    "Een beschreven werkwijze die zich bewezen heeft rond een kernwaarde of prioriteit.",
    broad_match=(DOCUMENT.iri(),),
)
ROLE_EXPECTATIONS = _type(
    "role-expectations",
    "role expectations",
    "rolverwachtingen",
    "What is expected of a person in a role (leader, trainer, mentor) and what leader-led "
    "learning brings them.",
    "Wat er van iemand in een rol (leidinggevende, trainer, mentor) verwacht wordt en wat "
    "leader-led learning hen oplevert.",
)
COMPANY_VALUE = _type(
    "company-value",
    "company value or priority",
    "kernwaarde of prioriteit",
    "A key company value or priority that material or a session supports.",
    "Een kernwaarde of prioriteit van de organisatie die materiaal of een sessie ondersteunt.",
)
TOPIC_CATEGORY = _type(
    "topic-category",
    "topic category",
    "onderwerpcategorie",
    "One of the areas of organisational knowledge a leader passes on.",
    "Een van de gebieden van organisatiekennis die een leidinggevende doorgeeft.",
)

# --- minted roles: 2.0.0 contextAgents / contextGroups relevantTypes ------------------------


def _role(path: str, en: str, nl: str, def_en: str, def_nl: str) -> Term:
    return Term("ActivityType", en, nl, def_en, def_nl, path="roles/" + path)


LEADER_ROLE = _role(
    "leader",
    "leader",
    "leidinggevende",
    "Relevant type of a context agent: the leader who taught, coached or mentored.",
    "Relevant type van een contextagent: de leidinggevende die les gaf, coachte of begeleidde.",
)
LEARNER_ROLE = _role(
    "learner",
    "learner",
    "lerende",
    "Relevant type of a context agent: the person who learned from a leader.",
    "Relevant type van een contextagent: de persoon die leerde van een leidinggevende.",
)
ATTENDEES_ROLE = _role(
    "attendees",
    "attendees",
    "deelnemers",
    "Relevant type of a context group: the people who attended a session.",
    "Relevant type van een contextgroep: de mensen die een sessie bijwoonden.",
)
NEW_TRAINER_ROLE = _role(
    "new-trainer",
    "new trainer",
    "nieuwe trainer",
    "Relevant type of a context agent: the inexperienced trainer of a trainer pairing.",
    "Relevant type van een contextagent: de onervaren trainer in een trainerskoppel.",
)
EXPERIENCED_TRAINER_ROLE = _role(
    "experienced-trainer",
    "experienced trainer",
    "ervaren trainer",
    "Relevant type of a context agent: the experienced trainer of a trainer pairing.",
    "Relevant type van een contextagent: de ervaren trainer in een trainerskoppel.",
)

# --- topic categories: activities in context.contextActivities.category --------------------


def _topic(slug: str, en: str, nl: str, def_en: str, def_nl: str) -> Term:
    return Term(
        "Activity", en, nl, def_en, def_nl, path="topics/" + slug, activity_type=TOPIC_CATEGORY
    )


TOPIC_PRODUCTS = _topic(
    "products",
    "products",
    "producten",
    "Knowledge of the organisation's products.",
    "Kennis van de producten van de organisatie.",
)
TOPIC_SERVICES = _topic(
    "services",
    "services",
    "diensten",
    "Knowledge of the organisation's services.",
    "Kennis van de diensten van de organisatie.",
)
TOPIC_DISTRIBUTION_CHANNELS = _topic(
    "distribution-channels",
    "distribution channels",
    "distributiekanalen",
    "Knowledge of how products and services reach customers.",
    "Kennis van hoe producten en diensten de klant bereiken.",
)
TOPIC_MARKET_DYNAMICS = _topic(
    "market-dynamics",
    "market dynamics",
    "marktdynamiek",
    "Knowledge of customers, competitors and how the market moves.",
    "Kennis van klanten, concurrenten en hoe de markt beweegt.",
)
TOPIC_OPERATIONS = _topic(
    "operations",
    "operations",
    "bedrijfsvoering",
    "Knowledge of how the organisation runs day to day.",
    "Kennis van hoe de organisatie dagelijks werkt.",
)
TOPICS: dict[str, Term] = {
    "products": TOPIC_PRODUCTS,
    "services": TOPIC_SERVICES,
    "distribution-channels": TOPIC_DISTRIBUTION_CHANNELS,
    "market-dynamics": TOPIC_MARKET_DYNAMICS,
    "operations": TOPIC_OPERATIONS,
}

# --- minted extensions ----------------------------------------------------------------------

LEARNING_MODE = Term(
    "ContextExtension",
    "learning mode",
    "leervorm",
    "Where the statement sits in the 70-20-10 model: experiential (on the job), social "
    "(from others) or formal.",
    "Waar het statement valt in het 70-20-10-model: ervaringsgericht (op de werkvloer), "
    "sociaal (van anderen) of formeel.",
    path="extensions/learning-mode",
    schema={"type": "string", "enum": list(LEARNING_MODES)},
)
LEARNER = Term(
    "ContextExtension",
    "learner",
    "lerende",
    "The person who learns from the actor (the mentee, or the new trainer of a pairing) when "
    "they are neither actor nor object: an xAPI Agent. xAPI 2.0.0 statements also name them "
    "in contextAgents; the extension keeps 1.0.3 statements complete, and LRSs that refuse "
    "Agent objects (Ralph) accept it.",
    "De persoon die van de actor leert (de mentee, of de nieuwe trainer van een koppel) als "
    "die geen actor of object is: een xAPI-agent. In xAPI 2.0.0 staat die persoon ook in "
    "contextAgents.",
    path="extensions/learner",
    schema={
        "type": "object",
        "required": ["objectType"],
        "properties": {
            "objectType": {"enum": ["Agent"]},
            "name": {"type": "string"},
            "mbox": {"type": "string", "pattern": "^mailto:"},
            "account": {
                "type": "object",
                "required": ["homePage", "name"],
                "properties": {"homePage": {"type": "string"}, "name": {"type": "string"}},
            },
        },
    },
)
ATTENDEE_COUNT = Term(
    "ResultExtension",
    "attendee count",
    "aantal deelnemers",
    "How many people attended the session the actor taught.",
    "Hoeveel mensen de sessie bijwoonden die de actor gaf.",
    path="extensions/attendee-count",
    schema={"type": "integer", "minimum": 0},
)
NOTES = Term(
    "ResultExtension",
    "notes",
    "notities",
    "Free-text notes of a coaching moment, mentoring session or feedback. Only sent when the "
    "organisation opted in: by default such notes stay in the tool.",
    "Vrije notities bij een coachingsmoment, mentorgesprek of feedback. Alleen verstuurd als "
    "de organisatie daarvoor koos: standaard blijven notities in de tool.",
    path="extensions/notes",
    schema={"type": "string", "minLength": 1, "maxLength": 10000},
)
EXPECTED_ROLE = Term(
    "ActivityExtension",
    "expected role",
    "verwachte rol",
    "The role the role expectations are for.",
    "De rol waarvoor de rolverwachtingen gelden.",
    path="extensions/expected-role",
    schema={"type": "string", "enum": ["leader", "trainer", "mentor"]},
)
DUE_DATE = Term(
    "ActivityExtension",
    "due date",
    "streefdatum",
    "The date (ISO 8601, YYYY-MM-DD) by which a goal should be met.",
    "De datum (ISO 8601, JJJJ-MM-DD) waarop een doel bereikt moet zijn.",
    path="extensions/due-date",
    schema={"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
)

RECOMMENDED_ACTIVITY_TYPES: dict[Term, tuple[Term, ...]] = {
    EXPECTED_ROLE: (ROLE_EXPECTATIONS,),
    DUE_DATE: (GOAL,),
}
RECOMMENDED_VERBS: dict[Term, tuple[Term, ...]] = {
    LEARNER: (MENTORED, COACHED, ASSIGNED),
    ATTENDEE_COUNT: (TAUGHT,),
    NOTES: (MENTORED, COACHED, GAVE_FEEDBACK, RATED),
}

VERBS: tuple[Term, ...] = (
    ATTENDED,
    SHARED,
    COMPLETED,
    VOIDED,
    MENTORED,
    RATED,
    ASSIGNED,
    ACKNOWLEDGED,
    USED,
    TAUGHT,
    COACHED,
    GAVE_FEEDBACK,
    SET_GOAL,
    CONFIRMED,
)
ACTIVITY_TYPES: tuple[Term, ...] = (
    PROFILE_TYPE,
    MEETING,
    DOCUMENT,
    TUTOR_SESSION,
    GOAL,
    KNOWLEDGE_SESSION,
    MENTORING_SESSION,
    COACHING_MOMENT,
    TRAIN_THE_TRAINER_SESSION,
    TRAINER_PAIRING,
    TRAINING_MATERIAL,
    COACHING_GUIDELINE,
    BEST_PRACTICE,
    ROLE_EXPECTATIONS,
    COMPANY_VALUE,
    TOPIC_CATEGORY,
    LEADER_ROLE,
    LEARNER_ROLE,
    ATTENDEES_ROLE,
    NEW_TRAINER_ROLE,
    EXPERIENCED_TRAINER_ROLE,
)
EXTENSIONS: tuple[Term, ...] = (
    LEARNING_MODE,
    LEARNER,
    ATTENDEE_COUNT,
    NOTES,
    EXPECTED_ROLE,
    DUE_DATE,
)
ACTIVITIES: tuple[Term, ...] = tuple(TOPICS.values())
LINKED_ONLY: tuple[Term, ...] = (COMMENTED, REVIEWED, CREATED)
ALL_TERMS: tuple[Term, ...] = VERBS + LINKED_ONLY + ACTIVITY_TYPES + EXTENSIONS + ACTIVITIES
MINTED_TERMS: tuple[Term, ...] = tuple(t for t in ALL_TERMS if t.minted)

MATERIAL_TYPES: dict[str, Term] = {
    "training-material": TRAINING_MATERIAL,
    "coaching-guideline": COACHING_GUIDELINE,
    "best-practice": BEST_PRACTICE,
}
SESSION_TYPES: dict[str, Term] = {
    "knowledge-session": KNOWLEDGE_SESSION,
    "mentoring-session": MENTORING_SESSION,
    "coaching-moment": COACHING_MOMENT,
    "train-the-trainer-session": TRAIN_THE_TRAINER_SESSION,
}


def minted_by_path(path: str) -> Term | None:
    """The minted term whose IRI is ``base + "/" + path`` (for resolving IRIs)."""
    for term in MINTED_TERMS:
        if term.path == path.strip("/"):
            return term
    return None
