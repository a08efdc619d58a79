"""Fixtures for the template tests: the decoded template and its default parameter values."""

from __future__ import annotations

import pytest

from tests.unit.template.cfn import Template, effective_parameters, load_template


@pytest.fixture(scope="session")
def template() -> Template:
    return load_template()


@pytest.fixture(scope="session")
def defaults(template: Template) -> dict[str, str]:
    return effective_parameters(template)
