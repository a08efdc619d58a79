"""`health` on whatever a server answers: a summary, or one line (exit 2), never an exception."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workerctl.cli.health import _health_document, summary
from workerctl.errors import UserError

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3),
    max_leaves=12,
)
documents = st.fixed_dictionaries(
    {"status": st.sampled_from(["pass", "warn", "fail"]) | json_values},
    optional={
        "checks": json_values
        | st.dictionaries(st.text(), st.lists(json_values | st.dictionaries(st.text(), json_values))),
        "output": json_values,
        "releaseId": json_values,
    },
)
bodies = st.one_of(
    documents.map(lambda d: json.dumps(d).encode()),
    st.binary(),
    st.integers(min_value=500, max_value=100_000).map(lambda n: (b"[" * n) + (b"]" * n)),
)


@settings(max_examples=300, deadline=None)
@given(body=bodies, status=st.integers(min_value=100, max_value=599))
def test_any_answer_is_a_summary_or_one_line(body: bytes, status: int) -> None:
    try:
        document = _health_document(status, body)
    except UserError as exc:
        error = str(exc)
    else:
        assert summary(document, status).startswith(f"health: {document['status']} (HTTP {status};")
        return
    assert len(error.splitlines()) == 1
    assert error.startswith(f"HTTP {status}: ")


@pytest.mark.parametrize(
    "document",
    [
        {"status": "pass", "checks": [{"status": "pass"}]},
        {"status": "pass", "checks": {"queue:depth": {"status": "pass"}}},
        {"status": "warn", "checks": {"queue:depth": ["pass"]}},
    ],
)
def test_checks_that_are_not_lists_of_objects_are_refused(document: dict[str, object]) -> None:
    with pytest.raises(UserError, match="checks are not lists of objects"):
        _health_document(200, json.dumps(document).encode())
