"""The application's tables. Import models from here so Alembic sees them all."""

from plugin.db import Base
from plugin.models.api import ApiToken, IdempotentRequest, Scope, TokenKind
from plugin.models.catalogue import CompanyValue, TopicCategory, ValueKind
from plugin.models.expectations import Expectation, ExpectationAcknowledgement, Goal
from plugin.models.formal import FormalRecord
from plugin.models.gradebook import GradebookPost, PostState
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
from plugin.models.material import Material, MaterialKind
from plugin.models.outbox import DeliveryEvent, OutboxRow, OutboxState
from plugin.models.people import Membership, Person, PersonIdentifier, Role, Team
from plugin.models.privacy import (
    AccessLogEntry,
    PrivacyAudit,
    PrivacySettings,
    StatementSubject,
    Suppression,
)
from plugin.models.records import LeaderLedRecord, RecordParticipant, RecordStatement
from plugin.models.sync import SyncCursor
from plugin.models.trainers import FeedbackRequest, Trainer, TrainerPairing
from plugin.models.workers import WorkerHeartbeat

__all__ = [
    "AccessLogEntry",
    "ApiToken",
    "Base",
    "CompanyValue",
    "DeliveryEvent",
    "DeploymentStatus",
    "Expectation",
    "ExpectationAcknowledgement",
    "FeedbackRequest",
    "FormalRecord",
    "Goal",
    "GradebookPost",
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
    "Material",
    "MaterialKind",
    "Membership",
    "OutboxRow",
    "OutboxState",
    "Person",
    "PersonIdentifier",
    "PostState",
    "PrivacyAudit",
    "PrivacySettings",
    "RecordParticipant",
    "RecordStatement",
    "Role",
    "Scope",
    "StatementSubject",
    "Suppression",
    "SyncCursor",
    "Team",
    "TokenKind",
    "TopicCategory",
    "Trainer",
    "TrainerPairing",
    "ValueKind",
    "WorkerHeartbeat",
]
