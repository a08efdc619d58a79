"""The event source mapping emulator against an in-memory queue fake."""

from __future__ import annotations

import json
import threading
from typing import Any

from tests.unit.workerctl.fakes import FakeSqs
from workerctl.local.esm.poller import EventSourcePoller, PollTarget
from workerctl.local.sandbox.pool import InvocationResult
from workerctl.local.stats import RuntimeStats
from workerctl.local.template.event_sources import SqsEventSpec

ARN = "arn:aws:sqs:eu-west-1:123456789012:q"
URL = "http://q"


def queue_with(bodies: list[str]) -> FakeSqs:
    """The fake SQS with ``bodies`` waiting on the polled queue (ids m0, m1, ...; handles r0, r1, ...)."""
    sqs = FakeSqs()
    for body in bodies:
        sqs.put(URL, body)
    return sqs


def make(
    sqs: FakeSqs, invoke: Any, filters: tuple[dict[str, Any], ...] = (), **event: Any
) -> tuple[EventSourcePoller, RuntimeStats, list[str]]:
    spec = SqsEventSpec(
        name="Jobs", queue_arn=ARN, queue_logical_id="Q", report_batch_item_failures=True, **event
    )
    stats, logs = RuntimeStats(), list[str]()
    target = PollTarget(URL, ARN, "eu-west-1", spec, 1, filters)
    poller = EventSourcePoller(sqs, target, invoke, stats, logs.append)
    return poller, stats, logs


def test_gathers_up_to_batch_size_across_receives_within_the_window() -> None:
    sqs = queue_with(["{}"] * 25)
    poller, _, _ = make(
        sqs, lambda event: InvocationResult(ok=True), batch_size=15, batching_window_seconds=5
    )
    batch = poller.gather()
    assert len(batch) == 15
    assert [r["MaxNumberOfMessages"] for r in sqs.receives] == [10, 5]
    assert sqs.receives[0]["MessageSystemAttributeNames"] == ["All"]
    assert sqs.receives[0]["MessageAttributeNames"] == ["All"]


def test_a_window_remainder_below_a_second_still_long_polls_instead_of_spinning() -> None:
    sqs = queue_with(["{}"])
    poller, _, _ = make(
        sqs, lambda event: InvocationResult(ok=True), batch_size=5, batching_window_seconds=0.3
    )
    assert len(poller.gather()) == 1
    # Later receives wait out the 0.3 s left of the window: rounded up to 1 s, never 0 (a real SQS
    # blocks for it; this fake answers at once, so it sees several receives).
    assert len(sqs.receives) >= 2
    assert all(receive["WaitTimeSeconds"] >= 1 for receive in sqs.receives)


def test_without_a_window_one_receive_is_one_batch() -> None:
    sqs = queue_with(["{}"] * 3)
    poller, _, _ = make(sqs, lambda event: InvocationResult(ok=True), batch_size=10)
    assert len(poller.gather()) == 3
    assert len(sqs.receives) == 1


def test_partial_failure_deletes_only_the_successes() -> None:
    sqs = queue_with(["{}"] * 3)
    seen: list[dict[str, Any]] = []

    def invoke(event: dict[str, Any]) -> InvocationResult:
        seen.append(event)
        return InvocationResult(ok=True, response={"batchItemFailures": [{"itemIdentifier": "m1"}]})

    poller, stats, _ = make(sqs, invoke)
    failed = poller.process(poller.gather())
    assert failed == {"m1"}
    assert sorted(sqs.deleted) == ["r0", "r2"]
    assert (stats.processed, stats.failed, stats.in_flight) == (2, 1, 0)
    assert seen[0]["Records"][0]["eventSourceARN"] == ARN


def test_a_failed_invocation_deletes_nothing() -> None:
    sqs = queue_with(["{}"] * 2)
    poller, stats, _ = make(sqs, lambda event: InvocationResult(ok=False, error="timeout", timed_out=True))
    assert poller.process(poller.gather()) == {"m0", "m1"}
    assert sqs.deleted == []
    assert stats.timeouts == 1


def test_filtered_out_records_are_deleted_without_invoking() -> None:
    sqs = queue_with([json.dumps({"type": "keep"}), json.dumps({"type": "drop"})])
    invoked: list[int] = []

    def invoke(event: dict[str, Any]) -> InvocationResult:
        invoked.append(len(event["Records"]))
        return InvocationResult(ok=True, response=None)

    poller, stats, _ = make(sqs, invoke, filters=({"body": {"type": ["keep"]}},))
    poller.process(poller.gather())
    assert invoked == [1]
    assert sorted(sqs.deleted) == ["r0", "r1"]
    assert stats.filtered == 1


def test_delete_failures_are_logged() -> None:
    sqs = queue_with(["{}"] * 10)
    sqs.delete_failure = ("X", "y")  # the first entry of each DeleteMessageBatch fails
    poller, _, logs = make(sqs, lambda event: InvocationResult(ok=True))
    poller.process(poller.gather())
    assert logs == ["workerctl: delete_message_batch entry failed: X y"]


def test_messages_received_while_stopping_go_straight_back() -> None:
    sqs = queue_with(["{}"] * 2)
    invoked: list[object] = []

    def invoke(event: object) -> InvocationResult:
        invoked.append(event)
        return InvocationResult(ok=True)

    poller, _, _ = make(sqs, invoke)
    assert poller.stop(timeout=1)
    poller._stopping.clear()  # let gather() receive once, then stop as if the stop came mid-poll
    original = sqs.receive_message

    def receive_then_stop(**kwargs: Any) -> dict[str, Any]:
        poller._stopping.set()
        return original(**kwargs)

    sqs.receive_message = receive_then_stop  # type: ignore[method-assign]
    poller._poll_once()
    assert sorted(sqs.returned) == ["r0", "r1"]
    assert invoked == []


def test_poller_threads_survive_errors_and_log_them() -> None:
    sqs = queue_with(['{"a": 1}'])
    poller, _, logs = make(
        sqs, lambda event: InvocationResult(ok=True), filters=({"body": {"a": [{"cidr": "x"}]}},)
    )

    def receive_then_stop(**kwargs: Any) -> dict[str, Any]:
        if not sqs.visible[URL]:
            poller._stopping.set()
        return FakeSqs.receive_message(sqs, **kwargs)

    sqs.receive_message = receive_then_stop  # type: ignore[method-assign]
    poller._run()
    assert logs == [
        "workerctl: poller error (ValueError: unsupported filter matcher 'cidr'); "
        "the batch returns to the queue"
    ]
    assert sqs.deleted == []


def test_disabling_ends_a_gather_that_an_empty_queue_would_keep_going() -> None:
    sqs = FakeSqs()
    poller, _, _ = make(sqs, lambda event: InvocationResult(ok=True))

    def receive_then_disable(**kwargs: Any) -> dict[str, Any]:
        poller.set_enabled(False)  # UpdateEventSourceMapping while this long poll runs
        if len(sqs.receives) > 3:
            poller._stopping.set()  # the old behaviour would loop: end it so the assertion reports it
        return FakeSqs.receive_message(sqs, **kwargs)

    sqs.receive_message = receive_then_disable  # type: ignore[method-assign]
    assert poller.gather() == []
    assert len(sqs.receives) == 1


def test_wait_paused_waits_for_the_batch_in_flight_and_then_nothing_is_received() -> None:
    sqs = queue_with(["{}"])
    started, release = threading.Event(), threading.Event()

    def invoke(event: object) -> InvocationResult:
        started.set()
        release.wait(30)
        return InvocationResult(ok=True)

    poller, _, _ = make(sqs, invoke, maximum_concurrency=2)
    poller.start()
    try:
        assert started.wait(30)
        poller.set_enabled(False)
        assert not poller.wait_paused(0.2)  # the batch is held by this test: not paused yet
        release.set()
        assert poller.wait_paused(30)
        sqs.put(URL, "{}")
        assert poller.wait_paused(0)  # still paused: disabled threads never reach a receive
        assert sqs.deleted == ["r0"]  # the batch in flight finished and was deleted
    finally:
        poller.stop(5)
