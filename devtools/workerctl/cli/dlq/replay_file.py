"""What ``dlq replay`` reads: an export file, every line checked before anything is sent.

Each line must be an exported dead letter whose ``envelope`` the worker would accept: the envelope
model (``send``'s :func:`~workerctl.cli.send.checked_body`: shape, SQS's characters, its size) and the
job registry's payload model (the dashboard's :class:`~workerctl.local.dashboard.jobs.JobCatalog`, on
the worker's ``JOB_MODULES``). ``body`` is the original and must not be edited (``body_sha256`` says).

An unchanged ``envelope`` sends the original body byte for byte with its ``DeadLetter`` attribute, so
the worker keeps the job's first message id (the signature covers the id and the body) and a second
delivery is a replay its idempotency skips. An edited one is a new job: its body is the validated
envelope, ``DeadLetter`` is dropped (its signature could not verify), and the job runs under its new id.
Either way the original correlation id stays (a ``CorrelationId`` attribute is added when missing).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from queue_worker.correlation import CORRELATION_ATTRIBUTE
from queue_worker.dead_letter import DEAD_LETTER_ATTRIBUTE, MAX_MESSAGE_ATTRIBUTES, folded_attributes
from queue_worker.errors import InvalidEnvelopeError
from workerctl.cli.dlq.export import EXPORT_KIND, body_digest, parsed_envelope
from workerctl.cli.inputs import dump_json, read_text, strict_json
from workerctl.cli.options import is_aws
from workerctl.cli.send import checked_body
from workerctl.errors import UserError
from workerctl.local.demo import DEMO_JOB_MODULE
from workerctl.queues import MAX_MESSAGE_BYTES, message_size

JOB_MODULES_VARIABLE = "JOB_MODULES"

type Validate = Callable[[object, object], str]  # (job type, payload) -> the worker's body, or raises


@dataclass(frozen=True)
class ReplayEntry:
    """One checked line: what to send in place of the dead letter ``message_id``."""

    line: int
    message_id: str
    body: str
    attributes: dict[str, dict[str, Any]]
    edited: bool
    job_type: str
    correlation_id: str | None
    original_message_id: str


def job_modules(args: argparse.Namespace) -> tuple[str, ...]:
    """``--job-modules``, else ``$JOB_MODULES``, else the template's ``JobModules`` for ``--env``
    (samconfig's override, else its default); the local runtime's demo jobs on a local endpoint."""
    if args.job_modules:
        return tuple(name.strip() for name in args.job_modules.split(",") if name.strip())
    if names := os.environ.get(JOB_MODULES_VARIABLE):
        return tuple(name.strip() for name in names.split(",") if name.strip())
    from workerctl.local.template.samconfig import load_environment  # noqa: PLC0415 - cfn-lint: slow
    from workerctl.local.template.sections import decode_template, parameter_values  # noqa: PLC0415

    overrides = load_environment(args.config_file, args.env).parameter_overrides
    parameters = parameter_values(decode_template(args.template), overrides)
    modules = tuple(name.strip() for name in parameters.get("JobModules", "").split(",") if name.strip())
    return modules if is_aws(args.endpoint_url) else (*modules, DEMO_JOB_MODULE)


def registry_validator(modules: tuple[str, ...]) -> Validate:
    """The dashboard's check of a job against the registry of ``modules`` (imported here, once)."""
    from queue_worker.errors import ConfigurationError  # noqa: PLC0415 - pydantic: not at every start
    from queue_worker.registry import load_job_modules  # noqa: PLC0415
    from workerctl.local.dashboard.jobs import JobCatalog  # noqa: PLC0415

    try:
        load_job_modules(modules)
    except ConfigurationError as exc:
        raise UserError(f"{exc} (--job-modules names the worker's job modules)") from exc
    return JobCatalog(modules).validated_body


def read_export(path: Path, validate: Validate) -> list[ReplayEntry]:
    """Every entry of ``path``, checked; any problem: one stderr line per bad line, then a UserError."""
    entries, problems, seen = [], [], dict[str, int]()
    for number, text in enumerate(read_text(path, "the export file").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            entry = _entry(number, text, validate)
        except UserError as exc:
            problems.append(f"{path} line {number}: {exc}")
            continue
        if entry.message_id in seen:
            problems.append(
                f"{path} line {number}: message_id {entry.message_id} repeats line {seen[entry.message_id]}"
            )
            continue
        seen[entry.message_id] = number
        entries.append(entry)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        raise UserError(f"{path}: {len(problems)} invalid line(s), listed above; nothing sent")
    if not entries:
        raise UserError(f"{path} holds no exported dead letters; nothing to replay")
    return entries


def _field[T](line: dict[str, Any], name: str, kind: type[T]) -> T:
    value = line.get(name)
    if not isinstance(value, kind):
        raise UserError(f"{name} must be a {kind.__name__}")
    return value


def _entry(number: int, text: str, validate: Validate) -> ReplayEntry:
    line = strict_json(text, "the line")
    if not isinstance(line, dict) or line.get("kind") != EXPORT_KIND:
        raise UserError(f'not an exported dead letter (no "kind": "{EXPORT_KIND}")')
    message_id, body = _field(line, "message_id", str), _field(line, "body", str)
    if body_digest(body) != line.get("body_sha256"):
        raise UserError("body differs from the exported one (body_sha256): edit envelope, not body")
    envelope = line.get("envelope")
    if not isinstance(envelope, dict):
        raise UserError('envelope must be a {"type": ..., "payload": ...} object')
    try:
        validated = checked_body(dump_json(envelope, "envelope"))
    except InvalidEnvelopeError as exc:
        raise UserError(f"invalid envelope: {exc}") from exc
    validate(envelope.get("type"), envelope.get("payload"))  # the registry: type and payload model
    edited = _canonical(envelope) != _canonical(parsed_envelope(body))
    attributes = _attributes(_field(line, "attributes", dict), edited, line.get("correlation_id"))
    sent_body = validated if edited else body
    if (
        size := message_size({"MessageBody": sent_body, "MessageAttributes": attributes})
    ) > MAX_MESSAGE_BYTES:
        raise UserError(f"{size:,} bytes with its attributes, over SQS's {MAX_MESSAGE_BYTES:,}")
    return ReplayEntry(
        line=number,
        message_id=message_id,
        body=sent_body,
        attributes=attributes,
        edited=edited,
        job_type=str(envelope["type"]),
        correlation_id=_text_or_none(line.get("correlation_id")),
        original_message_id=_text_or_none(line.get("original_message_id")) or message_id,
    )


def _canonical(value: object) -> str:
    """JSON with sorted keys: ``1`` and ``true`` differ (Python's ``==`` says they are equal)."""
    return json.dumps(value, sort_keys=True)


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _attributes(exported: dict[str, Any], edited: bool, correlation_id: object) -> dict[str, dict[str, Any]]:
    """The exported attributes in SendMessage's shape; an edited job loses ``DeadLetter``."""
    attributes = folded_attributes({"originalAttributes": exported})  # the same JSON form, bytes decoded
    if bad := sorted(set(exported) - set(attributes)):
        raise UserError(f'attribute {bad[0]} is not {{"DataType", "StringValue" or "BinaryValue" (base64)}}')
    if edited:
        attributes.pop(DEAD_LETTER_ATTRIBUTE, None)
    if (
        isinstance(correlation_id, str)
        and correlation_id
        and CORRELATION_ATTRIBUTE not in attributes
        and len(attributes) < MAX_MESSAGE_ATTRIBUTES
    ):
        attributes[CORRELATION_ATTRIBUTE] = {"DataType": "String", "StringValue": correlation_id}
    if len(attributes) > MAX_MESSAGE_ATTRIBUTES:
        raise UserError(f"{len(attributes)} attributes, over SQS's {MAX_MESSAGE_ATTRIBUTES}")
    return attributes
