"""Batching window, batch size and concurrency (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html,
https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html)."""

from __future__ import annotations

import threading
import time
from typing import Any

from tests.conformance.harness import Emulator, wait_until
from workerctl.local.template.event_sources import DEFAULT_POLLERS


def test_a_batch_never_exceeds_batch_size(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html (BatchSize)"""
    sizes: list[int] = []
    mapping = emulator.mapping(lambda event: sizes.append(len(event["Records"])), batch_size=3)
    for i in range(7):
        mapping.send(f"m{i}")
    while mapping.depth():
        mapping.run_once()
    assert sum(sizes) == 7
    assert max(sizes) == 3


def test_the_batching_window_gathers_beyond_ten_records(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching"""
    sizes: list[int] = []
    mapping = emulator.mapping(
        lambda event: sizes.append(len(event["Records"])), batch_size=25, batching_window_seconds=2
    )
    for chunk in range(3):
        emulator.sqs.send_message_batch(
            QueueUrl=mapping.url,
            Entries=[{"Id": str(i), "MessageBody": f"{chunk}-{i}"} for i in range(10)],
        )
    mapping.run_once()
    assert sizes == [25]


def concurrency_seen(emulator: Emulator, messages: int, **event: Any) -> int:
    """Run the mapping's poller threads over ``messages`` slow batches of one; the most at once."""
    lock, running, peak, done = threading.Lock(), [0], [0], [0]

    def slow(event_: dict[str, Any]) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.6)
        with lock:
            running[0] -= 1
            done[0] += 1

    mapping = emulator.mapping(slow, batch_size=1, **event)
    emulator.sqs.send_message_batch(
        QueueUrl=mapping.url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(messages)]
    )
    mapping.poller.start()
    try:
        wait_until(lambda: done[0] == messages)
    finally:
        mapping.poller.stop(5)
    return peak[0]


def test_maximum_concurrency_caps_concurrent_invocations(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html#events-sqs-max-concurrency"""
    assert concurrency_seen(emulator, 8, maximum_concurrency=2) == 2


def test_without_scaling_config_the_mapping_runs_lambdas_initial_five(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html ("Lambda begins ...
    with five concurrent batches"; locally it stays there rather than one process per 1,000)"""
    assert DEFAULT_POLLERS == 5
    assert concurrency_seen(emulator, 10) == 5


def test_provisioned_mode_runs_minimum_pollers(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html#sqs-provisioned-mode"""
    assert concurrency_seen(emulator, 6, minimum_pollers=3, maximum_pollers=10) == 3
