"""template.yaml → :class:`TemplateModel`: decode, bind parameters, resolve queues and tables.

Its own module so the model and the sections it is built from import nothing back (no cycle).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from workerctl.local.template.intrinsics import LocalValues, Resolver
from workerctl.local.template.model import TemplateModel
from workerctl.local.template.sections import decode_template, parameter_values

DEFAULT_ACCOUNT_ID = "123456789012"  # moto's default account


def load_model(
    path: Path,
    *,
    stack_name: str,
    region: str,
    overrides: tuple[Mapping[str, str], ...] = (),
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> TemplateModel:
    """Decode ``path`` and bind parameters; queues and tables are resolved, functions on demand."""
    template = decode_template(path)
    values = LocalValues(region, account_id, stack_name, parameter_values(template, *overrides))
    model = TemplateModel(template, path.parent.resolve(), Resolver(values, template.get("Conditions")))
    model.load_queues()
    model.load_tables()
    return model
