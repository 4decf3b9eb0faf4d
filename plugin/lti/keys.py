"""The tool's RSA signing keys and the JWKS that publishes them.

One key is ``current`` (signs client assertions and deep-linking responses);
after a rotation the old one stays ``previous`` and published, so a platform
that cached our JWKS, or a token signed a moment ago, still verifies.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.models.lti import KeyStatus, LtiToolKey

KEY_SIZE = 2048


@dataclass(frozen=True)
class SigningKey:
    """What a signer needs: the kid for the JWT header and the private key."""

    kid: str
    private_key: rsa.RSAPrivateKey


def generate_private_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_jwk(private_pem: str, kid: str) -> dict[str, Any]:
    """The public half of a PEM key as a JWK with ``kid``, ``alg`` and ``use``."""
    private_key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ValueError("tool keys must be RSA")
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    jwk.update(kid=kid, alg="RS256", use="sig")
    return jwk


def _keys(session: Session, *statuses: KeyStatus) -> list[LtiToolKey]:
    query = select(LtiToolKey).where(LtiToolKey.status.in_(statuses)).order_by(LtiToolKey.id)
    return list(session.scalars(query))


def ensure_current_key(session: Session) -> LtiToolKey:
    """The current key, created on first use so a fresh install just works."""
    current = _keys(session, KeyStatus.CURRENT)
    if current:
        return current[-1]
    key = LtiToolKey(
        kid=secrets.token_hex(8), private_pem=generate_private_pem(), status=KeyStatus.CURRENT
    )
    session.add(key)
    session.flush()
    return key


def rotate(session: Session) -> LtiToolKey:
    """New current key; the old current becomes previous, older ones retire."""
    for old in _keys(session, KeyStatus.PREVIOUS):
        old.status = KeyStatus.RETIRED
    for old in _keys(session, KeyStatus.CURRENT):
        old.status = KeyStatus.PREVIOUS
    session.flush()
    key = LtiToolKey(
        kid=secrets.token_hex(8), private_pem=generate_private_pem(), status=KeyStatus.CURRENT
    )
    session.add(key)
    session.flush()
    return key


def published_keys(session: Session) -> list[LtiToolKey]:
    return _keys(session, KeyStatus.CURRENT, KeyStatus.PREVIOUS)


def all_keys(session: Session) -> list[LtiToolKey]:
    return list(session.scalars(select(LtiToolKey).order_by(LtiToolKey.id)))


def jwks(session: Session) -> dict[str, list[dict[str, Any]]]:
    """``{"keys": [...]}``: the current and the previous public keys."""
    ensure_current_key(session)
    return {"keys": [public_jwk(k.private_pem, k.kid) for k in published_keys(session)]}


def signing_key(session: Session) -> SigningKey:
    """The current key, ready for ``jwt.encode(..., headers={"kid": kid})``."""
    key = ensure_current_key(session)
    private_key = serialization.load_pem_private_key(key.private_pem.encode("ascii"), None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ValueError("tool keys must be RSA")
    return SigningKey(kid=key.kid, private_key=private_key)
