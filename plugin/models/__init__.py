"""The application's tables. Import models from here so Alembic sees them all."""

from plugin.db import Base
from plugin.models.api import ApiToken, IdempotentRequest, Scope, TokenKind
from plugin.models.catalogue import CompanyValue, TopicCategory, ValueKind
from plugin.models.formal import FormalRecord
from plugin.models.imports import ImportedRow
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
from plugin.models.outbox import DeliveryEvent, OutboxRow, OutboxState
from plugin.models.people import Membership, Person, PersonIdentifier, Role, Team
from plugin.models.records import LeaderLedRecord, RecordParticipant, RecordStatement
from plugin.models.sync import SyncCursor

__all__ = [
    "ApiToken",
    "Base",
    "CompanyValue",
    "DeliveryEvent",
    "DeploymentStatus",
    "FormalRecord",
    "IdempotentRequest",
    "IdentityMode",
    "ImportedRow",
    "KeyStatus",
    "LeaderLedRecord",
    "LtiClient",
    "LtiDeployment",
    "LtiLaunchSession",
    "LtiLoginState",
    "LtiPlatform",
    "LtiRoleOverride",
    "LtiToolKey",
    "LtiUsedNonce",
    "Membership",
    "OutboxRow",
    "OutboxState",
    "Person",
    "PersonIdentifier",
    "RecordParticipant",
    "RecordStatement",
    "Role",
    "Scope",
    "SyncCursor",
    "Team",
    "TokenKind",
    "TopicCategory",
    "ValueKind",
]
