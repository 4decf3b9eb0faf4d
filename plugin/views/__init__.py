"""Blueprints, one module per area of the product."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from plugin.views import (
        admin,
        admin_library,
        admin_trainers,
        errors,
        expectations,
        health,
        home,
        imports,
        labels,
        leader,
        learner,
        lti_approvals,
        lti_deep_linking,
        lti_registration,
        lti_roster,
        material,
        navigation,
        operations,
        privacy,
        privacy_admin,
        profile,
        tokens,
        trainers,
    )
    from plugin.views import lti as lti_views
    from plugin.views import metrics as metrics_views

    app.register_blueprint(health.bp)
    metrics_views.init_app(app)
    app.register_blueprint(home.bp)
    app.register_blueprint(profile.bp)
    app.register_blueprint(lti_views.bp)
    app.register_blueprint(lti_registration.bp)
    app.register_blueprint(lti_deep_linking.bp)
    app.register_blueprint(lti_roster.bp)
    app.register_blueprint(lti_approvals.bp)
    app.register_blueprint(leader.bp)
    app.register_blueprint(learner.bp)
    app.register_blueprint(privacy.bp)
    app.register_blueprint(privacy_admin.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_library.bp)
    app.register_blueprint(admin_trainers.bp)
    app.register_blueprint(material.bp)
    app.register_blueprint(trainers.bp)
    app.register_blueprint(expectations.bp)
    app.register_blueprint(tokens.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(operations.bp)
    from plugin import api

    api.init_app(app)
    navigation.init_app(app)
    labels.init_app(app)
    errors.register(app)
