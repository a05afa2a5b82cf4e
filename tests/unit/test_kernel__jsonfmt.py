"""kernel.jsonfmt writes exactly what json.dumps(…, ensure_ascii=False, indent=1) writes (the audit pages'
raw events), for any JSON value."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.jsonfmt import indented_json

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
KEYS = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=30,
)


@given(VALUES)
def test_the_same_text_as_json_dumps(value: Any) -> None:
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=1)


def test_a_stored_event() -> None:
    event = {
        "seq": 7,
        "at": "2026-03-02T10:00:00+08:00",
        "actor": "单位1",
        "role": "unit",
        "action": "reply.submitted",
        "entity": "reply:1",
        "from_state": None,
        "to_state": "with_comments",
        "payload": {"comment_items": [{"id": 1, "text": "建议\n补充\t“措施”\\"}], "sealed": False, "empty": {}},
    }
    assert indented_json(event) == json.dumps(event, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("value", [object(), {(1, 2): 3}, {"a": {1, 2}}])
def test_what_json_refuses_it_refuses(value: Any) -> None:
    with pytest.raises(TypeError):
        json.dumps(value, ensure_ascii=False, indent=1)
    with pytest.raises(TypeError):
        indented_json(value)
