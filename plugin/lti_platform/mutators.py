"""One rule broken per function, for the negative launch tests (dev LMS only).

Each mutator edits a :class:`LaunchSpec` before the platform signs it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from plugin.lti_platform.platform import LaunchSpec, TestPlatform

LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def drop(*names: str) -> Any:
    def mutate(spec: LaunchSpec) -> None:
        spec.drop.update(names)

    return mutate


def set_claims(**values: Any) -> Any:
    def mutate(spec: LaunchSpec) -> None:
        spec.late.update(values)

    return mutate


def set_lti(name: str, value: Any) -> Any:
    """Set an LTI claim (``name`` without the claim prefix)."""

    def mutate(spec: LaunchSpec) -> None:
        spec.late[LTI + name] = value

    return mutate


def expired(spec: LaunchSpec) -> None:
    now = int(time.time())
    spec.late.update(iat=now - 600, exp=now - 300)


def issued_in_future(spec: LaunchSpec) -> None:
    now = int(time.time())
    spec.late.update(iat=now + 600, exp=now + 900)


def wrong_issuer(spec: LaunchSpec) -> None:
    spec.late["iss"] = "https://other-lms.example.org"


def issuer_trailing_slash(spec: LaunchSpec) -> None:
    spec.late["iss"] = str(spec.claims["iss"]) + "/"


def foreign_audience(spec: LaunchSpec) -> None:
    spec.late.update(aud="someone-else", azp=None)
    spec.drop.add("azp")


def several_audiences_without_azp(spec: LaunchSpec) -> None:
    aud = spec.claims["aud"]
    client_id = aud if isinstance(aud, str) else aud[0]
    spec.late["aud"] = [client_id, "another-client"]
    spec.drop.add("azp")


def wrong_azp(spec: LaunchSpec) -> None:
    spec.late["azp"] = "another-client"


def nonce(value: str) -> Any:
    def mutate(spec: LaunchSpec) -> None:
        spec.nonce = value

    return mutate


def alg_none(spec: LaunchSpec) -> None:
    def sign(_platform: TestPlatform, claims: dict[str, Any], header: dict[str, Any]) -> str:
        return jwt.encode(claims, "", algorithm="none", headers={"kid": _platform.kid})

    spec.signer = sign


def hs256_with_public_key(spec: LaunchSpec) -> None:
    """The classic key-confusion attack: HMAC keyed with the RSA public key PEM."""

    def sign(platform: TestPlatform, claims: dict[str, Any], header: dict[str, Any]) -> str:
        pem = platform.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        segments = [
            _b64({"alg": "HS256", "typ": "JWT", "kid": platform.kid}),
            _b64(claims),
        ]
        signing_input = ".".join(segments).encode("ascii")
        mac = hmac.new(pem, signing_input, hashlib.sha256).digest()
        return ".".join([*segments, base64.urlsafe_b64encode(mac).rstrip(b"=").decode()])

    spec.signer = sign


def unknown_kid(spec: LaunchSpec) -> None:
    spec.header["kid"] = "no-such-key"


def bad_signature(spec: LaunchSpec) -> None:
    def sign(platform: TestPlatform, claims: dict[str, Any], header: dict[str, Any]) -> str:
        token = jwt.encode(
            claims, platform.private_key, algorithm="RS256", headers={"kid": platform.kid}
        )
        head, body, signature = token.split(".")
        flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
        return ".".join([head, body, flipped])

    spec.signer = sign


def _b64(value: dict[str, Any]) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
