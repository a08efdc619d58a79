"""Child of :mod:`bench.startup`: ``python bench/startup_child.py TREE RESULT -- RUN_ARGS...``.

Runs ``workerctl run RUN_ARGS`` from the checkout ``TREE`` (this branch, or an archive of the previous
release) in this fresh interpreter, and writes the wall-clock time of the runtime's first
``ReceiveMessage`` call (its first poll) to the file ``RESULT``, then stops the runtime with SIGTERM,
as a user's Ctrl-C would. The call is seen through botocore's one client method every API call goes
through, so the same probe measures any version of the runtime without touching its code. A script,
not a module of ``bench``: the only ``workerctl`` it imports is ``TREE``'s.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any


def watch_first_poll(result: Path) -> None:
    """Record the first ReceiveMessage (any thread of this process), then ask the runtime to stop."""
    from botocore.client import BaseClient  # noqa: PLC0415 - boto3 is imported by the runtime anyway

    original = BaseClient._make_api_call
    seen: list[float] = []

    def make_api_call(self: Any, operation_name: str, api_params: Any) -> Any:
        if operation_name == "ReceiveMessage" and not seen:
            seen.append(time.time())
            result.write_text(repr(seen[0]))
            os.kill(os.getpid(), signal.SIGTERM)
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = make_api_call  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    tree, result, separator, *run_args = argv
    if separator != "--":
        raise SystemExit("usage: startup_child.py TREE RESULT -- RUN_ARGS...")
    sys.path.insert(0, str(Path(tree) / "devtools"))
    watch_first_poll(Path(result))
    from workerctl.cli.main import main as workerctl  # noqa: PLC0415 - TREE's workerctl

    return workerctl(["run", *run_args])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
