"""Transport, endpoint, auth and version negotiation, with ``responses`` standing in for HTTP."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import requests
import responses

from lrs_client import (
    AuthError,
    BadRequest,
    BearerAuth,
    ConfigError,
    LRSClient,
    LRSError,
    RateLimited,
    RetryPolicy,
    ServerError,
    Timeouts,
    TLSError,
)
from lrs_client.endpoint import parse_endpoint, without_credentials
from lrs_client.transport import USER_AGENT, parse_retry_after

BASE = "https://lrs.example.org/xapi/"
SECRET = "s3cr3t-P@ss"


class RecordingSession(requests.Session):
    """A real session that remembers the keyword arguments of every request."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[dict[str, Any]] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.calls.append(kwargs)
        return super().request(method, url, *args, **kwargs)


def make_client(sleeps: list[float] | None = None, **options: Any) -> LRSClient:
    client = LRSClient(BASE, ("key", SECRET), **options)
    if sleeps is not None:
        client.transport._sleep = sleeps.append
    return client


@pytest.mark.parametrize(
    "raw",
    [
        "https://lrs.example.org/xapi",
        "https://lrs.example.org/xapi/",
        "https://lrs.example.org/xapi/statements",
        " https://lrs.example.org/xapi/statements/ ",
    ],
)
def test_endpoint_is_normalised(raw: str) -> None:
    assert parse_endpoint(raw).base == BASE


def test_statements_suffix_is_dropped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "lrs_client"):
        parse_endpoint("https://lrs.example.org/xapi/statements")
    assert "not the statements resource" in caplog.text


def test_credentials_in_the_url_are_split_off_and_never_shown() -> None:
    client = LRSClient(f"https://key:{SECRET}@lrs.example.org/xapi/")
    assert client.endpoint == BASE
    assert SECRET not in repr(client)
    assert SECRET not in repr(client.transport.auth)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (f"https://key:{SECRET}@lrs.example.org/xapi/", "https://lrs.example.org/xapi/"),
        (f"http://key:{SECRET}@[::1]:8080/xapi", "http://[::1]:8080/xapi"),
        (f"https://{SECRET}@lrs.example.org/x@y/", "https://lrs.example.org/x@y/"),
        (f"  https://key:{SECRET}@lrs:notaport/xapi/ ", "https://lrs:notaport/xapi/"),
        ("https://lrs.example.org/xapi/statements", "https://lrs.example.org/xapi/statements"),
    ],
)
def test_an_endpoint_is_shown_as_typed_without_its_credentials(raw: str, shown: str) -> None:
    assert without_credentials(raw) == shown


@pytest.mark.parametrize("raw", ["lrs.example.org/xapi", "ftp://lrs.example.org/", ""])
def test_bad_endpoint_is_a_config_error(raw: str) -> None:
    with pytest.raises(ConfigError, match="http"):
        LRSClient(raw)


def test_bearer_token_is_sent_and_hidden() -> None:
    auth = BearerAuth("tok-123")
    assert "tok-123" not in repr(auth)
    assert "tok-123" not in str(auth)


@responses.activate
def test_version_header_auth_and_timeouts_on_every_request() -> None:
    responses.get(BASE + "about", json={"version": ["1.0.3"]})
    responses.get(BASE + "statements", json={"statements": [], "more": ""})
    responses.post(BASE + "statements", json=["x"])
    session = RecordingSession()
    client = LRSClient(BASE, ("key", SECRET), timeouts=Timeouts(connect=2, read=7), session=session)
    list(client.query(limit=1))
    client.deliver([{"id": "x", "actor": {}, "verb": {}, "object": {}}])
    assert [c["timeout"] for c in session.calls] == [(2, 7)] * 3
    statement_calls = responses.calls[1:]
    assert all(c.request.headers["X-Experience-API-Version"] == "1.0.3" for c in statement_calls)
    assert all(c.request.headers["Authorization"].startswith("Basic ") for c in responses.calls)


@responses.activate
def test_negotiates_2_0_0_when_offered() -> None:
    responses.get(BASE + "about", json={"version": ["1.0.3", "2.0.0"]})
    responses.get(BASE + "statements", json={"statements": []})
    client = make_client()
    assert client.version == "2.0.0"
    list(client.query())
    assert responses.calls[1].request.headers["X-Experience-API-Version"] == "2.0.0"


@pytest.mark.parametrize(
    ("about", "chosen"),
    [
        ({"json": {"version": ["1.0.0", "1.0.1"]}}, "1.0.3"),
        ({"status": 404, "json": {"message": "no"}}, "1.0.3"),
        ({"body": "<html>hello</html>"}, "1.0.3"),
        ({"json": {"X-Experience-API-Version": "1.0.3"}}, "1.0.3"),
    ],
)
@responses.activate
def test_tolerant_negotiation(about: dict[str, Any], chosen: str) -> None:
    responses.get(BASE + "about", **about)
    assert make_client().version == chosen


@responses.activate
def test_lrs_offering_no_version_we_speak_is_a_clear_error() -> None:
    responses.get(BASE + "about", json={"version": ["0.95"]})
    with pytest.raises(LRSError, match=r"offers xAPI versions 0\.95"):
        make_client().negotiate()


@responses.activate
def test_wrong_credentials_on_about_raise_auth_error_without_secret() -> None:
    responses.get(BASE + "about", status=401, json={"message": "bad credentials"})
    with pytest.raises(AuthError) as caught:
        make_client().negotiate()
    assert "bad credentials" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_retry_after_parsing() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@responses.activate
def test_retries_transient_statuses_with_backoff_and_retry_after(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = BASE + "statements"
    responses.get(url, status=503, json={"message": "busy"})
    responses.get(url, status=429, headers={"Retry-After": "3"}, json={})
    responses.get(url, status=502)
    responses.get(url, json={"statements": []})
    sleeps: list[float] = []
    client = make_client(sleeps, version="1.0.3", retry=RetryPolicy(base_delay=0.5, max_total=100))
    with caplog.at_level(logging.DEBUG):
        assert list(client.query()) == []
    assert len(sleeps) == 3
    assert 0 <= sleeps[0] <= 0.5
    assert sleeps[1] == 3
    assert 0 <= sleeps[2] <= 2.0
    assert SECRET not in caplog.text
    assert client.transport.stats.retries == 3


@responses.activate
def test_retries_are_bounded_by_attempts() -> None:
    responses.get(BASE + "statements", status=503, json={"message": "down"})
    sleeps: list[float] = []
    client = make_client(sleeps, version="1.0.3", retry=RetryPolicy(max_attempts=3))
    with pytest.raises(ServerError) as caught:
        list(client.query())
    assert caught.value.status == 503
    assert len(responses.calls) == 3
    assert len(sleeps) == 2


@responses.activate
def test_retry_after_longer_than_the_budget_raises_at_once() -> None:
    responses.get(BASE + "statements", status=429, headers={"Retry-After": "120"})
    sleeps: list[float] = []
    client = make_client(sleeps, version="1.0.3", retry=RetryPolicy(max_total=60))
    with pytest.raises(RateLimited) as caught:
        list(client.query())
    assert caught.value.retry_after == 120
    assert sleeps == []


@responses.activate
def test_bad_request_is_not_retried_and_quotes_the_lrs() -> None:
    responses.get(
        BASE + "statements", status=400, json={"message": "Cannot use unknown params 'x'"}
    )
    with pytest.raises(BadRequest, match="unknown params"):
        list(make_client([], version="1.0.3").query())
    assert len(responses.calls) == 1


@responses.activate
def test_tls_failure_is_a_tls_error() -> None:
    responses.get(BASE + "about", body=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(TLSError, match="certificate verify failed"):
        make_client([], retry=RetryPolicy.none()).negotiate()


def test_bad_settings_are_config_errors() -> None:
    with pytest.raises(ConfigError):
        Timeouts(connect=0)
    with pytest.raises(ConfigError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ConfigError):
        LRSClient(BASE, version="0.9")


@responses.activate
def test_a_redirect_is_an_error_naming_the_new_address_not_a_success() -> None:
    responses.post(
        BASE + "statements",
        status=301,
        headers={"Location": "https://new.example.org/xapi/statements"},
    )
    client = make_client([], version="1.0.3")
    with pytest.raises(LRSError, match=r"redirects \(HTTP 301\) to https://new.example.org"):
        client.deliver([{"id": "x", "actor": {}, "verb": {}, "object": {}}])


@responses.activate
def test_tls_failure_is_not_retried() -> None:
    responses.get(BASE + "about", body=requests.exceptions.SSLError("certificate verify failed"))
    sleeps: list[float] = []
    client = make_client(sleeps, retry=RetryPolicy(max_attempts=5, max_total=600))
    with pytest.raises(TLSError):
        client.negotiate()
    assert len(responses.calls) == 1
    assert sleeps == []
    assert client.transport.stats.retries == 0


@responses.activate
def test_no_retry_when_its_delay_plus_a_read_timeout_overruns_the_budget() -> None:
    responses.get(BASE + "statements", status=429, headers={"Retry-After": "5"})
    responses.get(BASE + "statements", status=429, headers={"Retry-After": "5"})
    responses.get(BASE + "statements", json={"statements": []})
    sleeps: list[float] = []
    client = make_client(
        sleeps,
        version="1.0.3",
        retry=RetryPolicy(max_total=30),
        timeouts=Timeouts(connect=1, read=26),
    )
    # 5 s of sleep fits in 30 s, but the retry could then wait 26 s more
    with pytest.raises(RateLimited):
        list(client.query())
    assert sleeps == []
    roomy = make_client(
        sleeps, version="1.0.3", retry=RetryPolicy(max_total=30), timeouts=Timeouts(read=24)
    )
    assert list(roomy.query()) == []
    assert sleeps == [5]


@responses.activate
def test_user_agent_is_ours_unless_the_caller_set_one() -> None:
    responses.get(BASE + "statements", json={"statements": []})
    list(make_client(version="1.0.3").query())
    assert responses.calls[0].request.headers["User-Agent"] == USER_AGENT
    session = requests.Session()
    session.headers["User-Agent"] = "caller/1.0"
    list(LRSClient(BASE, ("key", SECRET), version="1.0.3", session=session).query())
    assert responses.calls[1].request.headers["User-Agent"] == "caller/1.0"
