"""The /health HTTP shim on a loopback port with a fake function behind it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from workerctl.local.health_server import HealthServer
from workerctl.local.sandbox.pool import InvocationResult

pytestmark = pytest.mark.e2e


def test_server_passes_every_method_through_and_drops_head_bodies() -> None:
    methods: list[str] = []

    def invoke(event: dict[str, Any]) -> InvocationResult:
        methods.append(event["requestContext"]["http"]["method"])
        return InvocationResult(ok=True, response={"statusCode": 405, "body": json.dumps({"m": methods[-1]})})

    server = HealthServer("127.0.0.1", 0, invoke)
    server.start()
    try:
        for method in ("POST", "HEAD"):
            request = urllib.request.Request(
                f"{server.url}/health", method=method, data=b"{}" if method == "POST" else None
            )
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(request, timeout=5)
            assert caught.value.code == 405
            assert caught.value.read() == (b'{"m": "POST"}' if method == "POST" else b"")
    finally:
        server.stop()
    assert methods == ["POST", "GET"]
