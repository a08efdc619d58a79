"""The SQS event properties a template can produce, however its parameters produce them (Fn::If,
AWS::NoValue): provisioned mode, MetricsConfig, FilterCriteria
(https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-sqs.html)."""

from __future__ import annotations

from pathlib import Path

from workerctl.local.esm.validation import parsed_filters
from workerctl.local.template.event_sources import SqsEventSpec
from workerctl.local.template.loader import load_model

FIXTURE = Path(__file__).parent / "fixtures" / "mapping.yaml"


def event(**parameters: str) -> SqsEventSpec:
    model = load_model(FIXTURE, stack_name="st", region="eu-west-1", overrides=(parameters,))
    ((spec,),) = [function.sqs_events for function in model.functions()]
    return spec


def test_on_demand_mode_takes_maximum_concurrency_and_no_filter() -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html#events-sqs-max-concurrency"""
    spec = event()
    assert (spec.maximum_concurrency, spec.minimum_pollers, spec.pollers) == (2, None, 2)
    assert parsed_filters(spec) == ()


def test_provisioned_mode_takes_its_poller_config() -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html#sqs-provisioned-mode"""
    spec = event(ScalingMode="provisioned")
    assert (spec.maximum_concurrency, spec.minimum_pollers, spec.maximum_pollers) == (None, 3, 10)
    assert spec.pollers == 3


def test_metrics_config_is_accepted() -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics
    (MetricsConfig EventCount: accepted, not emitted locally)"""
    assert event().metrics == ("EventCount",)


def test_a_filter_pattern_parameter_becomes_the_events_filter() -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html"""
    spec = event(FilterPattern='{"body": {"type": ["checksum"]}}')
    assert parsed_filters(spec) == ({"body": {"type": ["checksum"]}},)
