"""Who an xAPI actor is: one identity, one inverse functional identifier.

Formal records (from Moodle's log store, cmi5 players, ...) and our own
statements must name people the same way to line up, so identities are
compared through :meth:`Identity.key`, a canonical string per identifier.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal

IdentityKind = Literal["account", "mbox", "mbox_sha1sum", "openid"]


@dataclass(frozen=True, slots=True)
class Identity:
    """One inverse functional identifier of an agent, plus an optional name.

    ``value`` holds the mailto IRI, the sha1 hex or the OpenID URI; for an
    account ``home_page`` and ``value`` (the account name) are both set.
    """

    kind: IdentityKind
    value: str
    home_page: str | None = None
    name: str | None = None

    @classmethod
    def account(cls, home_page: str, name: str, *, display: str | None = None) -> Identity:
        return cls("account", name, home_page=home_page, name=display)

    @classmethod
    def mbox(cls, email: str, *, display: str | None = None) -> Identity:
        address = email.removeprefix("mailto:").strip()
        return cls("mbox", "mailto:" + address.lower(), name=display)

    def key(self) -> str:
        """Canonical lookup key; an IRI never contains a space, so it splits."""
        if self.kind == "account":
            return f"account {self.home_page} {self.value}"
        return f"{self.kind} {self.value}"

    def sha1(self) -> Identity:
        """The same mailbox as ``mbox_sha1sum`` (for LRSs that hide emails)."""
        if self.kind != "mbox":
            raise ValueError("only an mbox identity has a sha1 form")
        digest = hashlib.sha1(self.value.encode("utf-8"), usedforsecurity=False).hexdigest()
        return Identity("mbox_sha1sum", digest, name=self.name)

    def to_actor(self, *, with_name: bool = True) -> dict[str, Any]:
        actor: dict[str, Any] = {"objectType": "Agent"}
        if with_name and self.name:
            actor["name"] = self.name
        if self.kind == "account":
            actor["account"] = {"homePage": self.home_page, "name": self.value}
        else:
            actor[self.kind] = self.value
        return actor

    @classmethod
    def from_actor(cls, actor: dict[str, Any]) -> Identity | None:
        """The identity of an Agent dict, or None when it has no usable IFI."""
        name = actor.get("name") if isinstance(actor.get("name"), str) else None
        account = actor.get("account")
        if isinstance(account, dict):
            home, acc_name = account.get("homePage"), account.get("name")
            if isinstance(home, str) and isinstance(acc_name, str):
                return cls("account", acc_name, home_page=home, name=name)
            return None
        mbox = actor.get("mbox")
        if isinstance(mbox, str) and mbox.startswith("mailto:"):
            return cls.mbox(mbox, display=name)
        for kind in ("mbox_sha1sum", "openid"):
            value = actor.get(kind)
            if isinstance(value, str):
                return cls(kind, value.lower() if kind == "mbox_sha1sum" else value, name=name)
        return None
