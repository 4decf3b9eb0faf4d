"""``/metrics``: Prometheus text format, for the organisation's scraper only.

Reached with the bearer token ``LEADERLED_METRICS_TOKEN`` or from an address
in ``LEADERLED_METRICS_ALLOW`` (CIDRs); with neither configured it is off.
The figures hold no personal data, but queue sizes and LRS names are the
organisation's business, so the page is never public by default.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Sequence

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST

from plugin.metrics import exposition

bp = Blueprint("metrics", __name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
NETWORKS = "leaderled.metrics_allow"


def parse_allow(text: str) -> list[Network]:
    """``10.0.0.0/8, 127.0.0.1`` -> networks; a bad entry is a start-up error naming it."""
    found: list[Network] = []
    for part in text.split(","):
        entry = part.strip()
        if not entry:
            continue
        try:
            found.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"LEADERLED_METRICS_ALLOW: {entry!r} is not an address or network "
                "(e.g. 10.0.0.0/8, 192.168.1.5, ::1)"
            ) from None
    return found


def _allowed(address: str | None, networks: Sequence[Network]) -> bool:
    if not address or not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in networks)


def _refuse(status: int, text: str) -> Response:
    response = Response(text + "\n", status=status, mimetype="text/plain")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="leaderled metrics"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def metrics() -> Response:
    settings = current_app.config["LEADERLED"]
    networks: list[Network] = current_app.extensions[NETWORKS]
    token = settings.metrics_token
    if not token and not networks:
        return _refuse(
            403,
            "Metrics are switched off: set LEADERLED_METRICS_TOKEN (a bearer token for "
            "the scraper) or LEADERLED_METRICS_ALLOW (the scraper's addresses).",
        )
    if not _allowed(request.remote_addr, networks):
        sent = request.headers.get("Authorization", "")
        scheme, _, given = sent.partition(" ")
        if not token:
            return _refuse(403, "This address may not read the metrics (LEADERLED_METRICS_ALLOW).")
        if scheme.lower() != "bearer" or not given.strip():
            return _refuse(401, "Send the metrics token as 'Authorization: Bearer <token>'.")
        if not hmac.compare_digest(given.strip().encode(), token.encode()):
            return _refuse(401, "The metrics token is wrong.")
    response = Response(exposition(), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.extensions[NETWORKS] = parse_allow(app.config["LEADERLED"].metrics_allow)
    app.register_blueprint(bp)
