"""Reading a dead letter's ``DeadLetter`` attribute (format: docs/dlq.md), for inspect and redrive.

INTERIM. The format belongs to ``queue_worker.dead_letter``, and the worker's issue-13 change adds
its readers there with these very signatures (``read_metadata(record)``, ``folded_attributes(metadata)``).
Until that lands, this module reads the same format; when it does, delete this module and import
both functions from ``queue_worker.dead_letter`` (the callers and tests stay as they are).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from queue_worker.dead_letter import DEAD_LETTER_ATTRIBUTE


def read_metadata(record: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``DeadLetter`` JSON object of a Lambda-shaped SQS record; None when absent or not an object."""
    attributes = record.get("messageAttributes")
    attribute = attributes.get(DEAD_LETTER_ATTRIBUTE) if isinstance(attributes, Mapping) else None
    raw = attribute.get("stringValue") if isinstance(attribute, Mapping) else None
    if not isinstance(raw, str):
        return None
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def folded_attributes(metadata: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``originalAttributes`` of the metadata in SendMessage's shape (``BinaryValue`` as bytes).

    The worker folds a message's attributes into ``DeadLetter`` when there were ten (no room for its
    own). Entries that are not ``{"DataType", "StringValue"|"BinaryValue"}`` objects are skipped.
    """
    folded = metadata.get("originalAttributes")
    if not isinstance(folded, Mapping):
        return {}
    restored: dict[str, dict[str, Any]] = {}
    for name, entry in folded.items():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("DataType"), str):
            continue
        if isinstance(entry.get("StringValue"), str):
            restored[str(name)] = {"DataType": entry["DataType"], "StringValue": entry["StringValue"]}
        elif isinstance(entry.get("BinaryValue"), str):
            try:
                data = base64.b64decode(entry["BinaryValue"], validate=True)
            except (binascii.Error, ValueError):
                continue
            restored[str(name)] = {"DataType": entry["DataType"], "BinaryValue": data}
    return restored
