"""Enabled: false mappings, and disabling/enabling a running one
(https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html, Enabled)."""

from __future__ import annotations

from typing import Any

from tests.conformance.harness import Emulator, wait_until


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
