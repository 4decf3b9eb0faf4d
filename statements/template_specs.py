"""One record per kind of statement we send, and the patterns they form.

The builders take their verb, object type and learning mode from here, and
the profile turns the same records into statement templates with rules, so
the two can never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from statements import vocabulary as v
from statements.vocabulary import LearningMode, Term, normalise_base

Presence = Literal["included", "recommended"]
ObjectKind = Literal["Activity", "StatementRef"]


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    """What a statement of one kind must hold; rules are derived from these fields."""

    slug: str
    en: str
    nl: str
    definition_en: str
    definition_nl: str
    verb: Term
    learning_mode: LearningMode
    object_kind: ObjectKind = "Activity"
    object_type: Term | None = None  # determining objectActivityType
    parent_type: Term | None = None  # determining contextParentActivityType (none uses it yet)
    object_types_any: tuple[Term, ...] = ()  # rule when several types fit
    instructor: Presence | None = None  # "included" when the actor is the learner
    registration: Presence | None = None
    duration: Presence | None = None
    topic: Presence | None = None
    score: bool = False
    success: bool = False
    grouping_any: tuple[Term, ...] = ()  # recommended grouping activity types
    other_any: tuple[Term, ...] = ()  # recommended "other" activity types
    context_agent_roles: tuple[Term, ...] = ()  # 2.0.0 relevantTypes (recommended)
    context_group_roles: tuple[Term, ...] = ()
    context_extensions: tuple[tuple[Term, Presence], ...] = ()
    result_extensions: tuple[tuple[Term, Presence], ...] = ()
    object_extensions: tuple[tuple[Term, Presence], ...] = ()

    def iri(self, base: str = v.DEFAULT_PROFILE_BASE) -> str:
        return template_iri(self.slug, base)


def template_iri(slug: str, base: str = v.DEFAULT_PROFILE_BASE) -> str:
    return f"{normalise_base(base)}/templates/{slug}"


def pattern_iri(slug: str, base: str = v.DEFAULT_PROFILE_BASE) -> str:
    return f"{normalise_base(base)}/patterns/{slug}"


_SESSIONS = tuple(v.SESSION_TYPES.values())
_MATERIALS = tuple(v.MATERIAL_TYPES.values())

KNOWLEDGE_SESSION_TAUGHT = TemplateSpec(
    "knowledge-session-taught",
    "Knowledge session taught",
    "Kennissessie gegeven",
    "A leader taught a knowledge session: topic category in category context activities, "
    "material used in 'other', time spent in result.duration, attendee count in result.",
    "Een leidinggevende gaf een kennissessie: onderwerp in de categorie-contextactiviteiten, "
    "gebruikt materiaal in 'other', bestede tijd in result.duration, aantal deelnemers in "
    "het resultaat.",
    v.TAUGHT,
    "social",
    object_type=v.KNOWLEDGE_SESSION,
    duration="included",
    topic="included",
    grouping_any=(v.COMPANY_VALUE,),
    other_any=_MATERIALS,
    context_group_roles=(v.ATTENDEES_ROLE,),
    result_extensions=((v.ATTENDEE_COUNT, "included"),),
)
KNOWLEDGE_SESSION_ATTENDED = TemplateSpec(
    "knowledge-session-attended",
    "Knowledge session attended",
    "Kennissessie bijgewoond",
    "A learner attended a knowledge session; the leader who taught it is the instructor.",
    "Een lerende woonde een kennissessie bij; de leidinggevende die hem gaf is instructeur.",
    v.ATTENDED,
    "social",
    object_type=v.KNOWLEDGE_SESSION,
    instructor="included",
    duration="included",
    topic="included",
    grouping_any=(v.COMPANY_VALUE,),
    context_agent_roles=(v.LEADER_ROLE,),
)
MENTORING_SESSION_HELD = TemplateSpec(
    "mentoring-session-held",
    "Mentoring session held",
    "Mentorgesprek gevoerd",
    "A leader mentored one of their people in a mentoring session (the object); the mentee is "
    "in the learner context extension and the registration names the mentoring relationship.",
    "Een leidinggevende begeleidde een van de eigen mensen in een mentorgesprek (het object); "
    "de mentee staat in de contextextensie 'lerende', de registratie noemt de mentorrelatie.",
    v.MENTORED,
    "social",
    object_type=v.MENTORING_SESSION,
    registration="included",
    duration="included",
    context_agent_roles=(v.LEARNER_ROLE,),
    context_extensions=((v.LEARNER, "included"),),
    grouping_any=(v.COMPANY_VALUE,),
)
COACHING_MOMENT_GIVEN = TemplateSpec(
    "coaching-moment-given",
    "Coaching moment given",
    "Coachingsmoment gegeven",
    "A leader coached one of their people in an informal coaching moment (the object); the "
    "person coached is in the learner context extension and the registration names the "
    "mentoring relationship.",
    "Een leidinggevende coachte een van de eigen mensen in een informeel coachingsmoment (het "
    "object); de gecoachte staat in de contextextensie 'lerende', de registratie noemt de "
    "mentorrelatie.",
    v.COACHED,
    "social",  # 70-20-10: coaching is learning from others (the 20)
    object_type=v.COACHING_MOMENT,
    registration="included",
    duration="included",
    context_agent_roles=(v.LEARNER_ROLE,),
    context_extensions=((v.LEARNER, "included"),),
    grouping_any=(v.COMPANY_VALUE,),
)
TRAIN_THE_TRAINER_ATTENDED = TemplateSpec(
    "train-the-trainer-attended",
    "Train-the-trainer session attended",
    "Train-de-trainersessie bijgewoond",
    "A (new) trainer attended a train-the-trainer session; who ran it is the instructor; the "
    "registration names the trainer pairing when there is one, else it is the statement's own.",
    "Een (nieuwe) trainer woonde een train-de-trainersessie bij; wie hem gaf is instructeur; "
    "de registratie noemt het trainerskoppel als dat er is, anders is het die van het "
    "statement zelf.",
    v.ATTENDED,
    "formal",
    object_type=v.TRAIN_THE_TRAINER_SESSION,
    instructor="included",
    registration="recommended",
    duration="included",
    context_agent_roles=(v.EXPERIENCED_TRAINER_ROLE,),
)
TRAINER_PAIRING_ASSIGNED = TemplateSpec(
    "trainer-pairing-assigned",
    "Trainer pairing assigned",
    "Trainerskoppel toegewezen",
    "Someone from L&D assigned a trainer pairing (the object): the new trainer is in the "
    "learner context extension, the experienced trainer is the instructor, and the "
    "registration names the pairing.",
    "Iemand van L&D wees een trainerskoppel toe (het object): de nieuwe trainer staat in de "
    "contextextensie 'lerende', de ervaren trainer is instructeur, de registratie noemt het "
    "koppel.",
    v.ASSIGNED,
    "social",
    object_type=v.TRAINER_PAIRING,
    instructor="included",
    context_extensions=((v.LEARNER, "included"),),
    registration="included",
    context_agent_roles=(v.NEW_TRAINER_ROLE, v.EXPERIENCED_TRAINER_ROLE),
)
FEEDBACK_GIVEN = TemplateSpec(
    "feedback-given",
    "Feedback given on a taught session",
    "Feedback gegeven op een gegeven sessie",
    "An experienced trainer gave feedback with a rating (result.score) on a knowledge session "
    "the instructor, a new trainer, taught.",
    "Een ervaren trainer gaf feedback met een waardering (result.score) op een kennissessie "
    "die de instructeur, een nieuwe trainer, gaf.",
    v.GAVE_FEEDBACK,
    "social",
    object_type=v.KNOWLEDGE_SESSION,
    instructor="included",
    registration="recommended",
    score=True,
    context_agent_roles=(v.NEW_TRAINER_ROLE,),
)
MATERIAL_USED = TemplateSpec(
    "material-used",
    "Training material used",
    "Trainingsmateriaal gebruikt",
    "A leader used training material, a coaching guideline or a best practice; the company "
    "value or priority it supports goes in grouping.",
    "Een leidinggevende gebruikte trainingsmateriaal, een coachingsrichtlijn of een goede "
    "praktijk; de ondersteunde kernwaarde of prioriteit staat in grouping.",
    v.USED,
    "experiential",
    object_types_any=_MATERIALS,
    grouping_any=(v.COMPANY_VALUE,),
)
MATERIAL_SHARED = TemplateSpec(
    "material-shared",
    "Training material shared",
    "Trainingsmateriaal gedeeld",
    "A leader shared training material, a coaching guideline or a best practice with their "
    "people; the company value or priority it supports goes in grouping.",
    "Een leidinggevende deelde trainingsmateriaal, een coachingsrichtlijn of een goede "
    "praktijk; de ondersteunde kernwaarde of prioriteit staat in grouping.",
    v.SHARED,
    "social",
    object_types_any=_MATERIALS,
    grouping_any=(v.COMPANY_VALUE,),
)
EXPECTATIONS_ACKNOWLEDGED = TemplateSpec(
    "expectations-acknowledged",
    "Role expectations acknowledged",
    "Rolverwachtingen erkend",
    "A person acknowledged what is expected of them in a role.",
    "Iemand nam kennis van wat er in een rol van hem of haar verwacht wordt.",
    v.ACKNOWLEDGED,
    "experiential",
    object_type=v.ROLE_EXPECTATIONS,
    object_extensions=((v.EXPECTED_ROLE, "included"),),
)
GOAL_SET = TemplateSpec(
    "goal-set",
    "Goal set",
    "Doel gesteld",
    "A person set a goal, alone or with their leader (then the instructor, and the "
    "registration names the mentoring relationship).",
    "Iemand stelde een doel, alleen of met de leidinggevende (dan instructeur, en de "
    "registratie noemt de mentorrelatie).",
    v.SET_GOAL,
    "experiential",
    object_type=v.GOAL,
    instructor="recommended",
    registration="recommended",
    context_agent_roles=(v.LEADER_ROLE,),
    object_extensions=((v.DUE_DATE, "recommended"),),
)
GOAL_MET = TemplateSpec(
    "goal-met",
    "Goal met",
    "Doel bereikt",
    "A person met a goal: completed with result.success and result.completion true.",
    "Iemand bereikte een doel: voltooid met result.success en result.completion waar.",
    v.COMPLETED,
    "experiential",
    object_type=v.GOAL,
    instructor="recommended",
    registration="recommended",
    success=True,
    context_agent_roles=(v.LEADER_ROLE,),
)
SESSION_CONFIRMED = TemplateSpec(
    "session-confirmed",
    "Session confirmed by the learner",
    "Sessie bevestigd door de lerende",
    "A learner confirmed taking part in a session; the leader is the instructor.",
    "Een lerende bevestigde deelname aan een sessie; de leidinggevende is instructeur.",
    v.CONFIRMED,
    "social",
    object_types_any=_SESSIONS,
    instructor="included",
    context_agent_roles=(v.LEADER_ROLE,),
)
SESSION_RATED = TemplateSpec(
    "session-rated",
    "Session rated by the learner",
    "Sessie gewaardeerd door de lerende",
    "A learner rated a session (result.score); the leader is the instructor.",
    "Een lerende waardeerde een sessie (result.score); de leidinggevende is instructeur.",
    v.RATED,
    "social",
    object_types_any=_SESSIONS,
    instructor="included",
    score=True,
    context_agent_roles=(v.LEADER_ROLE,),
)
STATEMENT_VOIDED = TemplateSpec(
    "statement-voided",
    "Statement voided",
    "Statement ongeldig gemaakt",
    "Corrects a record: voids an earlier statement of this profile (statements are "
    "immutable; a corrected statement follows with a new id).",
    "Corrigeert een registratie: maakt een eerder statement van dit profiel ongeldig "
    "(statements zijn onveranderlijk; een gecorrigeerd statement volgt met een nieuw id).",
    v.VOIDED,
    "experiential",
    object_kind="StatementRef",
)

TEMPLATES: tuple[TemplateSpec, ...] = (
    KNOWLEDGE_SESSION_TAUGHT,
    KNOWLEDGE_SESSION_ATTENDED,
    MENTORING_SESSION_HELD,
    COACHING_MOMENT_GIVEN,
    TRAIN_THE_TRAINER_ATTENDED,
    TRAINER_PAIRING_ASSIGNED,
    FEEDBACK_GIVEN,
    MATERIAL_USED,
    MATERIAL_SHARED,
    EXPECTATIONS_ACKNOWLEDGED,
    GOAL_SET,
    GOAL_MET,
    SESSION_CONFIRMED,
    SESSION_RATED,
    STATEMENT_VOIDED,
)
TEMPLATES_BY_SLUG: dict[str, TemplateSpec] = {t.slug: t for t in TEMPLATES}


@dataclass(frozen=True, slots=True)
class PatternSpec:
    """A pattern; members name template or pattern slugs ("t:" / "p:" prefixed)."""

    slug: str
    kind: Literal["alternates", "sequence", "oneOrMore", "zeroOrMore", "optional"]
    members: tuple[str, ...]
    primary: bool = False
    en: str = ""
    nl: str = ""
    definition_en: str = ""
    definition_nl: str = ""


PATTERNS: tuple[PatternSpec, ...] = (
    PatternSpec(
        "statement-on-its-own",
        "alternates",
        (
            "t:knowledge-session-taught",
            "t:knowledge-session-attended",
            "t:material-used",
            "t:material-shared",
            "t:expectations-acknowledged",
            "t:goal-set",
            "t:goal-met",
            "t:train-the-trainer-attended",
            "t:feedback-given",
            "t:session-confirmed",
            "t:session-rated",
            "t:statement-voided",
        ),
        primary=True,
        en="A statement on its own",
        nl="Een statement op zichzelf",
        definition_en="A statement that belongs with no other, in a registration of its own "
        "(derived from the statement id): a knowledge session taught or attended, material "
        "used or shared, expectations acknowledged, a confirmation or rating, a voiding, and "
        "goals, train-the-trainer sessions and feedback outside a mentoring relationship or "
        "trainer pairing.",
        definition_nl="Een statement dat bij geen ander hoort, in een eigen registratie "
        "(afgeleid van het statement-id): een kennissessie gegeven of bijgewoond, materiaal "
        "gebruikt of gedeeld, verwachtingen bevestigd, een bevestiging of beoordeling, een "
        "intrekking, en doelen, train-de-trainersessies en feedback buiten een mentorrelatie "
        "of trainerskoppel.",
    ),
    PatternSpec(
        "mentoring-relationship",
        "oneOrMore",
        ("p:mentoring-step",),
        primary=True,
        en="Mentoring relationship",
        nl="Mentorrelatie",
        definition_en="The statements of one mentoring relationship between a leader and one "
        "of their people, sharing its registration: mentoring sessions, coaching moments and "
        "the goals set and met along the way.",
        definition_nl="De statements van één mentorrelatie tussen een leidinggevende en een "
        "van de eigen mensen, met dezelfde registratie: mentorgesprekken, coachingsmomenten "
        "en de doelen die onderweg gesteld en bereikt worden.",
    ),
    PatternSpec(
        "mentoring-step",
        "alternates",
        ("t:mentoring-session-held", "t:coaching-moment-given", "t:goal-set", "t:goal-met"),
        en="Mentoring step",
        nl="Stap in een mentorrelatie",
    ),
    PatternSpec(
        "trainer-pairing",
        "sequence",
        ("t:trainer-pairing-assigned", "p:trainer-pairing-activities"),
        primary=True,
        en="Trainer pairing",
        nl="Trainerskoppel",
        definition_en="A new trainer paired with an experienced one: the assignment first, "
        "then any number of train-the-trainer sessions attended and feedback given, all "
        "sharing the pairing's registration.",
        definition_nl="Een nieuwe trainer gekoppeld aan een ervaren trainer: eerst de "
        "toewijzing, dan een willekeurig aantal train-de-trainersessies en feedback, alle met "
        "de registratie van het koppel.",
    ),
    PatternSpec(
        "trainer-pairing-activities",
        "zeroOrMore",
        ("p:trainer-pairing-step",),
        en="Trainer pairing activities",
        nl="Activiteiten van een trainerskoppel",
    ),
    PatternSpec(
        "trainer-pairing-step",
        "alternates",
        ("t:train-the-trainer-attended", "t:feedback-given"),
        en="Trainer pairing step",
        nl="Stap in een trainerskoppel",
    ),
)
