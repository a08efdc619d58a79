"""A job module that is not on the worker's path fails in milliseconds, before any process starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from workerctl.errors import UserError
from workerctl.local.job_modules import check_job_modules
from workerctl.local.sandbox.child import ChildSetup


def setup_with(modules: str, *paths: Path) -> ChildSetup:
    return ChildSetup(
        module="worker_handler",
        function="lambda_handler",
        function_name="w",
        function_arn="arn",
        memory_mb=128,
        sys_paths=tuple(str(p) for p in paths),
        environment={"JOB_MODULES": modules},
    )


def test_modules_found_on_any_path_pass(tmp_path: Path) -> None:
    (tmp_path / "my_jobs.py").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    check_job_modules(setup_with(" my_jobs , pkg.sub,", tmp_path / "elsewhere", tmp_path))
    check_job_modules(setup_with("json", tmp_path))  # the standard library is on every path


def test_a_missing_module_is_one_line_naming_it_and_the_fix(tmp_path: Path) -> None:
    (tmp_path / "my_jobs.py").write_text("")
    with pytest.raises(UserError) as raised:
        check_job_modules(setup_with("my_jobs,no_such_module", tmp_path))
    message = str(raised.value)
    assert message.startswith("job module 'no_such_module' of w is not on its import path")
    assert str(tmp_path) in message
    assert message.endswith("or pass --job-path DIR for code elsewhere")
