from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from workerctl.errors import UserError
from workerctl.local.template.samconfig import load_environment, parse_overrides


def test_parse_overrides_reads_shell_syntax_and_lists() -> None:
    assert parse_overrides("A=1 B='two words' C=") == {"A": "1", "B": "two words", "C": ""}
    assert parse_overrides(["X=y=z"]) == {"X": "y=z"}


def test_parse_overrides_rejects_pairs_without_equals() -> None:
    with pytest.raises(UserError, match="not KEY=VALUE"):
        parse_overrides("A=1 oops")


def test_real_samconfig_gives_stack_name_and_overrides_per_environment() -> None:
    dev = load_environment(ROOT / "samconfig.toml", "dev")
    prod = load_environment(ROOT / "samconfig.toml", "prod")
    assert dev.stack_name == "sqs-lambda-worker-dev"
    assert dev.parameter_overrides["Environment"] == "dev"
    assert prod.stack_name == "sqs-lambda-worker-prod"
    assert prod.parameter_overrides["MaximumConcurrency"] == "20"


def test_unknown_environment_names_the_known_ones(tmp_path: Path) -> None:
    config = tmp_path / "samconfig.toml"
    config.write_text('version = 0.1\n[dev.global.parameters]\nstack_name = "s"\n')
    with pytest.raises(UserError, match=r"unknown environment 'staging'.*dev"):
        load_environment(config, "staging")


def test_missing_file_defaults_and_invalid_toml_is_a_user_error(tmp_path: Path) -> None:
    assert load_environment(tmp_path / "absent.toml", "dev").stack_name == "sqs-lambda-worker-dev"
    bad = tmp_path / "bad.toml"
    bad.write_text("[dev\n")
    with pytest.raises(UserError, match="not valid TOML"):
        load_environment(bad, "dev")


def test_deploy_overrides_may_be_a_list(tmp_path: Path) -> None:
    config = tmp_path / "samconfig.toml"
    config.write_text('[qa.deploy.parameters]\nparameter_overrides = ["A=1", "B=2"]\n')
    loaded = load_environment(config, "qa")
    assert loaded.parameter_overrides == {"A": "1", "B": "2"}
    assert loaded.stack_name == "sqs-lambda-worker-qa"
