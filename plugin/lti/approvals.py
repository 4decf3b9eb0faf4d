"""Approving dynamically registered deployments from inside the tool.

An L&D admin launched from a platform may approve pending deployments of
that same platform (issuer): a new client id or deployment of the LMS they
administer. A registration from a platform the tool does not yet trust on
any active deployment stays a CLI decision (``leaderled lti platform
approve``), because anyone can start a dynamic registration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.models.lti import DeploymentStatus, LtiClient, LtiDeployment, LtiPlatform
from plugin.models.people import utcnow


class ApprovalRefused(Exception):
    """The deployment is not one this admin may approve; the message says why."""


@dataclass(frozen=True)
class PendingDeployment:
    pk: int
    issuer: str
    platform_name: str
    client_id: str
    deployment_id: str
    created_at: datetime


def pending_for(session: Session, issuer: str) -> list[PendingDeployment]:
    """Pending deployments of the platform ``issuer``, oldest first."""
    rows = session.execute(
        select(LtiDeployment, LtiClient.client_id, LtiPlatform.name)
        .join(LtiClient, LtiDeployment.client_pk == LtiClient.id)
        .join(LtiPlatform, LtiClient.platform_id == LtiPlatform.id)
        .where(LtiPlatform.issuer == issuer, LtiDeployment.status == DeploymentStatus.PENDING)
        .order_by(LtiDeployment.created_at, LtiDeployment.id)
    ).all()
    return [
        PendingDeployment(d.id, issuer, name, client_id, d.deployment_id, d.created_at)
        for d, client_id, name in rows
    ]


def approve(session: Session, deployment_pk: int, issuer: str) -> LtiDeployment:
    """Activate one pending deployment of ``issuer`` (and nothing else)."""
    deployment = session.get(LtiDeployment, deployment_pk)
    if deployment is None or deployment.client.platform.issuer != issuer:
        raise ApprovalRefused(
            "That registration is not one of your platform's. Registrations of other "
            "platforms are approved with `leaderled lti platform approve`."
        )
    if deployment.status is not DeploymentStatus.PENDING:
        raise ApprovalRefused("That deployment is already active.")
    deployment.status = DeploymentStatus.ACTIVE
    deployment.approved_at = utcnow()
    return deployment


def remove(session: Session, deployment_pk: int, issuer: str) -> str:
    """Delete one pending deployment of ``issuer`` (a registration the admin
    does not want), and its client when that leaves a registered client with
    nothing; returns the deployment id."""
    deployment = session.get(LtiDeployment, deployment_pk)
    if deployment is None or deployment.client.platform.issuer != issuer:
        raise ApprovalRefused(
            "That registration is not one of your platform's (or it was removed already)."
        )
    if deployment.status is not DeploymentStatus.PENDING:
        raise ApprovalRefused("That deployment is active; remove it with the command line.")
    client = deployment.client
    deployment_id = deployment.deployment_id
    session.delete(deployment)
    session.flush()
    if client.registered and not client.deployments:
        session.delete(client)
    return deployment_id
