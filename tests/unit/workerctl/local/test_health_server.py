from __future__ import annotations

import base64
import socket

import pytest

from workerctl.errors import UserError
from workerctl.local.health_server import HealthServer, function_url_event, http_response
from workerctl.local.sandbox.pool import InvocationResult


def test_event_follows_function_url_payload_v2() -> None:
    event = function_url_event(
        "GET",
        "/health?verbose=1",
        {"Host": "h", "X-A": "1", "x-a": "2", "Cookie": "c=1; d=2"},
        b"",
        "127.0.0.1",
        now=0,
    )
    assert event["version"] == "2.0"
    assert (event["rawPath"], event["rawQueryString"]) == ("/health", "verbose=1")
    assert event["queryStringParameters"] == {"verbose": "1"}
    assert event["headers"]["x-a"] == "1,2"
    assert event["cookies"] == ["c=1", "d=2"]
    assert event["requestContext"]["http"]["method"] == "GET"
    assert event["requestContext"]["timeEpoch"] == 0
    assert event["isBase64Encoded"] is False
    assert "body" not in event


def test_binary_bodies_are_base64_encoded() -> None:
    event = function_url_event("POST", "/x", {"content-type": "application/octet-stream"}, b"\x00", "ip")
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x00"


def test_response_translation() -> None:
    result = InvocationResult(
        ok=True,
        response={
            "statusCode": 503,
            "headers": {"Content-Type": "application/health+json"},
            "multiValueHeaders": {"X-M": ["a", "b"]},
            "cookies": ["k=v"],
            "body": base64.b64encode(b"{}").decode(),
            "isBase64Encoded": True,
        },
    )
    assert http_response(result) == (
        503,
        {"Content-Type": "application/health+json", "X-M": "a,b"},
        ["k=v"],
        b"{}",
    )
    assert http_response(InvocationResult(ok=True, response={"a": 1}))[::3] == (200, b'{"a": 1}')
    assert http_response(InvocationResult(ok=False, error="boom"))[0] == 502


def test_port_in_use_is_a_user_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UserError, match=rf"port {port} for /health is in use.*--port"):
            HealthServer("127.0.0.1", port, lambda event: InvocationResult(ok=True))


def test_stop_before_start_returns_and_frees_the_port() -> None:
    # A start-up that failed after the server was built (e.g. a handler import error) stops it unstarted:
    # this waited for good on a serve loop that never ran.
    server = HealthServer("127.0.0.1", 0, lambda event: InvocationResult(ok=True))
    port = int(server.url.rsplit(":", 1)[1])
    server.stop()
    server.stop()  # idempotent
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
