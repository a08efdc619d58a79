"""The conformance suite's harness: real SQS semantics (the embedded moto server, with the runtime's
FIFO fix) under the real event source mapping emulator, with handlers that run in this process.

One emulator serves the whole suite (CPU is scarce); every test gets its own queue. A handler is a plain
function of the Lambda event; what it returns is the invocation's response and an exception fails the
invocation, as a function error does. Behaviours that need a real function process (Timeout) or a
start-up (validation) use the sandbox or :class:`LocalRuntime` directly.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3

from workerctl.local.esm.poller import EventSourcePoller, PollTarget
from workerctl.local.esm.validation import parsed_filters
from workerctl.local.sandbox.pool import InvocationResult
from workerctl.local.stats import RuntimeStats
from workerctl.local.template.event_sources import SqsEventSpec

REGION = "eu-west-1"
type Handler = Callable[[dict[str, Any]], Any]


def sqs_client(endpoint_url: str) -> Any:
    """An SQS client for the emulator (fake credentials)."""
    return boto3.client(
        "sqs",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def in_process(handler: Handler) -> Callable[[dict[str, Any]], InvocationResult]:
    """``handler`` as the pool's ``invoke``: its return value JSON round-tripped, an exception a failure."""

    def invoke(event: dict[str, Any]) -> InvocationResult:
        try:
            return InvocationResult(ok=True, response=json.loads(json.dumps(handler(event))))
        except Exception as exc:
            return InvocationResult(ok=False, error=f"{type(exc).__name__}: {exc}")

    return invoke


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` s (a bound, not a measurement)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.05)


@dataclass
class Mapping:
    """One queue in the emulator and an event source mapping on it."""

    sqs: Any
    url: str
    arn: str
    poller: EventSourcePoller
    stats: RuntimeStats
    logs: list[str] = field(default_factory=list)

    def send(self, body: str, **fields: Any) -> str:
        """SendMessage; returns the message id."""
        return str(self.sqs.send_message(QueueUrl=self.url, MessageBody=body, **fields)["MessageId"])

    def run_once(self) -> set[str]:
        """One receive → one invocation (no threads); the message ids left on the queue."""
        return self.poller.process(self.poller.gather())

    def depth(self) -> int:
        """Visible + in flight + delayed messages."""
        names = [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ]
        answer = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=names)["Attributes"]
        return sum(int(answer[name]) for name in names)

    def receive_all(self, wait: int = 0) -> list[dict[str, Any]]:
        """What a plain receive sees now (all attributes)."""
        answer = self.sqs.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=wait,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(answer.get("Messages", []))


class Emulator:
    """Creates queues and mappings in the suite's emulator."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url
        self.sqs = sqs_client(endpoint_url)
        self._lock = threading.Lock()

    def queue(self, fifo: bool = False, **attributes: str) -> tuple[str, str]:
        """A new queue ``(url, arn)``; FIFO queues get content-based deduplication."""
        name = f"c-{uuid.uuid4().hex[:12]}" + (".fifo" if fifo else "")
        if fifo:
            attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true", **attributes}
        url = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        answer = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return str(url), str(answer["Attributes"]["QueueArn"])

    def mapping(
        self,
        handler: Handler,
        *,
        fifo: bool = False,
        queue_attributes: dict[str, str] | None = None,
        queue: tuple[str, str] | None = None,
        invoke: Callable[[dict[str, Any]], InvocationResult] | None = None,
        **event: Any,
    ) -> Mapping:
        """A mapping of ``handler`` (or of a pool's ``invoke``) on a new queue; ``event`` sets
        SqsEventSpec fields."""
        url, arn = queue or self.queue(fifo, **(queue_attributes or {}))
        event.setdefault("report_batch_item_failures", True)
        spec = SqsEventSpec(name="Jobs", queue_arn=arn, queue_logical_id="Q", **event)
        target = PollTarget(url, arn, REGION, spec, 1, parsed_filters(spec))
        stats, logs = RuntimeStats(), list[str]()
        poller = EventSourcePoller(self.sqs, target, invoke or in_process(handler), stats, logs.append)
        return Mapping(self.sqs, url, arn, poller, stats, logs)
