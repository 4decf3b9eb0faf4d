"""LTI roles to Leaderled roles: leader, learner, L&D admin.

Only the signed ``roles`` claim and the tool-side overrides count, never a
request parameter. Moodle sends only Instructor, Learner and Administrator
(Instructor meaning "may manage the activity"); Canvas sends fine-grained URIs
and sub-roles. Each LTI role maps through, in order, a per-course override, a
per-platform override and the defaults below; the highest resulting role wins,
and a launch with no recognised role is a learner (least privilege).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.models.lti import LtiRoleOverride
from plugin.models.people import Role

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
SYSTEM = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"

RANK = {Role.LEARNER: 0, Role.LEADER: 1, Role.LND_ADMIN: 2}

# Context (course) role names, by their short name.
_CONTEXT_DEFAULTS = {
    "Instructor": Role.LEADER,
    "TeachingAssistant": Role.LEADER,
    # Canvas sends Mentor for observers (parents, guardians): not leaders of
    # the course. An admin who uses Mentor for real mentors overrides it per
    # platform (or per course).
    "Mentor": Role.LEARNER,
    "ContentDeveloper": Role.LEADER,
    "Manager": Role.LEADER,
    "Administrator": Role.LND_ADMIN,
    "Learner": Role.LEARNER,
    "Member": Role.LEARNER,
    "Officer": Role.LEARNER,
}
# Institution and system roles: only administrators matter here.
_ADMIN_NAMES = {"Administrator", "SysAdmin"}


def short_name(uri: str) -> str:
    """``...membership#Instructor`` -> ``Instructor``; sub-roles keep their
    parent (``...membership/Instructor#TeachingAssistant`` -> TeachingAssistant)."""
    return uri.rsplit("#", 1)[-1] if "#" in uri else uri.rsplit("/", 1)[-1]


def default_role(uri: str) -> Role | None:
    name = short_name(uri)
    if uri.startswith((INSTITUTION, SYSTEM)):
        return Role.LND_ADMIN if name in _ADMIN_NAMES else None
    return _CONTEXT_DEFAULTS.get(name)


def map_roles(
    lti_roles: Iterable[object],
    *,
    context_overrides: Mapping[str, Role] | None = None,
    platform_overrides: Mapping[str, Role] | None = None,
) -> Role:
    """The one Leaderled role for a launch. Override keys may be full URIs or
    short names (``Instructor``), so an admin can type either."""
    best = Role.LEARNER
    for uri in lti_roles:
        if not isinstance(uri, str):
            continue
        mapped: Role | None = None
        for overrides in (context_overrides or {}, platform_overrides or {}):
            mapped = overrides.get(uri) or overrides.get(short_name(uri))
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
