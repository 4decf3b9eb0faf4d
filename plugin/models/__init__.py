"""The application's tables. Import models from here so Alembic sees them all."""

from plugin.db import Base
from plugin.models.lti import (
    DeploymentStatus,
    IdentityMode,
    KeyStatus,
    LtiClient,
    LtiDeployment,
    LtiLaunchSession,
    LtiLoginState,
    LtiPlatform,
    LtiRoleOverride,
    LtiToolKey,
    LtiUsedNonce,
)
from plugin.models.people import Membership, Person, PersonIdentifier, Role, Team

__all__ = [
    "Base",
    "DeploymentStatus",
    "IdentityMode",
    "KeyStatus",
    "LtiClient",
    "LtiDeployment",
    "LtiLaunchSession",
    "LtiLoginState",
    "LtiPlatform",
    "LtiRoleOverride",
    "LtiToolKey",
    "LtiUsedNonce",
    "Membership",
    "Person",
    "PersonIdentifier",
    "Role",
    "Team",
]
