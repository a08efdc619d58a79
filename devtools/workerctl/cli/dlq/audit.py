"""The audit trail of ``dlq redrive`` and ``dlq replay``: one line per message moved, to the log and stdout.

Each line says who (the AWS caller identity's ARN on AWS, else the OS user), when (UTC), what
(``redrive``/``replay``), the selection, the DLQ message id (``old``), the jobs queue's new message id
(``new``) and the job's original message id. The log is a JSON lines file, ``--audit-log`` (default
``$WORKERCTL_AUDIT_LOG`` or ``.workerctl/audit.jsonl``), appended to and never rewritten; ``workerctl
trace`` reads it to show a job's redrives. Stdout gets the same as a readable line, or the JSON with
``--json``::

    audit 2026-05-01T03:12:09.000Z who=arn:aws:sts::1:assumed-role/oncall/ana action=redrive
      old=7c1e... new=0b9f... original=59d6... type=checksum selection={"error_type":["TimeoutError"]}
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from workerctl.aws import AWS_ERRORS, aws_client

AUDIT_LOG_VARIABLE = "WORKERCTL_AUDIT_LOG"
DEFAULT_AUDIT_LOG = Path(".workerctl") / "audit.jsonl"


def default_audit_log() -> Path:
    """``$WORKERCTL_AUDIT_LOG``, else ``.workerctl/audit.jsonl`` under the current directory."""
    return Path(os.environ.get(AUDIT_LOG_VARIABLE) or DEFAULT_AUDIT_LOG)


def caller(endpoint_url: str | None, region: str) -> str:
    """Who is acting: STS GetCallerIdentity's ARN on AWS (``endpoint_url`` None), else the OS user.

    Best effort: an identity that cannot be read is recorded as ``os-user:<name>`` rather than
    blocking the operation.
    """
    user = f"os-user:{_os_user()}"
    if endpoint_url is not None:
        return user
    try:
        return str(aws_client("sts", None, region, local=False).get_caller_identity()["Arn"])
    except AWS_ERRORS:
        return user


def _os_user() -> str:
    try:
        return getpass.getuser()
    except OSError:  # no login name (some containers)
        return str(os.getuid())


@dataclass(frozen=True)
class AuditLine:
    """One moved message."""

    when: str
    who: str
    action: str
    selection: dict[str, Any]
    old_message_id: str
    new_message_id: str
    original_message_id: str
    job_type: str | None
    correlation_id: str | None
    from_queue: str
    to_queue: str

    def text(self) -> str:
        """The readable stdout form."""
        selection = json.dumps(self.selection, separators=(",", ":"))
        return (
            f"audit {self.when} who={self.who} action={self.action} old={self.old_message_id} "
            f"new={self.new_message_id} original={self.original_message_id} type={self.job_type or '-'} "
            f"selection={selection}"
        )


@dataclass
class AuditTrail:
    """Writes :class:`AuditLine` s for one command run."""

    path: Path
    who: str
    action: str
    selection: dict[str, Any]
    from_queue: str
    to_queue: str
    as_json: bool = False
    out: TextIO | None = None
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def record(
        self,
        old_id: str,
        new_id: str,
        *,
        original_id: str,
        job_type: str | None,
        correlation_id: str | None,
    ) -> AuditLine:
        """Append one line to the audit log, then print it."""
        line = AuditLine(
            when=self.clock().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            who=self.who,
            action=self.action,
            selection=self.selection,
            old_message_id=old_id,
            new_message_id=new_id,
            original_message_id=original_id,
            job_type=job_type,
            correlation_id=correlation_id,
            from_queue=self.from_queue,
            to_queue=self.to_queue,
        )
        document = json.dumps({"kind": "audit", **asdict(line)})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as log:
            log.write(document + "\n")
        print(document if self.as_json else line.text(), file=self.out or sys.stdout, flush=True)
        return line


def read_audit_log(path: Path) -> list[dict[str, Any]]:
    """Every audit line of ``path`` (none when it does not exist); unreadable lines are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    documents: list[dict[str, Any]] = []
    for raw in lines:
        try:
            document = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if isinstance(document, dict) and document.get("kind") == "audit":
            documents.append(document)
    return documents
