"""LTI roles to Leaderled roles: leader, learner, L&D admin.

Only the signed ``roles`` claim and the tool-side overrides count, never a
request parameter. Moodle sends only Instructor, Learner and Administrator
(Instructor meaning "may manage the activity"); Canvas sends fine-grained URIs
and sub-roles. Each LTI role maps through, in order, a per-course override, a
per-platform override and the defaults below, by its principal role (a
sub-role refines its principal, it does not replace it); the highest
resulting role wins, and a launch with no recognised role is a learner
(least privilege).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.models.lti import LtiRoleOverride
from plugin.models.people import Role

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
MEMBERSHIP = LIS + "membership#"
INSTITUTION = LIS + "institution/person#"
SYSTEM = LIS + "system/person#"
LTI_SYSTEM = "http://purl.imsglobal.org/vocab/lti/system/person#"
# LTI 1.1's URNs, still sent by some platforms (deprecated in LTI 1.3).
LEGACY = {
    "urn:lti:role:ims/lis/": "membership",
    "urn:lti:instrole:ims/lis/": "institution",
    "urn:lti:sysrole:ims/lis/": "system",
}

RANK = {Role.LEARNER: 0, Role.LEADER: 1, Role.LND_ADMIN: 2}

# Context (course) roles, by their principal role (LIS v2 membership vocabulary).
_CONTEXT_DEFAULTS = {
    "Administrator": Role.LND_ADMIN,
    "ContentDeveloper": Role.LEADER,
    "Instructor": Role.LEADER,
    "Manager": Role.LEADER,
    # Not a principal in LIS v2 (it is Instructor#TeachingAssistant), but sent so.
    "TeachingAssistant": Role.LEADER,
    "Learner": Role.LEARNER,
    "Member": Role.LEARNER,
    # Canvas sends Mentor for observers (parents, guardians): not leaders of
    # the course. An admin who uses Mentor for real mentors overrides it per
    # platform (or per course).
    "Mentor": Role.LEARNER,
    "Officer": Role.LEARNER,
}
# Institution and system roles: only administrators matter here.
_ADMIN_NAMES = {"Administrator", "SysAdmin"}


@dataclass(frozen=True)
class LisRole:
    """A role URI read as LTI 1.3 (appendix A.2) defines it: a vocabulary
    (membership = course, institution, system), a principal role, and maybe a
    sub-role that refines it. ``.../membership/Learner#Instructor`` is a
    Learner (one who also instructs), not an Instructor."""

    vocabulary: str
    principal: str
    sub_role: str | None = None


def parse(uri: str) -> LisRole | None:
    """The LIS role a URI (or LTI 1.1 URN, or bare context role name) names."""
    for prefix, vocabulary in (
        (MEMBERSHIP, "membership"),
        (INSTITUTION, "institution"),
        (SYSTEM, "system"),
        (LTI_SYSTEM, "lti-system"),
    ):
        if uri.startswith(prefix):
            name = uri[len(prefix) :]
            return LisRole(vocabulary, name) if _NAME.fullmatch(name) else None
    if uri.startswith(LIS + "membership/"):
        principal, _, sub_role = uri[len(LIS + "membership/") :].partition("#")
        if _NAME.fullmatch(principal) and _NAME.fullmatch(sub_role):
            return LisRole("membership", principal, sub_role)
        return None
    for prefix, vocabulary in LEGACY.items():
        if uri.startswith(prefix):
            principal, _, sub_role = uri[len(prefix) :].partition("/")
            if not _NAME.fullmatch(principal) or (sub_role and not _NAME.fullmatch(sub_role)):
                return None
            return LisRole(vocabulary, principal, sub_role or None)
    if _NAME.fullmatch(uri):  # a simple context role name ("Instructor")
        return LisRole("membership", uri)
    return None


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")


def default_role(uri: str) -> Role | None:
    role = parse(uri)
    if role is None or role.vocabulary == "lti-system":
        return None
    if role.vocabulary == "membership":
        return _CONTEXT_DEFAULTS.get(role.principal)
    return Role.LND_ADMIN if role.principal in _ADMIN_NAMES else None


def _override(uri: str, overrides: Mapping[str, Role]) -> Role | None:
    """An override for the exact URI, else for the context role's principal
    (by name or URI): an override of "Instructor" covers
    ``membership/Instructor#Lecturer`` but not ``membership/Learner#Instructor``."""
    found = overrides.get(uri)
    if found is not None:
        return found
    role = parse(uri)
    if role is None or role.vocabulary != "membership":
        return None
    return overrides.get(MEMBERSHIP + role.principal) or overrides.get(role.principal)


def map_roles(
    lti_roles: Iterable[object],
    *,
    context_overrides: Mapping[str, Role] | None = None,
    platform_overrides: Mapping[str, Role] | None = None,
) -> Role:
    """The one Leaderled role for a launch. Override keys may be full URIs or
    a context role's principal name (``Instructor``), so an admin can type either."""
    best = Role.LEARNER
    for uri in lti_roles:
        if not isinstance(uri, str):
            continue
        mapped: Role | None = None
        for overrides in (context_overrides or {}, platform_overrides or {}):
            mapped = _override(uri, overrides)
            if mapped is not None:
                break
        if mapped is None:
            mapped = default_role(uri)
        if mapped is not None and RANK[mapped] > RANK[best]:
            best = mapped
    return best


def overrides_for(
    session: Session, platform_id: int, context_id: str | None
) -> tuple[dict[str, Role], dict[str, Role]]:
    """(per-course, per-platform) overrides stored for this platform."""
    rows = session.scalars(
        select(LtiRoleOverride).where(LtiRoleOverride.platform_id == platform_id)
    )
    per_context: dict[str, Role] = {}
    per_platform: dict[str, Role] = {}
    for row in rows:
        if row.context_id == "":
            per_platform[row.lti_role] = row.role
        elif context_id is not None and row.context_id == context_id:
            per_context[row.lti_role] = row.role
    return per_context, per_platform
