"""6. Deployment size: unzipped size of each function and of the layer in ``.aws-sam/build``.

Reads what ``make template`` (sam build) left; never builds. Lambda's limit is 250 MB unzipped for a
function plus all its layers.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import ROOT, Ratio, Report

BUILD_DIR = ROOT / ".aws-sam" / "build"
LIMIT_MB = 250.0


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def run(smoke: bool = False, build_dir: Path = BUILD_DIR) -> Report:  # noqa: ARG001 - same shape as the others
    report = Report(
        name="size",
        title="Deployment size, unzipped (MB) from .aws-sam/build",
        columns=["artifact", "files", "MB", f"share of {LIMIT_MB:.0f} MB"],
    )
    artifacts = sorted(p for p in build_dir.iterdir() if p.is_dir()) if build_dir.is_dir() else []
    if not artifacts:
        report.skipped = "run make template first (no .aws-sam/build)"
        return report
    sizes = {}
    for artifact in artifacts:
        sizes[artifact.name] = tree_bytes(artifact) / 1_048_576
        files = sum(1 for p in artifact.rglob("*") if p.is_file())
        report.rows.append(
            [artifact.name, files, sizes[artifact.name], f"{sizes[artifact.name] / LIMIT_MB:.1%}"]
        )
    layers = sum(mb for name, mb in sizes.items() if "layer" in name.lower())
    for name, mb in sizes.items():
        if "layer" not in name.lower():
            report.ratios.append(
                Ratio(
                    f"{name} + layer(s), unzipped", mb + layers, LIMIT_MB, "MB", f"< {LIMIT_MB:.0f} MB", 1.0
                )
            )
    return report
