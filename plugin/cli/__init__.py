"""The ``leaderled`` command: Flask's CLI plus our command groups.

Each area keeps its commands in its own module; this file only wires them.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from plugin.app import create_app
from plugin.cli import db as db_commands
from plugin.cli import imports as import_commands
from plugin.cli import lrs as lrs_commands
from plugin.cli import lti as lti_commands
from plugin.cli import privacy as privacy_commands
from plugin.cli import reports as report_commands
from plugin.cli import statements as statements_commands
from plugin.cli import tokens as token_commands
from plugin.cli import validate_cmd
from plugin.cli import worker as worker_commands


@click.group(cls=FlaskGroup, create_app=create_app, load_dotenv=False, add_version_option=False)
def main() -> None:
    """Leaderled: leader-led learning, visible in your LRS."""


main.add_command(db_commands.db)
main.add_command(statements_commands.profile)
main.add_command(statements_commands.statements)
statements_commands.statements.add_command(validate_cmd.validate)
main.add_command(lrs_commands.lrs)
main.add_command(worker_commands.worker)
main.add_command(worker_commands.sync)
main.add_command(worker_commands.outbox)
main.add_command(lti_commands.lti)
main.add_command(privacy_commands.privacy)
main.add_command(token_commands.token)
main.add_command(import_commands.import_file)
main.add_command(report_commands.report)
