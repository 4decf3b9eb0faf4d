"""A development LMS for tests and the demo. NOT FOR PRODUCTION.

It plays the platform side of LTI 1.3 well enough to launch Leaderled for
real: RSA keys and a JWKS endpoint, an OIDC authorization endpoint that
checks ``redirect_uri``, id_tokens signed with Moodle- or Canvas-shaped
claims, and mutators that break one rule each for the negative tests. It
trusts whatever user it is told to be and keeps everything in memory.
"""

from plugin.lti_platform.app import create_platform_app
from plugin.lti_platform.platform import LaunchSpec, TestPlatform, ToolRegistration

__all__ = ["LaunchSpec", "TestPlatform", "ToolRegistration", "create_platform_app"]
