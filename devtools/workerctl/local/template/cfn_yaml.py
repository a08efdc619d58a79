"""A CloudFormation YAML reader: PyYAML's safe loader plus the short intrinsic tags (``!Ref``, ``!Sub``...).

Why not ``cfnlint.decode``: importing cfn-lint costs about 3 s of CPU (its rule registry loads with the
decoder), the largest part of ``workerctl run``'s start-up, and the runtime only needs the data. The
reader builds what cfn-lint's decoder builds for the same text (``tests/unit/workerctl/local/template/
test_cfn_yaml.py`` compares them on template.yaml): ``!Ref x`` → ``{"Ref": x}``, ``!Condition x`` →
``{"Condition": x}``, ``!GetAtt A.B`` → ``{"Fn::GetAtt": ["A", "B"]}``, any other ``!Name v`` →
``{"Fn::Name": v}``; duplicate keys are an error, as in cfn-lint and CloudFormation.
"""

from __future__ import annotations

from typing import Any

import yaml

_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it (it is here)
_UNPREFIXED = ("Ref", "Condition")


class TemplateYamlError(ValueError):
    """The text is not YAML, or not a template CloudFormation would read (duplicate key, bad tag)."""


class _Loader(_BASE):  # type: ignore[misc]
    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key_node, deep=deep) for key_node, _ in node.value]
        duplicates = sorted({str(key) for key in keys if keys.count(key) > 1})
        if duplicates:
            line = node.start_mark.line + 1
            raise TemplateYamlError(f"duplicate key {duplicates[0]!r} in the mapping at line {line}")
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _intrinsic(loader: _Loader, suffix: str, node: Any) -> dict[str, Any]:
    name = suffix if suffix in _UNPREFIXED else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        text = loader.construct_scalar(node)
        value = text.split(".", 1) if name == "Fn::GetAtt" else text
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_Loader.add_multi_constructor("!", _intrinsic)
_Loader.add_constructor("tag:yaml.org,2002:map", lambda loader, node: loader.construct_mapping(node))


def load_template_text(text: str) -> Any:
    """``text`` (a YAML or JSON template) as plain data; a :class:`TemplateYamlError` when unreadable."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader with intrinsic tags only
    except yaml.YAMLError as exc:
        raise TemplateYamlError(" ".join(str(exc).split())) from exc
