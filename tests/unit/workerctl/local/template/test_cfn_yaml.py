"""The runtime's own template reader builds what cfn-lint's decoder builds, without importing cfn-lint."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cfnlint.decode
import pytest

from tests.conftest import ROOT
from workerctl.errors import UserError
from workerctl.local.template.cfn_yaml import TemplateYamlError, load_template_text
from workerctl.local.template.sections import decode_template


def test_template_yaml_decodes_exactly_as_cfn_lint_decodes_it() -> None:
    # Given the project's template, When both readers decode it, Then the data is equal
    theirs, matches = cfnlint.decode.decode(str(ROOT / "template.yaml"))
    assert not matches
    assert decode_template(ROOT / "template.yaml") == theirs


def test_short_tags_become_the_long_intrinsic_forms() -> None:
    text = """
A: !Ref Name
B: !GetAtt Queue.Arn
C: !Sub "${AWS::StackName}-jobs"
D: !If [IsProd, 1, 2]
E: !Condition IsProd
F: !GetAtt [Queue, QueueName]
G: !Join [",", [!Ref A, !Ref B]]
"""
    assert load_template_text(text) == {
        "A": {"Ref": "Name"},
        "B": {"Fn::GetAtt": ["Queue", "Arn"]},
        "C": {"Fn::Sub": "${AWS::StackName}-jobs"},
        "D": {"Fn::If": ["IsProd", 1, 2]},
        "E": {"Condition": "IsProd"},
        "F": {"Fn::GetAtt": ["Queue", "QueueName"]},
        "G": {"Fn::Join": [",", [{"Ref": "A"}, {"Ref": "B"}]]},
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Resources:\n  A: 1\n  A: 2\n", "duplicate key 'A' in the mapping at line 2"),
        ("Resources: [unclosed\n", "expected ',' or ']'"),
    ],
)
def test_unreadable_templates_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(TemplateYamlError, match=message):
        load_template_text(text)
    path = tmp_path / "template.yaml"
    path.write_text(text)
    with pytest.raises(UserError, match=f"template {path} is invalid: .*{message}") as raised:
        decode_template(path)
    assert "\n" not in str(raised.value)


def test_reading_a_template_does_not_import_cfn_lint() -> None:
    # cfn-lint's import was most of the runtime's start-up; a fresh interpreter proves it stays out
    code = (
        "import sys; from pathlib import Path; from workerctl.local.template.loader import load_model; "
        f"load_model(Path({str(ROOT / 'template.yaml')!r}), stack_name='s', region='eu-west-1'); "
        "print('cfnlint' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "devtools",
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert completed.stdout.strip() == "False"
