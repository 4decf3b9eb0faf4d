"""What a token may reach: the person it acts as or for, the teams it
covers, and the :class:`Actor` the services see for each call.

The services check the rest exactly as for a launch (a leader records only
for a team they lead, names only its members, changes only their own
records); these rules only narrow it further to the token's person and
teams. What a token may not see is "not found", as on the pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.i18n import _
from plugin.models.api import Scope, TokenKind
from plugin.models.lti import LtiPlatform
from plugin.models.people import Membership, Role, Team
from plugin.models.records import LeaderLedRecord
from plugin.services.errors import Invalid, NotAllowed, NotFound
from plugin.services.people import Actor, require_leader_of
from plugin.services.publishing import remember_platforms
from plugin.services.record_feed import Reach


@dataclass(frozen=True)
class Grant:
    """A live token as the API sees it (no secret, no ORM object)."""

    token_id: int
    kind: TokenKind
    scopes: frozenset[Scope]
    person_id: int | None  # the one person it acts as or for
    team_ids: frozenset[int]  # empty: not limited to teams
    created_by: int | None

    @property
    def organisation_wide(self) -> bool:
        return self.kind is TokenKind.SERVICE and self.person_id is None and not self.team_ids

    def covers_team(self, team_id: int | None) -> bool:
        return not self.team_ids or (team_id is not None and team_id in self.team_ids)


def _teams_where(session: Session, person_id: int, roles: tuple[Role, ...]) -> list[int]:
    return list(
        session.scalars(
            select(Membership.team_id)
            .where(Membership.person_id == person_id, Membership.role.in_(roles))
            .order_by(Membership.team_id)
        )
    )


def _teams_led_with_platforms(session: Session, person_id: int) -> list[int]:
    """The teams ``person_id`` leads; their platforms are read along and
    remembered for :func:`plugin.services.publishing.publishing_for_team`,
    which the write needs next."""
    rows = (
        session.execute(
            select(Membership.team_id, LtiPlatform)
            .join(Team, Team.id == Membership.team_id)
            .outerjoin(LtiPlatform, LtiPlatform.issuer == Team.platform_issuer)
            .where(Membership.person_id == person_id, Membership.role == Role.LEADER)
            .order_by(Membership.team_id)
        )
        .tuples()
        .all()
    )
    remember_platforms(session, dict(rows))
    return [team_id for team_id, _platform in rows]


def writer(session: Session, grant: Grant, *, leader_id: int | None, team_id: int | None) -> Actor:
    """The leader (and team) a write through this token is for."""
    if grant.person_id is not None:
        if leader_id is not None and leader_id != grant.person_id:
            raise NotAllowed(_("This token acts for one person only; leave leader_id out."))
        leader = grant.person_id
    elif leader_id is None:
        raise Invalid({"leader_id": _("Name the leader this record is for (leader_id).")})
    else:
        leader = leader_id
    if team_id is None:
        led = [t for t in _teams_led_with_platforms(session, leader) if grant.covers_team(t)]
        if len(led) > 1:
            raise Invalid(
                {"team_id": _("This leader leads several teams; name the team (team_id).")}
            )
        team_id = led[0] if led else None
    if team_id is not None and not grant.covers_team(team_id):
        raise NotAllowed(_("This token is not allowed for that team."))
    return Actor(person_id=leader, role=Role.LEADER, team_id=team_id)


def leader(session: Session, grant: Grant, *, leader_id: int | None, team_id: int | None) -> Actor:
    """:func:`writer` for what only a leader records (tips 3 to 5): the
    person must lead the team the write is for, as a launch must."""
    actor = writer(session, grant, leader_id=leader_id, team_id=team_id)
    require_leader_of(session, actor, actor.team_id)
    return actor


def reaches(grant: Grant, person_id: int, team_id: int | None) -> bool:
    """Whether the token may act on something of ``person_id`` in ``team_id``."""
    if grant.person_id is not None and grant.person_id != person_id:
        return False
    return grant.covers_team(team_id)


def lnd_admin(session: Session, grant: Grant) -> Actor:
    """The L&D admin an organisation-wide token acts as: the L&D admin who
    created it (and is L&D still); pairings and the like are theirs."""
    creator = grant.created_by if grant.organisation_wide else None
    if creator is None or not _teams_where(session, creator, (Role.LND_ADMIN,)):
        raise NotAllowed(_("Only L&D can change this."))
    return Actor(person_id=creator, role=Role.LND_ADMIN)


def person_of(session: Session, grant: Grant, person_id: int | None) -> int:
    """Whose own record (learning record, confirmations) a call is about."""
    if grant.person_id is not None:
        if person_id is not None and person_id != grant.person_id:
            raise NotFound(_("There is no such person for this token."))
        return grant.person_id
    if person_id is None:
        raise Invalid({"person_id": _("Name the person (person_id).")})
    if grant.team_ids:
        teams = set(_teams_where(session, person_id, tuple(Role)))
        if not teams & grant.team_ids:
            raise NotFound(_("There is no such person for this token."))
    elif not session.scalar(select(Membership.id).where(Membership.person_id == person_id)):
        raise NotFound(_("There is no such person for this token."))
    return person_id


def readable_teams(session: Session, grant: Grant) -> frozenset[int] | None:
    """Teams whose records the token may read; None means every team."""
    if grant.organisation_wide:
        return None
    if grant.person_id is not None:
        staff = (Role.LEADER, Role.LND_ADMIN)
        led = frozenset(_teams_where(session, grant.person_id, staff))
        return led & grant.team_ids if grant.team_ids else led
    return grant.team_ids


def readable_team(session: Session, grant: Grant, team_id: int) -> Team:
    teams = readable_teams(session, grant)
    team = session.get(Team, team_id)
    if team is None or (teams is not None and team_id not in teams):
        raise NotFound(_("There is no such team for this token."))
    return team


def require_admin(grant: Grant) -> None:
    """Organisation-wide operations (the delivery queue) need an organisation-wide token."""
    if not grant.organisation_wide:
        raise NotAllowed(_("This needs a service token for the whole organisation."))


def owner_of(session: Session, grant: Grant, record_id: int) -> LeaderLedRecord:
    """A record this token may change on its owner's behalf; "not found" otherwise."""
    row = session.get(LeaderLedRecord, record_id)
    if (
        row is None
        or (grant.person_id is not None and row.leader_id != grant.person_id)
        or not grant.covers_team(row.team_id)
    ):
        raise NotFound(_("There is no such record of yours."))
    return row


def reach_of(session: Session, grant: Grant) -> Reach:
    """The records a token may read: its person's own (those of its teams, when
    limited to teams), and those of the teams it may read."""
    return Reach(grant.person_id, readable_teams(session, grant), grant.team_ids or None)
