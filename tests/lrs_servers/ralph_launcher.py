"""Run Ralph's LRS on the filesystem backend, with the append workaround.

Ralph 5.1.0's filesystem backend answers 500 to every write after the first
unless its default operation type is "append"; the setting is a class
attribute, so it must be patched before the FastAPI app is imported. Usage:
``python ralph_launcher.py PORT`` with ``RALPH_*`` variables already set.
"""

from __future__ import annotations

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend


def main() -> None:
    port = int(sys.argv[1])
    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    from ralph.api import app

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
