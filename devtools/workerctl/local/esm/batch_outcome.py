"""Which records of an invocation stay on the queue: Lambda's rules for ReportBatchItemFailures.

Complete success: a null/empty response, or a null/empty ``batchItemFailures``. Complete failure: an
exception or timeout, a response that is not an object, ``batchItemFailures`` that is not a list, or any
item whose ``itemIdentifier`` is missing, empty or not a message id of the batch. Otherwise exactly the
listed records fail. Without ReportBatchItemFailures any normal return is complete success.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any


def failed_message_ids(
    *, ok: bool, response: Any, message_ids: Collection[str], report_batch_item_failures: bool
) -> set[str]:
    """The message ids that must not be deleted."""
    everything = set(message_ids)
    if not ok:
        return everything
    if not report_batch_item_failures or response is None:
        return set()
    failures = response.get("batchItemFailures") if isinstance(response, dict) else "invalid"
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return everything
    failed: set[str] = set()
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or identifier not in everything:
            return everything
        failed.add(identifier)
    return failed
