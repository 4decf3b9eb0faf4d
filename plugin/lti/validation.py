"""The launch validation chain of DESIGN.md section 8, one check per step.

Each step raises :class:`LtiError` with a sentence an LMS admin can act on.
It runs on a Core :class:`Connection` in autocommit mode (an ORM session's
bookkeeping would cost more than the statements, and a transaction's BEGIN
and COMMIT are two round trips more than the one statement it needs). Its
only writes commit as they run: consuming the login state, first, so a
state is single use whether the launch then passes or not; and, once every
check passed, adding the deployment of an auto-approving platform. The
launch's nonce is recorded with what the launch stores
(:func:`plugin.lti.nonces.record_nonce`).
"""

from __future__ import annotations

import binascii
import hmac
import json
import math
import re
from dataclasses import dataclass, replace
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from jwt.algorithms import RSAAlgorithm
from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plugin.lti import claims as c
from plugin.lti import nonces, registrations
from plugin.lti.errors import LaunchForbidden, LtiError, shown
from plugin.lti.nonces import Login
from plugin.lti.platform_keys import PlatformKeyCache
from plugin.lti.settings import LtiSettings
from plugin.models.lti import (
    DeploymentStatus,
    LtiClient,
    LtiDeployment,
    LtiPlatform,
)
from plugin.models.people import Role

ALLOWED_ALGORITHMS = ("RS256",)
# Real id_tokens are a few KB (Moodle's about 3); anything near this is no launch.
MAX_TOKEN = 64 * 1024
# Claims nest a few levels (custom, AGS); deeper is no launch either.
MAX_DEPTH = 16


@dataclass(frozen=True)
class ValidatedLaunch:
    """A launch that passed every check; ``claims`` is the verified payload."""

    platform: LtiPlatform
    client: LtiClient
    deployment: LtiDeployment
    claims: dict[str, Any]
    # The platform's role overrides, (context id or "", LTI role, tool role); None: not read.
    role_overrides: tuple[tuple[str, str, Role], ...] | None = None

    @property
    def message_type(self) -> str:
        return str(self.claims[c.MESSAGE_TYPE])

    @property
    def context(self) -> dict[str, Any]:
        value = self.claims.get(c.CONTEXT)
        return value if isinstance(value, dict) else {}

    @property
    def custom(self) -> dict[str, Any]:
        value = self.claims.get(c.CUSTOM)
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class LaunchRequest:
    """What arrived at ``/lti/launch``: the form and the browser's binding secret."""

    id_token: str | None
    state: str | None
    binding: str | None


class LeftForRelay(Exception):
    """The login was left in place for the platform-storage relay page
    (see :func:`plugin.lti.nonces.consume_login`); nothing was consumed."""


# A state is a token_urlsafe(32) (43 characters); the column holds 64.
MAX_STATE = 64


def check_state(
    conn: Connection, request: LaunchRequest, now: int, *, relay: bool = False
) -> Login:
    """Consume the login named by ``state`` and check it belongs to this
    browser. With ``relay`` a login the platform-storage relay page may
    still need is left in place (:class:`LeftForRelay`)."""
    state = request.state
    login = None
    if state and len(state) <= MAX_STATE:
        login = nonces.consume_login(
            conn,
            state,
            now,
            keep_for_storage=relay,
            binding=request.binding,
        )
        if login is None and relay:
            raise LeftForRelay
    return check_login(request, login)


def check_login(request: LaunchRequest, login: Login | None) -> Login:
    """``login`` is what ``request.state`` named (already consumed), or None."""
    if not request.state:
        raise LtiError(
            "The launch has no 'state'. Start the launch again from the course page; if it "
            "keeps failing, check the platform sends the state it received at login."
        )
    if login is None:
        raise LtiError(
            "The launch's 'state' is unknown, expired or already used. Start the launch again "
            "from the course page (a login is valid for a few minutes and only once)."
        )
    if not request.binding:
        raise LtiError(
            "Your browser did not send back Leaderled's sign-in cookie, so this launch cannot "
            "be tied to you. Browsers do this for a site shown inside another site's page "
            "(Safari by default, others when third-party cookies are blocked). Open Leaderled "
            "again from the course and choose 'Open Leaderled in a new window' when it is "
            "offered; if it keeps happening, ask the teacher to set the activity's launch "
            "container to 'New window'."
        )
    if not nonces.binding_matches(login, request.binding):
        raise LtiError(
            "This launch was started in a different browser or browser profile (its sign-in "
            "is not bound to this one). Open Leaderled again from the course page."
        )
    return login


@dataclass(frozen=True)
class ParsedToken:
    """A compact JWS split and decoded once, by :func:`parse_token`."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def _unstorable(value: object, depth: int = 0) -> str | None:
    """Why a JSON value cannot be stored or compared by the database, or None:
    a NUL (PostgreSQL refuses it), a lone surrogate (JSON's ``\\ud800``
    escape; no database encoding takes it), or nesting deeper than any
    launch needs."""
    if isinstance(value, str):
        if "\x00" in value:
            return "a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "text that is not valid Unicode"
        return None
    if depth > MAX_DEPTH:
        return f"claims nested deeper than {MAX_DEPTH} levels"
    if isinstance(value, dict):
        items: list[object] = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        why = _unstorable(item, depth + 1)
        if why is not None:
            return why
    return None


_ESCAPED_NUL_OR_SURROGATE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _plainly_storable(text: bytes) -> bool:
    """True when JSON text that parsed cannot hold what :func:`_unstorable`
    looks for, without walking it: a NUL or a surrogate can only come from a
    ``\\u`` escape (the parser refuses raw control characters and invalid
    UTF-8), and fewer brackets than the depth limit cannot nest deeper."""
    return (
        text.count(b"{") + text.count(b"[") <= MAX_DEPTH
        and _ESCAPED_NUL_OR_SURROGATE.search(text) is None
    )


def parse_token(token: str) -> ParsedToken:
    """Split and decode the token without trusting it yet; the size is capped
    before any parsing so a huge or deeply nested token costs nothing."""
    if len(token) > MAX_TOKEN:
        raise LtiError(
            f"The id_token is larger than {MAX_TOKEN // 1024} KB; real launches are a few KB. "
            "Check the platform's launch."
        )
    try:
        raw = token.encode("ascii")
        signing_input, crypto_segment = raw.rsplit(b".", 1)
        header_segment, payload_segment = signing_input.split(b".", 1)
        header_json = _segment(header_segment)
        header = json.loads(header_json)
        if not isinstance(header, dict):
            raise ValueError("header is not an object")
        _check_jws_header(header)
        payload_json = _segment(payload_segment)
        payload = json.loads(payload_json)
        signature = _segment(crypto_segment)
    except (UnicodeEncodeError, ValueError, RecursionError) as exc:
        raise LtiError("The id_token is not a well-formed JWT.") from exc
    if not isinstance(payload, dict):
        raise LtiError("The id_token payload is not a JSON object.")
    why = None
    if not (_plainly_storable(payload_json) and _plainly_storable(header_json)):
        why = _unstorable(payload) or _unstorable(header)
    if why is not None:
        raise LtiError(f"The id_token contains {why}; the platform's token looks corrupted.")
    return ParsedToken(
        header=header, payload=payload, signing_input=signing_input, signature=signature
    )


_TO_STANDARD_ALPHABET = bytes.maketrans(b"-_", b"+/")
# The last character of an unpadded group of 2 (or 3) characters carries 4
# (or 2) unused bits; canonical encoding leaves them zero.
_CANONICAL_LAST = {2: frozenset(b"AQgw"), 3: frozenset(b"AEIMQUYcgkosw048")}


def _segment(segment: bytes) -> bytes:
    """A strict base64url segment, decoded: the same rules as PyJWT's (only
    the URL-safe alphabet, at most two '=' of padding, canonical encoding),
    checked at C speed: binascii's strict mode refuses any other character,
    and canonical encoding only needs the last character's unused bits to be
    zero (re-encoding the payload to compare cost more than decoding it)."""
    stripped = segment.rstrip(b"=")
    padding = len(segment) - len(stripped)
    if padding > 2 or (padding and len(segment) % 4 != 0):
        raise ValueError("bad padding")
    rest = len(stripped) % 4
    if rest == 1 or b"+" in stripped or b"/" in stripped:
        raise ValueError("not base64url")
    if rest and stripped[-1] not in _CANONICAL_LAST[rest]:
        raise ValueError("not canonical base64url")
    standard = stripped.translate(_TO_STANDARD_ALPHABET) + b"=" * (-rest % 4)
    return binascii.a2b_base64(standard, strict_mode=True)  # binascii.Error is a ValueError


def _check_jws_header(header: dict[str, Any]) -> None:
    """The JWS header rules PyJWT applies before any key is involved: a
    string ``kid``; ``crit`` only for extensions understood, and none is
    for a launch (``b64: false`` means a detached payload, no id_token)."""
    if "kid" in header and not isinstance(header["kid"], str):
        raise ValueError("kid is not a string")
    if "crit" in header or header.get("b64", True) is False:
        raise ValueError("critical extensions or a detached payload")


def check_header(token: ParsedToken) -> str:
    alg = token.header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise LtiError(
            f"The id_token is signed with '{shown(alg)}'; LTI 1.3 requires RS256. Check the "
            "platform's signing settings."
        )
    kid = token.header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise LtiError("The id_token header has no 'kid', so its key cannot be found.")
    return kid


@dataclass(frozen=True)
class Registration:
    """The platform, client and deployment rows a launch names, read together
    (cached a few seconds by :mod:`plugin.lti.registrations`: transient
    copies, referred to by id, never added to a session)."""

    platform: LtiPlatform
    client: LtiClient | None
    deployment: LtiDeployment | None
    overrides: tuple[tuple[str, str, Role], ...] | None = None


def check_issuer(db: Session | Connection, token: ParsedToken, login: Login) -> Registration:
    """The issuer must be the login's; its registration is read in one query
    (or taken from the few-seconds cache).

    The deployment id comes from the not yet verified payload: it only selects
    rows here and is acted on after the signature verified.
    """
    iss = token.payload.get("iss")
    if iss != login.issuer:
        raise LtiError(
            f"The id_token's issuer '{shown(iss)}' is not the platform that started this login "
            f"('{login.issuer}'). Issuers must match exactly, including any trailing slash."
        )
    claimed = token.payload.get(c.DEPLOYMENT_ID)
    deployment_id = claimed if isinstance(claimed, str) and len(claimed) <= c.MAX_ID else ""
    found = registrations.lookup(db, iss, login.client_id, deployment_id)
    if found is None:
        raise LaunchForbidden(
            f"No platform with issuer '{shown(iss)}' is registered with this tool."
        )
    # Client and deployment are None when not registered.
    return Registration(
        platform=found.platform,
        client=found.client,
        deployment=found.deployment,
        overrides=found.overrides,
    )


_RS256 = RSAAlgorithm(RSAAlgorithm.SHA256)


def verify_signature(
    token: ParsedToken, kid: str, platform: LtiPlatform, keys: PlatformKeyCache
) -> dict[str, Any]:
    """The payload, once its RS256 signature verifies with the platform's key ``kid``."""
    key = keys.key_for(platform.jwks_url, kid)
    if not _RS256.verify(token.signing_input, key.key, token.signature):
        raise LtiError(
            "The id_token's signature does not verify against the platform's published key "
            f"'{shown(kid)}'. Check the platform's keyset URL and that it signs with that key."
        )
    return token.payload


def _is_time(value: object) -> TypeGuard[int | float]:
    """A JSON number usable as a time: not a bool, and finite (Python's json
    reads NaN and Infinity, which compare false or true against anything)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_times(payload: dict[str, Any], now: int, settings: LtiSettings) -> None:
    leeway = settings.clock_leeway
    exp = payload.get("exp")
    if not _is_time(exp):
        if isinstance(exp, float):
            raise LtiError(
                f"The id_token's expiry ('exp') is {shown(exp)}, not a time. Check the "
                "platform's token signing."
            )
        raise LtiError("The id_token has no expiry ('exp'); LTI 1.3 requires one.")
    if exp + leeway <= now:
        raise LtiError(
            "The id_token has expired. Start the launch again; if it keeps failing, check "
            "the clocks of the LMS and the tool servers (NTP)."
        )
    iat = payload.get("iat")
    if not _is_time(iat):
        if isinstance(iat, float):
            raise LtiError(
                f"The id_token's issue time ('iat') is {shown(iat)}, not a time. Check the "
                "platform's token signing."
            )
        raise LtiError("The id_token has no issue time ('iat'); LTI 1.3 requires one.")
    if iat > now + leeway:
        raise LtiError(
            "The id_token was issued in the future ('iat'). Check the clocks of the LMS and "
            "the tool servers (NTP)."
        )
    if iat < now - settings.max_token_age - leeway:
        raise LtiError("The id_token was issued too long ago ('iat'); start the launch again.")
    if "nbf" in payload:
        nbf = payload["nbf"]
        if not _is_time(nbf):
            raise LtiError(
                f"The id_token's not-before time ('nbf') is {shown(nbf)}, not a time. Check "
                "the platform's token signing."
            )
        if nbf > now + leeway:
            raise LtiError(
                "The id_token is not valid yet ('nbf'). Check the clocks of the LMS and the "
                "tool servers (NTP)."
            )


def check_audience(payload: dict[str, Any], login: Login) -> None:
    aud = payload.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if login.client_id not in audiences:
        raise LtiError(
            f"The id_token's audience {shown(audiences)} does not include this tool's client id "
            f"'{login.client_id}'. Check the client id in the platform's tool registration."
        )
    azp = payload.get("azp")
    if len(audiences) > 1 and azp is None:
        raise LtiError(
            "The id_token names several audiences but no authorized party ('azp'); "
            "LTI 1.3 requires azp then."
        )
    if azp is not None and azp != login.client_id:
        raise LtiError(
            f"The id_token's authorized party (azp) '{shown(azp)}' is not this tool's client id "
            f"'{login.client_id}'."
        )


def check_nonce(conn: Connection, payload: dict[str, Any], login: Login) -> str:
    """The nonce must be the one issued with this login's state. That alone
    makes it single use (the state was deleted as it was read); the
    used-nonce store, written with each stored launch, only tells a replay
    apart from a mismatch, so it is read on failure."""
    nonce = payload.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise LtiError("The id_token has no 'nonce'; LTI 1.3 requires one.")
    if hmac.compare_digest(nonce.encode("utf-8"), login.nonce.encode("utf-8")):
        return nonce
    if nonces.nonce_used(conn, login.issuer, nonce):
        raise LtiError(
            "This launch was already used (its nonce was seen before). Each launch link "
            "works once: start the launch again from the course page."
        )
    raise LtiError(
        "The id_token's nonce is not the one issued for this login. Start the launch "
        "again from the course page."
    )


def check_message(payload: dict[str, Any], settings: LtiSettings) -> str:
    version = payload.get(c.VERSION)
    if version != c.LTI_VERSION:
        raise LtiError(f"The launch says LTI version '{shown(version)}'; this tool speaks 1.3.0.")
    message_type = payload.get(c.MESSAGE_TYPE)
    if message_type not in c.SUPPORTED_MESSAGE_TYPES:
        raise LtiError(
            f"This tool does not handle '{shown(message_type)}' messages; it accepts "
            f"{', '.join(sorted(c.SUPPORTED_MESSAGE_TYPES))}."
        )
    target = payload.get(c.TARGET_LINK_URI)
    if not isinstance(target, str) or not settings.is_own_url(target):
        raise LtiError(
            f"The launch's target_link_uri '{shown(target)}' is not a URL of this tool "
            f"({settings.public_url}). Check the tool URL configured in the platform."
        )
    if message_type == c.RESOURCE_LINK_REQUEST:
        link = payload.get(c.RESOURCE_LINK)
        if not isinstance(link, dict) or not isinstance(link.get("id"), str) or not link["id"]:
            raise LtiError("The resource link launch has no resource_link id.")
        if len(link["id"]) > c.MAX_ID:
            raise LtiError(f"The resource link id is longer than {c.MAX_ID} characters.")
        sub = payload.get("sub")
        if not isinstance(sub, str) or not sub:
            raise LtiError("The launch names no user ('sub'). Launch the tool as a signed-in user.")
    else:
        dl = payload.get(c.DEEP_LINKING_SETTINGS)
        return_url = dl.get("deep_link_return_url") if isinstance(dl, dict) else None
        if not isinstance(return_url, str) or not return_url:
            raise LtiError(
                "The deep-linking request has no deep_link_return_url, so the tool cannot "
                "send a selection back. Check the platform's deep-linking support."
            )
        if not _http_url(return_url):
            raise LtiError(
                f"The deep-linking request's deep_link_return_url '{shown(return_url)}' is not "
                "an absolute http(s) URL. Check the platform's deep-linking support."
            )
    sub = payload.get("sub")
    if isinstance(sub, str) and len(sub) > c.MAX_ID:
        raise LtiError(
            f"The launch's user id ('sub') is longer than {c.MAX_ID} characters, which OpenID "
            "Connect does not allow."
        )
    context = payload.get(c.CONTEXT)
    context_id = context.get("id") if isinstance(context, dict) else None
    if isinstance(context_id, str) and len(context_id) > c.MAX_ID:
        raise LtiError(f"The launch's course (context) id is longer than {c.MAX_ID} characters.")
    roles = payload.get(c.ROLES)
    if not isinstance(roles, list):
        raise LtiError("The launch has no roles claim; LTI 1.3 requires one (it may be empty).")
    return str(message_type)


def _http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  raises ValueError on a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and value.isprintable()


def check_registered(
    payload: dict[str, Any], registration: Registration, login: Login
) -> tuple[LtiClient, str]:
    """The client and deployment the (not yet verified) token names must be
    registered and approved, or the platform auto-approving, before the tool
    fetches the platform's keys: an unapproved registration never makes the
    tool call its jwks_uri. Returns the client and the deployment id."""
    platform = registration.platform
    deployment_id = payload.get(c.DEPLOYMENT_ID)
    if not isinstance(deployment_id, str) or not deployment_id:
        raise LtiError("The launch has no deployment_id.")
    if len(deployment_id) > c.MAX_ID:
        raise LtiError(f"The launch's deployment_id is longer than {c.MAX_ID} characters.")
    client = registration.client
    if client is None:
        raise LaunchForbidden(
            f"Client id '{login.client_id}' is not registered for platform '{platform.issuer}'."
        )
    deployment = registration.deployment
    if deployment is None:
        if platform.auto_approve:
            return client, deployment_id
        raise LaunchForbidden(
            f"Deployment '{shown(deployment_id)}' of platform '{platform.issuer}' is not known to "
            "this tool. An L&D admin can add it with `leaderled lti platform add` or approve "
            "it in the tool."
        )
    if deployment.status != DeploymentStatus.ACTIVE:
        raise LaunchForbidden(
            f"Deployment '{shown(deployment_id)}' is waiting for approval. An L&D admin can "
            f"approve it with `leaderled lti platform approve {platform.issuer} {deployment_id}`."
        )
    return client, deployment_id


_ADD_DEPLOYMENT = insert(LtiDeployment).returning(LtiDeployment.id, LtiDeployment.created_at)
_deployment_t = LtiDeployment.__table__
_DEPLOYMENT_ROW = select(*_deployment_t.columns).where(
    _deployment_t.c.client_pk == bindparam("client_pk"),
    _deployment_t.c.deployment_id == bindparam("deployment_id"),
)


def check_deployment(
    conn: Connection, payload: dict[str, Any], registration: Registration, login: Login
) -> tuple[LtiClient, LtiDeployment]:
    """The registered client and its active deployment; an auto-approving
    platform's new deployment is added (only once the signature verified).
    When the insert collides, the row that was added meanwhile (a concurrent
    first launch, or the CLI) is read and checked like a registered one."""
    client, deployment_id = check_registered(payload, registration, login)
    deployment = registration.deployment
    if deployment is not None:
        return client, deployment
    values = {"client_pk": client.id, "deployment_id": deployment_id}
    try:
        added = conn.execute(_ADD_DEPLOYMENT, {**values, "status": DeploymentStatus.ACTIVE}).one()
    except IntegrityError:
        conn.rollback()
        row = conn.execute(_DEPLOYMENT_ROW, values).first()
        if row is None:  # not a deployment added meanwhile: the client went
            raise LaunchForbidden(
                f"Client id '{login.client_id}' is no longer registered for platform "
                f"'{registration.platform.issuer}'."
            ) from None
        # A transient copy, like the cached ones: referred to by id only.
        found = LtiDeployment(**row._asdict())
        check_registered(payload, replace(registration, deployment=found), login)
        return client, found
    registrations.written_on(conn)
    return client, LtiDeployment(
        id=added.id, created_at=added.created_at, status=DeploymentStatus.ACTIVE, **values
    )


def nonce_expiry(payload: dict[str, Any], settings: LtiSettings) -> int:
    """Until when a launch's nonce stays recorded: until its token (which
    passed :func:`check_times`) could no longer pass them."""
    exp, iat = payload["exp"], payload["iat"]
    return int(min(exp, iat + settings.max_token_age) + settings.clock_leeway)


def validate_launch(
    conn: Connection,
    request: LaunchRequest,
    *,
    keys: PlatformKeyCache,
    settings: LtiSettings,
    now: int,
    relay: bool = False,
) -> ValidatedLaunch:
    """Run every check; raise the first failure. ``conn`` is in autocommit
    mode (:meth:`plugin.db.Database.launch_checks`): what it writes is
    committed whether the launch passes or not; ``relay`` as in
    :func:`check_state`."""
    token: ParsedToken | None = None
    malformed: LtiError | None = None
    if request.id_token:
        try:
            token = parse_token(request.id_token)
        except LtiError as error:
            malformed = error  # reported after the state's checks, as ever
    login = check_state(conn, request, now, relay=relay)
    if malformed is not None:
        raise malformed
    if token is None:
        raise LtiError("The launch has no id_token. The platform must POST it (form_post).")
    kid = check_header(token)
    registration = check_issuer(conn, token, login)
    platform = registration.platform
    check_registered(token.payload, registration, login)
    payload = verify_signature(token, kid, platform, keys)
    check_times(payload, now, settings)
    check_audience(payload, login)
    check_nonce(conn, payload, login)
    check_message(payload, settings)
    client, deployment = check_deployment(conn, payload, registration, login)
    return ValidatedLaunch(
        platform=platform,
        client=client,
        deployment=deployment,
        claims=payload,
        role_overrides=registration.overrides,
    )
