"""L&D reports (DESIGN section 11): the figures of leader-led learning next
to the formal curriculum, as charts with their tables, a CSV of every table,
and the records behind every figure with their LRS statement ids.

An L&D admin sees every team, a leader the teams they lead, anyone else
nothing: the reports service's ``scope_for`` decides, here and for every CSV
and drill-down URL (a team id that is not the viewer's is "not found").
Pages read only the local database; the LRS is never called at page time.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.db import db_session
from plugin.i18n import _, current_language, lazy
from plugin.lti.access import require_role
from plugin.models.people import Role, Team
from plugin.models.privacy import AccessKind
from plugin.models.records import RecordKind, RecordParticipant
from plugin.services import reports
from plugin.services.errors import Invalid, NotFound, ServiceError
from plugin.services.privacy import access_log
from plugin.services.reports import Indicator, ReportPeriod, Scope
from plugin.services.reports.collector import collector_paused
from plugin.services.reports.trend import mix_by_period
from plugin.views import launch_context as ctx
from plugin.views import report_page
from plugin.views.labels import MODES, kind_label
from plugin.views.page_errors import refuse
from plugin.views.report_filters import FilterErrors, ReportFilter, parse, previous_periods
from plugin.views.report_tables import Column, Format, Row, Table, cell_text, to_csv

bp = Blueprint("reports", __name__, url_prefix="/reports")

STAFF = (Role.LEADER, Role.LND_ADMIN)
#: Periods on the line over time, ending with the chosen one.
TREND_PERIODS = 6
#: Kinds a report can be narrowed to (the ones leaders record).
FILTER_KINDS = (
    RecordKind.KNOWLEDGE_SESSION,
    RecordKind.COACHING_MOMENT,
    RecordKind.MENTORING_SESSION,
    RecordKind.TTT_SESSION,
    RecordKind.FEEDBACK,
)
FIELD_ORDER = ("team", "period", "at", "from", "to", "kind")
INDICATOR_WORDS: dict[Indicator, Any] = {
    Indicator.LEADERS_TEACHING: lazy("Leaders who teach"),
    Indicator.HOURS_BY_KIND: lazy("Teaching hours by kind"),
    Indicator.REACH: lazy("People taught"),
    Indicator.COACHING: lazy("Coaching per team member"),
    Indicator.RATINGS: lazy("Learner ratings"),
    Indicator.TRAIN_THE_TRAINER: lazy("Train-the-trainer coverage"),
    Indicator.EXPECTATIONS: lazy("Expectations acknowledged"),
    Indicator.GOALS: lazy("Goals"),
    Indicator.TOPICS: lazy("Knowledge sessions per topic"),
    Indicator.VALUES: lazy("Knowledge sessions per company value"),
    Indicator.MIX: lazy("The 70-20-10 mix"),
    Indicator.FORMAL: lazy("Formal learning"),
}


@bp.context_processor
def _cell_text() -> dict[str, Any]:
    """``cell_text(value, format)`` in the page's language, for report tables."""
    language = current_language()
    return {"cell_text": lambda value, fmt: cell_text(value, fmt, language)}


class FilterRefused(Exception):
    def __init__(self, page: tuple[str, int]) -> None:
        self.page = page


def _scope(session: Session, chosen: ReportFilter) -> Scope:
    period = ReportPeriod.custom(chosen.first_day, chosen.last_day)
    return reports.scope_for(
        session,
        ctx.actor().person_id,
        period,
        team_ids=chosen.team_ids or None,
        kinds=chosen.kinds or None,
    )


def _visible_teams(session: Session, scope: Scope) -> list[Team]:
    """The teams the team filter offers: all the viewer may see (``scope``
    without a team chosen)."""
    query = select(Team).order_by(Team.title, Team.id)
    if scope.team_ids is not None:
        query = query.where(Team.id.in_(scope.team_ids))
    return list(session.scalars(query))


def _form_page(errors: dict[str, str]) -> tuple[str, int]:
    """The filters again with each message next to its field: a 400."""
    ordered = {k: errors[k] for k in FIELD_ORDER if k in errors}
    ordered.update({k: v for k, v in errors.items() if k not in ordered})
    session = db_session()
    try:
        anytime = ReportPeriod.containing("quarter", ctx.today())
        teams = _visible_teams(session, reports.scope_for(session, ctx.actor().person_id, anytime))
    except ServiceError:
        teams = []
    return render_template(
        "reports/index.html",
        errors=ordered,
        args=request.args,
        kinds=FILTER_KINDS,
        teams=teams,
        report=None,
    ), 400


def _chosen() -> tuple[ReportFilter, Scope]:
    """The filter and the scope it gives this viewer, or a page that says why not."""
    session = db_session()
    try:
        chosen = parse(request.args, ctx.today())
    except FilterErrors as refused:
        raise FilterRefused(_form_page(refused.errors)) from None
    try:
        scope = _scope(session, chosen)
    except ServiceError as error:
        raise FilterRefused(refuse(error)) from None
    return chosen, scope


def _drill_url(chosen: ReportFilter) -> report_page.DrillUrl:
    """Links to the records behind a figure: one ``url_for`` per indicator
    (a report has thousands of links; routing each one cost seconds)."""
    query = chosen.query_string()
    bases: dict[Indicator, str] = {}

    def make(indicator: Indicator, key: str | None) -> str:
        base = bases.get(indicator)
        if base is None:
            base = bases[indicator] = url_for("reports.drill", indicator=indicator.value)
        suffix = "&key=" + quote(key, safe=":") if key is not None else ""
        return f"{base}?{query}{suffix}"

    return make


@collector_paused()
def _report(
    session: Session,
    chosen: ReportFilter,
    scope: Scope,
    *,
    trend: bool = True,
    limit: int | None = None,
) -> report_page.Report:
    """The report's tables; ``trend`` adds the line over the last periods
    (one more computation per period, so only where it is shown); ``limit``
    builds only the rows a page shows (a CSV has them all). Built with the
    garbage collector paused, as the figures are: an organisation's tables
    are thousands of rows and links."""
    found = reports.compute(session, scope)
    shown = report_page.Shown.of(found, limit)
    names = report_page.names_for(session, found, shown)
    built = report_page.build(found, names, _drill_url(chosen), shown)
    if not trend:
        return built
    spans = previous_periods(chosen, TREND_PERIODS)
    chosen_span = (chosen.first_day, chosen.last_day)
    earlier = [ReportPeriod.custom(first, last) for _l, first, last in spans[:-1]]
    mixes = mix_by_period(session, scope, earlier)
    # The last period is the chosen one when it is a whole month, quarter or year.
    _label, first, last = spans[-1]
    if (first, last) == chosen_span:
        mixes.append(found.mix.organisation)
    else:
        mixes += mix_by_period(session, scope, [ReportPeriod.custom(first, last)])
    periods = [(label, mix) for (label, _f, _l), mix in zip(spans, mixes, strict=True)]
    return report_page.with_trend(built, periods)


@bp.get("/")
@require_role(*STAFF)
def index() -> str | tuple[str, int]:
    session = db_session()
    try:
        chosen, scope = _chosen()
    except FilterRefused as refused:
        return refused.page
    built = _report(session, chosen, scope, limit=report_page.PAGE_ROWS)
    mix_people = built.table("mix-people")
    return render_template(
        "reports/index.html",
        errors={},
        args=request.args,
        chosen=chosen,
        scope=scope,
        kinds=FILTER_KINDS,
        teams=_visible_teams(
            session, reports.scope_for(session, ctx.actor().person_id, scope.period)
        ),
        report=built,
        tables={t.id: t for t in built.all_tables},
        show_people=mix_people is not None and mix_people.count <= report_page.PAGE_ROWS,
        page_rows=report_page.PAGE_ROWS,
        query=chosen.query_string(),
    )


def _csv(table: Table, name: str) -> Response:
    body = to_csv(table, current_language())
    response = Response(body.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@bp.get("/<string:table_id>.csv")
@require_role(*STAFF)
def table_csv(table_id: str) -> Response | tuple[str, int]:
    session = db_session()
    try:
        chosen, scope = _chosen()
    except FilterRefused as refused:
        return refused.page
    table = _report(session, chosen, scope, trend=table_id == "trend").table(table_id)
    if table is None:
        return refuse(NotFound(_("There is no such table in this report.")))
    return _csv(table, f"leaderled-{table_id}-{chosen.first_day}-{chosen.last_day}")


def _participants(session: Session, rows: list[reports.DrillRow]) -> set[int]:
    ids = [r.record_id for r in rows if r.record_id is not None]
    found: set[int] = set()
    for start in range(0, len(ids), 5000):  # under every database's bound-parameter limit
        found.update(
            session.scalars(
                select(RecordParticipant.person_id).where(
                    RecordParticipant.record_id.in_(ids[start : start + 5000])
                )
            )
        )
    return found


def _drill_table(session: Session, scope: Scope, raw: str) -> tuple[Table, Indicator]:
    """The records behind one figure (``raw`` names the indicator, ``?key=`` which part)."""
    try:
        indicator = Indicator(raw)
    except ValueError:
        raise FilterRefused(refuse(NotFound(_("There is no such figure in a report.")))) from None
    key = request.args.get("key")
    if key is not None and len(key) > 100:
        raise FilterRefused(refuse(ServiceError(_("That figure does not exist."))))
    try:
        rows = reports.drill(session, scope, indicator, key)
    except Invalid as invalid:  # a key this figure does not have: its message, not the field's name
        message = next(iter(invalid.errors.values()), invalid.message)
        raise FilterRefused(refuse(ServiceError(message))) from None
    except ServiceError as error:
        raise FilterRefused(refuse(error)) from None
    people = {r.person_id for r in rows if r.person_id}
    # Records that name people, opened one by one: each person named (the
    # leader, the people taught) sees the view in their own access log, as on
    # a record's page (DESIGN section 9).
    access_log.log_views(
        session, ctx.actor(), people | _participants(session, rows), AccessKind.RECORD
    )
    session.commit()
    names = report_page.person_names(session, people)
    table = Table(
        "records",
        _("The records behind this figure"),
        (
            Column("when", _("When")),
            Column("kind", _("Kind")),
            Column("person", _("Who")),
            Column("title", _("Title")),
            Column("hours", _("Hours"), Format.DECIMAL),
            Column("statements", _("LRS statement ids")),
        ),
        tuple(
            Row(
                {
                    "when": r.occurred_at.date().isoformat(),
                    "kind": _formal_or_kind(r.kind),
                    "person": names.get(r.person_id, "") if r.person_id else "",
                    "title": r.title or "",
                    "hours": report_page.hours(r.seconds),
                    "statements": " ".join(r.statement_ids),
                }
            )
            for r in rows
        ),
    )
    return table, indicator


def _formal_or_kind(kind: str) -> str:
    if kind.startswith("formal:"):
        return _("Formal: %(verb)s", verb=kind.removeprefix("formal:"))
    return str(kind_label(kind))


KEY_WORDS: dict[str, Any] = {
    "trained": lazy("trained as trainers"),
    "paired": lazy("paired with a trainer"),
    "feedback": lazy("given feedback on their teaching"),
    "set": lazy("set"),
    "met": lazy("met"),
}


def _key_words(indicator: Indicator, key: str | None) -> str:
    """The part of a figure the key names, in words; names no person or team,
    so a key typed by hand reveals nothing outside the viewer's scope."""
    if not key:
        return ""
    if indicator is Indicator.MIX:
        mode = key.rsplit(":", 1)[-1]
        words = str(MODES[mode]) if mode in MODES else key
        if key.startswith("team:"):
            return _("%(mode)s, one team", mode=words)
        if key.startswith("person:"):
            return _("%(mode)s, one person", mode=words)
        return words
    if indicator is Indicator.HOURS_BY_KIND:
        return str(kind_label(key))
    if key in KEY_WORDS:
        return str(KEY_WORDS[key])
    return ""


@bp.get("/records/<string:indicator>")
@require_role(*STAFF)
def drill(indicator: str) -> str | tuple[str, int]:
    session = db_session()
    try:
        chosen, scope = _chosen()
        table, which = _drill_table(session, scope, indicator)
    except FilterRefused as refused:
        return refused.page
    return render_template(
        "reports/records.html",
        table=table,
        indicator=which,
        indicator_label=INDICATOR_WORDS.__getitem__,
        part=_key_words(which, request.args.get("key")),
        chosen=chosen,
        query=request.query_string.decode("ascii", "replace"),
        back=url_for("reports.index", **chosen.query()),
    )


@bp.get("/records/<string:indicator>.csv")
@require_role(*STAFF)
def drill_csv(indicator: str) -> Response | tuple[str, int]:
    session = db_session()
    try:
        chosen, scope = _chosen()
        table, which = _drill_table(session, scope, indicator)
    except FilterRefused as refused:
        return refused.page
    return _csv(table, f"leaderled-records-{which.value}-{chosen.first_day}-{chosen.last_day}")
