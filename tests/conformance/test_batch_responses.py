"""Partial batch responses: ReportBatchItemFailures and every malformed response AWS documents
(https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conformance.harness import Emulator, Mapping

URL = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html"


def three_records(
    emulator: Emulator, respond: Callable[[list[str]], Any], **event: Any
) -> tuple[Mapping, list[str]]:
    """A mapping whose handler answers ``respond(message ids)``; three messages sent and run once."""
    mapping = emulator.mapping(lambda e: respond([r["messageId"] for r in e["Records"]]), **event)
    ids = [mapping.send(f"m{i}") for i in range(3)]
    left = mapping.run_once()
    assert left <= set(ids)
    return mapping, [i for i in ids if i in left]


def test_listed_item_identifiers_stay_and_the_rest_are_deleted(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting"""
    mapping, left = three_records(emulator, lambda ids: {"batchItemFailures": [{"itemIdentifier": ids[1]}]})
    assert len(left) == 1
    assert mapping.depth() == 1


@pytest.mark.parametrize(
    "response",
    [None, {}, {"batchItemFailures": []}, {"batchItemFailures": None}],
    ids=["null response", "empty object", "empty list", "null list"],
)
def test_empty_or_null_responses_are_complete_success(emulator: Emulator, response: Any) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html (success conditions:
    an empty batchItemFailures list, a null batchItemFailures list, an empty EventResponse, a null one)"""
    mapping, left = three_records(emulator, lambda ids: response)
    assert left == []
    assert mapping.depth() == 0


@pytest.mark.parametrize(
    "response",
    [
        {"batchItemFailures": [{"itemIdentifier": ""}]},
        {"batchItemFailures": [{"itemIdentifier": None}]},
        {"batchItemFailures": [{"itemIdentifier": "not-a-message-id"}]},
        {"batchItemFailures": [{"id": "wrong key"}]},
        {"batchItemFailures": "not a list"},
        "not an object",
    ],
    ids=["empty id", "null id", "unknown id", "missing key", "not a list", "not an object"],
)
def test_malformed_responses_fail_the_whole_batch(emulator: Emulator, response: Any) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html (failure conditions:
    an invalid JSON response, an empty string or null itemIdentifier, an itemIdentifier with a bad key
    name, an itemIdentifier value with a message ID that doesn't exist)"""
    mapping, left = three_records(emulator, lambda ids: response)
    assert len(left) == 3
    assert mapping.depth() == 3


def test_a_function_error_returns_the_whole_batch(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html (function error)"""

    def fail(ids: list[str]) -> Any:
        raise RuntimeError("boom")

    mapping, left = three_records(emulator, fail)
    assert len(left) == 3
    assert mapping.depth() == 3


def test_without_report_batch_item_failures_a_normal_return_deletes_all(emulator: Emulator) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html (the response is
    only read when FunctionResponseTypes includes ReportBatchItemFailures)"""
    mapping, left = three_records(
        emulator,
        lambda ids: {"batchItemFailures": [{"itemIdentifier": ids[0]}]},
        report_batch_item_failures=False,
    )
    assert left == []
    assert mapping.depth() == 0
