"""The application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from plugin import csp, db, i18n, logging_setup, metrics, rate_limits
from plugin.config import Settings, flask_config_from_env
from plugin.extensions import csrf
from plugin.url_ids import RowId

log = logging.getLogger(__name__)
KEYS_ENV = "LEADERLED_KEY_ENCRYPTION_KEYS"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build an app from ``LEADERLED_*`` environment variables plus ``config``.

    ``config`` keys may be settings names (``database_url``) or their
    environment spelling (``LEADERLED_DATABASE_URL``); other keys (such as
    ``WTF_CSRF_ENABLED``) go to Flask's config as they are, after any
    ``LEADERLED_LTI_*`` environment variables (see ``flask_config_from_env``).
    """
    settings = Settings.from_env().merged(config).with_secret()
    if not settings.testing:
        logging_setup.configure(settings.log_level, settings.log_format)
        if not settings.key_encryption_keys:
            log.warning("the tool's private keys are stored unencrypted: set %s", KEYS_ENV)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        LEADERLED=settings,
        SESSION_COOKIE_HTTPONLY=True,
        # Room for the largest library upload plus the rest of its form.
        MAX_CONTENT_LENGTH=max(16 * 1024 * 1024, settings.upload_max_bytes + 1024 * 1024),
        JSON_SORT_KEYS=False,
    )
    app.config.update(flask_config_from_env())
    if config:
        app.config.update(
            {k: v for k, v in config.items() if k.isupper() and not k.startswith("LEADERLED_")}
        )

    logging_setup.init_app(app)
    db.init_app(
        app,
        settings.database_url,
        echo=settings.sql_echo,
        send_lrs=settings.send_lrs_names,
        launch_synchronous=settings.sqlite_launch_synchronous.lower(),
    )
    # Timed from the start: a request CSRF or a rate limit refuses is still counted.
    metrics.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    csp.init_app(app)

    from plugin.views import register_blueprints

    # Before any route is added: every <int:...> id gets the database's bound.
    app.url_map.converters["int"] = RowId
    register_blueprints(app)
    rate_limits.init_app(app)
    return app


def settings_of(app: Flask) -> Settings:
    settings: Settings = app.config["LEADERLED"]
    return settings
