"""集体讨论决定: the meeting that discussed the draft (e.g. 市政府第X次常务会议), before it is issued.

Required by the type where the law asks for it (《重大行政决策程序暂行条例》第三十条; 国办发〔2018〕37号
for 规范性文件); the draft machine's ``issue`` guard (``DELIBERATION_REQUIRED``) asks ``deliberated``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput
from kernel.ids import ref
from states.draft import DraftState
from storage.models import Deliberation
from storage.uow import UnitOfWork
from workflow.services._common import load_draft, load_round, record

OUTCOMES = {
    "approved": "审议通过",
    "approved_with_changes": "原则通过，按会议意见修改后印发",
    "deferred": "暂缓，另行审议",
    "rejected": "未通过",
}
PASSING = frozenset({"approved", "approved_with_changes"})
MAX_MINUTES_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Deliberate:
    round_id: int
    meeting: str
    held_on: date
    outcome: str = "approved"
    minutes_name: str = ""
    minutes: bytes | None = None


def deliberated(uow: UnitOfWork, round_id: int) -> bool:
    """The latest deliberation recorded for the round passed the draft."""
    rows = uow.process.deliberations(round_id)
    return bool(rows) and rows[-1].outcome in PASSING


def record_deliberation(uow: UnitOfWork, clock: Clock, actor: Actor, cmd: Deliberate) -> Deliberation:
    if not cmd.meeting.strip():
        raise InvalidInput("MEETING_REQUIRED", "请填写会议名称，如“市政府第X次常务会议”。")
    if cmd.outcome not in OUTCOMES:
        raise InvalidInput(
            "DELIBERATION_OUTCOME_INVALID",
            "会议结论须为 approved（审议通过）、approved_with_changes（原则通过）、"
            "deferred（暂缓）或 rejected（未通过）。",
        )
    if cmd.minutes is not None and (not cmd.minutes or len(cmd.minutes) > MAX_MINUTES_BYTES):
        raise InvalidInput("MINUTES_FILE_SIZE", "会议纪要文件为空或超过20MB。")
    now = clock.now()
    rnd = load_round(uow, cmd.round_id)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    if draft.state in (DraftState.issued, DraftState.withdrawn):
        raise Conflict("DRAFT_CLOSED", "文稿已印发或撤回，不能再登记集体讨论。", draft_id=draft.id)
    if uow.rounds.latest_id_for_draft(draft.id or 0) != rnd.id:
        raise Conflict("ROUND_SUPERSEDED", "该文稿已发起新的征求意见轮次，请针对最新轮次登记。")
    digest = hashlib.sha256(cmd.minutes).hexdigest() if cmd.minutes else ""
    row = Deliberation(
        round_id=cmd.round_id,
        meeting=cmd.meeting.strip(),
        held_on=cmd.held_on,
        outcome=cmd.outcome,
        minutes_name=cmd.minutes_name if cmd.minutes else "",
        minutes_sha256=digest,
        minutes=cmd.minutes,
        recorded_by=actor.name,
        recorded_at=now,
    )
    uow.process.add(row)
    record(
        uow,
        actor,
        now,
        "deliberation.recorded",
        ref("deliberation", row.id),
        round_id=cmd.round_id,
        meeting=row.meeting,
        held_on=row.held_on.isoformat(),
        outcome=row.outcome,
        version=draft.current_version,
        minutes=row.minutes_name,
        minutes_sha256=digest,
    )
    uow.commit()
    return row
