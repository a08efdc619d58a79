"""The embedded AWS emulator (moto server) and the queues and tables from the template inside it.

With ``--endpoint-url`` pointing elsewhere (another emulator, or real AWS) nothing is created: queues
are looked up by name instead, and their real ARNs are used in the records.
"""

from __future__ import annotations

import logging
import socket
import urllib.request
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from workerctl.errors import UserError

if TYPE_CHECKING:
    from workerctl.template_model import QueueSpec, TableSpec

_TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes")


def ensure_port_free(host: str, port: int, what: str, how_to_change: str) -> None:
    """Raise a one-line :class:`UserError` when ``host:port`` cannot be bound (0 = any free port)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UserError(f"port {port} for {what} is in use ({exc.strerror}); {how_to_change}") from exc


class EmbeddedEmulator:
    """moto's threaded server on ``host:port``; :attr:`endpoint_url` once started."""

    def __init__(self, host: str, port: int) -> None:
        self._host = host
        self._port = port
        self._server: Any = None

    def start(self) -> str:
        """Start the server (port checked first: moto would hang on a busy port) and return its URL."""
        ensure_port_free(self._host, self._port, "the AWS emulator", "pass --emulator-port PORT")
        from moto.server import ThreadedMotoServer  # noqa: PLC0415 - heavy import, only when embedded

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log line per SQS call
        self._server = ThreadedMotoServer(ip_address=self._host, port=self._port, verbose=False)
        self._server.start()
        # moto keeps its state per process: start empty even if an earlier server ran in this process.
        reset = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")  # noqa: S310
        with urllib.request.urlopen(reset, timeout=10):  # noqa: S310 - our own loopback http server
            pass
        return self.endpoint_url

    @property
    def endpoint_url(self) -> str:
        """``http://host:port`` of the running server."""
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def stop(self) -> None:
        """Stop the server (idempotent)."""
        if self._server is not None:
            self._server.stop()
            self._server = None


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
        try:
            url = client.create_queue(QueueName=queue.name, Attributes=attributes)["QueueUrl"]
        except (BotoCoreError, ClientError) as exc:
            raise UserError(f"cannot create queue {queue.name} in the emulator: {exc}") from exc
        created[queue.logical_id] = (url, queue.arn)
    return created


def lookup_queues(
    client: Any, queues: list[QueueSpec], explicit: dict[str, str], required: set[str]
) -> dict[str, tuple[str, str]]:
    """Find existing queues by name (or ``explicit`` URL); a missing ``required`` queue is an error."""
    found: dict[str, tuple[str, str]] = {}
    for queue in queues:
        try:
            url = explicit.get(queue.logical_id) or client.get_queue_url(QueueName=queue.name)["QueueUrl"]
            attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
        except (BotoCoreError, ClientError) as exc:
            if queue.logical_id in required:
                raise UserError(
                    f"queue {queue.name} not found at the endpoint ({exc}); deploy it or pass --queue-url"
                ) from exc
            continue
        found[queue.logical_id] = (url, attributes["QueueArn"])
    return found


def create_tables(client: Any, tables: list[TableSpec]) -> None:
    """Create DynamoDB tables with their keys (on-demand); other properties have no local effect."""
    for table in tables:
        keys = {key: table.properties[key] for key in _TABLE_KEYS if key in table.properties}
        try:
            client.create_table(TableName=table.name, BillingMode="PAY_PER_REQUEST", **keys)
        except (BotoCoreError, ClientError) as exc:
            raise UserError(f"cannot create table {table.name} in the emulator: {exc}") from exc
