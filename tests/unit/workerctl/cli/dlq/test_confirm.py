"""`dlq purge` asks on a terminal and refuses without one unless --yes; argument bounds."""

from __future__ import annotations

import pytest

from workerctl.cli import build_parser
from workerctl.cli.dlq.display import confirm_purge
from workerctl.errors import UserError

NAME = "app-jobs-dlq"


def never_asked(_prompt: str) -> str:
    raise AssertionError("must not ask")


def test_yes_skips_the_question() -> None:
    confirm_purge(NAME, yes=True, interactive=False, ask=never_asked)


def test_without_a_terminal_it_refuses_and_names_yes() -> None:
    with pytest.raises(UserError, match=r"not a terminal.*--yes"):
        confirm_purge(NAME, yes=False, interactive=False, ask=never_asked)


def test_typing_the_queue_name_confirms() -> None:
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return f" {NAME}\n"

    confirm_purge(NAME, yes=False, interactive=True, ask=ask)
    assert prompts == [f"This deletes every message in {NAME}. Type the queue name to confirm: "]


@pytest.mark.parametrize("answer", ["y", "yes", "app-jobs", ""])
def test_anything_else_aborts(answer: str) -> None:
    with pytest.raises(UserError, match="nothing purged"):
        confirm_purge(NAME, yes=False, interactive=True, ask=lambda _p: answer)


def test_end_of_input_aborts() -> None:
    def eof(_prompt: str) -> str:
        raise EOFError

    with pytest.raises(UserError, match="nothing purged"):
        confirm_purge(NAME, yes=False, interactive=True, ask=eof)


@pytest.mark.parametrize(
    "argv",
    [
        ["dlq", "redrive", "--rate", "501"],
        ["dlq", "redrive", "--rate", "0"],
        ["dlq", "redrive", "--max", "0"],
        ["dlq", "inspect", "--limit", "0"],
        ["dlq", "inspect", "--limit", "many"],
    ],
)
def test_out_of_range_numbers_are_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    assert exited.value.code == 2
    assert "error: argument --" in capsys.readouterr().err


def test_defaults_point_at_the_local_emulator() -> None:
    args = build_parser().parse_args(["dlq", "inspect"])
    assert (args.endpoint_url, args.env, args.limit, args.json) == ("http://localhost:4566", "dev", 10, False)
