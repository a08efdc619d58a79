"""moto's own SQS → Lambda trigger, detached in the embedded emulator (applied in its process only).

The runtime registers each SQS event source mapping in the emulator's Lambda API
(:mod:`workerctl.local.esm.lambda_api`) so that ``/health``, ``workerctl mapping`` and the AWS CLI read
and change it as on AWS. But moto's CreateEventSourceMapping also hooks the mapping into the queue, and
from then on every SendMessage makes moto itself receive a batch and run the function in Docker (which
is not there), deleting or releasing the messages behind the pollers' backs. The runtime's pollers are
the mapping here, so :func:`install` makes every queue's hook list a throwaway: moto stores the mapping
and answers the Lambda API, and no send ever triggers moto's invocation.
"""

from __future__ import annotations

from typing import Any


def _no_mappings(_queue: Any) -> dict[str, Any]:
    return {}  # a new dict on every read: what moto writes into it is dropped


def _ignore(_queue: Any, _value: Any) -> None:
    return None


# Queue.lambda_event_source_mappings, read and written by moto (the queue's __init__ and
# CreateEventSourceMapping write it, SendMessage iterates it).
DETACHED = property(_no_mappings, _ignore)


def install() -> None:
    """Detach moto's SQS → Lambda invocation in this process (the emulator's); idempotent."""
    from moto.sqs.models import Queue  # noqa: PLC0415 - only in the emulator process

    Queue.lambda_event_source_mappings = DETACHED  # type: ignore[assignment]
