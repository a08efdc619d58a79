"""``workerctl run``: the whole system on this machine, without Docker or an AWS account.

An embedded moto server (SQS on ``--emulator-port``, default 4566; the template's DynamoDB tables in a
second one on ``--dynamodb-port``, default 4567), the queues from template.yaml,
an event source mapping emulator feeding the worker handler, and ``/health`` on http://localhost:8085
(``PORT`` or ``--port``), and a live dashboard on http://127.0.0.1:8086 (``--dashboard-port``). On a
terminal each log line is shown as one readable line (``--raw``: the functions' JSON as written, which
is also what a pipe gets); every 10 s (``--metrics-summary-interval``)
a few lines summarise the EMF metrics. Ctrl-C or SIGTERM stops it cleanly; the in-memory emulator's
queues go with it (the stop line says how many messages they still held).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from workerctl import COMMAND
from workerctl.cli.options import DEFAULT_REGION, checked_endpoint
from workerctl.cli.run_banner import describe, stopped_line
from workerctl.errors import UserError
from workerctl.local.console import Console
from workerctl.local.options import RuntimeOptions
from workerctl.local.runtime import LocalRuntime
from workerctl.local.template.samconfig import parse_overrides

DEFAULT_HEALTH_PORT = 8085
DEFAULT_DASHBOARD_PORT = 8086
DEFAULT_RUN_LOG = Path(".workerctl") / "run-log.jsonl"
MODULE_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
EPILOG = f"""examples (from the project root):
  {COMMAND} run                                  # = make run
  {COMMAND} run --no-demo --env prod             # prod's samconfig parameters
  {COMMAND} run --no-demo --job-path ~/jobs --job-module my_jobs
"""


def register(subparsers: Any) -> None:
    """Add the ``run`` subcommand."""
    parser = subparsers.add_parser(
        "run",
        help="run the worker locally (emulator, poller, /health)",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--template", type=Path, default=Path("template.yaml"), help="SAM template")
    parser.add_argument("--config-file", type=Path, default=Path("samconfig.toml"), help="samconfig file")
    parser.add_argument(
        "--env", default="dev", help="samconfig environment: stack name, overrides (default: dev)"
    )
    parser.add_argument(
        "--parameter-overrides",
        nargs="+",
        default=[],
        metavar="KEY=VALUE",
        help="template parameters, applied after samconfig's (e.g. MaxReceiveCount=2)",
    )
    parser.add_argument(
        "--job-module",
        action="append",
        default=[],
        metavar="MODULE",
        help="a module that registers job types (@job), imported by the worker after the template's "
        "JobModules; a dotted name on the worker's path (its CodeUri, the layer, a --job-path); "
        "repeatable",
    )
    parser.add_argument(
        "--job-path",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="a directory added to the function processes' import path, for job code outside "
        "functions/ and layers/; repeatable",
    )
    parser.add_argument("--region", default=DEFAULT_REGION, help=f"region (default: {DEFAULT_REGION})")
    parser.add_argument(
        "--endpoint-url",
        help="use this SQS endpoint instead of the embedded emulator; "
        "'aws' for real AWS with your credentials",
    )
    parser.add_argument("--queue-url", help="with --endpoint-url: the queue to drain (default: by name)")
    parser.add_argument(
        "--emulator-port", type=int, default=4566, help="embedded emulator port (default: 4566)"
    )
    parser.add_argument(
        "--dynamodb-port",
        type=int,
        help="port of the embedded emulator that holds the template's DynamoDB tables "
        "(default: --emulator-port + 1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        help="/health port (default: $PORT or 8085)",
    )
    parser.add_argument(
        "--dashboard-port",
        type=int,
        default=DEFAULT_DASHBOARD_PORT,
        help="port of the live dashboard on 127.0.0.1; 0 = any free port (default: 8086)",
    )
    parser.add_argument(
        "--no-dashboard", dest="dashboard", action="store_false", help="do not serve the dashboard"
    )
    parser.add_argument("--no-demo", dest="demo", action="store_false", help="do not enqueue the demo jobs")
    parser.add_argument(
        "--fast-retries",
        action="store_true",
        help="lower queue visibility timeouts to 5 s so retries show within seconds",
    )
    parser.add_argument(
        "--raw",
        action="store_true",
        help="print the functions' log lines as written (JSON, EMF metric lines included) instead of "
        "one readable line each; the default when stdout is not a terminal",
    )
    parser.add_argument("--poll-wait", type=int, default=20, help="long-poll seconds, 1-20 (default: 20)")
    parser.add_argument(
        "--metrics-summary-interval",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="print a summary of the functions' EMF metric lines every SECONDS when new ones "
        "arrived, and once at stop; 0 disables (default: 10)",
    )
    parser.add_argument(
        "--run-log",
        type=Path,
        default=DEFAULT_RUN_LOG,
        metavar="FILE",
        help=f"the run's queryable log, read by `workerctl trace` (default: {DEFAULT_RUN_LOG})",
    )
    parser.set_defaults(func=run)


def _env_port() -> int:
    text = os.environ.get("PORT", str(DEFAULT_HEALTH_PORT))
    if not (text.isascii() and text.strip().isdigit()):
        raise UserError(f"PORT={text!r} is not a port number")
    return int(text)


def _port(option: str, port: int) -> int:
    """``port`` when a socket can bind it (0 = any free port); else one line naming ``option``."""
    if not 0 <= port <= 65535:
        raise UserError(f"{option} {port} is not a port (0-65535)")
    return port


def options_from(args: argparse.Namespace) -> RuntimeOptions:
    """The runtime options ``args`` ask for."""
    if args.queue_url and not args.endpoint_url:
        raise UserError("--queue-url needs --endpoint-url (the embedded emulator creates its own queues)")
    if not 1 <= args.poll_wait <= 20:
        raise UserError("--poll-wait must be between 1 and 20 seconds")
    if not (math.isfinite(args.metrics_summary_interval) and args.metrics_summary_interval >= 0):
        raise UserError("--metrics-summary-interval must be 0 (off) or a positive number of seconds")
    if not 0 <= args.dashboard_port <= 65535:
        raise UserError("--dashboard-port must be a port number, 0-65535 (0: any free port)")
    if args.endpoint_url is not None:
        checked_endpoint(args.endpoint_url)
    health_port = _port("--port", args.port if args.port is not None else _env_port())
    _port("--emulator-port", args.emulator_port)
    _port("--dynamodb-port", args.dynamodb_port if args.dynamodb_port is not None else args.emulator_port + 1)
    return RuntimeOptions(
        template=args.template,
        samconfig=args.config_file,
        env=args.env,
        parameter_overrides=parse_overrides(args.parameter_overrides),
        region=args.region,
        endpoint_url=args.endpoint_url,
        queue_url=args.queue_url,
        emulator_port=args.emulator_port,
        dynamodb_port=args.dynamodb_port,
        health_port=health_port,
        dashboard_port=args.dashboard_port if args.dashboard else None,
        demo=args.demo,
        fast_retries=args.fast_retries,
        poll_wait_seconds=args.poll_wait,
        metrics_summary_seconds=args.metrics_summary_interval,
        run_log=args.run_log,
        extra_job_modules=tuple(_job_module(name) for name in args.job_module),
        extra_sys_paths=tuple(_job_path(path) for path in args.job_path),
    )


def _job_module(name: str) -> str:
    if not MODULE_NAME.fullmatch(name):
        raise UserError(f"--job-module {name!r} is not a dotted module name (e.g. my_jobs or jobs.images)")
    return name


def _job_path(path: Path) -> str:
    if not path.is_dir():
        raise UserError(f"--job-path {path} is not a directory")
    return str(path.resolve())


def run(args: argparse.Namespace) -> int:
    """Start, serve until Ctrl-C or SIGTERM, stop cleanly."""
    console = Console(raw=True if args.raw else None)
    runtime = LocalRuntime(options_from(args), console)
    stop_requested = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop_requested.set())
    try:
        console.log("workerctl: starting (template, emulator, function processes)...")
        runtime.start()
        console.log(describe(runtime, args, runtime.uptime_seconds))
        try:
            while not stop_requested.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        console.log("workerctl: stopping; batches in flight finish first")
    finally:
        signal.signal(signal.SIGTERM, previous)
        runtime.stop()
    sys.stdout.write(f"{stopped_line(runtime)}\n")
    return 0
