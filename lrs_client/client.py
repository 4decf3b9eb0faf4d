"""``LRSClient``: the one object callers need to talk to an LRS."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

import requests
from requests.auth import AuthBase

from lrs_client import documents
from lrs_client.attachments import Attachment, encode_multipart
from lrs_client.auth import BasicAuth, make_auth
from lrs_client.compare import same_statement
from lrs_client.config import BatchLimits, RetryPolicy, Timeouts
from lrs_client.delivery import Deliverer, DeliveryReport, Outcome
from lrs_client.endpoint import parse_endpoint
from lrs_client.errors import ConfigError, Conflict, LRSError, NotFound, ProtocolError
from lrs_client.feed import Cursor, Feed
from lrs_client.inputs import StatementInput, batch_body, prepare
from lrs_client.query import Filters, StatementQuery
from lrs_client.transport import Transport, lrs_message
from lrs_client.version import SUPPORTED, VersionInfo, negotiate

log = logging.getLogger("lrs_client")

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
JSON = {"Content-Type": "application/json"}


class LRSClient:
    """A client for one LRS endpoint.

    ``auth`` is a ``requests`` auth object, a ``(username, password)`` pair,
    or given as ``username``/``password``/``token``. ``version`` pins the
    xAPI version; by default it is negotiated through ``/about`` on first
    use. ``session`` lets tests (or callers with special TLS needs) inject
    a configured :class:`requests.Session`.
    """

    def __init__(
        self,
        endpoint: str,
        auth: AuthBase | tuple[str, str] | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        version: str | None = None,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        batch: BatchLimits | None = None,
        session: requests.Session | None = None,
    ) -> None:
        parsed = parse_endpoint(endpoint)
        if isinstance(auth, tuple):
            auth = BasicAuth(*auth)
        if auth is None:
            auth = make_auth(username or parsed.username, password or parsed.password, token)
        if version is not None and version not in SUPPORTED:
            raise ConfigError(f"xAPI version must be one of {', '.join(SUPPORTED)}")
        self.endpoint = parsed.base
        self.batch = batch or BatchLimits()
        self.transport = Transport(
            parsed,
            auth=auth,
            timeouts=timeouts or Timeouts(),
            retry=retry or RetryPolicy(),
            session=session,
        )
        self._version_info: VersionInfo | None = None
        self._pinned = version
        # The LRS stored a statement we sent since the last connection problem:
        # it accepts our writes, so a statement it refuses is the statement's fault.
        self._writes_seen = False
        if version:
            self._version_info = VersionInfo(chosen=version, note="set by the caller")
            self.transport.version = version

    def __repr__(self) -> str:
        return f"LRSClient({self.endpoint!r}, auth={self.transport.auth!r})"

    def __enter__(self) -> LRSClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.transport.close()

    # -- version -------------------------------------------------------------

    def negotiate(self, *, retry: RetryPolicy | None = None) -> VersionInfo:
        """Ask ``/about`` now (again) and switch to the chosen version (unless pinned)."""
        info = negotiate(self.transport, retry=retry)
        if self._pinned:
            info = replace(info, chosen=self._pinned, note=f"pinned to {self._pinned}")
        self._version_info = info
        self.transport.version = info.chosen
        return info

    @property
    def version_info(self) -> VersionInfo:
        if self._version_info is None:
            return self.negotiate()
        return self._version_info

    @property
    def version(self) -> str:
        return self.version_info.chosen

    def _ready(self) -> Transport:
        if self._version_info is None:
            self.negotiate()
        return self.transport

    # -- statements ------------------------------------------------------------

    def send(self, statements: Iterable[StatementInput]) -> list[str]:
        """Deliver statements, then raise :class:`LRSError` naming the first one not stored.

        Returns the statement ids in input order. :meth:`deliver` reports instead of raising.
        """
        report = self.deliver(statements)
        for result in report:
            if not result.delivered:
                raise LRSError(
                    f"statement {result.statement_id} was {result.outcome.value}: {result.reason}"
                )
        return [r.statement_id or "" for r in report]

    def deliver(self, statements: Iterable[StatementInput]) -> DeliveryReport:
        """Deliver a batch; one result per input (see :mod:`lrs_client.delivery`).

        Raises instead when the LRS refuses the connection rather than a
        statement (credentials, endpoint): then no statement is at fault.
        """
        deliverer = Deliverer(
            self._ready(),
            self.batch,
            self._lookup,
            probe=self.probe,
            writes_seen=self._writes_seen,
        )
        try:
            report = deliverer.deliver(statements)
        except LRSError:
            self._writes_seen = False
            raise
        if report.tally(Outcome.STORED):
            self._writes_seen = True
        return report

    def probe(self) -> None:
        """One authenticated read, no retries: does the LRS serve us now?

        Returns when it does; raises the typed error otherwise. A delivery
        worker calls it while the LRS is down, so it must be cheap and quick.
        """
        once = RetryPolicy.none()
        if self._version_info is None:
            self.negotiate(retry=once)
        self.transport.request(
            "GET", self.transport.endpoint.url("statements"), params={"limit": "1"}, retry=once
        )

    def put(self, statement: StatementInput) -> str:
        """PUT one statement under its id (generated if missing); returns the id.

        Some LRSs (ADL's) answer 409 to a re-PUT of the very same statement:
        then the stored one is read back and compared by the spec's rules
        (:mod:`lrs_client.compare`); the same statement counts as stored, other
        content raises :class:`~lrs_client.errors.Conflict`.
        """
        prepared = prepare(statement)
        url = self.transport.endpoint.url("statements")
        response = self._ready().request(
            "PUT",
            url,
            params={"statementId": prepared.id},
            headers=JSON,
            data=prepared.body,
            ok=frozenset({409}),
        )
        if response.status_code == 409:
            said = lrs_message(response)
            stored = self._lookup(prepared.id)
            if stored is None or not same_statement(prepared.statement, stored):
                raise Conflict(
                    409,
                    said or f"the LRS holds a different statement with id {prepared.id}",
                    method="PUT",
                    url=url,
                )
        return prepared.id

    def get(self, statement_id: str, *, format: str | None = None) -> dict[str, Any]:
        """One statement by id (not a voided one: see :meth:`get_voided`)."""
        return self._get_one("statementId", statement_id, format)

    def get_voided(self, statement_id: str, *, format: str | None = None) -> dict[str, Any]:
        """A voided statement, which the spec only returns through ``voidedStatementId``."""
        return self._get_one("voidedStatementId", statement_id, format)

    def void(
        self, statement_id: str, actor: Mapping[str, Any], *, reason: str | None = None
    ) -> str:
        """Void a statement; ``reason`` goes into the voiding statement's ``result.response``."""
        voiding: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "actor": dict(actor),
            "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": statement_id},
        }
        if reason:
            voiding["result"] = {"response": reason}
        report = self.deliver([voiding])
        result = report[0]
        if result.outcome is not Outcome.STORED:
            raise LRSError(f"voiding {statement_id} was {result.outcome.value}: {result.reason}")
        return str(voiding["id"])

    def query(self, filters: Filters | None = None, **kwargs: Any) -> StatementQuery:
        """Statements matching ``filters`` (or the same names as keywords), following ``more``."""
        if filters is None:
            filters = Filters(**kwargs)
        elif kwargs:
            raise TypeError("pass either a Filters object or keyword filters, not both")
        return StatementQuery(self._ready(), filters)

    def feed(
        self,
        cursor: Cursor | None = None,
        *,
        overlap: timedelta = timedelta(minutes=5),
        filters: Filters | None = None,
        page_size: int = 500,
    ) -> Feed:
        """An incremental feed from ``cursor`` (see :mod:`lrs_client.feed`)."""
        return Feed(self._ready(), cursor, overlap=overlap, filters=filters, page_size=page_size)

    def send_with_attachments(
        self, statements: Sequence[StatementInput], attachments: Sequence[Attachment]
    ) -> list[str]:
        """POST statements whose ``attachments`` metadata refer to ``attachments`` by sha2."""
        prepared = [prepare(s) for s in statements]
        body, content_type = encode_multipart(batch_body(prepared), attachments)
        self._ready().request(
            "POST",
            self.transport.endpoint.url("statements"),
            headers={"Content-Type": content_type},
            data=body,
        )
        return [p.id for p in prepared]

    # -- documents -----------------------------------------------------------

    @property
    def state(self) -> documents.DocumentResource:
        return documents.state(self._ready())

    @property
    def activity_profiles(self) -> documents.DocumentResource:
        return documents.activity_profiles(self._ready())

    @property
    def agent_profiles(self) -> documents.DocumentResource:
        return documents.agent_profiles(self._ready())

    # -- helpers -------------------------------------------------------------

    def _get_one(self, param: str, statement_id: str, format: str | None) -> dict[str, Any]:
        params = {param: statement_id}
        if format:
            params["format"] = format
        response = self._ready().request(
            "GET", self.transport.endpoint.url("statements"), params=params
        )
        try:
            statement = json.loads(response.content)
        except ValueError:
            raise ProtocolError("the LRS answered with non-JSON for one statement") from None
        if not isinstance(statement, dict):
            raise ProtocolError("the LRS answered a single-statement GET with no object")
        listed = statement.get("statements")
        if "verb" not in statement and isinstance(listed, list):
            # Ralph answers a single-statement GET with a StatementResult.
            for item in listed:
                if (
                    isinstance(item, dict)
                    and str(item.get("id", "")).lower() == statement_id.lower()
                ):
                    return item
            raise NotFound(404, f"no statement {statement_id}", method="GET", url=self.endpoint)
        return statement

    def _lookup(self, statement_id: str) -> dict[str, Any] | None:
        """The stored statement with this id, voided or not, as exactly as the LRS keeps it."""
        for param in ("statementId", "voidedStatementId"):
            try:
                return self._get_one(param, statement_id, "exact")
            except NotFound:
                continue
        return None
