"""Small immutable value objects that tune the client: timeouts, retries, batch limits."""

from __future__ import annotations

import random
from dataclasses import dataclass

from lrs_client.errors import ConfigError


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection and for each read; both always applied."""

    connect: float = 5.0
    read: float = 30.0

    def __post_init__(self) -> None:
        if self.connect <= 0 or self.read <= 0:
            raise ConfigError("timeouts must be positive numbers of seconds")

    def as_requests(self) -> tuple[float, float]:
        return (self.connect, self.read)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded by attempts and by total time.

    Applies to connection errors, timeouts, 429, 502, 503 and 504 (not to TLS
    failures, which do not heal). A ``Retry-After`` from the LRS replaces the
    computed delay (it is a floor the LRS asked for). A retry is only made when
    its delay plus one read timeout fit in what is left of ``max_total``;
    otherwise the error is raised at once instead of sleeping in vain.
    """

    max_attempts: int = 5
    max_total: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 15.0
    retry_statuses: frozenset[int] = frozenset({429, 502, 503, 504})

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ConfigError("max_attempts must be at least 1")
        if self.max_total < 0 or self.base_delay < 0 or self.max_delay < 0:
            raise ConfigError("retry delays must not be negative")

    def backoff(self, retry_number: int, rng: random.Random | None = None) -> float:
        """Delay before retry ``retry_number`` (1-based): uniform in [0, base*2^(n-1)], capped."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (retry_number - 1)))
        return (rng or random).uniform(0, ceiling)

    @classmethod
    def none(cls) -> RetryPolicy:
        """One attempt, no retries."""
        return cls(max_attempts=1)


@dataclass(frozen=True)
class BatchLimits:
    """How statements are chunked into POSTs: by count and by serialised bytes."""

    max_count: int = 500
    max_bytes: int = 4 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.max_count < 1 or self.max_bytes < 2:
            raise ConfigError("batch limits must allow at least one statement")
