"""Enabled: false mappings, and disabling/enabling a running one
(https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html, Enabled)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import boto3

from tests.conformance.harness import REGION, Emulator, wait_until
from workerctl.local.esm.lambda_api import MappingRegistry
from workerctl.local.template.model import FunctionSpec


def test_a_disabled_mapping_does_not_poll_until_enabled(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (Enabled: "When
    true, the event source mapping is active. When false, Lambda pauses polling and invocation")"""
    seen: list[str] = []
    control_seen: list[str] = []
    disabled = emulator.mapping(lambda e: seen.extend(r["body"] for r in e["Records"]), enabled=False)
    control = emulator.mapping(lambda e: control_seen.extend(r["body"] for r in e["Records"]))
    disabled.send("waits")
    control.send("goes")
    disabled.poller.start()
    control.poller.start()
    try:
        wait_until(lambda: control_seen == ["goes"])  # an enabled mapping had all the time it needed
        assert seen == []
        assert disabled.depth() == 1
        disabled.poller.set_enabled(True)  # UpdateEventSourceMapping Enabled=true
        wait_until(lambda: seen == ["waits"])
    finally:
        disabled.poller.stop(5)
        control.poller.stop(5)


def test_disabling_a_running_mapping_stops_new_batches(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html (Enabled=false
    pauses polling; batches in flight finish)"""
    seen: list[str] = []

    def handler(event: dict[str, Any]) -> None:
        seen.extend(r["body"] for r in event["Records"])

    control_seen: list[str] = []
    mapping = emulator.mapping(handler)
    control = emulator.mapping(lambda e: control_seen.extend(r["body"] for r in e["Records"]))
    mapping.poller.start()
    control.poller.start()
    try:
        mapping.send("first")
        wait_until(lambda: seen == ["first"])
        mapping.poller.set_enabled(False)
        mapping.send("second")
        control.send("goes")
        wait_until(lambda: control_seen == ["goes"])
        assert seen == ["first"]
        assert mapping.depth() == 1
        mapping.poller.set_enabled(True)
        wait_until(lambda: seen == ["first", "second"])
    finally:
        mapping.poller.stop(5)
        control.poller.stop(5)


def test_update_event_source_mapping_enabled_through_the_lambda_api(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html (Enabled: "When
    false, Lambda pauses polling and invocation"), called as `workerctl mapping disable` and
    `aws lambda update-event-source-mapping --no-enabled` call it: the runtime's mapping is a resource of
    the emulator's Lambda API and its pollers follow its State."""
    receive_counts: dict[str, str] = {}

    def handler(event: dict[str, Any]) -> None:
        receive_counts.update(
            {r["body"]: r["attributes"]["ApproximateReceiveCount"] for r in event["Records"]}
        )

    mapping = emulator.mapping(handler)
    function = FunctionSpec(
        logical_id="Fn",
        name=f"fn-{uuid.uuid4().hex[:12]}",
        code_uri=Path(),
        handler="handler.lambda_handler",
        timeout=3,
        memory_mb=128,
        environment={},
        arn="",
    )
    registry = MappingRegistry.at(emulator.endpoint_url, REGION, mapping.logs.append)
    mapping_id = registry.add(function, mapping.poller.target.event, mapping.poller)
    lambda_ = boto3.client(
        "lambda",
        endpoint_url=emulator.endpoint_url,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    mapping.poller.start()
    registry.start()
    try:
        mapping.send("first")
        wait_until(lambda: "first" in receive_counts)
        answer = lambda_.update_event_source_mapping(UUID=mapping_id, Enabled=False)
        assert answer["State"] == "Disabled"  # AWS answers Disabling, then Disabled
        assert mapping.poller.wait_paused(30)
        mapping.send("second")
        assert mapping.depth() == 1
        lambda_.update_event_source_mapping(UUID=mapping_id, Enabled=True)
        wait_until(lambda: "second" in receive_counts)
        assert receive_counts == {"first": "1", "second": "1"}  # never received while disabled
    finally:
        registry.stop()
        mapping.poller.stop(5)
