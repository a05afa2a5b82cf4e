"""The draft's journey: drafting → soliciting → deciding → legality_review → approved → issued.

legality_review → returned → drafting (revise makes a new version, which may go to a new
round or straight back to review); withdrawn from any state before issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from states.machine import StateMachine, Transition, guard


class DraftState(StrEnum):
    drafting = "drafting"
    soliciting = "soliciting"
    deciding = "deciding"
    legality_review = "legality_review"
    approved = "approved"
    returned = "returned"
    issued = "issued"
    withdrawn = "withdrawn"


class DraftStage(StrEnum):
    """What the text itself is called on paper (stage of a version, not of the workflow)."""

    proposed = "proposed"
    discussion = "discussion"
    for_review = "for_review"
    final = "final"


STAGE_LABELS = {
    "proposed": "代拟稿",
    "discussion": "讨论稿",
    "for_review": "送审稿",
    "final": "正式稿",
}


@dataclass(frozen=True)
class DraftContext:
    """Facts the draft guards need, computed by the service from the database."""

    now: datetime
    deadline: datetime | None = None
    recipient_count: int = 0
    public: bool = False  # the round is also (or only) put to the public: it needs no unit
    undecided_comments: int = 0
    reasons_missing: int = 0
    has_closed_round: bool = False
    review_approved: bool = False
    review_required: bool = True  # the document type asks for a legality review before issue
    deliberation_required: bool = False  # the document type asks for 集体讨论决定 before issue
    deliberated: bool = False  # a deliberation that did not reject the draft is recorded


@guard("ROUND_NO_RECIPIENTS", "征求意见至少需要一个征求对象单位（或向社会公开征求意见）。")
def has_recipients(ctx: DraftContext) -> bool:
    return ctx.recipient_count >= 1 or ctx.public


@guard("DEADLINE_IN_PAST", "截止时间必须晚于当前时间。")
def deadline_in_future(ctx: DraftContext) -> bool:
    return ctx.deadline is not None and ctx.deadline > ctx.now


@guard("DEADLINE_NOT_REACHED", "尚未到截止时间，不能截止征求意见。")
def deadline_reached(ctx: DraftContext) -> bool:
    return ctx.deadline is not None and ctx.now >= ctx.deadline


@guard("COMMENTS_UNDECIDED", "还有修改意见尚未作出采纳决定，不能提交合法性审查。")
def all_comments_decided(ctx: DraftContext) -> bool:
    return ctx.undecided_comments == 0


@guard("DECISION_REASON_MISSING", "不予采纳或部分采纳的意见必须说明理由，不能提交合法性审查。")
def reasons_given(ctx: DraftContext) -> bool:
    return ctx.reasons_missing == 0


@guard("ROUND_NOT_CLOSED", "该文稿尚无已截止的征求意见轮次，不能直接提交合法性审查。")
def has_closed_round(ctx: DraftContext) -> bool:
    return ctx.has_closed_round


@guard("REVIEW_NOT_APPROVED", "合法性审查尚未通过，不能印发。")
def review_approved(ctx: DraftContext) -> bool:
    return ctx.review_approved


@guard("DELIBERATION_REQUIRED", "该类文件须经集体讨论决定（如常务会议审议）后方可印发，请先登记集体讨论情况。")
def deliberated_if_required(ctx: DraftContext) -> bool:
    return ctx.deliberated or not ctx.deliberation_required


@guard("REVIEW_REQUIRED", "该类文件须经合法性审查通过后方可印发。")
def review_not_required(ctx: DraftContext) -> bool:
    return not ctx.review_required


S = DraftState
_BEFORE_ISSUED = tuple(s.value for s in S if s not in (S.issued, S.withdrawn))

DRAFT_MACHINE = StateMachine(
    name="draft",
    states=DraftState,
    initial=S.drafting,
    table=[
        Transition("start_round", (S.drafting,), S.soliciting, (has_recipients, deadline_in_future)),
        Transition("close_solicitation", (S.soliciting,), S.deciding, (deadline_reached,)),
        Transition("submit_review", (S.deciding,), S.legality_review, (all_comments_decided, reasons_given)),
        Transition(
            "submit_review",
            (S.drafting,),
            S.legality_review,
            (has_closed_round, all_comments_decided, reasons_given),
        ),
        Transition("approve", (S.legality_review,), S.approved),
        Transition("return_for_revision", (S.legality_review,), S.returned),
        Transition("revise", (S.drafting, S.returned), S.drafting),
        Transition("revise", (S.deciding,), S.deciding),
        Transition("issue", (S.approved,), S.issued, (review_approved, deliberated_if_required)),
        # A type without legality review (内部工作方案) is issued once every comment is decided.
        Transition(
            "issue",
            (S.deciding,),
            S.issued,
            (review_not_required, all_comments_decided, reasons_given, deliberated_if_required),
        ),
        Transition("withdraw", _BEFORE_ISSUED, S.withdrawn),
    ],
    state_labels={
        "drafting": "起草中",
        "soliciting": "征求意见中",
        "deciding": "采纳决定中",
        "legality_review": "合法性审查中",
        "approved": "审查通过",
        "returned": "审查退回",
        "issued": "已印发",
        "withdrawn": "已撤回",
    },
    trigger_labels={
        "start_round": "发起征求意见",
        "close_solicitation": "截止征求意见",
        "submit_review": "提交合法性审查",
        "approve": "审查通过",
        "return_for_revision": "审查退回",
        "revise": "修改文稿",
        "issue": "印发",
        "withdraw": "撤回",
    },
)
