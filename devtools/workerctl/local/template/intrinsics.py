"""CloudFormation intrinsic functions resolved against local values (the subset this template uses).

Supported: ``Ref`` (parameters, pseudo parameters, resources), ``Fn::Sub`` (both forms), ``Fn::GetAtt``
(``Arn``, ``QueueName``, ``QueueUrl``), ``Fn::If`` with ``Conditions`` (``Fn::Equals``, ``Fn::Not``,
``Fn::And``, ``Fn::Or``, ``Condition``), ``Fn::Join`` and ``Fn::Select``. Resources the local runtime does
not emulate resolve to stand-in strings instead of failing, so new resources never break it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workerctl.errors import UserError

NO_VALUE = object()  # AWS::NoValue: the key or list item disappears
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


@dataclass
class LocalValues:
    """Values intrinsics resolve to. ``refs``/``attributes`` are filled as resources come to exist."""

    region: str
    account_id: str
    stack_name: str
    parameters: dict[str, str]
    partition: str = "aws"
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    def pseudo(self) -> dict[str, str]:
        """The pseudo parameters, by name."""
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack_name,
            "AWS::Partition": self.partition,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackId": f"arn:{self.partition}:cloudformation:{self.region}:{self.account_id}:"
            f"stack/{self.stack_name}/local",
            "AWS::NotificationARNs": "",
        }


class Resolver:
    """Resolves intrinsics in template fragments; ``conditions`` is the template's Conditions section."""

    def __init__(self, values: LocalValues, conditions: Mapping[str, Any] | None = None) -> None:
        self.values = values
        self._conditions = dict(conditions or {})
        self._functions: dict[str, Callable[[Any], Any]] = {
            "Ref": self._ref,
            "Fn::Sub": self._sub,
            "Fn::GetAtt": self._get_att,
            "Fn::If": self._if,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Equals": lambda args: self.resolve(args[0]) == self.resolve(args[1]),
            "Fn::Not": lambda args: not self._truth(args[0]),
            "Fn::And": lambda args: all(self._truth(arg) for arg in args),
            "Fn::Or": lambda args: any(self._truth(arg) for arg in args),
            "Condition": self.condition,
        }

    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic replaced (dicts and lists recursively; NoValue items dropped)."""
        if isinstance(value, Mapping):
            if len(value) == 1:
                (key, argument), *_ = value.items()
                if key in self._functions:
                    return self._functions[key](argument)
            resolved = {str(k): self.resolve(v) for k, v in value.items()}
            return {k: v for k, v in resolved.items() if v is not NO_VALUE}
        if isinstance(value, list):
            return [item for item in (self.resolve(v) for v in value) if item is not NO_VALUE]
        return value

    def condition(self, name: str) -> bool:
        """The truth of a named condition (an unknown name is a template error)."""
        if name not in self._conditions:
            raise UserError(f"template condition {name!r} is not defined")
        return self._truth(self._conditions[name])

    def _truth(self, expression: Any) -> bool:
        return bool(self.resolve(expression))

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        pseudo = self.values.pseudo()
        for table in (self.values.parameters, pseudo, self.values.refs):
            if name in table:
                return table[name]
        return name  # a resource the local runtime does not emulate: its logical id stands in

    def _get_att(self, argument: Any) -> str:
        logical_id, attribute = argument.split(".", 1) if isinstance(argument, str) else argument
        attribute = str(self.resolve(attribute))
        return self.values.attributes.get((logical_id, attribute), f"{logical_id}.{attribute}")

    def _sub(self, argument: Any) -> str:
        template, variables = (argument, {}) if isinstance(argument, str) else argument
        local = {key: self.resolve(value) for key, value in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name in local:
                return str(local[name])
            if "." in name and name.split(".", 1)[0] not in self.values.parameters:
                return self._get_att(name)
            return str(self._ref(name))

        return _SUB_VARIABLE.sub(replace, str(template)).replace("${!", "${")

    def _if(self, argument: list[Any]) -> Any:
        name, when_true, when_false = argument
        return self.resolve(when_true if self.condition(name) else when_false)

    def _join(self, argument: list[Any]) -> str:
        delimiter, items = argument
        return str(delimiter).join(str(item) for item in self.resolve(items))

    def _select(self, argument: list[Any]) -> Any:
        index, items = argument
        return self.resolve(items)[int(self.resolve(index))]
