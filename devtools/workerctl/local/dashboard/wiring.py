"""The dashboard of one :class:`~workerctl.local.runtime.LocalRuntime`: what it taps and reads, the server.

The runtime creates a :class:`Dashboard` before its functions start and hands it every function log
line (:meth:`Dashboard.feed`) and every mapping's invoke (:meth:`Dashboard.observe`); once its queues
and ``/health`` are up it calls :meth:`Dashboard.start`, which reads the queue topology once (one
GetQueueAttributes per queue: which is the DLQ, where it redrives to) and starts the sampler and the
HTTP server. Everything it reads of the runtime is in :class:`RuntimeView`.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from workerctl.aws import aws_client
from workerctl.dlq.sqs_adapter import QueueRef, SqsQueues
from workerctl.local.dashboard.activity import Activity
from workerctl.local.dashboard.app import DashboardApp
from workerctl.local.dashboard.dead_letters import DeadLetters
from workerctl.local.dashboard.jobs import JobCatalog, send_job
from workerctl.local.dashboard.mappings import Invoke, MappingActivity
from workerctl.local.dashboard.sampler import COUNT_ATTRIBUTES, QueueInfo, Sampler, Sources, queue_counts
from workerctl.local.dashboard.security import Guard
from workerctl.local.dashboard.server import DashboardServer

if TYPE_CHECKING:
    from workerctl.local.stats import RuntimeStats
    from workerctl.local.template.event_sources import SqsEventSpec

HEALTH_TIMEOUT_SECONDS = 5.0
HEALTH_CHECK_FIELDS = ("status", "observedValue", "observedUnit", "output")


class RuntimeView(Protocol):
    """What the dashboard reads of the runtime (``LocalRuntime`` has all of it)."""

    queue_urls: dict[str, str]
    health_url: str | None
    endpoint_url: str | None
    stats: RuntimeStats

    def polled_queue_urls(self) -> list[str]: ...


def fetch_health(base_url: str) -> dict[str, Any]:
    """``GET <base_url>/health`` (no proxy: it is local) as ``{status, http_status, checks: [...]}``."""
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(
        url.hostname or "127.0.0.1", url.port, timeout=HEALTH_TIMEOUT_SECONDS
    )
    try:
        connection.request("GET", "/health")
        answer = connection.getresponse()
        status, document = answer.status, json.loads(answer.read() or b"{}")
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return {"status": "unknown", "error": f"/health did not answer: {type(exc).__name__}", "checks": []}
    finally:
        connection.close()
    checks = [
        {
            "name": name,
            **{key: entry.get(key) for key in ("status", "observedValue", "observedUnit", "output")},
        }
        for name, entries in (document.get("checks") or {}).items()
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict)
    ]
    return {"status": document.get("status", "unknown"), "http_status": status, "checks": checks}


class CallCounter:
    """Counts the HTTP requests a boto3 client sends (botocore's ``before-send``: retries count too)."""

    def __init__(self, client: Any) -> None:
        self._lock = threading.Lock()
        self.calls = 0
        client.meta.events.register("before-send", self._count)

    def _count(self, **_: Any) -> None:
        with self._lock:
            self.calls += 1


class Dashboard:
    """See the module docstring; ``port`` 0 picks a free port."""

    def __init__(self, port: int, region: str, *, local: bool = True) -> None:
        self.port = port
        self.region = region
        self.local = local
        self.activity = Activity()
        self.mappings: list[MappingActivity] = []
        self.job_modules: tuple[str, ...] = ()
        self.url: str | None = None
        self.sampler: Sampler | None = None
        self._server: DashboardServer | None = None
        self._dead_letters: DeadLetters | None = None

    def feed(self, line: str) -> None:
        """One line of a function's output."""
        self.activity.feed(line)

    def observe(self, name: str, event: SqsEventSpec, invoke: Invoke) -> Invoke:
        """``invoke`` of one mapping, watched for the page."""
        mapping = MappingActivity(name, event.pollers, event.report_batch_item_failures)
        self.mappings.append(mapping)
        return mapping.observe(invoke)

    def start(self, runtime: RuntimeView) -> str:
        """Read the topology, start the sampler and the server; returns the page's URL."""
        client = aws_client("sqs", runtime.endpoint_url, self.region, local=self.local)
        counter = CallCounter(client)
        queues, dead_letters = self._topology(client, runtime)
        self._dead_letters = dead_letters
        polled = runtime.polled_queue_urls()
        send: Callable[[str, str], str] | None = None
        if polled:
            send = lambda body, correlation_id: send_job(client, polled[0], body, correlation_id)  # noqa: E731
        names = [*COUNT_ATTRIBUTES.values()]
        health_url = runtime.health_url
        sources = Sources(
            queues=queues,
            queue_counts=lambda url: queue_counts(
                client.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
            ),
            health=(lambda: fetch_health(health_url)) if health_url else None,
            refresh_dead_letters=dead_letters.refresh if dead_letters else None,
            parts=lambda: self._parts(runtime.stats),
            calls=lambda: counter.calls,
        )
        sampler = self.sampler = Sampler(sources)
        catalog = JobCatalog(self.job_modules)
        self._server = DashboardServer(
            self.port, lambda port: DashboardApp(Guard(port), sampler, catalog, dead_letters, send)
        )
        sampler.start()
        self._server.start()
        self.url = self._server.url
        return self.url

    def _topology(self, client: Any, runtime: RuntimeView) -> tuple[list[QueueInfo], DeadLetters | None]:
        """Queue roles from each queue's ARN and RedrivePolicy, and the DLQ with its source queue."""
        attributes = {
            url: client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "RedrivePolicy"])[
                "Attributes"
            ]
            for url in runtime.queue_urls.values()
        }
        arns = {values.get("QueueArn"): url for url, values in attributes.items()}
        redrives: dict[str, tuple[str, int | None]] = {}  # DLQ URL -> (source URL, maxReceiveCount)
        for url, values in attributes.items():
            policy = json.loads(values.get("RedrivePolicy") or "{}")
            if (target := arns.get(policy.get("deadLetterTargetArn"))) is not None:
                count = policy.get("maxReceiveCount")
                redrives.setdefault(target, (url, int(count) if count is not None else None))
        polled = set(runtime.polled_queue_urls())
        queues = [
            QueueInfo(
                QueueRef(url).name,
                "jobs" if url in polled else "dead-letter" if url in redrives else "other",
                url,
            )
            for url in attributes
        ]
        if not redrives:
            return queues, None
        dlq_url, (source_url, max_receive_count) = next(iter(redrives.items()))
        return queues, DeadLetters(
            SqsQueues(client), QueueRef(dlq_url), QueueRef(source_url), max_receive_count
        )

    def _parts(self, stats: RuntimeStats) -> dict[str, Any]:
        dead_letters = self._dead_letters
        return {
            "throughput": self.activity.throughput(),
            "job_types": self.activity.job_types(),
            "failures": self.activity.failures(),
            "dead_letters": dead_letters.listing() if dead_letters else [],
            "dead_letter_queue": dead_letters
            and {
                "name": dead_letters.dlq.name,
                "source": dead_letters.source and dead_letters.source.name,
            },
            "mappings": [mapping.view() for mapping in self.mappings],
            "runtime": {
                "processed": stats.processed,
                "failed": stats.failed,
                "in_flight": stats.in_flight,
                "invocations": stats.invocations,
                "filtered": stats.filtered,
                "timeouts": stats.timeouts,
            },
        }

    def stop(self) -> None:
        """Stop the sampler (ending every stream) and the server."""
        if self.sampler is not None:
            self.sampler.stop()
        if self._server is not None:
            self._server.stop()
            self._server = None
