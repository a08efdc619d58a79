"""The EMF metrics summary of ``workerctl run``: parsing, aggregation, rendering, flag and wiring."""

from __future__ import annotations

import io
import json
import threading
import time
from typing import Any

import pytest

import worker_handler
from tests.conftest import load_event
from tests.unit.workerctl.emf_lines import COLD_START_LINE, MAIN_LINE, SERVICE, per_type_line
from workerctl.cli import build_parser, main
from workerctl.cli.run import options_from
from workerctl.errors import UserError
from workerctl.local import metrics_summary as emf_summary
from workerctl.local.console import CLEAR_LINE, Console
from workerctl.local.emf import MetricPoint, parse_emf
from workerctl.local.metrics_summary import MetricsSummary, Snapshot, ValueStats, render
from workerctl.local.options import RuntimeOptions
from workerctl.local.runtime import LocalRuntime


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_worker_document_yields_each_metric_with_unit_dimensions_and_list_values() -> None:
    points = parse_emf(MAIN_LINE)
    assert [(p.name, p.unit) for p in points] == [
        ("RecordsReceived", "Count"),
        ("RecordsSucceeded", "Count"),
        ("RecordsFailedTransient", "Count"),
        ("RecordsDeadLettered", "Count"),
        ("RecordsSkippedByTimeout", "Count"),
        ("JobDuration", "Milliseconds"),
        ("MessageAge", "Milliseconds"),
    ]
    assert {p.namespace for p in points} == {"SqsLambdaWorkerTests"}
    assert {p.dimensions for p in points} == {(("service", SERVICE),)}
    assert points[0].values == (4.0,)
    assert points[5].values == (0.031, 0.017)
    assert len(points[6].values) == 4


def test_per_type_and_cold_start_documents_carry_their_dimensions_sorted_by_key() -> None:
    (per_type,) = parse_emf(per_type_line("demo.flaky", "JobsFailedTransient", 2.0))
    assert per_type == MetricPoint(
        "SqsLambdaWorkerTests",
        "JobsFailedTransient",
        "Count",
        (("job_type", "demo.flaky"), ("service", SERVICE)),
        (2.0,),
    )
    (cold,) = parse_emf(COLD_START_LINE)
    assert cold.dimensions == (("function_name", "sqs-lambda-worker-test"), ("service", SERVICE))


def test_a_scalar_value_a_missing_unit_and_unusable_dimensions_are_handled() -> None:
    line = json.dumps(
        {
            "_aws": {
                "CloudWatchMetrics": [
                    {"Dimensions": [["absent", "number", "queue"], "junk"], "Metrics": [{"Name": "Depth"}]},
                    {"Namespace": "N", "Metrics": [{"Name": "Size", "Unit": 7}]},
                ]
            },
            "queue": "jobs",
            "number": 3,
            "Depth": 5,
            "Size": [1, 2.5],
        }
    )
    assert parse_emf(line) == [
        MetricPoint("", "Depth", "None", (("queue", "jobs"),), (5.0,)),
        MetricPoint("N", "Size", "None", (), (1.0, 2.5)),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "",
        "plain text from a print()",
        '{"level": "INFO", "message": "job succeeded", "correlation_id": "c-1"}',
        '{"level": "INFO", "message": "mentions \\"_aws\\" only in text"}',
        '{"_aws": {"Timestamp": 1, "CloudWatchMetrics": [',  # malformed (truncated) JSON
        '["_aws", {"CloudWatchMetrics": []}]',  # JSON, but not an object
        '"\\"_aws\\""',
        '{"_aws": "CloudWatchMetrics"}',
        '{"_aws": {"CloudWatchMetrics": {"Namespace": "N"}}}',
        '{"_aws": {"CloudWatchMetrics": ["directive"]}}',
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": "RecordsReceived"}]}, "RecordsReceived": 1}',
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": ["RecordsReceived"]}]}, "RecordsReceived": 1}',
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": [{"Name": 1}]}]}, "1": 1}',
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": [{"Name": "A"}]}]}}',
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": [{"Name": "A"}]}]}, "A": "3"}',
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": [{"Name": "A"}]}]}, "A": true}',
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": [{"Name": "A"}]}]}, "A": []}',
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": [{"Name": "A"}]}]}, "A": [1, "2"]}',
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": [{"Name": "A"}]}]}, "A": NaN}',
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": [{"Name": "A"}]}]}, "A": [Infinity]}',
        '{"_aws": ' + "[" * 100_000 + "]" * 100_000 + "}",  # too deep for the parser
    ],
)
def test_anything_but_an_emf_document_is_not_a_metric(line: str) -> None:
    assert parse_emf(line) == []
    summary = MetricsSummary()
    assert summary.feed(line) is False
    assert summary.take() is None


def test_counts_are_summed_per_metric_and_dimensions_and_take_starts_a_new_window() -> None:
    clock = FakeClock()
    summary = MetricsSummary(clock)
    for _ in range(2):
        assert summary.feed(MAIN_LINE)
        assert summary.feed(per_type_line("checksum", "JobsSucceeded", 2.0))
    assert not summary.feed('{"level": "INFO"}')
    clock.now = 112.5

    snapshot = summary.take()

    assert snapshot is not None
    assert snapshot.seconds == 12.5
    assert snapshot.counts[("RecordsReceived", (("service", SERVICE),))] == 8.0
    assert snapshot.counts[("JobsSucceeded", (("job_type", "checksum"), ("service", SERVICE)))] == 4.0
    duration = snapshot.values[("JobDuration", "Milliseconds")]
    assert (duration.count, duration.maximum) == (4, 0.031)
    assert duration.total == pytest.approx(0.096)
    assert summary.take() is None  # nothing new since
    summary.feed(
        '{"_aws": {"CloudWatchMetrics": [{"Metrics": [{"Name": "N", "Unit": "Count"}]}]}, "N": [1, 2, 3]}'
    )
    listed = summary.take()
    assert listed is not None
    assert listed.counts == {("N", ()): 6.0}  # every value of a Count list is counted
    clock.now = 120.0
    summary.feed(COLD_START_LINE)
    later = summary.take()
    assert later is not None
    assert later.seconds == 7.5  # since the previous take
    assert list(later.counts) == [
        ("ColdStart", (("function_name", "sqs-lambda-worker-test"), ("service", SERVICE)))
    ]


def test_value_statistics_are_exact_but_percentiles_use_a_bounded_recent_window() -> None:
    stats = ValueStats()
    stats.add(float(v) for v in range(1, 11))
    assert (stats.count, stats.total, stats.maximum) == (10, 55.0, 10.0)
    assert (stats.percentile(0.5), stats.percentile(0.9), stats.percentile(1.0)) == (5.0, 9.0, 10.0)
    stats.add([1000.0] * emf_summary.RECENT_VALUES)
    assert len(stats.recent) == emf_summary.RECENT_VALUES
    assert stats.count == 10 + emf_summary.RECENT_VALUES
    assert stats.percentile(0.5) == 1000.0  # the first ten fell out of the window
    single = ValueStats()
    single.add([7.0])
    assert (single.percentile(0.5), single.percentile(0.9)) == (7.0, 7.0)


def test_feeding_from_many_threads_loses_nothing() -> None:
    summary = MetricsSummary()
    line = per_type_line("checksum", "JobsSucceeded", 1.0)

    def feed() -> None:
        for _ in range(500):
            summary.feed(line)
            summary.feed(MAIN_LINE)

    threads = [threading.Thread(target=feed) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    snapshot = summary.take()
    assert snapshot is not None
    assert snapshot.counts[("JobsSucceeded", (("job_type", "checksum"), ("service", SERVICE)))] == 2000.0
    assert snapshot.counts[("RecordsReceived", (("service", SERVICE),))] == 8000.0
    assert snapshot.values[("JobDuration", "Milliseconds")].count == 4000


def test_the_summary_of_a_worker_run_reads_as_three_short_lines() -> None:
    clock = FakeClock()
    summary = MetricsSummary(clock)
    for line in (
        per_type_line("unregistered", "JobsDeadLettered", 1.0),
        per_type_line("demo.flaky", "JobsFailedTransient", 1.0),
        per_type_line("checksum", "JobsSucceeded", 2.0),
        per_type_line("demo.flaky", "JobsSucceeded", 1.0),
        per_type_line("demo.flaky", "JobsFailedTransient", 1.0),
        COLD_START_LINE,
        MAIN_LINE,
    ):
        summary.feed(line)
    clock.now = 110.0

    assert summary.summary_lines() == [
        "metrics (last 10.0 s): RecordsReceived 4 | RecordsSucceeded 2 | RecordsFailedTransient 1 "
        "| RecordsDeadLettered 1 | ColdStart 1",
        "  JobDuration ms: n 2 avg 0.0 p50 0.0 p90 0.0 max 0.0 "
        "| MessageAge ms: n 4 avg 6164916.7 p50 6164915.7 p90 6164920.4 max 6164920.4",
        "  by job_type: checksum succeeded 2 | demo.flaky failed transient 2, succeeded 1 "
        "| unregistered dead lettered 1",
    ]
    assert summary.summary_lines() == []


def test_rendering_orders_unknown_counters_after_the_worker_ones_and_skips_zeros() -> None:
    def point(name: str, unit: str, values: tuple[float, ...], **dimensions: str) -> MetricPoint:
        return MetricPoint("N", name, unit, tuple(sorted(dimensions.items())), values)

    summary = MetricsSummary()
    summary.add(
        [
            point("Zeta", "Count", (1.5,)),
            point("Alpha", "Count", (2.0,), service="s"),
            point("RecordsReceived", "Count", (3.0,)),
            point("RecordsSkippedByTimeout", "Count", (0.0,)),
            point("Payload", "Bytes", (10.0, 30.0)),
            point("Lag", "Kilobytes", (1.0,)),
            point("JobsSucceeded", "Count", (2.0,), job_type="a", queue="q1", service="s"),
            point("Retries", "Count", (1.0,), job_type="a", queue="q1"),
            point("JobsSucceeded", "Count", (0.0,), tenant="t"),
        ]
    )
    snapshot = summary.take()
    assert snapshot is not None
    snapshot.seconds = 2.04
    assert render(snapshot) == [
        "metrics (last 2.0 s): RecordsReceived 3 | Alpha 2 | Zeta 1.5",
        "  Lag Kilobytes: n 1 avg 1.0 p50 1.0 p90 1.0 max 1.0 "
        "| Payload B: n 2 avg 20.0 p50 10.0 p90 30.0 max 30.0",
        "  by job_type, queue: a/q1 retries 1, succeeded 2",
    ]


def test_only_value_metrics_say_there_were_no_counts() -> None:
    snapshot = Snapshot(seconds=1.0)
    snapshot.values[("JobDuration", "Milliseconds")] = stats = ValueStats()
    stats.add([4.0])
    assert render(snapshot) == [
        "metrics (last 1.0 s): no counts",
        "  JobDuration ms: n 1 avg 4.0 p50 4.0 p90 4.0 max 4.0",
    ]


def test_the_worker_handlers_own_output_is_summarised(
    lambda_context: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    worker_handler.lambda_handler(load_event("sqs-mixed-batch.json"), lambda_context)
    summary = MetricsSummary()
    fed = [summary.feed(line) for line in capsys.readouterr().out.splitlines()]

    assert any(fed)
    headline, values, by_type = summary.summary_lines()
    assert "RecordsReceived 4 | RecordsSucceeded 3 | " in headline
    assert values.startswith("  JobDuration ms: n 3 avg ")
    assert "| MessageAge ms: n 4 avg " in values
    assert by_type.startswith("  by job_type: checksum succeeded 3 | unregistered ")


def test_the_flag_defaults_to_10_seconds_and_0_disables() -> None:
    assert options_from(build_parser().parse_args(["run"])).metrics_summary_seconds == 10.0
    assert RuntimeOptions().metrics_summary_seconds == 10.0
    args = build_parser().parse_args(["run", "--metrics-summary-interval", "0"])
    assert options_from(args).metrics_summary_seconds == 0.0
    args = build_parser().parse_args(["run", "--metrics-summary-interval", "2.5"])
    assert options_from(args).metrics_summary_seconds == 2.5


@pytest.mark.parametrize("value", ["-1", "nan", "inf"])
def test_the_flag_rejects_negative_and_non_finite_intervals(value: str) -> None:
    args = build_parser().parse_args(["run", "--metrics-summary-interval", value])
    with pytest.raises(UserError, match="--metrics-summary-interval"):
        options_from(args)


def test_run_help_documents_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--metrics-summary-interval SECONDS print a summary of the functions' EMF metric lines" in out
    assert "0 disables (default: 10)" in out


def runtime_with(
    out: io.StringIO, seconds: float = 10.0, *, tty: bool = False, raw: bool = True
) -> LocalRuntime:
    """A runtime that is never started: its function log sink and summary work on their own.
    ``raw`` (the console's ``--raw``, and its default off a terminal) prints lines as written."""
    return LocalRuntime(RuntimeOptions(metrics_summary_seconds=seconds), Console(out, tty=tty, raw=raw))


def test_a_metric_line_is_printed_unchanged_and_summarised_once() -> None:
    out = io.StringIO()
    runtime = runtime_with(out)
    runtime.function_log(MAIN_LINE)
    runtime.function_log('{"level": "INFO", "message": "done"}')
    assert out.getvalue() == f'{MAIN_LINE}\n{{"level": "INFO", "message": "done"}}\n'

    runtime.print_metrics_summary()
    printed = out.getvalue().splitlines()
    assert printed[2].startswith("metrics (last ")
    assert printed[2].endswith(
        "RecordsReceived 4 | RecordsSucceeded 2 | RecordsFailedTransient 1 | RecordsDeadLettered 1"
    )
    assert printed[3].startswith("  JobDuration ms: n 2 ")
    runtime.print_metrics_summary()
    runtime.stop()
    assert out.getvalue().splitlines() == printed  # nothing new: no second summary, none at stop


def test_stop_prints_the_last_summary_and_nothing_when_no_metrics_arrived() -> None:
    out = io.StringIO()
    runtime = runtime_with(out)
    runtime.function_log(per_type_line("checksum", "JobsSucceeded", 1.0))
    runtime.stop()
    assert out.getvalue().splitlines()[-1] == "  by job_type: checksum succeeded 1"

    quiet = io.StringIO()
    runtime = runtime_with(quiet)
    runtime.function_log("plain output")
    runtime.print_metrics_summary()
    runtime.stop()
    assert quiet.getvalue() == "plain output\n"


def test_interval_0_prints_the_lines_but_no_summary() -> None:
    out = io.StringIO()
    runtime = runtime_with(out, 0)
    runtime.function_log(MAIN_LINE)
    runtime.stop()
    assert out.getvalue() == f"{MAIN_LINE}\n"
    assert runtime.metrics.take() is None


def test_on_a_tty_the_summary_is_printed_above_the_status_line() -> None:
    out = io.StringIO()
    runtime = runtime_with(out, tty=True)
    runtime.console.status("processed 4")
    runtime.function_log(COLD_START_LINE)
    runtime.print_metrics_summary()
    text = out.getvalue()
    summary = text.split(f"{COLD_START_LINE}\nprocessed 4{CLEAR_LINE}")[1]
    assert summary.startswith("metrics (last ")
    assert summary.endswith("ColdStart 1\nprocessed 4")


def test_the_pretty_console_shows_metrics_only_through_the_summary() -> None:
    # Given the default console of a terminal (pretty), When an EMF line arrives and the summary runs
    out = io.StringIO()
    runtime = runtime_with(out, tty=True, raw=False)
    runtime.function_log(COLD_START_LINE)
    runtime.print_metrics_summary()
    # Then the EMF document itself is not printed, and its counts are, in the summary
    text = out.getvalue()
    assert "_aws" not in text
    assert text.startswith("metrics (last ")
    assert text.rstrip().endswith("ColdStart 1")


def test_the_summary_loop_prints_every_interval_until_stop() -> None:
    out = io.StringIO()
    runtime = runtime_with(out, 0.05)
    loop = threading.Thread(target=runtime.output._summary_loop, args=(runtime._stopped,))
    loop.start()
    runtime.function_log(COLD_START_LINE)
    deadline = time.monotonic() + 5
    while "metrics (last" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    runtime.stop()
    loop.join(5)
    assert not loop.is_alive()
    assert out.getvalue().count("metrics (last") == 1
