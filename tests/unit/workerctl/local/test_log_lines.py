"""The console's pretty mode: one readable line per JSON log entry, built from the worker's real fields."""

from __future__ import annotations

import json
from typing import Any

from workerctl.local.log_lines import RESET, pretty_line

TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "jobs.py", line 3, in flaky\n'
    "    raise TransientJobError(...)\n"
    "queue_worker.errors.TransientJobError: demo failure on receive 1 of 3"
)


def entry(**fields: Any) -> str:
    base = {
        "level": "ERROR",
        "timestamp": "2026-11-29 15:35:04,864+0000",
        "service": "s",
        "cold_start": False,
    }
    return json.dumps(base | fields)


def test_transient_failure_folds_its_traceback_to_the_last_line() -> None:
    # Given the worker's "will be retried" entry (it carries retry_in_seconds and the full traceback)
    line = entry(
        message="job failed, will be retried",
        correlation_id="demo-3",
        job_type="demo.flaky",
        receive_count=1,
        error_type="TransientJobError",
        retry_in_seconds=4,
        exception=TRACEBACK,
        exception_name="TransientJobError",
    )
    # Then one line: time, level, job type, correlation id, message, error type and text, counters
    assert pretty_line(line) == (
        "15:35:04.864 ERROR demo.flaky [demo-3] job failed, will be retried "
        "— TransientJobError: demo failure on receive 1 of 3 receive_count=1 retry_in_seconds=4"
    )


def test_permanent_failure_shows_its_error_text() -> None:
    line = entry(
        message="job failed permanently; sent to the dead-letter queue",
        correlation_id="demo-4",
        job_type="demo.no_such_job",
        error_type="UnknownJobTypeError",
        error="no job registered for type 'demo.no_such_job'",
    )
    assert pretty_line(line) == (
        "15:35:04.864 ERROR demo.no_such_job [demo-4] job failed permanently; sent to the dead-letter queue "
        "— UnknownJobTypeError: no job registered for type 'demo.no_such_job'"
    )


def test_a_crashed_invocation_keeps_its_whole_stack_indented_below() -> None:
    # The sandbox's own line for a handler that raised: no timestamp, a stackTrace list
    line = json.dumps(
        {
            "level": "ERROR",
            "message": "invocation failed",
            "errorType": "KeyError",
            "errorMessage": "'Records'",
            "stackTrace": [
                "Traceback (most recent call last):",
                '  File "h.py", line 1',
                "KeyError: 'Records'",
            ],
        }
    )
    first, *rest = (pretty_line(line) or "").splitlines()
    assert first.endswith("ERROR - [-] invocation failed — KeyError: 'Records'")
    assert rest == [
        "    Traceback (most recent call last):",
        '      File "h.py", line 1',
        "    KeyError: 'Records'",
    ]


def test_batch_lines_keep_the_non_zero_counters() -> None:
    line = entry(
        level="INFO", message="batch processed", received=2, succeeded=0, failed_transient=1, dead_lettered=1
    )
    assert pretty_line(line) == (
        "15:35:04.864 INFO  - [-] batch processed received=2 failed_transient=1 dead_lettered=1"
    )


def test_metric_lines_are_left_to_the_summary_and_other_text_passes_unchanged() -> None:
    emf = json.dumps({"_aws": {"Timestamp": 1, "CloudWatchMetrics": []}, "X": [1.0]})
    assert pretty_line(emf) is None
    for text in ("workerctl: ready", "[1, 2]", "{not json", '"a string"'):
        assert pretty_line(text) == text


def test_colour_wraps_each_field_and_resets() -> None:
    line = pretty_line(entry(message="m", correlation_id="c-1", job_type="t"), colour=True) or ""
    assert line.count(RESET) == 4  # time, level, job type, correlation id; the message is not coloured
    assert "\x1b[31mERROR" in line
    assert "[c-1]" in line
