"""The worker's event source mapping: exactly one scaling setting per ScalingMode, AWS's poller limits,
MetricsConfig always on, and FilterPattern passed as FilterCriteria only when set."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from tests.unit.template.cfn import (
    NO_VALUE,
    Template,
    effective_parameters,
    resolve,
    samconfig_environments,
    samconfig_overrides,
    sqs_event_sources,
)

# botocore's lambda model and the ProvisionedPollerConfig docs: SQS MinimumPollers 2-200,
# MaximumPollers 2-10000; ScalingConfig.MaximumConcurrency 2-1000; a filter Pattern at most 4096 chars.
AWS_LIMITS = {
    "MinimumPollers": (2, 200),
    "MaximumPollers": (2, 10_000),
    "MaximumConcurrency": (2, 1000),
}
PATTERN_MAX = 4096
ENVIRONMENTS = samconfig_environments()


def deep_resolve(template: Template, value: Any, params: dict[str, str]) -> Any:
    """``resolve`` applied inside maps too, dropping keys that resolve to AWS::NoValue."""
    value = resolve(template, value, params)
    if isinstance(value, Mapping):
        resolved = {key: deep_resolve(template, item, params) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}
    if isinstance(value, list):
        return [deep_resolve(template, item, params) for item in value]
    return value


def mapping(template: Template, overrides: dict[str, str]) -> dict[str, Any]:
    """The worker's SQS event properties, resolved for ``overrides``."""
    params = effective_parameters(template, overrides)
    (source,) = sqs_event_sources(template, params)
    resolved: dict[str, Any] = deep_resolve(template, dict(source.properties), params)
    return resolved


def poller_problems(template: Template, params: dict[str, str]) -> list[str]:
    """Rules cannot compare numbers, so MinimumPollers <= MaximumPollers is checked here."""
    if params["ScalingMode"] != "provisioned":
        return []
    low, high = int(params["MinimumPollers"]), int(params["MaximumPollers"])
    return [f"MinimumPollers {low} > MaximumPollers {high}"] if low > high else []


def test_on_demand_sets_only_maximum_concurrency(template):
    event = mapping(template, {"MaximumConcurrency": "7"})

    assert event["ScalingConfig"] == {"MaximumConcurrency": "7"}
    assert "ProvisionedPollerConfig" not in event


def test_provisioned_sets_only_the_poller_range(template):
    event = mapping(template, {"ScalingMode": "provisioned", "MinimumPollers": "3", "MaximumPollers": "40"})

    assert event["ProvisionedPollerConfig"] == {"MinimumPollers": "3", "MaximumPollers": "40"}
    assert "ScalingConfig" not in event


def test_scaling_mode_defaults_to_on_demand(template):
    assert template["Parameters"]["ScalingMode"]["Default"] == "on-demand"
    assert set(template["Parameters"]["ScalingMode"]["AllowedValues"]) == {"on-demand", "provisioned"}


@pytest.mark.parametrize("name", sorted(AWS_LIMITS))
def test_scaling_parameters_allow_exactly_the_aws_range(template, name):
    parameter = template["Parameters"][name]

    assert (parameter["MinValue"], parameter["MaxValue"]) == AWS_LIMITS[name]


@pytest.mark.parametrize("env", ["template defaults", *ENVIRONMENTS])
def test_every_configuration_keeps_minimum_pollers_at_most_maximum(template, env):
    overrides = {} if env == "template defaults" else samconfig_overrides(env)
    for mode in ("on-demand", "provisioned"):
        params = effective_parameters(template, {**overrides, "ScalingMode": mode})
        assert poller_problems(template, params) == []


def test_poller_check_rejects_a_minimum_above_the_maximum(template):
    params = effective_parameters(
        template, {"ScalingMode": "provisioned", "MinimumPollers": "20", "MaximumPollers": "5"}
    )

    assert poller_problems(template, params) == ["MinimumPollers 20 > MaximumPollers 5"]


@pytest.mark.parametrize("mode", ["on-demand", "provisioned"])
def test_mapping_metrics_are_always_on(template, mode):
    assert mapping(template, {"ScalingMode": mode})["MetricsConfig"] == {"Metrics": ["EventCount"]}


def test_no_filter_pattern_means_no_filter_criteria(template):
    assert template["Parameters"]["FilterPattern"]["Default"] == ""
    assert "FilterCriteria" not in mapping(template, {})


def test_a_filter_pattern_becomes_the_mappings_only_filter(template):
    pattern = '{"body": {"type": ["checksum"]}}'

    event = mapping(template, {"FilterPattern": pattern})

    assert event["FilterCriteria"] == {"Filters": [{"Pattern": pattern}]}
    assert template["Parameters"]["FilterPattern"]["MaxLength"] == PATTERN_MAX


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_environments_filter_pattern_is_empty_or_a_json_object(template, env):
    # Lambda refuses an invalid pattern only when it creates the mapping; Rules cannot parse JSON.
    pattern = effective_parameters(template, samconfig_overrides(env))["FilterPattern"]

    assert pattern == "" or isinstance(json.loads(pattern), dict)
