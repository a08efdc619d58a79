"""The README's first job passes the project's own checks where the README says to put it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.e2e.helpers import README_JOB_FILE, ROOT, readme_job_sample

BIN = Path(sys.executable).parent


def test_the_quick_start_job_passes_ruff_as_a_file_of_the_worker() -> None:
    # ruff applies the project's rules to the path the README names (stdin, so nothing is written there)
    sample = readme_job_sample()
    for command in (["check"], ["format", "--check"]):
        completed = subprocess.run(
            [str(BIN / "ruff"), *command, "--stdin-filename", README_JOB_FILE, "-"],
            input=sample,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_quick_start_job_passes_mypy_strict(tmp_path: Path) -> None:
    module = tmp_path / "greeting_jobs.py"
    module.write_text(readme_job_sample())
    completed = subprocess.run(
        [str(BIN / "mypy"), "--config-file", str(ROOT / "pyproject.toml"), "--no-incremental", str(module)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
