"""Building the official documents of a round from the database, as ``documents.model`` objects.

The letter (函), reply form (回复表), adoption table (采纳情况), explanatory note (起草说明), the
legality-review package (送审材料) and the audit-trail report — each as in the seed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any

from documents.model import AttachmentHeading, Cell, Heading, KeyValue, OfficialDocument, Paragraph, SealBox, Table
from kernel.errors import InvalidInput
from kernel.timefmt import cn_date, cn_datetime, to_beijing
from states.decision import Outcome
from states.recipient import RECIPIENT_MACHINE, RecipientState
from states.review import REVIEW_MACHINE, ReviewState
from storage.uow import UnitOfWork
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.profiles import OfficeProfile
from workflow.reports.adoption import DEEMED_TEXT, adoption_table
from workflow.reports.process_docs import checklist_blocks, departure_blocks, disagreement_blocks, review_facts_blocks
from workflow.services._common import load_draft, load_round
from workflow.services.audit import verify
from workflow.services.audit_view import audit_lines
from workflow.services.decisions import decision_text
from workflow.services.offices import office_profile
from workflow.services.versions import changed_tasks, unapplied_adoptions
from workflow.unit_names import resolve_unit

CN_NUMBERS = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    if n <= 10:
        return CN_NUMBERS[n]
    if n < 20:
        return "十" + (CN_NUMBERS[n - 10] if n > 10 else "")
    return CN_NUMBERS[n // 10] + "十" + (CN_NUMBERS[n % 10] if n % 10 else "")


def letter_title(draft_title: str) -> str:
    return f"关于对《{draft_title}（代拟稿）》征求意见的函"


def book_title(title: str) -> str:
    """《title》, with 书名号 inside it turned into 〈〉 as nesting requires (GB/T 15834)."""
    return "《" + title.replace("《", "〈").replace("》", "〉") + "》"


def _context(uow: UnitOfWork, round_id: int) -> dict[str, Any]:
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    office = uow.directory.office(rnd.office_id)
    recipients = uow.rounds.recipients(round_id)
    version = uow.drafts.version(draft.id or 0, rnd.version)
    return {"round": rnd, "draft": draft, "office": office, "recipients": recipients, "version": version}


def _task_table(uow: UnitOfWork, version_id: int, caption: str | None = None) -> Table:
    rows: list[tuple[Cell | str | None, ...]] = []
    for task, items in uow.drafts.tasks(version_id):
        span = max(1, len(items))
        for n, item in enumerate(items or [None]):  # type: ignore[list-item]
            label = ""
            if item is not None and item.label:
                label = item.label + ("" if item.label.startswith("(") else "：")
            content = f"{label}{item.content}" if item is not None else ""
            responsible = item.responsible if item is not None else ""
            if n == 0:
                rows.append(
                    (Cell(str(task.number), row_span=span), Cell(task.title, row_span=span), content, responsible)
                )
            else:
                rows.append((None, None, content, responsible))
    return Table(("序号", "任务", "主要内容", "责任单位"), tuple(rows), (14, 28, 80, 34), caption)


def letter_document(
    *,
    draft_title: str,
    office_name: str,
    office_short: str,
    doc_number: str,
    deadline: Any,
    letter_date: Any,
    contact: str,
    phone: str,
    basis: str,
    requirements: str,
    categories: set[str],
    profile: OfficeProfile,
    shorten_reason: str = "",
) -> OfficialDocument:
    """The 征求意见函; also used to preview a letter before the round exists. A period shorter than the
    type's minimum says why (《重大行政决策程序暂行条例》第十五条: 应当予以说明)."""
    addressee = "，".join(profile.addressees(categories)) + "："  # the office's 主送 wording and order
    short = office_short or office_name
    blocks = [
        Paragraph(
            f"{basis + '，' if basis else ''}{short}起草了《{draft_title}（代拟稿）》（附件1），现征求你单位意见。"
            f"请结合工作实际，对照《{draft_title}（重点任务分工）》（附件2）认真研究，提出修改意见。{requirements}"
        ),
        Paragraph(
            (
                f"因{shorten_reason.rstrip('。；，')}，征求意见期限为{_period_days(letter_date, deadline)}日。"
                if shorten_reason
                else ""
            )
            + f"修改意见请于{cn_datetime(deadline)}前加盖公章书面反馈至{short}（可使用附件3回复表）。"
            "逾期未回复视为无意见。"
        ),
        Paragraph(f"联系人：{contact}，电话：{phone}"),
    ]
    return OfficialDocument(
        title=letter_title(draft_title),
        blocks=tuple(blocks),
        issuer_mark=office_name,
        doc_number=doc_number,
        addressee=addressee,
        signature=office_name,
        date=letter_date,
        attachments=(
            f"{draft_title}（代拟稿）",
            f"{draft_title}（重点任务分工）",
            f"《{draft_title}（代拟稿）》征求意见回复表",
        ),
        kind_label="征求意见函",
    )


def _period_days(letter_date: Any, deadline: Any) -> int:
    """Calendar days from the letter's date to the deadline's day (Beijing)."""
    return max(0, (to_beijing(deadline).date() - letter_date).days)


def letter(uow: UnitOfWork, round_id: int) -> OfficialDocument:
    c = _context(uow, round_id)
    rnd, office = c["round"], c["office"]
    return letter_document(
        draft_title=c["draft"].title,
        office_name=office.name,
        office_short=office.short_name,
        doc_number=rnd.doc_number,
        deadline=rnd.deadline,
        letter_date=rnd.letter_date,
        contact=rnd.contact,
        phone=rnd.phone,
        basis=rnd.basis,
        requirements=rnd.requirements,
        categories={u.category for _, u in c["recipients"]},
        profile=office_profile(uow, rnd.office_id),
        shorten_reason=rnd.shorten_reason,
    )


def reply_form(uow: UnitOfWork, round_id: int, unit_name: str | None) -> OfficialDocument:
    c = _context(uow, round_id)
    draft, rnd = c["draft"], c["round"]
    unit = None
    if unit_name:
        unit = resolve_unit(unit_name, [u for _, u in c["recipients"]])
    rows = tuple((str(n), "", "", "", "") for n in range(1, 7))
    blocks = (
        KeyValue((("单位名称（盖章）", unit.name if unit else "　" * 8),)),
        KeyValue(
            (("联系人", (unit.contact if unit else "") or "　" * 4), ("电话", (unit.phone if unit else "") or "　" * 6))
        ),
        Table(("序号", "条目（如“序号8 消防”）", "修改意见", "依据", "理由"), rows, (12, 30, 58, 28, 28)),
        Paragraph(
            "（行数不够时可自行增加；填好的本表 Word 文件可随盖章件一并发回，意见将直接导入。）",
            indent_first_line=False,
        ),
        Paragraph("如无修改意见，请在此注明“无修改意见”：＿＿＿＿＿＿＿＿", indent_first_line=False),
        Paragraph(
            f"请于{cn_datetime(rnd.deadline)}前反馈。修改意见要有依据、理由充分，理由不充分或无依据的不予采纳；"
            "逾期未回复视为无意见。",
            indent_first_line=False,
        ),
        SealBox("（单位盖章）　　年　　月　　日"),
    )
    return OfficialDocument(title=f"《{draft.title}（代拟稿）》征求意见回复表", blocks=blocks, kind_label="回复表")


def draft_document(uow: UnitOfWork, round_id: int) -> OfficialDocument:
    """The 代拟稿 the round asks about (its version, not a later revision), body and task table, for the units."""
    c = _context(uow, round_id)
    draft, version = c["draft"], c["version"]
    body = json.loads(version.body) if version else []
    blocks: list[Any] = [Paragraph(p) for p in body]
    if version is not None:
        blocks += [AttachmentHeading("附件", "重点任务分工"), _task_table(uow, version.id or 0)]
    return OfficialDocument(title=f"{draft.title}（代拟稿）", blocks=tuple(blocks), kind_label="代拟稿")


REVIEW_STATES = frozenset(s.value for s in ReviewState)


def adoption(uow: UnitOfWork, round_id: int) -> OfficialDocument:
    data = adoption_table(uow, round_id)
    changed = changed_tasks(uow, round_id)  # 已在修改稿中落实 only where a revision changed that task
    rows: list[tuple[Cell | str | None, ...]] = []
    groups = data["groups"]
    for group in groups:
        listed = group["reply_category"] != RecipientState.with_comments and group["count"] > 1
        count = f"{group['unit_category_label']}（{group['count_text']}）" if listed else group["unit_category_label"]
        if group["reply_category"] == RecipientState.with_comments and group["comments"]:
            by_unit: dict[str, list[dict[str, Any]]] = {}
            for comment in group["comments"]:
                by_unit.setdefault(comment["unit"], []).append(comment)
            first = True
            span = len(group["comments"])
            for unit, comments in by_unit.items():
                for n, comment in enumerate(comments):
                    text = comment["decision_text"]
                    if comment["change_task"] and comment["change_task"] in changed:
                        text += f"（已在修改稿序号{comment['change_task']}中落实）"
                    rows.append(
                        (
                            Cell(group["reply_category_label"], row_span=span) if first else None,
                            Cell(count, row_span=span) if first else None,
                            Cell(unit, row_span=len(comments)) if n == 0 else None,
                            comment["text"],
                            text,
                        )
                    )
                    first = False
            continue
        deemed = group["reply_category"] == RecipientState.deemed_no_objection
        verdict = DEEMED_TEXT if deemed else ("——" if group["count"] > 1 else "")
        rows.append((group["reply_category_label"], count, "、".join(group["units"]), "", verdict))
    legality = data["legality_review"]
    rows.append(
        (
            "合法性审查",
            "",
            legality["reviewer"],
            legality["opinion"],
            REVIEW_MACHINE.label(legality["state"]) if legality["state"] in REVIEW_STATES else "",
        )
    )
    table = Table(
        ("回复意见类别", "回复单位类别", "乡镇（街道）、部门", "修改意见", "采纳情况及理由"),
        tuple(rows),
        (26, 32, 40, 90, 55),
    )
    return OfficialDocument(
        title=data["title"], blocks=(table,), landscape=True, kind_label="采纳情况表", signature=None
    )


def _outcome(uow: UnitOfWork, round_id: int) -> dict[str, int]:
    states = Counter(r.state for r, _ in uow.rounds.recipients(round_id))
    outcomes = [d.outcome if d else None for *_x, d in uow.replies.decision_queue(round_id)]
    decided = Counter(outcomes)
    with_comments, no_comments = states[RecipientState.with_comments], states[RecipientState.no_comments]
    return {
        "asked": sum(states.values()),
        "replied": with_comments + no_comments,
        "with_comments": with_comments,
        "no_comments": no_comments,
        "deemed": states[RecipientState.deemed_no_objection],
        "comments": len(outcomes),
        "adopted": decided[Outcome.adopted],
        "partly": decided[Outcome.partly_adopted],
        "rejected": decided[Outcome.rejected],
    }


def explanation(uow: UnitOfWork, round_id: int) -> OfficialDocument:
    c = _context(uow, round_id)
    draft, office, rnd, version = c["draft"], c["office"], c["round"], c["version"]
    parts = json.loads(version.parts) if version else []
    tasks = uow.drafts.tasks(version.id or 0) if version else []
    todo = "（请补充。）"
    blocks: list[Any] = [
        Paragraph(
            f"{rnd.basis + '，' if rnd.basis else ''}结合工作实际，{office.short_name or office.name}组织起草了"
            f"《{draft.title}》。现将有关情况说明如下："
        ),
        Heading("第一部分：总体思路", 1),
        Paragraph(todo),
        Heading(
            f"第二部分：工作任务（共{cn_number(len(parts))}大项{len(tasks)}小项）"
            if parts
            else f"第二部分：工作任务（共{len(tasks)}项）",
            1,
        ),
    ]
    for n, part in enumerate(parts, 1):
        numbers = part["task_numbers"]
        span = f"{numbers[0]}项" if len(numbers) == 1 else f"{numbers[0]}项—{numbers[-1]}项"
        blocks += [Heading(f"（{cn_number(n)}）{part['heading']}（{span}）", 2), Paragraph(todo)]
    o = _outcome(uow, round_id)
    blocks += [
        Heading("第三部分：征求意见情况", 1),
        Paragraph(
            f"{cn_date(rnd.letter_date)}，{office.short_name or office.name}印发{book_title(letter_title(draft.title))}"
            f"（{rnd.doc_number}），共征求{o['asked']}家单位意见，截至{cn_datetime(rnd.deadline)}，"
            f"{o['replied']}家单位回复（有修改意见{o['with_comments']}家，无修改意见{o['no_comments']}家），"
            f"{o['deemed']}家单位逾期未回复，视为无意见。共收到修改意见{o['comments']}条，予以采纳{o['adopted']}条，"
            f"部分采纳{o['partly']}条，不予采纳{o['rejected']}条。"
        ),
        *disagreement_blocks(uow, round_id, "第四部分：重大分歧意见及处理情况"),
    ]
    return OfficialDocument(
        title=f"关于《{draft.title}》的起草说明", blocks=tuple(blocks), signature=office.name, kind_label="起草说明"
    )


def audit_summary(uow: UnitOfWork, round_id: int) -> list[Any]:
    """Who was asked when, who replied, who was deemed, every decision and reason."""
    c = _context(uow, round_id)
    rnd = c["round"]
    rows: list[tuple[str, ...]] = []
    for rec, unit in c["recipients"]:
        state = RECIPIENT_MACHINE.label(rec.state)
        when = cn_datetime(rec.replied_at) if rec.replied_at else (cn_datetime(rec.deemed_at) if rec.deemed_at else "")
        rows.append((unit.name, state, when, "是" if rec.late else ""))
    decisions = [
        (u.name, cm.target, cm.text, d.outcome if d else "", d.reason if d else "")
        for cm, _r, u, d in uow.replies.decision_queue(round_id)
    ]
    return [
        Paragraph(
            f"{cn_datetime(rnd.created_at)}发起征求意见（{rnd.doc_number}），截止时间{cn_datetime(rnd.deadline)}"
            + (f"，于{cn_datetime(rnd.enforced_at)}截止。" if rnd.enforced_at else "。")
        ),
        Table(
            ("单位", "回复情况", "回复（或截止）时间", "另有逾期回复"),
            tuple(rows),
            (50, 50, 40, 26),
            "征求对象及回复情况",
        ),
        Table(
            ("单位", "条目", "修改意见", "采纳情况及理由"),
            tuple((u, t, x, decision_text(o or None, r)) for u, t, x, o, r in decisions),
            (30, 24, 70, 42),
            "采纳决定",
        ),
    ]


def review_package(uow: UnitOfWork, round_id: int, rules: DocTypes = SHIPPED_TYPES) -> OfficialDocument:
    c = _context(uow, round_id)
    draft, rnd = c["draft"], c["round"]
    doc_type = rules.get(draft.doc_type)
    reviews = uow.rounds.reviews(round_id)
    review = reviews[-1] if reviews else None
    current = uow.drafts.version(draft.id or 0, draft.current_version)
    body = json.loads(current.body) if current else []
    flagged = unapplied_adoptions(uow, round_id)
    blocks: list[Any] = [
        Paragraph(f"送审文稿：《{draft.title}》第{draft.current_version}稿；征求意见：{rnd.doc_number}。"),
        *review_facts_blocks(draft, doc_type, rnd.scope, review),
        *departure_blocks(uow, round_id),
        *(checklist_blocks(review) if review is not None else []),
        AttachmentHeading("材料一", f"{draft.title}（送审稿）"),
        *[Paragraph(p) for p in body],
    ]
    if current is not None:
        blocks.append(_task_table(uow, current.id or 0, "重点任务分工"))
    adoption_doc = adoption(uow, round_id)
    blocks += [AttachmentHeading("材料二", adoption_doc.title), *adoption_doc.blocks]
    letter_doc = letter(uow, round_id)
    blocks += [
        AttachmentHeading("材料三", f"{letter_doc.title}（{rnd.doc_number}）"),
        Paragraph(letter_doc.addressee or "", indent_first_line=False),
        *letter_doc.blocks,
    ]
    blocks += [AttachmentHeading("材料四", "征求意见过程记录"), *audit_summary(uow, round_id)]
    if "explanation" in doc_type.materials:
        note = explanation(uow, round_id)
        blocks += [AttachmentHeading("材料五", note.title), *note.blocks]
    if flagged:
        blocks += [Heading("需核对事项", 2), *[Paragraph(f["message"]) for f in flagged]]
    return OfficialDocument(
        title=f"《{draft.title}》合法性审查送审材料",
        blocks=tuple(blocks),
        signature=c["office"].name,
        kind_label="送审材料",
    )


def audit_report(uow: UnitOfWork, round_id: int) -> OfficialDocument:
    c = _context(uow, round_id)
    verdict = verify(uow)
    result = (
        f"哈希链校验通过（全部 {verdict.checked} 条记录完整）。"
        if verdict.ok
        else f"哈希链校验未通过：第一条异常记录序号 {verdict.first_bad_seq}。{verdict.problem}"
    )
    rows = tuple(
        (str(e.seq), e.at, e.who, e.what, e.target, e.states, e.details, e.hash[:12])
        for e in audit_lines(uow, round_id)
    )
    blocks = (
        Paragraph(f"征求意见：{c['round'].doc_number}　校验结果：{result}"),
        Table(
            ("序号", "时间", "操作人", "操作", "对象", "状态变化", "内容", "哈希"),
            rows,
            (10, 30, 30, 30, 30, 34, 60, 24),
        ),
    )
    return OfficialDocument(
        title=f"《{c['draft'].title}》征求意见审计记录", blocks=blocks, landscape=True, kind_label="审计记录"
    )


# The documents that go to the reviewer or into the file print the signed head of the audit chain.
CHECKPOINT_KINDS = frozenset({"adoption", "explanation", "review-package", "audit"})


def checkpoint_paragraph(uow: UnitOfWork, *, full: bool = False) -> Paragraph | None:
    """The current chain head signed now (and appended to the checkpoint file): sequence number, hash,
    signature (abbreviated unless ``full``) and key id; None where no signing key is configured."""
    cp = uow.checkpoint()
    if cp is None:
        return None
    signature = cp.signature if full else cp.short_signature
    return Paragraph(
        f"审计检查点：序号 {cp.seq}；哈希 {cp.hash}；签名 {signature}；密钥编号 {cp.key_id}；"
        f"签署时间 {to_beijing_text(cp.at.replace('Z', '+00:00'))}。"
        "核验方法：consultflow audit verify --checkpoint（或司法局审查页面上传检查点）。",
        indent_first_line=False,
    )


def to_beijing_text(iso: str) -> str:
    return to_beijing(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M:%S")


def build(
    uow: UnitOfWork, round_id: int, kind: str, unit: str | None = None, rules: DocTypes = SHIPPED_TYPES
) -> OfficialDocument:
    builders = {
        "letter": lambda: letter(uow, round_id),
        "reply-form": lambda: reply_form(uow, round_id, unit),
        "adoption": lambda: adoption(uow, round_id),
        "explanation": lambda: explanation(uow, round_id),
        "review-package": lambda: review_package(uow, round_id, rules),
        "audit": lambda: audit_report(uow, round_id),
    }
    if kind not in builders:
        raise InvalidInput("REPORT_KIND_INVALID", f"文书类型“{kind}”无效。")
    doc = builders[kind]()
    if kind in CHECKPOINT_KINDS:
        stamp = checkpoint_paragraph(uow, full=kind == "audit")
        if stamp is not None:
            doc = replace(doc, blocks=(*doc.blocks, stamp))
    return doc
