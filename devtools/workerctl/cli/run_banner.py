"""The start-up banner and the stop line of ``workerctl run``: where things are, and commands to paste
that run as printed (with the connection options this run needs)."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from workerctl import COMMAND
from workerctl.cli.options import DEFAULT_ENDPOINT, DEFAULT_REGION
from workerctl.local.runtime import LocalRuntime
from workerctl.local.stats import uptime


def follow_up_options(args: argparse.Namespace, runtime: LocalRuntime) -> str:
    """The connection options another ``workerctl`` command needs to reach this run's queues (none
    for a default ``make run``), so the commands the banner prints run as printed."""
    options: list[str] = []
    endpoint = runtime.endpoint_url or "aws"  # as --endpoint-url spells real AWS
    if endpoint.replace("127.0.0.1", "localhost") != DEFAULT_ENDPOINT:
        options += ["--endpoint-url", endpoint]
    if args.env != "dev":
        options += ["--env", args.env]
    if args.config_file != Path("samconfig.toml"):
        options += ["--config-file", str(args.config_file)]
    if args.region != DEFAULT_REGION:
        options += ["--region", args.region]
    if args.queue_url:
        options += ["--queue-url", args.queue_url]
    return "".join(f" {shlex.quote(option)}" for option in options)


def describe(runtime: LocalRuntime, args: argparse.Namespace, seconds: float) -> str:
    """The start-up banner: where things are and commands to paste (they run as printed)."""
    lines = [f"workerctl: ready in {seconds:.1f} s; SQS endpoint {runtime.endpoint_url or 'AWS'}"]
    lines += [f"workerctl: queue {logical_id}: {url}" for logical_id, url in runtime.queue_urls.items()]
    if runtime.dynamodb_endpoint_url:
        lines.append(f"workerctl: DynamoDB endpoint {runtime.dynamodb_endpoint_url} (the template's tables)")
    if runtime.health_url:
        lines.append(f"workerctl: health {runtime.health_url}/health")
    if runtime.dashboard_url:
        lines.append(f"workerctl: dashboard {runtime.dashboard_url}/")
    connection = follow_up_options(args, runtime)
    payload = shlex.quote('{"text": "hi"}')
    lines.append(f"workerctl: send a job:  {COMMAND} send --type checksum --payload {payload}{connection}")
    lines.append(f"workerctl: queue depth: {COMMAND} depth{connection}   |  Ctrl-C stops")
    return "\n".join(lines)


def stopped_line(runtime: LocalRuntime) -> str:
    """The last line: counters, uptime, and what the in-memory emulator discarded."""
    line = f"workerctl: stopped after {uptime(runtime.uptime_seconds)}. {runtime.stats.line()}"
    if runtime.discarded:
        held = ", ".join(f"{count} in {name}" for name, count in runtime.discarded.items())
        line += f"\nworkerctl: discarded with the in-memory emulator: {held} (messages queued or in the DLQ)"
    return line
