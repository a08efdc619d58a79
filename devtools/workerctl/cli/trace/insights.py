"""CloudWatch Logs Insights for ``workerctl trace`` on AWS: the worker's log group from the stack, and
one query (StartQuery, then GetQueryResults until it completes, with progress) for a set of ids.

The only trace code that calls AWS; clients are injected (tests use botocore's Stubber on real
clients with recorded response shapes).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from workerctl.aws import aws_call
from workerctl.errors import UserError

WORKER_LOG_GROUP = "WorkerLogGroup"  # the template's logical id of the worker's log group
SAFE_ID = re.compile(r"^[A-Za-z0-9_.:@/+=-]{1,256}$")
MAX_RESULTS = 10_000  # Logs Insights' largest limit
DONE = frozenset({"Complete"})
FAILED = frozenset({"Failed", "Cancelled", "Timeout", "Unknown"})


def query_string(ids: set[str]) -> str:
    """Every log event naming any of ``ids`` (in any field, in batch lines' id lists too), oldest first.

    >>> query_string({"m-1"})
    'fields @timestamp, @message | filter @message like "m-1" | sort @timestamp asc | limit 10000'
    """
    for value in ids:
        if not SAFE_ID.match(value):
            raise UserError(f"cannot search for {value!r}: ids may hold letters, digits and _.:@/+=- only")
    likes = " or ".join(f'@message like "{value}"' for value in sorted(ids))
    return f"fields @timestamp, @message | filter {likes} | sort @timestamp asc | limit {MAX_RESULTS}"


class LogsInsights:
    """Logs Insights queries on ``logs``; the log group looked up with ``cloudformation``."""

    def __init__(
        self,
        logs: Any,
        cloudformation: Any,
        *,
        progress: Callable[[str], None] = lambda _line: None,
        sleep: Callable[[float], None] = time.sleep,
        poll_seconds: float = 1.0,
        max_polls: int = 300,
    ) -> None:
        self._logs, self._cloudformation = logs, cloudformation
        self._progress, self._sleep = progress, sleep
        self._poll_seconds, self._max_polls = poll_seconds, max_polls

    def log_group(self, stack: str) -> str:
        """The physical name of the stack's ``WorkerLogGroup``."""
        with aws_call(f"DescribeStackResource {stack}/{WORKER_LOG_GROUP}"):
            answer = self._cloudformation.describe_stack_resource(
                StackName=stack, LogicalResourceId=WORKER_LOG_GROUP
            )
        return str(answer["StackResourceDetail"]["PhysicalResourceId"])

    def search(self, log_group: str, ids: set[str], since: datetime, until: datetime) -> list[dict[str, Any]]:
        """The JSON log documents of ``log_group`` between ``since`` and ``until`` naming any of ``ids``."""
        with aws_call(f"StartQuery on {log_group}"):
            query_id = self._logs.start_query(
                logGroupName=log_group,
                startTime=int(since.timestamp()),
                endTime=int(until.timestamp()),
                queryString=query_string(ids),
                limit=MAX_RESULTS,
            )["queryId"]
        for _ in range(self._max_polls):
            with aws_call("GetQueryResults"):
                answer = self._logs.get_query_results(queryId=query_id)
            status = str(answer.get("status"))
            stats = answer.get("statistics") or {}
            scanned, matched = int(stats.get("recordsScanned", 0)), int(stats.get("recordsMatched", 0))
            self._progress(f"Logs Insights {status.lower()}: {scanned} records scanned, {matched} matched")
            if status in DONE:
                return [document for row in answer.get("results", []) if (document := _document(row))]
            if status in FAILED:
                raise UserError(f"the Logs Insights query on {log_group} ended {status.lower()}")
            self._sleep(self._poll_seconds)
        raise UserError(f"the Logs Insights query on {log_group} did not finish; narrow it with --since")


def _document(row: list[dict[str, str]]) -> dict[str, Any] | None:
    """A result row's ``@message`` as JSON (the worker logs JSON); other lines (START, REPORT) are None."""
    fields = {cell.get("field"): cell.get("value", "") for cell in row}
    try:
        document = json.loads(fields.get("@message") or "")
    except json.JSONDecodeError:
        return None
    if not isinstance(document, dict):
        return None
    document.setdefault("timestamp", fields.get("@timestamp"))
    return document
