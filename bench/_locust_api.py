"""The locust users of ``bench/api_load.py``: leaders recording coaching
moments through the API, each with their own personal token.

Run by ``api_load`` (``locust -f bench/_locust_api.py --headless ...``) with
``LEADERLED_BENCH_TOKENS`` (comma-separated) and ``LEADERLED_BENCH_PEOPLE``
(the learners' person ids) in the environment.
"""

from __future__ import annotations

import itertools
import os
import random
from datetime import UTC, datetime, timedelta

from locust import FastHttpUser, between, task

TOKENS = os.environ.get("LEADERLED_BENCH_TOKENS", "").split(",")
PEOPLE = [int(p) for p in os.environ.get("LEADERLED_BENCH_PEOPLE", "0").split(",")]
_next = itertools.count()


class Leader(FastHttpUser):
    """A leader's app: records a coaching moment about once a second.

    FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load
    generator shares the two cores with the server, so it should cost little.
    """

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.token = TOKENS[next(_next) % len(TOKENS)]

    @task
    def record_moment(self) -> None:
        body = {
            "kind": "coaching",
            "people": [random.choice(PEOPLE)],
            "minutes": 15,
            "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "topic": "products",
        }
        with self.client.post(
            "/api/v1/moments",
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
            name="POST /api/v1/moments",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
