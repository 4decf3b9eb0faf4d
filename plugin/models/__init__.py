"""The application's tables. Import models from here so Alembic sees them all."""

from plugin.db import Base
from plugin.models.people import Membership, Person, PersonIdentifier, Role, Team

__all__ = ["Base", "Membership", "Person", "PersonIdentifier", "Role", "Team"]
