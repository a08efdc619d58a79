"""Timeouts and redrive to the dead-letter queue
(https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conformance.harness import Emulator, wait_until
from workerctl.local.sandbox.child import ChildSetup
from workerctl.local.sandbox.pool import FunctionPool, FunctionSlot

HANDLERS = Path(__file__).parent / "fixtures" / "handlers"


def test_a_timed_out_invocation_returns_its_whole_batch(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html (a function that times
    out is an invocation error: every message of the batch becomes visible again)"""
    logs: list[str] = []
    setup = ChildSetup(
        module="journal_handler",
        function="handler",
        function_name="fn",
        function_arn="arn:aws:lambda:eu-west-1:123456789012:function:fn",
        memory_mb=128,
        sys_paths=(str(HANDLERS),),
        environment={},
    )
    pool = FunctionPool([FunctionSlot(setup, timeout_s=1.0, log_sink=logs.append)])
    mapping = emulator.mapping(lambda event: None, invoke=pool.invoke, batch_size=2)
    try:
        ids = {mapping.send("sleep 5"), mapping.send("quick")}
        assert mapping.run_once() == ids
    finally:
        pool.stop()
    assert mapping.depth() == 2
    assert mapping.stats.timeouts == 1
    assert any("Task timed out after 1.00 seconds" in line for line in logs)


def dead_lettered(emulator: Emulator, dlq_url: str) -> list[str]:
    """Message ids a receive on the DLQ returns now."""
    return [m["MessageId"] for m in emulator.sqs.receive_message(QueueUrl=dlq_url).get("Messages", [])]


def test_after_max_receive_count_failures_the_message_is_in_the_dlq(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
    (maxReceiveCount; Lambda's failed batches are redriven by the queue)"""
    dlq_url, dlq_arn = emulator.queue()
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})

    def fail(event: object) -> None:
        raise RuntimeError("always")

    mapping = emulator.mapping(fail, queue_attributes={"VisibilityTimeout": "1", "RedrivePolicy": policy})
    message_id = mapping.send("poison")
    mapping.poller.start()
    try:
        wait_until(lambda: dead_lettered(emulator, dlq_url) == [message_id])
    finally:
        mapping.poller.stop(5)
    assert mapping.stats.invocations == 2
