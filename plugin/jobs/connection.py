"""The LRS connections the workers use, built from the app settings."""

from __future__ import annotations

from dataclasses import replace

from lrs_client import LRSClient, RetryPolicy, Timeouts
from lrs_client.errors import ConfigError
from plugin.config import DEFAULT_LRS_NAME, LrsTarget, Settings
from plugin.jobs.delivery import DeliveryOptions

#: Retries inside one send stay short: the worker probes the LRS through long outages.
WORKER_RETRY = RetryPolicy(max_attempts=3, max_total=10.0, base_delay=0.5, max_delay=4.0)

NO_LRS = (
    "no LRS configured: set LEADERLED_LRS_ENDPOINT (and LEADERLED_LRS_USERNAME / "
    "LEADERLED_LRS_PASSWORD or LEADERLED_LRS_TOKEN), or name LRSs with "
    "LEADERLED_LRS__<NAME>__ENDPOINT or LEADERLED_LRS_FILE"
)


def target(settings: Settings, name: str = DEFAULT_LRS_NAME) -> LrsTarget:
    """The LRS called ``name``; a clear error when there is none."""
    targets = settings.lrs_targets
    if not targets:
        raise ConfigError(NO_LRS)
    for candidate in targets:
        if candidate.name == name:
            return candidate
    known = ", ".join(t.name for t in targets)
    raise ConfigError(f"no LRS named {name!r} is configured (configured: {known})")


def send_targets(settings: Settings) -> tuple[LrsTarget, ...]:
    """The LRSs delivery sends to; an error when none is configured."""
    if not settings.lrs_targets:
        raise ConfigError(NO_LRS)
    return tuple(t for t in settings.lrs_targets if t.send)


def pull_targets(settings: Settings) -> tuple[LrsTarget, ...]:
    """The LRSs formal records are synced from (the sources)."""
    if not settings.lrs_targets:
        raise ConfigError(NO_LRS)
    return tuple(t for t in settings.lrs_targets if t.pull)


def client_for(lrs: LrsTarget) -> LRSClient:
    return LRSClient(
        lrs.endpoint,
        username=lrs.username or None,
        password=lrs.password or None,
        token=lrs.token or None,
        timeouts=Timeouts(connect=5.0, read=60.0),
        retry=WORKER_RETRY,
    )


def lrs_client(settings: Settings, name: str | None = None) -> LRSClient:
    """A client for the LRS ``name`` (by default "default", else the first configured)."""
    if name is None:
        targets = settings.lrs_targets
        if not targets:
            raise ConfigError(NO_LRS)
        names = [t.name for t in targets]
        name = DEFAULT_LRS_NAME if DEFAULT_LRS_NAME in names else names[0]
    return client_for(target(settings, name))


def delivery_options(settings: Settings, lrs: str = DEFAULT_LRS_NAME) -> DeliveryOptions:
    options = DeliveryOptions(
        batch_size=settings.delivery_batch_size,
        lease_seconds=float(settings.delivery_lease_seconds),
        poll_seconds=settings.delivery_poll_seconds,
        max_backoff_seconds=float(settings.delivery_max_backoff_seconds),
        probe_max_seconds=settings.delivery_probe_seconds,
    )
    return replace(options, lrs=lrs)
