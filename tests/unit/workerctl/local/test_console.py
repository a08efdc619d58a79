from __future__ import annotations

import io
import json

import pytest

from workerctl.local.console import CLEAR_LINE, Console
from workerctl.local.stats import RATE_WINDOW_SECONDS, RuntimeStats, uptime

EMF = json.dumps({"_aws": {"CloudWatchMetrics": [{"Namespace": "N", "Metrics": [{"Name": "M"}]}]}, "M": 1})
ENTRY = json.dumps(
    {
        "level": "INFO",
        "message": "job processed",
        "timestamp": "2026-11-29 15:35:04,864+0000",
        "job_type": "checksum",
        "correlation_id": "order-7",
    }
)


def test_stats_count_invocations_and_render_one_line() -> None:
    stats = RuntimeStats()
    stats.begin(4)
    stats.begin(2)
    assert (stats.in_flight, stats.max_concurrent, stats.max_batch_size) == (6, 2, 4)
    stats.end(4, 1)
    stats.end(2, 2, timed_out=True)
    stats.add_filtered(3)
    stats.dlq_depth = 5
    assert stats.line() == "processed 3 | failed 3 | in flight 0 | DLQ 5 | filtered 3 | timeouts 1"


def test_tty_console_redraws_status_and_prints_logs_above_it() -> None:
    out = io.StringIO()
    console = Console(out, tty=True, raw=True)  # --raw: the JSON line exactly as written
    console.status("processed 1")
    console.log('{"level": "INFO"}')
    console.close()
    assert out.getvalue() == (f'{CLEAR_LINE}processed 1{CLEAR_LINE}{{"level": "INFO"}}\nprocessed 1\n')
    assert console.is_tty


def test_plain_console_prints_status_lines_only_when_they_change() -> None:
    out = io.StringIO()
    console = Console(out, tty=False)
    console.log("line")
    console.status("a")
    console.status("a")
    console.status("b")
    console.close()
    assert out.getvalue() == "line\nstatus: a\nstatus: b\n"


def test_a_terminal_gets_pretty_coloured_lines_and_no_metric_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a TTY console (the default mode there) and colours allowed
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = io.StringIO()
    console = Console(out, tty=True)
    # When a log entry and an EMF metric line arrive
    console.log(ENTRY)
    console.log(EMF)
    # Then the entry is one coloured line with its correlation id, and the metric line is not printed
    text = out.getvalue()
    assert not console.is_raw
    assert text.count("\n") == 1
    assert "\x1b[" in text
    for field in ("order-7", "job processed", "checksum"):
        assert field in text
    assert "_aws" not in text


def test_no_color_keeps_the_pretty_line_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    Console(out, tty=True).log(ENTRY)
    assert out.getvalue() == "15:35:04.864 INFO  checksum [order-7] job processed\n"


def test_a_pipe_stays_machine_readable_unless_pretty_is_asked_for() -> None:
    # Given stdout that is not a terminal, When lines arrive, Then each is printed exactly as written
    out = io.StringIO()
    console = Console(out, tty=False)
    console.log(ENTRY)
    console.log(EMF)
    assert console.is_raw
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [json.loads(ENTRY), json.loads(EMF)]
    pretty = io.StringIO()
    Console(pretty, tty=False, raw=False).log(ENTRY)
    assert pretty.getvalue() == "15:35:04.864 INFO  checksum [order-7] job processed\n"  # never coloured


def test_status_line_adds_rate_queue_depth_and_uptime() -> None:
    # Given a runtime started at t=0 that processed 30 records between t=10 and t=20
    stats = RuntimeStats(started=0.0, queue_depth=12, dlq_depth=1)
    stats.rate(now=10.0)
    stats.processed = 30
    # When the status loop renders at t=20, Then 3 msg/s over the window, the depth and the uptime show
    assert (
        stats.line(now=20.0)
        == "processed 30 | failed 0 | in flight 0 | queue 12 | DLQ 1 | 3.0 msg/s | up 20s"
    )


def test_rate_forgets_samples_older_than_its_window() -> None:
    stats = RuntimeStats(started=0.0)
    stats.rate(now=0.0)
    stats.processed = 100  # a burst long ago
    stats.rate(now=1.0)
    later = 1.0 + 3 * RATE_WINDOW_SECONDS
    stats.rate(now=later - 1)
    assert stats.rate(now=later) == 0.0  # nothing processed in the last window


def test_uptime_is_short() -> None:
    assert [uptime(s) for s in (0, 59.9, 60, 3599, 3600, 90061)] == [
        "0s",
        "59s",
        "1m00s",
        "59m59s",
        "1h00m",
        "25h01m",
    ]
