"""``workerctl send``: enqueue job envelopes (one type and payload, or a file of envelopes).

Every envelope is checked before the first is sent (the worker's own envelope model, JSON without
``NaN``/``Infinity``, SQS's 1 MiB per message and its character set). Messages go out in
SendMessageBatch calls of at most 10 messages and 1 MiB; if one fails, the error says how many jobs
were sent and the ``--skip N`` that resumes without sending any of them twice.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from queue_worker.errors import InvalidEnvelopeError
from workerctl.cli.inputs import dump_json, read_text, strict_json
from workerctl.cli.options import add_connection_options, client_for, queue_url
from workerctl.cli.sending import SendFailedError, send_all
from workerctl.errors import UserError
from workerctl.queues import MAX_MESSAGE_BYTES, job_entry, message_size

# Characters SQS refuses in a message (its allowed set: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000+).
_NOT_ALLOWED = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


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
    parser.add_argument(
        "--skip",
        type=_count,
        default=0,
        metavar="N",
        help="leave out the first N jobs (resume a send that stopped; its error says N)",
    )
    parser.add_argument("--queue-url", help="queue URL (default: <stack>-jobs looked up by name)")
    add_connection_options(parser, endpoint_default="http://localhost:4566")
    parser.set_defaults(func=run)


def _file_items(path: Path) -> Iterator[tuple[str, Any]]:
    """``(where, JSON value)`` per envelope of a JSON array or JSON lines file; a bad line raises."""
    text = read_text(path, "--file")
    if text.lstrip().startswith("["):
        for index, item in enumerate(strict_json(text, f"{path} (a JSON array)"), start=1):
            yield f"item {index}", item
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield f"line {number}", _line(line, number)


def _line(line: str, number: int) -> Any:
    try:
        return strict_json(line, f"line {number}")
    except UserError as exc:
        return exc  # reported with the other problems of the file


def envelopes_from_file(path: Path, correlation_id: str | None = None) -> list[str]:
    """Validated envelope bodies from a JSON array or JSON lines file; bad entries name their line."""
    bodies, problems = [], []
    for where, item in _file_items(path):
        try:
            if isinstance(item, UserError):
                raise item
            bodies.append(checked_body(dump_json(item, where), correlation_id))
        except (InvalidEnvelopeError, UserError) as exc:
            problems.append(f"{where}: {str(exc).removeprefix(where + ' ')}")
    if problems:
        raise UserError(f"{path}: {len(problems)} invalid envelope(s): " + " | ".join(problems[:5]))
    return bodies


def envelopes_from_args(args: argparse.Namespace) -> list[str]:
    """``--type``/``--payload``/``--count`` as validated bodies."""
    payload = strict_json(args.payload, "--payload")
    if args.count < 1:
        raise UserError("--count must be at least 1")
    try:
        raw = dump_json({"type": args.job_type, "payload": payload}, "--payload")
        body = checked_body(raw, args.correlation_id)
    except InvalidEnvelopeError as exc:
        raise UserError(f"invalid envelope: {exc}") from exc
    return [body] * args.count


def checked_body(raw: str, correlation_id: str | None = None) -> str:
    """``validated_body(raw)`` that SQS also takes: allowed characters, ≤ 1 MiB with its attribute."""
    body = validated_body(raw)
    if found := _NOT_ALLOWED.search(body):
        raise UserError(f"character U+{ord(found.group()):04X} is not allowed in an SQS message")
    size = message_size(job_entry(body, correlation_id, fifo=False))
    if size > MAX_MESSAGE_BYTES:
        raise UserError(f"{size:,} bytes, over SQS's {MAX_MESSAGE_BYTES:,} per message")
    return body


def validated_body(raw: str) -> str:
    """The body the worker will accept: ``raw`` through the worker's own ``parse_envelope``.

    Imported late: pydantic (via queue_worker.envelope) adds ~0.3 s to every workerctl command's start.
    """
    from queue_worker.envelope import parse_envelope  # noqa: PLC0415

    return parse_envelope(raw).model_dump_json()


def send_bodies(
    client: Any, url: str, bodies: Sequence[str], correlation_id: str | None, *, skip: int = 0
) -> int:
    """Send ``bodies[skip:]`` in batches of at most 10 and 1 MiB; returns how many were sent."""
    fifo = url.endswith(".fifo")
    entries = [
        {"Id": str(number), **job_entry(body, correlation_id, fifo=fifo)}
        for number, body in enumerate(bodies, start=1)
    ]
    try:
        return send_all(client, url, entries[skip:])
    except SendFailedError as exc:
        raise UserError(exc.explain(total=len(bodies), skipped=skip)) from exc


def run(args: argparse.Namespace) -> int:
    """Validate first, then send; prints how many were sent and where."""
    if args.correlation_id is not None and _NOT_ALLOWED.search(args.correlation_id):
        raise UserError("--correlation-id has a character SQS does not allow")
    bodies = envelopes_from_file(args.file, args.correlation_id) if args.file else envelopes_from_args(args)
    if args.skip >= len(bodies):
        raise UserError(f"--skip {args.skip} leaves nothing to send: there are {len(bodies)} job(s)")
    client = client_for(args)
    url = queue_url(client, args)
    sent = send_bodies(client, url, bodies, args.correlation_id, skip=args.skip)
    skipped = f" (skipped the first {args.skip})" if args.skip else ""
    sys.stdout.write(f"sent {sent} job(s) to {url}{skipped}\n")
    return 0
