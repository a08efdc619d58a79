"""Errors of the dev tooling that a user can fix; the CLI prints them as one line (exit code 2)."""


class UserError(Exception):
    """Bad input or environment: port in use, template missing, unknown environment, and so on."""


class QueueNotFoundError(UserError):
    """The queue named in a call does not exist at the endpoint."""


class MoveTaskUnsupportedError(Exception):
    """The endpoint has no StartMessageMoveTask (moto): redrive with receive → send → delete instead."""
