"""Which language and time zone a page speaks, and the formatting helpers
templates use (dates, durations, numbers per locale).

The language comes from the launch first (the LMS knows what the person
chose there: the ``launch_presentation.locale`` claim, then the OIDC
``locale`` claim), then from the browser's Accept-Language, then from
``LEADERLED_DEFAULT_LOCALE``. Only languages with a compiled catalogue are
offered, so adding ``plugin/translations/<ll>/`` adds a language.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import flask_babel
from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, g, has_request_context, request

from plugin.extensions import babel


def _(text: str, **variables: Any) -> str:
    """The text in the page's language (plain English outside a request)."""
    return str(flask_babel.gettext(text, **variables))


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    return str(flask_babel.ngettext(singular, plural, num, **variables))


def lazy(text: str, **variables: Any) -> Any:
    """Translated when shown: for labels defined at import time (forms, menus)."""
    return flask_babel.lazy_gettext(text, **variables)


TRANSLATIONS = Path(__file__).parent / "translations"
SOURCE_LANGUAGE = "en"


@cache
def available_languages() -> tuple[str, ...]:
    """English (the source) plus every language with a compiled catalogue."""
    found = sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo"))
    return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))


def _language_of(tag: object) -> str | None:
    """``nl-NL``, ``nl_BE`` or ``NL`` -> ``nl`` when we speak it, else None."""
    if not isinstance(tag, str) or not tag.strip():
        return None
    try:
        language = Locale.parse(tag.strip().replace("-", "_")).language
    except (ValueError, UnknownLocaleError):
        return None
    return language if language in available_languages() else None


def launch_language() -> str | None:
    """The language the LMS asked for in this request's launch, if any."""
    from plugin.lti.access import current_launch
    from plugin.lti.claims import LAUNCH_PRESENTATION

    launch = current_launch()
    if launch is None:
        return None
    presentation = launch.claims.get(LAUNCH_PRESENTATION)
    if isinstance(presentation, dict):
        found = _language_of(presentation.get("locale"))
        if found:
            return found
    return _language_of(launch.claims.get("locale"))


def select_locale() -> str:
    if not has_request_context():
        return str(current_app.config["LEADERLED"].default_locale)
    if "leaderled_locale" not in g:
        g.leaderled_locale = (
            launch_language()
            or request.accept_languages.best_match(available_languages())
            or _language_of(current_app.config["LEADERLED"].default_locale)
            or SOURCE_LANGUAGE
        )
    chosen: str = g.leaderled_locale
    return chosen


def select_timezone() -> str:
    return str(current_app.config["LEADERLED"].timezone)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["format_decimal"] = flask_babel.format_decimal


def current_language() -> str:
    return str(flask_babel.get_locale() or SOURCE_LANGUAGE)


def format_duration(value: timedelta | int | float | None) -> str:
    """``1 h 30 min``, ``15 min``, ``2 h``: short and the same in every list."""
    if value is None:
        return ""
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    minutes = round(seconds / 60)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return (
            ngettext("%(num)d h", "%(num)d h", hours)
            + " "
            + ngettext("%(num)d min", "%(num)d min", rest)
        )
    if hours:
        return ngettext("%(num)d h", "%(num)d h", hours)
    return ngettext("%(num)d min", "%(num)d min", rest)


def format_when(value: datetime | None, style: str = "medium") -> str:
    """A moment in the organisation's time zone and the page's language."""
    if value is None:
        return ""
    return str(flask_babel.format_datetime(value, "short" if style == "short" else "medium"))
