"""2. Cold start: a fresh interpreter imports the handler and runs its first invocation.

Worker (events/sqs-mixed-batch.json) against a bare Powertools batch handler; health on
``/health/live`` (events/health-live-request.json: no AWS call, so no network) against a bare
``LambdaFunctionUrlResolver``. Runs are interleaved; medians. The ratio is on import + first invocation
(the Lambda INIT plus first-request cost); ``wall`` adds interpreter start-up and exit, for information.
"""

from __future__ import annotations

from bench.common import Ratio, Report, median
from bench.subprocesses import probe

RUNS = 5
TARGET = 1.25
PAIRS = (
    ("worker", "naive-batch", "worker (sqs-mixed-batch.json)"),
    ("health-live", "bare-url", "health (/health/live)"),
)
HEALTH_ENV = {"JOBS_QUEUE_URL": "http://localhost:1/none"}


def run(smoke: bool = False) -> Report:
    report = Report(
        name="cold_start",
        title="Cold start: import + first invocation in a fresh interpreter (ms, median)",
        columns=["handler", "runs", "import", "1st invoke", "import+invoke", "wall", "baseline", "ratio"],
    )
    runs = 1 if smoke else RUNS
    for ours, baseline, label in PAIRS:
        samples: dict[str, list[dict[str, float]]] = {ours: [], baseline: []}
        for i in range(runs):
            order = (ours, baseline) if i % 2 == 0 else (baseline, ours)
            for target in order:
                sample = probe(target, **HEALTH_ENV)
                if sample.get("status_code") not in (None, 200):  # a fast failure is no cold start
                    raise RuntimeError(f"{target} answered {sample['status_code']} on its first invocation")
                samples[target].append(sample)
        figures = {
            target: {
                key: median([s[key] for s in values]) for key in ("import_ms", "first_invoke_ms", "wall_ms")
            }
            for target, values in samples.items()
        }
        for target in (ours, baseline):
            f = figures[target]
            f["total_ms"] = median([s["import_ms"] + s["first_invoke_ms"] for s in samples[target]])
        ratio = Ratio(
            f"cold start {label}",
            figures[ours]["total_ms"],
            figures[baseline]["total_ms"],
            "ms",
            "<= 1.25x",
            TARGET,
        )
        report.ratios.append(ratio)
        for target, name in ((ours, f"{label}"), (baseline, f"baseline: {baseline}")):
            f = figures[target]
            report.rows.append(
                [
                    name,
                    runs,
                    f["import_ms"],
                    f["first_invoke_ms"],
                    f["total_ms"],
                    f["wall_ms"],
                    "" if target == baseline else baseline,
                    "" if target == baseline else f"{ratio.ratio:.2f}x",
                ]
            )
    report.notes.append(
        "Env as Lambda sets it (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, AWS_DEFAULT_REGION, "
        "POWERTOOLS_TRACE_DISABLED=true, JOBS_QUEUE_URL=http://localhost:1/none); the health handler's "
        "first call is /health/live, which makes no AWS call, so no network is used. Baselines: "
        "bench/baselines/batch_handler.py and bench/baselines/url_handler.py (the worker baseline uses "
        "Tracer like the worker; the health handler uses no Tracer, see queue_worker/log.py)."
    )
    return report
