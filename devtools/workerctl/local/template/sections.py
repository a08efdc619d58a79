"""Template sections the local runtime interprets: Parameters, Globals and a function's SQS Events.

:func:`load_model` decodes template.yaml with cfn-lint's decoder and binds parameter values in
CloudFormation's order of precedence: template defaults, then samconfig overrides for the chosen
environment, then the user's ``--parameter-overrides``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workerctl.errors import UserError
from workerctl.local.template.intrinsics import LocalValues, Resolver

if TYPE_CHECKING:
    from workerctl.local.template.model import TemplateModel

DEFAULT_ACCOUNT_ID = "123456789012"  # moto's default account


@dataclass(frozen=True)
class SqsEventSpec:
    """One ``Type: SQS`` event of a function: the event source mapping to emulate."""

    name: str
    queue_arn: str
    queue_logical_id: str | None
    batch_size: int = 10
    batching_window_seconds: float = 0.0
    maximum_concurrency: int = 1000
    filters: tuple[dict[str, Any], ...] = ()
    report_batch_item_failures: bool = False
    enabled: bool = True


def merge_globals(globals_: Mapping[str, Any], properties: Mapping[str, Any]) -> dict[str, Any]:
    """SAM's Globals merge: maps merge key by key, lists concatenate (globals first), scalars override."""
    merged: dict[str, Any] = dict(globals_)
    for key, value in properties.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping) and not _is_intrinsic(value):
            merged[key] = merge_globals(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            merged[key] = [*current, *value]
        else:
            merged[key] = value
    return merged


def _is_intrinsic(value: Mapping[str, Any]) -> bool:
    key = str(next(iter(value), ""))
    return len(value) == 1 and (key in {"Ref", "Condition"} or key.startswith("Fn::"))


def _filters(properties: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    """FilterCriteria.Filters[].Pattern (JSON strings, or already-parsed maps)."""
    patterns = []
    for item in (properties.get("FilterCriteria") or {}).get("Filters") or []:
        pattern = item.get("Pattern")
        try:
            patterns.append(json.loads(pattern) if isinstance(pattern, str) else dict(pattern))
        except (TypeError, ValueError) as exc:
            raise UserError(f"FilterCriteria pattern {pattern!r} is not a JSON object") from exc
    return tuple(patterns)


def sqs_events(
    events: Mapping[str, Any], attributes: Mapping[tuple[str, str], str]
) -> tuple[SqsEventSpec, ...]:
    """The resolved ``Events`` of a function → its SQS event source mappings."""
    arn_owner = {value: key[0] for key, value in attributes.items() if key[1] == "Arn"}
    specs = []
    for name, event in events.items():
        if not isinstance(event, Mapping) or event.get("Type") != "SQS":
            continue
        props = event.get("Properties") or {}
        queue_arn = str(props.get("Queue", ""))
        scaling = props.get("ScalingConfig") or {}
        specs.append(
            SqsEventSpec(
                name=str(name),
                queue_arn=queue_arn,
                queue_logical_id=arn_owner.get(queue_arn),
                batch_size=int(props.get("BatchSize", 10)),
                batching_window_seconds=float(props.get("MaximumBatchingWindowInSeconds", 0)),
                maximum_concurrency=int(scaling.get("MaximumConcurrency", 1000)),
                filters=_filters(props),
                report_batch_item_failures="ReportBatchItemFailures"
                in (props.get("FunctionResponseTypes") or []),
                enabled=props.get("Enabled", True) not in (False, "false", "False"),
            )
        )
    return tuple(specs)


def parameter_values(template: Mapping[str, Any], *layers: Mapping[str, str]) -> dict[str, str]:
    """Parameter defaults overlaid by each of ``layers`` in turn; unknown names and gaps are errors."""
    declared = template.get("Parameters") or {}
    values = {str(k): _text(v.get("Default")) for k, v in declared.items() if "Default" in v}
    for layer in layers:
        unknown = sorted(set(layer) - set(declared))
        if unknown:
            raise UserError(f"parameter override names unknown template parameter(s): {', '.join(unknown)}")
        values.update(layer)
    missing = sorted(set(declared) - set(values))
    if missing:
        raise UserError(f"template parameter(s) without a default need a value: {', '.join(missing)}")
    return values


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def decode_template(path: Path) -> dict[str, Any]:
    """The template as plain data, or one clear :class:`UserError` when missing or invalid."""
    if not path.is_file():
        raise UserError(f"template {path} not found (run from the project root or pass --template)")
    from cfnlint.decode import decode  # noqa: PLC0415 - slow import (seconds), only when a template is read

    template, matches = decode(str(path))
    if matches or not isinstance(template, dict):
        first = str(matches[0]) if matches else "not a mapping"
        raise UserError(f"template {path} is invalid: {first}")
    if not isinstance(template.get("Resources"), Mapping):
        raise UserError(f"template {path} is invalid: it has no Resources section")
    return template


def load_model(
    path: Path,
    *,
    stack_name: str,
    region: str,
    overrides: tuple[Mapping[str, str], ...] = (),
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> TemplateModel:
    """Decode ``path`` and bind parameters; queues and tables are resolved, functions on demand."""
    from workerctl.local.template.model import TemplateModel  # noqa: PLC0415 - template_model imports this module

    template = decode_template(path)
    values = LocalValues(region, account_id, stack_name, parameter_values(template, *overrides))
    model = TemplateModel(template, path.parent.resolve(), Resolver(values, template.get("Conditions")))
    model.load_queues()
    model.load_tables()
    return model
