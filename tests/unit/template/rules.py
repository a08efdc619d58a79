"""Evaluate the template's ``Rules`` section the way CloudFormation does before it creates anything.

Rule functions compare parameter values as strings: ``Ref`` of a parameter is its value as passed,
``Fn::Equals``/``Fn::Contains``/``Fn::EachMemberIn`` compare text, ``Fn::And``/``Fn::Or``/``Fn::Not``
combine. There is no arithmetic and no pseudo parameter, which is why some checks live in the template
tests instead (docs/decisions.md #16). An unknown function fails the caller instead of guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.unit.template.cfn import Params, Template


def rule_violations(template: Template, params: Params) -> list[str]:
    """``"<rule>: <AssertDescription>"`` for every assertion that fails under ``params``."""
    return [
        f"{name}: {assertion['AssertDescription']}"
        for name, rule in template.get("Rules", {}).items()
        if "RuleCondition" not in rule or holds(rule["RuleCondition"], params)
        for assertion in rule["Assertions"]
        if not holds(assertion["Assert"], params)
    ]


def holds(node: Any, params: Params) -> bool:
    """A rule condition or assertion."""
    function, args = _call(node)
    if function == "Fn::And":
        return all(holds(arg, params) for arg in args)
    if function == "Fn::Or":
        return any(holds(arg, params) for arg in args)
    if function == "Fn::Not":
        return not holds(args[0], params)
    if function == "Fn::Equals":
        return _value(args[0], params) == _value(args[1], params)
    if function == "Fn::Contains":
        return _value(args[1], params) in _values(args[0], params)
    if function == "Fn::EachMemberIn":
        allowed = _values(args[1], params)
        return all(item in allowed for item in _values(args[0], params))
    raise AssertionError(f"rule function {function} is not one this evaluator knows")


def _call(node: Any) -> tuple[str, Any]:
    assert isinstance(node, Mapping), f"not a rule function: {node!r}"
    assert len(node) == 1, f"not a rule function: {node!r}"
    ((function, args),) = node.items()
    return str(function), args


def _value(node: Any, params: Params) -> str:
    if isinstance(node, Mapping):
        function, args = _call(node)
        assert function == "Ref", f"{function} is not a value function"
        assert args in params, f"rules may only reference parameters, not {args}"
        return str(params[args])
    return str(node)


def _values(node: Any, params: Params) -> list[str]:
    assert isinstance(node, list), f"not a list: {node!r}"
    return [_value(item, params) for item in node]
