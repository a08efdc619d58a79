"""The operator CLI wing: ``workerctl`` and one module per subcommand (see :mod:`workerctl.cli.main`).

It may use the local wing (``workerctl run`` starts the local runtime); the local wing never imports this
package, so the runtime can be embedded (tests, bench) without the command-line layer.
"""

from workerctl.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
