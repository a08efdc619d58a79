"""What a run checks before its slow work (emulator processes, function imports), so a bad template,
a mapping AWS would refuse, a taken port or a missing job module fails in a second or two, one line,
instead of after the emulator has started."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from workerctl.local.esm.validation import check_mappings
from workerctl.local.job_modules import check_job_modules
from workerctl.local.ports import ensure_ports_free
from workerctl.local.template.loader import load_model
from workerctl.local.template.samconfig import load_environment

if TYPE_CHECKING:
    from workerctl.local.options import RuntimeOptions
    from workerctl.local.sandbox.child import ChildSetup
    from workerctl.local.template.model import FunctionSpec, TemplateModel


def load_checked_model(
    options: RuntimeOptions, setup_for: Callable[[TemplateModel, FunctionSpec], ChildSetup]
) -> TemplateModel:
    """The template for ``--env`` with samconfig's and the command line's overrides, after every check
    that needs no process: the mappings AWS would refuse, the ports, each function's job modules
    (``setup_for`` gives the function's process description)."""
    environment = load_environment(options.samconfig, options.env)
    model = load_model(
        options.template,
        stack_name=environment.stack_name,
        region=options.region,
        overrides=(environment.parameter_overrides, options.parameter_overrides),
    )
    check_mappings(model.functions(), model.queues)
    ensure_ports_free(options.host, runtime_ports(options, model))
    for function in model.functions():
        check_job_modules(setup_for(model, function))
    return model


def table_port(options: RuntimeOptions) -> int:
    """The tables' emulator port: ``--dynamodb-port``, else the SQS emulator's + 1 (0 stays 0)."""
    if options.dynamodb_port is not None:
        return options.dynamodb_port
    return options.emulator_port + 1 if options.emulator_port else 0


def runtime_ports(options: RuntimeOptions, model: TemplateModel) -> list[tuple[int, str, str]]:
    """``(port, what, how to change it)`` for every server this run will bind (for ``ensure_ports_free``)."""
    ports: list[tuple[int, str, str]] = []
    if options.endpoint_url is None:
        ports.append((options.emulator_port, "the AWS emulator", "pass --emulator-port PORT"))
        if model.tables:
            ports.append((table_port(options), "the tables' emulator", "pass --dynamodb-port PORT"))
    if any(function.has_url for function in model.functions()):
        ports.append((options.health_port, "/health", "set PORT or pass --port PORT"))
    if options.dashboard_port is not None:
        ports.append(
            (options.dashboard_port, "the dashboard", "pass --dashboard-port PORT or --no-dashboard")
        )
    return ports
