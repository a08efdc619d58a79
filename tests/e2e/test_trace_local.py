"""`workerctl trace` on the local runtime: a job that fails twice, succeeds and fans out, and one that is
dead-lettered, redriven (selectively) and succeeds, read back from the run's log."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.helpers import LineSink, local_sqs, options_for_jobs, running, wait_until
from workerctl.cli import main
from workerctl.local.runtime import LocalRuntime

pytestmark = pytest.mark.e2e
SINK = LineSink()  # a timed-out wait shows the runtime's last lines
OVERRIDES = {"BackoffBaseSeconds": "1", "BackoffCapSeconds": "1", "TimeoutMarginMs": "200"}


def wait_for[T](condition: Callable[[], T], timeout: float = 60.0) -> T:
    return wait_until(condition, SINK, timeout)


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    run_log = tmp_path_factory.mktemp("run") / "run-log.jsonl"
    options = options_for_jobs("tests.e2e.trace_jobs", parameter_overrides=OVERRIDES, run_log=run_log)
    with running(options, SINK) as local:
        yield local


def trace(runtime: LocalRuntime, wanted: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert main(["trace", wanted, "--run-log", str(runtime.options.run_log)]) == 0
    return capsys.readouterr().out.splitlines()


def test_a_job_that_failed_twice_succeeded_and_fanned_out(
    runtime: LocalRuntime, capsys: pytest.CaptureFixture[str]
) -> None:
    sqs = local_sqs(runtime.endpoint_url)
    body = json.dumps({"type": "e2e.flaky_fan_out", "payload": {"succeed_on_receive": 3}})
    attributes = {"CorrelationId": {"DataType": "String", "StringValue": "order-7"}}
    message_id = sqs.send_message(
        QueueUrl=runtime.polled_queue_urls()[0], MessageBody=body, MessageAttributes=attributes
    )["MessageId"]

    def done() -> list[str]:
        out = trace(runtime, "order-7", capsys)
        return (
            out
            if out[-1].startswith("message ") and sum(line.endswith("succeeded") for line in out) == 2
            else []
        )

    lines = wait_for(done)
    steps = [line.split("  ", 2)[1:] for line in lines if not line.startswith("message ")]
    retried = "failed: TransientJobError; retry in {} s (backoff)"  # full jitter: 0 or 1 s with a 1 s cap
    child = lines[-1].split()[1].rstrip(":")
    assert lines[-1] == f"message {child}: sent onward (same correlation id)"
    parent = [(who, what) for who, what in steps if who.startswith(message_id)]
    assert [who for who, _ in parent] == [message_id, *[f"{message_id} #{n}" for n in (1, 1, 2, 2, 3, 3)]]
    whats = [what for _, what in parent]
    assert whats[:2] + whats[3:4] + whats[5:] == [
        "sent",
        "received (receive 1)",
        "received (receive 2)",
        "received (receive 3)",
        "succeeded",
    ]
    assert {whats[2], whats[4]} <= {retried.format(0), retried.format(1)}
    onward = [[who, what] for who, what in steps if who.startswith(child)]
    assert onward == [[child, "sent"], [f"{child} #1", "received (receive 1)"], [f"{child} #1", "succeeded"]]
    # the child was sent by the third attempt: after its receive, in time order
    assert steps.index([f"{message_id} #3", "received (receive 3)"]) < steps.index([child, "sent"])
    assert trace(runtime, message_id, capsys) == lines  # the same journey by message id


def test_a_job_dead_lettered_then_redriven(
    runtime: LocalRuntime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqs = local_sqs(runtime.endpoint_url)
    fix = tmp_path / "fixed"
    body = json.dumps({"type": "e2e.needs_file", "payload": {"path": str(fix)}})
    message_id = sqs.send_message(QueueUrl=runtime.polled_queue_urls()[0], MessageBody=body)["MessageId"]
    wait_for(lambda: any("dead-lettered" in line for line in trace(runtime, message_id, capsys)))
    fix.touch()  # the operator's fix
    capsys.readouterr()
    assert (
        main(["dlq", "redrive", "--message-id", message_id, "--endpoint-url", str(runtime.endpoint_url)]) == 0
    )
    assert "moved 1 of " in capsys.readouterr().out
    lines = wait_for(
        lambda: (
            (out := trace(runtime, message_id, capsys)) and any(x.endswith("succeeded") for x in out) and out
        )
    )
    whats = [line.split("  ", 2)[-1] for line in lines if not line.startswith("message ")]
    assert whats[:3] == [
        "sent",
        "received (receive 1)",
        f"dead-lettered: PermanentJobError: {fix} is missing",
    ]
    assert whats[3].startswith("redriven by os-user:")
    assert whats[-2:] == ["received (receive 1)", "succeeded"]
    roles = dict(
        line.removeprefix("message ").split(": ", 1) for line in lines if line.startswith("message ")
    )
    (dead_letter,) = [copy for copy, role in roles.items() if role == f"dead letter of {message_id}"]
    assert f"redrive of {message_id} (dead letter {dead_letter})" in roles.values()
