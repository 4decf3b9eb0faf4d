"""Run Ralph's LRS on the filesystem backend, with the append workaround.

Ralph 5.1.0's filesystem backend answers 500 to every write after the first
unless its default operation type is "append"; the setting is a class
attribute, so it must be patched before the FastAPI app is imported. Usage:
``python ralph_launcher.py`` with ``RALPH_*`` variables set and ``LISTEN_FD``
naming an inherited listening socket (``servers.RunningLRS.start``).
"""

from __future__ import annotations

import os
import socket

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend


def main() -> None:
    sock = socket.socket(fileno=int(os.environ["LISTEN_FD"]))
    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    from ralph.api import app

    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


if __name__ == "__main__":
    main()
