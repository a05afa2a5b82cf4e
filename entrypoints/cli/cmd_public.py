"""public open / comments / groups / moderate / comment / decide / merge / split / purge / export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from entrypoints.cli.runtime import domain_errors, rt
from kernel.errors import InvalidInput
from kernel.timefmt import iso_beijing, read_instant
from states.decision import OUTCOME_LABELS

if TYPE_CHECKING:
    from workflow.public.consultations import PublicTerms


app = typer.Typer(help="向社会公开征求意见", no_args_is_help=True)


def _section() -> dict[str, Any]:
    return rt().settings.section("public")


def public_terms(explanation: str, contact_info: str) -> PublicTerms:
    """``--explanation`` may name a file (the 起草说明 as text); else it is the text itself."""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.public.consultations import PublicTerms

    path = Path(explanation) if explanation and len(explanation) < 240 else None
    text = path.read_text(encoding="utf-8") if path is not None and path.is_file() else explanation
    return PublicTerms(explanation=text, contact=contact_info)


@app.command("open")
def open_(
    draft: int = typer.Option(..., "--draft"),
    until: str = typer.Option(..., "--until", help="截止日期或时间（北京时间；只写日期为当日17时）"),
    doc_number: str = typer.Option("", "--doc-number", help="公告文号（可选）"),
    explanation: str = typer.Option("", "--explanation", help="起草说明：文字或 .txt 文件"),
    contact_info: str = typer.Option("", "--contact-info", help="其他提交方式（通信地址、电子邮箱、电话）"),
    shorten_reason: str = typer.Option("", "--shorten-reason", help="期限短于该类文件最短期限时的理由"),
) -> None:
    """就文稿向社会公开征求意见（按文件类型的期限规定）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports (and
    # cmd_rounds pulls the whole round machinery in).
    from entrypoints.cli.cmd_rounds import resolve_deadline
    from workflow.public.opening import OpenPublic, open_public

    r = rt()
    with domain_errors():
        resolved = resolve_deadline(until, None)
        cmd = OpenPublic(
            draft_id=draft,
            office_id=r.office_id(),
            until=resolved.at,
            terms=public_terms(explanation, contact_info),
            doc_number=doc_number,
            shorten_reason=shorten_reason,
            deadline_warning=resolved.warning,
        )
        with r.uow() as uow:
            result = open_public(uow, r.clock, r.actor, cmd, secret=r.settings.secret_key, rules=r.rules)
    data = {
        "round_id": result.round_id,
        "consultation_id": result.consultation_id,
        "deadline": iso_beijing(result.deadline),
        "url": f"{r.settings.base_url}/public/{result.consultation_id}",
        "warnings": result.warnings,
    }
    r.emit(data, f"已向社会公开征求意见：轮次 {result.round_id}，截止 {data['deadline']}，页面 {data['url']}")


def _anchor(c: Any) -> dict[str, Any] | None:
    return {"key": c.anchor_key, "label": c.anchor_label, "version": c.anchor_version} if c.anchor_key else None


@app.command("comments")
def comments(round_id: int = typer.Option(..., "--round")) -> None:
    """列出该轮次的社会公众意见（先自动归并新意见）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from states.public_comment import MODERATION_MACHINE
    from workflow.public.grouping import assign_groups
    from workflow.public.policy import round_policy

    r = rt()
    with domain_errors(), r.uow() as uow:
        assign_groups(uow, r.clock, r.actor, round_id, round_policy(uow, _section(), round_id))
        rows: list[dict[str, Any]] = [
            {
                "id": c.id,
                "receipt": c.receipt,
                "kind": c.kind,
                "target": c.target,
                "anchor": _anchor(c),
                "text": c.text,
                "status": c.state,
                "group_id": c.group_id,
            }
            for c in uow.public.comments(round_id)
        ]
    r.emit(
        rows,
        lambda: (
            "\n".join(
                f"{x['id']:>5} {x['receipt']} [{MODERATION_MACHINE.label(x['status'])}] 组{x['group_id']} "
                f"{x['target'] or '全文'}：{x['text'][:40]}"
                for x in rows
            )
            or "暂无社会公众意见。"
        ),
    )


@app.command("groups")
def groups(round_id: int = typer.Option(..., "--round")) -> None:
    """列出意见组（相同或相近的意见归为一组），每组一个采纳决定。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.public.decisions import group_views
    from workflow.public.grouping import assign_groups
    from workflow.public.policy import round_policy

    r = rt()
    with domain_errors(), r.uow() as uow:
        assign_groups(uow, r.clock, r.actor, round_id, round_policy(uow, _section(), round_id))
        rows = [
            {"group_id": g["group_id"], "size": g["size"], "sample": g["sample"], "decision": g["decision"]}
            for g in group_views(uow, round_id)
        ]
    r.emit(
        rows,
        lambda: (
            "\n".join(
                f"组{x['group_id']:>4}  {x['size']:>4}条  {OUTCOME_LABELS.get(x['decision'] or '', '待决定')}  "
                f"{x['sample'][:40]}"
                for x in rows
            )
            or "暂无意见组。"
        ),
    )


@app.command("moderate")
def moderate(
    comment: int = typer.Option(..., "--comment"),
    publish: bool = typer.Option(False, "--publish"),
    hide: bool = typer.Option(False, "--hide"),
    reason: str = typer.Option("", "--reason", help="不予公开的理由（本机关理由清单之一）"),
) -> None:
    """公开或不予公开一条社会公众意见。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from states.public_comment import MODERATION_MACHINE
    from workflow.public.moderation import moderate as moderate_service
    from workflow.public.policy import round_policy

    r = rt()
    with domain_errors():
        if publish == hide:
            raise InvalidInput("MODERATION_CHOICE_REQUIRED", "请在 --publish 和 --hide 中选择一项。")
        with r.uow() as uow:
            found = uow.public.comment(comment)
            policy = round_policy(uow, _section(), found.round_id if found else 0)
            row = moderate_service(uow, r.clock, r.actor, comment, publish=publish, reason=reason, policy=policy)
    r.emit(
        {"comment_id": comment, "status": row.state, "reason": row.moderation_reason},
        f"意见 {comment}：{MODERATION_MACHINE.label(row.state)}。",
    )


@app.command("comment")
def comment(
    round_id: int = typer.Option(..., "--round"),
    kind: str = typer.Option(..., "--kind", help="citizen|enterprise|association|organisation"),
    text: str = typer.Option(..., "--text"),
    target: str = typer.Option("", "--target", help="条目，如 序号5；不填为全文"),
    basis: str = typer.Option("", "--basis"),
    reason: str = typer.Option("", "--reason"),
    name: str = typer.Option("", "--name", help="意见人姓名（不公开）"),
    contact: str = typer.Option("", "--contact", help="联系方式（不公开）"),
    channel: str = typer.Option("letter", "--channel", help="letter|email|fax"),
    received_at: str | None = typer.Option(None, "--received-at"),
) -> None:
    """登记以信函、电子邮件等方式收到的社会公众意见。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.public.intake import PublicCommentInput, record_public_comment
    from workflow.public.policy import round_policy

    r = rt()
    with domain_errors():
        data = PublicCommentInput(
            kind=kind, text=text, target=target, basis=basis, reason=reason, name=name, contact=contact
        )
        at = read_instant(received_at, "收到时间") if received_at else None
        with r.uow() as uow:
            policy = round_policy(uow, _section(), round_id)
            stored = record_public_comment(
                uow, r.clock, r.actor, round_id, data, policy, channel=channel, received_at=at
            )
    r.emit(
        {"comment_id": stored.comment_id, "receipt": stored.receipt},
        f"已登记社会公众意见 {stored.comment_id}，回执号 {stored.receipt}。",
    )


@app.command("decide")
def decide(
    group: int = typer.Option(..., "--group"),
    adopt: bool = typer.Option(False, "--adopt"),
    partly: bool = typer.Option(False, "--partly"),
    reject: bool = typer.Option(False, "--reject"),
    reason: str = typer.Option("", "--reason"),
) -> None:
    """对一个意见组作出采纳决定（适用于组内每条意见）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.public.decisions import DecideGroup, decide_group

    r = rt()
    with domain_errors():
        if adopt + partly + reject != 1:
            raise InvalidInput("DECISION_OUTCOME_REQUIRED", "请在 --adopt、--partly、--reject 中选择一项。")
        outcome = "adopted" if adopt else "partly_adopted" if partly else "rejected"
        with r.uow() as uow:
            row = decide_group(uow, r.clock, r.actor, DecideGroup(group, outcome, reason))
    r.emit(
        {"group_id": group, "decision": row.outcome, "reason": row.reason},
        f"意见组 {group}：{OUTCOME_LABELS[row.outcome or '']}。",
    )


@app.command("merge")
def merge(into: int = typer.Option(..., "--into"), group: list[int] = typer.Option(..., "--group")) -> None:
    """把若干意见组并入一个组。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.public.grouping import merge_groups

    r = rt()
    with domain_errors(), r.uow() as uow:
        row = merge_groups(uow, r.clock, r.actor, into, group)
    r.emit({"group_id": row.id, "decision": row.outcome}, f"已并入意见组 {row.id}。")


@app.command("split")
def split(group: int = typer.Option(..., "--group"), comment: list[int] = typer.Option(..., "--comment")) -> None:
    """把若干意见从组中拆出，单独成组。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.public.grouping import split_group

    r = rt()
    with domain_errors(), r.uow() as uow:
        row = split_group(uow, r.clock, r.actor, group, comment)
    r.emit({"group_id": row.id, "from_group": group}, f"已拆出为意见组 {row.id}。")


@app.command("purge")
def purge() -> None:
    """删除超过保存期限的意见人姓名和联系方式（留痕）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.public.policy import office_policy
    from workflow.public.purge import purge_contacts

    r = rt()
    with domain_errors(), r.uow() as uow:
        result = purge_contacts(
            uow, r.clock, r.actor, lambda office_id: office_policy(uow, _section(), office_id).contact_retention_days
        )
    r.emit(result, f"已删除{result['purged']}条逾期保存的联系方式。")


@app.command("export")
def export(
    round_id: int = typer.Option(..., "--round"), output: Path = typer.Option(..., "--output", help=".csv 或 .xlsx")
) -> None:
    """导出全部社会公众意见及意见组、采纳情况（不含姓名和联系方式）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.public.exports import comments_csv, comments_xlsx
    from workflow.public.grouping import assign_groups
    from workflow.public.policy import round_policy

    r = rt()
    with domain_errors():
        suffix = output.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise InvalidInput("EXPORT_FORMAT_INVALID", "导出文件须为 .csv 或 .xlsx。")
        with r.uow() as uow:
            assign_groups(uow, r.clock, r.actor, round_id, round_policy(uow, _section(), round_id))
            data = comments_csv(uow, round_id) if suffix == ".csv" else comments_xlsx(uow, round_id)
    output.write_bytes(data)
    r.emit({"output": str(output), "bytes": len(data)}, f"已导出到 {output}。")
