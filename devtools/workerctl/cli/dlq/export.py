"""``workerctl dlq export --out FILE.jsonl``: the dead letters with their metadata, to fix and replay.

The DLQ is scanned the way a selective redrive's dry run scans it (the selection flags apply, ``--max``
too), and every message is made visible again as soon as the scan ends: nothing is consumed. Each
selected dead letter becomes one JSON line (format in docs/dlq.md, "dlq export"):

- ``message_id`` (the DLQ message's: what ``dlq replay`` deletes once the replacement is sent),
  ``envelope`` (the body parsed, the part to edit), ``body`` and ``body_sha256`` (the original, which a
  replay sends byte for byte while ``envelope`` is unchanged);
- ``attributes``: every message attribute as the replay sends it, in SendMessage's shape (binary values
  base64), folded originals restored, ``DeadLetter`` included;
- the metadata: correlation id, original message id, job type, error type and message, ``failed_at``.

An existing file is never overwritten unless ``--force`` is given (an export being fixed by hand is
work that a second export must not destroy).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

from queue_worker.dead_letter import to_metadata_attributes
from workerctl.cli.dlq.selection import (
    add_selection_arguments,
    dead_lettered_at,
    error_type,
    original_id,
    selection_from,
)
from workerctl.cli.dlq.selective import redrive_selected
from workerctl.cli.dlq.targets import DLQ_SUFFIX, resolve
from workerctl.cli.options import client_for
from workerctl.dlq.inspection import Inspected
from workerctl.dlq.redrive import replay_attributes
from workerctl.dlq.sqs_adapter import Received, SqsQueues
from workerctl.errors import UserError

EXPORT_KIND = "dead_letter"


def body_digest(body: str) -> str:
    """SHA-256 hex of the body's UTF-8 bytes: shows a replay whether ``body`` was edited by hand."""
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def parsed_envelope(body: str) -> dict[str, Any] | None:
    """The body as a JSON object (the envelope to edit), None when it is not one."""
    try:
        value = json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def export_line(message: Received, row: Inspected) -> dict[str, Any]:
    """The JSON line of one dead letter (``row`` is its :func:`~workerctl.dlq.inspection.describe`)."""
    metadata = row.dead_letter or {}
    failed_at = dead_lettered_at(row)
    return {
        "kind": EXPORT_KIND,
        "message_id": message.message_id,
        "envelope": parsed_envelope(message.body),
        "body": message.body,
        "body_sha256": body_digest(message.body),
        "attributes": to_metadata_attributes(replay_attributes(message)),
        "correlation_id": row.correlation_id,
        "original_message_id": original_id(row),
        "job_type": row.job_type,
        "error_type": error_type(row),
        "error_message": str(metadata.get("errorMessage", row.error)),
        "failed_at": failed_at.isoformat(timespec="milliseconds") if failed_at else None,
        "receive_count": row.receive_count,
        "group_id": row.group_id,
    }


def write_export(path: Path, lines: list[dict[str, Any]], *, force: bool) -> None:
    """Write ``lines`` as JSON lines; an existing ``path`` is an error unless ``force``."""
    try:
        with path.open("w" if force else "x", encoding="utf-8") as out:
            out.writelines(json.dumps(line) + "\n" for line in lines)
    except FileExistsError:
        raise UserError(f"{path} exists: export to a new file, or pass --force to overwrite it") from None
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc


def run_export(args: argparse.Namespace) -> int:
    """Scan (nothing consumed), write the selected dead letters, summarise."""
    if args.out.exists() and not args.force:  # before the scan: a refusal costs no receive
        raise UserError(f"{args.out} exists: export to a new file, or pass --force to overwrite it")
    queues = SqsQueues(client_for(args))
    dlq = resolve(queues, args, args.dlq_url, DLQ_SUFFIX)
    scan = redrive_selected(queues, dlq, dlq, selection_from(args), dry_run=True)
    lines = [export_line(message, row) for message, row in zip(scan.messages, scan.selected, strict=True)]
    write_export(args.out, lines, force=args.force)
    if args.json:
        summary = {"kind": "summary", "exported": len(lines), "scanned": scan.scanned, "from": dlq.name}
        print(json.dumps({**summary, "file": str(args.out)}))
    else:
        print(
            f"exported {len(lines)} of {scan.scanned} message(s) scanned {dlq.name} -> {args.out} "
            "(not consumed: every message is visible again)"
        )
    return 0


def register_export(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add ``dlq export`` (the caller adds the common DLQ/stack/endpoint options)."""
    export = actions.add_parser(
        "export",
        help="write dead letters with their metadata to a JSON lines file (nothing consumed)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("--out", type=Path, required=True, metavar="FILE", help="JSON lines file to write")
    export.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    export.add_argument("--json", action="store_true", help="a JSON summary line instead of text")
    add_selection_arguments(export, max_help="export at most this many")
    export.set_defaults(func=run_export)
    return export
