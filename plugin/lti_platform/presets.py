"""Claim sets shaped like real platforms' launches (development LMS only).

Moodle: ``aud`` a plain string, ``exp = iat + 60``, coarse roles (Instructor,
Learner, Administrator), numeric-string ids, custom parameters. Canvas:
``aud`` a list with ``azp``, fine-grained role URIs, hour-long tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
MEMBERSHIP = LIS + "membership#"
INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
SYSTEM = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"

MOODLE_ROLES = {
    "leader": [MEMBERSHIP + "Instructor"],
    "learner": [MEMBERSHIP + "Learner"],
    "admin": [INSTITUTION + "Administrator", MEMBERSHIP + "Instructor", SYSTEM + "Administrator"],
}
CANVAS_ROLES = {
    "leader": [
        INSTITUTION + "Instructor",
        MEMBERSHIP + "Instructor",
        SYSTEM + "User",
    ],
    "learner": [INSTITUTION + "Student", MEMBERSHIP + "Learner", SYSTEM + "User"],
    "admin": [INSTITUTION + "Administrator", MEMBERSHIP + "Instructor", SYSTEM + "SysAdmin"],
    "ta": [LIS + "membership/Instructor#TeachingAssistant", SYSTEM + "User"],
}


@dataclass
class User:
    """A platform user. ``sub`` is the platform's own user id."""

    sub: str
    given_name: str = "Ada"
    family_name: str = "Leader"
    email: str = "ada@example.org"
    username: str = "ada"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass
class Course:
    id: str = "5"
    title: str = "Team North onboarding"
    label: str = "NORTH"


def _user_claims(user: User) -> dict[str, Any]:
    return {
        "sub": user.sub,
        "name": user.name,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "email": user.email,
        **user.extra,
    }


def moodle_claims(
    *,
    issuer: str,
    client_id: str,
    deployment_id: str,
    target_link_uri: str,
    user: User,
    role: str,
    course: Course,
    resource_link_id: str = "7",
    now: int,
) -> dict[str, Any]:
    return {
        "iss": issuer,
        "aud": client_id,
        "iat": now,
        "exp": now + 60,
        **_user_claims(user),
        LTI + "deployment_id": deployment_id,
        LTI + "target_link_uri": target_link_uri,
        LTI + "message_type": "LtiResourceLinkRequest",
        LTI + "version": "1.3.0",
        LTI + "roles": list(MOODLE_ROLES[role]),
        LTI + "resource_link": {"id": resource_link_id, "title": "Record coaching"},
        LTI + "context": {
            "id": course.id,
            "label": course.label,
            "title": course.title,
            "type": ["CourseSection"],
        },
        LTI + "launch_presentation": {
            "locale": "en",
            "document_target": "iframe",
            "return_url": issuer + "/mod/lti/return.php?course=" + course.id,
        },
        LTI + "tool_platform": {
            "product_family_code": "moodle",
            "version": "2024100700",
            "guid": "127.0.0.1",
            "name": "Test Moodle",
        },
        LTI + "lis": {"person_sourcedid": "", "course_section_sourcedid": ""},
        LTI + "custom": {"username": user.username, "team": "north"},
    }


def canvas_claims(
    *,
    issuer: str,
    client_id: str,
    deployment_id: str,
    target_link_uri: str,
    user: User,
    role: str,
    course: Course,
    resource_link_id: str = "c1f6a0a2-7d0e-4b8e-9a51-3d1d7c1b2a10",
    now: int,
) -> dict[str, Any]:
    return {
        "iss": issuer,
        "aud": [client_id, issuer + "/other-audience"],
        "azp": client_id,
        "iat": now,
        "exp": now + 3600,
        **_user_claims(user),
        "locale": "en-GB",
        LTI + "deployment_id": deployment_id,
        LTI + "target_link_uri": target_link_uri,
        LTI + "message_type": "LtiResourceLinkRequest",
        LTI + "version": "1.3.0",
        LTI + "roles": list(CANVAS_ROLES[role]),
        LTI + "resource_link": {"id": resource_link_id, "title": "Leaderled"},
        LTI + "context": {
            "id": "4dde05e8ca1973bcca9bffc13e1548820eee93a3",
            "label": course.label,
            "title": course.title,
            "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
        },
        LTI + "launch_presentation": {"document_target": "iframe", "locale": "en-GB"},
        LTI + "tool_platform": {
            "guid": "canvas-test",
            "name": "Test Canvas",
            "product_family_code": "canvas",
            "version": "cloud",
        },
        LTI + "custom": {"canvas_user_login_id": user.username},
        "https://www.instructure.com/placement": "course_navigation",
    }


def as_deep_linking(claims: dict[str, Any], *, return_url: str | None) -> dict[str, Any]:
    """The same launch as a deep-linking request (no resource link)."""
    out = {k: v for k, v in claims.items() if k != LTI + "resource_link"}
    out[LTI + "message_type"] = "LtiDeepLinkingRequest"
    settings: dict[str, Any] = {
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": True,
        "auto_create": False,
        "data": "dl-opaque-data",
    }
    if return_url is not None:
        settings["deep_link_return_url"] = return_url
    out[DL + "deep_linking_settings"] = settings
    return out
