from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.conftest import ROOT
from workerctl.cli import build_parser, main
from workerctl.cli.run import options_from
from workerctl.errors import UserError
from workerctl.local.ports import ensure_port_free


def test_unknown_environment_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "run",
            "--env",
            "staging",
            "--config-file",
            str(ROOT / "samconfig.toml"),
            "--emulator-port",
            "0",
            "--port",
            "0",
        ]
    )
    assert code == 2
    assert "unknown environment 'staging'" in capsys.readouterr().err


def test_missing_template_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["run", "--template", str(tmp_path / "t.yaml"), "--config-file", str(ROOT / "samconfig.toml")]
    )
    assert code == 2
    assert "not found" in capsys.readouterr().err


def test_options_parse_overrides_and_reject_bad_combinations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9999")
    args = build_parser().parse_args(
        ["run", "--parameter-overrides", "A=1", "B=2", "--fast-retries", "--no-demo"]
    )
    options = options_from(args)
    assert options.parameter_overrides == {"A": "1", "B": "2"}
    assert (options.health_port, options.emulator_port, options.fast_retries, options.demo) == (
        9999,
        4566,
        True,
        False,
    )
    assert options.dynamodb_port is None  # the runtime takes --emulator-port + 1
    assert options_from(build_parser().parse_args(["run", "--dynamodb-port", "5000"])).dynamodb_port == 5000
    with pytest.raises(UserError, match="needs --endpoint-url"):
        options_from(build_parser().parse_args(["run", "--queue-url", "http://q"]))
    with pytest.raises(UserError, match="--poll-wait"):
        options_from(build_parser().parse_args(["run", "--poll-wait", "30"]))
    with pytest.raises(
        UserError, match="--poll-wait must be between 1 and 20"
    ):  # 0 would spin on ReceiveMessage
        options_from(build_parser().parse_args(["run", "--poll-wait", "0"]))


def test_port_in_use_says_which_and_how_to_change_it() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UserError, match=rf"port {port} for the AWS emulator is in use.*--emulator-port"):
            ensure_port_free("127.0.0.1", port, "the AWS emulator", "pass --emulator-port PORT")
