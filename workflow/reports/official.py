"""Building the official documents of a round from the database, as ``documents.model`` objects.

The letter (函), reply form (回复表), adoption table (采纳情况), explanatory note (起草说明), the
legality-review package (送审材料) and the audit-trail report — each as in the seed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from documents.model import AttachmentHeading, Cell, Heading, KeyValue, OfficialDocument, Paragraph, SealBox, Table
from kernel.errors import InvalidInput
from kernel.timefmt import cn_date, cn_datetime, to_beijing
from states.decision import Outcome
from states.draft import STAGE_LABELS, DraftStage
from states.recipient import RECIPIENT_MACHINE, RecipientState
from states.review import REVIEW_MACHINE, ReviewState
from storage.uow import UnitOfWork
from workflow.doc_number import parse_doc_number
from workflow.doc_types import DEFAULT_TYPE, SHIPPED_TYPES, DocTypes
from workflow.profiles import OfficeProfile, addressee_for
from workflow.reports import public as public_report
from workflow.reports.adoption import DEEMED_TEXT, adoption_table
from workflow.reports.draft_doc import draft_as_document
from workflow.reports.letter_period import consultation_period_text
from workflow.reports.letters import (
    LetterAttachments,
    book,
    letter_attachments,
    letter_context,
    reply_form_title,
    round_attachment_names,
    templates_for,
)
from workflow.reports.process_docs import checklist_blocks, departure_blocks, disagreement_blocks, review_facts_blocks
from workflow.services._common import load_draft, load_round
from workflow.services.audit import verify
from workflow.services.audit_view import audit_lines
from workflow.services.decisions import decision_text
from workflow.services.draft_items import RoundDraft, draft_shape, round_draft
from workflow.services.offices import office_profile
from workflow.services.preload import Queue
from workflow.services.queries import ILLUSTRATIVE_TIMES_NOTICE
from workflow.services.rounds import StartRound, letter_wording
from workflow.services.versions import changed_tasks, unapplied_adoptions
from workflow.unit_names import resolve_unit

CN_NUMBERS = "零一二三四五六七八九十"
def cn_number(n: int) -> str:
    if n <= 10:
        return CN_NUMBERS[n]
    if n < 20:
        return "十" + (CN_NUMBERS[n - 10] if n > 10 else "")
    return CN_NUMBERS[n // 10] + "十" + (CN_NUMBERS[n % 10] if n % 10 else "")


def addressee_line(profile: OfficeProfile, categories: Iterable[str]) -> str:
    """The 主送 line: the asked categories only, each in the office's wording and the letter's order.

    A category the office has not declared (a unit stored before profiles) is named as written."""
    wanted = [k for k in dict.fromkeys(categories) if k]
    names = profile.addressees(wanted)
    for key in sorted(k for k in wanted if profile.category(k) is None):
        spec = profile.find_category(key)
        names.append(spec.addressee if spec else addressee_for(key))
    return "，".join(dict.fromkeys(names)) + "："


def _context(
    uow: UnitOfWork, round_id: int, context: dict[str, Any] | None = None, *, recipients: bool = True
) -> dict[str, Any]:
    """The round's draft, office, recipients and version; ``context``: these, loaded already in this request.
    ``recipients=False``: none (for what does not name them, such as the letter's title)."""
    if context is not None:
        return context
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    office = uow.directory.office(rnd.office_id)
    # read only: plain rows, not 500 ORM objects
    recipient_rows = uow.rounds.recipient_rows(round_id) if recipients else []
    version = uow.drafts.version(draft.id or 0, rnd.version)
    return {
        "round": rnd,
        "draft": draft,
        "office": office,
        "profile": office_profile(uow, rnd.office_id),
        "recipients": recipient_rows,
        "version": version,
    }


def letter_stage(rnd: Any, version: Any) -> str:
    """The stage the letter names (代拟稿): as it was when the round started; a review later re-labels the
    version 送审稿, which must not rewrite the letter. Rounds from before this was kept: the version's first stages."""
    if rnd.draft_stage in STAGE_LABELS:
        return str(rnd.draft_stage)
    stage = version.stage if version is not None else DraftStage.proposed
    return str(stage) if stage in (DraftStage.proposed, DraftStage.discussion) else DraftStage.proposed.value


def round_attachments(uow: UnitOfWork, round_id: int, context: dict[str, Any] | None = None) -> LetterAttachments:
    """The letter's attachments: 附件1 the draft, 附件2 its task table where it has one, then the reply form."""
    c = _context(uow, round_id, context)
    version = c["version"]
    has_tasks = version is not None and uow.drafts.has_tasks(version.id or 0)
    names = round_attachment_names(c["round"].attachment_names)
    return letter_attachments(c["draft"].title, letter_stage(c["round"], version), has_tasks, names)


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
    profile: OfficeProfile,
    *,
    draft_title: str,
    stage: str,
    attachments: LetterAttachments,
    doc_number: str,
    deadline: Any,
    letter_date: Any,
    contact: str,
    phone: str,
    categories: Iterable[str],
    purpose: str = "",
    basis: str = "",
    focus: str = "",
    requirements: str = "",
    shorten_reason: str = "",
    doc_type: str = DEFAULT_TYPE,
    rules: DocTypes = SHIPPED_TYPES,
) -> OfficialDocument:
    """The 征求意见函 in the 信函格式, its words from the office's template; also the preview before a round
    exists. A period shorter than the type's minimum says why (《重大行政决策程序暂行条例》第十五条)."""
    text = templates_for(profile).render(
        letter_context(
            profile,
            draft_title=draft_title,
            stage=stage,
            attachments=attachments,
            doc_number=doc_number,
            deadline=deadline,
            letter_date=letter_date,
            contact=contact,
            phone=phone,
            purpose=purpose,
            basis=basis,
            focus=focus,
            requirements=requirements,
            shorten_reason=shorten_reason,
            period=_period(letter_date, deadline, doc_type, rules),
        )
    )
    return OfficialDocument(
        title=text.title,
        blocks=tuple(Paragraph(p) for p in text.paragraphs),
        issuer_mark=profile.name,
        doc_number=doc_number,
        addressee=addressee_line(profile, categories),
        signature=text.signature,
        date=letter_date,
        attachments=attachments.listed(),
        kind_label="征求意见函",
        layout="letter",
    )


def _period(letter_date: Any, deadline: Any, doc_type: str, rules: DocTypes) -> str:
    """The consultation period in the unit the type's minimum is counted in ("5个工作日" or "9日")."""
    known = rules.types.get(doc_type)
    unit = known.consultation_day_unit if known is not None else "calendar"
    return consultation_period_text(letter_date, deadline, unit, rules.calendar)


def preview_letter_document(
    uow: UnitOfWork, cmd: StartRound, categories: Iterable[str], today: Any, rules: DocTypes = SHIPPED_TYPES
) -> OfficialDocument:
    """The letter a round would send, before it exists (the start page's preview): nothing is written."""
    profile = office_profile(uow, cmd.office_id)
    draft = uow.drafts.get(cmd.draft_id)
    version = uow.drafts.version(draft.id or 0, draft.current_version) if draft else None
    stage = version.stage if version else "proposed"
    has_tasks = version is not None and uow.drafts.has_tasks(version.id or 0)
    requirements, purpose = letter_wording(cmd, profile.wording)
    title = draft.title if draft else ""
    return letter_document(
        profile,
        draft_title=title,
        stage=stage,
        attachments=letter_attachments(title, stage, has_tasks, cmd.attachment_names),
        doc_number=str(parse_doc_number(cmd.doc_number)),
        deadline=cmd.deadline,
        letter_date=cmd.letter_date or today,
        contact=cmd.contact,
        phone=cmd.phone,
        categories=categories,
        purpose=purpose,
        basis=cmd.basis,
        focus=cmd.focus,
        requirements=requirements,
        shorten_reason=cmd.shorten_reason,
        doc_type=draft.doc_type if draft else DEFAULT_TYPE,
        rules=rules,
    )


def letter(
    uow: UnitOfWork, round_id: int, rules: DocTypes = SHIPPED_TYPES, context: dict[str, Any] | None = None
) -> OfficialDocument:
    c = _context(uow, round_id, context)
    return _letter_of(uow, round_id, c, [u.category for _, u in c["recipients"]], rules)


def letter_heading(uow: UnitOfWork, round_id: int, rules: DocTypes = SHIPPED_TYPES) -> tuple[str, tuple[str, ...]]:
    """The letter's title and its attachments' names, as ``letter`` gives them, without reading the round's
    recipients: they only make its 主送 line, and a notice needs the title, not hundreds of rows per message."""
    doc = _letter_of(uow, round_id, _context(uow, round_id, recipients=False), (), rules)
    return doc.title, doc.attachments


def _letter_of(
    uow: UnitOfWork, round_id: int, c: dict[str, Any], categories: Iterable[str], rules: DocTypes
) -> OfficialDocument:
    rnd, version = c["round"], c["version"]
    return letter_document(
        c["profile"],
        draft_title=c["draft"].title,
        stage=letter_stage(rnd, version),
        attachments=round_attachments(uow, round_id, c),
        doc_number=rnd.doc_number,
        deadline=rnd.deadline,
        letter_date=rnd.letter_date,
        contact=rnd.contact,
        phone=rnd.phone,
        categories=categories,
        purpose=rnd.purpose,
        basis=rnd.basis,
        focus=rnd.focus,
        requirements=rnd.requirements,
        shorten_reason=rnd.shorten_reason,
        doc_type=c["draft"].doc_type,
        rules=rules,
    )


def letter_title(uow: UnitOfWork, round_id: int, context: dict[str, Any] | None = None) -> str:
    """The letter's title as printed (发文机关 + 关于对《…（代拟稿）》征求意见的函)."""
    return letter(uow, round_id, context=context).title


@dataclass(frozen=True)
class ReplyForms:
    """A round's reply forms from one load of what they share (draft, items, deadline, attachment number):
    all of a round's forms are then linear in its units, not one load of every recipient per form."""

    title: str
    attachment_label: str
    header: str
    targets: tuple[Paragraph, ...]
    deadline: Any
    units: tuple[Any, ...]  # the round's recipients' units, in the round's order

    def document(self, unit: Any | None) -> OfficialDocument:
        """附件N of the letter, the 回复表: blank (``unit`` None), or pre-filled with the unit's name and contact."""
        rows = tuple((str(n), "", "", "", "") for n in range(1, 7))
        contact = (unit.contact if unit else "") or "　" * 4
        phone = (unit.phone if unit else "") or "　" * 6
        blocks: tuple[Any, ...] = (
            KeyValue((("单位名称（盖章）", unit.name if unit else "　" * 8),)),
            KeyValue((("联系人", contact), ("电话", phone))),
            Table(("序号", self.header, "修改意见", "依据", "理由"), rows, (12, 30, 58, 28, 28)),
            Paragraph(
                "（行数不够时可自行增加；填好的本表 Word 文件可随盖章件一并发回，意见将直接导入。）",
                indent_first_line=False,
            ),
            *self.targets,
            Paragraph("如无修改意见，请在此注明“无修改意见”：＿＿＿＿＿＿＿＿", indent_first_line=False),
            Paragraph(
                f"请于{cn_datetime(self.deadline)}前反馈。修改意见要有依据、理由充分，理由不充分或无依据的不予采纳；"
                "逾期未回复视为无意见。",
                indent_first_line=False,
            ),
            SealBox("（单位盖章）　　年　　月　　日"),
        )
        return OfficialDocument(
            title=self.title, blocks=blocks, kind_label="回复表", attachment_label=self.attachment_label
        )


def reply_forms(uow: UnitOfWork, round_id: int) -> ReplyForms:
    """What every reply form of the round shares, loaded once."""
    c = _context(uow, round_id)
    draft, rnd, version = c["draft"], c["round"], c["version"]
    shape = round_draft(uow, draft.id or 0, rnd.version)
    has_tasks = version is not None and uow.drafts.has_tasks(version.id or 0)
    stage = letter_stage(rnd, version)
    names = round_attachment_names(rnd.attachment_names)
    number = letter_attachments(draft.title, stage, has_tasks, names).reply_form.number
    return ReplyForms(
        title=reply_form_title(draft.title, stage),
        attachment_label=f"附件{number}",
        header=target_header(shape),
        targets=tuple(target_list(shape)),
        deadline=rnd.deadline,
        units=tuple(u for _, u in c["recipients"]),
    )


def reply_form(uow: UnitOfWork, round_id: int, unit_name: str | None) -> OfficialDocument:
    """附件N of the letter, the 回复表: blank, or pre-filled with one unit's name and contact."""
    forms = reply_forms(uow, round_id)
    return forms.document(resolve_unit(unit_name, forms.units) if unit_name else None)


def target_header(shape: RoundDraft) -> str:
    """The 条目 column's hint, with examples from the draft's own items."""
    if shape.kind == "tasks":
        first = [i.label for i in shape.items][:1]
        return "条目（如" + "".join(f"“{e}”" for e in first) + "）" if first else "条目（序号）"
    examples = [i.label for i in shape.items if i.kind == "article"][4:5]
    examples += [i.label for i in shape.items if i.kind == "paragraph"][:1]
    examples = examples or [i.label for i in shape.items][:2]
    return "条目（如" + "".join(f"“{e}”" for e in examples) + "）"


def target_list(shape: RoundDraft) -> list[Paragraph]:
    """A draft without a task table: the items a comment may name, so the form needs no guessing."""
    if shape.kind == "tasks" or not shape.items:
        return []
    listed = [i for i in shape.items if i.kind in ("chapter", "section", "article", "heading")]
    names = "；".join(f"{i.label}{(' ' + i.heading) if i.heading else ''}" for i in listed)
    finer = "（可具体到款、项，如“第八条第二款”“第五条第（三）项”。）" if shape.kind == "articles" else ""
    return [Paragraph(f"本文稿的条目：{names}。{finer}", indent_first_line=False)]


def draft_document(uow: UnitOfWork, round_id: int, *, with_tasks: bool = True) -> OfficialDocument:
    """附件1: the draft the round asks about (its version, not a later revision), laid out as imported;
    ``with_tasks`` appends its task table (the unit's page offers the draft as one file)."""
    c = _context(uow, round_id)
    version = c["version"]
    body = json.loads(version.body) if version else []
    attachments = round_attachments(uow, round_id)
    doc = draft_as_document(
        body,
        fallback_title=attachments.draft.name,
        kind_label=STAGE_LABELS[letter_stage(c["round"], version)],
        attachment_label=f"附件{attachments.draft.number}",
    )
    if with_tasks and version is not None and attachments.tasks is not None:
        doc = replace(
            doc, blocks=(*doc.blocks, AttachmentHeading("附件", "重点任务分工"), _task_table(uow, version.id or 0))
        )
    return doc


def task_table_document(uow: UnitOfWork, round_id: int) -> OfficialDocument:
    """附件2: the draft's task-division table (重点任务分工) on its own, as the letter sends it."""
    c = _context(uow, round_id)
    version = c["version"]
    tasks = round_attachments(uow, round_id).tasks
    if version is None or tasks is None:
        raise InvalidInput("REPORT_KIND_INVALID", "该文稿没有重点任务分工表。", kind="task-table")
    return OfficialDocument(
        title=tasks.name,
        blocks=(_task_table(uow, version.id or 0),),
        kind_label="重点任务分工",
        attachment_label=f"附件{tasks.number}",
    )


REVIEW_STATES = frozenset(s.value for s in ReviewState)


def adoption(
    uow: UnitOfWork, round_id: int, queue: Queue | None = None, context: dict[str, Any] | None = None
) -> OfficialDocument:
    """采纳情况表 (``queue``, ``context``: the round's decision queue and context, where the caller loaded them)."""
    data = adoption_table(uow, round_id, queue, context["recipients"] if context is not None else None)
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
                    text = comment["decision_text"] + _carried_out(comment, changed)
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
    unit_column = office_profile(uow, load_round(uow, round_id).office_id).wording.get("adoption_unit_column", "单位")
    table = Table(
        ("回复意见类别", "回复单位类别", unit_column, "修改意见", "采纳情况及理由"),
        tuple(rows),
        (26, 32, 40, 90, 55),
    )
    return OfficialDocument(
        title=data["title"],
        blocks=(table, *public_report.adoption_blocks(uow, round_id)),
        landscape=True,
        kind_label="采纳情况表",
        signature=None,
    )


def _carried_out(comment: dict[str, Any], changed: set[int]) -> str:
    """Where a revision carries out an adopted comment: the task or item the decision names ("落实于第五条"),
    else the comment's item, as it is now ("已在修改稿现第六条（原第五条）中落实"); nothing before a revision
    changed it."""
    if comment["change_task"]:
        return f"（已在修改稿序号{comment['change_task']}中落实）" if comment["change_task"] in changed else ""
    anchor = comment.get("change_anchor") if comment.get("change_item") else comment.get("anchor")
    if comment["decision"] not in (Outcome.adopted, Outcome.partly_adopted) or not anchor or not anchor["changed"]:
        return ""
    if anchor["removed"]:
        return f"（修改稿已删除{anchor['original']}）"
    return f"（已在修改稿{anchor['display']}中落实）"


def _structure(uow: UnitOfWork, draft_id: int, version: int) -> str:
    """共4章11条 — a draft of articles or headings counted by its own structure."""
    counts = draft_shape(round_draft(uow, draft_id, version)).counts
    return "共" + "".join(f"{n}{word}" for word, n in counts if word in ("章", "节", "条", "个标题"))


def _outcome(
    uow: UnitOfWork, round_id: int, queue: Queue | None = None, context: dict[str, Any] | None = None
) -> dict[str, int]:
    recipients = context["recipients"] if context is not None else uow.rounds.recipients(round_id)
    states = Counter(r.state for r, _ in recipients)
    queue = uow.replies.decision_queue(round_id) if queue is None else queue
    outcomes = [d.outcome if d else None for *_x, d in queue]
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


def explanation(
    uow: UnitOfWork, round_id: int, queue: Queue | None = None, context: dict[str, Any] | None = None
) -> OfficialDocument:
    """起草说明 (``queue``, ``context``: loaded already in this request)."""
    queue = uow.replies.decision_queue(round_id) if queue is None else queue
    c = _context(uow, round_id, context)
    draft, office, rnd, version = c["draft"], c["office"], c["round"], c["version"]
    wording = c["profile"].wording
    parts = json.loads(version.parts) if version else []
    tasks = uow.drafts.tasks(version.id or 0) if version else []
    todo = "（请补充。）"
    blocks: list[Any] = [
        Paragraph(
            f"{rnd.basis + '，' if rnd.basis else ''}结合工作实际，{office.short_name or office.name}组织起草了"
            f"《{draft.title}》。现将有关情况说明如下："
        ),
        Heading(wording.get("explanation_overview_heading", "第一部分：起草背景和思路"), 1),
        Paragraph(todo),
        Heading(
            f"第二部分：工作任务（共{cn_number(len(parts))}大项{len(tasks)}小项）"
            if parts
            else f"第二部分：工作任务（共{len(tasks)}项）"
            if tasks or version is None or version.kind == "tasks"
            else f"第二部分：主要内容（{_structure(uow, draft.id or 0, rnd.version)}）",
            1,
        ),
    ]
    for n, part in enumerate(parts, 1):
        numbers = part["task_numbers"]
        span = f"{numbers[0]}项" if len(numbers) == 1 else f"{numbers[0]}项—{numbers[-1]}项"
        blocks += [Heading(f"（{cn_number(n)}）{part['heading']}（{span}）", 2), Paragraph(todo)]
    o = _outcome(uow, round_id, queue, c)
    blocks += [
        Heading("第三部分：征求意见情况", 1),
        Paragraph(
            f"{cn_date(rnd.letter_date)}，{office.short_name or office.name}印发{book(letter_title(uow, round_id, c))}"
            f"（{rnd.doc_number}），共征求{o['asked']}家单位意见，截至{cn_datetime(rnd.deadline)}，"
            f"{o['replied']}家单位回复（有修改意见{o['with_comments']}家，无修改意见{o['no_comments']}家），"
            f"{o['deemed']}家单位逾期未回复，视为无意见。共收到修改意见{o['comments']}条，予以采纳{o['adopted']}条，"
            f"部分采纳{o['partly']}条，不予采纳{o['rejected']}条。"
        ),
        *public_report.explanation_blocks(uow, round_id),
        *disagreement_blocks(uow, round_id, "第四部分：重大分歧意见及处理情况", queue),
    ]
    return OfficialDocument(
        title=f"关于《{draft.title}》的起草说明", blocks=tuple(blocks), signature=office.name, kind_label="起草说明"
    )


def audit_summary(
    uow: UnitOfWork, round_id: int, queue: Queue | None = None, context: dict[str, Any] | None = None
) -> list[Any]:
    """Who was asked when, who replied, who was deemed, every decision and reason."""
    c = _context(uow, round_id, context)
    rnd = c["round"]
    rows: list[tuple[str, ...]] = []
    for rec, unit in c["recipients"]:
        state = RECIPIENT_MACHINE.label(rec.state)
        when = cn_datetime(rec.replied_at) if rec.replied_at else (cn_datetime(rec.deemed_at) if rec.deemed_at else "")
        rows.append((unit.name, state, when, "是" if rec.late else ""))
    decisions = [
        (u.name, cm.target, cm.text, d.outcome if d else "", d.reason if d else "")
        for cm, _r, u, d in (uow.replies.decision_queue(round_id) if queue is None else queue)
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


def review_package(
    uow: UnitOfWork, round_id: int, rules: DocTypes = SHIPPED_TYPES, queue: Queue | None = None
) -> OfficialDocument:
    """送审材料: its five materials read one decision queue and one round context (``queue``: the queue,
    where the caller loaded it already, as the reviewer's page does for its audit lines)."""
    queue = uow.replies.decision_queue(round_id) if queue is None else queue
    c = _context(uow, round_id)
    draft, rnd = c["draft"], c["round"]
    doc_type = rules.get(draft.doc_type)
    reviews = uow.rounds.reviews(round_id)
    review = reviews[-1] if reviews else None
    current = uow.drafts.version(draft.id or 0, draft.current_version)
    body = json.loads(current.body) if current else []
    flagged = unapplied_adoptions(uow, round_id, queue)
    blocks: list[Any] = [
        Paragraph(f"送审文稿：《{draft.title}》第{draft.current_version}稿；征求意见：{rnd.doc_number}。"),
        *review_facts_blocks(draft, doc_type, rnd.scope, review),
        *departure_blocks(uow, round_id),
        *(checklist_blocks(review) if review is not None else []),
        AttachmentHeading("材料一", f"{draft.title}（送审稿）"),
        *[Paragraph(p) for p in body],
    ]
    if current is not None and current.kind == "tasks":
        blocks.append(_task_table(uow, current.id or 0, "重点任务分工"))
    adoption_doc = adoption(uow, round_id, queue, c)
    blocks += [AttachmentHeading("材料二", adoption_doc.title), *adoption_doc.blocks]
    letter_doc = letter(uow, round_id, rules, c)
    blocks += [
        AttachmentHeading("材料三", f"{letter_doc.title}（{rnd.doc_number}）"),
        Paragraph(letter_doc.addressee or "", indent_first_line=False),
        *letter_doc.blocks,
    ]
    blocks += [AttachmentHeading("材料四", "征求意见过程记录"), *audit_summary(uow, round_id, queue, c)]
    if "explanation" in doc_type.materials:
        note = explanation(uow, round_id, queue, c)
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


# The documents that print when units replied or when the review decided (the round's recorded times).
TIMED_KINDS = frozenset({"review-package", "audit"})
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
    uow: UnitOfWork,
    round_id: int,
    kind: str,
    unit: str | None = None,
    rules: DocTypes = SHIPPED_TYPES,
    queue: Queue | None = None,
) -> OfficialDocument:
    """Document ``kind`` of the round; ``queue``: the round's decision queue, where the caller has it."""
    builders = {
        "letter": lambda: letter(uow, round_id, rules),
        "draft": lambda: draft_document(uow, round_id, with_tasks=False),
        "task-table": lambda: task_table_document(uow, round_id),
        "reply-form": lambda: reply_form(uow, round_id, unit),
        "adoption": lambda: adoption(uow, round_id, queue),
        "explanation": lambda: explanation(uow, round_id, queue),
        "review-package": lambda: review_package(uow, round_id, rules, queue),
        "audit": lambda: audit_report(uow, round_id),
    }
    if kind not in builders:
        raise InvalidInput("REPORT_KIND_INVALID", f"文书类型“{kind}”无效。")
    doc = builders[kind]()
    if kind in TIMED_KINDS and load_round(uow, round_id).illustrative_times:
        doc = replace(doc, notice=ILLUSTRATIVE_TIMES_NOTICE)
    if kind in CHECKPOINT_KINDS:
        stamp = checkpoint_paragraph(uow, full=kind == "audit")
        if stamp is not None:
            doc = replace(doc, blocks=(*doc.blocks, stamp))
    return doc
