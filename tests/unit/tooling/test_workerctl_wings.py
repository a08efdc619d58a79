"""workerctl's two wings: the local runtime (``workerctl.local``) never imports the CLI (``workerctl.cli``).

The CLI drives the runtime (``workerctl run``); the reverse would tie the runtime that tests, bench and
the e2e suite embed to the command-line layer. Every import statement of every module under
``devtools/workerctl/local`` is read with :mod:`ast` (function-level and ``TYPE_CHECKING`` imports
included), relative imports resolved against the module's own package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE_ROOT = ROOT / "devtools"
LOCAL_WING = PACKAGE_ROOT / "workerctl" / "local"
FORBIDDEN = "workerctl.cli"


def module_name(path: Path) -> str:
    """``devtools/workerctl/local/esm/poller.py`` → ``workerctl.local.esm.poller``."""
    parts = path.relative_to(PACKAGE_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> list[tuple[int, str]]:
    """``(line, absolute module)`` for every import in ``source`` (the text of ``module``).

    ``from a import b`` yields ``a`` and ``a.b`` (``b`` may be a submodule); relative imports are
    resolved against ``module``'s package (``module`` itself for an ``__init__``).
    """
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def is_forbidden(module: str) -> bool:
    return module == FORBIDDEN or module.startswith(f"{FORBIDDEN}.")


def violations(paths: list[Path]) -> list[str]:
    """``file:line imports module`` for every import of the CLI wing in ``paths``."""
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in paths
        for line, module in imported_modules(
            path.read_text(encoding="utf-8"), module_name(path), is_package=path.name == "__init__.py"
        )
        if is_forbidden(module)
    ]


def test_the_local_wing_never_imports_the_cli_wing() -> None:
    modules = sorted(LOCAL_WING.rglob("*.py"))
    assert len(modules) > 20  # the scan sees the whole wing
    found = violations(modules)
    assert found == [], "the local wing imports the CLI wing:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "statement",
    [
        "import workerctl.cli",
        "import workerctl.cli.options as options",
        "from workerctl.cli.options import DEFAULT_REGION",
        "from workerctl import cli",
        "from ...cli import main",
        "from ...cli.dlq import command",
        "def late():\n    from workerctl.cli.run import run",
    ],
)
def test_every_form_of_a_forbidden_import_is_caught(statement: str) -> None:
    # Given a module three levels deep in the local wing (so "..." is the workerctl package)
    # When its imports are read
    found = [name for _, name in imported_modules(statement, "workerctl.local.esm.probe")]
    # Then the CLI wing is among them
    assert any(is_forbidden(name) for name in found), found


def test_the_same_wing_and_the_shared_core_are_allowed() -> None:
    source = "from .records import lambda_record\nfrom workerctl.aws import aws_call\nimport climate\n"
    found = [name for _, name in imported_modules(source, "workerctl.local.esm.probe")]
    assert "workerctl.local.esm.records" in found
    assert not any(is_forbidden(name) for name in found)


def test_a_package_init_resolves_relative_imports_against_itself() -> None:
    imports = imported_modules("from ..cli import main", "workerctl.local", is_package=True)
    assert "workerctl.cli.main" in [name for _, name in imports]
