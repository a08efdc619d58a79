"""Every ``--help`` is plain text: the command modules' docstrings lose their reST markers."""

from __future__ import annotations

import pytest

from workerctl.cli import main

COMMANDS = [
    ["run"],
    ["send"],
    ["depth"],
    ["health"],
    ["dlq"],
    ["dlq", "inspect"],
    ["dlq", "export"],
    ["dlq", "redrive"],
    ["dlq", "replay"],
    ["dlq", "purge"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_a_plain_description(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: workerctl {' '.join(command)}")
    assert "``" not in out
