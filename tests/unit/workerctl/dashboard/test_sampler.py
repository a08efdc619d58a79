"""The shared sampler: emulator calls per tick do not depend on how many pages are connected."""

from __future__ import annotations

import json
import threading
from typing import Any

from workerctl.local.dashboard.sampler import IDLE_AFTER_SECONDS, QueueInfo, Sampler, Sources, queue_counts


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeEmulator:
    """Counts every call the sampler makes, as the dashboard's botocore hook does."""

    def __init__(self) -> None:
        self.calls = 0
        self.health_calls = 0
        self.dlq_visible = 0
        self.refreshes: list[int] = []

    def counts(self, url: str) -> dict[str, int]:
        self.calls += 1
        if url.endswith("dlq"):
            return {"visible": self.dlq_visible, "in_flight": 0, "delayed": 0}
        return {"visible": 3, "in_flight": 1, "delayed": 0}

    def health(self) -> dict[str, Any]:
        self.health_calls += 1
        return {"status": "warn", "checks": []}

    def refresh(self, visible: int) -> None:
        self.calls += 2 if visible else 0  # a receive and a release (DeadLetters.refresh skips an empty DLQ)
        self.refreshes.append(visible)


def sampler_on(emulator: FakeEmulator, clock: Clock) -> Sampler:
    sources = Sources(
        queues=[
            QueueInfo("app-jobs", "jobs", "u/app-jobs"),
            QueueInfo("app-jobs-dlq", "dead-letter", "u/app-jobs-dlq"),
        ],
        queue_counts=emulator.counts,
        health=emulator.health,
        refresh_dead_letters=emulator.refresh,
        parts=lambda: {"failures": []},
        calls=lambda: emulator.calls,
    )
    return Sampler(sources, interval=1.0, health_interval=5.0, clock=clock)


def calls_for_ticks(subscribers: int, ticks: int) -> tuple[int, int]:
    emulator, clock = FakeEmulator(), Clock()
    sampler = sampler_on(emulator, clock)
    streams = [sampler.subscription() for _ in range(subscribers)]
    for stream in streams:
        stream.__enter__()
    for _ in range(ticks):
        if sampler.wanted():
            sampler.sample_once()
        clock.now += 1.0
    return emulator.calls, emulator.health_calls


def test_five_pages_cost_the_emulator_exactly_what_one_page_costs() -> None:
    assert calls_for_ticks(subscribers=5, ticks=20) == calls_for_ticks(subscribers=1, ticks=20)


def test_per_tick_one_call_per_queue_and_health_once_per_window() -> None:
    calls, health_calls = calls_for_ticks(subscribers=1, ticks=20)

    assert calls == 2 * 20  # two queues, one GetQueueAttributes each; the empty DLQ is never sampled
    assert health_calls == 4  # every 5 s of 20


def test_with_no_page_connected_nothing_is_sampled() -> None:
    assert calls_for_ticks(subscribers=0, ticks=20) == (0, 0)


def test_a_snapshot_request_keeps_sampling_for_a_while_then_it_stops() -> None:
    emulator, clock = FakeEmulator(), Clock()
    sampler = sampler_on(emulator, clock)
    sampler.request()
    assert sampler.wanted()
    clock.now += IDLE_AFTER_SECONDS
    assert not sampler.wanted()


def test_dead_letters_are_sampled_when_the_dlq_depth_changes_or_after_an_action() -> None:
    emulator, clock = FakeEmulator(), Clock()
    sampler = sampler_on(emulator, clock)
    emulator.dlq_visible = 2
    sampler.sample_once()
    sampler.sample_once()
    emulator.dlq_visible = 3
    sampler.sample_once()
    sampler.invalidate()
    sampler.sample_once()

    assert emulator.refreshes == [2, 3, 3]


def test_the_snapshot_is_published_as_one_json_document_for_every_stream() -> None:
    emulator, clock = FakeEmulator(), Clock()
    sampler = sampler_on(emulator, clock)
    received: list[bytes | None] = []
    waiting = [threading.Thread(target=lambda: received.append(sampler.next(0, 5)[1])) for _ in range(3)]
    for thread in waiting:
        thread.start()

    sampler.sample_once()
    for thread in waiting:
        thread.join()

    assert len(set(received)) == 1
    document = json.loads(received[0] or b"")
    assert document["queues"][0] == {
        "name": "app-jobs",
        "role": "jobs",
        "visible": 3,
        "in_flight": 1,
        "delayed": 0,
    }
    assert document["health"]["status"] == "warn"
    assert document["failures"] == []


def test_a_failing_queue_read_is_shown_not_raised_and_the_cost_is_a_rate() -> None:
    emulator, clock = FakeEmulator(), Clock()
    sampler = sampler_on(emulator, clock)

    def broken(url: str) -> dict[str, int]:
        emulator.calls += 1
        raise ConnectionError("emulator gone")

    sampler.sources.queue_counts = broken
    first = sampler.sample_once()
    clock.now += 2.0
    second = sampler.sample_once()

    assert first["queues"][0]["error"] == "ConnectionError: emulator gone"
    assert first["cost"]["calls_per_second"] is None
    assert second["cost"] == {"calls": 4, "calls_per_second": 1.0}


def test_stop_wakes_waiting_streams() -> None:
    sampler = sampler_on(FakeEmulator(), Clock())
    sampler.stop()
    assert sampler.next(0, 5) == (0, None)


def test_queue_counts_reads_sqs_attribute_names() -> None:
    attributes = {
        "ApproximateNumberOfMessages": "4",
        "ApproximateNumberOfMessagesNotVisible": "2",
        "ApproximateNumberOfMessagesDelayed": "1",
    }
    assert queue_counts(attributes) == {"visible": 4, "in_flight": 2, "delayed": 1}
