"""HTTP contract of the handler (routes, methods, HEAD, codes, headers, logs) and the probe cache."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import health_handler
from queue_worker.health.endpoint import HealthRequest
from queue_worker.health.monitor import HealthMonitor
from tests.unit.health.conftest import Invoke
from tests.unit.health.contract import assert_health_document, assert_no_leak
from tests.unit.health.fakes import FakeAws, FakeMonotonic

CALLS_PER_ROUND = 4  # jobs queue, DLQ, mapping, CloudWatch


def test_a_burst_of_100_probes_costs_one_round_of_calls(
    fake_aws: FakeAws, monotonic: FakeMonotonic, install_monitor: Callable[..., Any], invoke: Invoke
) -> None:
    # Given a 5 s cache and a clock that moves 10 ms per probe (100 probes = 1 s)
    codes = []
    for _ in range(100):
        codes.append(invoke()[0])
        monotonic.advance(0.01)
    # Then the whole burst made one round of AWS calls
    assert codes == [200] * 100
    assert fake_aws.calls == CALLS_PER_ROUND
    # And once the window has passed, the next probe makes exactly one new round
    monotonic.advance(5)
    invoke()
    assert fake_aws.calls == 2 * CALLS_PER_ROUND


def test_concurrent_probes_share_the_round_in_flight(
    fake_aws: FakeAws, install_monitor: Callable[..., Any]
) -> None:
    # Given a slow-ish first round (the queue call waits until released)
    release = threading.Event()
    fake_aws.jobs.behaviour.release = release
    monitor: HealthMonitor = install_monitor(HEALTH_CHECK_TIMEOUT_SECONDS="5")
    # When 20 probes arrive together and the call then completes
    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(monitor.results) for _ in range(20)]
        release.set()
        results = [future.result(timeout=10) for future in futures]
    # Then they all got the same results from a single round
    assert fake_aws.calls == CALLS_PER_ROUND
    assert all(result is results[0] for result in results)


def test_zero_cache_seconds_checks_every_time(fake_aws: FakeAws, install_monitor: Callable[..., Any]) -> None:
    monitor: HealthMonitor = install_monitor(HEALTH_CACHE_SECONDS="0")
    monitor.results()
    monitor.results()
    assert fake_aws.calls == 2 * CALLS_PER_ROUND


@pytest.mark.parametrize("path", ["/health", "/health/live"])
def test_head_answers_like_get_without_a_body(
    path: str, install_monitor: Callable[..., Any], invoke: Invoke
) -> None:
    get_code, get_headers, _, _ = invoke(path)
    head_code, head_headers, head_body, raw = invoke(path, method="HEAD")
    assert (head_code, head_headers) == (get_code, get_headers)
    assert (head_body, raw) == (None, "")


def test_liveness_makes_no_aws_call(
    fake_aws: FakeAws, install_monitor: Callable[..., Any], invoke: Invoke
) -> None:
    code, headers, body, _ = invoke("/health/live")
    assert code == 200
    assert body is not None
    assert body["status"] == "pass"
    assert headers["Cache-Control"] == "max-age=0"
    assert fake_aws.calls == 0


@pytest.mark.parametrize("path", ["/", "/healthz", "/health/", "/health/live/x", "/arn:aws:sqs"])
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_unknown_paths_are_404_in_health_json(
    path: str, method: str, fake_aws: FakeAws, install_monitor: Callable[..., Any], invoke: Invoke
) -> None:
    code, headers, body, raw = invoke(path, method=method)
    assert code == 404
    assert headers["Content-Type"] == "application/health+json"
    if method != "HEAD":
        assert body is not None
        assert (body["status"], body["output"]) == ("fail", "not found")
        assert_health_document(body)
        assert_no_leak(raw)
    assert fake_aws.calls == 0


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("path", ["/health", "/health/live"])
def test_other_methods_are_405_with_allow(
    method: str, path: str, fake_aws: FakeAws, install_monitor: Callable[..., Any], invoke: Invoke
) -> None:
    code, headers, body, _ = invoke(path, method=method)
    assert code == 405
    assert headers["Allow"] == "GET, HEAD"
    assert body is not None
    assert (body["status"], body["output"]) == ("fail", "method not allowed")
    assert_health_document(body)
    assert fake_aws.calls == 0


def test_a_view_that_raises_is_a_bare_503(
    monkeypatch: pytest.MonkeyPatch, health_env: dict[str, str], invoke: Invoke
) -> None:
    def broken() -> HealthMonitor:
        raise RuntimeError("arn:aws:sqs:eu-west-1:123456789012:x Traceback")

    monkeypatch.setattr(health_handler, "monitor", broken)
    code, _, body, raw = invoke()
    assert code == 503
    assert body is not None
    assert (body["status"], body["output"]) == ("fail", "health check error")
    assert_no_leak(raw)


def test_release_and_version_come_from_the_deployment(
    install_monitor: Callable[..., Any], invoke: Invoke
) -> None:
    _, _, body, _ = invoke()
    assert body is not None
    assert (body["releaseId"], body["version"], body["serviceId"]) == ("prod", "1", "sqs-lambda-worker")


def test_log_lines_carry_the_callers_request_id(
    install_monitor: Callable[..., Any], invoke: Invoke, log_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    invoke(headers={"x-cdp-request-id": "probe-42"})
    invoke(headers={})
    lines = [line for line in log_lines() if line["message"] == "health request"]
    assert [line["correlation_id"] for line in lines] == ["probe-42", "4d3a5c2e-9b1f-4e6a-8c7d-1a2b3c4d5e6f"]
    assert lines[0]["status_code"] == 200


def test_the_request_is_read_from_the_function_url_event_with_safe_defaults() -> None:
    # Given a full Function URL event, and one with nothing but its request id
    full = {
        "rawPath": "/health/live",
        "headers": {"x-cdp-request-id": "probe-7"},
        "requestContext": {"requestId": "url-req", "http": {"method": "HEAD"}},
    }
    bare = {"requestContext": {"requestId": "url-req"}}
    # Then the header wins over the Function URL request id, and GET / is the default
    assert HealthRequest.from_event(full) == HealthRequest("HEAD", "/health/live", "probe-7")
    assert HealthRequest.from_event(bare) == HealthRequest("GET", "/", "url-req")
    assert HealthRequest.from_event({}) == HealthRequest("GET", "/", None)
