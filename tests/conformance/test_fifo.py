"""FIFO mappings: order per message group, one batch per group in flight, a failing group blocks only
itself (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html, FIFO queues;
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html)."""

from __future__ import annotations

import itertools
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tests.conformance.harness import Emulator, wait_until

GROUPS = 5
PER_GROUP = 6


@dataclass
class Journal:
    """What a slow, sometimes failing FIFO handler saw: batches with their in-flight intervals."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    intervals: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    done: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    failures: int = 0

    def handler(self, event: dict[str, Any]) -> dict[str, Any]:
        """Each record fails on its first receive when its number is 1 mod 4; like Powertools' FIFO
        processor, the failed record and every later one of the batch are reported."""
        start = time.monotonic()
        time.sleep(0.15)  # slow: other pollers receive while this batch is in flight
        failed: list[dict[str, str]] = []
        succeeded: list[tuple[str, int]] = []
        for record in event["Records"]:
            group, text = record["body"].split(":")
            first = record["attributes"]["ApproximateReceiveCount"] == "1"
            if failed or (int(text) % 4 == 1 and first):
                failed.append({"itemIdentifier": record["messageId"]})
            else:
                succeeded.append((group, int(text)))
        groups = {record["attributes"]["MessageGroupId"] for record in event["Records"]}
        with self.lock:
            for group in groups:
                self.intervals[group].append((start, time.monotonic()))
            for group, number in succeeded:
                self.done[group].append(number)
            self.failures += len(failed)
        return {"batchItemFailures": failed}

    def total(self) -> int:
        with self.lock:
            return sum(len(numbers) for numbers in self.done.values())


def test_three_pollers_five_groups_with_retries_keep_order_and_one_batch_per_group(
    emulator: Emulator,
) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html ("Lambda ... doesn't
    have more than one batch from the same message group in flight"; records of a group in order)"""
    journal = Journal()
    mapping = emulator.mapping(
        journal.handler,
        fifo=True,
        queue_attributes={"VisibilityTimeout": "1"},
        batch_size=3,
        maximum_concurrency=3,
    )
    for number in range(PER_GROUP):  # interleaved, so every receive can mix groups
        for group in range(GROUPS):
            mapping.send(f"g{group}:{number}", MessageGroupId=f"g{group}")
    mapping.poller.start()
    try:
        wait_until(lambda: journal.total() == GROUPS * PER_GROUP, timeout=60)
    finally:
        mapping.poller.stop(5)
    assert journal.failures > 0  # retries happened
    assert dict(journal.done) == {f"g{g}": list(range(PER_GROUP)) for g in range(GROUPS)}
    for group_id, intervals in journal.intervals.items():
        ordered = sorted(intervals)
        overlaps = [(a, b) for a, b in itertools.pairwise(ordered) if b[0] < a[1]]
        assert overlaps == [], f"two batches of {group_id} in flight at once"


def test_a_failing_group_does_not_block_other_groups(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
    (a message group's failure holds back that group only)"""
    seen: list[str] = []

    def handler(event: dict[str, Any]) -> dict[str, Any]:
        seen.extend(r["body"] for r in event["Records"])
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"].startswith("bad")
            ]
        }

    mapping = emulator.mapping(handler, fifo=True, queue_attributes={"VisibilityTimeout": "30"}, batch_size=1)
    mapping.send("bad-1", MessageGroupId="bad")
    mapping.send("bad-2", MessageGroupId="bad")
    mapping.send("good-1", MessageGroupId="good")
    mapping.send("good-2", MessageGroupId="good")
    for _ in range(3):
        mapping.run_once()
    assert seen == ["bad-1", "good-1", "good-2"]  # bad-2 waits behind bad-1 (in flight for 30 s)
