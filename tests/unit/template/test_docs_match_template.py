"""The README documents every template parameter and output (docs stay true to the template)."""

from __future__ import annotations

from tests.unit.template.cfn import ROOT, load_template

README = (ROOT / "README.md").read_text()


def test_every_parameter_is_in_the_readme_configuration_table() -> None:
    missing = [name for name in load_template()["Parameters"] if f"`{name}`" not in README]
    assert missing == []


def test_every_output_is_named_in_the_readme() -> None:
    missing = [name for name in load_template()["Outputs"] if f"`{name}`" not in README]
    assert missing == []
