"""What the tool accepts from a platform's openid-configuration and asks for in return."""

from __future__ import annotations

import pytest

from plugin.lti.dynamic_registration import (
    RegistrationError,
    parse_configuration,
    tool_registration,
)
from plugin.lti.settings import LtiSettings

MOODLE = "https://moodle.example.org"
AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def _moodle(**changes: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "issuer": MOODLE,
        "token_endpoint": MOODLE + "/mod/lti/token.php",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "jwks_uri": MOODLE + "/mod/lti/certs.php",
        "authorization_endpoint": MOODLE + "/mod/lti/auth.php",
        "registration_endpoint": MOODLE + "/mod/lti/openid-registration.php",
        "scopes_supported": [AGS + "lineitem", AGS + "score", NRPS, "openid"],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
            "product_family_code": "moodle",
            "version": "4.5",
            "messages_supported": ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"],
            "variables": ["basic-lti-launch-request", "User.username"],
        },
    }
    doc.update(changes)
    return doc


def test_moodle_shaped_configuration_accepted() -> None:
    config = parse_configuration(MOODLE + "/mod/lti/openid-configuration.php", _moodle())
    assert config.product_family_code == "moodle"
    assert config.messages == {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}
    assert config.token_endpoint == MOODLE + "/mod/lti/token.php"


def test_only_scopes_the_platform_supports_are_requested() -> None:
    config = parse_configuration(MOODLE + "/x", _moodle())
    body = tool_registration(LtiSettings(public_url="https://tool.example/leaderled"), config)
    assert body["scope"].split() == [AGS + "lineitem", AGS + "score", NRPS]
    assert body["redirect_uris"] == ["https://tool.example/leaderled/lti/launch"]
    tool_config = body["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    assert tool_config["domain"] == "tool.example"


def test_no_deep_linking_message_when_platform_lacks_it() -> None:
    lti = {"messages_supported": [{"type": "LtiResourceLinkRequest"}]}
    config = parse_configuration(
        MOODLE + "/x",
        _moodle(**{"https://purl.imsglobal.org/spec/lti-platform-configuration": lti}),
    )
    body = tool_registration(LtiSettings(public_url="https://tool.example"), config)
    messages = body["https://purl.imsglobal.org/spec/lti-tool-configuration"]["messages"]
    assert [m["type"] for m in messages] == ["LtiResourceLinkRequest"]
    assert "custom_parameters" not in body["https://purl.imsglobal.org/spec/lti-tool-configuration"]


@pytest.mark.parametrize(
    "config_url",
    [
        "http://moodle.example.org/x",  # scheme differs
        "https://moodle.example.org:8443/x",  # port differs
        "https://evil.example/x",  # host differs
    ],
)
def test_issuer_must_share_the_configuration_urls_origin(config_url: str) -> None:
    with pytest.raises(RegistrationError, match="not on the same site"):
        parse_configuration(config_url, _moodle())


def test_not_an_object() -> None:
    with pytest.raises(RegistrationError, match="not a JSON object"):
        parse_configuration(MOODLE + "/x", ["issuer"])


def test_registration_name_tells_two_instances_apart() -> None:
    """Issue 15.5: Moodle lists each registered tool by its client_name."""
    platform = parse_configuration(MOODLE + "/cfg", _moodle())
    body = tool_registration(LtiSettings("https://leaderled.example.org"), platform)
    assert body["client_name"] == "Leaderled (leaderled.example.org)"
    named = tool_registration(
        LtiSettings("https://leaderled.example.org", tool_name="Leaderled Sales"), platform
    )
    assert named["client_name"] == "Leaderled Sales"
    config = named["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    assert config["messages"][0]["label"] == "Leaderled Sales"
