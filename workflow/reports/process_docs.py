"""Blocks the process rules add to the round's documents: the departures from the type's rules with
their reasons, the 送审材料 list and review period, the 制定依据, the review checklist answers, and the
重大分歧意见 (comments not or only partly adopted, with the reasons) of the 起草说明."""

from __future__ import annotations

import json
from typing import Any

from documents.model import Heading, Paragraph, Table
from kernel.timefmt import cn_datetime
from states.decision import NEEDS_REASON, OUTCOME_LABELS
from storage.models import Draft, LegalityReview
from storage.uow import UnitOfWork
from workflow.doc_types import CHECK_ANSWERS, DocType
from workflow.services.departures import SCOPES, departures
from workflow.services.preload import Queue
from workflow.services.review import materials


def disagreements(uow: UnitOfWork, round_id: int, queue: Queue | None = None) -> list[dict[str, str]]:
    """Every comment not adopted or only partly adopted, with its unit and the reason."""
    return [
        {
            "unit": unit.name,
            "target": comment.target,
            "text": comment.text,
            "outcome": OUTCOME_LABELS[decision.outcome],
            "reason": decision.reason,
        }
        for comment, _reply, unit, decision in (uow.replies.decision_queue(round_id) if queue is None else queue)
        if decision is not None and decision.outcome in NEEDS_REASON
    ]


def disagreement_blocks(uow: UnitOfWork, round_id: int, heading: str, queue: Queue | None = None) -> list[Any]:
    rows = disagreements(uow, round_id, queue)
    if not rows:
        return [Heading(heading, 1), Paragraph("征求意见过程中，没有不予采纳或部分采纳的意见，无重大分歧意见。")]
    return [
        Heading(heading, 1),
        Paragraph(f"以下{len(rows)}条意见不予采纳或部分采纳，理由如下："),
        Table(
            ("单位", "条目", "修改意见", "处理情况", "理由"),
            tuple((r["unit"], r["target"], r["text"], r["outcome"], r["reason"]) for r in rows),
            (28, 22, 56, 22, 42),
        ),
    ]


def departure_blocks(uow: UnitOfWork, round_id: int) -> list[Any]:
    rows = departures(uow, round_id)
    if not rows:
        return [Heading("偏离规定情形", 2), Paragraph("无。各项期限和程序均符合该类文件的规定。")]
    return [
        Heading("偏离规定情形", 2),
        Table(
            ("事项", "情形", "理由"),
            tuple((d["rule_label"], d["message"], d["reason"]) for d in rows),
            (30, 90, 50),
        ),
    ]


def review_facts_blocks(draft: Draft, doc_type: DocType, scope: str, review: LegalityReview | None) -> list[Any]:
    """The package's first page: type, consultation scope, review period, materials and legal basis."""
    lines = [f"文件类型：{doc_type.label}；征求意见范围：{SCOPES.get(scope, scope)}。"]
    if review is not None:
        period = f"提请审查时间：{cn_datetime(review.requested_at)}"
        if review.min_at is not None:
            period += f"；最短审查期限至{cn_datetime(review.min_at)}"
        if review.due_at is not None:
            period += f"；审查期限至{cn_datetime(review.due_at)}"
        lines.append(period + f"（{doc_type.review_source}）。")
    blocks: list[Any] = [Paragraph(line) for line in lines]
    items = materials(draft, doc_type)
    blocks += [
        Heading("送审材料清单", 2),
        Table(
            ("序号", "材料", "情况"),
            tuple((str(n), str(m["label"]), "已附" if m["present"] else "缺") for n, m in enumerate(items, 1)),
            (14, 110, 30),
        ),
        Paragraph(f"（依据：{doc_type.materials_source}）", indent_first_line=False),
    ]
    basis = [line for line in draft.legal_basis.splitlines() if line.strip()]
    blocks.append(Heading("制定依据", 2))
    blocks += [Paragraph(f"{n}. {line}", indent_first_line=False) for n, line in enumerate(basis, 1)] or [
        Paragraph("（未填写制定依据。）")
    ]
    return blocks


def checklist_blocks(review: LegalityReview) -> list[Any]:
    points = json.loads(review.checklist or "[]")
    if not points:
        return []
    return [
        Heading("审查要点及结论", 2),
        Table(
            ("审查要点", "结论", "意见"),
            tuple((p["label"], CHECK_ANSWERS.get(p["answer"], p["answer"]), p["note"]) for p in points),
            (70, 24, 70),
        ),
    ]
