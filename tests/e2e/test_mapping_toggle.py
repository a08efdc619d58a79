"""Disabling and enabling the running runtime's mapping: `workerctl mapping`, the AWS API, local /health.

The runtime registers its mapping in the emulator's Lambda API; `workerctl mapping disable` (or
UpdateEventSourceMapping from any AWS client) pauses its pollers, messages stay queued, /health reports
the mapping Disabled (fail, 503, as docs/health.md says); enabling drains the queue.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import helpers
from tests.e2e.helpers import LineSink, local_client, local_sqs, options_for_jobs, running, total_messages
from workerctl.cli import main
from workerctl.local.esm.poller import EventSourcePoller
from workerctl.local.runtime import LocalRuntime

pytestmark = pytest.mark.e2e
CONSOLE = LineSink()


def wait_for[T](condition: Callable[[], T], what: str) -> T:
    return helpers.wait_until(condition, CONSOLE, what=what)


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    with running(options_for_jobs("tests.e2e.e2e_jobs", dashboard_port=None), CONSOLE) as local:
        yield local


@pytest.fixture(scope="module")
def poller(runtime: LocalRuntime) -> EventSourcePoller:
    assert runtime.mappings is not None
    (registered,) = runtime.mappings.mappings
    return registered.poller


def cli(runtime: LocalRuntime, *argv: str) -> int:
    return main(["mapping", *argv, "--endpoint-url", str(runtime.endpoint_url)])


def mapping_check(runtime: LocalRuntime) -> tuple[int, str, str | None]:
    """HTTP status of /health and the ``event-source-mapping:state`` check's status and value."""
    try:
        with urllib.request.urlopen(f"{runtime.health_url}/health", timeout=15) as response:  # loopback
            code, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        code, body = error.code, error.read()
    (check,) = json.loads(body)["checks"]["event-source-mapping:state"]
    return code, check["status"], check["observedValue"]


def probe(journal: Path, tag: str) -> str:
    return json.dumps({"type": "e2e.probe", "payload": {"journal": str(journal), "tag": tag}})


def ends(journal: Path, tag: str) -> list[dict[str, Any]]:
    lines = journal.read_text().splitlines() if journal.exists() else []
    return [e for e in map(json.loads, lines) if e["tag"] == tag and e["phase"] == "end"]


def test_disable_pauses_polling_health_fails_and_enable_drains(
    runtime: LocalRuntime, poller: EventSourcePoller, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqs, url, journal = local_sqs(runtime.endpoint_url), runtime.queue_urls["JobsQueue"], tmp_path / "j"
    assert cli(runtime, "list") == 0
    assert " Enabled " in capsys.readouterr().out
    wait_for(lambda: mapping_check(runtime) == (200, "pass", "Enabled"), "/health to see the mapping")

    assert cli(runtime, "disable") == 0
    assert (
        capsys.readouterr()
        .out.rstrip()
        .endswith("(sqs-lambda-worker-dev-worker <- sqs-lambda-worker-dev-jobs): Disabled")
    )
    assert poller.wait_paused(30)  # the runtime followed the State; no poller is receiving any more
    assert any("is Disabled: polling paused" in line for line in CONSOLE.lines)
    sqs.send_message(QueueUrl=url, MessageBody=probe(journal, "waits"))
    wait_for(lambda: mapping_check(runtime) == (503, "fail", "Disabled"), "/health to report Disabled")
    assert total_messages(sqs, url) == 1  # still queued
    assert ends(journal, "waits") == []

    assert cli(runtime, "enable") == 0
    (end,) = wait_for(lambda: ends(journal, "waits"), "the queued job to run after enabling")
    assert end["receive_count"] == 1  # nobody received it while the mapping was disabled
    wait_for(lambda: total_messages(sqs, url) == 0, "the queue to drain")
    wait_for(lambda: mapping_check(runtime) == (200, "pass", "Enabled"), "/health to see it Enabled again")


def test_any_aws_client_can_pause_it_like_the_aws_cli(
    runtime: LocalRuntime, poller: EventSourcePoller
) -> None:
    # `aws lambda update-event-source-mapping --endpoint-url http://localhost:4566 --uuid ... --no-enabled`
    lambda_ = local_client("lambda", runtime.endpoint_url)
    (mapping,) = lambda_.list_event_source_mappings(FunctionName="sqs-lambda-worker-dev-worker")[
        "EventSourceMappings"
    ]
    lambda_.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    try:
        assert poller.wait_paused(30)
    finally:
        lambda_.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True)
    wait_for(lambda: poller.enabled, "the poller to resume")


@pytest.mark.parametrize(
    ("selector", "error"),
    [
        ("no-such-function", "no event source mapping for 'no-such-function' at "),
        (
            "12345678-1234-1234-1234-123456789012",
            "no event source mapping 12345678-1234-1234-1234-123456789012 at ",
        ),
    ],
)
def test_an_unknown_mapping_is_one_line_and_exit_2(
    runtime: LocalRuntime, selector: str, error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(runtime, "disable", selector) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"workerctl mapping: error: {error}{runtime.endpoint_url}")
    assert len(err.splitlines()) == 1
