"""1. Per-record overhead of the worker pipeline on a no-op job, against the naive Powertools pipeline.

Both run in this process on the same batches, logs to /dev/null at INFO, EMF to /dev/null; candidate
and baseline runs are interleaved and the median of several repetitions is taken.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from bench.batches import noop_registry, sqs_batch
from bench.common import Ratio, Report, interleaved, lambda_context, median, silenced

SIZES = (10, 100, 10_000)
# Small samples, many alternations: on a shared machine the load changes within seconds.
RECORDS_PER_SAMPLE = 200
REPETITIONS = {10: 25, 100: 25, 10_000: 5}
TARGET = 1.0


@contextmanager
def worker_with_noop_registry() -> Any:
    """The real worker handler, its dependencies swapped for a no-op registry (as the unit tests do)."""
    import worker_handler  # noqa: PLC0415 - after the environment is set
    from queue_worker.batch_run import WorkerDependencies  # noqa: PLC0415
    from queue_worker.registry import run_directly  # noqa: PLC0415

    deps = WorkerDependencies(registry=noop_registry(), idempotency=run_directly)
    original = worker_handler.dependencies
    worker_handler.dependencies = lambda: deps
    try:
        yield worker_handler
    finally:
        worker_handler.dependencies = original


def measure(size: int, invocations: int, repetitions: int, level: str = "INFO") -> tuple[float, float]:
    """Median seconds per record for (ours at ``level``, naive at INFO).

    INFO is the template's default LogLevel: failures are logged per record, successes in one batch
    line. At DEBUG the worker also writes one line per successful record (docs/decisions.md #14).
    """
    from bench.baselines import batch_handler  # noqa: PLC0415
    from queue_worker.log import logger  # noqa: PLC0415

    event = sqs_batch(size)
    context = lambda_context()
    previous_level = logger.log_level
    logger.setLevel(level)
    batch_handler.logger.setLevel("INFO")
    with worker_with_noop_registry() as worker, silenced(logger, batch_handler.logger):
        for handler in (worker.lambda_handler, batch_handler.lambda_handler):  # warm up, check
            assert handler(event, context) == {"batchItemFailures": []}

        def ours() -> None:
            for _ in range(invocations):
                worker.lambda_handler(event, context)

        def naive() -> None:
            for _ in range(invocations):
                batch_handler.lambda_handler(event, context)

        candidate, baseline = interleaved(ours, naive, repetitions)
    logger.setLevel(previous_level)
    records = size * invocations
    return median(candidate) / records, median(baseline) / records


def run(smoke: bool = False) -> Report:
    report = Report(
        name="overhead",
        title="Per-record overhead, no-op job (µs per record, median)",
        columns=["batch size", "records/sample", "samples", "ours µs", "naive µs", "ratio"],
    )
    sizes = (10, 100) if smoke else SIZES
    for size in sizes:
        invocations = 1 if smoke else max(1, RECORDS_PER_SAMPLE // size)
        ours, naive = measure(size, invocations, 1 if smoke else REPETITIONS[size])
        ratio = Ratio(f"per record, batch {size}", ours * 1e6, naive * 1e6, "µs", "<= 1.0x", TARGET)
        report.rows.append(
            [
                size,
                size * invocations,
                1 if smoke else REPETITIONS[size],
                ratio.candidate,
                ratio.baseline,
                f"{ratio.ratio:.2f}x",
            ]
        )
        report.ratios.append(ratio)
    size = 100
    invocations = 1 if smoke else RECORDS_PER_SAMPLE // size
    ours, naive = measure(size, invocations, 1 if smoke else REPETITIONS[size], level="DEBUG")
    debug = Ratio(f"per record, batch {size}, LogLevel DEBUG", ours * 1e6, naive * 1e6, "µs", "info", None)
    report.rows.append(
        [
            f"{size} (DEBUG)",
            size * invocations,
            1 if smoke else REPETITIONS[size],
            ours * 1e6,
            naive * 1e6,
            f"{debug.ratio:.2f}x",
        ]
    )
    report.ratios.append(debug)
    report.notes.append(
        "ours runs at the template's default LogLevel INFO: a line per failed record, one 'batch processed' "
        "line with the counts; the DEBUG row adds a 'job processed' line per successful record, like the "
        "naive pipeline's one INFO line per record."
    )
    report.notes.append(
        "ours: worker_handler.lambda_handler (envelope validation, registry dispatch, correlation-id log "
        "context on every record, a log line per failure and one per batch, aggregated EMF metrics); "
        "naive: bench/baselines/batch_handler.py "
        "(BatchProcessor, set_correlation_id, model_validate_json, one INFO line and one add_metric "
        "per record)."
    )
    return report
