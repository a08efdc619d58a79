"""The journey of a job, from log documents: pure logic shared by the AWS and the local trace.

Documents are the worker's JSON log lines (CloudWatch Logs or the local run log), the local run log's
``received`` documents, and the CLI's audit lines. A job is found by a message id or a correlation id;
:func:`related_ids` widens the search to every message of the same job (redriven copies, replays)
and to the jobs it sent onward, which carry the same correlation id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

RETRIED = "job failed, will be retried"
DLQ_SEND_FAILED = "job failed permanently and the DLQ send failed"
DEAD_LETTERED = "job failed permanently; sent to the dead-letter queue"
BATCH_LINES = frozenset({"batch processed", "batch processed (continued)"})


@dataclass(frozen=True)
class Step:
    """One thing that happened to one message of the job."""

    when: datetime
    message_id: str
    what: str
    receive_count: int | None = None
    new_message_id: str | None = None  # a redrive or replay: the copy it sent


def parse_time(value: object) -> datetime | None:
    """Powertools' ``2026-05-01 03:12:09,123+0000``, ISO 8601, or epoch milliseconds; UTC."""
    text = str(value or "")
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    for pattern in ("%Y-%m-%d %H:%M:%S,%f%z", "%Y-%m-%d %H:%M:%S.%f"):
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _entries(document: dict[str, Any]) -> Iterable[tuple[str, str, int, str]]:
    """(outcome, message id, receive count, correlation id) of a batch line's compact id lists."""
    for key, outcome in (("succeeded_ids", "succeeded"), ("skipped_ids", "skipped")):
        for entry in document.get(key) or []:
            message_id, _, rest = str(entry).partition(" ")
            count, _, correlation = rest.partition(" ")
            yield outcome, message_id, int(count or 1), correlation or message_id


def ids_of(document: dict[str, Any]) -> set[str]:
    """Every message and correlation id a document names (an audit line: old, new and original)."""
    if document.get("kind") == "audit":
        keys = ("old_message_id", "new_message_id", "original_message_id", "correlation_id")
        return {str(document[key]) for key in keys if document.get(key)}
    found = {
        str(document[key])
        for key in ("message_id", "correlation_id", "original_message_id")
        if document.get(key)
    }
    for _, message_id, _, correlation in _entries(document):
        found.update((message_id, correlation))
    return found


def related_ids(documents: list[dict[str, Any]], wanted: set[str]) -> set[str]:
    """``wanted`` and every id that shares a document with one of them, until nothing new appears."""
    ids = set(wanted)
    while True:
        grown = set(ids)
        for document in documents:
            if document.get("message") in BATCH_LINES:  # a batch line names unrelated jobs too
                for _, message_id, _, correlation in _entries(document):
                    if ids & {message_id, correlation}:
                        grown.update((message_id, correlation))
                continue
            named = ids_of(document)
            if ids & named:
                grown |= named
        if grown == ids:
            return ids
        ids = grown


def steps_of(document: dict[str, Any], ids: set[str]) -> list[Step]:
    """The journey steps one document contributes for the job ``ids``."""
    when = parse_time(document.get("timestamp") or document.get("when"))
    if when is None:
        return []
    if document.get("kind") == "audit":
        action = "replayed" if document.get("action") == "replay" else "redriven"
        who, selection = document.get("who"), document.get("selection") or "everything"
        what = f"{action} by {who} as {document.get('new_message_id')} (selection {selection})"
        copy = str(document.get("new_message_id"))
        return [Step(when, str(document.get("old_message_id")), what, new_message_id=copy)]
    if document.get("kind") == "received":
        return _received(document, when)
    if document.get("message") in BATCH_LINES:
        return [
            Step(
                when,
                message_id,
                "succeeded"
                if outcome == "succeeded"
                else "skipped near the timeout: back in the queue at once",
                count,
            )
            for outcome, message_id, count, correlation in _entries(document)
            if ids & {message_id, correlation}
        ]
    return _worker_line(document, when)


def _received(document: dict[str, Any], when: datetime) -> list[Step]:
    message_id, count = str(document["message_id"]), int(document.get("receive_count", 1))
    steps = [Step(when, message_id, f"received (receive {count})", count)]
    sent = parse_time(document.get("sent_at"))
    redriven = document.get("original_message_id", message_id) != message_id  # the audit line says so
    if count == 1 and sent is not None and not redriven:
        steps.insert(0, Step(sent, message_id, "sent"))
    return steps


def _worker_line(document: dict[str, Any], when: datetime) -> list[Step]:
    message = document.get("message")
    message_id, count = str(document.get("message_id", "?")), document.get("receive_count")
    if message in {RETRIED, DLQ_SEND_FAILED}:
        what = (
            f"failed: {document.get('error_type')}; retry in {document.get('retry_in_seconds')} s (backoff)"
        )
    elif message == DEAD_LETTERED:
        what = f"dead-lettered: {document.get('error_type')}: {document.get('error', '')}"
    elif document.get("level") in {"ERROR", "WARNING", "CRITICAL"} and message_id != "?":
        what = f"{str(document.get('level')).lower()}: {message}"
    else:
        return []
    return [Step(when, message_id, what, int(count) if count is not None else None)]


def journey(documents: list[dict[str, Any]], wanted: str) -> tuple[list[Step], set[str]]:
    """The job's steps in time order, and every id that belongs to it (see :func:`related_ids`)."""
    ids = related_ids(documents, {wanted})
    steps = [step for document in documents for step in steps_of(document, ids)]
    relevant = {step for step in steps if step.message_id in ids}
    return sorted(_redrives_first(relevant), key=lambda step: (step.when, step.new_message_id is None)), ids


def _redrives_first(steps: set[Step]) -> list[Step]:
    """The audit line is written once the copy is sent and the dead letter deleted, so the copy can be
    received before it: a redrive step is placed no later than its copy's first step."""
    first: dict[str, datetime] = {}
    for step in steps:
        first[step.message_id] = min(first.get(step.message_id, step.when), step.when)
    return [
        replace(step, when=min(step.when, first.get(step.new_message_id, step.when)))
        if step.new_message_id
        else step
        for step in steps
    ]
