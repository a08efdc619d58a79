"""The mapping registry: what it creates in the emulator's Lambda API, and pollers following the State."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ROOT
from tests.unit.workerctl.fake_lambda import FakeLambda
from tests.unit.workerctl.fakes import FakeSqs
from workerctl.errors import UserError
from workerctl.local.esm.lambda_api import MappingRegistry, mapping_request
from workerctl.local.esm.poller import EventSourcePoller, PollTarget
from workerctl.local.sandbox.pool import InvocationResult
from workerctl.local.stats import RuntimeStats
from workerctl.local.template.event_sources import SqsEventSpec
from workerctl.local.template.loader import load_model
from workerctl.local.template.model import FunctionSpec


def worker(**overrides: str) -> FunctionSpec:
    """The template's worker function, parameters overridden."""
    model = load_model(ROOT / "template.yaml", stack_name="st", region="eu-west-1", overrides=(overrides,))
    return next(f for f in model.functions() if f.logical_id == "WorkerFunction")


def poller_for(event: SqsEventSpec) -> EventSourcePoller:
    """A poller that is never started: the registry only reads and sets its enabled flag."""
    target = PollTarget("http://q", event.queue_arn, "eu-west-1", event)
    return EventSourcePoller(FakeSqs(), target, lambda e: InvocationResult(ok=True), RuntimeStats(), print)


def test_the_mapping_request_carries_the_events_settings_as_sam_sends_them() -> None:
    function = worker(FilterPattern='{"body": {"type": ["checksum"]}}', MaximumConcurrency="3")
    (event,) = function.sqs_events
    request = mapping_request(function, event)
    assert request["FunctionName"] == "st-worker"
    assert request["EventSourceArn"] == "arn:aws:sqs:eu-west-1:123456789012:st-jobs"
    assert request["Enabled"] is True
    assert request["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert request["ScalingConfig"] == {"MaximumConcurrency": 3}
    assert [json.loads(f["Pattern"]) for f in request["FilterCriteria"]["Filters"]] == [
        {"body": {"type": ["checksum"]}}
    ]


def test_a_disabled_event_and_provisioned_mode_reach_the_request() -> None:
    event = SqsEventSpec(
        "Jobs", "arn:aws:sqs:eu-west-1:1:q", "Q", enabled=False, minimum_pollers=2, metrics=("EventCount",)
    )
    request = mapping_request(worker(), event)
    assert request["Enabled"] is False
    assert request["ProvisionedPollerConfig"] == {"MinimumPollers": 2}
    assert request["MetricsConfig"] == {"Metrics": ["EventCount"]}
    assert "ScalingConfig" not in request
    assert "MaximumBatchingWindowInSeconds" not in request


def test_the_function_and_its_role_are_created_once_for_two_mappings() -> None:
    fake, function = FakeLambda(), worker()
    registry = MappingRegistry(fake, fake, print)
    event = function.sqs_events[0]
    first = registry.add(function, event, poller_for(event))
    second = registry.add(function, event, poller_for(event))
    assert first != second
    assert fake.roles == ["workerctl-local-function"]
    assert [f["FunctionName"] for f in fake.functions] == ["st-worker"]
    assert fake.functions[0]["Role"] == "arn:aws:iam::123456789012:role/workerctl-local-function"
    assert fake.functions[0]["Code"]["ZipFile"].startswith(b"PK")  # a real zip: moto hashes it


def test_a_second_registry_on_the_same_emulator_reuses_the_role() -> None:
    fake, function = FakeLambda(), worker()
    event = function.sqs_events[0]
    MappingRegistry(fake, fake, print).add(function, event, poller_for(event))
    renamed = dataclasses.replace(function, name="st-worker-2")
    MappingRegistry(fake, fake, print).add(renamed, event, poller_for(event))
    assert fake.roles == ["workerctl-local-function"]
    assert [f["Role"] for f in fake.functions] == [
        "arn:aws:iam::123456789012:role/workerctl-local-function"
    ] * 2


def test_a_refused_registration_is_a_one_line_user_error() -> None:
    fake, function = FakeLambda(), worker()

    def refuse(**_request: Any) -> dict[str, Any]:
        raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "Invalid"}}, "Create")

    fake.create_event_source_mapping = refuse  # type: ignore[method-assign]
    with pytest.raises(UserError, match="registering the event source mapping of WorkerFunction failed"):
        MappingRegistry(fake, fake, print).add(
            function, function.sqs_events[0], poller_for(function.sqs_events[0])
        )


@pytest.mark.parametrize(
    ("state", "polling"),
    [("Enabled", True), ("Updating", True), ("Disabling", False), ("Disabled", False), ("Creating", False)],
)
def test_each_poller_follows_its_mappings_state(state: str, polling: bool) -> None:
    fake, function, logs = FakeLambda(), worker(), list[str]()
    registry = MappingRegistry(fake, fake, logs.append)
    event = function.sqs_events[0]
    poller, other = poller_for(event), poller_for(event)
    uuid = registry.add(function, event, poller)
    registry.add(function, event, other)
    fake.mappings[uuid]["State"] = state
    registry.sync()
    assert (poller.enabled, other.enabled) == (polling, True)
    assert fake.asked == ["ListEventSourceMappings"]  # one call for every mapping
    assert logs == (
        []
        if polling
        else [
            f"workerctl: mapping WorkerFunction.Jobs ({uuid}) is {state}: "
            "polling paused (batches in flight finish)"
        ]
    )


def test_re_enabling_resumes_and_a_deleted_mapping_stops_polling() -> None:
    fake, function, logs = FakeLambda(), worker(), list[str]()
    registry = MappingRegistry(fake, fake, logs.append)
    event = SqsEventSpec("Jobs", function.sqs_events[0].queue_arn, "JobsQueue", enabled=False)
    poller = poller_for(event)
    uuid = registry.add(function, event, poller)
    registry.sync()
    assert not poller.enabled  # Enabled: false in the template: registered Disabled, nothing logged
    assert logs == []
    fake.mappings[uuid]["State"] = "Enabled"
    registry.sync()
    assert poller.enabled
    del fake.mappings[uuid]
    registry.sync()
    assert not poller.enabled
    assert [line.rsplit(": ", 1)[-1] for line in logs] == [
        "polling resumed",
        "polling paused (batches in flight finish)",
    ]
    assert "is Deleted" in logs[-1]


def test_a_failing_listing_leaves_the_pollers_alone_and_is_logged_once() -> None:
    fake, function, logs = FakeLambda(), worker(), list[str]()
    registry = MappingRegistry(fake, fake, logs.append)
    event = function.sqs_events[0]
    poller = poller_for(event)
    registry.add(function, event, poller)
    fake.list_error = "ServiceUnavailable"
    registry.sync()
    registry.sync()
    assert poller.enabled
    assert len(logs) == 1
    assert logs[0].startswith("workerctl: reading the event source mappings failed (")
