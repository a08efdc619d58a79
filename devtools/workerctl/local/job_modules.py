"""Check that the worker's job modules can be found before any process starts.

The worker imports ``JOB_MODULES`` at cold start and stops with a clear message when one is missing,
but that message comes only after the emulators and a function process have started (seconds). A
missing top-level module is found here in milliseconds, by the same path search Python's import
makes, without importing anything; errors inside a module that exists (a syntax error, a failing
import) still come from the function process, naming the module and the cause.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import PathFinder

from workerctl.errors import UserError
from workerctl.local.sandbox.child import ChildSetup
from workerctl.local.sandbox.setup import DEVTOOLS_DIR


def check_job_modules(setup: ChildSetup) -> None:
    """Raise one :class:`UserError` line for the first ``JOB_MODULES`` entry whose top-level package
    is on none of the function's paths (its CodeUri, the layers, ``--job-path`` directories)."""
    names = [name.strip() for name in setup.environment.get("JOB_MODULES", "").split(",") if name.strip()]
    for name in names:
        top = name.split(".", 1)[0]
        # the function's own paths, then this interpreter's (the standard library, site-packages),
        # which the function process, started from the same interpreter, has too
        if PathFinder.find_spec(top, [*setup.sys_paths, *sys.path]) is None:
            shown = ", ".join(_short(path) for path in setup.sys_paths if path != str(DEVTOOLS_DIR))
            raise UserError(
                f"job module {name!r} of {setup.function_name} is not on its import path ({shown}); "
                "put it in the function's or the layer's folder, or pass --job-path DIR for code elsewhere"
            )


def _short(path: str) -> str:
    """``path`` relative to the working directory when inside it (the project root, usually)."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
