"""The menu at the top of every page, per role. An area adds its entry here;
entries whose page is not installed are left out, so the menu never links
to a 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request

from plugin.i18n import lazy
from plugin.lti.access import current_launch
from plugin.models.people import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Any  # a lazy string, translated when shown
    roles: frozenset[Role]
    #: URL prefixes that mark this entry as the current page.
    prefix: str = ""


LEADER = frozenset({Role.LEADER})
EVERYONE = frozenset(Role)
LND = frozenset({Role.LND_ADMIN})

NAV: tuple[NavItem, ...] = (
    NavItem("leader.home", lazy("Overview"), LEADER, "/leader/"),
    NavItem("leader.new_moment", lazy("Record coaching"), LEADER, "/leader/coaching"),
    NavItem("leader.new_session", lazy("Record a session"), LEADER, "/leader/sessions"),
    NavItem("leader.records", lazy("My records"), LEADER, "/leader/records"),
    NavItem("material.library", lazy("Library"), LEADER, "/library/"),
    NavItem("trainers.home", lazy("Train-the-trainer"), LEADER, "/trainers/"),
    NavItem("expectations.home", lazy("Expectations"), LEADER, "/expectations/"),
    NavItem("lti.home", lazy("Overview"), LND, "/lti/home"),
    NavItem("privacy_admin.home", lazy("Privacy"), LND, "/admin/privacy"),
    NavItem("admin.catalogue_page", lazy("Values and topics"), LND, "/admin/catalogue"),
    NavItem("admin_library.materials_page", lazy("Library"), LND, "/admin/materials"),
    NavItem("admin_trainers.trainers_page", lazy("Trainers"), LND, "/admin/trainers"),
    NavItem("admin.expectations_page", lazy("Expectations"), LND, "/admin/expectations"),
    NavItem("imports.upload", lazy("Import"), LND, "/admin/import"),
    NavItem("tokens.service", lazy("Service tokens"), LND, "/admin/tokens"),
    NavItem("operations.home", lazy("Operations"), LND, "/admin/operations"),
    NavItem("learner.record", lazy("My learning"), EVERYONE, "/me/"),
)


def items() -> list[tuple[NavItem, bool]]:
    """(entry, is current) for this request's launch; empty without a launch."""
    launch = current_launch()
    if launch is None:
        return []
    found = []
    for item in NAV:
        if launch.role not in item.roles or item.endpoint not in current_app.view_functions:
            continue
        current = bool(item.prefix) and request.path.startswith(item.prefix)
        found.append((item, current))
    # Only the most specific prefix counts as the current page.
    best = max((len(i.prefix) for i, cur in found if cur), default=0)
    return [(i, cur and len(i.prefix) == best) for i, cur in found]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = items
