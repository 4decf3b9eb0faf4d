"""``leaderled lti``: platform registrations, deployment approval, tool keys."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.db import session_scope
from plugin.lti import keys as tool_keys
from plugin.lti import pending
from plugin.lti.settings import lti_settings
from plugin.models.lti import (
    DeploymentStatus,
    IdentityMode,
    LtiClient,
    LtiDeployment,
    LtiPlatform,
    LtiRoleOverride,
)
from plugin.models.people import Role


@click.group()
def lti() -> None:
    """LTI 1.3: platforms (LMSs), deployments and the tool's keys."""


@lti.command("urls")
@with_appcontext
def urls() -> None:
    """Print the tool URLs an LMS admin types in for a manual registration."""
    settings = lti_settings()
    for label, path in (
        ("Tool URL / target link URI", "/lti/launch"),
        ("Initiate login URL", "/lti/login"),
        ("Redirection URI", "/lti/launch"),
        ("Public keyset URL", "/lti/jwks"),
    ):
        click.echo(f"{label + ':':28} {settings.url(path)}")


@lti.group()
def platform() -> None:
    """Register LMS platforms and approve their deployments."""


def _platform(session: Session, issuer: str) -> LtiPlatform:
    row = session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == issuer))
    if row is None:
        raise click.ClickException(
            f"No platform with issuer {issuer!r}. See `leaderled lti platform list`."
        )
    return row


def _check_url(name: str, value: str | None) -> None:
    if value is not None and not value.startswith(("https://", "http://")):
        raise click.BadParameter(f"{value!r} is not an http(s) URL", param_hint=name)


@platform.command("add")
@click.argument("issuer")
@click.option("--name", help="A label for people (default: the issuer).")
@click.option("--auth-url", help="The platform's OIDC authentication (auth login) URL.")
@click.option("--jwks-url", help="The platform's public keyset URL.")
@click.option("--token-url", help="The platform's OAuth2 access token URL (AGS, NRPS).")
@click.option("--client-id", "client_ids", multiple=True, help="Client id (repeatable).")
@click.option(
    "--deployment",
    "deployments",
    multiple=True,
    help="Deployment id to allow (repeatable; needs exactly one --client-id).",
)
@click.option(
    "--identity",
    type=click.Choice([m.value for m in IdentityMode]),
    help="How users become xAPI actors (default account: iss + sub).",
)
@click.option("--names/--no-names", default=None, help="Put people's names into statements.")
@click.option(
    "--auto-approve/--no-auto-approve",
    default=None,
    help="Accept unknown deployments of this platform without approval.",
)
@with_appcontext
def add_platform(
    issuer: str,
    *,
    name: str | None,
    auth_url: str | None,
    jwks_url: str | None,
    token_url: str | None,
    client_ids: tuple[str, ...],
    deployments: tuple[str, ...],
    identity: str | None,
    names: bool | None,
    auto_approve: bool | None,
) -> None:
    """Add platform ISSUER, or add clients and deployments to it."""
    _check_url("ISSUER", issuer)
    for option, url in (
        ("--auth-url", auth_url),
        ("--jwks-url", jwks_url),
        ("--token-url", token_url),
    ):
        _check_url(option, url)
    if deployments and len(client_ids) != 1:
        raise click.UsageError("--deployment needs exactly one --client-id to belong to.")
    with session_scope() as session:
        row = session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == issuer))
        if row is None:
            if not auth_url or not jwks_url:
                raise click.UsageError("A new platform needs --auth-url and --jwks-url.")
            row = LtiPlatform(
                issuer=issuer, name=name or issuer, auth_login_url=auth_url, jwks_url=jwks_url
            )
            session.add(row)
        updates: tuple[tuple[str, object], ...] = (
            ("name", name),
            ("auth_login_url", auth_url),
            ("jwks_url", jwks_url),
            ("token_url", token_url),
            ("names_in_statements", names),
            ("auto_approve", auto_approve),
        )
        for attribute, value in updates:
            if value is not None:
                setattr(row, attribute, value)
        if identity is not None:
            row.identity_mode = IdentityMode(identity)
        session.flush()
        for client_id in client_ids:
            client = session.scalar(
                select(LtiClient).where(
                    LtiClient.platform_id == row.id, LtiClient.client_id == client_id
                )
            )
            if client is None:
                client = LtiClient(platform=row, client_id=client_id)
                session.add(client)
                session.flush()
            for deployment_id in deployments:
                _approve(session, client, deployment_id, create=True)
    click.echo(f"Platform {issuer} saved.")


def _approve(session: Session, client: LtiClient, deployment_id: str, *, create: bool) -> bool:
    deployment = session.scalar(
        select(LtiDeployment).where(
            LtiDeployment.client_pk == client.id, LtiDeployment.deployment_id == deployment_id
        )
    )
    if deployment is None:
        if not create:
            return False
        deployment = LtiDeployment(client_pk=client.id, deployment_id=deployment_id)
        session.add(deployment)
    deployment.status = DeploymentStatus.ACTIVE
    deployment.approved_at = datetime.now(UTC)
    return True


@platform.command("list")
@with_appcontext
def list_platforms() -> None:
    """Show platforms, their client ids and deployments."""
    with session_scope() as session:
        rows = list(session.scalars(select(LtiPlatform).order_by(LtiPlatform.issuer)))
        if not rows:
            click.echo("No platforms. Add one with `leaderled lti platform add`.")
        for row in rows:
            click.echo(
                f"{row.issuer}  ({row.name}; identity {row.identity_mode.value}"
                f"{'; auto-approve' if row.auto_approve else ''})"
            )
            for override in row.role_overrides:
                where = f" in course {override.context_id}" if override.context_id else ""
                click.echo(f"  role {override.lti_role} -> {override.role.value}{where}")
            for client in row.clients:
                click.echo(f"  client {client.client_id}")
                for deployment in client.deployments:
                    click.echo(
                        f"    deployment {deployment.deployment_id}  {deployment.status.value}"
                    )


@platform.command("approve")
@click.argument("issuer")
@click.argument("deployment_id")
@click.option("--client-id", help="Only this client's deployment (when ids repeat).")
@with_appcontext
def approve(issuer: str, deployment_id: str, client_id: str | None) -> None:
    """Activate pending deployment DEPLOYMENT_ID of platform ISSUER."""
    with session_scope() as session:
        row = _platform(session, issuer)
        clients = [c for c in row.clients if client_id is None or c.client_id == client_id]
        approved = [
            c.client_id for c in clients if _approve(session, c, deployment_id, create=False)
        ]
    if not approved:
        raise click.ClickException(
            f"Platform {issuer} has no deployment {deployment_id!r}. See "
            "`leaderled lti platform list`."
        )
    click.echo(f"Deployment {deployment_id} of {issuer} is active.")


@platform.command("role")
@click.argument("issuer")
@click.argument("lti_role")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@click.option(
    "--context",
    "context_id",
    default="",
    help="Only in this course (LTI context id); default: the whole platform.",
)
@with_appcontext
def role_override(issuer: str, lti_role: str, role: str, context_id: str) -> None:
    """Map LTI_ROLE (URI or short name like Instructor) to a Leaderled ROLE."""
    with session_scope() as session:
        row = _platform(session, issuer)
        override = session.scalar(
            select(LtiRoleOverride).where(
                LtiRoleOverride.platform_id == row.id,
                LtiRoleOverride.context_id == context_id,
                LtiRoleOverride.lti_role == lti_role,
            )
        )
        if override is None:
            override = LtiRoleOverride(
                platform=row, context_id=context_id, lti_role=lti_role, role=Role(role)
            )
            session.add(override)
        override.role = Role(role)
    where = f"course {context_id}" if context_id else "the whole platform"
    click.echo(f"{lti_role} -> {role} on {issuer} ({where}).")


@platform.command("role-remove")
@click.argument("issuer")
@click.argument("lti_role")
@click.option("--context", "context_id", default="", help="The course the override is for.")
@with_appcontext
def role_remove(issuer: str, lti_role: str, context_id: str) -> None:
    """Remove the override of LTI_ROLE on ISSUER (the defaults apply again)."""
    with session_scope() as session:
        row = _platform(session, issuer)
        override = session.scalar(
            select(LtiRoleOverride).where(
                LtiRoleOverride.platform_id == row.id,
                LtiRoleOverride.context_id == context_id,
                LtiRoleOverride.lti_role == lti_role,
            )
        )
        if override is None:
            where = f" in course {context_id}" if context_id else ""
            raise click.ClickException(
                f"{issuer} has no override for {lti_role!r}{where}. See `leaderled lti platform "
                "list`."
            )
        session.delete(override)
    click.echo(f"Override of {lti_role} on {issuer} removed; the default mapping applies.")


@platform.command("remove")
@click.argument("issuer")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def remove_platform(issuer: str, yes: bool) -> None:
    """Remove platform ISSUER with its client ids, deployments, role overrides
    and open launch sessions. People, teams and their records stay."""
    with session_scope() as session:
        row = _platform(session, issuer)
        clients = len(row.clients)
        if not yes:
            click.confirm(
                f"Remove {issuer} ({clients} client id(s)); its courses can no longer launch "
                "Leaderled?",
                abort=True,
            )
        session.delete(row)
    click.echo(f"Platform {issuer} removed.")


@lti.group()
def registrations() -> None:
    """Dynamic registrations waiting for approval (anyone can start one)."""


@registrations.command("list")
@with_appcontext
def list_registrations() -> None:
    """Show pending registrations, oldest first."""
    ttl = lti_settings().pending_registration_ttl
    with session_scope() as session:
        found = pending.waiting(session)
    if not found:
        click.echo("No registration is waiting for approval.")
    for item in found:
        deployments = ", ".join(item.deployment_ids) or "none"
        click.echo(
            f"{item.issuer}  client {item.client_id}  deployment(s) {deployments}  "
            f"registered {item.created_at:%Y-%m-%d %H:%M}"
        )
    if found:
        click.echo(
            f"{len(found)} waiting; unapproved registrations are removed after "
            f"{ttl // 3600} hours. Approve with `leaderled lti platform approve ISSUER "
            "DEPLOYMENT`."
        )


@registrations.command("remove")
@click.argument("issuer")
@click.option("--client-id", help="Only this client id of the platform.")
@with_appcontext
def remove_registrations(issuer: str, client_id: str | None) -> None:
    """Remove the pending registrations of ISSUER."""
    with session_scope() as session:
        chosen = [
            w.client_pk
            for w in pending.waiting(session, issuer=issuer)
            if client_id is None or w.client_id == client_id
        ]
        count = pending.remove(session, chosen)
    if not count:
        raise click.ClickException(
            f"No pending registration of {issuer}. See `leaderled lti registrations list`."
        )
    click.echo(f"Removed {count} pending registration(s) of {issuer}.")


@registrations.command("purge")
@click.option("--all", "everything", is_flag=True, help="Every pending one, not only expired.")
@with_appcontext
def purge_registrations(everything: bool) -> None:
    """Remove expired pending registrations (with --all: every pending one)."""
    with session_scope() as session:
        if everything:
            count = pending.remove(session, [w.client_pk for w in pending.waiting(session)])
        else:
            count = pending.purge_expired(session, ttl=lti_settings().pending_registration_ttl)
    click.echo(f"Removed {count} pending registration(s).")


@lti.group()
def keys() -> None:
    """The tool's signing keys (published at /lti/jwks)."""


@keys.command("rotate")
@with_appcontext
def rotate() -> None:
    """Make a new current key; the old one stays published as previous."""
    with session_scope() as session:
        key = tool_keys.rotate(session)
        kid = key.kid
    click.echo(f"New current key {kid}; the previous key stays published until the next rotation.")


@keys.command("list")
@with_appcontext
def list_keys() -> None:
    """Show key ids and their status (never the private keys)."""
    with session_scope() as session:
        tool_keys.ensure_current_key(session)
        for key in tool_keys.all_keys(session):
            stored = "encrypted" if key.private_pem.startswith(tool_keys.SEALED) else "PLAIN TEXT"
            click.echo(f"{key.kid}  {key.status.value}  {key.created_at:%Y-%m-%d %H:%M}  {stored}")


@keys.command("new-secret")
def new_secret() -> None:
    """Print a fresh key for LEADERLED_KEY_ENCRYPTION_KEYS (nothing is stored)."""
    click.echo(tool_keys.new_secret())


@keys.command("reseal")
@with_appcontext
def reseal() -> None:
    """Encrypt the stored private keys with the first key in
    LEADERLED_KEY_ENCRYPTION_KEYS (after adding a key in front, to rotate it)."""
    try:
        with session_scope() as session:
            count = tool_keys.reseal(session)
    except tool_keys.KeysUnavailable as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"{count} private key(s) now encrypted with the first key of "
        f"{tool_keys.ENV_NAME}; older keys may be dropped from it."
    )
