"""3. Memory: peak RSS (``ru_maxrss``) of a fresh interpreter, against a 128 MB function.

The worker processes one 10,000-record batch of 1 KiB ``checksum`` bodies (the event is built in the
process, as the Lambda runtime holds it); the health handler answers ``/health/live``. Baselines:
bare python, python + ``import aws_lambda_powertools``, and the naive Powertools worker on the same batch.
"""

from __future__ import annotations

from bench.common import Ratio, Report, median
from bench.subprocesses import probe

FUNCTION_MB = 128
RUNS = 3
HEALTH_ENV = {"JOBS_QUEUE_URL": "http://localhost:1/none"}


def run(smoke: bool = False) -> Report:
    report = Report(
        name="memory",
        title=f"Peak RSS in a fresh interpreter (MB, median) against a {FUNCTION_MB} MB function",
        columns=["process", "records", "peak RSS MB", f"headroom of {FUNCTION_MB} MB", "fits"],
    )
    records = "200" if smoke else "10000"
    runs = 1 if smoke else RUNS
    cases = (
        ("worker-batch", f"worker, {records} x 1 KiB batch", records),
        ("naive-batch-batch", "naive Powertools worker, same batch", records),
        ("health-live", "health, /health/live", "-"),
        ("bare-url", "bare LambdaFunctionUrlResolver", "-"),
        ("powertools-import", "python + import aws_lambda_powertools", "-"),
        ("python", "bare python", "-"),
    )
    peaks: dict[str, float] = {}
    for target, label, count in cases:
        args = ("--records", records) if count != "-" else ()
        peaks[target] = median([probe(target, *args, **HEALTH_ENV)["maxrss_mb"] for _ in range(runs)])
        headroom = FUNCTION_MB - peaks[target]
        report.rows.append([label, count, peaks[target], headroom, "yes" if headroom > 0 else "NO"])
    report.ratios.append(
        Ratio(
            f"peak RSS worker {records} x 1 KiB",
            peaks["worker-batch"],
            FUNCTION_MB,
            "MB",
            f"fits {FUNCTION_MB} MB",
            1.0,
        )
    )
    report.ratios.append(
        Ratio(
            "peak RSS worker vs naive, same batch",
            peaks["worker-batch"],
            peaks["naive-batch-batch"],
            "MB",
            "info",
            None,
        )
    )
    report.ratios.append(
        Ratio(
            "peak RSS health /health/live",
            peaks["health-live"],
            FUNCTION_MB,
            "MB",
            f"fits {FUNCTION_MB} MB",
            1.0,
        )
    )
    report.notes.append(
        "ratio for 'fits' rows = peak / 128 MB. A real SQS batch is capped by Lambda's 6 MB payload, so "
        "10,000 x 1 KiB (about 10 MB of bodies) is a worst case beyond what SQS can deliver at once."
    )
    return report
