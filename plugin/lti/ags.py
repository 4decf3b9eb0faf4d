"""Assignment and Grade Services: optional participation in the LMS gradebook.

When a course wants it, attending a knowledge session (or finishing another
leader-led activity) shows in the gradebook. We find or create the line item
for the activity (scoped by ``resourceId`` and ``tag``) and post a score.
Moodle's "grade sync only" mode grants the score scope but not line item
management: then we use the line item the launch names, and otherwise say
plainly that there is nowhere to publish instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from plugin.lti.errors import shown
from plugin.lti.outbound import Answer, same_origin
from plugin.lti.service_token import (
    LtiServiceError,
    ServiceAccess,
    ServiceTokenClient,
    TokenRequestRejected,
)

CLAIM_AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_RESULT_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
MAX_PAGES = 50


class GradebookError(LtiServiceError):
    """The gradebook refused or failed a request."""


class ActivityProgress(StrEnum):
    INITIALIZED = "Initialized"
    STARTED = "Started"
    IN_PROGRESS = "InProgress"
    SUBMITTED = "Submitted"
    COMPLETED = "Completed"


class GradingProgress(StrEnum):
    FULLY_GRADED = "FullyGraded"
    PENDING = "Pending"
    PENDING_MANUAL = "PendingManual"
    FAILED = "Failed"
    NOT_READY = "NotReady"


@dataclass(frozen=True, slots=True)
class AgsEndpoint:
    """What the launch's AGS claim grants: scopes and the line item URLs."""

    scopes: frozenset[str]
    lineitems: str | None = None
    lineitem: str | None = None

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> AgsEndpoint | None:
        claim = claims.get(CLAIM_AGS)
        if not isinstance(claim, dict):
            return None
        scopes = frozenset(s for s in claim.get("scope", []) if isinstance(s, str))
        lineitems = claim.get("lineitems")
        lineitem = claim.get("lineitem")
        return cls(
            scopes,
            lineitems if isinstance(lineitems, str) and lineitems else None,
            lineitem if isinstance(lineitem, str) and lineitem else None,
        )

    @property
    def can_manage_line_items(self) -> bool:
        return SCOPE_LINEITEM in self.scopes and self.lineitems is not None

    @property
    def can_score(self) -> bool:
        return SCOPE_SCORE in self.scopes


@dataclass(frozen=True, slots=True)
class LineItemSpec:
    """The line item we want for one activity."""

    label: str
    resource_id: str
    tag: str = "leaderled-participation"
    score_maximum: float = 1.0

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "scoreMaximum": self.score_maximum,
            "resourceId": self.resource_id,
            "tag": self.tag,
        }


@dataclass(frozen=True, slots=True)
class Score:
    user_id: str
    activity_progress: ActivityProgress = ActivityProgress.COMPLETED
    grading_progress: GradingProgress = GradingProgress.FULLY_GRADED
    score_given: float | None = None
    score_maximum: float | None = None
    comment: str | None = None
    timestamp: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        when = self.timestamp or datetime.now(UTC)
        body: dict[str, Any] = {
            "userId": self.user_id,
            "timestamp": when.isoformat(timespec="milliseconds"),
            "activityProgress": str(self.activity_progress),
            "gradingProgress": str(self.grading_progress),
        }
        if self.score_given is not None:
            body["scoreGiven"] = self.score_given
            body["scoreMaximum"] = self.score_maximum or 1.0
        if self.comment:
            body["comment"] = self.comment
        return body


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    """Whether a score reached the gradebook; ``reason`` says why not."""

    published: bool
    line_item: str | None = None
    reason: str | None = None


def scores_url(line_item: str) -> str:
    """``<lineitem>/scores``, keeping any query string after the new path segment."""
    parts = urlsplit(line_item)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


class AgsClient:
    def __init__(self, tokens: ServiceTokenClient) -> None:
        self._tokens = tokens

    def _call(
        self,
        access: ServiceAccess,
        scope: str,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        json_body: Any = None,
        params: dict[str, str] | None = None,
    ) -> Answer:
        try:
            return self._tokens.call(
                access, [scope], method, url, headers=headers, json_body=json_body, params=params
            )
        except TokenRequestRejected as exc:
            if exc.error != "invalid_scope":
                raise
            name = scope.rsplit("/", 1)[-1]
            raise GradebookError(
                f"the platform does not grant this tool the {name} scope "
                "(check the tool's grade services setting in the LMS)"
            ) from exc

    def find_line_item(
        self, access: ServiceAccess, endpoint: AgsEndpoint, spec: LineItemSpec
    ) -> dict[str, Any] | None:
        if endpoint.lineitems is None:
            return None
        url: str | None = endpoint.lineitems
        params: dict[str, str] | None = {"resource_id": spec.resource_id, "tag": spec.tag}
        for _ in range(MAX_PAGES):
            if url is None:
                return None
            response = self._call(
                access,
                self._read_scope(endpoint),
                "GET",
                url,
                params=params,
                headers={"Accept": LINEITEMS_TYPE},
            )
            items = _json(response, "listing line items")
            if not isinstance(items, list):
                raise GradebookError("the line items response is not a list")
            for item in items:  # platforms may ignore the filters: check ourselves
                if (
                    isinstance(item, dict)
                    and item.get("resourceId") == spec.resource_id
                    and item.get("tag") == spec.tag
                    and isinstance(item.get("id"), str)
                ):
                    return item
            # The next link already carries the query; do not add it twice.
            link = response.links.get("next", {}).get("url")
            url, params = (urljoin(url, link) if link else None), None
            if url is not None and not same_origin(endpoint.lineitems, url):
                raise GradebookError(
                    f"the line items' next page {shown(url)} is not on the platform's site; "
                    "not following it"
                )
        raise GradebookError(f"the line items did not end after {MAX_PAGES} pages")

    def create_line_item(
        self, access: ServiceAccess, endpoint: AgsEndpoint, spec: LineItemSpec
    ) -> dict[str, Any]:
        if not endpoint.can_manage_line_items or endpoint.lineitems is None:
            raise GradebookError("this platform does not let the tool create line items")
        response = self._call(
            access,
            SCOPE_LINEITEM,
            "POST",
            endpoint.lineitems,
            json_body=spec.as_json(),
            headers={"Content-Type": LINEITEM_TYPE, "Accept": LINEITEM_TYPE},
        )
        item = _json(response, "creating a line item")
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise GradebookError("the platform created a line item without an id")
        return item

    def line_item_for(
        self, access: ServiceAccess, endpoint: AgsEndpoint, spec: LineItemSpec
    ) -> str | None:
        """The line item URL to score against, or None where none may be had."""
        if endpoint.can_manage_line_items:
            found = self.find_line_item(access, endpoint, spec)
            return str((found or self.create_line_item(access, endpoint, spec))["id"])
        # Grade sync only: the platform made one line item for this link.
        return endpoint.lineitem

    def post_score(self, access: ServiceAccess, line_item: str, score: Score) -> None:
        response = self._call(
            access,
            SCOPE_SCORE,
            "POST",
            scores_url(line_item),
            json_body=score.as_json(),
            headers={"Content-Type": SCORE_TYPE},
        )
        if response.status >= 400:
            raise GradebookError(_refusal(response.status, "posting a score"))

    def publish(
        self, access: ServiceAccess, endpoint: AgsEndpoint, spec: LineItemSpec, score: Score
    ) -> PublishOutcome:
        """Find/create the line item and post the score, or say why we could not."""
        if not endpoint.can_score:
            return PublishOutcome(False, reason="the platform did not grant the score scope")
        line_item = self.line_item_for(access, endpoint, spec)
        if line_item is None:
            return PublishOutcome(
                False,
                reason="grade sync only: the platform names no line item and lets the tool "
                "create none",
            )
        self.post_score(access, line_item, score)
        return PublishOutcome(True, line_item=line_item)

    @staticmethod
    def _read_scope(endpoint: AgsEndpoint) -> str:
        return SCOPE_LINEITEM if SCOPE_LINEITEM in endpoint.scopes else SCOPE_LINEITEM_READ


def _refusal(status: int, doing: str) -> str:
    if status in (401, 403):
        return f"the gradebook refused {doing} (HTTP {status}): the tool lacks that permission"
    return f"the gradebook failed {doing}: HTTP {status}"


def _json(response: Answer, doing: str) -> Any:
    if response.status >= 400:
        raise GradebookError(_refusal(response.status, doing))
    body = response.json()
    if body is None:
        raise GradebookError(f"the gradebook answered {doing} with something not JSON")
    return body
