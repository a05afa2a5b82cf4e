"""The audit CSV opens safely in Excel/WPS: no cell is run as a formula."""

from __future__ import annotations

import csv
import io

from workflow.services.audit import events_csv


def test_formula_like_cells_are_neutralised() -> None:
    event = {
        "seq": 7,
        "at": "2023-02-18T10:00:00+08:00",
        "actor": '=HYPERLINK("http://evil.example","点我")',
        "role": "unit",
        "action": "reply.submitted",
        "entity": "recipient:3",
        "round_id": 1,
        "from_state": "pending",
        "to_state": "with_comments",
        "payload": {"text": "-1+1"},
        "imported": False,
        "prev_hash": "a" * 64,
        "hash": "b" * 64,
    }
    [row] = list(csv.DictReader(io.StringIO(events_csv([event]))))
    assert row["actor"] == '\'=HYPERLINK("http://evil.example","点我")'
    assert row["payload"] == '{"text":"-1+1"}', "JSON starts with a brace and is left as it is (canonical, as hashed)"
    assert (row["seq"], row["action"], row["hash"]) == ("7", "reply.submitted", "b" * 64)
