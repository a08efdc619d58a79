"""The dashboard's HTTP surface with plain http.client: refused Host, cross-origin POSTs, no CORS, SSE."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from workerctl.local.dashboard.wiring import fetch_health
from workerctl.local.runtime import LocalRuntime


def request(runtime: LocalRuntime, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Any:
    url = urlsplit(runtime.dashboard_url or "")
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    connection.putrequest(method, path, skip_host=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def own_host(runtime: LocalRuntime) -> str:
    return urlsplit(runtime.dashboard_url or "").netloc


def test_it_listens_on_loopback_only(dashboard_runtime: LocalRuntime) -> None:
    assert (dashboard_runtime.dashboard_url or "").startswith("http://127.0.0.1:")


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:{port}", "192.168.1.10:{port}"])
def test_a_foreign_host_header_is_refused(dashboard_runtime: LocalRuntime, host: str) -> None:
    port = urlsplit(dashboard_runtime.dashboard_url or "").port
    response = request(dashboard_runtime, "GET", "/api/snapshot", {"Host": host.format(port=port)})
    assert response.status == 421
    assert b"dashboard_token" not in response.body
    assert b"queues" not in response.body


def test_the_page_answers_to_localhost_with_no_cors_headers(dashboard_runtime: LocalRuntime) -> None:
    port = urlsplit(dashboard_runtime.dashboard_url or "").port
    response = request(
        dashboard_runtime, "GET", "/", {"Host": f"localhost:{port}", "Origin": "http://evil.example"}
    )
    assert response.status == 200
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "extra",
    [
        {},  # no token
        {"X-Dashboard-Token": "stolen?"},
        {"Origin": "http://evil.example", "X-Dashboard-Token": "{token}"},
    ],
)
def test_a_cross_origin_post_is_refused_and_purges_nothing(
    dashboard_runtime: LocalRuntime, sqs: Any, extra: dict[str, str]
) -> None:
    page = request(dashboard_runtime, "GET", "/", {"Host": own_host(dashboard_runtime)}).body.decode()
    token = page.split('name="dashboard-token" content="', 1)[1].split('"', 1)[0]
    headers = {"Host": own_host(dashboard_runtime), "Content-Type": "application/json"}
    headers |= {name: value.format(token=token) for name, value in extra.items()}
    dlq = next(url for url in dashboard_runtime.queue_urls.values() if url.endswith("-dlq"))
    sqs.send_message(QueueUrl=dlq, MessageBody="keep me")

    response = request(
        dashboard_runtime,
        "POST",
        "/api/dead-letters/purge",
        headers,
        json.dumps({"confirm": urlsplit(dlq).path.rsplit("/", 1)[-1]}).encode(),
    )

    assert response.status == 403
    kept = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    assert [message["Body"] for message in kept] == ["keep me"]
    for message in kept:  # moto allows one PurgeQueue a minute: the page's purge test needs it
        sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])


def test_the_events_stream_sends_snapshots(dashboard_runtime: LocalRuntime) -> None:
    url = urlsplit(dashboard_runtime.dashboard_url or "")
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    connection.request("GET", "/api/events")
    response = connection.getresponse()
    assert response.headers["Content-Type"] == "text/event-stream"
    assert response.readline() == b"event: snapshot\n"
    document = json.loads(response.readline().removeprefix(b"data: "))
    connection.close()
    assert {
        "queues",
        "health",
        "throughput",
        "job_types",
        "failures",
        "dead_letters",
        "mappings",
        "cost",
    } <= set(document)


def test_health_is_read_from_the_local_function_url_and_a_dead_one_says_so(
    dashboard_runtime: LocalRuntime,
) -> None:
    health = fetch_health(dashboard_runtime.health_url or "")
    gone = fetch_health("http://127.0.0.1:9")  # discard port: nothing listens

    assert health["http_status"] == 200
    assert {"jobs-queue:reachable", "dead-letter-queue:messages"} <= {
        check["name"] for check in health["checks"]
    }
    assert gone == {
        "status": "unknown",
        "error": "/health did not answer: ConnectionRefusedError",
        "checks": [],
    }
