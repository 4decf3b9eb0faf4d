"""Flask extensions, created once and bound to the app in ``create_app``.

Kept apart from ``plugin.app`` so that views can import them without
importing the app factory (which imports the views).
"""

from __future__ import annotations

from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
