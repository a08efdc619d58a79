"""Read template.yaml and samconfig.toml the way CloudFormation would, as far as the template tests need.

Parameter values are the template defaults plus a samconfig environment's ``parameter_overrides``;
conditions and ``Ref``/``Fn::If`` are evaluated against them. Other intrinsics stay symbolic, so a
test comparing them fails loudly instead of guessing. Resources are found by type and by how they are
wired (the queue an SQS event reads, the function with a Function URL), never by a fixed logical id,
so a FIFO variant or an extra table added to the template does not break the lookups.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cfnlint.decode

from workerctl.local.template.intrinsics import LocalValues, Resolver
from workerctl.local.template.samconfig import load_environment

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_PATH = ROOT / "template.yaml"
SAMCONFIG_PATH = ROOT / "samconfig.toml"
FUNCTION = "AWS::Serverless::Function"
QUEUE = "AWS::SQS::Queue"
MAPPING = "AWS::Lambda::EventSourceMapping"

PSEUDO_PARAMETERS = {
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::Region": "eu-west-1",
    "AWS::StackName": "dummy-stack",
    "AWS::URLSuffix": "amazonaws.com",
}
_PLACEHOLDER = re.compile(r"\$\{(?!!)([^}]+)\}")


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()
Template = dict[str, Any]
Params = Mapping[str, str]
_Found = Iterator[tuple[str, frozenset[str]]]


def load_template(path: Path = TEMPLATE_PATH) -> Template:
    """The decoded template; decoding errors fail the caller."""
    template, matches = cfnlint.decode.decode(str(path))
    assert not matches, f"{path} does not decode: {matches}"
    assert template is not None
    return dict(template)


def resources_of_type(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template["Resources"].items() if res.get("Type") == resource_type}


def parameter_defaults(template: Template) -> dict[str, str]:
    return {name: str(spec["Default"]) for name, spec in template["Parameters"].items() if "Default" in spec}


def samconfig_environments(path: Path = SAMCONFIG_PATH) -> list[str]:
    """Config environments whose deploy section sets parameter_overrides."""
    config = tomllib.loads(path.read_text())
    return sorted(
        env
        for env, commands in config.items()
        if isinstance(commands, dict)
        and "parameter_overrides" in commands.get("deploy", {}).get("parameters", {})
    )


def samconfig_overrides(env: str, path: Path = SAMCONFIG_PATH) -> dict[str, str]:
    """``Key=Value`` pairs of one environment's parameter_overrides, read as the local runtime reads them
    (``workerctl.local.template.samconfig``: shlex, like SAM; a malformed entry raises)."""
    return load_environment(path, env).parameter_overrides


def effective_parameters(template: Template, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Defaults updated with ``overrides``; an override of an unknown parameter fails."""
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(template["Parameters"]))
    assert not unknown, f"overrides name parameters the template does not declare: {unknown}"
    return {**parameter_defaults(template), **overrides}


def condition_holds(template: Template, name: str, params: Params) -> bool:
    """A named condition, evaluated by the local runtime's resolver (one implementation of the rules)."""
    values = LocalValues(
        region=PSEUDO_PARAMETERS["AWS::Region"],
        account_id=PSEUDO_PARAMETERS["AWS::AccountId"],
        stack_name=PSEUDO_PARAMETERS["AWS::StackName"],
        parameters=dict(params),
    )
    return Resolver(values, template.get("Conditions", {})).condition(name)


def resolve(template: Template, value: Any, params: Params) -> Any:
    """Resolve parameter ``Ref``s, ``AWS::NoValue`` and ``Fn::If``; everything else stays as written."""
    if isinstance(value, Mapping) and len(value) == 1:
        ((function, args),) = value.items()
        if function == "Ref" and args == "AWS::NoValue":
            return NO_VALUE
        if function == "Ref" and args in params:
            return params[args]
        if function == "Fn::If":
            name, when_true, when_false = args
            branch = when_true if condition_holds(template, name, params) else when_false
            return resolve(template, branch, params)
    if isinstance(value, list):
        return [resolve(template, item, params) for item in value]
    return value


def number(value: Any) -> float:
    """A resolved numeric value (CloudFormation passes Number parameters as strings)."""
    assert not isinstance(value, Mapping | list | _NoValue), f"not a resolved number: {value!r}"
    return float(value)


def is_active(template: Template, resource: Mapping[str, Any], params: Params) -> bool:
    condition = resource.get("Condition")
    return condition is None or condition_holds(template, condition, params)


def function_property(template: Template, function: str, key: str, default: Any = None) -> Any:
    """A SAM function property, falling back to Globals.Function like SAM does."""
    properties = template["Resources"][function].get("Properties", {})
    if key in properties:
        return properties[key]
    return template.get("Globals", {}).get("Function", {}).get(key, default)


def reference_target(value: Any) -> str | None:
    """Logical id behind ``Ref X`` or ``Fn::GetAtt [X, attr]``, else None."""
    if isinstance(value, Mapping) and len(value) == 1:
        ((function, args),) = value.items()
        if function == "Ref" and isinstance(args, str):
            return args
        if function == "Fn::GetAtt":
            return str(args[0] if isinstance(args, list) else args.split(".", 1)[0])
    return None


@dataclass(frozen=True)
class SqsEventSource:
    function: str
    queue: str
    properties: Mapping[str, Any]


def sqs_event_sources(template: Template, params: Params) -> Iterator[SqsEventSource]:
    """Every SQS event of every active SAM function, with the queue it reads."""
    for name, function in resources_of_type(template, FUNCTION).items():
        if not is_active(template, function, params):
            continue
        for event in function.get("Properties", {}).get("Events", {}).values():
            if event.get("Type") == "SQS":
                queue = reference_target(resolve(template, event["Properties"]["Queue"], params))
                assert queue is not None, f"{name}: SQS event Queue is not a reference to a queue"
                yield SqsEventSource(name, queue, event["Properties"])


def dead_letter_queue_of(template: Template, queue: str, params: Params) -> str:
    redrive = resolve(template, template["Resources"][queue]["Properties"]["RedrivePolicy"], params)
    target = reference_target(redrive["deadLetterTargetArn"])
    assert target is not None, f"{queue}: deadLetterTargetArn is not a reference"
    return target


def generated_mappings(template: Template) -> dict[str, str]:
    """Event source mappings SAM generates, by logical id (``<Function><Event>``), with their function.

    The template may reference them (``!Ref WorkerFunctionJobs`` is the mapping's UUID); the deploy
    rehearsal (tests/integration/rehearsal) proves SAM's translation names them this way.
    """
    return {
        f"{name}{event_name}": name
        for name, function in resources_of_type(template, FUNCTION).items()
        for event_name, event in function.get("Properties", {}).get("Events", {}).items()
        if event.get("Type") == "SQS"
    }


def url_functions(template: Template) -> dict[str, dict[str, Any]]:
    """SAM functions that have a Function URL."""
    return {
        name: fn
        for name, fn in resources_of_type(template, FUNCTION).items()
        if "FunctionUrlConfig" in fn.get("Properties", {})
    }


def dummy_value(logical_id: str, attribute: str = "") -> str:
    """What a ``${LogicalId}`` or ``${LogicalId.Attr}`` placeholder becomes in substituted text."""
    return f"dummy-{logical_id}-{attribute}" if attribute else f"dummy-{logical_id}"


def substitute(template: Template, sub: Any, params: Params, pseudo: Mapping[str, str] | None = None) -> str:
    """Expand an ``Fn::Sub`` value with parameter values, pseudo parameters (``pseudo`` overrides the
    defaults) and dummy resource values."""
    text, variables = (sub[0], sub[1]) if isinstance(sub, list) else (sub, {})
    pseudo_values = {**PSEUDO_PARAMETERS, **(pseudo or {})}
    known = set(template["Resources"]) | set(generated_mappings(template))

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in variables:
            return str(resolve(template, variables[name], params))
        if name in params:
            return str(params[name])
        if name in pseudo_values:
            return pseudo_values[name]
        logical_id, _, attribute = name.partition(".")
        assert logical_id in known, f"unresolvable placeholder ${{{name}}}"
        return dummy_value(logical_id, attribute)

    return _PLACEHOLDER.sub(replace, text).replace("${!", "${")


def unguarded_references(template: Template) -> list[str]:
    """References to a conditional resource from places that exist when its condition is false.

    A reference is guarded when it sits in a resource or output with the same condition, or in the
    true branch of an ``Fn::If`` on that condition.
    """
    conditions = {name: res["Condition"] for name, res in template["Resources"].items() if "Condition" in res}
    problems = []
    for section in ("Resources", "Outputs"):
        for owner, body in template.get(section, {}).items():
            own = frozenset({body["Condition"]}) if "Condition" in body else frozenset()
            for target, guards in _references(body, own):
                needed = conditions.get(target)
                if needed is not None and needed not in guards:
                    problems.append(f"{section}.{owner} references {target} outside condition {needed}")
    return problems


def _references(node: Any, guards: frozenset[str]) -> _Found:
    if isinstance(node, list):
        for item in node:
            yield from _references(item, guards)
    elif isinstance(node, Mapping):
        yield from _mapping_references(node, guards)


def _mapping_references(node: Mapping[str, Any], guards: frozenset[str]) -> _Found:
    target = reference_target(node)
    if target is not None:
        yield target, guards
    elif len(node) == 1 and "Fn::If" in node:
        name, when_true, when_false = node["Fn::If"]
        yield from _references(when_true, guards | {name})
        yield from _references(when_false, guards)
    elif len(node) == 1 and "Fn::Sub" in node:
        sub = node["Fn::Sub"]
        text, variables = (sub[0], sub[1]) if isinstance(sub, list) else (sub, {})
        for match in _PLACEHOLDER.finditer(text):
            yield match.group(1).split(".", 1)[0], guards
        yield from _references(variables, guards)
    else:
        for key, value in node.items():
            if key not in ("Condition", "Type"):
                yield from _references(value, guards)
