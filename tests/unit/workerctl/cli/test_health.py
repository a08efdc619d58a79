"""``workerctl health`` against a tiny HTTP server on a free loopback port (signing checked server-side)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from workerctl import cli
from workerctl.cli.health import signing_region, summary

FUNCTION_HOST = "abcdefghijklmnopqrstuvwxyz123456.lambda-url.eu-west-1.on.aws"
PASSING = {"status": "pass", "version": "1", "releaseId": "prod", "serviceId": "s", "checks": {}}
WARNING = {
    "status": "warn",
    "version": "1",
    "releaseId": "dev",
    "serviceId": "s",
    "checks": {
        "jobs-queue:visibleMessages": [
            {"observedValue": 3, "observedUnit": "messages", "status": "pass", "time": "t"}
        ],
        "jobs-queue:oldestMessageAge": [
            {"observedValue": 301.5, "observedUnit": "s", "status": "warn", "time": "t"}
        ],
        "event-source-mapping:state": [
            {
                "observedValue": None,
                "status": "warn",
                "time": "t",
                "output": "not checked: no worker function configured",
            }
        ],
        "jobs-queue:reachable": [{"observedValue": True, "status": "pass", "time": "t"}],
    },
}
FAILING = {
    **PASSING,
    "status": "fail",
    "checks": {"jobs-queue:reachable": [{"observedValue": False, "status": "fail", "time": "t"}]},
}


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Overrides the unit guard: loopback only (the fake server), anything else still fails loudly."""
    real_connect = socket.socket.connect

    def loopback_only(self: socket.socket, address: Any) -> None:
        if address[0] not in {"127.0.0.1", "::1"}:
            raise RuntimeError(f"unit tests must not open network connections: {address}")
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)


@dataclass
class FakeHealthServer:
    status: int = 200
    body: bytes = json.dumps(PASSING).encode()
    hang: threading.Event | None = None
    requests: list[dict[str, str]] = field(default_factory=list)
    port: int = 0


@pytest.fixture
def server() -> Iterator[FakeHealthServer]:
    fake = FakeHealthServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.requests.append({**dict(self.headers.items()), ":path": self.path})
            if fake.hang is not None:
                fake.hang.wait(10)
                return
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/health+json")
            self.send_header("Content-Length", str(len(fake.body)))
            self.end_headers()
            self.wfile.write(fake.body)

        def log_message(self, *_: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    fake.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        if fake.hang is not None:
            fake.hang.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def function_url_host(monkeypatch: pytest.MonkeyPatch) -> str:
    """Resolve the Function URL host name to the fake server's loopback address."""
    real = socket.getaddrinfo

    def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host == FUNCTION_HOST else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return FUNCTION_HOST


@pytest.mark.parametrize(
    ("document", "status", "code"), [(PASSING, 200, 0), (WARNING, 200, 0), (FAILING, 503, 1)]
)
def test_exit_code_follows_the_overall_status(
    server: FakeHealthServer,
    document: dict[str, object],
    status: int,
    code: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server.status, server.body = status, json.dumps(document).encode()
    assert cli.main(["health", "--url", f"http://localhost:{server.port}/health"]) == code
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"health: {document['status']} (HTTP {status}")
    assert "Authorization" not in server.requests[0]
    assert server.requests[0]["Accept"] == "application/health+json"


def test_summary_has_one_line_per_check_with_value_unit_and_status() -> None:
    lines = summary(WARNING, 200).splitlines()
    assert lines[0] == "health: warn (HTTP 200; release dev, version 1)"
    assert [line.split()[:2] for line in lines[1:]] == [
        ["pass", "jobs-queue:visibleMessages"],
        ["warn", "jobs-queue:oldestMessageAge"],
        ["warn", "event-source-mapping:state"],
        ["pass", "jobs-queue:reachable"],
    ]
    assert lines[1].endswith("3 messages")
    assert lines[2].endswith("301.5 s")
    assert lines[3].endswith("-  (not checked: no worker function configured)")
    assert lines[4].endswith("true")


def test_function_urls_are_signed_with_sigv4_for_lambda(
    server: FakeHealthServer, function_url_host: str
) -> None:
    url = f"http://{function_url_host}:{server.port}/health"
    assert cli.main(["health", "--url", url]) == 0
    received = server.requests[0]
    authorization = received["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/eu-west-1/lambda/aws4_request" in authorization
    # The signature is the one botocore computes for the same request, timestamp and signed headers
    signed_names = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    headers = {name: value for name, value in received.items() if name.lower() in signed_names}
    request = AWSRequest(method="GET", url=url, headers=headers)
    request.context["timestamp"] = received["X-Amz-Date"]
    signer = SigV4Auth(Credentials("testing", "testing"), "lambda", "eu-west-1")
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    assert authorization.endswith(f"Signature={expected}")


def test_region_override_and_session_token(
    server: FakeHealthServer, function_url_host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token-1")
    assert (
        cli.main(
            ["health", "--url", f"http://{function_url_host}:{server.port}/health", "--region", "us-east-2"]
        )
        == 0
    )
    assert "/us-east-2/lambda/aws4_request" in server.requests[0]["Authorization"]
    assert server.requests[0]["X-Amz-Security-Token"] == "token-1"


def test_no_sign_sends_no_authorization(server: FakeHealthServer, function_url_host: str) -> None:
    assert cli.main(["health", "--url", f"http://{function_url_host}:{server.port}/health", "--no-sign"]) == 0
    assert "Authorization" not in server.requests[0]


def test_missing_credentials_is_a_user_error(
    server: FakeHealthServer,
    function_url_host: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert cli.main(["health", "--url", f"http://{function_url_host}:{server.port}/health"]) == 2
    assert "no AWS credentials" in capsys.readouterr().err
    assert server.requests == []


@pytest.mark.parametrize(
    ("url", "region"),
    [
        (f"https://{FUNCTION_HOST}/health", "eu-west-1"),
        ("https://abc.lambda-url.ap-southeast-2.on.aws/", "ap-southeast-2"),
        ("http://localhost:8085/health", None),
        ("http://127.0.0.1:8085/health", None),
        ("https://health.example.com/health", None),
        ("https://x.lambda-url.eu-west-1.on.aws.evil.example/health", None),
    ],
)
def test_only_function_url_hosts_are_signed(url: str, region: str | None) -> None:
    assert signing_region(url) == region


def test_non_health_answers_are_errors(server: FakeHealthServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.status, server.body = 403, b'{"Message":"Forbidden"}'
    assert cli.main(["health", "--url", f"http://127.0.0.1:{server.port}/health"]) == 2
    assert "HTTP 403: the answer is not a health document" in capsys.readouterr().err


def test_unreachable_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert cli.main(["health", "--url", f"http://127.0.0.1:{port}/health"]) == 2
    assert "unreachable" in capsys.readouterr().err


def test_a_server_that_never_answers_times_out(
    server: FakeHealthServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.hang = threading.Event()
    assert cli.main(["health", "--url", f"http://127.0.0.1:{server.port}/health", "--timeout", "0.2"]) == 2
    assert "unreachable" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["--url", "ftp://localhost/health"], ["--url", "http:///health"], ["--timeout", "0"]]
)
def test_bad_input_is_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["health", *argv]) == 2
    assert capsys.readouterr().err.startswith("workerctl health: error:")


def test_default_url_is_the_local_runtime() -> None:
    args = cli.build_parser().parse_args(["health"])
    assert (args.url, args.timeout, args.no_sign, args.region) == (
        "http://localhost:8085/health",
        5.0,
        False,
        None,
    )


def test_a_non_json_answer_is_exit_2(server: FakeHealthServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.status, server.body = 502, b"<html>Bad Gateway</html>"
    assert cli.main(["health", "--url", f"http://127.0.0.1:{server.port}/health"]) == 2
    assert "HTTP 502" in capsys.readouterr().err


def test_a_refusal_document_shows_its_output(
    server: FakeHealthServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.status = 404
    server.body = json.dumps(
        {"status": "fail", "version": "1", "releaseId": "dev", "output": "not found"}
    ).encode()
    assert cli.main(["health", "--url", f"http://127.0.0.1:{server.port}/nope"]) == 1
    assert capsys.readouterr().out.splitlines()[1] == "  not found"


def test_the_default_url_follows_port_like_the_local_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    # `make run PORT=9090` serves /health on 9090; `workerctl health` then probes the same port
    monkeypatch.setenv("PORT", "9090")
    assert cli.build_parser().parse_args(["health"]).url == "http://localhost:9090/health"
    monkeypatch.delenv("PORT")
    assert cli.build_parser().parse_args(["health"]).url == "http://localhost:8085/health"
