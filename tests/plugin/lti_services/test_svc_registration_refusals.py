"""Dynamic registration against a hostile or broken platform: every refusal
is a 4xx page an LMS admin can act on, and nothing is stored."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from lti_svc_helpers import Hostile, LiveTool
from sqlalchemy import func, select

from plugin.db import session_scope
from plugin.lti import outbound
from plugin.models.lti import LtiClient, LtiDeployment, LtiPlatform

NOTHING = {"lti_platform": 0, "lti_client": 0, "lti_deployment": 0}


def registrations(app: Flask) -> dict[str, int]:
    with session_scope(app) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (LtiPlatform, LtiClient, LtiDeployment)
        }


def _register(tool: LiveTool, url: str) -> tuple[int, str]:
    response = tool.client.get(
        "/lti/register", query_string={"openid_configuration": url, "registration_token": "t"}
    )
    return response.status_code, response.get_data(as_text=True)


def _private_hosts(tool: LiveTool, hosts: str | None) -> None:
    """Set the allow-list (None: the production default, none at all)."""
    tool.app.config["LTI_PRIVATE_HOSTS"] = hosts
    for key in ("leaderled.lti_settings", "leaderled.outbound", "leaderled.lti_services"):
        tool.app.extensions.pop(key, None)


def test_private_configuration_url_refused_by_default(
    live_tool: LiveTool, hostile: Hostile
) -> None:
    _private_hosts(live_tool, None)
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 400, page
    assert "is on a private or local network" in page
    assert "LEADERLED_LTI_PRIVATE_HOSTS" in page
    assert "127.0.0.1)" not in page  # the address a name resolved to stays in the log
    assert registrations(live_tool.app) == NOTHING


def test_private_host_outside_the_allow_list_refused(live_tool: LiveTool, hostile: Hostile) -> None:
    """Listing the LMS's network opens that network only, not loopback."""
    _private_hosts(live_tool, "10.20.0.0/16, moodle.internal")
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 400, page
    assert "is on a private or local network" in page
    _private_hosts(live_tool, "127.0.0.0/8")
    assert _register(live_tool, hostile.url + "/cfg")[0] == 200


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.0.1",
        "100.64.0.1",
        "169.254.169.254",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "240.0.0.1",
    ],
)
def test_outbound_refuses_internal_addresses_unless_listed(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert not outbound.address_allowed("lms.example", ip, outbound.PrivateHosts())
    listed = outbound.PrivateHosts.parse(address)
    assert outbound.address_allowed("lms.example", ip, listed)
    by_network = outbound.PrivateHosts.parse(f"{address}/8" if ip.version == 4 else f"{address}/64")
    assert outbound.address_allowed("lms.example", ip, by_network)
    by_name = outbound.PrivateHosts.parse("lms.example")
    assert outbound.address_allowed("LMS.example", ip, by_name)
    assert not outbound.address_allowed("other.example", ip, by_name)


@pytest.mark.parametrize("address", ["0.0.0.0", "224.0.0.1", "ff02::1", "::"])
def test_outbound_never_calls_unspecified_or_multicast(address: str) -> None:
    everything = outbound.PrivateHosts.parse("0.0.0.0/0 ::/0")
    assert not outbound.address_allowed("x", ipaddress.ip_address(address), everything)


def test_outbound_allows_public_addresses() -> None:
    for address in ("93.184.215.14", "2606:4700::1111"):
        assert outbound.address_allowed("x", ipaddress.ip_address(address), outbound.PrivateHosts())


@pytest.mark.parametrize("entry", ["10.0.0.0/33", "not a host!", "http://moodle", "a" * 300])
def test_private_hosts_entries_that_mean_nothing_are_refused(entry: str) -> None:
    with pytest.raises(ValueError, match="LEADERLED_LTI_PRIVATE_HOSTS"):
        outbound.PrivateHosts.parse(entry)


def test_outbound_checks_the_name_it_connects_to(hostile: Hostile) -> None:
    """``localhost`` is refused for what it resolves to (loopback), before any
    connection; listed by name or address it is allowed."""
    port = urlsplit(hostile.url).port
    url = f"http://localhost:{port}/cfg"
    with pytest.raises(outbound.OutboundRefused, match="private or local network") as refused:
        outbound.OutboundClient().send("GET", url)
    assert "resolves to 127.0.0.1" in refused.value.detail
    for allowed in ("localhost", "127.0.0.1 ::1"):
        client = outbound.OutboundClient(outbound.PrivateHosts.parse(allowed))
        assert client.send("GET", url).status == 200


def test_internal_registration_endpoint_refused(live_tool: LiveTool, hostile: Hostile) -> None:
    """The configuration (on the allow-listed LMS host) names an internal
    registration endpoint: the check runs on every outbound URL, not only the
    first, and refuses before connecting."""
    hostile.config = {"registration_endpoint": "http://169.254.169.254/latest/meta-data/"}
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 400, page
    assert "169.254.169.254/latest/meta-data/ is on a private or local network" in page
    assert registrations(live_tool.app) == NOTHING


def test_configuration_redirect_not_followed(live_tool: LiveTool, hostile: Hostile) -> None:
    status, page = _register(live_tool, hostile.url + "/elsewhere")
    assert status == 400, page
    assert "answered HTTP 302" in page
    assert registrations(live_tool.app) == NOTHING


def test_registration_redirect_not_followed(live_tool: LiveTool, hostile: Hostile) -> None:
    hostile.config = {"registration_endpoint": hostile.url + "/register-redirect"}
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 400, page
    assert "refused the registration (HTTP 307)" in page
    assert hostile.registrations == 1
    assert registrations(live_tool.app) == NOTHING


def test_oversized_configuration_refused(live_tool: LiveTool, hostile: Hostile) -> None:
    hostile.config = {"padding": "x" * (outbound.MAX_BODY + 10)}
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 400, page
    assert "larger than" in page
    assert registrations(live_tool.app) == NOTHING


def test_platform_error_text_is_logged_not_shown(
    live_tool: LiveTool, hostile: Hostile, caplog: pytest.LogCaptureFixture
) -> None:
    """Anyone can start a registration: what a server answered (an internal
    service's error text) is never echoed to them, only logged, sanitised."""
    nasty = "internal secret\n<script>alert(1)</script>" + "y" * 5000
    hostile.answer = (400, {"error": "invalid_token", "error_description": nasty})
    with caplog.at_level("INFO"):
        status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 400, page
    assert "refused the registration (HTTP 400)" in page
    assert "internal secret" not in page
    assert "<script>alert(1)" not in page
    logged = [r.getMessage() for r in caplog.records if "internal secret" in r.getMessage()]
    assert logged
    assert all("\n" not in line and "y" * 200 not in line for line in logged)
    assert registrations(live_tool.app) == NOTHING


@pytest.mark.parametrize("token", ["€", "t\nX-Injected: 1", "t" * 5000])
def test_unusable_registration_token_refused(
    token: str, live_tool: LiveTool, hostile: Hostile
) -> None:
    response = live_tool.client.get(
        "/lti/register",
        query_string={"openid_configuration": hostile.url + "/cfg", "registration_token": token},
    )
    assert response.status_code == 400
    assert "registration_token" in response.get_data(as_text=True)
    assert hostile.registrations == 0
    assert registrations(live_tool.app) == NOTHING


def test_refusal_log_line_is_one_line(
    live_tool: LiveTool, hostile: Hostile, caplog: pytest.LogCaptureFixture
) -> None:
    hostile.answer = (400, {"error_description": "line one\nFAKE log entry"})
    with caplog.at_level("INFO"):
        status, _ = _register(live_tool, hostile.url + "/cfg")
    assert status == 400
    refused = [r.getMessage() for r in caplog.records if "registration refused" in r.getMessage()]
    assert refused
    assert all("\n" not in line for line in refused)


def test_registrations_without_deployment_count_towards_the_cap(
    live_tool: LiveTool, hostile: Hostile
) -> None:
    """A platform that answers without a deployment_id adds a client each time;
    those wait for approval like pending deployments and are capped the same."""
    live_tool.app.config["LTI_MAX_PENDING_REGISTRATIONS"] = 2
    hostile.answer = (200, {"client_id": "fresh"})
    assert _register(live_tool, hostile.url + "/cfg")[0] == 200
    assert _register(live_tool, hostile.url + "/cfg")[0] == 200
    before = registrations(live_tool.app)
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 429, page
    assert "2 registrations are already waiting for approval" in page
    assert hostile.registrations == 2  # refused before calling the platform
    assert (
        registrations(live_tool.app)
        == before
        == {
            "lti_platform": 1,
            "lti_client": 2,
            "lti_deployment": 0,
        }
    )


@pytest.mark.parametrize(
    ("config", "answer", "phrase"),
    [
        ({"issuer": "http://127.0.0.1:99999"}, None, "lacks issuer"),
        ({"issuer": "http://[::1"}, None, "lacks issuer"),
        ({"jwks_uri": "http://127.0.0.1/" + "j" * 1100}, None, "lacks jwks_uri"),
        ({"authorization_endpoint": "http://127.0.0.1/a\x00"}, None, "lacks authorization"),
        ({"authorization_server": "x" * 1100}, None, "authorization_server"),
        (
            {
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                    "messages_supported": ["LtiResourceLinkRequest"],
                    "product_family_code": "p" * 300,
                }
            },
            None,
            "product_family_code",
        ),
        ({"issuer_suffix": True}, None, "lacks issuer"),
        ({}, {"client_id": "c1\nFAKE log line"}, "the client_id"),
        ({}, {"client_id": "c" * 300}, "the client_id"),
        ({}, {"client_id": "c\x00"}, "the client_id"),
        ({}, {"client_id": ""}, "the client_id"),
        (
            {},
            {
                "client_id": "c1",
                "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                    "deployment_id": "d" * 300
                },
            },
            "the deployment_id",
        ),
    ],
    ids=[
        "issuer port out of range",
        "issuer unclosed bracket",
        "jwks_uri too long",
        "NUL in authorization_endpoint",
        "authorization_server too long",
        "product_family_code too long",
        "newline in issuer",
        "newline in client_id",
        "client_id too long",
        "NUL in client_id",
        "empty client_id",
        "deployment_id too long",
    ],
)
def test_unstorable_platform_values_refused(
    config: dict[str, Any],
    answer: dict[str, Any] | None,
    phrase: str,
    live_tool: LiveTool,
    hostile: Hostile,
) -> None:
    if config.pop("issuer_suffix", False):
        config = {"issuer": hostile.url + "\nFAKE log line"}
    hostile.config = config
    if answer is not None:
        hostile.answer = (200, answer)
    status, page = _register(live_tool, hostile.url + "/cfg")
    assert status == 400, page
    assert phrase in page
    assert registrations(live_tool.app) == NOTHING


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://127.0.0.1:99999/cfg", "http://127.0.0.1/\x00"]
)
def test_malformed_configuration_url_refused(url: str, live_tool: LiveTool) -> None:
    status, page = _register(live_tool, url)
    assert status == 400, page
    assert "absolute http(s) URL" in page
    assert registrations(live_tool.app) == NOTHING
