"""From a template function to warm child processes: environment, sys.path and the slot pool."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from workerctl.aws import LOCAL_CREDENTIALS
from workerctl.local.sandbox.child import ChildSetup
from workerctl.local.sandbox.pool import FunctionPool, FunctionSlot, LogSink

if TYPE_CHECKING:
    from workerctl.local.template.model import FunctionSpec, TemplateModel

DEVTOOLS_DIR = Path(__file__).resolve().parents[3]
FAKE_CREDENTIALS = {name.upper(): value for name, value in LOCAL_CREDENTIALS.items()}  # as env variables
SECRET_REFERENCE = re.compile(r"^\{\{resolve:secretsmanager:[^}]+\}\}$")


def with_local_secrets(variables: Mapping[str, str], secret: str) -> dict[str, str]:
    """``variables`` with each ``{{resolve:secretsmanager:...}}`` value (a secret the stack generates,
    e.g. the DeadLetter signing key) replaced by ``secret``: the emulator holds no secrets, so the
    runtime makes one per run."""
    return {name: secret if SECRET_REFERENCE.match(value) else value for name, value in variables.items()}


def runtime_environment(
    function: FunctionSpec, region: str, endpoint_url: str | None, dynamodb_endpoint_url: str | None = None
) -> dict[str, str]:
    """What Lambda sets besides the template's variables; emulator endpoints and fake keys when local.

    boto3 reads ``AWS_ENDPOINT_URL`` for every service and ``AWS_ENDPOINT_URL_DYNAMODB`` for DynamoDB.
    """
    environment = {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    if endpoint_url is not None:
        environment |= {"AWS_ENDPOINT_URL": endpoint_url, **FAKE_CREDENTIALS}
    if dynamodb_endpoint_url is not None:
        environment["AWS_ENDPOINT_URL_DYNAMODB"] = dynamodb_endpoint_url
    return environment


def function_environment(
    function: FunctionSpec,
    lambda_variables: Mapping[str, str],
    extra_job_modules: Sequence[str],
    secret: str,
) -> dict[str, str]:
    """The process environment: Lambda's variables, then the template's (its generated secrets replaced
    by ``secret``); ``extra_job_modules`` (the demo jobs, test jobs) appended to ``JOB_MODULES`` when the
    function has one."""
    environment = {**lambda_variables, **with_local_secrets(function.environment, secret)}
    if "JOB_MODULES" in environment:
        environment["JOB_MODULES"] = ",".join([environment["JOB_MODULES"], *extra_job_modules])
    return environment


def layer_paths(model: TemplateModel, function_logical_id: str) -> list[str]:
    """Content folders of the function's layers (``layers/common`` here), as Lambda's /opt/python."""
    resource = model.template["Resources"][function_logical_id]
    globals_ = (model.template.get("Globals") or {}).get("Function") or {}
    refs = [*globals_.get("Layers", []), *(resource.get("Properties") or {}).get("Layers", [])]
    paths = []
    for ref in refs:
        logical_id = ref.get("Ref") if isinstance(ref, Mapping) else None
        layer = model.template["Resources"].get(logical_id) if logical_id else None
        content = ((layer or {}).get("Properties") or {}).get("ContentUri")
        if isinstance(content, str):
            folder = (model.root / content).resolve()
            paths.append(str(folder / "python") if (folder / "python").is_dir() else str(folder))
    return paths


def child_setup(
    function: FunctionSpec,
    environment: dict[str, str],
    sys_paths: list[str],
) -> ChildSetup:
    """The picklable description of one slot process."""
    module, _, attribute = function.handler.rpartition(".")
    return ChildSetup(
        module=module,
        function=attribute,
        function_name=function.name,
        function_arn=function.arn,
        memory_mb=function.memory_mb,
        sys_paths=(str(function.code_uri), *sys_paths, str(DEVTOOLS_DIR)),
        environment=environment,
    )


def function_setup(
    model: TemplateModel,
    function: FunctionSpec,
    lambda_variables: Mapping[str, str],
    extra_job_modules: Sequence[str] = (),
    extra_sys_paths: Sequence[str] = (),
    *,
    secret: str,
) -> ChildSetup:
    """The slot process of ``function``: its environment, then its code, layers and ``extra_sys_paths``;
    ``secret`` stands in for the values the stack would resolve from Secrets Manager."""
    environment = function_environment(function, lambda_variables, extra_job_modules, secret)
    return child_setup(function, environment, [*layer_paths(model, function.logical_id), *extra_sys_paths])


def function_pool(setup: ChildSetup, timeout_s: float, size: int, log_sink: LogSink) -> FunctionPool:
    """``size`` slots of the same function (not started)."""
    return FunctionPool([FunctionSlot(setup, timeout_s, log_sink) for _ in range(size)])
