"""The message catalogues: the template (.pot) matches the code, Dutch
translates every message with the same placeholders, the compiled catalogue
is the one the build made from the current .po."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from plugin.i18n import TRANSLATIONS, available_languages

ROOT = Path(__file__).resolve().parents[2]
PO = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def _catalogue(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        return read_po(handle, locale="nl")


def test_the_pot_file_is_current(tmp_path: Path) -> None:
    """Like warehouse's locale check: extracting again must add or drop nothing."""
    fresh = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "lazy",
            "-k",
            "_",
            "-k",
            "ngettext:1,2",
            "--no-location",
            "--sort-output",
            "-o",
            str(fresh),
            "plugin",
        ],
        cwd=ROOT,
        check=True,
    )
    current = {m.id for m in _catalogue(TRANSLATIONS / "messages.pot") if m.id}
    extracted = {m.id for m in _catalogue(fresh) if m.id}
    assert extracted == current, (
        "plugin/translations/messages.pot is stale: run scripts/i18n.sh update and translate "
        f"the new messages (added: {sorted(map(str, extracted - current))[:5]}, "
        f"dropped: {sorted(map(str, current - extracted))[:5]})"
    )


def test_every_message_has_a_dutch_translation_with_its_placeholders() -> None:
    pot = {m.id for m in _catalogue(TRANSLATIONS / "messages.pot") if m.id}
    problems = []
    for message in _catalogue(PO):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
    missing = pot - {m.id for m in _catalogue(PO) if m.id}
    problems += [f"not in nl: {m!r}" for m in missing]
    assert not problems, "\n".join(problems[:20])


def test_the_compiled_catalogue_is_built_from_the_current_po() -> None:
    compiled = PO.with_suffix(".mo")
    assert compiled.exists(), "no compiled catalogue: run scripts/bootstrap.sh python"
    fresh = io.BytesIO()
    write_mo(fresh, _catalogue(PO), use_fuzzy=False)
    assert compiled.read_bytes() == fresh.getvalue(), (
        "the compiled catalogue is older than messages.po: reinstall the package "
        "(scripts/bootstrap.sh python), which compiles it"
    )


def test_dutch_is_offered() -> None:
    assert available_languages() == ("en", "nl")
