"""4. Local runtime throughput (messages/s end to end, no-op job) against a raw boto3 loop.

Both on moto's ThreadedMotoServer on a free loopback port. moto's SQS slows with queue depth
(DESIGN.md), so both are fed in waves of ``WAVE`` messages and each wave is drained before the next:
the backlog never exceeds ``WAVE``, and that depth is stated with the figure.
Candidate: devtools/workerctl's LocalRuntime over the real template.yaml (its poller, function
processes and the worker handler). Baseline: send_message_batch / receive_message / delete_message_batch.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import time
from typing import Any

from bench.common import ROOT, Ratio, Report

MESSAGES = 1_000
WAVE = 200
DRAIN_TIMEOUT_SECONDS = 120.0
TARGET = 0.5
BODY = json.dumps({"type": "bench.noop", "payload": {"text": "x"}})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def client(endpoint: str) -> Any:
    import boto3  # noqa: PLC0415

    return boto3.session.Session().client(
        "sqs",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def send_wave(sqs: Any, url: str, count: int) -> None:
    for start in range(0, count, 10):
        entries = [{"Id": str(i), "MessageBody": BODY} for i in range(start, min(start + 10, count))]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)


def raw_loop(messages: int, wave: int) -> float:
    """Messages/s of a plain boto3 send/receive/delete loop on a fresh moto server."""
    from moto.server import ThreadedMotoServer  # noqa: PLC0415

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log line per call
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        sqs = client(f"http://{host}:{port}")
        url = sqs.create_queue(QueueName="bench-raw")["QueueUrl"]
        started = time.perf_counter()
        done = 0
        deadline = started + DRAIN_TIMEOUT_SECONDS
        while done < messages and time.perf_counter() < deadline:
            count = min(wave, messages - done)
            send_wave(sqs, url, count)
            drained = 0
            while drained < count and time.perf_counter() < deadline:
                received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
                if received:
                    sqs.delete_message_batch(
                        QueueUrl=url,
                        Entries=[
                            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                            for i, m in enumerate(received)
                        ],
                    )
                    drained += len(received)
            done += drained
        return done / (time.perf_counter() - started)
    finally:
        server.stop()


def runtime_loop(messages: int, wave: int) -> tuple[float, str]:
    """Messages/s through the local runtime; raises when the runtime cannot be used."""
    sys.path.insert(0, str(ROOT / "devtools"))
    from workerctl.local.console import Console  # noqa: PLC0415
    from workerctl.local.options import RuntimeOptions  # noqa: PLC0415
    from workerctl.local.runtime import LocalRuntime  # noqa: PLC0415

    options = RuntimeOptions(
        template=ROOT / "template.yaml",
        samconfig=ROOT / "samconfig.toml",
        emulator_port=free_port(),
        dynamodb_port=free_port(),
        health_port=free_port(),
        demo=False,
        poll_wait_seconds=1.0,
        extra_job_modules=("bench.noop_jobs",),
        warm_start=True,  # throughput in steady state, as before function processes started lazily
        extra_sys_paths=(str(ROOT),),
    )
    null = open(os.devnull, "w")  # noqa: SIM115, PTH123 - closed in finally; the runtime's status/log lines
    runtime = LocalRuntime(options, Console(null, tty=False))
    try:
        runtime.start()
        url = runtime.polled_queue_urls()[0]
        sqs = client(str(runtime.endpoint_url))
        started = time.perf_counter()
        deadline = started + DRAIN_TIMEOUT_SECONDS
        done = 0
        while done < messages and time.perf_counter() < deadline:
            count = min(wave, messages - done)
            target = runtime.stats.processed + count
            send_wave(sqs, url, count)
            while runtime.stats.processed < target and time.perf_counter() < deadline:
                time.sleep(0.01)
            done += count if runtime.stats.processed >= target else 0
        elapsed = time.perf_counter() - started
        if done < messages:
            raise RuntimeError(f"only {runtime.stats.processed} of {messages} processed in {elapsed:.0f} s")
        detail = (
            f"invocations {runtime.stats.invocations}, max batch {runtime.stats.max_batch_size}, "
            f"max concurrent {runtime.stats.max_concurrent}, failed {runtime.stats.failed}"
        )
        return messages / elapsed, detail
    finally:
        runtime.stop()
        null.close()


def run(smoke: bool = False) -> Report:
    messages, wave = (20, 10) if smoke else (MESSAGES, WAVE)
    report = Report(
        name="throughput",
        title=f"Local runtime throughput, no-op job, {messages} messages in waves of {wave} "
        f"(max depth {wave})",
        columns=["pipeline", "messages", "max queue depth", "messages/s", "detail"],
    )
    baseline = raw_loop(messages, wave)
    report.rows.append(["raw boto3 send/receive/delete loop", messages, wave, baseline, "1 thread"])
    try:
        ours, detail = runtime_loop(messages, wave)
    except Exception as exc:
        report.skipped = f"skipped: local runtime not available ({type(exc).__name__}: {str(exc)[:200]})"
        report.rows.append(["local runtime (workerctl)", messages, wave, float("nan"), report.skipped])
        return report
    report.rows.append(["local runtime (workerctl, template.yaml)", messages, wave, ours, detail])
    report.ratios.append(
        Ratio(
            f"messages/s at depth <= {wave}",
            ours,
            baseline,
            "msg/s",
            ">= 0.5x",
            TARGET,
            higher_is_better=True,
        )
    )
    return report
