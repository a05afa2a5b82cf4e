"""``audit verify --state``: replay the trail and compare what it rebuilds with the state tables.

The chain proves the events were not changed; this proves the tables were not changed behind the
events' back. Replaying rebuilds each recipient's state (the last event on ``recipient:N`` that moved
it; pending if none), each comment's content (from the ``comment_items`` a reply event carries; replies
recorded before content was hashed carry only a count, which is compared instead), each decision's
outcome and reason (the last ``comment.decided``), and each draft's and round's state. Every difference
is named: the entity, what the trail says, what the table holds.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kernel.ids import parse_ref, ref
from states.recipient import RECIPIENT_MACHINE
from storage.uow import UnitOfWork

_STATEFUL = ("recipient", "draft", "round")
_ABSENT = "（无）"


@dataclass(frozen=True)
class Difference:
    entity: str
    field: str
    expected: str
    found: str

    @property
    def message(self) -> str:
        return f"{self.entity} 的{self.field}：审计记录为“{self.expected}”，数据表中为“{self.found}”。"


@dataclass(frozen=True)
class StateReport:
    ok: bool
    events: int
    checked: dict[str, int]
    differences: list[Difference] = field(default_factory=list)


@dataclass
class _Replay:
    states: dict[str, dict[int, str]] = field(default_factory=lambda: {k: {} for k in _STATEFUL})
    asked: dict[int, list[str]] = field(default_factory=dict)  # round_id → unit names at start
    comments: dict[int, tuple[int, str, str, str, str]] = field(default_factory=dict)
    counted: dict[int, int] = field(default_factory=dict)  # reply_id → comment count (older events)
    decisions: dict[int, tuple[str, str]] = field(default_factory=dict)
    events: int = 0

    def apply(self, action: str, entity: str, round_id: int | None, to_state: str | None, payload: Any) -> None:
        self.events += 1
        kind, entity_id = parse_ref(entity)
        if entity_id is None:
            return
        if kind in _STATEFUL and to_state is not None:
            self.states[kind][entity_id] = to_state
        if action == "round.started" and isinstance(payload.get("recipients"), list):
            self.asked[entity_id] = [str(n) for n in payload["recipients"]]
        elif action in ("reply.submitted", "reply.late") and isinstance(payload.get("reply_id"), int):
            reply_id = payload["reply_id"]
            items = payload.get("comment_items")
            if isinstance(items, list):
                for item in items:
                    self.comments[int(item["id"])] = (
                        reply_id,
                        str(item.get("target", "")),
                        str(item.get("text", "")),
                        str(item.get("basis", "")),
                        str(item.get("reason", "")),
                    )
            else:
                self.counted[reply_id] = int(payload.get("comments", 0))
        elif action == "comment.decided" and kind == "comment" and to_state is not None:
            self.decisions[entity_id] = (to_state, str(payload.get("reason", "")))


_COMMENT_FIELDS = ("所属回复", "修改位置", "意见内容", "依据", "理由")


def verify_state(uow: UnitOfWork) -> StateReport:
    """Replay every event and compare with the tables; see the module docstring."""
    replay = _Replay()
    for ev in uow.audit.events():
        replay.apply(ev.action, ev.entity, ev.round_id, ev.to_state, json.loads(ev.payload or "{}"))
    tables = uow.audit.snapshot()
    diffs: list[Difference] = []

    found_names: dict[int, list[str]] = {}
    for rec_id, (round_id, state, unit_name) in sorted(tables.recipients.items()):
        found_names.setdefault(round_id, []).append(unit_name)
        expected = replay.states["recipient"].get(rec_id, str(RECIPIENT_MACHINE.initial))
        if expected != state:
            diffs.append(Difference(ref("recipient", rec_id), "状态", expected, state))
    for round_id, names in sorted(replay.asked.items()):
        if Counter(names) != Counter(found_names.get(round_id, [])):
            diffs.append(
                Difference(
                    ref("round", round_id),
                    "征求对象",
                    "、".join(sorted(names)) or _ABSENT,
                    "、".join(sorted(found_names.get(round_id, []))) or _ABSENT,
                )
            )

    per_reply = Counter(row[0] for row in tables.comments.values())
    for comment_id, row in sorted(tables.comments.items()):
        reply_id = row[0]
        if reply_id in replay.counted:
            continue  # recorded before content was hashed: compared by count below
        want = replay.comments.get(comment_id)
        if want is None:
            diffs.append(Difference(ref("comment", comment_id), "记录", _ABSENT, row[2]))
            continue
        for label, trail_value, table_value in zip(_COMMENT_FIELDS, want, row, strict=True):
            if str(trail_value) != str(table_value):
                diffs.append(Difference(ref("comment", comment_id), label, str(trail_value), str(table_value)))
    for comment_id, want in sorted(replay.comments.items()):
        if comment_id not in tables.comments:
            diffs.append(Difference(ref("comment", comment_id), "记录", want[2], _ABSENT))
    for reply_id, count in sorted(replay.counted.items()):
        if per_reply.get(reply_id, 0) != count:
            diffs.append(Difference(ref("reply", reply_id), "意见条数", str(count), str(per_reply.get(reply_id, 0))))

    for comment_id in sorted(set(tables.decisions) | set(replay.decisions)):
        want_decision = replay.decisions.get(comment_id)
        has = tables.decisions.get(comment_id)
        if want_decision == has:
            continue
        if want_decision is None or has is None or want_decision[0] != has[0]:
            diffs.append(
                Difference(
                    ref("comment", comment_id),
                    "采纳结论",
                    want_decision[0] if want_decision else _ABSENT,
                    has[0] if has else _ABSENT,
                )
            )
        if want_decision is not None and has is not None and want_decision[1] != has[1]:
            diffs.append(Difference(ref("comment", comment_id), "采纳理由", want_decision[1], has[1]))

    for kind, table in (("draft", tables.drafts), ("round", tables.rounds)):
        for entity_id, state in sorted(table.items()):
            expected_state = replay.states[kind].get(entity_id)
            if expected_state is None:
                diffs.append(Difference(ref(kind, entity_id), "记录", _ABSENT, state))
            elif expected_state != state:
                diffs.append(Difference(ref(kind, entity_id), "状态", expected_state, state))

    checked = {
        "recipients": len(tables.recipients),
        "comments": len(tables.comments),
        "decisions": len(tables.decisions),
        "drafts": len(tables.drafts),
        "rounds": len(tables.rounds),
    }
    return StateReport(not diffs, replay.events, checked, diffs)
