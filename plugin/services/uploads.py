"""Uploaded files of the material library: what may be uploaded, and where
it is kept.

A file is accepted only if its name has an allowed extension, carries no
folder path, fits the size limit, and its first bytes (read by ``filetype``)
are of the type its extension claims, so an HTML page renamed ``.pdf`` is
refused. It is stored outside the web root under a random name Leaderled
chooses; the person's file name is kept only to be shown and offered as the
download name.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype

from plugin.i18n import _
from plugin.services.errors import Checks

#: Content type -> the extensions it may have. Served with exactly this type.
ALLOWED: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
}
TYPE_OF_EXTENSION = {ext: mime for mime, exts in ALLOWED.items() for ext in exts}
MAX_NAME = 200
_KEY_CHARS = set("0123456789abcdef")


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it."""

    name: str
    data: bytes


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def check_upload(
    checks: Checks, field: str, upload: Upload, max_bytes: int
) -> CheckedUpload | None:
    """The upload if it may be kept; otherwise a message on ``field`` and None."""
    name = upload.name or ""
    if not name.strip():
        checks.fail(field, _("Choose a file to upload."))
        return None
    if "/" in name or "\\" in name or ".." in name or not name.isprintable():
        checks.fail(
            field,
            _("The file name must be a plain name such as guide.pdf, without a folder path."),
        )
        return None
    if len(name) > MAX_NAME:
        checks.fail(field, _("The file name must be %(max)d characters or fewer.", max=MAX_NAME))
        return None
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = TYPE_OF_EXTENSION.get(extension)
    if expected is None:
        checks.fail(
            field,
            _(
                "The file must be a PDF, a Word, PowerPoint or Excel file, an OpenDocument "
                "file, or a PNG or JPEG image."
            ),
        )
        return None
    if not upload.data:
        checks.fail(field, _("The file is empty."))
        return None
    if len(upload.data) > max_bytes:
        megabytes = format(max_bytes / 1_000_000, "g")
        checks.fail(field, _("The file must be %(max)s MB or smaller.", max=megabytes))
        return None
    found = filetype.guess(upload.data)
    if found is None or found.mime != expected:
        checks.fail(
            field,
            _(
                "The file's contents are not a .%(extension)s file. Save it again in that "
                "format, or upload the file itself.",
                extension=extension,
            ),
        )
        return None
    return CheckedUpload(name.strip(), expected, upload.data)


class FileStore:
    """Files under ``root`` by random key (``ab/ab12...``), never by a given name."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if len(key) != 32 or not set(key) <= _KEY_CHARS:
            raise ValueError("not a file key")
        return self.root / key[:2] / key

    def save(self, data: bytes) -> str:
        """Write ``data`` under a fresh key (atomically: no half-written file is ever seen)."""
        key = secrets.token_hex(16)
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        partial = target.with_name(key + ".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
        return key

    def delete(self, key: str | None) -> None:
        if key:
            self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()
