"""How this installation writes statements: the vocabulary base, the xAPI
version, what it discloses (names only where the platform opted in, free text
only where the organisation did; DESIGN section 9) and the site under which
our activities (sessions, moments) get their IRIs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.config import Settings
from plugin.db import transaction_memo
from plugin.models.lti import IdentityMode, LtiPlatform
from plugin.models.people import Team
from statements.builders import BuildOptions


@dataclass(frozen=True)
class Publishing:
    options: BuildOptions
    site: str

    def new_activity_iri(self, kind: str) -> str:
        """A fresh, stable IRI for a session or moment (``<site>/<kind>/<uuid>``)."""
        return f"{self.site}/{kind}/{uuid.uuid4()}"


def publishing_for(session: Session, settings: Settings, issuer: str | None) -> Publishing:
    """The options for statements about people of the platform ``issuer``:
    minimal unless that platform opted in to names, email addresses (its
    identity mode) or note text."""
    platform = (
        session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == issuer)) if issuer else None
    )
    return _publishing(settings, platform)


#: :func:`plugin.db.transaction_memo` of team id -> its platform (or None),
#: as a query of this transaction already read it.
TEAM_PLATFORMS = "team_platforms"


def remember_platforms(session: Session, platforms: dict[int, LtiPlatform | None]) -> None:
    """Note the platforms of teams read along with something else, so
    :func:`publishing_for_team` needs no query of its own in this session."""
    transaction_memo(session, TEAM_PLATFORMS).update(platforms)


def publishing_for_team(session: Session, settings: Settings, team_id: int | None) -> Publishing:
    """:func:`publishing_for` the platform of team ``team_id``, in one query
    (none when this transaction has read it already)."""
    if team_id is None:
        return _publishing(settings, None)
    known: dict[int, LtiPlatform | None] = transaction_memo(session, TEAM_PLATFORMS)
    if team_id in known:
        return _publishing(settings, known[team_id])
    platform = session.scalar(
        select(LtiPlatform)
        .join(Team, Team.platform_issuer == LtiPlatform.issuer)
        .where(Team.id == team_id)
    )
    return _publishing(settings, platform)


def _publishing(settings: Settings, platform: LtiPlatform | None) -> Publishing:
    options = BuildOptions(base=settings.resolved_profile_base)
    if platform is not None:
        options = BuildOptions(
            base=settings.resolved_profile_base,
            with_names=platform.names_in_statements,
            with_mbox=platform.identity_mode is IdentityMode.MBOX,
            include_free_text=platform.notes_in_statements,
        )
    return Publishing(options=options, site=settings.public_url.rstrip("/"))
