"""decide, submit-review, review, issue; round upload-signed / download-signed (the signed final document)."""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

import typer

from entrypoints.cli.cmd_units import read_file
from entrypoints.cli.runtime import domain_errors, rt
from kernel.actors import Actor, Role
from kernel.errors import InvalidInput
from kernel.timefmt import cn_datetime, iso_beijing
from states.decision import OUTCOME_LABELS

if TYPE_CHECKING:  # the type only: the module itself is imported by the commands that use it
    from workflow.services.issuance import SignedFile


def decide(
    comment: int = typer.Option(..., "--comment"),
    adopt: bool = typer.Option(False, "--adopt"),
    partly: bool = typer.Option(False, "--partly"),
    reject: bool = typer.Option(False, "--reject"),
    reason: str = typer.Option("", "--reason"),
    change: str = typer.Option(
        "",
        "--change",
        help="在修改稿中落实该意见的位置：任务序号（如 8、序号8）或条目（如 第五条、第二章、第五条第（二）项）",
    ),
) -> None:
    """对一条修改意见作出采纳决定（--change：落实于哪个任务序号或条目）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.decisions import Decide
    from workflow.services.decisions import decide as decide_service

    r = rt()
    with domain_errors():
        if adopt + partly + reject != 1:
            raise InvalidInput("DECISION_OUTCOME_REQUIRED", "请在 --adopt、--partly、--reject 中选择一项。")
        outcome = "adopted" if adopt else "partly_adopted" if partly else "rejected"
        with r.uow() as uow:
            row = decide_service(uow, r.clock, r.actor, Decide(comment, outcome, reason, change_item=change))
    where = f"序号{row.change_task_number}" if row.change_task_number is not None else row.change_item_label
    r.emit(
        {
            "comment_id": comment,
            "decision": row.outcome,
            "reason": row.reason,
            "change_task": row.change_task_number,
            "change_item": row.change_item_label,
        },
        f"意见 {comment}：{OUTCOME_LABELS[row.outcome]}" + (f"，落实于{where}。" if where else "。"),
    )


def submit_review(round_id: int = typer.Option(..., "--round")) -> None:
    """提交合法性审查。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.review import submit_review as submit_service
    from workflow.services.versions import unapplied_adoptions

    r = rt()
    with domain_errors(), r.uow() as uow:
        flagged = unapplied_adoptions(uow, round_id)
        review = submit_service(uow, r.clock, r.actor, round_id, rules=r.rules)
    missing = json.loads(review.missing_materials or "[]")
    lines = ["已提交合法性审查。"]
    if review.due_at is not None:
        lines.append(f"审查期限：{cn_datetime(review.due_at)}前。")
    if review.min_at is not None:
        lines.append(f"最短审查期限至{cn_datetime(review.min_at)}。")
    if missing:
        lines.append("送审材料缺少：" + "、".join(missing) + "（可用 consultflow draft basis 补充制定依据）。")
    lines += [f"注意：{f['message']}" for f in flagged]
    r.emit(
        {
            "round_id": round_id,
            "review_id": review.id,
            "state": "legality_review",
            "warnings": flagged,
            "due_at": iso_beijing(review.due_at) if review.due_at else None,
            "min_at": iso_beijing(review.min_at) if review.min_at else None,
            "missing_materials": missing,
        },
        "\n".join(lines),
    )


def _checklist(items: list[str]) -> dict[str, tuple[str, str]]:
    """--check authority=lawful --check content=amend:第三条超出权限 → {point: (answer, note)}."""
    out: dict[str, tuple[str, str]] = {}
    for item in items:
        point, _, rest = item.partition("=")
        answer, _, note = rest.partition(":")
        if not point.strip() or not answer.strip():
            raise InvalidInput(
                "CHECKLIST_ANSWER_INVALID",
                f"审查要点“{item}”格式应为 要点=结论[:意见]，如 content=amend:第三条需修改。",
            )
        out[point.strip()] = (answer.strip(), note.strip())
    return out


def review(
    round_id: int = typer.Option(..., "--round"),
    approve: bool = typer.Option(False, "--approve"),
    return_: bool = typer.Option(False, "--return"),
    reviewer: str = typer.Option(..., "--reviewer"),
    opinion: str = typer.Option("", "--opinion"),
    check: list[str] = typer.Option([], "--check", help="逐项审查结论：要点=lawful|amend|unlawful[:意见]"),
    changes: str = typer.Option("", "--changes", help="退回时需修改的内容，每行一项"),
    opinion_file: Path | None = typer.Option(None, "--opinion-file", help="审查意见书（PDF 或 DOCX）"),
) -> None:
    """登记合法性审查结果：通过或退回。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.review import UploadedFile, record_review

    r = rt()
    with domain_errors():
        if approve == return_:
            raise InvalidInput("REVIEW_OUTCOME_REQUIRED", "请指定 --approve 或 --return 之一。")
        actor = Actor(reviewer, Role.reviewer)
        upload = UploadedFile(opinion_file.name, read_file(opinion_file)) if opinion_file else None
        with r.uow() as uow:
            row = record_review(
                uow,
                r.clock,
                actor,
                round_id,
                approve=approve,
                reviewer=reviewer,
                opinion=opinion,
                checklist=_checklist(check),
                changes=changes,
                document=upload,
                rules=r.rules,
            )
    to_change = row.changes.splitlines()
    r.emit(
        {"round_id": round_id, "review_id": row.id, "result": row.state, "changes": to_change},
        "合法性审查：" + ("通过。" if approve else "退回修改。") + "".join(f"\n  需修改：{c}" for c in to_change),
    )


def issue(
    round_id: int = typer.Option(..., "--round"),
    doc_number: str = typer.Option(..., "--doc-number"),
    signed: Path | None = typer.Option(None, "--signed", help="签发的正式文件（PDF/DOCX/OFD），也可印发后再上传"),
) -> None:
    """印发（--signed：同时保存签发的正式文件）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.issuance import issue as issue_service
    from workflow.services.issuance import signed_document, signed_view

    r = rt()
    with domain_errors():
        upload = _signed_file(signed) if signed is not None else None
        with r.uow() as uow:
            draft = issue_service(uow, r.clock, r.actor, round_id, doc_number, rules=r.rules, signed=upload)
            stored = signed_view(signed_document(uow, round_id)) if upload is not None else None
    data = {"round_id": round_id, "draft_id": draft.id, "doc_number": draft.issued_doc_number, "state": draft.state}
    kept = f"，已保存签发的正式文件 {stored['filename']}（SHA-256 {stored['sha256']}）" if stored else ""
    r.emit({**data, "signed": stored}, f"已印发：{draft.issued_doc_number}{kept}")


def _signed_file(path: Path) -> SignedFile:
    """The signed final document from disk; an oversized file is refused before it is read into memory."""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.issuance import SIGNED_MAX_BYTES, SignedFile

    if path.is_file() and path.stat().st_size > SIGNED_MAX_BYTES:
        raise InvalidInput("SIGNED_DOCUMENT_SIZE", f"签发的正式文件超过{SIGNED_MAX_BYTES // 2**20}MB。", field="signed")
    return SignedFile(path.name, read_file(path))


def upload_signed(
    round_id: int = typer.Option(..., "--round"),
    file: Path = typer.Option(..., "--file", help="签发的正式文件（PDF/DOCX/OFD）"),
) -> None:
    """上传签发的正式文件（须已印发）。

    每次上传都保留并记入审计（含 SHA-256），下载时默认取最新一份。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.issuance import signed_view, store_signed_document

    r = rt()
    with domain_errors():
        upload = _signed_file(file)
        with r.uow() as uow:
            stored = signed_view(store_signed_document(uow, r.clock, r.actor, round_id, upload))
    r.emit(
        stored,
        f"已保存签发的正式文件：{stored['filename']}（{stored['doc_number']}，SHA-256 {stored['sha256']}）",
    )


def download_signed(
    round_id: int = typer.Option(..., "--round"),
    output: Path = typer.Option(..., "--output", help="保存路径；为目录时按原文件名保存在其中"),
    document: int | None = typer.Option(None, "--document", help="文件编号（见 status --round 的 signed_documents）"),
) -> None:
    """下载签发的正式文件（默认最新上传的一份）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.issuance import signed_document, signed_view

    r = rt()
    with domain_errors():
        with r.uow() as uow:
            row = signed_document(uow, round_id, document)
            data, shown = row.data, signed_view(row)
        target = output / PurePath(row.filename).name if output.is_dir() else output
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise InvalidInput("FILE_UNWRITABLE", f"无法写入文件 {target}：{exc.strerror}") from None
    r.emit({**shown, "output": str(target)}, f"已保存 {shown['filename']}（{shown['doc_number']}）到 {target}")


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
