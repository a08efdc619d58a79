"""The template's queues and DynamoDB tables in the emulator, or found by name at another endpoint.

With ``--endpoint-url`` pointing elsewhere (another emulator, or real AWS) nothing is created: queues
are looked up by name instead, and their real ARNs are used in the records.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from workerctl.aws import aws_call
from workerctl.errors import QueueNotFoundError, UserError
from workerctl.queues import queue_url_by_name

if TYPE_CHECKING:
    from workerctl.local.template.model import QueueSpec, TableSpec, TemplateModel

_COUNT_ATTRIBUTES = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
)
_TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes")


def create_queues(
    client: Any, queues: list[QueueSpec], visibility_override: int | None = None
) -> dict[str, tuple[str, str]]:
    """Create the queues (redrive targets first); returns ``{logical_id: (url, arn)}``."""
    created: dict[str, tuple[str, str]] = {}
    for queue in sorted(queues, key=lambda q: "RedrivePolicy" in q.attributes):
        attributes = dict(queue.attributes)
        attributes.pop("SqsManagedSseEnabled", None)  # encryption at rest has no local meaning
        if visibility_override is not None and "VisibilityTimeout" in attributes:
            attributes["VisibilityTimeout"] = str(visibility_override)
        with aws_call(f"CreateQueue {queue.name} in the emulator"):
            url = client.create_queue(QueueName=queue.name, Attributes=attributes)["QueueUrl"]
        created[queue.logical_id] = (url, queue.arn)
    return created


def lookup_queues(
    client: Any, queues: list[QueueSpec], explicit: dict[str, str], required: set[str]
) -> dict[str, tuple[str, str]]:
    """Find existing queues by name (or ``explicit`` URL); a missing ``required`` queue is an error."""
    found: dict[str, tuple[str, str]] = {}
    for queue in queues:
        try:
            found[queue.logical_id] = _existing(client, queue, explicit.get(queue.logical_id))
        except UserError as exc:
            if queue.logical_id in required:
                raise UserError(
                    f"queue {queue.name} not found at the endpoint ({exc}); deploy it or pass --queue-url"
                ) from exc
    return found


def find_polled_queues(
    client: Any, model: TemplateModel, queue_url: str | None
) -> dict[str, tuple[str, str]]:
    """At an external endpoint: the template's queues by name, ``queue_url`` (``--queue-url``) standing
    for every polled one when given; a missing queue is left out (the caller names it)."""
    polled = {e.queue_logical_id for f in model.functions() for e in f.sqs_events if e.queue_logical_id}
    explicit = dict.fromkeys(polled, queue_url) if queue_url else {}
    return lookup_queues(client, model.queues, {k: v for k, v in explicit.items() if v}, required=set())


def _existing(client: Any, queue: QueueSpec, url: str | None) -> tuple[str, str]:
    """``(url, real ARN)`` of ``queue`` at the endpoint: ``url`` if given, else looked up by name."""
    url = url or queue_url_by_name(client, queue.name)
    if url is None:
        raise QueueNotFoundError("no queue by that name")
    with aws_call(f"GetQueueAttributes {queue.name}"):
        answer = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, str(answer["Attributes"]["QueueArn"])


def create_tables(client: Any, tables: list[TableSpec]) -> None:
    """Create DynamoDB tables with their keys (on-demand); other properties have no local effect."""
    for table in tables:
        keys = {key: table.properties[key] for key in _TABLE_KEYS if key in table.properties}
        with aws_call(f"CreateTable {table.name} in the emulator"):
            client.create_table(TableName=table.name, BillingMode="PAY_PER_REQUEST", **keys)


def dead_letter_url(queues: list[QueueSpec], urls: dict[str, str]) -> str | None:
    """The URL of the first queue some queue redrives to (for the status line), if it has a URL."""
    for queue in queues:
        target = json.loads(queue.attributes.get("RedrivePolicy", "{}")).get("deadLetterTargetArn")
        for other in queues:
            if other.arn == target and other.logical_id in urls:
                return urls[other.logical_id]
    return None


def visible_messages(client: Any, url: str) -> int | None:
    """ApproximateNumberOfMessages of ``url``; None when it cannot be read (the status line shows "?")."""
    try:
        answer = client.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(answer["Attributes"]["ApproximateNumberOfMessages"])
    except Exception:  # the status line must never stop the runtime
        return None


def discarded_messages(client: Any, queues: list[QueueSpec], queue_urls: dict[str, str]) -> dict[str, int]:
    """Queue name -> messages still in it (queued, in flight, delayed, DLQ): what the in-memory
    emulator drops when it stops, for the stop line."""
    names = {queue.logical_id: queue.name for queue in queues}
    counts = {
        names.get(logical_id, logical_id): message_count(client, url)
        for logical_id, url in queue_urls.items()
    }
    return {name: count for name, count in counts.items() if count}


def message_count(client: Any, url: str) -> int | None:
    """Every message of ``url``: visible, in flight and delayed; None when it cannot be read."""
    try:
        answer = client.get_queue_attributes(QueueUrl=url, AttributeNames=list(_COUNT_ATTRIBUTES))
        return sum(int(answer["Attributes"][name]) for name in _COUNT_ATTRIBUTES)
    except Exception:  # a stop must finish even when the emulator no longer answers
        return None
