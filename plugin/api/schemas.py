"""Schemas shared by the API's resources: problems, records, pages.

The OpenAPI document is generated from these (and from each resource's own
input schema), so the document cannot drift from what the code accepts and
answers.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from plugin.models.records import RecordKind
from plugin.services.record_queries import Delivery

MAX_PAGE = 200


class FieldErrorSchema(Schema):
    field = fields.String(required=True, metadata={"description": "The input field refused."})
    detail = fields.String(required=True, metadata={"description": "Why, in words."})


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(FieldErrorSchema))


class ParticipantSchema(Schema):
    person_id = fields.Integer(required=True)
    role = fields.String(required=True)


class DeliverySchema(Schema):
    state = fields.String(required=True, validate=validate.OneOf([d.value for d in Delivery]))
    reason = fields.String(allow_none=True)


class RecordSchema(Schema):
    """A leader-led record as the API shows it (private notes only to their owner)."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in RecordKind]))
    state = fields.String(required=True)
    leader_id = fields.Integer(required=True)
    team_id = fields.Integer(allow_none=True)
    title = fields.String(allow_none=True)
    topic = fields.String(allow_none=True)
    value_id = fields.Integer(allow_none=True)
    occurred_at = fields.AwareDateTime(required=True)
    minutes = fields.Integer(allow_none=True)
    rating = fields.Integer(allow_none=True)
    parent_id = fields.Integer(allow_none=True)
    activity_iri = fields.String(allow_none=True)
    material_title = fields.String(allow_none=True)
    material_url = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    participants = fields.List(fields.Nested(ParticipantSchema), required=True)
    statement_ids = fields.List(fields.String(), required=True)
    delivery = fields.Nested(DeliverySchema, required=True)


class RecordPageSchema(Schema):
    items = fields.List(fields.Nested(RecordSchema), required=True)
    next_cursor = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Pass as `cursor` for the next page; null on the last page."},
    )


class CursorArgs(Schema):
    cursor = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "From the previous page's next_cursor."},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE))
