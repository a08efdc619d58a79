"""What the dashboard reads from the functions' log lines: throughput buckets, job types, failures."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

import worker_handler
from tests.conftest import load_event
from tests.unit.workerctl.emf_lines import COLD_START_LINE, MAIN_LINE, per_type_line
from workerctl.local.dashboard.activity import MIXED, WINDOW_SECONDS, Activity, failure_from


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def log_line(message: str, **fields: Any) -> str:
    return json.dumps({"level": "ERROR", "message": message, **fields})


def test_the_records_counters_land_in_the_bucket_of_their_second_and_in_the_totals() -> None:
    clock = Clock()
    activity = Activity(clock)

    activity.feed(MAIN_LINE)  # 2 succeeded, 1 transient, 1 dead-lettered
    clock.now += 3
    activity.feed(MAIN_LINE)
    throughput = activity.throughput()

    assert throughput["totals"] == {"processed": 4, "failed_transient": 2, "dead_lettered": 2, "skipped": 0}
    processed = throughput["series"]["processed"]
    assert len(processed) == WINDOW_SECONDS
    assert processed[-1] == 2
    assert processed[-4] == 2
    assert sum(processed) == 4


def test_buckets_older_than_the_window_leave_the_chart_but_not_the_totals() -> None:
    clock = Clock()
    activity = Activity(clock)
    activity.feed(MAIN_LINE)

    clock.now += WINDOW_SECONDS
    activity.feed(COLD_START_LINE)  # not a series counter: nothing added
    throughput = activity.throughput()

    assert sum(throughput["series"]["processed"]) == 0
    assert throughput["totals"]["processed"] == 2


def test_durations_go_to_the_one_type_that_succeeded_in_the_invocation_else_to_mixed() -> None:
    activity = Activity(Clock())

    activity.feed(per_type_line("checksum", "JobsSucceeded", 2))
    activity.feed(MAIN_LINE)  # JobDuration [0.031, 0.017]
    activity.feed(per_type_line("checksum", "JobsSucceeded", 1))
    activity.feed(per_type_line("fan_out", "JobsSucceeded", 1))
    activity.feed(MAIN_LINE)
    rows = {row["job_type"]: row for row in activity.job_types()}

    assert rows["checksum"]["counts"]["processed"] == 3
    assert rows["checksum"]["duration_ms"]["n"] == 2
    assert rows["checksum"]["duration_ms"]["max"] == pytest.approx(0.031)
    assert rows[MIXED]["duration_ms"]["n"] == 2
    assert rows["fan_out"]["duration_ms"] is None


def test_each_slot_pipe_is_its_own_invocation_stream() -> None:
    """Two slots' lines interleave in the parent; each slot's reader thread keeps its own."""
    activity = Activity(Clock())
    activity.feed(per_type_line("checksum", "JobsSucceeded", 2))

    other = threading.Thread(
        target=lambda: [activity.feed(per_type_line("fan_out", "JobsSucceeded", 2)), activity.feed(MAIN_LINE)]
    )
    other.start()
    other.join()
    activity.feed(MAIN_LINE)
    rows = {row["job_type"]: row for row in activity.job_types()}

    assert rows["fan_out"]["duration_ms"]["n"] == 2
    assert rows["checksum"]["duration_ms"]["n"] == 2
    assert MIXED not in rows


def test_the_worker_handlers_own_failure_lines_become_rows_with_their_ids(
    lambda_context: Any, log_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    worker_handler.lambda_handler(load_event("sqs-mixed-batch.json"), lambda_context)
    activity = Activity(Clock())
    for record in log_lines():
        activity.feed(json.dumps(record))

    [failure] = activity.failures()
    assert failure["job_type"] == "no_such_job"
    assert failure["error_type"] == "UnknownJobTypeError"
    assert failure["correlation_id"]
    assert failure["receive_count"] == 2
    assert "no_such_job" in failure["message"]


def test_failure_kinds_and_messages() -> None:
    transient = failure_from(
        {
            "level": "ERROR",
            "message": "job failed, will be retried",
            "job_type": "demo.flaky",
            "error_type": "TransientJobError",
            "retry_in_seconds": 4,
            "correlation_id": "c-1",
            "receive_count": 2,
            "stack_trace": {"type": "TransientJobError", "value": "demo failure on receive 2 of 3"},
        },
        5.0,
    )
    dead = failure_from(
        {
            "level": "ERROR",
            "message": "job failed permanently; sent to the dead-letter queue",
            "error_type": "InvalidPayloadError",
            "error": "payload of 'checksum' is invalid",
        },
        5.0,
    )
    crashed = failure_from(
        {
            "level": "ERROR",
            "message": "invocation failed",
            "errorType": "Runtime.ExitError",
            "errorMessage": "gone",
        },
        5.0,
    )

    assert transient is not None
    assert (transient.kind, transient.retry_in_seconds) == ("transient", 4)
    assert transient.message == "demo failure on receive 2 of 3"
    assert dead is not None
    assert (dead.kind, dead.message) == (
        "dead-lettered",
        "payload of 'checksum' is invalid",
    )
    assert crashed is not None
    assert (crashed.kind, crashed.error_type, crashed.message) == (
        "invocation",
        "Runtime.ExitError",
        "gone",
    )
    assert failure_from({"level": "INFO", "message": "job failed, will be retried"}, 5.0) is None
    assert failure_from({"level": "ERROR", "message": "something else"}, 5.0) is None


def test_failures_are_newest_first_and_bounded_and_noise_is_ignored() -> None:
    activity = Activity(Clock())
    for index in range(150):
        activity.feed(
            log_line("job failed, will be retried", correlation_id=f"c-{index}", retry_in_seconds=1)
        )
    activity.feed('{"level": "ERROR", "broken')
    activity.feed("plain text ERROR")

    failures = activity.failures()
    assert len(failures) == 100
    assert failures[0]["correlation_id"] == "c-149"
