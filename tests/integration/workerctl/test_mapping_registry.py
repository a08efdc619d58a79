"""The mapping registry on moto: the template's mapping in moto's Lambda API, read by the health function's
own adapter, changed with UpdateEventSourceMapping and followed by the poller; moto's trigger detached."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.sqs.models import Queue

from queue_worker.adapters.lambda_mappings import LambdaEventSourceMappings
from tests.conftest import ROOT
from workerctl.local import resources
from workerctl.local.esm.lambda_api import MappingRegistry
from workerctl.local.esm.poller import EventSourcePoller, PollTarget
from workerctl.local.moto_mappings import DETACHED
from workerctl.local.sandbox.pool import InvocationResult
from workerctl.local.stats import RuntimeStats
from workerctl.local.template.loader import load_model

REGION = "eu-west-1"


@dataclass
class Local:
    sqs: Any
    lambda_: Any
    registry: MappingRegistry
    poller: EventSourcePoller
    uuid: str
    queue_url: str
    queue_arn: str
    function_name: str


def start(overrides: dict[str, str]) -> Local:
    """The template's queues in moto and its worker mapping registered, as the runtime does at start."""
    model = load_model(ROOT / "template.yaml", stack_name="st", region=REGION, overrides=(overrides,))
    sqs = boto3.client("sqs", region_name=REGION)
    queues = resources.create_queues(sqs, model.queues, None)
    for logical_id, (queue_url, arn) in queues.items():
        model.set_queue_url(logical_id, queue_url, arn)
    function = next(f for f in model.functions() if f.sqs_events)
    (event,) = function.sqs_events
    url = queues["JobsQueue"][0]
    target = PollTarget(url, event.queue_arn, REGION, event)
    poller = EventSourcePoller(sqs, target, lambda e: InvocationResult(ok=True), RuntimeStats(), print)
    lambda_ = boto3.client("lambda", region_name=REGION)
    registry = MappingRegistry(lambda_, boto3.client("iam", region_name=REGION), print)
    uuid = registry.add(function, event, poller)
    return Local(sqs, lambda_, registry, poller, uuid, url, event.queue_arn, function.name)


@pytest.fixture
def detached(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto in memory with the emulator's patch: no queue triggers moto's own (Docker) invocation."""
    monkeypatch.setattr(Queue, "lambda_event_source_mappings", DETACHED, raising=False)
    with mock_aws():
        yield


def test_the_health_adapter_reads_the_state_the_poller_follows(detached: None) -> None:
    local = start({})
    adapter = LambdaEventSourceMappings(local.lambda_)
    found = adapter.find(local.function_name, "st-jobs", local.queue_arn)
    assert found is not None
    assert found.state == "Enabled"
    assert found.last_processing_result is None  # moto never sets it: /health reports "not reported"

    local.lambda_.update_event_source_mapping(UUID=local.uuid, Enabled=False)  # workerctl / the AWS CLI
    local.registry.sync()
    assert not local.poller.enabled
    assert adapter.find(local.function_name, "st-jobs", local.queue_arn).state == "Disabled"  # type: ignore[union-attr]

    local.lambda_.update_event_source_mapping(UUID=local.uuid, Enabled=True)
    local.registry.sync()
    assert local.poller.enabled


def test_a_sent_message_is_left_to_the_pollers(detached: None) -> None:
    local = start({})
    local.sqs.send_message(QueueUrl=local.queue_url, MessageBody="hi")
    (message,) = local.poller.gather()
    # Without the patch moto receives it itself on send (and fails to start Docker): count 2.
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"


@pytest.mark.parametrize(
    "overrides",
    [
        {"QueueType": "fifo", "MaximumConcurrency": "2"},
        {"BatchSize": "100", "MaximumBatchingWindowInSeconds": "5", "FilterPattern": '{"body": {"a": [1]}}'},
    ],
    ids=["fifo", "large-batch-with-filter"],
)
def test_moto_accepts_the_templates_mapping_in_other_shapes(
    detached: None, overrides: dict[str, str]
) -> None:
    local = start(overrides)
    answer = local.lambda_.get_event_source_mapping(UUID=local.uuid)
    assert answer["State"] == "Enabled"
    assert answer["BatchSize"] == int(overrides.get("BatchSize", "10"))
    assert answer["EventSourceArn"] == local.queue_arn
