"""2. Cold start: a fresh interpreter imports the handler and runs its first invocation.

Worker (events/sqs-mixed-batch.json: no AWS call) against the naive pipeline (BatchProcessor + Logger +
Metrics + pydantic, no Tracer: ``bench/baselines/batch_handler.py``); health on ``/health/live``
(events/health-live-request.json: no AWS call, so no network) against a bare
``LambdaFunctionUrlResolver``. The ratio is on import + first invocation (the Lambda INIT plus
first-request cost); ``wall`` adds interpreter start-up and exit, for information.

The worker creates its SQS client at init when a queue is configured (so a cold invocation does not
spend its budget on it), and the naive pipeline creates none. So the worker is measured both ways, each
against the baseline that does the same work: without a queue against the naive pipeline, with one
against the naive pipeline plus a boto3 SQS client created at import; the worker with its client
against the bare naive pipeline, and with ``RECORD_TRACING`` on, are information rows. Every probe of a
round runs before the next round starts, in rotating order; medians.
"""

from __future__ import annotations

from typing import NamedTuple

from bench.common import Ratio, Report, median
from bench.subprocesses import probe

RUNS = 11  # shared machines: many short rounds steady the medians of a ~0.15 s measurement
TARGET = 1.25
QUEUE = {"JOBS_QUEUE_URL": "http://localhost:1/none"}  # never called: the sample batch needs no AWS call


class Probe(NamedTuple):
    target: str  # a bench.probe target
    label: str
    env: dict[str, str]


class Case(NamedTuple):
    ours: str  # a PROBES key
    baseline: str
    limit: float | None  # None: information row


PROBES = {
    "worker": Probe("worker", "worker, no queue configured (no client)", {}),
    "worker-client": Probe("worker", "worker, SQS client created at init", QUEUE),
    "worker-tracing": Probe("worker", "worker, RECORD_TRACING=true", {"RECORD_TRACING": "true"}),
    "naive": Probe("naive-batch", "baseline: naive pipeline, no Tracer, no client", {}),
    "naive-client": Probe("naive-batch-client", "baseline: naive pipeline + SQS client at import", {}),
    "health": Probe("health-live", "health (/health/live)", QUEUE),
    "bare-url": Probe("bare-url", "baseline: bare LambdaFunctionUrlResolver", QUEUE),
}
CASES = (
    Case("worker", "naive", TARGET),
    Case("worker-client", "naive-client", TARGET),
    Case("worker-client", "naive", None),
    Case("worker-tracing", "naive", None),
    Case("health", "bare-url", TARGET),
)


def sample(runs: int) -> dict[str, list[dict[str, float]]]:
    """``runs`` rounds of every probe, the order rotated each round so drift hits all alike."""
    names = list(PROBES)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for i in range(runs):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            spec = PROBES[name]
            result = probe(spec.target, **spec.env)
            if result.get("status_code") not in (None, 200):  # a fast failure is no cold start
                raise RuntimeError(f"{name} answered {result['status_code']} on its first invocation")
            samples[name].append(result)
    return samples


def run(smoke: bool = False) -> Report:
    report = Report(
        name="cold_start",
        title="Cold start: import + first invocation in a fresh interpreter (ms, median)",
        columns=["handler", "runs", "import", "1st invoke", "import+invoke", "wall", "baseline", "ratio"],
    )
    runs = 1 if smoke else RUNS
    samples = sample(runs)
    figures = {
        name: {
            "import_ms": median([s["import_ms"] for s in values]),
            "first_invoke_ms": median([s["first_invoke_ms"] for s in values]),
            "total_ms": median([s["import_ms"] + s["first_invoke_ms"] for s in values]),
            "wall_ms": median([s["wall_ms"] for s in values]),
        }
        for name, values in samples.items()
    }
    compared: dict[str, list[str]] = {}
    for case in CASES:
        ours, baseline = PROBES[case.ours], PROBES[case.baseline]
        ratio = Ratio(
            f"cold start {ours.label} vs {baseline.label.removeprefix('baseline: ')}",
            figures[case.ours]["total_ms"],
            figures[case.baseline]["total_ms"],
            "ms",
            "info" if case.limit is None else f"<= {case.limit}x",
            case.limit,
        )
        report.ratios.append(ratio)
        compared.setdefault(case.ours, []).append(f"{case.baseline} {ratio.ratio:.2f}x")
    for name, spec in PROBES.items():
        f = figures[name]
        versus = compared.get(name, [])
        report.rows.append(
            [
                spec.label,
                runs,
                f["import_ms"],
                f["first_invoke_ms"],
                f["total_ms"],
                f["wall_ms"],
                ", ".join(v.split()[0] for v in versus),
                ", ".join(v.split()[1] for v in versus),
            ]
        )
    report.notes.append(
        "Env as Lambda sets it (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, AWS_DEFAULT_REGION, "
        "POWERTOOLS_TRACE_DISABLED=true); JOBS_QUEUE_URL=http://localhost:1/none where a queue is configured "
        "(never called: neither first invocation makes an AWS call, so no network is used). Baselines: "
        "bench/baselines/batch_handler.py (+ batch_handler_with_client.py), bench/baselines/url_handler.py. "
        "RECORD_TRACING=true loads the X-Ray SDK (Tracer), off by default (docs/decisions.md #19)."
    )
    return report
