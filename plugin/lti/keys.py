"""The tool's RSA signing keys and the JWKS that publishes them.

One key is ``current`` (signs client assertions and deep-linking responses);
after a rotation the old one stays ``previous`` and published, so a platform
that cached our JWKS, or a token signed a moment ago, still verifies.

Private keys are stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256)
with the keys in ``LEADERLED_KEY_ENCRYPTION_KEYS``, newest first: a copy of
the database alone then signs nothing (with the key, anyone could ask the
LMS for a service token and read its roster). Every listed key decrypts, the
first encrypts; ``leaderled lti keys reseal`` re-encrypts what is stored
with the first, which is how that key is rotated. Without the setting keys
are stored in plain text and every use logs a warning.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app, has_app_context
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.models.lti import KeyStatus, LtiToolKey

KEY_SIZE = 2048
ENV_NAME = "LEADERLED_KEY_ENCRYPTION_KEYS"
SEALED = "fernet:"

log = logging.getLogger(__name__)


class KeysUnavailable(Exception):
    """The stored private keys cannot be read with the configured keys; the
    message says which setting to fix. Pages answer 503 with it."""


class Sealer:
    """Encrypts and decrypts private PEMs with the configured Fernet keys."""

    def __init__(self, configured: str) -> None:
        items = [k.strip() for k in configured.replace(" ", ",").split(",") if k.strip()]
        try:
            self._fernet = MultiFernet([Fernet(k) for k in items]) if items else None
        except (ValueError, TypeError):
            raise KeysUnavailable(
                f"{ENV_NAME} holds something that is not a Fernet key (32 url-safe base64 "
                "bytes); make one with `leaderled lti keys new-secret`."
            ) from None

    @property
    def encrypts(self) -> bool:
        return self._fernet is not None

    def seal(self, pem: str) -> str:
        if self._fernet is None:
            log.warning("the tool's private key is stored unencrypted: set %s", ENV_NAME)
            return pem
        return SEALED + self._fernet.encrypt(pem.encode("ascii")).decode("ascii")

    def open(self, stored: str) -> str:
        if not stored.startswith(SEALED):
            if self._fernet is not None:
                log.warning("a private key is stored unencrypted; run `leaderled lti keys reseal`")
            return stored
        if self._fernet is None:
            raise KeysUnavailable(
                f"The tool's private keys are encrypted but {ENV_NAME} is not set. Set it to the "
                "key(s) they were encrypted with."
            )
        try:
            return self._fernet.decrypt(stored[len(SEALED) :].encode("ascii")).decode("ascii")
        except InvalidToken:
            raise KeysUnavailable(
                f"None of the keys in {ENV_NAME} decrypts the tool's private keys. List the old "
                "key after the new one until `leaderled lti keys reseal` has run."
            ) from None

    def reseal(self, stored: str) -> str:
        """``stored`` encrypted with the first key (plain text gets encrypted)."""
        return self.seal(self.open(stored))


def sealer() -> Sealer:
    """The sealer of the running app (else of the environment)."""
    if has_app_context():
        return Sealer(str(current_app.config["LEADERLED"].key_encryption_keys))
    return Sealer(os.environ.get(ENV_NAME, ""))


def new_secret() -> str:
    """A fresh key for :data:`ENV_NAME`."""
    return Fernet.generate_key().decode("ascii")


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
    private_key = serialization.load_pem_private_key(
        sealer().open(private_pem).encode("ascii"), password=None
    )
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
        kid=secrets.token_hex(8),
        private_pem=sealer().seal(generate_private_pem()),
        status=KeyStatus.CURRENT,
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
        kid=secrets.token_hex(8),
        private_pem=sealer().seal(generate_private_pem()),
        status=KeyStatus.CURRENT,
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
    pem = sealer().open(key.private_pem)
    private_key = serialization.load_pem_private_key(pem.encode("ascii"), None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ValueError("tool keys must be RSA")
    return SigningKey(kid=key.kid, private_key=private_key)


def reseal(session: Session) -> int:
    """Encrypt every stored key with the first configured key; returns how many."""
    current = sealer()
    if not current.encrypts:
        raise KeysUnavailable(f"Set {ENV_NAME} first (`leaderled lti keys new-secret` makes one).")
    rows = all_keys(session)
    for row in rows:
        row.private_pem = current.reseal(row.private_pem)
    return len(rows)
