"""The emulator's Lambda API as the mappings' control plane: each SQS event registered, its State followed.

On AWS an event source mapping is a Lambda resource: ``/health`` reads it (ListEventSourceMappings), an
operator pauses it (UpdateEventSourceMapping ``Enabled``). :class:`MappingRegistry` gives the local
runtime the same: for every SQS event it creates, in the embedded emulator's Lambda API, the function
(a stub zip: the code runs in the sandbox, never in moto) and the mapping with the event's settings.
Then the health function's real adapter finds it, ``workerctl mapping disable`` or ``aws lambda
update-event-source-mapping`` change it, and one watcher thread makes the pollers follow it: one
ListEventSourceMappings a second for all mappings, each poller enabled while its mapping's State is
``Enabled`` (or ``Updating``, which AWS polls through) and disabled otherwise, including when the
mapping is deleted. moto's own SQS → Lambda trigger is detached in the emulator
(:mod:`workerctl.local.moto_mappings`). Only ``Enabled`` is followed: other updates are stored by moto
and apply at the next start.
"""

from __future__ import annotations

import io
import json
import math
import threading
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workerctl.aws import AWS_ERRORS, aws_client, error_code, user_error

if TYPE_CHECKING:
    from collections.abc import Callable

    from workerctl.local.esm.poller import EventSourcePoller
    from workerctl.local.template.event_sources import SqsEventSpec
    from workerctl.local.template.model import FunctionSpec

WATCH_SECONDS = 1.0  # one ListEventSourceMappings a second, whatever the number of mappings
POLLING_STATES = frozenset({"Enabled", "Updating"})
ROLE_NAME = "workerctl-local-function"  # moto's CreateFunction wants a role that exists
ASSUME_ROLE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
STUB_NOTE = "This function runs in workerctl's sandbox (a local child process), not in the emulator.\n"


def _stub_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", STUB_NOTE)
    return buffer.getvalue()


def mapping_request(function: FunctionSpec, event: SqsEventSpec) -> dict[str, Any]:
    """CreateEventSourceMapping's parameters for ``event``, as SAM would send them."""
    request: dict[str, Any] = {
        "EventSourceArn": event.queue_arn,
        "FunctionName": function.name,
        "Enabled": event.enabled,
        "BatchSize": event.batch_size,
    }
    if event.batching_window_seconds is not None:
        request["MaximumBatchingWindowInSeconds"] = int(event.batching_window_seconds)
    if event.report_batch_item_failures:
        request["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    if event.maximum_concurrency is not None:
        request["ScalingConfig"] = {"MaximumConcurrency": event.maximum_concurrency}
    if event.minimum_pollers is not None:
        pollers = {"MinimumPollers": event.minimum_pollers, "MaximumPollers": event.maximum_pollers}
        request["ProvisionedPollerConfig"] = {k: v for k, v in pollers.items() if v is not None}
    if event.filter_patterns:
        patterns = [p if isinstance(p, str) else json.dumps(p) for p in event.filter_patterns]
        request["FilterCriteria"] = {"Filters": [{"Pattern": pattern} for pattern in patterns]}
    if event.metrics:
        request["MetricsConfig"] = {"Metrics": list(event.metrics)}
    return request


@dataclass(frozen=True)
class Registered:
    """One mapping the runtime created, and the poller that follows it."""

    name: str  # Function.Event, as the console names it
    uuid: str
    poller: EventSourcePoller


class MappingRegistry:
    """Registers the mappings in the emulator's Lambda API; a thread keeps the pollers on their State."""

    def __init__(
        self,
        lambda_client: Any,
        iam_client: Any,
        log: Callable[[str], None],
        interval: float = WATCH_SECONDS,
    ) -> None:
        self._lambda = lambda_client
        self._iam = iam_client
        self._log = log
        self._interval = interval
        self._role_arn: str | None = None
        self._functions: set[str] = set()
        self.mappings: list[Registered] = []
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False

    @classmethod
    def at(cls, endpoint_url: str | None, region: str, log: Callable[[str], None]) -> MappingRegistry:
        """A registry on the emulator at ``endpoint_url`` (its Lambda and IAM APIs, fake credentials)."""
        return cls(aws_client("lambda", endpoint_url, region), aws_client("iam", endpoint_url, region), log)

    def add(self, function: FunctionSpec, event: SqsEventSpec, poller: EventSourcePoller) -> str:
        """Create the function (once) and the mapping; returns its UUID. A failure is a UserError."""
        try:
            if function.name not in self._functions:
                self._create_function(function)
                self._functions.add(function.name)
            answer = self._lambda.create_event_source_mapping(**mapping_request(function, event))
        except AWS_ERRORS as exc:
            raise user_error(f"registering the event source mapping of {function.logical_id}", exc) from exc
        uuid = str(answer["UUID"])
        self.mappings.append(Registered(f"{function.logical_id}.{event.name}", uuid, poller))
        return uuid

    def _create_function(self, function: FunctionSpec) -> None:
        if self._role_arn is None:
            self._role_arn = self._role()
        self._lambda.create_function(
            FunctionName=function.name,
            Runtime="python3.13",
            Role=self._role_arn,
            Handler=function.handler,
            Code={"ZipFile": _stub_zip()},
            Timeout=max(1, math.ceil(function.timeout)),
            MemorySize=function.memory_mb,
            Description=STUB_NOTE.strip(),
        )

    def _role(self) -> str:
        """The role's ARN; created unless an earlier registry on the same emulator did."""
        try:
            role = self._iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=ASSUME_ROLE_POLICY)
        except AWS_ERRORS as exc:
            if error_code(exc) != "EntityAlreadyExists":
                raise
            role = self._iam.get_role(RoleName=ROLE_NAME)
        return str(role["Role"]["Arn"])

    def start(self) -> None:
        """Start following the mappings' State (nothing to do without mappings)."""
        if self.mappings and self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="mapping-state", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop following (the pollers keep their last state; the runtime stops them itself)."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(self._interval + 5.0)

    def _watch(self) -> None:
        while not self._stopped.wait(self._interval):
            self.sync()

    def sync(self) -> None:
        """One ListEventSourceMappings; each poller enabled or disabled to match its mapping's State."""
        try:
            pages = self._lambda.get_paginator("list_event_source_mappings").paginate()
            states = {m["UUID"]: m.get("State", "") for page in pages for m in page["EventSourceMappings"]}
        except AWS_ERRORS as exc:
            if not self._failing and not self._stopped.is_set():
                self._log(f"workerctl: reading the event source mappings failed ({exc}); pollers unchanged")
            self._failing = True
            return
        self._failing = False
        for mapping in self.mappings:
            state = states.get(mapping.uuid, "Deleted")
            polling = state in POLLING_STATES
            if polling != mapping.poller.enabled:
                mapping.poller.set_enabled(polling)
                what = "resumed" if polling else "paused (batches in flight finish)"
                self._log(f"workerctl: mapping {mapping.name} ({mapping.uuid}) is {state}: polling {what}")
