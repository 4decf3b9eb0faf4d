"""Authentication for LRS requests: HTTP Basic or a bearer token.

Both keep the secret out of ``repr`` and ``str`` so it never reaches logs,
tracebacks or error messages.
"""

from __future__ import annotations

import base64

import requests
from requests.auth import AuthBase


class BasicAuth(AuthBase):
    """HTTP Basic credentials (an LRS key and secret)."""

    def __init__(self, username: str, password: str) -> None:
        self.username = username
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._header = f"Basic {token}"

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = self._header
        return r

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password='***')"

    __str__ = __repr__


class BearerAuth(AuthBase):
    """An OAuth 2 / bearer token."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = self._header
        return r

    def __repr__(self) -> str:
        return "BearerAuth(token='***')"

    __str__ = __repr__


def make_auth(
    username: str | None = None, password: str | None = None, token: str | None = None
) -> AuthBase | None:
    """Pick the auth from settings: a token wins over a username; nothing gives no auth."""
    if token:
        return BearerAuth(token)
    if username:
        return BasicAuth(username, password or "")
    return None
