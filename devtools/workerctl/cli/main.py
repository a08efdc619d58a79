"""``workerctl``: one entry point, one module per subcommand.

Each command module exposes ``register(subparsers)`` which adds its parser and sets ``func`` to a
callable ``(argparse.Namespace) -> int`` (the exit code). Errors a user can fix are raised as
:class:`workerctl.errors.UserError` and printed as one line, never as a stack trace.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from workerctl.errors import UserError

# Subcommand modules, in --help order. Add a module here to add a subcommand.
COMMAND_MODULES: tuple[str, ...] = (
    "workerctl.cli.run",
    "workerctl.cli.send",
    "workerctl.cli.depth",
    "workerctl.cli.health",
    "workerctl.cli.mapping",
    "workerctl.cli.dlq.command",
    "workerctl.cli.trace.command",
)


class _Parser(argparse.ArgumentParser):
    """Command modules pass their docstring as ``description``: drop its reST ````literal```` markers
    so ``--help`` reads as plain text. Subcommand parsers (and theirs) are built with this class too.

    A usage error is one line, like every other error (argparse would print the usage first).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if isinstance(kwargs.get("description"), str):
            kwargs["description"] = kwargs["description"].replace("``", "")
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


def one_line(text: str) -> str:
    """``text`` on one line: an error message is always one line on stderr."""
    return " ".join(text.split())


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every subcommand registered."""
    parser = _Parser(
        prog="workerctl",
        description="Run the SQS worker locally and operate its queues and health endpoint.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen subcommand; returns the process exit code.

    A usage error is returned as exit code 2 like every other error (argparse itself raises
    ``SystemExit``); ``--help`` still exits with 0 the way argparse does.
    """
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exited:
        if exited.code in (0, None):
            raise
        return 2
    try:
        return int(args.func(args))
    except UserError as exc:
        print(f"workerctl {args.command}: error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"workerctl {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
