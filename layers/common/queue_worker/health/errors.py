"""Errors of the health checks' optional dependencies (the Lambda and CloudWatch adapters raise them).

Like :class:`queue_worker.errors.QueueUnavailableError`, the message names the operation and the AWS
error code only, never an ARN, URL or the service's own message; it goes to the log, not the body.
"""

from queue_worker.errors import WorkerError


class DependencyUnavailableError(WorkerError):
    """A read-only AWS call behind ``/health`` failed (throttled, denied, timed out, unreachable)."""
