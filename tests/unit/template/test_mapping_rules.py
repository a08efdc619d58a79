"""template.yaml against what CreateEventSourceMapping refuses, for every profile: a bad parameter
combination fails here, not at ``sam deploy`` (the checks the local runtime makes at start-up)."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from workerctl.errors import UserError
from workerctl.local.esm.validation import check_mappings
from workerctl.local.template.loader import load_model
from workerctl.local.template.samconfig import load_environment


def check(env: str, **overrides: str) -> None:
    environment = load_environment(ROOT / "samconfig.toml", env)
    model = load_model(
        ROOT / "template.yaml",
        stack_name=environment.stack_name,
        region="eu-west-1",
        overrides=(environment.parameter_overrides, overrides),
    )
    check_mappings(model.functions(), model.queues)


@pytest.mark.parametrize("env", ["dev", "prod"])
@pytest.mark.parametrize("queue_type", ["standard", "fifo"])
def test_every_profile_makes_a_mapping_aws_accepts(env: str, queue_type: str) -> None:
    check(env, QueueType=queue_type)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"BatchSize": "50", "MaximumBatchingWindowInSeconds": "0"}, "Maximum batch window in seconds"),
        ({"QueueType": "fifo", "BatchSize": "20"}, "Maximum batch size must be between 1 and 10"),
        ({"WorkerTimeoutSeconds": "200", "QueueVisibilityTimeoutSeconds": "180"}, "Queue visibility timeout"),
    ],
)
def test_a_bad_parameter_combination_is_refused(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(UserError, match=f"function WorkerFunction, event Jobs: .*{message}"):
        check("dev", **overrides)
