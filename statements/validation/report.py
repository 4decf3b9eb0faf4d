"""What validation found: problems with a JSON path, a stable code and a sentence.

The report doubles as the collector the checkers write into, so a single pass
over a statement gathers every error and warning without raising.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

SUPPORTED_VERSIONS = ("1.0.3", "2.0.0")


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule: ``path`` is a JSON path such as ``$.actor.account.homePage``."""

    path: str
    code: str
    message: str
    severity: Severity

    def __str__(self) -> str:
        return f"{self.severity}: {self.path}: {self.message} [{self.code}]"


@dataclass(slots=True)
class Report:
    """Every error (a MUST broken) and warning (a SHOULD broken) of one statement."""

    version: str = "1.0.3"
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    v2: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.v2 = self.version.startswith("2.")

    @property
    def ok(self) -> bool:
        """True when the statement breaks no MUST (warnings allowed)."""
        return not self.errors

    @property
    def problems(self) -> list[Problem]:
        return self.errors + self.warnings

    def error(self, path: str, code: str, message: str) -> None:
        self.errors.append(Problem(path, code, message, "error"))

    def warn(self, path: str, code: str, message: str) -> None:
        self.warnings.append(Problem(path, code, message, "warning"))
