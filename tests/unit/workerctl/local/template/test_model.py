from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT
from workerctl.errors import UserError
from workerctl.local.esm.validation import parsed_filters
from workerctl.local.template.intrinsics import LocalValues, Resolver
from workerctl.local.template.loader import load_model
from workerctl.local.template.sections import merge_globals, parameter_values

SMALL = textwrap.dedent(
    """
    Transform: AWS::Serverless-2016-10-31
    Parameters:
      Kind: {Type: String, Default: standard}
      Batch: {Type: Number, Default: 5}
    Conditions:
      IsFifo: !Equals [!Ref Kind, fifo]
      NotFifo: !Not [{Condition: IsFifo}]
    Globals:
      Function:
        Timeout: 7
        Environment:
          Variables:
            QUEUE: !Ref Source
            REGION: !Sub "${AWS::Region}/${AWS::AccountId}"
    Resources:
      Source:
        Type: AWS::SQS::Queue
        Properties:
          FifoQueue: !If [IsFifo, true, !Ref AWS::NoValue]
          VisibilityTimeout: 42
      OnlyStandard:
        Type: AWS::SQS::Queue
        Condition: NotFifo
      Topic:
        Type: AWS::SNS::Topic
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: functions/worker/
          Handler: worker_handler.lambda_handler
          Environment:
            Variables:
              TOPIC: !Ref Topic
              NAME: !GetAtt Source.QueueName
              JOINED: !Join ["-", [a, !Select [1, [x, b]]]]
              LITERAL: !Sub ["${!Keep}-${Name}", {Name: !Ref Batch}]
          Events:
            Q:
              Type: SQS
              Properties:
                Queue: !GetAtt Source.Arn
                BatchSize: !Ref Batch
                FilterCriteria:
                  Filters:
                    - Pattern: '{"body": {"type": ["a"]}}'
            Api:
              Type: Api
              Properties: {Path: /, Method: get}
    """
)


def small_model(tmp_path: Path, **overrides: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "template.yaml"
    path.write_text(SMALL)
    return load_model(path, stack_name="st", region="eu-west-2", overrides=(overrides,))


def test_real_template_queues_carry_their_attributes_and_the_dlq_arn() -> None:
    model = load_model(
        ROOT / "template.yaml", stack_name="s", region="eu-west-1", overrides=({"MaxReceiveCount": "3"},)
    )
    queues = {q.logical_id: q for q in model.queues}
    jobs, dlq = queues["JobsQueue"], queues["DeadLetterQueue"]
    assert jobs.name == "s-jobs"
    assert json.loads(jobs.attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": dlq.arn,
        "maxReceiveCount": 3,
    }
    assert dlq.arn == "arn:aws:sqs:eu-west-1:123456789012:s-jobs-dlq"
    assert json.loads(dlq.attributes["RedriveAllowPolicy"])["sourceQueueArns"] == [jobs.arn]
    assert jobs.attributes["VisibilityTimeout"] == "180"
    assert not jobs.fifo


def test_real_template_functions_get_local_queue_urls_and_their_sqs_event() -> None:
    model = load_model(
        ROOT / "template.yaml", stack_name="s", region="eu-west-1", overrides=({"BatchSize": "7"},)
    )
    model.set_queue_url("JobsQueue", "http://local/123456789012/s-jobs")
    functions = {f.logical_id: f for f in model.functions()}
    worker = functions["WorkerFunction"]
    assert worker.environment["JOBS_QUEUE_URL"] == "http://local/123456789012/s-jobs"
    assert worker.environment["POWERTOOLS_SERVICE_NAME"] == "sqs-lambda-worker"  # from Globals
    assert worker.code_uri == ROOT / "functions" / "worker"
    (event,) = worker.sqs_events
    assert (event.queue_logical_id, event.batch_size, event.report_batch_item_failures) == (
        "JobsQueue",
        7,
        True,
    )
    assert functions["HealthFunction"].has_url


def test_conditions_unknown_resources_and_intrinsics_resolve_locally(tmp_path: Path) -> None:
    model = small_model(tmp_path)
    assert [q.logical_id for q in model.queues] == ["Source", "OnlyStandard"]
    assert model.queues[0].name == "st-Source"
    model.set_queue_url("Source", "http://q/st-Source")
    (fn,) = model.functions()
    assert fn.timeout == 7
    assert fn.environment == {
        "QUEUE": "http://q/st-Source",
        "REGION": "eu-west-2/123456789012",
        "TOPIC": "Topic",
        "NAME": "st-Source",
        "JOINED": "a-b",
        "LITERAL": "${Keep}-5",
    }
    (event,) = fn.sqs_events
    assert parsed_filters(event) == ({"body": {"type": ["a"]}},)
    assert event.batch_size == 5


def test_fifo_condition_switches_queue_name_and_drops_conditional_queue(tmp_path: Path) -> None:
    model = small_model(tmp_path, Kind="fifo")
    (source,) = model.queues
    assert source.fifo
    assert source.name == "st-Source.fifo"


def test_parameter_values_layer_overrides_and_reject_unknown_names() -> None:
    template = {"Parameters": {"A": {"Default": 1}, "B": {"Default": True}, "C": {"Type": "String"}}}
    assert parameter_values(template, {"C": "x"}, {"A": "2"}) == {"A": "2", "B": "true", "C": "x"}
    with pytest.raises(UserError, match="unknown template parameter"):
        parameter_values(template, {"Nope": "1", "C": "x"})
    with pytest.raises(UserError, match="without a default"):
        parameter_values(template)


def test_merge_globals_merges_maps_concatenates_lists_and_overrides_scalars() -> None:
    merged = merge_globals(
        {"Timeout": 3, "Layers": ["L1"], "Environment": {"Variables": {"A": "1", "B": "1"}}},
        {"Timeout": 9, "Layers": ["L2"], "Environment": {"Variables": {"B": "2"}}},
    )
    assert merged == {
        "Timeout": 9,
        "Layers": ["L1", "L2"],
        "Environment": {"Variables": {"A": "1", "B": "2"}},
    }
    assert merge_globals({"X": {"Ref": "P"}}, {"X": {"Fn::Sub": "y"}}) == {"X": {"Fn::Sub": "y"}}


def test_resolver_conditions_and_pseudo_parameters() -> None:
    values = LocalValues("eu-west-1", "1", "stack", {"P": "a"})
    resolver = Resolver(
        values, {"Both": {"Fn::And": [{"Fn::Equals": ["a", {"Ref": "P"}]}, {"Fn::Or": [True]}]}}
    )
    assert resolver.condition("Both")
    assert resolver.resolve({"Fn::If": ["Both", {"Ref": "AWS::StackId"}, "no"]}).endswith("stack/stack/local")
    assert resolver.resolve([{"Ref": "AWS::NoValue"}, {"Ref": "AWS::Partition"}]) == ["aws"]
    with pytest.raises(UserError, match="not defined"):
        resolver.condition("Missing")


def test_missing_and_invalid_templates_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not found"):
        load_model(tmp_path / "nope.yaml", stack_name="s", region="r")
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources: [unclosed\n")
    with pytest.raises(UserError, match="is invalid"):
        load_model(bad, stack_name="s", region="r")
    empty = tmp_path / "empty.yaml"
    empty.write_text("Description: nothing\n")
    with pytest.raises(UserError, match="no Resources"):
        load_model(empty, stack_name="s", region="r")
