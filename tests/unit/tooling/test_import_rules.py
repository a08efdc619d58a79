"""The layers, enforced: which code may import what, by an AST scan of the source (nothing is imported).

Every ``import`` and ``from ... import`` statement counts, wherever it sits: inside functions (the
deferred imports that keep cold starts cheap) and under ``if TYPE_CHECKING:`` (type-only imports, e.g.
``mypy_boto3_*``, are still a dependency on the library; none sits outside ``adapters/`` today).
Dynamic imports (``importlib.import_module(name)``, how ``JOB_MODULES`` load) cannot be checked here.

To add a rule, add one :class:`ImportRule` to :data:`RULES`.
"""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
# The roots modules are imported from (pytest's pythonpath = the Lambda runtime's and devtools' view).
IMPORT_ROOTS = tuple(
    REPO / root
    for root in tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"][
        "pythonpath"
    ]
)


@dataclass(frozen=True)
class ImportRule:
    """Modules under ``scope`` (minus ``exempt``) must not import any module matching ``forbidden``.

    Folders are repository-relative. A pattern matches a module and its submodules (``boto3`` also
    forbids ``boto3.session``); shell wildcards are allowed (``mypy_boto3_*``).
    """

    name: str
    scope: tuple[str, ...]
    forbidden: tuple[str, ...]
    exempt: tuple[str, ...] = ()


RULES = (
    ImportRule(
        "only queue_worker/adapters imports boto3 or botocore",
        scope=("layers/common/queue_worker", "functions"),
        forbidden=("boto3", "botocore", "mypy_boto3_*", "s3transfer"),
        exempt=("layers/common/queue_worker/adapters",),
    ),
    ImportRule(
        "queue_worker never imports workerctl, bench, tests or the function handlers",
        scope=("layers/common/queue_worker",),
        forbidden=("workerctl", "bench", "tests", "worker_handler", "health_handler"),
    ),
    # The CLI drives the runtime (``workerctl run``); the reverse would tie the runtime that tests, bench
    # and the e2e suite embed to the command-line layer.
    ImportRule(
        "the local wing (workerctl.local) never imports the CLI wing (workerctl.cli)",
        scope=("devtools/workerctl/local",),
        forbidden=("workerctl.cli",),
    ),
)


def module_name(path: Path, roots: tuple[Path, ...] = IMPORT_ROOTS) -> str:
    """The dotted name ``path`` is imported under (its deepest import root wins)."""
    root = max((r for r in roots if path.is_relative_to(r)), key=lambda r: len(r.parts))
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, roots: tuple[Path, ...] = IMPORT_ROOTS) -> list[tuple[int, str]]:
    """``(line, module)`` for every import statement in ``path``, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path, roots).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((node.lineno, module))
            # ``from x import y`` may import the submodule x.y: check it too.
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names if module)
    return found


def matches(module: str, pattern: str) -> bool:
    """True when ``module`` is ``pattern`` or one of its submodules."""
    return fnmatchcase(module, pattern) or fnmatchcase(module, f"{pattern}.*")


def scoped_files(rule: ImportRule, repo: Path = REPO) -> list[Path]:
    """The Python files the rule applies to."""
    exempt = tuple(repo / folder for folder in rule.exempt)
    return sorted(
        path
        for folder in rule.scope
        for path in (repo / folder).rglob("*.py")
        if not any(path.is_relative_to(e) for e in exempt)
    )


def violations(rule: ImportRule, repo: Path = REPO, roots: tuple[Path, ...] = IMPORT_ROOTS) -> list[str]:
    """``path:line imports module (forbidden: pattern)``, once per statement and pattern."""
    found: dict[tuple[str, int, str], str] = {}
    for path in scoped_files(rule, repo):
        for line, module in imported_modules(path, roots):
            for pattern in (p for p in rule.forbidden if matches(module, p)):
                key = (str(path.relative_to(repo)), line, pattern)
                found[key] = min(found.get(key, module), module, key=len)
    return [
        f"{path}:{line} imports {module} (forbidden: {top})"
        for (path, line, top), module in sorted(found.items())
    ]


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_the_import_rule_holds(rule: ImportRule) -> None:
    # Given a scope that really holds modules (a mistyped folder would make the rule vacuous)
    for folder in (*rule.scope, *rule.exempt):
        assert list((REPO / folder).rglob("*.py")), f"{folder} holds no Python module"
    # Then none of them imports what the rule forbids
    assert violations(rule) == [], f"{rule.name}:\n" + "\n".join(violations(rule))


def test_the_scan_finds_every_form_of_a_forbidden_import(tmp_path: Path) -> None:
    # Given a package whose modules import boto3 and workerctl in every way Python allows
    package = tmp_path / "src" / "pkg"
    (package / "adapters").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "adapters" / "__init__.py").write_text("import boto3\n")
    (package / "typed.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mypy_boto3_sqs import SQSClient\n"
    )
    (package / "deferred.py").write_text("def f():\n    import botocore.exceptions\n")
    (package / "aliased.py").write_text("from workerctl.cli import main as m\nimport bench.probe as p\n")
    (package / "relative.py").write_text("from . import adapters\nfrom .adapters import boto3\n")
    rule = ImportRule(
        "test",
        scope=("src/pkg",),
        forbidden=("boto3", "botocore", "mypy_boto3_*", "workerctl", "bench"),
        exempt=("src/pkg/adapters",),
    )
    # When the rule is checked
    found = violations(rule, tmp_path, (tmp_path / "src",))
    # Then each form is reported, the exempt folder is not, and a relative import resolves to its package
    assert found == [
        "src/pkg/aliased.py:1 imports workerctl.cli (forbidden: workerctl)",
        "src/pkg/aliased.py:2 imports bench.probe (forbidden: bench)",
        "src/pkg/deferred.py:2 imports botocore.exceptions (forbidden: botocore)",
        "src/pkg/typed.py:3 imports mypy_boto3_sqs (forbidden: mypy_boto3_*)",
    ]
    assert [m for _, m in imported_modules(package / "relative.py", (tmp_path / "src",))] == [
        "pkg",
        "pkg.adapters",
        "pkg.adapters",
        "pkg.adapters.boto3",
    ]


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
def test_every_form_of_a_cli_import_from_the_local_wing_is_caught(tmp_path: Path, statement: str) -> None:
    # Given a module three levels deep in a local wing (so "..." is the workerctl package)
    probe = tmp_path / "devtools" / "workerctl" / "local" / "esm" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(statement + "\n")
    rule = next(rule for rule in RULES if rule.forbidden == ("workerctl.cli",))
    # When the local-wing rule is checked against it
    found = violations(rule, tmp_path, (tmp_path / "devtools",))
    # Then the CLI import is reported
    assert len(found) == 1, found
    assert found[0].startswith("devtools/workerctl/local/esm/probe.py:")


def test_the_same_wing_and_the_shared_core_are_allowed_in_the_local_wing(tmp_path: Path) -> None:
    probe = tmp_path / "devtools" / "workerctl" / "local" / "esm" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(
        "from .records import lambda_record\nfrom workerctl.aws import aws_call\nimport climate\n"
    )
    rule = next(rule for rule in RULES if rule.forbidden == ("workerctl.cli",))
    assert violations(rule, tmp_path, (tmp_path / "devtools",)) == []
    modules = [m for _, m in imported_modules(probe, (tmp_path / "devtools",))]
    assert "workerctl.local.esm.records" in modules
