"""Filter criteria, the Lambda SQS event shape and Lambda's batch-failure rules."""

from __future__ import annotations

import base64

import pytest

from tests.conftest import load_event
from workerctl.local.esm.batch_outcome import failed_message_ids
from workerctl.local.esm.filters import pattern_matches, record_matches
from workerctl.local.esm.records import lambda_event, lambda_record

RECORD = {
    "messageId": "m1",
    "body": '{"type": "checksum", "size": 12, "tags": ["a", "b"]}',
    "attributes": {"ApproximateReceiveCount": "1"},
    "messageAttributes": {"CorrelationId": {"stringValue": "order-7", "dataType": "String"}},
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"body": {"type": ["checksum"]}}, True),
        ({"body": {"type": ["other"]}}, False),
        ({"body": {"type": [{"prefix": "check"}]}}, True),
        ({"body": {"type": [{"suffix": "sum"}]}}, True),
        ({"body": {"type": [{"equals-ignore-case": "CHECKSUM"}]}}, True),
        ({"body": {"size": [{"numeric": [">", 10, "<=", 12]}]}}, True),
        ({"body": {"size": [{"numeric": ["<", 10]}]}}, False),
        ({"body": {"missing": [{"exists": False}]}}, True),
        ({"body": {"type": [{"exists": True}]}}, True),
        ({"body": {"missing": ["x"]}}, False),
        ({"body": {"type": [{"anything-but": ["fan_out"]}]}}, True),
        ({"body": {"type": [{"anything-but": {"prefix": "che"}}]}}, False),
        ({"body": {"tags": ["b"]}}, True),
        ({"messageAttributes": {"CorrelationId": {"stringValue": [{"prefix": "order-"}]}}}, True),
        ({"attributes": {"ApproximateReceiveCount": ["2"]}}, False),
    ],
)
def test_pattern_syntax(pattern: dict[str, object], expected: bool) -> None:
    assert record_matches([pattern], RECORD) is expected


def test_no_filters_match_everything_and_any_filter_may_match() -> None:
    assert record_matches([], RECORD)
    assert record_matches([{"body": {"type": ["x"]}}, {"body": {"size": [12]}}], RECORD)


def test_plain_text_bodies_match_as_strings() -> None:
    assert record_matches([{"body": [{"prefix": "hello"}]}], {"body": "hello world"})


def test_unsupported_matcher_is_reported() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        pattern_matches({"a": [{"cidr": "10.0.0.0/8"}]}, {"a": "10.1.1.1"})


def test_numbers_and_booleans_compare_strictly() -> None:
    assert pattern_matches({"a": [1]}, {"a": 1.0})
    assert not pattern_matches({"a": [True]}, {"a": 1})
    assert not pattern_matches({"a": [{"numeric": [">", 0]}]}, {"a": "5"})


def test_record_matches_the_sample_event_exactly() -> None:
    expected = load_event("sqs-mixed-batch.json")["Records"][1]
    message = {
        "MessageId": expected["messageId"],
        "ReceiptHandle": expected["receiptHandle"],
        "MD5OfBody": expected["md5OfBody"],
        "Body": expected["body"],
        "Attributes": {  # SQS order differs from Lambda's
            "AWSTraceHeader": expected["attributes"]["AWSTraceHeader"],
            "SenderId": expected["attributes"]["SenderId"],
            "ApproximateFirstReceiveTimestamp": expected["attributes"]["ApproximateFirstReceiveTimestamp"],
            "SentTimestamp": expected["attributes"]["SentTimestamp"],
            "ApproximateReceiveCount": expected["attributes"]["ApproximateReceiveCount"],
        },
    }
    record = lambda_record(message, expected["eventSourceARN"], "eu-west-1")
    assert record == expected
    assert list(record) == list(expected)
    assert list(record["attributes"]) == list(expected["attributes"])
    assert lambda_event([record]) == {"Records": [expected]}


def test_message_attributes_take_lambdas_shape_and_fifo_fields_pass_through() -> None:
    fifo = load_event("sqs-fifo-batch.json")["Records"][0]["attributes"]
    message = {
        "MessageId": "m",
        "ReceiptHandle": "r",
        "Body": "b",
        "Attributes": dict(reversed(list(fifo.items()))),
        "MessageAttributes": {
            "CorrelationId": {"StringValue": "c-1", "DataType": "String"},
            "Blob": {"BinaryValue": b"\x00\x01", "DataType": "Binary"},
        },
    }
    record = lambda_record(message, "arn:aws:sqs:eu-west-1:1:q.fifo", "eu-west-1")
    assert record["attributes"] == fifo
    assert list(record["attributes"]) == list(fifo)
    assert record["messageAttributes"] == {
        "CorrelationId": {
            "stringValue": "c-1",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        },
        "Blob": {
            "binaryValue": base64.b64encode(b"\x00\x01").decode(),
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Binary",
        },
    }


IDS = ["a", "b", "c"]


@pytest.mark.parametrize(
    ("ok", "response", "report", "expected"),
    [
        (False, None, True, {"a", "b", "c"}),  # exception or timeout
        (True, None, True, set()),
        (True, {}, True, set()),
        (True, {"batchItemFailures": []}, True, set()),
        (True, {"batchItemFailures": None}, True, set()),
        (True, {"batchItemFailures": [{"itemIdentifier": "b"}]}, True, {"b"}),
        (True, {"batchItemFailures": [{"itemIdentifier": ""}]}, True, {"a", "b", "c"}),
        (True, {"batchItemFailures": [{"itemIdentifier": "zzz"}]}, True, {"a", "b", "c"}),
        (True, {"batchItemFailures": [{"id": "a"}]}, True, {"a", "b", "c"}),
        (True, {"batchItemFailures": "a"}, True, {"a", "b", "c"}),
        (True, "not an object", True, {"a", "b", "c"}),
        (True, {"batchItemFailures": [{"itemIdentifier": "b"}]}, False, set()),  # not reported: all done
    ],
)
def test_failed_message_ids_follow_lambda(
    ok: bool, response: object, report: bool, expected: set[str]
) -> None:
    assert (
        failed_message_ids(ok=ok, response=response, message_ids=IDS, report_batch_item_failures=report)
        == expected
    )
