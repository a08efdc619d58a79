"""Each mapping's pollers, invocations in flight and last batch, seen through the wrapped invoke."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from workerctl.local.dashboard.mappings import MappingActivity, outcome_of
from workerctl.local.sandbox.pool import InvocationResult


def event(*ids: str) -> dict[str, Any]:
    return {"Records": [{"messageId": message_id} for message_id in ids]}


def test_a_partial_failure_is_named_with_lambdas_own_rules() -> None:
    mapping = MappingActivity("Worker.Jobs", pollers=2, report_batch_item_failures=True, clock=lambda: 7.0)
    invoke = mapping.observe(
        lambda _: InvocationResult(ok=True, response={"batchItemFailures": [{"itemIdentifier": "b"}]})
    )

    invoke(event("a", "b", "c"))

    assert mapping.view() == {
        "name": "Worker.Jobs",
        "pollers": 2,
        "in_flight": 0,
        "invocations": 1,
        "last_batch_size": 3,
        "last_outcome": "partial failure (1 of 3)",
        "last_time": 7.0,
    }


def test_an_unknown_item_identifier_fails_the_whole_batch() -> None:
    mapping = MappingActivity("m", 1, report_batch_item_failures=True)
    invoke = mapping.observe(
        lambda _: InvocationResult(ok=True, response={"batchItemFailures": [{"itemIdentifier": "x"}]})
    )

    invoke(event("a", "b"))

    assert mapping.view()["last_outcome"] == "all failed"


def test_invocations_in_flight_are_counted_while_they_run() -> None:
    mapping = MappingActivity("m", 1, report_batch_item_failures=True)
    started, release = threading.Event(), threading.Event()

    def slow(_: Any) -> InvocationResult:
        started.set()
        release.wait(5)
        return InvocationResult(ok=True)

    worker = threading.Thread(target=mapping.observe(slow), args=(event("a"),))
    worker.start()
    started.wait(5)
    during = mapping.view()["in_flight"]
    release.set()
    worker.join()

    assert during == 1
    assert mapping.view()["in_flight"] == 0
    assert mapping.view()["last_outcome"] == "succeeded"


def test_an_invoke_that_raises_is_still_counted_as_failed() -> None:
    mapping = MappingActivity("m", 1, report_batch_item_failures=True)

    def broken(_: Any) -> InvocationResult:
        raise RuntimeError("pool gone")

    with contextlib.suppress(RuntimeError):
        mapping.observe(broken)(event("a"))

    assert (mapping.view()["in_flight"], mapping.view()["last_outcome"]) == (0, "failed")


def test_outcome_words() -> None:
    assert outcome_of(InvocationResult(ok=False, timed_out=True), 2, 2) == "timed out"
    assert outcome_of(InvocationResult(ok=False, error="x"), 2, 2) == "failed"
    assert outcome_of(InvocationResult(ok=True), 2, 0) == "succeeded"
