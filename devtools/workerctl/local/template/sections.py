"""Template sections the local runtime interprets: decoding, Parameters and the Globals merge.

Parameter values bind in CloudFormation's order of precedence: template defaults, then samconfig
overrides for the chosen environment, then the user's ``--parameter-overrides``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workerctl.errors import UserError
from workerctl.local.template.cfn_yaml import TemplateYamlError, load_template_text


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
    try:
        template = load_template_text(path.read_text(encoding="utf-8"))
    except (TemplateYamlError, UnicodeDecodeError) as exc:
        raise UserError(f"template {path} is invalid: {exc}") from exc
    if not isinstance(template, dict):
        raise UserError(f"template {path} is invalid: not a mapping")
    if not isinstance(template.get("Resources"), Mapping):
        raise UserError(f"template {path} is invalid: it has no Resources section")
    return template
