"""Alarms: documented metrics on this stack's queues and functions, thresholds from parameters, and the
optional SNS topic wired in only under its condition."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.template.cfn import (
    FUNCTION,
    MAPPING,
    NO_VALUE,
    QUEUE,
    Template,
    condition_holds,
    dead_letter_queue_of,
    effective_parameters,
    generated_mappings,
    is_active,
    number,
    reference_target,
    resolve,
    resources_of_type,
    sqs_event_sources,
    substitute,
    unguarded_references,
    url_functions,
)
from tests.unit.template.known_metrics import MetricLine, metric_problems

ALARM = "AWS::CloudWatch::Alarm"
EMAIL = {"AlarmEmail": "ops@example.com"}
NOTIFICATION_TYPES = ("AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::SNS::TopicPolicy", "AWS::KMS::Key")


@pytest.fixture(scope="module")
def alarms(template: Template) -> dict[str, dict[str, Any]]:
    found = {name: res["Properties"] for name, res in resources_of_type(template, ALARM).items()}
    assert found, "the template defines no CloudWatch alarm"
    return found


def dimensions(alarm: dict[str, Any]) -> dict[str, Any]:
    return {item["Name"]: item["Value"] for item in alarm.get("Dimensions", [])}


def alarms_on(alarms: dict[str, dict[str, Any]], metric: str, target: str) -> list[dict[str, Any]]:
    """Alarms on ``metric`` whose single dimension references the resource ``target``."""
    return [
        alarm
        for alarm in alarms.values()
        if alarm["MetricName"] == metric
        and [reference_target(value) for value in dimensions(alarm).values()] == [target]
    ]


def worker_functions(template: Template, params: dict[str, str]) -> set[str]:
    return {source.function for source in sqs_event_sources(template, params)}


def worker_mappings(template: Template, params: dict[str, str]) -> set[str]:
    workers = worker_functions(template, params)
    return {mapping for mapping, function in generated_mappings(template).items() if function in workers}


def test_every_alarm_uses_a_documented_metric_with_the_right_dimension_names(template, alarms, defaults):
    problems = [
        f"{name}: {problem}"
        for name, alarm in alarms.items()
        for problem in metric_problems(
            MetricLine(
                namespace=resolve(template, alarm["Namespace"], defaults),
                name=alarm["MetricName"],
                dimensions=dimensions(alarm),
                stat=alarm.get("Statistic"),
            ),
            emf_namespace=defaults["MetricsNamespace"],
        )
    ]

    assert problems == []


def test_every_alarm_dimension_references_a_resource_of_the_matching_type(template, alarms):
    expected = {
        "QueueName": (QUEUE, "Fn::GetAtt", "QueueName"),
        "FunctionName": (FUNCTION, "Ref", None),
        "EventSourceMappingUUID": (MAPPING, "Ref", None),
    }
    generated = {name: {"Type": MAPPING} for name in generated_mappings(template)}
    problems = []
    for name, alarm in alarms.items():
        for dimension, value in dimensions(alarm).items():
            if dimension not in expected:
                problems.append(f"{name}: dimension {dimension} is not one this test knows")
                continue
            resource_type, function, attribute = expected[dimension]
            target = reference_target(value)
            resource = template["Resources"].get(target or "") or generated.get(target or "", {})
            shape_ok = function in value and (attribute is None or value[function][1] == attribute)
            if resource.get("Type") != resource_type or not shape_ok:
                problems.append(f"{name}: {dimension}={value} is not the {resource_type}'s {dimension}")

    assert problems == []


def test_each_dead_letter_queue_alarms_as_soon_as_it_holds_a_message(template, alarms, defaults):
    dead_letter_queues = {
        dead_letter_queue_of(template, source.queue, defaults)
        for source in sqs_event_sources(template, defaults)
    }
    assert dead_letter_queues

    for queue in dead_letter_queues:
        (alarm,) = alarms_on(alarms, "ApproximateNumberOfMessagesVisible", queue)
        assert alarm["Statistic"] == "Maximum"
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert number(resolve(template, alarm["Threshold"], defaults)) == 0
        assert alarm["EvaluationPeriods"] == 1


@pytest.mark.parametrize("threshold", ["300", "45"])
def test_each_jobs_queue_alarms_when_its_oldest_message_is_too_old_for_two_periods(
    template, alarms, threshold
):
    params = effective_parameters(template, {"OldestMessageAgeThresholdSeconds": threshold})
    jobs_queues = {source.queue for source in sqs_event_sources(template, params)}
    assert jobs_queues

    for queue in jobs_queues:
        (alarm,) = alarms_on(alarms, "ApproximateAgeOfOldestMessage", queue)
        assert alarm["Statistic"] == "Maximum"
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (2, 2)
        assert number(resolve(template, alarm["Threshold"], params)) == float(threshold)


def test_oldest_message_threshold_defaults_to_five_minutes(template):
    assert template["Parameters"]["OldestMessageAgeThresholdSeconds"]["Default"] == 300


@pytest.mark.parametrize(
    ("metric", "role", "parameter"),
    [
        ("Errors", "worker", "WorkerErrorsThreshold"),
        ("Throttles", "worker", "WorkerThrottlesThreshold"),
        ("Errors", "health", "HealthErrorsThreshold"),
        ("FailedInvokeEventCount", "mapping", "MappingFailedInvokesThreshold"),
    ],
)
def test_lambda_alarms_sum_the_metric_against_their_threshold_parameter(
    template, alarms, defaults, metric, role, parameter
):
    targets = {
        "worker": worker_functions(template, defaults),
        "health": set(url_functions(template)),
        "mapping": worker_mappings(template, defaults),
    }
    functions = targets[role]
    assert functions
    assert template["Parameters"][parameter]["Default"] == 1
    raised = effective_parameters(template, {parameter: "7"})

    for function in functions:
        (alarm,) = alarms_on(alarms, metric, function)
        assert alarm["Statistic"] == "Sum"
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert number(resolve(template, alarm["Threshold"], defaults)) == 1
        assert number(resolve(template, alarm["Threshold"], raised)) == 7


def test_each_worker_mapping_alarms_as_soon_as_it_drops_a_record(template, alarms, defaults):
    mappings = worker_mappings(template, defaults)
    assert mappings

    for mapping in mappings:
        (alarm,) = alarms_on(alarms, "DroppedEventCount", mapping)
        assert alarm["Statistic"] == "Sum"
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert number(resolve(template, alarm["Threshold"], defaults)) == 0
        assert alarm["EvaluationPeriods"] == 1


def test_every_alarm_period_is_the_alarm_period_parameter(template, alarms, defaults):
    assert template["Parameters"]["AlarmPeriodSeconds"]["Default"] == 60
    five_minutes = effective_parameters(template, {"AlarmPeriodSeconds": "300"})

    periods = {number(resolve(template, alarm["Period"], five_minutes)) for alarm in alarms.values()}

    assert periods == {300}


def test_every_alarm_treats_missing_data_as_not_breaching(alarms):
    # Queues and functions only publish when active: an idle stack is a healthy one.
    assert {name: alarm.get("TreatMissingData") for name, alarm in alarms.items()} == dict.fromkeys(
        alarms, "notBreaching"
    )


def test_alarm_names_include_the_stack_name_and_are_unique(template, alarms, defaults):
    names = [substitute(template, alarm["AlarmName"]["Fn::Sub"], defaults) for alarm in alarms.values()]

    assert all(name.startswith("dummy-stack-") for name in names)
    assert len(set(names)) == len(names)


def test_alarm_email_condition_holds_only_for_a_non_empty_email(template, defaults):
    topics = resources_of_type(template, "AWS::SNS::Topic")
    assert topics
    for topic in topics.values():
        assert not condition_holds(template, topic["Condition"], defaults)
        assert condition_holds(template, topic["Condition"], effective_parameters(template, EMAIL))


def test_without_an_email_no_notification_resource_exists_and_alarms_have_no_actions(
    template, alarms, defaults
):
    active = [
        name
        for resource_type in NOTIFICATION_TYPES
        for name, resource in resources_of_type(template, resource_type).items()
        if is_active(template, resource, defaults)
    ]

    assert active == []
    for alarm in alarms.values():
        assert resolve(template, alarm.get("AlarmActions"), defaults) in (None, NO_VALUE)
        assert resolve(template, alarm.get("OKActions"), defaults) in (None, NO_VALUE)


def test_with_an_email_every_alarm_notifies_the_topic_on_alarm_and_on_ok(template, alarms):
    params = effective_parameters(template, EMAIL)
    topics = [
        name
        for name, topic in resources_of_type(template, "AWS::SNS::Topic").items()
        if is_active(template, topic, params)
    ]
    assert len(topics) == 1

    for alarm in alarms.values():
        assert resolve(template, alarm["AlarmActions"], params) == [{"Ref": topics[0]}]
        assert resolve(template, alarm["OKActions"], params) == [{"Ref": topics[0]}]


def test_with_an_email_the_address_is_subscribed_to_the_topic(template):
    params = effective_parameters(template, EMAIL)
    subscriptions = [
        resource["Properties"]
        for resource in resources_of_type(template, "AWS::SNS::Subscription").values()
        if is_active(template, resource, params)
    ]

    assert len(subscriptions) == 1
    (subscription,) = subscriptions
    assert subscription["Protocol"] == "email"
    assert resolve(template, subscription["Endpoint"], params) == EMAIL["AlarmEmail"]
    topic = template["Resources"][reference_target(subscription["TopicArn"])]
    assert topic["Type"] == "AWS::SNS::Topic"


def test_alarm_topic_is_encrypted_with_a_rotating_key_cloudwatch_may_use(template):
    # alias/aws/sns cannot be used: its key policy cannot grant CloudWatch, so alarms would never arrive.
    for topic in resources_of_type(template, "AWS::SNS::Topic").values():
        key = template["Resources"][reference_target(topic["Properties"]["KmsMasterKeyId"])]
        assert key["Type"] == "AWS::KMS::Key"
        assert key["Properties"]["EnableKeyRotation"] is True
        grants = [
            set(statement["Action"])
            for statement in key["Properties"]["KeyPolicy"]["Statement"]
            if statement["Effect"] == "Allow"
            and statement["Principal"].get("Service") == "cloudwatch.amazonaws.com"
        ]
        assert grants == [{"kms:Decrypt", "kms:GenerateDataKey*"}]


def test_conditional_resources_are_referenced_only_under_their_condition(template):
    assert unguarded_references(template) == []


def test_reference_guard_check_rejects_an_unguarded_topic_reference():
    template = {
        "Resources": {
            "Topic": {"Type": "AWS::SNS::Topic", "Condition": "HasEmail"},
            "Guarded": {"Type": ALARM, "Properties": {"A": {"Fn::If": ["HasEmail", [{"Ref": "Topic"}], 1]}}},
            "Unguarded": {"Type": ALARM, "Properties": {"OKActions": [{"Ref": "Topic"}]}},
        },
        "Outputs": {"Arn": {"Value": {"Fn::Sub": "${Topic}"}}},
    }

    assert unguarded_references(template) == [
        "Resources.Unguarded references Topic outside condition HasEmail",
        "Outputs.Arn references Topic outside condition HasEmail",
    ]
