"""Fresh-interpreter probe: ``python -m bench.probe TARGET [--records N --body-bytes B]``.

Imports one handler, invokes it once, and writes one JSON line (import and first-invocation times,
peak RSS) to the original stdout; everything the handler prints (logs, EMF) goes to /dev/null.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
from typing import Any  # noqa: E402

from bench.batches import sqs_batch  # noqa: E402
from bench.common import lambda_context, load_event  # noqa: E402

TARGETS: dict[str, tuple[str | None, str | None]] = {
    # name: (module to import, event file; None = generated batch)
    "worker": ("worker_handler", "sqs-mixed-batch.json"),
    "naive-batch": ("bench.baselines.batch_handler", "sqs-mixed-batch.json"),
    "naive-batch-client": ("bench.baselines.batch_handler_with_client", "sqs-mixed-batch.json"),
    "health-live": ("health_handler", "health-live-request.json"),
    "bare-url": ("bench.baselines.url_handler", "health-live-request.json"),
    "worker-batch": ("worker_handler", None),
    "naive-batch-batch": ("bench.baselines.batch_handler", None),
    "powertools-import": ("aws_lambda_powertools", None),
    "python": (None, None),
}


def peak_rss_mb() -> float:
    """This process's peak RSS. ``VmHWM`` belongs to the exec'd image; ``ru_maxrss`` survives execve,
    so after a fork from a big parent it reports the parent's size (used only where /proc is missing)."""
    try:
        with open("/proc/self/status") as status:  # noqa: PTH123
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--body-bytes", type=int, default=1024)
    args = parser.parse_args()
    result_fd = os.dup(1)
    null_fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null_fd, 1)  # the handlers' log and EMF lines
    module_name, event_file = TARGETS[args.target]
    result: dict[str, Any] = {"target": args.target}
    event: dict[str, Any] | None = None
    if module_name and event_file is None and args.target.endswith("-batch"):
        event = json.loads(json.dumps(sqs_batch(args.records, "checksum", args.body_bytes)))
        result["records"] = len(event["Records"])
    elif event_file:
        event = load_event(event_file)
    began = time.perf_counter()
    module = importlib.import_module(module_name) if module_name else None
    imported = time.perf_counter()
    if module is not None and event is not None:
        response = module.lambda_handler(event, lambda_context())
        result["response_keys"] = sorted(response)
        result["status_code"] = response.get("statusCode")  # Function URL handlers; None for the worker
    invoked = time.perf_counter()
    result.update(
        startup_ms=(began - STARTED) * 1000,
        import_ms=(imported - began) * 1000,
        first_invoke_ms=(invoked - imported) * 1000,
        maxrss_mb=peak_rss_mb(),
    )
    os.write(result_fd, (json.dumps(result) + "\n").encode())


if __name__ == "__main__":
    main()
