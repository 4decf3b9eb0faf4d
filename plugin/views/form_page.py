"""The two shapes every page of tips 3 to 5 takes: a form that is saved by a
service (422 with each message next to its field and nothing stored, or a
303 to the next page with a message), and a button that does one thing
(retire, end, acknowledge) and comes back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect, render_template, request
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from plugin.db import db_session
from plugin.services.errors import Invalid, ServiceError
from plugin.views.page_errors import apply_errors, parse_errors, refuse

T = TypeVar("T")
Page = Response | tuple[str, int] | str


def save_form(
    form: Any,
    template: str,
    store: Callable[[Session], T],
    *,
    done: Callable[[T], str],
    message: str,
    cleanup: Callable[[], None] | None = None,
    **page: Any,
) -> Page:
    """GET shows the form; POST validates, stores in one transaction, redirects."""
    session = db_session()
    if request.method != "POST":
        return render_template(template, form=form, **page)
    if not form.validate():
        parse_errors(form)
        return render_template(template, form=form, **page), 422
    try:
        row = store(session)
        session.commit()
    except Invalid as invalid:
        session.rollback()
        if cleanup is not None:
            cleanup()
        apply_errors(form, invalid)
        return render_template(template, form=form, **page), 422
    except ServiceError as error:
        session.rollback()
        if cleanup is not None:
            cleanup()
        return refuse(error)
    except BaseException:
        session.rollback()
        if cleanup is not None:
            cleanup()
        raise
    flash(message, "success")
    return redirect(done(row), code=303)


def act(action: Callable[[Session], object], *, done: str, message: str) -> Page:
    """A one-button POST (the CSRF token is checked app-wide before this runs)."""
    session = db_session()
    try:
        action(session)
        session.commit()
    except ServiceError as error:
        session.rollback()
        return refuse(error)
    flash(message, "success")
    return redirect(done, code=303)
