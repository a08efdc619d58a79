"""devtools/check_build.py flags non-arm64 build output."""

from __future__ import annotations

from pathlib import Path

import check_build

TEMPLATE = """
Globals:
  Function:
    Architectures: [arm64]
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties: {}
  X86:
    Type: AWS::Serverless::Function
    Properties:
      Architectures: [x86_64]
  Layer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      CompatibleArchitectures: [arm64]
"""


def elf(machine: int) -> bytes:
    return b"\x7fELF\x02\x01" + b"\x00" * 12 + machine.to_bytes(2, "little") + b"\x00" * 40


def test_problems_names_x86_functions_and_binaries(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "Layer").mkdir()
    (tmp_path / "Layer" / "ok.so").write_bytes(elf(0xB7))
    (tmp_path / "Layer" / "bad.so").write_bytes(elf(0x3E))
    (tmp_path / "Layer" / "notelf.so").write_bytes(b"text")
    assert check_build.problems(tmp_path) == [
        "X86: Architectures is not [arm64]",
        "Layer/bad.so: not an aarch64 binary (e_machine 0x3e)",
    ]


def test_main_fails_without_a_build(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("sys.argv", ["check_build", str(tmp_path)])
    assert check_build.main() == 1
