"""``workerctl send``: enqueue job envelopes (one type and payload, or a file of envelopes)."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from queue_worker.errors import InvalidEnvelopeError
from workerctl.aws import aws_call
from workerctl.cli.options import add_connection_options, client_for, queue_url
from workerctl.errors import UserError
from workerctl.queues import chunks


def register(subparsers: Any) -> None:
    """Add the ``send`` subcommand."""
    parser = subparsers.add_parser("send", help="enqueue jobs", description=__doc__)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--type", dest="job_type", help="job type, e.g. checksum")
    source.add_argument(
        "--file", type=Path, help="JSON lines file or JSON array of {type, payload} envelopes"
    )
    parser.add_argument("--payload", default="null", help="payload JSON for --type (default: null)")
    parser.add_argument("--correlation-id", help="CorrelationId message attribute (default: none)")
    parser.add_argument("--count", type=int, default=1, help="send the --type job N times (default: 1)")
    parser.add_argument("--queue-url", help="queue URL (default: <stack>-jobs looked up by name)")
    add_connection_options(parser, endpoint_default="http://localhost:4566")
    parser.set_defaults(func=run)


def envelopes_from_file(path: Path) -> list[str]:
    """Validated envelope bodies from a JSON array or JSON lines file; bad entries name their line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from exc
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = [(index, json.dumps(item)) for index, item in enumerate(json.loads(text), start=1)]
        except ValueError as exc:
            raise UserError(f"{path} is not a valid JSON array: {exc}") from exc
        where = "item"
    else:
        items = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        where = "line"
    bodies, problems = [], []
    for number, raw in items:
        try:
            bodies.append(validated_body(raw))
        except InvalidEnvelopeError as exc:
            problems.append(f"{where} {number}: {exc}")
    if problems:
        raise UserError(f"{path}: {len(problems)} invalid envelope(s): " + " | ".join(problems[:5]))
    return bodies


def envelopes_from_args(args: argparse.Namespace) -> list[str]:
    """``--type``/``--payload``/``--count`` as validated bodies."""
    try:
        payload = json.loads(args.payload)
    except ValueError as exc:
        raise UserError(f"--payload is not valid JSON: {exc}") from exc
    if args.count < 1:
        raise UserError("--count must be at least 1")
    try:
        body = validated_body(json.dumps({"type": args.job_type, "payload": payload}))
    except InvalidEnvelopeError as exc:
        raise UserError(f"invalid envelope: {exc}") from exc
    return [body] * args.count


def validated_body(raw: str) -> str:
    """The body the worker will accept: ``raw`` through the worker's own ``parse_envelope``.

    Imported late: pydantic (via queue_worker.envelope) adds ~0.3 s to every workerctl command's start.
    """
    from queue_worker.envelope import parse_envelope  # noqa: PLC0415

    return parse_envelope(raw).model_dump_json()


def send_bodies(client: Any, url: str, bodies: Sequence[str], correlation_id: str | None) -> int:
    """SendMessageBatch in chunks of 10; FIFO queues get a group and a unique deduplication id."""
    sent = 0
    for chunk in chunks(bodies):
        entries = []
        for index, body in enumerate(chunk):
            entry: dict[str, Any] = {"Id": str(index), "MessageBody": body}
            if correlation_id:
                entry["MessageAttributes"] = {
                    "CorrelationId": {"DataType": "String", "StringValue": correlation_id}
                }
            if url.endswith(".fifo"):
                entry |= {
                    "MessageGroupId": correlation_id or "workerctl",
                    "MessageDeduplicationId": str(uuid.uuid4()),
                }
            entries.append(entry)
        response = client.send_message_batch(QueueUrl=url, Entries=entries)
        for failure in response.get("Failed", []):
            raise UserError(
                f"SendMessageBatch refused a message: {failure.get('Code')} {failure.get('Message')}"
            )
        sent += len(response.get("Successful", []))
    return sent


def run(args: argparse.Namespace) -> int:
    """Validate first, then send; prints how many were sent and where."""
    bodies = envelopes_from_file(args.file) if args.file else envelopes_from_args(args)
    client = client_for(args)
    url = queue_url(client, args)
    with aws_call(f"SendMessageBatch {url}"):
        sent = send_bodies(client, url, bodies, args.correlation_id)
    sys.stdout.write(f"sent {sent} job(s) to {url}\n")
    return 0
