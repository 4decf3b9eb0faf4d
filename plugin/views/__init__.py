"""Blueprints, one module per area of the product."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from plugin.views import errors, home, profile

    app.register_blueprint(home.bp)
    app.register_blueprint(profile.bp)
    errors.register(app)
