"""Function slots: warm state, Timeout kills and cold starts, errors, import failures, the child loop."""

from __future__ import annotations

import multiprocessing
import signal
import sys
import textwrap
from pathlib import Path

import pytest

from workerctl.errors import UserError
from workerctl.local.sandbox.child import ChildSetup, child_main, context_for
from workerctl.local.sandbox.pool import FunctionPool, FunctionSlot

HANDLER = textwrap.dedent(
    """
    import os, time
    COUNT = 0

    def handler(event, context):
        global COUNT
        COUNT += 1
        if event.get("sleep"):
            time.sleep(event["sleep"])
        if event.get("raise"):
            raise ValueError("boom")
        print("hello from the child")
        return {"count": COUNT, "pid": os.getpid(), "remaining": context.get_remaining_time_in_millis(),
                "env": os.environ.get("LOCAL_X"), "name": context.function_name}
    """
)


def setup_for(folder: Path, module: str = "probe_handler") -> ChildSetup:
    (folder / "probe_handler.py").write_text(HANDLER)
    (folder / "broken_handler.py").write_text("raise RuntimeError('no config')\n")
    return ChildSetup(
        module=module,
        function="handler",
        function_name="fn",
        function_arn="arn:aws:lambda:eu-west-1:1:function:fn",
        memory_mb=128,
        sys_paths=(str(folder),),
        environment={"LOCAL_X": "from-template"},
    )


def test_warm_invocations_share_module_state_and_a_timeout_forces_a_cold_start(tmp_path: Path) -> None:
    logs: list[str] = []
    slot = FunctionSlot(setup_for(tmp_path), timeout_s=1.0, log_sink=logs.append)
    pool = FunctionPool([slot])
    pool.start()
    try:
        first, second = pool.invoke({}), pool.invoke({})
        assert (first.response["count"], second.response["count"]) == (1, 2)
        assert first.response["pid"] == second.response["pid"]
        assert first.response["env"] == "from-template"
        assert 0 < first.response["remaining"] <= 1000

        timed_out = pool.invoke({"sleep": 5})
        assert (timed_out.ok, timed_out.timed_out) == (False, True)

        after = pool.invoke({})
        assert after.response["count"] == 1  # module state is gone: a new process
        assert after.response["pid"] != first.response["pid"]
        assert pool.cold_starts == 2
    finally:
        pool.stop()
    assert "hello from the child" in logs
    assert any("Task timed out after 1.00 seconds" in line for line in logs)


def test_handler_exception_fails_the_invocation_but_keeps_the_process(tmp_path: Path) -> None:
    logs: list[str] = []
    slot = FunctionSlot(setup_for(tmp_path), timeout_s=5.0, log_sink=logs.append)
    try:
        failed = slot.invoke({"raise": True})
        assert (failed.ok, failed.error) == (False, "ValueError: boom")
        assert slot.invoke({}).response["count"] == 2
    finally:
        slot.stop()
    assert any('"errorType": "ValueError"' in line for line in logs)


def test_import_error_names_the_module_and_the_cause(tmp_path: Path) -> None:
    pool = FunctionPool([FunctionSlot(setup_for(tmp_path, "broken_handler"), 5.0, lambda line: None)])
    with pytest.raises(
        UserError, match=r"cannot import handler broken_handler.handler of fn: RuntimeError: no config"
    ):
        pool.start()


def test_child_loop_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """child_main run here (not spawned) so its code is measured: one invoke, one error, then stop."""
    setup = setup_for(tmp_path)
    parent, child = multiprocessing.Pipe()
    logs_in, logs_out = multiprocessing.Pipe(duplex=False)
    parent.send(("invoke", {}, "req-1", 5.0))
    parent.send(("invoke", {"raise": True}, "req-2", 5.0))
    parent.send(None)
    monkeypatch.setattr(sys, "stdout", sys.stdout)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    monkeypatch.setattr(sys, "path", list(sys.path))
    previous = signal.getsignal(signal.SIGINT)
    try:
        child_main(setup, child, logs_out)
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.modules.pop("probe_handler", None)
    assert parent.recv() == ("ready",)
    assert parent.recv()[0] == "ok"
    error = parent.recv()
    assert error[:3] == ("error", "ValueError", "boom")
    assert logs_in.recv() == "hello from the child"


def test_context_counts_down_from_the_timeout(tmp_path: Path) -> None:
    context = context_for(setup_for(tmp_path), "req", timeout_s=2.0)
    assert 1000 < context.get_remaining_time_in_millis() <= 2000
    assert (context.function_name, context.memory_limit_in_mb, context.aws_request_id) == ("fn", 128, "req")
    assert context.invoked_function_arn.endswith(":function:fn")


def test_processes_start_on_first_need_and_warm_slots_are_reused(tmp_path: Path) -> None:
    pool = FunctionPool([FunctionSlot(setup_for(tmp_path), 5.0, lambda line: None) for _ in range(3)])
    try:
        assert pool.started == 0  # nothing at construction: slots start on demand
        first, second = pool.invoke({}), pool.invoke({})
        assert first.response["pid"] == second.response["pid"]  # the warm slot, not a cold one
        assert (pool.started, pool.cold_starts) == (1, 1)
    finally:
        pool.stop()


def test_a_lazy_import_error_fails_the_invocation_with_lambdas_error_type(tmp_path: Path) -> None:
    logs: list[str] = []
    pool = FunctionPool([FunctionSlot(setup_for(tmp_path, "broken_handler"), 5.0, logs.append)])
    result = pool.invoke({})
    assert not result.ok
    assert result.error is not None
    assert result.error.startswith("Runtime.ImportModuleError: cannot import handler broken_handler.handler")
    assert any('"errorType": "Runtime.ImportModuleError"' in line for line in logs)


def test_first_only_warms_the_slot_invoke_takes_first_and_leaves_the_rest_cold(tmp_path: Path) -> None:
    # Given two pools of three slots (what the runtime does at start-up without warm_start)
    pools = [
        FunctionPool([FunctionSlot(setup_for(tmp_path), 5.0, lambda line: None) for _ in range(3)])
        for _ in range(2)
    ]
    try:
        FunctionPool.start_all(pools, first_only=True)
        assert [pool.started for pool in pools] == [1, 1]
        # When each pool is invoked, Then the warm slot answers: no further cold start
        for pool in pools:
            pool.invoke({})
        assert [(pool.started, pool.cold_starts) for pool in pools] == [(1, 1), (1, 1)]
    finally:
        for pool in pools:
            pool.stop()


def test_first_only_raises_a_handler_import_error_at_start(tmp_path: Path) -> None:
    pool = FunctionPool([FunctionSlot(setup_for(tmp_path, "broken_handler"), 5.0, lambda line: None)])
    with pytest.raises(UserError, match=r"cannot import handler broken_handler\.handler"):
        FunctionPool.start_all([pool], first_only=True)
    assert pool.started == 0
