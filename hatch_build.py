"""Compiles the message catalogues (.po -> .mo) whenever the package is built
or installed, editable installs included, so nobody compiles them by hand and
no stale binary catalogue is ever committed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root) / "plugin" / "translations"
        for po_path in sorted(root.glob("*/LC_MESSAGES/messages.po")):
            with po_path.open("rb") as po_file:
                catalogue = read_po(po_file, locale=po_path.parent.parent.name)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalogue, use_fuzzy=False)
