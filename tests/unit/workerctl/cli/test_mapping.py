"""``workerctl mapping``: which mapping a selector names, the update it sends, one-line errors (exit 2)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.workerctl.fake_lambda import FakeLambda
from workerctl.cli import main, mapping
from workerctl.cli.options import checked_endpoint
from workerctl.errors import UserError

WHERE = "http://localhost:4566"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeLambda:
    """The fake behind every ``workerctl mapping`` call; the dev stack's worker and one other mapping."""
    lambda_ = FakeLambda()
    lambda_.add("sqs-lambda-worker-dev-worker", "sqs-lambda-worker-dev-jobs")
    lambda_.add("other-fn", "other-queue")

    def client_for(args: Any, service: str = "sqs") -> FakeLambda:
        assert service == "lambda"
        checked_endpoint(args.endpoint_url)  # what the real client_for checks before any call
        return lambda_

    monkeypatch.setattr(mapping, "client_for", client_for)
    return lambda_


def test_a_uuid_is_read_with_get_not_by_listing(fake: FakeLambda) -> None:
    uuid = next(iter(fake.mappings))
    assert mapping.find_mapping(fake, uuid.upper(), WHERE)["UUID"] == uuid
    assert fake.asked == ["GetEventSourceMapping"]


@pytest.mark.parametrize("selector", ["other-fn", "other-queue"])
def test_a_function_or_queue_name_picks_its_mapping(fake: FakeLambda, selector: str) -> None:
    assert mapping.last_segment(mapping.find_mapping(fake, selector, WHERE)["FunctionArn"]) == "other-fn"


def test_an_unknown_uuid_is_a_one_line_error(fake: FakeLambda) -> None:
    with pytest.raises(UserError, match=r"^no event source mapping 12345678-1234-1234-1234-123456789012 at "):
        mapping.find_mapping(fake, "12345678-1234-1234-1234-123456789012", WHERE)


def test_an_unknown_name_lists_the_mappings_there(fake: FakeLambda) -> None:
    with pytest.raises(UserError) as raised:
        mapping.find_mapping(fake, "nope", WHERE)
    assert str(raised.value) == (
        f"no event source mapping for 'nope' at {WHERE} (mappings there: "
        "00000000-0000-0000-0000-000000000000 (sqs-lambda-worker-dev-worker <- sqs-lambda-worker-dev-jobs), "
        "00000000-0000-0000-0000-000000000001 (other-fn <- other-queue))"
    )


def test_a_name_with_two_mappings_asks_for_a_uuid(fake: FakeLambda) -> None:
    fake.add("other-fn", "second-queue")
    with pytest.raises(UserError, match=r"'other-fn' names 2 event source mappings \(.*\); pass a UUID$"):
        mapping.find_mapping(fake, "other-fn", WHERE)


def test_disable_without_a_selector_updates_the_stacks_worker(
    fake: FakeLambda, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mapping", "disable"]) == 0
    assert fake.updates == [("00000000-0000-0000-0000-000000000000", False)]
    assert capsys.readouterr().out == (
        "event source mapping 00000000-0000-0000-0000-000000000000 "
        "(sqs-lambda-worker-dev-worker <- sqs-lambda-worker-dev-jobs): Disabling\n"
    )


def test_enable_by_queue_name(fake: FakeLambda) -> None:
    assert main(["mapping", "enable", "other-queue"]) == 0
    assert fake.updates == [("00000000-0000-0000-0000-000000000001", True)]


def test_list_prints_every_page(fake: FakeLambda, capsys: pytest.CaptureFixture[str]) -> None:
    fake.mappings["00000000-0000-0000-0000-000000000001"]["LastProcessingResult"] = "OK"
    assert main(["mapping", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["uuid", "state", "function", "queue", "batch", "last", "result"]
    assert lines[1].split() == [
        "00000000-0000-0000-0000-000000000000",
        "Enabled",
        "sqs-lambda-worker-dev-worker",
        "sqs-lambda-worker-dev-jobs",
        "10",
        "-",
    ]
    assert lines[2].split()[-1] == "OK"


@pytest.mark.parametrize(
    "argv",
    [
        ["mapping", "disable", "nope"],
        ["mapping", "enable", "12345678-1234-1234-1234-123456789012"],
        ["mapping", "disable", "--endpoint-url", "localhost:4566"],
        ["mapping", "list", "--endpoint-url", "http://[::1"],
        ["mapping"],
        ["mapping", "pause"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    fake: FakeLambda, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(argv)
    _, err = capsys.readouterr()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert err.startswith("workerctl ")
    assert fake.updates == []


def test_a_failing_listing_is_one_line(fake: FakeLambda, capsys: pytest.CaptureFixture[str]) -> None:
    fake.list_error = "AccessDeniedException"
    assert main(["mapping", "disable", "--endpoint-url", "aws"]) == 2
    assert capsys.readouterr().err == (
        "workerctl mapping: error: ListEventSourceMappings at AWS failed: AccessDeniedException: nope\n"
    )


@pytest.mark.parametrize("action", ["list", "disable", "enable"])
def test_help_is_plain_text(action: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["mapping", action, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: workerctl mapping {action}")
    assert "Lambda endpoint" in out
    assert "``" not in out
