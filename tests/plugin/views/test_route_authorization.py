"""Authorisation in one place, checked for every route (DESIGN section 13).

Every endpoint of the app must be listed here, either as public (an LTI leg
or a public document, protected by its own protocol) or with the roles that
may open it. A new route without an entry fails the suite; every listed role
rule is walked for every role and for a browser without a launch.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from plugin.models import Role

from .conftest import World, sign_in

LEADER = frozenset({Role.LEADER})
LEARNING = frozenset(Role)  # everyone has a learning record of their own
LND = frozenset({Role.LND_ADMIN})
STAFF = frozenset({Role.LEADER, Role.LND_ADMIN})

#: Endpoints anyone may reach: the LTI protocol legs (state, nonce and
#: signatures protect them), public documents, and static files.
PUBLIC = frozenset(
    {
        "static",
        "home.index",
        # Load balancers and scrapers: no personal data (metrics checks its own token).
        "health.healthz",
        "health.readyz",
        "metrics.metrics",
        "api-docs.openapi_json",
        "api_docs.page",
        "api_docs.asset",
        "lti.jwks",
        "lti.launch",
        "lti.login",
        "lti.login_check",
        "lti.session_check",
        "lti_registration.register",
        "profile.component",
        "profile.profile",
        "profile.profile_version",
        "privacy.notice",
    }
)

#: Endpoint -> the roles that may open it. Object-level rules (whose record)
#: are tested with each area's pages.
ROLES: dict[str, frozenset[Role]] = {
    "lti.home": LEARNING,
    "lti_roster.roster": STAFF,
    "lti_approvals.registrations": LND,
    "lti_approvals.approve_deployment": LND,
    "lti_approvals.remove_deployment": LND,
    "lti_approvals.remove_others": LND,
    "lti_deep_linking.respond": STAFF,
    "leader.home": LEADER,
    "leader.team": LEADER,
    "leader.new_moment": LEADER,
    "leader.new_session": LEADER,
    "leader.records": LEADER,
    "leader.record": LEADER,
    "leader.edit": LEADER,
    "leader.delete": LEADER,
    "learner.record": LEARNING,
    "learner.confirm": LEARNING,
    "privacy.my_data": LEARNING,
    "privacy.export_mine": LEARNING,
    "privacy_admin.home": LND,
    "privacy_admin.platform": LND,
    "privacy_admin.retention": LND,
    "privacy_admin.person": LND,
    "privacy_admin.export": LND,
    "privacy_admin.erase_person": LND,
    "privacy_admin.log": LND,
    "privacy_admin.audit": LND,
    # Tips 3 to 5: L&D manages, leaders use; a learner sees only material shared with them.
    "admin.catalogue_page": LND,
    "admin.new_value": LND,
    "admin.edit_value": LND,
    "admin.retire_value": LND,
    "admin.restore_value": LND,
    "admin.new_topic": LND,
    "admin.edit_topic": LND,
    "admin.retire_topic": LND,
    "admin.restore_topic": LND,
    "admin.expectations_page": LND,
    "admin.new_expectation": LND,
    "admin.edit_expectation": LND,
    "admin.retire_expectation": LND,
    "admin.restore_expectation": LND,
    "admin_library.materials_page": LND,
    "admin_library.new_material": LND,
    "admin_library.edit_material": LND,
    "admin_library.retire_material": LND,
    "admin_library.restore_material": LND,
    "admin_trainers.trainers_page": LND,
    "admin_trainers.capacity": LND,
    "admin_trainers.new_pairing": LND,
    "admin_trainers.end_pairing": LND,
    "material.library": STAFF,
    "material.material": LEARNING,
    "material.open_material": LEARNING,
    "material.file": LEARNING,
    "material.by_iri": LEARNING,
    "material.share": LEADER,
    "trainers.home": LEADER,
    "trainers.new_ttt": LEADER,
    "trainers.ask": LEADER,
    "trainers.request_page": LEADER,
    "trainers.received": LEADER,
    "expectations.home": LEADER,
    "expectations.acknowledge": LEADER,
    "expectations.new_goal": LEADER,
    "expectations.goal_met": LEADER,
    "expectations.goal_not_met": LEADER,
    "tokens.personal": LEADER,
    "tokens.revoke_personal": LEADER,
    "tokens.service": LND,
    "tokens.revoke_service": LND,
    "imports.upload": LND,
    "operations.home": LND,
    "operations.resend": LND,
    "operations.discard": LND,
    "operations.check": LND,
}

WHO = {Role.LEADER: "ada", Role.LEARNER: "bo", Role.LND_ADMIN: "cy"}

#: API endpoint -> the token scope it needs (None: any live token). Who and
#: which teams a token reaches is tested in tests/plugin/api/.
SCOPES: dict[str, str | None] = {
    "api_moments.record_moment": "records:write",
    "api_moments.update_moment": "records:write",
    "api_sessions.record_session": "records:write",
    "api_sessions.update_session": "records:write",
    "api_trainers.record_ttt": "records:write",
    "api_trainers.list_feedback_requests": "records:read",
    "api_trainers.ask_feedback": "records:write",
    "api_trainers.give_feedback": "records:write",
    "api_trainers.list_pairings": "records:read",
    "api_trainers.pair": "admin",
    "api_trainers.end_pairing": "admin",
    "api_materials.library": "records:read",
    "api_materials.shared": "records:read",
    "api_materials.record_use": "records:write",
    "api_materials.share": "records:write",
    "api_expectations.list_expectations": "records:read",
    "api_expectations.acknowledge": "records:write",
    "api_goals.list_goals": "records:read",
    "api_goals.set_goal": "records:write",
    "api_goals.close_goal": "records:write",
    "api_records.delete_record": "records:write",
    "api_records.confirm_record": "records:write",
    "api_records.list_records": "records:read",
    "api_records.get_record": "records:read",
    "api_people.team_members": "records:read",
    "api_people.learning_record": "records:read",
    "api_people.me": None,
    "api_reports.teaching": "reports:read",
    "api_outbox.list_parked": "admin",
    "api_outbox.resend_parked": "admin",
}


def test_every_route_is_in_the_matrix(pages_app: Flask) -> None:
    endpoints = {rule.endpoint for rule in pages_app.url_map.iter_rules()}
    unlisted = endpoints - PUBLIC - set(ROLES) - set(SCOPES)
    assert not unlisted, f"routes without an authorisation rule: {sorted(unlisted)}"
    assert not (set(ROLES) | PUBLIC | set(SCOPES)) - endpoints, (
        "the matrix names routes that do not exist"
    )


def test_every_api_route_requires_its_scope(pages_app: Flask) -> None:
    for endpoint, scope in SCOPES.items():
        view = pages_app.view_functions[endpoint]
        assert hasattr(view, "_leaderled_scope"), f"{endpoint} is not behind @requires"
        found = view._leaderled_scope
        assert (found.value if found is not None else None) == scope, endpoint


def _requests(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) for every role-guarded route; ids are 1."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in ROLES:
            continue
        path = re.sub(r"<[^>]+>", "1", rule.rule)  # every argument, whatever its converter
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, path))
    return found


def test_no_launch_no_page(pages_app: Flask, world: World) -> None:
    client = pages_app.test_client()
    for endpoint, method, path in _requests(pages_app):
        response = client.open(path, method=method)
        assert response.status_code in (400, 401), (endpoint, method, response.status_code)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_reaches_only_its_routes(pages_app: Flask, world: World, role: Role) -> None:
    pages_app.config["WTF_CSRF_ENABLED"] = False  # the role check must hold without CSRF too
    client = sign_in(pages_app, world, WHO[role])
    for endpoint, method, path in _requests(pages_app):
        response = client.open(path, method=method)
        if role in ROLES[endpoint]:
            assert response.status_code != 403, (endpoint, method, path)
            assert response.status_code < 500, (endpoint, method, path)
        else:
            assert response.status_code == 403, (endpoint, method, path, response.status_code)
