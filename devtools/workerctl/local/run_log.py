"""The local runtime's queryable log for the run: one JSON lines file ``workerctl trace`` reads.

It holds what CloudWatch Logs would hold on AWS, plus what only the event source mapping sees:

- every JSON log line the functions print (the worker's Powertools lines; EMF metric documents are
  left out), unchanged;
- one ``{"kind": "received", ...}`` document per record the mapping delivers: message id, receive
  count, sent time, correlation id and the original message id of a redriven job, so a trace shows
  when a job was sent and each receive, even for a success the worker only lists in its batch line.

The file is truncated when the runtime starts (``workerctl run --run-log``), so it is one run's log.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from queue_worker.correlation import correlation_id_for
from queue_worker.dead_letter import original_message_id

RECEIVED = "received"


class RunLog:
    """Appends documents to ``path`` from any thread (pollers and function output run concurrently)."""

    def __init__(self, path: Path, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")

    def function_line(self, line: str) -> None:
        """Keep ``line`` when it is a JSON log document (not an EMF metric document)."""
        if not line.startswith("{"):
            return
        try:
            document = json.loads(line)
        except json.JSONDecodeError:
            return
        if isinstance(document, dict) and "_aws" not in document:
            self._write([line])

    def received(self, event: Mapping[str, Any]) -> None:
        """One ``received`` document per record of the SQS ``event`` about to be delivered."""
        now = self._clock().isoformat(timespec="milliseconds")
        documents = []
        for record in event.get("Records", []):
            original = original_message_id(record)
            attributes = record.get("attributes") or {}
            sent = str(attributes.get("SentTimestamp", ""))
            documents.append(
                json.dumps(
                    {
                        "kind": RECEIVED,
                        "timestamp": now,
                        "message_id": record["messageId"],
                        "original_message_id": original,
                        "correlation_id": correlation_id_for({**record, "messageId": original}),
                        "receive_count": int(attributes.get("ApproximateReceiveCount", "1")),
                        "sent_at": _ms_to_iso(sent) if sent.isdigit() else None,
                    }
                )
            )
        self._write(documents)

    def delivering[R](self, invoke: Callable[[dict[str, Any]], R]) -> Callable[[dict[str, Any]], R]:
        """``invoke`` (the function pool's), recording each event's records as received first."""

        def logged(event: dict[str, Any]) -> R:
            self.received(event)
            return invoke(event)

        return logged

    def _write(self, lines: list[str]) -> None:
        if not lines:
            return
        with self._lock, self.path.open("a", encoding="utf-8") as log:
            log.write("".join(f"{line}\n" for line in lines))


def read_run_log(path: Path) -> Iterator[dict[str, Any]]:
    """Every document of a run log (lines that are not JSON objects are skipped)."""
    with path.open(encoding="utf-8") as log:
        for line in log:
            try:
                document = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(document, dict):
                yield document


def _ms_to_iso(milliseconds: str) -> str:
    return datetime.fromtimestamp(int(milliseconds) / 1000, UTC).isoformat(timespec="milliseconds")
