"""The local runtime: emulator, queues from template.yaml, event source mapping pollers, /health.

:class:`LocalRuntime` is what ``workerctl run`` drives and what the e2e tests start in-process.
``start()`` brings everything up (or raises :class:`UserError`); ``stop()`` stops polling, lets
batches in flight finish (each bounded by the function's Timeout), then stops the servers.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

from workerctl.aws import aws_client
from workerctl.local import resources
from workerctl.local.console import Console
from workerctl.local.demo import DEMO_JOB_MODULE, send_demo_jobs
from workerctl.local.emulators import EmbeddedEmulators
from workerctl.local.esm.lambda_api import MappingRegistry
from workerctl.local.esm.poller import EventSourcePoller, PollTarget
from workerctl.local.esm.validation import NONEXISTENT_QUEUE, parsed_filters, refusal
from workerctl.local.health_server import HealthServer
from workerctl.local.options import RuntimeOptions
from workerctl.local.preflight import load_checked_model
from workerctl.local.run_output import RunOutput
from workerctl.local.sandbox import setup as sandbox
from workerctl.local.sandbox.child import ChildSetup
from workerctl.local.sandbox.pool import FunctionPool
from workerctl.local.stats import RuntimeStats
from workerctl.local.status_line import start_status_line
from workerctl.local.template.model import FunctionSpec, QueueSpec, TemplateModel

FAST_RETRY_VISIBILITY_SECONDS = 5
STOP_GRACE_SECONDS = 5.0


class LocalRuntime:
    """One running local system; see the module docstring."""

    def __init__(self, options: RuntimeOptions, console: Console | None = None) -> None:
        self.options = options
        self.console = console or Console()
        self.stats = RuntimeStats()
        self.output = RunOutput(options, self.console)
        self.metrics = self.output.metrics
        self.run_log = self.output.run_log
        self.dashboard = self.output.dashboard
        self.function_log = self.output.function_log  # the functions' lines: console, run log, summary, page
        self.print_metrics_summary = self.output.print_metrics_summary
        self.queue_urls: dict[str, str] = {}
        self.health_url: str | None = None
        self.dashboard_url: str | None = None
        self.endpoint_url: str | None = None
        self.dynamodb_endpoint_url: str | None = None
        self.pools: dict[str, FunctionPool] = {}
        self.local_secret = secrets.token_hex(32)  # stands in for the stack's generated secrets
        self._emulators: EmbeddedEmulators | None = None  # None: an external endpoint (or AWS)
        self._pollers: list[EventSourcePoller] = []
        self.mappings: MappingRegistry | None = None  # the embedded emulator's Lambda API
        self._health: HealthServer | None = None
        self._stopped = threading.Event()
        self._client: Any = None
        self._dlq_url: str | None = None
        self._max_timeout = 0.0
        self._queues: list[QueueSpec] = []
        self.discarded: dict[str, int] = {}  # queue name -> messages the in-memory emulator dropped at stop

    def start(self) -> None:
        """Bring everything up; on failure, tear down what was started and re-raise."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        model = load_checked_model(
            self.options, lambda model, function: self._function_setup(model, function, {})
        )
        self._connect(model)
        for function in model.functions():
            self._wire(model, function)
        self._serve()

    def _serve(self) -> None:
        options = self.options
        # One process per pool now (a handler import error stops the start-up in seconds, exit 2); the
        # rest start when a poller first needs them, unless warm_start asks for all of them up front.
        FunctionPool.start_all(list(self.pools.values()), first_only=not options.warm_start)
        for poller in self._pollers:
            poller.start()
        if self.mappings is not None:  # keeps each poller on its mapping's State
            self.mappings.start()
        if self._health is not None:
            self._health.start()
        if self.dashboard is not None:
            self.dashboard_url = self.dashboard.start(self)
        start_status_line(
            self._stopped,
            self.console,
            self.stats,
            interval_s=options.status_interval_seconds,
            client=self._client,
            queue_urls=lambda: (self.polled_queue_urls(), self._dlq_url),
        )
        self.output.start_summary(self._stopped)
        if options.demo:
            self.send_demo_jobs()

    def _connect(self, model: TemplateModel) -> None:
        """Start or reach the SQS endpoint and record every queue's URL in the model."""
        options = self.options
        if options.endpoint_url is None:
            self._emulators = EmbeddedEmulators(options)
            self.endpoint_url = self._emulators.launch(model)
        elif options.endpoint_url != "aws":
            self.endpoint_url = options.endpoint_url
        self._client = aws_client(
            "sqs", self.endpoint_url, options.region, local=options.endpoint_url != "aws"
        )
        if self._emulators is not None:
            visibility = FAST_RETRY_VISIBILITY_SECONDS if options.fast_retries else None
            queues = resources.create_queues(self._client, model.queues, visibility)
            self.mappings = MappingRegistry.at(self.endpoint_url, options.region, self.console.log)
            self.dynamodb_endpoint_url = self._emulators.create_tables(model)
        else:  # a polled queue that is missing fails in _wire, naming the function and event, as AWS does
            queues = resources.find_polled_queues(self._client, model, options.queue_url)
        for logical_id, (url, arn) in queues.items():
            model.set_queue_url(logical_id, url, arn)
            self.queue_urls[logical_id] = url
        self._dlq_url = resources.dead_letter_url(model.queues, self.queue_urls)
        self._queues = model.queues

    def _wire(self, model: TemplateModel, function: FunctionSpec) -> None:
        """Pools and pollers for the function's SQS events; the HTTP server for a Function URL."""
        options = self.options
        variables = sandbox.runtime_environment(
            function, options.region, self.endpoint_url, self.dynamodb_endpoint_url
        )
        setup = self._function_setup(model, function, variables)
        if self.dashboard is not None and "JOB_MODULES" in setup.environment:
            self.dashboard.job_modules = tuple(setup.environment["JOB_MODULES"].split(","))
        for event in function.sqs_events:
            url = self.queue_urls.get(event.queue_logical_id or "")
            if url is None:
                where = self.endpoint_url or "AWS"
                hint = "" if self._emulators else f" (at {where}: deploy it or pass --queue-url)"
                raise refusal(function, event, NONEXISTENT_QUEUE + hint)
            key = f"{function.logical_id}.{event.name}"
            pool = sandbox.function_pool(setup, function.timeout, event.pollers, self.function_log)
            self._add_pool(key, pool, function.timeout)
            target = PollTarget(
                url, event.queue_arn, options.region, event, options.poll_wait_seconds, parsed_filters(event)
            )
            invoke = self.output.tap(key, event, pool.invoke)
            poller = EventSourcePoller(self._client, target, invoke, self.stats, self.console.log)
            self._pollers.append(poller)
            if self.mappings is not None:
                self.mappings.add(function, event, poller)
        if function.has_url and self._health is None:
            size = 1  # one warm process answers probes; requests queue behind it
            pool = sandbox.function_pool(setup, function.timeout, size, self.function_log)
            self._add_pool(function.logical_id, pool, function.timeout)
            self._health = HealthServer(options.host, options.health_port, pool.invoke)
            self.health_url = self._health.url

    def _function_setup(
        self, model: TemplateModel, function: FunctionSpec, variables: dict[str, str] | None = None
    ) -> ChildSetup:
        """The function's process description: the demo jobs and ``--job-module``s after its own
        (without ``variables``, Lambda's own: enough to find its job modules before anything starts)."""
        extra_modules = (DEMO_JOB_MODULE, *self.options.extra_job_modules)
        return sandbox.function_setup(
            model,
            function,
            variables or {},
            extra_modules,
            self.options.extra_sys_paths,
            secret=self.local_secret,
        )

    def _add_pool(self, key: str, pool: FunctionPool, timeout: float) -> None:
        self.pools[key] = pool
        self._max_timeout = max(self._max_timeout, timeout)

    def send_demo_jobs(self) -> None:
        """Enqueue the demo jobs on the first polled queue: successes, a retried one, a dead-lettered one."""
        queue_url = next(iter(self.polled_queue_urls()), None)
        if queue_url is not None:
            send_demo_jobs(self._client, queue_url)

    @property
    def uptime_seconds(self) -> float:
        """Seconds since this runtime was created (its start-up included)."""
        return time.monotonic() - self.stats.started

    def polled_queue_urls(self) -> list[str]:
        """URLs of the queues the pollers drain."""
        return [poller.target.queue_url for poller in self._pollers]

    def stop(self) -> None:
        """Stop polling, let batches in flight finish (bounded by Timeout), then stop servers.

        Safe after a failed or partial start: each step runs even when an earlier one raised, so no
        process or port outlives a start-up error. Before the in-memory emulator goes, the messages
        still in its queues are counted into :attr:`discarded`.
        """
        if self.mappings is not None:
            self.mappings.stop()
        for poller in self._pollers:
            poller.stop(self._max_timeout + STOP_GRACE_SECONDS)
        self._stopped.set()
        steps = [self._count_discarded, self._stop_servers, *(pool.stop for pool in self.pools.values())]
        steps += [self._emulators.stop] if self._emulators is not None else []
        for step in steps:
            try:
                step()
            except Exception as exc:  # one failed step must not leave the next process running
                self.console.log(f"workerctl: while stopping: {type(exc).__name__}: {exc}")
        self._emulators = None
        self.print_metrics_summary()  # what the last batches reported
        self.console.close()

    def _stop_servers(self) -> None:
        if self.dashboard is not None:
            self.dashboard.stop()
        if self._health is not None:
            self._health.stop()
            self._health = None

    def _count_discarded(self) -> None:
        """Messages left in the embedded emulator's queues: they disappear with it (the stop line)."""
        if self._emulators is not None and self._client is not None:
            self.discarded = resources.discarded_messages(self._client, self._queues, self.queue_urls)
