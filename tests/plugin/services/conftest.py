from tests.plugin.views.conftest import pages_app, world  # noqa: F401 - fixtures
