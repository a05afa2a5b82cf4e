"""采纳情况及理由: deciding each comment in the queue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.ids import ref
from kernel.text import check_texts
from states.decision import NEEDS_REASON, OUTCOME_LABELS, Outcome
from states.draft import DraftState
from states.round import RoundState
from storage.models import Decision
from storage.repositories.rounds import VersionRef
from storage.uow import UnitOfWork
from storage.views import DecisionRow
from workflow.draft_targets import fold_target, resolve_target
from workflow.services._common import load_draft, load_round, record
from workflow.services.draft_items import cached_version_items

if TYPE_CHECKING:
    from storage.models import Draft

REASON_SNIPPETS = (
    "理由不充分或无依据，不予采纳。",
    "与上级文件要求一致，予以采纳。",
    "已在相关条款中体现。",
    "不属于本文件规范范围。",
)
# Decisions are made after the deadline and before review: while deciding, or while a revision is
# being drafted (the draft machine moves deciding → drafting only through revise/return).
_DECIDABLE_DRAFT_STATES = (DraftState.deciding, DraftState.drafting)


CHANGE_LABEL = "落实条目"  # how a refusal names the 落实于 field (the pages put it beside their input)
CHANGE_MAX_CHARS = 50
_TASK_NUMBER = re.compile(r"(?:序号)?(\d{1,9})")


@dataclass(frozen=True)
class Decide:
    """``change_task`` or ``change_item``: where the revised draft carries the comment out (落实于). The
    first is a task number (序号); the second is what staff write, a task number ("8", "序号8") or an item of
    the draft ("第五条", "第二章", "第五条第（二）项", "二、（一）")."""

    comment_id: int
    outcome: str
    reason: str = ""
    change_task: int | None = None
    change_item: str = ""

    def __post_init__(self) -> None:
        check_texts(
            {"采纳结论": self.outcome, "理由": self.reason, CHANGE_LABEL: self.change_item},
            multiline=frozenset({"理由"}),
        )


@dataclass(frozen=True)
class ChangeTarget:
    """Where a decision is carried out: a task number, or an item (its version, seq and label), or neither."""

    task: int | None = None
    version: int | None = None
    seq: int | None = None
    label: str | None = None


def change_target(uow: UnitOfWork, draft: Draft, cmd: Decide) -> ChangeTarget:
    """The task or item ``cmd`` names, in the draft's current version (the one staff revise, or the revision
    they carry the comment out in); an unknown one is refused, saying what the draft has."""
    text = cmd.change_item.strip()
    if cmd.change_task is not None and text:
        raise InvalidInput("CHANGE_TARGET_TWICE", "落实于任务序号和落实条目只能填写一项。", field=CHANGE_LABEL)
    if cmd.change_task is None and not text:
        return ChangeTarget()
    if len(text) > CHANGE_MAX_CHARS:
        raise InvalidInput(
            "CHANGE_ITEM_UNKNOWN",
            f"落实条目不能超过{CHANGE_MAX_CHARS}个字，请只写条目，如“第五条”或“序号8”。",
            field=CHANGE_LABEL,
        )
    version = uow.drafts.version(draft.id or 0, draft.current_version)
    kind = version.kind if version is not None else "tasks"
    folded = fold_target(text)
    number = _TASK_NUMBER.fullmatch(folded)
    task = cmd.change_task if cmd.change_task is not None else int(number.group(1)) if number else None
    if version is None or task is not None or kind == "tasks":
        numbers = uow.drafts.task_numbers(version.id or 0) if version is not None else set()
        if task is None:
            message = f"“{text}”不是重点任务分工的序号，请填写序号，如“8”。"
        elif task in numbers:
            return ChangeTarget(task=task)
        elif numbers:
            message = f"重点任务分工中没有序号{task}。"
        else:
            message = f"该文稿没有重点任务分工表，没有序号{task}；请填写落实的条目，如“第五条”。"
        raise InvalidInput("CHANGE_TASK_UNKNOWN", message, field=CHANGE_LABEL)
    items = cached_version_items(uow, VersionRef(version.id or 0, version.kind, version.created_at))
    found = resolve_target(text, kind, items)
    item = next((i for i in items if i.seq == found.seq), None) if found.seq is not None else None
    if item is None:
        example = "第五条”“第二章”“第五条第（二）项" if kind == "articles" else "二、”“二、（一）"
        message = (
            f"文稿中没有{found.unknown}。"
            if found.unknown
            else f"无法识别落实条目“{text}”，请按文稿的条目填写，如“{example}”。"
        )
        raise InvalidInput("CHANGE_ITEM_UNKNOWN", message, field=CHANGE_LABEL, version=version.version)
    return ChangeTarget(version=version.version, seq=item.seq, label=item.label)


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
        one = Decide(comment_id, cmd.outcome, cmd.reason, cmd.change_task, cmd.change_item)
        rows.append(_decide(uow, clock, actor, one))
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
    target = change_target(uow, draft, cmd)
    now = clock.now()
    existing = uow.replies.decision(comment.id or 0)
    before = existing.outcome if existing else None
    row = existing or Decision(comment_id=comment.id or 0, outcome=outcome.value, decided_at=now)
    row.outcome = outcome.value
    row.reason = reason
    row.change_task_number = target.task
    row.change_item_version, row.change_item_seq, row.change_item_label = target.version, target.seq, target.label
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
        change_task=target.task,
        change_item=target.label,
        change_item_version=target.version,
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


def decision_view(
    decision: Decision | DecisionRow | None, change_anchor: dict[str, Any] | None = None
) -> dict[str, Any]:
    """How a comment's decision is shown everywhere (status, adoption table): outcome, label, reason, and
    where it is carried out (``change_anchor``: that item as it is now, from ``anchors.queue_anchors``)."""
    outcome = decision.outcome if decision else None
    reason = decision.reason if decision else ""
    task = decision.change_task_number if decision else None
    item = decision.change_item_label if decision else None
    return {
        "decision": outcome,
        "decision_label": OUTCOME_LABELS.get(outcome) if outcome else None,
        "reason": reason,
        "decision_text": decision_text(outcome, reason),
        "change_task": task,
        "change_item": item,
        "change_anchor": change_anchor if item else None,
        "change_display": change_display(task, item, change_anchor),
    }


def change_display(task: int | None, item: str | None, anchor: dict[str, Any] | None = None) -> str | None:
    """What follows 落实于: "序号8", "第五条", or the item as it is now ("现第六条（原第五条）")."""
    if task is not None:
        return f"序号{task}"
    if item is None:
        return None
    return str(anchor["display"]) if anchor else item
