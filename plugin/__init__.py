"""Leaderled's Flask application: LTI tool, pages, API, DB, jobs and CLI."""

from plugin.app import create_app

__all__ = ["create_app"]
