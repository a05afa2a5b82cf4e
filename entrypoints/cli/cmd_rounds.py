"""round start / list / deadline, status."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import typer

from entrypoints.cli.cmd_decisions import download_signed, upload_signed
from entrypoints.cli.cmd_links import links
from entrypoints.cli.cmd_public import public_terms
from entrypoints.cli.runtime import domain_errors, rt
from kernel.errors import InvalidInput
from kernel.timefmt import iso_beijing
from states.outbox import IN_FLIGHT
from states.round import RoundState

if TYPE_CHECKING:
    from workflow.services.deadline_spec import ResolvedDeadline


app = typer.Typer(help="征求意见轮次", no_args_is_help=True)


def resolve_deadline(deadline: str | None, workdays: int | None) -> ResolvedDeadline:
    """The deadline ``--deadline`` or ``--workdays`` names (exactly one of them; the service decides)."""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.deadline_spec import DeadlineSpec
    from workflow.services.deadline_spec import resolve_deadline as resolve

    r = rt()
    return resolve(DeadlineSpec(deadline, workdays), r.clock, r.settings.section("calendar"))


def _attachment_names(pairs: list[str]) -> dict[str, str]:
    """--attachment-name draft=… (repeatable) as a mapping; a pair without "=" is refused."""
    names: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InvalidInput("ATTACHMENT_NAME_INVALID", f"附件名称应写作 draft=…、tasks=… 或 reply_form=…：{pair}")
        names[key.strip()] = value.strip()
    return names


@app.command("start")
def start(
    draft: int = typer.Option(..., "--draft"),
    doc_number: str = typer.Option(..., "--doc-number", help="发文字号：机关代字〔年份〕序号号，如 X办函〔2026〕1号"),
    deadline: str | None = typer.Option(None, "--deadline", help="截止时间 ISO 8601（无时区按北京时间）"),
    workdays: int | None = typer.Option(None, "--workdays", help="自今日起若干个工作日"),
    all_units: bool = typer.Option(False, "--all-units"),
    category: list[str] = typer.Option([], "--category"),
    unit: list[str] = typer.Option([], "--unit"),
    contact: str = typer.Option(..., "--contact"),
    phone: str = typer.Option(..., "--phone"),
    letter_date: str | None = typer.Option(None, "--letter-date", help="成文日期 YYYY-MM-DD"),
    basis: str = typer.Option("", "--basis", help="起草依据（根据…精神）"),
    purpose: str | None = typer.Option(None, "--purpose", help="起草目的（为…）；默认用机关配置的常用语"),
    focus: str = typer.Option("", "--focus", help="请结合…实际（如 2026年防汛工作）"),
    requirements: str | None = typer.Option(None, "--requirements", help="对修改意见的要求；默认用机关配置的常用语"),
    attachment_name: list[str] = typer.Option(
        [], "--attachment-name", help="函中附件的名称，draft=…、tasks=…、reply_form=…（默认取自文稿标题）"
    ),
    scope: str = typer.Option("internal", "--scope", help="internal（征求有关单位意见）| public（向社会公开征求意见）"),
    shorten_reason: str = typer.Option("", "--shorten-reason", help="期限短于该类文件最短期限时的理由"),
    public: bool = typer.Option(False, "--public", help="同时向社会公开征求意见（同一截止时间）"),
    explanation: str = typer.Option("", "--explanation", help="公开征求意见的起草说明：文字或 .txt 文件"),
    contact_info: str = typer.Option("", "--contact-info", help="社会公众的其他提交方式（地址、邮箱、电话）"),
) -> None:
    """发起一轮征求意见（--public：同时向社会公开征求意见）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.rounds import StartRound, start_round

    r = rt()
    with domain_errors():
        if not (all_units or category or unit):
            raise InvalidInput("RECIPIENTS_REQUIRED", "请用 --all-units、--category 或 --unit 指定征求对象。")
        resolved = resolve_deadline(deadline, workdays)
        at, warning = resolved.at, resolved.warning
        cmd = StartRound(
            draft_id=draft,
            office_id=r.office_id(),
            doc_number=doc_number,
            deadline=at,
            contact=contact,
            phone=phone,
            unit_names=unit,
            categories=category,
            all_units=all_units,
            letter_date=date.fromisoformat(letter_date) if letter_date else None,
            basis=basis,
            purpose=purpose,
            focus=focus,
            requirements=requirements,
            attachment_names=_attachment_names(attachment_name),
            deadline_warning=warning,
            scope=scope,
            shorten_reason=shorten_reason,
            public=public_terms(explanation, contact_info) if public else None,
        )
        with r.uow() as uow:
            result = start_round(uow, r.clock, r.actor, cmd, secret=r.settings.secret_key, rules=r.rules)
    data = {
        "round_id": result.round_id,
        "deadline": iso_beijing(result.deadline),
        "recipients": result.recipients,
        "without_address": result.without_address,
        "warnings": ([warning] if warning else []) + result.warnings,
        "consultation_id": result.consultation_id,
    }
    lines = [
        f"已发起征求意见：轮次 {result.round_id}，截止 {iso_beijing(result.deadline)}，"
        f"征求对象 {len(result.recipients)} 家。"
    ]
    if result.without_address:
        lines.append("提醒：以下单位未登记邮箱或 webhook，需线下送达：" + "、".join(result.without_address))
    if warning:
        lines.append("注意：" + warning)
    lines += ["提示：" + w for w in result.warnings]
    r.emit(data, "\n".join(lines))


@app.command("list")
def list_() -> None:
    """列出全部轮次。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.queries import list_rounds

    r = rt()
    with domain_errors(), r.uow() as uow:
        rows = list_rounds(uow)
    r.emit(
        rows,
        lambda: (
            "\n".join(
                f"{x['round_id']:>4}  {x['doc_number']}  {x['state']}/{x['draft_state']}  "
                f"截止 {x['deadline']}  {x['title']}"
                for x in rows
            )
            or "暂无轮次。"
        ),
    )


@app.command("deadline")
def deadline_(
    round_id: int = typer.Option(..., "--round"),
    deadline: str | None = typer.Option(None, "--deadline"),
    workdays: int | None = typer.Option(None, "--workdays"),
    reason: str = typer.Option(..., "--reason", help="调整理由"),
) -> None:
    """延期或提前截止时间（须说明理由）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.rounds import change_deadline

    r = rt()
    with domain_errors():
        at = resolve_deadline(deadline, workdays).at
        with r.uow() as uow:
            row = change_deadline(uow, r.clock, r.actor, round_id, at, reason)
    r.emit(
        {"round_id": round_id, "deadline": iso_beijing(row.deadline)},
        f"轮次 {round_id} 的截止时间已调整为 {iso_beijing(row.deadline)}。",
    )


def status(round_id: int | None = typer.Option(None, "--round", help="不填则列出所有进行中的轮次及其下一步")) -> None:
    """查看一轮征求意见的状态；不指定轮次时列出进行中的轮次和调度器的下一步动作。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.delivery_view import deliveries
    from workflow.services.health import HealthPolicy, health
    from workflow.services.queries import list_rounds, round_status
    from workflow.services.schedule_view import next_actions
    from workflow.services.versions import unapplied_adoptions

    r = rt()
    with domain_errors(), r.uow() as uow:
        if round_id is None:
            rounds = [
                {**row, "next_actions": next_actions(uow, r.clock, r.settings, row["round_id"])}
                for row in list_rounds(uow)
                if row["state"] == RoundState.open
            ]
            checked = health(uow, r.clock, HealthPolicy.from_mapping(r.settings.section("health")))
            r.emit(
                {"open_rounds": rounds, "problems": checked.problems},
                lambda: "\n".join([_human_open(rounds), *(f"注意：{p}" for p in checked.problems)]),
            )
            return
        data = round_status(uow, round_id)
        data["next_actions"] = next_actions(uow, r.clock, r.settings, round_id)
        data["deliveries"] = deliveries(uow, round_id)
        data["unapplied_adoptions"] = unapplied_adoptions(uow, round_id)
    r.emit(data, lambda: _human_status(data))


def _human_open(rounds: list[dict]) -> str:  # type: ignore[type-arg]
    if not rounds:
        return "没有进行中的征求意见轮次。"
    lines = []
    for row in rounds:
        following = row["next_actions"][0] if row["next_actions"] else None
        lines.append(
            f"{row['doc_number']}  截止 {row['deadline']}"
            + (f"  下一步：{following['label']}（{following['at']}）" if following else "")
        )
    return "\n".join(lines)


def _human_status(data: dict) -> str:  # type: ignore[type-arg]
    rnd = data["round"]
    lines = [
        f"{rnd['doc_number']}  {rnd['draft_title']}",
        f"状态：{rnd['draft_state_label']}  截止：{rnd['deadline_text']}",
    ]
    for a in data.get("next_actions", []):
        lines.append(f"下一步：{a['label']}  {a['at']}")
    lines.append("征求对象：")
    sent: dict[int, list[str]] = {}
    for d in data.get("deliveries", []):
        when = f" {d['sent_at'][:16]}" if d.get("sent_at") else ""
        sent.setdefault(d["recipient_id"], []).append(f"{d['kind_label']}{d['status_label']}{when}")
    for x in data["recipients"]:
        messages = "；".join(sent.get(x["recipient_id"], []))
        lines.append(
            f"  {x['unit']}  {x['state_label']}{'（有逾期回复）' if x['late'] else ''}"
            + (f"  消息：{messages}" if messages else "")
        )
    if data["comments"]:
        lines.append("修改意见：")
        for c in data["comments"]:
            anchor = c.get("anchor") or {}
            moved = anchor.get("removed") or anchor.get("moved_from") or anchor.get("split_into")
            now = f"（{anchor['display']}）" if moved else ""
            lines.append(
                f"  [{c['id']}] {c['unit']} {c['target']}{now}：{c['text'][:40]} → {c['decision_label'] or '待决定'}"
            )
    for f in data.get("unapplied_adoptions", []):
        lines.append(f"  注意：{f['message']}")
    public = data.get("public")
    if public:
        decided = "，".join(f"{k}{n}组" for k, n in public["decided"].items()) or "无"
        missing = f"，缺理由{public['reasons_missing']}组" if public["reasons_missing"] else ""
        lines.append(
            f"社会公众意见：{public['comments']}条，归并为{public['groups']}组；已决定：{decided}；"
            f"待决定{public['undecided']}组{missing}"
        )
    for d in data.get("deliveries", []):
        if d["status"] not in IN_FLIGHT:
            lines.append(
                f"  消息 {d['id']}（{d['kind_label']} → {d['unit'] or d['address']}）"
                f"{d['status_label']}：{d['last_error']}"
            )
    return "\n".join(lines)


# The round's commands defined beside what they use (after its own, in this order in `round --help`).
app.command("links")(links)
app.command("upload-signed")(upload_signed)
app.command("download-signed")(download_signed)
