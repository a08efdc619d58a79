"""Correlation ids for SQS records, as DESIGN.md defines them.

Order: the ``CorrelationId`` message attribute, else the X-Ray root of ``AWSTraceHeader``, else the
message id. Pure functions over the Lambda record dict so the local runtime and tests share them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from queue_worker.sqs_record import message_attributes_of, text_attribute

CORRELATION_ATTRIBUTE = "CorrelationId"


def xray_root(trace_header: str | None) -> str | None:
    """The ``Root=`` part of an X-Ray trace header, or None.

    >>> xray_root("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
    '1-5759e988-bd862e3fe1be46a994272793'
    """
    if not trace_header:
        return None
    for part in trace_header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "Root" and value:
            return value
    return None


def correlation_id_for(record: Mapping[str, Any]) -> str:
    """The correlation id of one Lambda SQS record."""
    attribute = message_attributes_of(record).get(CORRELATION_ATTRIBUTE) or {}
    value = attribute.get("stringValue")
    if isinstance(value, str) and value.strip():
        return value.strip()
    root = xray_root(text_attribute(record, "AWSTraceHeader"))
    if root:
        return root
    return str(record.get("messageId", ""))
