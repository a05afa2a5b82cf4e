"""draft import / revise / diff."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from entrypoints.cli.cmd_units import read_file
from entrypoints.cli.runtime import domain_errors, rt

if TYPE_CHECKING:  # only for annotations: the modules are imported when a command runs
    from workflow.services.drafts import DraftStored
    from workflow.services.versions import ItemChange

app = typer.Typer(help="文稿", no_args_is_help=True)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help=".txt、.md 或 .docx 文稿"),
    title: str = typer.Option(..., "--title", help="文稿标题"),
    issuer: str | None = typer.Option(None, "--issuer", help="发文机关（默认为本机关配置的 issuer）"),
    stage: str = typer.Option("proposed", "--stage", help="proposed|discussion|for_review|final"),
    doc_type: str = typer.Option("general", "--type", help="文件类型（consultflow doc-types list）"),
    legal_basis: str = typer.Option("", "--legal-basis", help="制定依据，每行一项"),
) -> None:
    """导入文稿：重点任务分工表、按“第X章/第X条”编排的条文，或按“一、（一）1.”编号的标题。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.drafts import import_draft_file
    from workflow.services.offices import office_profile

    r = rt()
    with domain_errors():
        office_id = r.office_id()
        with r.uow() as uow:
            issuer = issuer if issuer is not None else office_profile(uow, office_id).issuer
            result = import_draft_file(
                uow,
                r.clock,
                r.actor,
                file.name,
                read_file(file),
                title=title,
                issuer=issuer,
                office_id=office_id,
                stage=stage,
                doc_type=doc_type,
                legal_basis=legal_basis,
                rules=r.rules,
            )
    label = r.rules.get(doc_type).label
    r.emit(
        {**result.answer(), "doc_type": doc_type},
        f"文稿已导入：编号 {result.draft_id}，第 {result.version} 稿，{_shape(result)}，文件类型：{label}。",
    )


SHAPES = {"tasks": "重点任务分工", "articles": "条文", "sections": "编号标题"}


def _shape(result: DraftStored) -> str:
    if result.kind == "tasks":
        return f"重点任务 {result.tasks} 项"
    return f"{SHAPES[result.kind]}，可指向的条目 {result.items} 个"


@app.command("type")
def type_(
    draft: int = typer.Option(..., "--draft", help="文稿编号"),
    doc_type: str = typer.Option(..., "--type", help="文件类型（consultflow doc-types list）"),
) -> None:
    """更改文稿的文件类型（发起征求意见前）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.drafts import set_doc_type

    r = rt()
    with domain_errors(), r.uow() as uow:
        row = set_doc_type(uow, r.clock, r.actor, draft, doc_type, rules=r.rules)
    r.emit(
        {"draft_id": draft, "doc_type": row.doc_type},
        f"文稿 {draft} 的文件类型已改为：{r.rules.get(row.doc_type).label}。",
    )


@app.command("basis")
def basis(
    draft: int = typer.Option(..., "--draft", help="文稿编号"),
    text: str = typer.Option(..., "--text", help="制定依据，每行一项（法律、法规、规章和政策文件）"),
) -> None:
    """填写制定依据（送审材料之一）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.drafts import set_legal_basis

    r = rt()
    with domain_errors(), r.uow() as uow:
        row = set_legal_basis(uow, r.clock, r.actor, draft, text)
    items = row.legal_basis.splitlines()
    r.emit({"draft_id": draft, "legal_basis": items}, f"文稿 {draft} 的制定依据已登记，共 {len(items)} 项。")


@app.command("revise")
def revise(
    file: Path = typer.Argument(..., help="修改后的文稿"),
    draft: int = typer.Option(..., "--draft", help="文稿编号"),
    note: str = typer.Option("", "--note", help="修改说明"),
) -> None:
    """导入文稿的新一稿。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.drafts import revise_draft_file

    r = rt()
    with domain_errors(), r.uow() as uow:
        result = revise_draft_file(uow, r.clock, r.actor, draft, file.name, read_file(file), note=note)
    counts = "，".join(f"{CHANGE_LABELS[k]} {n} 处" for k, n in result.changes.items())
    r.emit(
        {**result.answer(), "changes": result.changes},
        f"文稿 {result.draft_id} 已更新为第 {result.version} 稿，{_shape(result)}"
        + (f"；与上一稿相比：{counts}。" if counts else "；与上一稿相比没有变化。"),
    )


CHANGE_LABELS = {
    "inserted": "新增",
    "deleted": "删除",
    "changed": "修改",
    "split": "拆分",
    "merged": "合并",
    "moved": "调整顺序",
    "renumbered": "编号变化",
}


@app.command("diff")
def diff(
    draft: int = typer.Option(..., "--draft"),
    from_: int = typer.Option(..., "--from", help="原稿版本"),
    to: int = typer.Option(..., "--to", help="修改稿版本"),
) -> None:
    """逐条列出两稿之间的变化：新增、删除、编号变化、顺序调整、修改、拆分（按文字匹配，不按编号）。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.versions import diff_items, diff_versions

    r = rt()
    with domain_errors(), r.uow() as uow:
        items = diff_items(uow, draft, from_, to)
        tasks = diff_versions(uow, draft, from_, to)
    labels = {"added": "新增", "removed": "删除", "changed": "修改"}

    def human() -> str:
        if tasks:  # a task draft: task by task, as the table reads
            lines = []
            for c in tasks:
                lines.append(f"序号{c.number}（{labels[c.change]}）{c.title_after or c.title_before}")
                lines += [f"  - {x}" for x in c.items_before if x not in c.items_after]
                lines += [f"  + {x}" for x in c.items_after if x not in c.items_before]
            return "\n".join(lines)
        if not items:
            return f"第{from_}稿与第{to}稿没有变化。"
        return "\n".join(_item_line(c) for c in items)

    r.emit(
        {
            "draft_id": draft,
            "from": from_,
            "to": to,
            "changes": [c.to_dict() for c in tasks],
            "items": [c.to_dict() for c in items],
        },
        human,
    )


def _item_line(c: ItemChange) -> str:
    """现第六条（原第五条）：编号变化 — one line per item, the wording after it where it changed."""
    where = c.label_after or c.label_before or ""
    if c.label_before and c.label_after and c.label_before != c.label_after:
        where = f"现{c.label_after}（原{c.label_before}）"
    elif c.change == "deleted":
        where = f"原{c.label_before}"
    line = f"{where}：{CHANGE_LABELS[c.change]}"
    if c.split_into:
        line += f"为{'、'.join(c.split_into)}"
    if c.change in ("inserted", "changed", "split", "merged"):
        line += f"\n  {(c.text_after or c.heading_after).replace(chr(10), chr(10) + '  ')}"
    return line
