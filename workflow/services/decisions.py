"""采纳情况及理由: deciding each comment in the queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.ids import ref
from kernel.text import check_texts
from states.decision import NEEDS_REASON, OUTCOME_LABELS, Outcome
from states.draft import DraftState
from states.round import RoundState
from storage.models import Decision
from storage.uow import UnitOfWork
from storage.views import DecisionRow
from workflow.services._common import load_draft, load_round, record

REASON_SNIPPETS = (
    "理由不充分或无依据，不予采纳。",
    "与上级文件要求一致，予以采纳。",
    "已在相关条款中体现。",
    "不属于本文件规范范围。",
)
# Decisions are made after the deadline and before review: while deciding, or while a revision is
# being drafted (the draft machine moves deciding → drafting only through revise/return).
_DECIDABLE_DRAFT_STATES = (DraftState.deciding, DraftState.drafting)


@dataclass(frozen=True)
class Decide:
    comment_id: int
    outcome: str
    reason: str = ""
    change_task: int | None = None

    def __post_init__(self) -> None:
        check_texts({"采纳结论": self.outcome, "理由": self.reason}, multiline=frozenset({"理由"}))


def checked_outcome(text: str, reason: str, **where: int) -> tuple[Outcome, str]:
    """A known outcome, and a reason where the outcome needs one (不予采纳, 部分采纳): the rule every decision
    follows, a unit's comment or a group of public comments."""
    try:
        outcome = Outcome(text)
    except ValueError:
        raise InvalidInput("DECISION_OUTCOME_INVALID", f"采纳结论“{text}”无效。") from None
    if outcome in NEEDS_REASON and not reason.strip():
        raise InvalidInput("DECISION_REASON_REQUIRED", f"“{OUTCOME_LABELS[outcome]}”必须说明理由。", **where)
    return outcome, reason.strip()


def decide(uow: UnitOfWork, clock: Clock, actor: Actor, cmd: Decide) -> Decision:
    """Record or change the decision on one comment; rejected and partly adopted need a reason."""
    row = _decide(uow, clock, actor, cmd)
    uow.commit()
    return row


def decide_many(
    uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, comment_ids: list[int], cmd: Decide
) -> list[Decision]:
    """The same decision on several comments of one round (the 批量决定 form): all of them or none.

    Every id must name a comment of ``round_id`` (a form posted for one round cannot decide another's), and
    one refused comment leaves every other undecided, in one transaction with their audit events."""
    if not comment_ids:
        raise InvalidInput("COMMENTS_NOT_SELECTED", "请至少选择一条意见。", field="comment_id")
    load_round(uow, round_id)  # another office's round is not found
    rows = []
    for comment_id in dict.fromkeys(comment_ids):
        comment = uow.replies.comment(comment_id)
        if comment is None:  # unknown, or another office's: not found, as deciding it alone would say
            raise NotFound("COMMENT_NOT_FOUND", f"修改意见 {comment_id} 不存在。", comment_id=comment_id)
        if comment.round_id != round_id:  # a stale or forged form: refused beside the field
            raise InvalidInput(
                "COMMENT_NOT_IN_ROUND",
                f"意见 {comment_id} 不属于本轮征求意见。",
                comment_id=comment_id,
                field="comment_id",
            )
        rows.append(_decide(uow, clock, actor, Decide(comment_id, cmd.outcome, cmd.reason, cmd.change_task)))
    uow.commit()
    return rows


def _decide(uow: UnitOfWork, clock: Clock, actor: Actor, cmd: Decide) -> Decision:
    outcome, reason = checked_outcome(cmd.outcome, cmd.reason, comment_id=cmd.comment_id)
    comment = uow.replies.comment(cmd.comment_id)
    if comment is None:
        raise NotFound("COMMENT_NOT_FOUND", f"修改意见 {cmd.comment_id} 不存在。", comment_id=cmd.comment_id)
    if not uow.replies.in_queue(comment.id or 0):
        raise Conflict("COMMENT_NOT_IN_QUEUE", "该意见不在待决定范围内（已被后续修改稿替代，或为未纳入的逾期回复）。")
    rnd = load_round(uow, comment.round_id)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    if draft.state not in _DECIDABLE_DRAFT_STATES or rnd.state != RoundState.closed:
        raise Conflict(
            "DECISION_NOT_ALLOWED", "只有在征求意见截止后、提交合法性审查前才能作出采纳决定。", draft_state=draft.state
        )
    if cmd.change_task is not None:
        version = uow.drafts.version(draft.id or 0, draft.current_version)
        if version is None or cmd.change_task not in uow.drafts.task_numbers(version.id or 0):
            raise InvalidInput("CHANGE_TASK_UNKNOWN", f"重点任务分工中没有序号{cmd.change_task}。")
    now = clock.now()
    existing = uow.replies.decision(comment.id or 0)
    before = existing.outcome if existing else None
    row = existing or Decision(comment_id=comment.id or 0, outcome=outcome.value, decided_at=now)
    row.outcome = outcome.value
    row.reason = reason
    row.change_task_number = cmd.change_task
    row.decided_by = actor.name
    row.decided_at = now
    uow.replies.add(row)
    record(
        uow,
        actor,
        now,
        "comment.decided",
        ref("comment", comment.id),
        round_id=rnd.id,
        from_state=before,
        to_state=outcome.value,
        reason=reason,
        change_task=cmd.change_task,
        target=comment.target,
    )
    return row


_PUNCT = "，,。.；;：: "


def decision_text(outcome: str | None, reason: str) -> str:
    """How the adoption table writes it: 予以采纳 / 不予采纳，<理由>。

    The label is said once: a reason that already starts with it ("部分采纳，将…") or ends with it
    (the snippet "理由不充分或无依据，不予采纳。") is not wrapped in it again.
    """
    if outcome is None:
        return "待决定"
    label = OUTCOME_LABELS.get(outcome, outcome)
    core = reason.strip()
    if core.startswith(label):
        core = core[len(label) :].lstrip(_PUNCT)
    trimmed = core.rstrip("。. ")
    if trimmed.endswith(label):
        core = trimmed[: -len(label)].rstrip(_PUNCT)
        core = f"{core}。" if core else ""
    return f"{label}，{core}" if core else label


def decision_view(decision: Decision | DecisionRow | None) -> dict[str, Any]:
    """How a comment's decision is shown everywhere (status, adoption table): outcome, label, reason, task."""
    outcome = decision.outcome if decision else None
    reason = decision.reason if decision else ""
    return {
        "decision": outcome,
        "decision_label": OUTCOME_LABELS.get(outcome) if outcome else None,
        "reason": reason,
        "decision_text": decision_text(outcome, reason),
        "change_task": decision.change_task_number if decision else None,
    }
