"""Leaderled's xAPI Profile document (JSON-LD, xAPI Profiles 1.0).

Built from :mod:`statements.vocabulary` and :mod:`statements.template_specs`
for a given base, so the document the app serves, the IRIs the builders
write and the templates the checker applies always agree.
"""

from __future__ import annotations

import json
from typing import Any

from statements import vocabulary as v
from statements.template_rules import rules_for
from statements.template_specs import (
    PATTERNS,
    TEMPLATES,
    PatternSpec,
    TemplateSpec,
    pattern_iri,
    template_iri,
)

GENERATED_AT = "2026-11-26T00:00:00Z"  # when version 1.0 was cut; fixed for stable output


def build_profile(base: str) -> dict[str, Any]:
    """The whole profile document for ``base``; ValueError on a base that is not an IRI."""
    base = v.normalise_base(base)
    return {
        "@context": v.PROFILE_CONTEXT,
        "id": v.profile_iri(base),
        "type": "Profile",
        "conformsTo": v.PROFILE_CONFORMS_TO,
        "prefLabel": {
            "en": "Leaderled: leader-led learning",
            "nl": "Leaderled: leader-led learning",
        },
        "definition": {
            "en": "How Leaderled records leader-led learning in xAPI: knowledge sessions, "
            "mentoring and coaching, train-the-trainer work, training material and role "
            "expectations, as informal (70-20-10) learning next to formal records.",
            "nl": "Hoe Leaderled leader-led learning vastlegt in xAPI: kennissessies, mentoring "
            "en coaching, train-de-trainer, trainingsmateriaal en rolverwachtingen, als "
            "informeel leren (70-20-10) naast formele registraties.",
        },
        "versions": [{"id": v.version_iri(base), "generatedAtTime": GENERATED_AT}],
        "author": {"type": "Organization", "name": "Leaderled contributors"},
        "concepts": [concept(term, base) for term in v.MINTED_TERMS],
        "templates": [template(spec, base) for spec in TEMPLATES],
        "patterns": [pattern(spec, base) for spec in PATTERNS],
    }


def concept(term: v.Term, base: str) -> dict[str, Any]:
    """The profile concept of one minted term."""
    doc: dict[str, Any] = {
        "id": term.iri(base),
        "type": term.kind,
        "inScheme": v.version_iri(base),
    }
    if term.kind == "Activity":
        assert term.activity_type is not None
        doc["activityDefinition"] = {
            "@context": v.ACTIVITY_CONTEXT,
            "type": term.activity_type.iri(base),
            "name": term.display(),
            "description": term.describe(),
        }
        return doc
    doc["prefLabel"] = term.display()
    doc["definition"] = term.describe()
    if term.broad_match:
        doc["broadMatch"] = list(term.broad_match)
    if term.related_match:
        doc["relatedMatch"] = list(term.related_match)
    if term.kind == "ActivityExtension" and term in v.RECOMMENDED_ACTIVITY_TYPES:
        doc["recommendedActivityTypes"] = [t.iri(base) for t in v.RECOMMENDED_ACTIVITY_TYPES[term]]
    if term.kind in {"ContextExtension", "ResultExtension"} and term in v.RECOMMENDED_VERBS:
        doc["recommendedVerbs"] = [t.iri(base) for t in v.RECOMMENDED_VERBS[term]]
    if term.schema is not None:
        # The spec gives inlineSchema as a JSON Schema serialised in a string.
        schema = {"$schema": "http://json-schema.org/draft-07/schema#", **term.schema}
        doc["inlineSchema"] = json.dumps(schema, ensure_ascii=False)
    return doc


def template(spec: TemplateSpec, base: str) -> dict[str, Any]:
    """The statement template of one spec: determining properties, then rules."""
    doc: dict[str, Any] = {
        "id": template_iri(spec.slug, base),
        "type": "StatementTemplate",
        "inScheme": v.version_iri(base),
        "prefLabel": {"en": spec.en, "nl": spec.nl},
        "definition": {"en": spec.definition_en, "nl": spec.definition_nl},
        "verb": spec.verb.iri(base),
    }
    if spec.object_type is not None:
        doc["objectActivityType"] = spec.object_type.iri(base)
    if spec.parent_type is not None:
        doc["contextParentActivityType"] = [spec.parent_type.iri(base)]
    if spec.object_kind == "StatementRef":
        doc["objectStatementRefTemplate"] = [
            template_iri(other.slug, base) for other in TEMPLATES if other is not spec
        ]
    doc["contextCategoryActivityType"] = [v.PROFILE_TYPE.iri(base)]
    doc["rules"] = rules_for(spec, base)
    return doc


def pattern(spec: PatternSpec, base: str) -> dict[str, Any]:
    def member(ref: str) -> str:
        kind, _, slug = ref.partition(":")
        return template_iri(slug, base) if kind == "t" else pattern_iri(slug, base)

    doc: dict[str, Any] = {
        "id": pattern_iri(spec.slug, base),
        "type": "Pattern",
        "inScheme": v.version_iri(base),
    }
    if spec.primary:
        doc["primary"] = True
    if spec.en:
        doc["prefLabel"] = {"en": spec.en, "nl": spec.nl}
    if spec.definition_en:
        doc["definition"] = {"en": spec.definition_en, "nl": spec.definition_nl}
    members = [member(m) for m in spec.members]
    doc[spec.kind] = members if spec.kind in {"alternates", "sequence"} else members[0]
    return doc


def find_component(document: dict[str, Any], iri: str) -> dict[str, Any] | None:
    """The concept, template or pattern with this id, for serving it at its IRI."""
    for key in ("concepts", "templates", "patterns"):
        for item in document.get(key, []):
            if item.get("id") == iri:
                return {"@context": document["@context"], **item}
    return None
