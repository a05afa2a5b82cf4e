"""decide, submit-review, review, issue."""

from __future__ import annotations

import typer

from entrypoints.cli.runtime import domain_errors, rt
from kernel.actors import Actor, Role
from kernel.errors import InvalidInput
from states.decision import OUTCOME_LABELS
from workflow.services.decisions import Decide
from workflow.services.decisions import decide as decide_service
from workflow.services.issuance import issue as issue_service
from workflow.services.review import record_review
from workflow.services.review import submit_review as submit_service


def decide(
    comment: int = typer.Option(..., "--comment"),
    adopt: bool = typer.Option(False, "--adopt"),
    partly: bool = typer.Option(False, "--partly"),
    reject: bool = typer.Option(False, "--reject"),
    reason: str = typer.Option("", "--reason"),
    change: int | None = typer.Option(None, "--change", help="落实该意见的任务序号"),
) -> None:
    """对一条修改意见作出采纳决定。"""
    r = rt()
    with domain_errors():
        if adopt + partly + reject != 1:
            raise InvalidInput("DECISION_OUTCOME_REQUIRED", "请在 --adopt、--partly、--reject 中选择一项。")
        outcome = "adopted" if adopt else "partly_adopted" if partly else "rejected"
        with r.uow() as uow:
            row = decide_service(uow, r.clock, r.actor, Decide(comment, outcome, reason, change))
    r.emit(
        {"comment_id": comment, "decision": row.outcome, "reason": row.reason},
        f"意见 {comment}：{OUTCOME_LABELS[row.outcome]}。",
    )


def submit_review(round_id: int = typer.Option(..., "--round")) -> None:
    """提交合法性审查。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.versions import unapplied_adoptions

    r = rt()
    with domain_errors(), r.uow() as uow:
        flagged = unapplied_adoptions(uow, round_id)
        review = submit_service(uow, r.clock, r.actor, round_id)
    lines = ["已提交合法性审查。", *[f"注意：{f['message']}" for f in flagged]]
    r.emit(
        {"round_id": round_id, "review_id": review.id, "state": "legality_review", "warnings": flagged},
        "\n".join(lines),
    )


def review(
    round_id: int = typer.Option(..., "--round"),
    approve: bool = typer.Option(False, "--approve"),
    return_: bool = typer.Option(False, "--return"),
    reviewer: str = typer.Option(..., "--reviewer"),
    opinion: str = typer.Option("", "--opinion"),
) -> None:
    """登记合法性审查结果：通过或退回。"""
    r = rt()
    with domain_errors():
        if approve == return_:
            raise InvalidInput("REVIEW_OUTCOME_REQUIRED", "请指定 --approve 或 --return 之一。")
        actor = Actor(reviewer, Role.reviewer)
        with r.uow() as uow:
            row = record_review(uow, r.clock, actor, round_id, approve=approve, reviewer=reviewer, opinion=opinion)
    r.emit(
        {"round_id": round_id, "review_id": row.id, "result": row.state},
        "合法性审查：" + ("通过。" if approve else "退回修改。"),
    )


def issue(
    round_id: int = typer.Option(..., "--round"),
    doc_number: str = typer.Option(..., "--doc-number"),
) -> None:
    """印发。"""
    r = rt()
    with domain_errors(), r.uow() as uow:
        draft = issue_service(uow, r.clock, r.actor, round_id, doc_number)
    r.emit(
        {"round_id": round_id, "draft_id": draft.id, "doc_number": draft.issued_doc_number, "state": draft.state},
        f"已印发：{draft.issued_doc_number}",
    )


def withdraw(
    round_id: int = typer.Option(..., "--round"),
    reason: str = typer.Option(..., "--reason", help="撤回理由"),
) -> None:
    """撤回文稿（印发前任何阶段）；进行中的征求意见随之撤回并通知各单位。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.withdrawal import withdraw as withdraw_service

    r = rt()
    with domain_errors(), r.uow() as uow:
        draft = withdraw_service(uow, r.clock, r.actor, round_id, reason)
    r.emit({"round_id": round_id, "draft_id": draft.id, "state": draft.state}, "文稿已撤回。")
