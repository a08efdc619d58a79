"""Check `sam build` output: every function and layer targets arm64, native code is aarch64 ELF.

Run by `make template` right after `sam build`; exits 1 with one line per problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ELF_MAGIC = b"\x7fELF"
EM_AARCH64 = 0xB7


def elf_machine(path: Path) -> int | None:
    """The ELF e_machine field, or None for a non-ELF file."""
    with path.open("rb") as file:  # the header only: some .so files are several MB
        header = file.read(20)
    if not header.startswith(ELF_MAGIC):
        return None
    byteorder = "little" if header[5] == 1 else "big"
    return int.from_bytes(header[18:20], byteorder)


def problems(build_dir: Path) -> list[str]:
    """Everything in ``build_dir`` that would not run on Lambda arm64."""
    template = yaml.safe_load((build_dir / "template.yaml").read_text())
    found: list[str] = []
    architectures = (template.get("Globals", {}).get("Function", {}) or {}).get("Architectures")
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            if (properties.get("Architectures") or architectures) != ["arm64"]:
                found.append(f"{name}: Architectures is not [arm64]")
        elif resource["Type"] == "AWS::Serverless::LayerVersion" and properties.get(
            "CompatibleArchitectures"
        ) != ["arm64"]:
            found.append(f"{name}: CompatibleArchitectures is not [arm64]")
    for library in build_dir.rglob("*.so*"):
        machine = elf_machine(library)
        if machine is not None and machine != EM_AARCH64:
            found.append(f"{library.relative_to(build_dir)}: not an aarch64 binary (e_machine {machine:#x})")
    return found


def main() -> int:
    build_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ".aws-sam/build")
    if not (build_dir / "template.yaml").exists():
        print(f"check_build: {build_dir}/template.yaml not found; run `sam build` first", file=sys.stderr)
        return 1
    found = problems(build_dir)
    for line in found:
        print(f"check_build: {line}", file=sys.stderr)
    if not found:
        print(f"check_build: {build_dir} targets arm64 (functions, layer and native libraries)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
