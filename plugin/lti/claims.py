"""LTI 1.3 claim names and message types, spelled once."""

from __future__ import annotations

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"
LAUNCH_PRESENTATION = LTI + "launch_presentation"
TOOL_PLATFORM = LTI + "tool_platform"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
SUPPORTED_MESSAGE_TYPES = frozenset({RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST})
LTI_VERSION = "1.3.0"

# What a launch session keeps of the verified claims (plugin.lti.launch):
# who (for the actor), where (context, link, services) and what was asked.
STORED_CLAIMS = frozenset(
    {
        "iss",
        "sub",
        "aud",
        "azp",
        "name",
        "given_name",
        "family_name",
        "email",
        "locale",
        MESSAGE_TYPE,
        VERSION,
        DEPLOYMENT_ID,
        TARGET_LINK_URI,
        RESOURCE_LINK,
        ROLES,
        CONTEXT,
        CUSTOM,
        LAUNCH_PRESENTATION,
        TOOL_PLATFORM,
        DEEP_LINKING_SETTINGS,
        NRPS,
        AGS,
    }
)
# OpenID Connect: sub is at most 255 ASCII characters; ids share the columns' limit.
MAX_ID = 255


def course_link(claims: dict[str, object]) -> tuple[str | None, int | None]:
    """What the course link a launch came from opens (``leaderled_open``, as the
    deep-linking picker wrote it) and the Leaderled record it names
    (``leaderled_ref`` when that is a record id; a reference typed by hand, such
    as ``ks-42``, names none). A hint from the LMS, not a right: the caller
    checks what the launch may see."""
    custom = claims.get(CUSTOM)
    if not isinstance(custom, dict):
        return None, None
    opens = custom.get("leaderled_open")
    ref = custom.get("leaderled_ref")
    record_id = int(ref) if isinstance(ref, str) and ref.isdigit() and len(ref) < 12 else None
    return (opens if isinstance(opens, str) else None), record_id
