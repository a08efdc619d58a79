"""The MD5 digests SQS attaches to a message: of its body, and of its message attributes.

Lambda's SQS records carry ``md5OfBody`` and, when the message has attributes,
``md5OfMessageAttributes``. The attribute digest follows the algorithm SQS documents
(https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation):
attributes sorted by name; for each, the 4-byte big-endian length and UTF-8 bytes of the name, then of the
data type, then one transport byte (1 = String, 2 = Binary) and the length and bytes of the value.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping
from typing import Any

STRING_TRANSPORT = 1
BINARY_TRANSPORT = 2


def _with_length(value: bytes) -> bytes:
    return struct.pack("!I", len(value)) + value


def message_attributes_md5(attributes: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The hex MD5 SQS computes over ReceiveMessage's ``MessageAttributes``; None when there are none."""
    if not attributes:
        return None
    digest = hashlib.md5(usedforsecurity=False)
    for name in sorted(attributes):
        value = attributes[name]
        digest.update(_with_length(name.encode()))
        digest.update(_with_length(str(value.get("DataType", "String")).encode()))
        if value.get("StringValue") is not None:
            digest.update(bytes([STRING_TRANSPORT]) + _with_length(str(value["StringValue"]).encode()))
        elif value.get("BinaryValue") is not None:
            raw = value["BinaryValue"]
            raw = raw.encode() if isinstance(raw, str) else raw
            digest.update(bytes([BINARY_TRANSPORT]) + _with_length(raw))
    return digest.hexdigest()
