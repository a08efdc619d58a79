"""The operations dashboard: its body is JSON once Fn::Sub is expanded, every widget shows documented
metrics of this stack's queues and functions, and the signals an operator needs are all on it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit.template.cfn import (
    FUNCTION,
    PSEUDO_PARAMETERS,
    QUEUE,
    Template,
    dead_letter_queue_of,
    dummy_value,
    effective_parameters,
    generated_mappings,
    resources_of_type,
    sqs_event_sources,
    substitute,
)
from tests.unit.template.known_metrics import MAPPING_METRICS, WORKER_EMF_METRICS, MetricLine, metric_problems

DASHBOARD = "AWS::CloudWatch::Dashboard"
GRID_COLUMNS = 24
PERCENTILES = ("p50", "p90", "p99")


def dashboard_bodies(template: Template, params: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Each dashboard's body, with ${...} replaced by parameter values and dummy resource values."""
    bodies = {}
    for name, resource in resources_of_type(template, DASHBOARD).items():
        body = resource["Properties"]["DashboardBody"]
        text = substitute(template, body["Fn::Sub"], params) if isinstance(body, dict) else body
        bodies[name] = json.loads(text)
    return bodies


def metric_lines(widget: dict[str, Any]) -> list[MetricLine]:
    """The metrics of one widget, written out in full (no "." shorthand, no metric math)."""
    properties = widget["properties"]
    lines = []
    for entry in properties.get("metrics", []):
        options = entry[-1] if isinstance(entry[-1], dict) else {}
        core = entry[:-1] if options else entry
        assert "." not in core, f"{properties.get('title')}: write metrics out in full: {entry}"
        assert len(core) >= 2, f"{properties.get('title')}: malformed metric {entry}"
        assert len(core) % 2 == 0, f"{properties.get('title')}: dimension without a value in {entry}"
        namespace, name, *pairs = core
        lines.append(
            MetricLine(
                namespace=namespace,
                name=name,
                dimensions=dict(zip(pairs[::2], pairs[1::2], strict=True)),
                stat=options.get("stat", properties.get("stat")),
            )
        )
    return lines


def all_lines(body: dict[str, Any]) -> list[MetricLine]:
    return [line for widget in body["widgets"] for line in metric_lines(widget)]


@pytest.fixture(scope="module")
def bodies(template: Template, defaults: dict[str, str]) -> dict[str, dict[str, Any]]:
    found = dashboard_bodies(template, defaults)
    assert found, "the template defines no CloudWatch dashboard"
    return found


def test_every_dashboard_has_widgets(bodies):
    assert all(body["widgets"] for body in bodies.values())


def test_every_metric_widget_uses_only_documented_metrics_and_dimension_names(bodies, defaults):
    problems = [
        f"{name}: {problem}"
        for name, body in bodies.items()
        for line in all_lines(body)
        for problem in metric_problems(line, emf_namespace=defaults["MetricsNamespace"])
    ]

    assert problems == []


def test_metric_checker_rejects_unknown_metrics_wrong_dimensions_and_bad_statistics():
    widget = {
        "type": "metric",
        "properties": {
            "stat": "Maximum",
            "metrics": [
                ["AWS/SQS", "ApproximateNumberOfMessages", "QueueName", "q"],
                ["AWS/Lambda", "Errors", "QueueName", "q"],
                ["AWS/Lambda", "DroppedEventCount", "FunctionName", "f"],
                ["AWS/Lambda", "Duration", "FunctionName", "f", {"stat": "median"}],
                ["Custom", "RecordsReceived", "service", "s"],
                ["Custom", "ColdStart", "service", "s"],
            ],
        },
    }

    problems = [problem for line in metric_lines(widget) for problem in metric_problems(line, "Custom")]

    assert problems == [
        "AWS/SQS/ApproximateNumberOfMessages: not a documented metric of AWS/SQS",
        "AWS/Lambda/Errors: dimensions ['QueueName'], expected ['FunctionName']",
        "AWS/Lambda/DroppedEventCount: dimensions ['FunctionName'], expected ['EventSourceMappingUUID']",
        "AWS/Lambda/Duration: statistic 'median' is not valid",
        "Custom/ColdStart: dimensions ['service'], expected ['function_name', 'service']",
    ]


def test_dimension_values_are_this_stacks_queues_functions_and_service(template, bodies):
    queues = {dummy_value(name, "QueueName") for name in resources_of_type(template, QUEUE)}
    functions = {dummy_value(name) for name in resources_of_type(template, FUNCTION)}
    service = template["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
    mappings = {dummy_value(name) for name in generated_mappings(template)}
    allowed = {
        "EventSourceMappingUUID": mappings,
        "QueueName": queues,
        "FunctionName": functions,
        "function_name": functions,
        "service": {service},
    }

    wrong = [
        (line.name, key, value)
        for body in bodies.values()
        for line in all_lines(body)
        for key, value in line.dimensions.items()
        if value not in allowed.get(key, set())
    ]

    assert wrong == []


def test_every_metric_widget_reads_the_stacks_region(bodies):
    regions = {
        widget["properties"].get("region")
        for body in bodies.values()
        for widget in body["widgets"]
        if widget["type"] == "metric"
    }

    assert regions == {PSEUDO_PARAMETERS["AWS::Region"]}


def required_signals(template: Template, params: dict[str, str]) -> set[tuple[Any, ...]]:
    """(namespace, metric, dimensions, statistic) an operator needs, for every queue the worker reads."""
    emf, service = params["MetricsNamespace"], (("service", "sqs-lambda-worker"),)
    required: set[tuple[Any, ...]] = set()
    for source in sqs_event_sources(template, params):
        jobs = (("QueueName", dummy_value(source.queue, "QueueName")),)
        dlq = (("QueueName", dummy_value(dead_letter_queue_of(template, source.queue, params), "QueueName")),)
        worker = (("FunctionName", dummy_value(source.function)),)
        mapping = tuple(
            ("EventSourceMappingUUID", dummy_value(name))
            for name, function in generated_mappings(template).items()
            if function == source.function
        )
        required |= {("AWS/Lambda", name, mapping, "Sum") for name in MAPPING_METRICS}
        required |= {
            ("AWS/SQS", "ApproximateNumberOfMessagesVisible", jobs, "Maximum"),
            ("AWS/SQS", "ApproximateNumberOfMessagesNotVisible", jobs, "Maximum"),
            ("AWS/SQS", "ApproximateAgeOfOldestMessage", jobs, "Maximum"),
            ("AWS/SQS", "ApproximateNumberOfMessagesVisible", dlq, "Maximum"),
            ("AWS/Lambda", "ConcurrentExecutions", worker, "Maximum"),
            ("AWS/Lambda", "Throttles", worker, "Sum"),
            *[("AWS/Lambda", "Duration", worker, stat) for stat in PERCENTILES],
        }
    required |= {(emf, "JobDuration", service, stat) for stat in PERCENTILES}
    required |= {(emf, name, service, "Sum") for name in WORKER_EMF_METRICS if name.startswith("Records")}
    return required


def test_dashboard_shows_every_operational_signal(template, bodies, defaults):
    required = required_signals(template, defaults)
    assert len(required) > 10

    shown = {
        (line.namespace, line.name, tuple(sorted(line.dimensions.items())), line.stat)
        for body in bodies.values()
        for line in all_lines(body)
    }

    assert sorted(required - shown) == []


def test_alarm_widget_shows_every_alarm_of_the_stack(template, bodies):
    alarms = {dummy_value(name, "Arn") for name in resources_of_type(template, "AWS::CloudWatch::Alarm")}
    assert alarms

    shown = {
        arn
        for body in bodies.values()
        for widget in body["widgets"]
        if widget["type"] == "alarm"
        for arn in widget["properties"]["alarms"]
    }

    assert shown == alarms


def test_emf_widgets_follow_the_metrics_namespace_parameter(template):
    params = effective_parameters(template, {"MetricsNamespace": "TeamJobs"})

    namespaces = {
        line.namespace for body in dashboard_bodies(template, params).values() for line in all_lines(body)
    }

    assert namespaces == {"AWS/SQS", "AWS/Lambda", "TeamJobs"}


def test_worker_emits_to_the_metrics_namespace_parameter(template):
    variables = template["Globals"]["Function"]["Environment"]["Variables"]

    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == {"Ref": "MetricsNamespace"}
    assert template["Parameters"]["MetricsNamespace"]["Default"] == "SqsLambdaWorker"


def test_widgets_fit_the_grid_without_overlapping(bodies):
    for body in bodies.values():
        cells: set[tuple[int, int]] = set()
        for widget in body["widgets"]:
            x, y, width, height = (widget[key] for key in ("x", "y", "width", "height"))
            assert x + width <= GRID_COLUMNS, widget["properties"].get("title")
            area = {(column, row) for column in range(x, x + width) for row in range(y, y + height)}
            assert not area & cells, f"{widget['properties'].get('title')} overlaps another widget"
            cells |= area
