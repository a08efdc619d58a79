"""Template Rules refuse, before anything is created, the event source mapping settings Lambda refuses
(which it would only do after the queues and functions exist, rolling half a stack back)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.template.cfn import effective_parameters, samconfig_environments, samconfig_overrides
from tests.unit.template.rules import holds, rule_violations

FIFO_LIMIT = 10


def lambda_refuses(batch_size: int, window: int, fifo: bool) -> bool:
    """AWS's own rule (DESIGN.md, "Facts"): above 10 needs a window; FIFO allows neither."""
    return (batch_size > FIFO_LIMIT and window == 0) or (fifo and (batch_size > FIFO_LIMIT or window > 0))


def violations(template, batch_size: int, window: int, fifo: bool) -> list[str]:
    params = effective_parameters(
        template,
        {
            "BatchSize": str(batch_size),
            "MaximumBatchingWindowInSeconds": str(window),
            "QueueType": "fifo" if fifo else "standard",
        },
    )
    return rule_violations(template, params)


@settings(max_examples=300, deadline=None)
@given(
    batch_size=st.one_of(st.integers(1, 12), st.integers(1, 10_000)),
    window=st.one_of(st.just(0), st.integers(0, 300)),
    fifo=st.booleans(),
)
def test_rules_refuse_exactly_what_lambda_refuses(template, batch_size, window, fifo):
    assert bool(violations(template, batch_size, window, fifo)) == lambda_refuses(batch_size, window, fifo)


@pytest.mark.parametrize(
    ("batch_size", "window", "fifo", "message"),
    [
        (11, 0, False, "BatchSize above 10 needs MaximumBatchingWindowInSeconds of at least 1"),
        (11, 5, True, "QueueType fifo allows BatchSize 1 to 10 only"),
        (10, 5, True, "QueueType fifo refuses a batching window"),
    ],
)
def test_each_refusal_names_the_parameters_to_change(template, batch_size, window, fifo, message):
    found = violations(template, batch_size, window, fifo)

    assert any(message in violation for violation in found), found


@pytest.mark.parametrize("env", samconfig_environments())
def test_every_samconfig_environment_passes_the_rules(template, env):
    assert rule_violations(template, effective_parameters(template, samconfig_overrides(env))) == []


def test_rules_reference_only_parameters(template):
    # CloudFormation evaluates Rules on parameter values alone; a pseudo parameter would fail the deploy.
    params = effective_parameters(template)
    for rule in template["Rules"].values():
        for assertion in rule["Assertions"]:
            holds(assertion["Assert"], params)  # raises on a reference that is not a parameter


def test_evaluator_rejects_pseudo_parameters_and_unknown_functions():
    with pytest.raises(AssertionError, match="only reference parameters"):
        holds({"Fn::Equals": [{"Ref": "AWS::StackName"}, "x"]}, {})
    with pytest.raises(AssertionError, match="not one this evaluator knows"):
        holds({"Fn::GreaterThan": [1, 2]}, {})
