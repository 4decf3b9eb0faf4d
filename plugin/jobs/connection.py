"""The LRS connection the workers use, built from the app settings."""

from __future__ import annotations

from lrs_client import LRSClient, RetryPolicy, Timeouts
from lrs_client.errors import ConfigError
from plugin.config import Settings
from plugin.jobs.delivery import DeliveryOptions

#: Retries inside one send stay short: the worker probes the LRS through long outages.
WORKER_RETRY = RetryPolicy(max_attempts=3, max_total=10.0, base_delay=0.5, max_delay=4.0)


def lrs_client(settings: Settings) -> LRSClient:
    """A client for ``LEADERLED_LRS_ENDPOINT``; a clear error when none is configured."""
    if not settings.lrs_endpoint:
        raise ConfigError(
            "no LRS configured: set LEADERLED_LRS_ENDPOINT (and LEADERLED_LRS_USERNAME / "
            "LEADERLED_LRS_PASSWORD or LEADERLED_LRS_TOKEN)"
        )
    return LRSClient(
        settings.lrs_endpoint,
        username=settings.lrs_username or None,
        password=settings.lrs_password or None,
        token=settings.lrs_token or None,
        timeouts=Timeouts(connect=5.0, read=60.0),
        retry=WORKER_RETRY,
    )


def delivery_options(settings: Settings) -> DeliveryOptions:
    return DeliveryOptions(
        batch_size=settings.delivery_batch_size,
        lease_seconds=float(settings.delivery_lease_seconds),
        poll_seconds=settings.delivery_poll_seconds,
        max_backoff_seconds=float(settings.delivery_max_backoff_seconds),
        probe_max_seconds=settings.delivery_probe_seconds,
    )
