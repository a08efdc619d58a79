from __future__ import annotations

import io

from workerctl.local.console import CLEAR_LINE, Console
from workerctl.local.stats import RuntimeStats


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
    console = Console(out, tty=True)
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
