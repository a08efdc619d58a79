"""BatchRun: outcomes, dead-lettering, backoff, timeout margin and log context, with fakes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from queue_worker.dead_letter import DEAD_LETTER_ATTRIBUTE
from queue_worker.log import logger
from queue_worker.metrics import Outcome
from tests.factories import sqs_event, sqs_record
from tests.unit.worker.fakes import CountdownClock, FakeDeadLetters, FakeVisibility
from tests.unit.worker.work_jobs import make_run, process, work


def test_permanent_failures_go_to_the_dlq_and_count_as_handled(lambda_context: Any) -> None:
    calls: list[str] = []
    dlq = FakeDeadLetters()
    event = sqs_event(
        work("ok", message_id="a"), work("permanent", message_id="b"), sqs_record("junk", message_id="c")
    )
    failed = process(make_run(calls, dlq), event, lambda_context)
    assert failed == []
    assert [
        json.loads(m.attributes[DEAD_LETTER_ATTRIBUTE]["StringValue"])["originalMessageId"]
        for m in dlq.messages
    ] == [
        "b",
        "c",
    ]
    assert dlq.messages[1].body == "junk"


def test_a_failed_dlq_send_reports_the_record_failed_with_backoff(lambda_context: Any) -> None:
    visibility = FakeVisibility()
    event = sqs_event(work("permanent", message_id="b", receive_count=2))
    run = make_run([], FakeDeadLetters(fail=True), visibility)
    assert process(run, event, lambda_context) == ["b"]
    assert visibility.changes == {"rh-b": 20}
    assert run.metrics.outcomes[Outcome.FAILED_TRANSIENT] == 1


def test_without_a_dlq_permanent_failures_are_reported_for_sqs_redrive(lambda_context: Any) -> None:
    assert process(make_run([], None), sqs_event(work("permanent", message_id="b")), lambda_context) == ["b"]


def test_transient_failures_get_a_backoff_from_their_receive_count(lambda_context: Any) -> None:
    visibility = FakeVisibility()
    event = sqs_event(
        work("transient", message_id="t1", receive_count=1),
        work("transient", message_id="t3", receive_count=3),
    )
    failed = process(make_run([], FakeDeadLetters(), visibility), event, lambda_context)
    assert failed == ["t1", "t3"]
    assert visibility.changes == {"rh-t1": 10, "rh-t3": 30}


def test_records_are_skipped_and_made_visible_when_time_runs_out(lambda_context: Any) -> None:
    calls: list[str] = []
    visibility = FakeVisibility()
    clock = CountdownClock(start_ms=3_500, step_ms=1_000)  # 3.5 s, 2.5 s, 1.5 s, 0.5 s (< 1 s margin)...
    event = sqs_event(*(work("ok", message_id=f"m{i}") for i in range(6)))
    run = make_run(calls, FakeDeadLetters(), visibility, remaining=clock)
    failed = process(run, event, lambda_context)
    assert calls == ["m0", "m1", "m2"]
    assert failed == ["m3", "m4", "m5"]
    assert visibility.changes == {"rh-m3": 0, "rh-m4": 0, "rh-m5": 0}
    assert run.metrics.outcomes[Outcome.SKIPPED_BY_TIMEOUT] == 3


def test_fifo_stops_at_the_first_failure_and_delays_the_rest_together(lambda_context: Any) -> None:
    calls: list[str] = []
    visibility = FakeVisibility()
    event = sqs_event(
        work("ok", message_id="f1", group_id="g"),
        work("transient", message_id="f2", group_id="g", receive_count=2),
        work("ok", message_id="f3", group_id="g"),
    )
    failed = process(make_run(calls, FakeDeadLetters(), visibility), event, lambda_context)
    assert calls == ["f1", "f2"]
    assert failed == ["f2", "f3"]
    assert visibility.changes == {"rh-f2": 20, "rh-f3": 20}


def test_visibility_failures_are_logged_not_raised(lambda_context: Any, log_lines: Any) -> None:
    visibility = FakeVisibility(failing={"rh-t"})
    process(
        make_run([], FakeDeadLetters(), visibility),
        sqs_event(work("transient", message_id="t")),
        lambda_context,
    )
    assert any(line["message"].startswith("could not change visibility") for line in log_lines())


def test_every_log_line_of_a_record_carries_its_context_and_nothing_leaks(
    lambda_context: Any, log_lines: Any
) -> None:
    event = sqs_event(
        work("ok", message_id="a", correlation_id="corr-a", receive_count=2),
        work("transient", message_id="b"),
        work("permanent", message_id="c"),
    )
    process(make_run([], FakeDeadLetters()), event, lambda_context)
    lines = log_lines()
    by_message = {line["message_id"]: line for line in lines if "message_id" in line}
    assert by_message["a"]["correlation_id"] == "corr-a"
    assert (by_message["a"]["job_type"], by_message["a"]["receive_count"]) == ("work", 2)
    assert by_message["b"]["correlation_id"] == "b"
    assert by_message["b"]["error_type"] == "TimeoutError"
    assert "Traceback" in by_message["b"]["exception"]
    assert by_message["c"]["message"] == "job failed permanently; sent to the dead-letter queue"
    assert len([line for line in lines if "message_id" in line]) == 3  # one line per record
    logger.info("after the batch")
    assert "correlation_id" not in log_lines()[-1]
    assert "message_id" not in log_lines()[-1]


def test_message_age_is_measured_from_sent_timestamp(lambda_context: Any) -> None:
    run = make_run([], FakeDeadLetters())
    process(run, sqs_event(work("ok", sent_timestamp_ms=1_795_464_000_000)), lambda_context)
    assert run.metrics.message_ages_ms == [pytest.approx(1_000.0)]


def test_at_info_successes_are_summed_in_one_batch_line_and_failures_logged_per_record(
    lambda_context: Any, log_lines: Any
) -> None:
    logger.setLevel("INFO")  # the template's default LogLevel (the fixture captures at DEBUG)
    event = sqs_event(
        work("ok", message_id="a"),
        work("ok", message_id="b"),
        work("transient", message_id="t"),
        work("permanent", message_id="p"),
    )
    process(make_run([], FakeDeadLetters()), event, lambda_context)
    lines = log_lines()
    assert [line["message"] for line in lines if line.get("message_id") in {"a", "b"}] == []
    assert {line["message_id"] for line in lines if "message_id" in line} == {"t", "p"}
    (summary,) = [line for line in lines if line["message"] == "batch processed"]
    assert summary["level"] == "INFO"
    assert {key: summary[key] for key in ("received", "succeeded", "failed_transient")} == {
        "received": 4,
        "succeeded": 2,
        "failed_transient": 1,
    }
    assert (summary["dead_lettered"], summary["skipped_by_timeout"]) == (1, 0)
    assert "message_id" not in summary


def test_at_debug_every_success_has_its_own_line(lambda_context: Any, log_lines: Any) -> None:
    process(make_run([]), sqs_event(work("ok", message_id="a")), lambda_context)
    (line,) = [line for line in log_lines() if line["message"] == "job processed"]
    assert (line["level"], line["message_id"]) == ("DEBUG", "a")
    assert line["duration_ms"] >= 0
