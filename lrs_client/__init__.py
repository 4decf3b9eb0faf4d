"""An xAPI client that survives real Learning Record Stores.

Usable on its own: it knows nothing of Flask or the database. Start with
:class:`LRSClient`; :meth:`LRSClient.deliver` gives per-statement results for
a batch, :meth:`LRSClient.query` and :meth:`LRSClient.feed` read back.

Errors (all in :mod:`lrs_client.errors`)::

    LRSError
    ├── ConfigError            bad endpoint, auth or limits (also a ValueError)
    ├── InvalidStatement       an input is not one JSON statement (also a ValueError)
    ├── ProtocolError          the LRS broke the spec (non-JSON, looping or foreign `more`)
    ├── TransportError         no HTTP answer
    │   ├── ConnectError       refused, DNS, reset
    │   ├── TLSError           certificate or handshake
    │   └── TimeoutError       connect or read timeout
    └── HTTPStatusError        an error status; .status, .lrs_message, .retry_after
        ├── BadRequest         400
        ├── AuthError          401, 403; 400 about missing credentials (ADL)
        ├── NotFound           404
        ├── Conflict           409
        ├── PreconditionFailed 412
        ├── PayloadTooLarge    413
        ├── RateLimited        429
        ├── ServerError        5xx
        └── SetupError         statements and a plain read refused alike

Credentials never appear in messages, reprs or logs.
"""

from lrs_client.attachments import Attachment, attach
from lrs_client.auth import BasicAuth, BearerAuth, make_auth
from lrs_client.client import LRSClient
from lrs_client.config import BatchLimits, RetryPolicy, Timeouts
from lrs_client.delivery import DeliveryReport, DeliveryResult, DeliveryStats, Outcome
from lrs_client.documents import Document, DocumentResource
from lrs_client.errors import (
    AuthError,
    BadRequest,
    ConfigError,
    Conflict,
    ConnectError,
    HTTPStatusError,
    InvalidStatement,
    LRSError,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    ProtocolError,
    RateLimited,
    ServerError,
    SetupError,
    TimeoutError,
    TLSError,
    TransportError,
)
from lrs_client.feed import Cursor, Feed, FeedPage
from lrs_client.query import Filters, Page, StatementQuery
from lrs_client.version import VersionInfo

__all__ = [
    "Attachment",
    "AuthError",
    "BadRequest",
    "BasicAuth",
    "BatchLimits",
    "BearerAuth",
    "ConfigError",
    "Conflict",
    "ConnectError",
    "Cursor",
    "DeliveryReport",
    "DeliveryResult",
    "DeliveryStats",
    "Document",
    "DocumentResource",
    "Feed",
    "FeedPage",
    "Filters",
    "HTTPStatusError",
    "InvalidStatement",
    "LRSClient",
    "LRSError",
    "NotFound",
    "Outcome",
    "Page",
    "PayloadTooLarge",
    "PreconditionFailed",
    "ProtocolError",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "SetupError",
    "StatementQuery",
    "TLSError",
    "TimeoutError",
    "Timeouts",
    "TransportError",
    "VersionInfo",
    "attach",
    "make_auth",
]
