"""The public consultation in the round's documents: the adoption table's 社会公众意见 part and the
起草说明's paragraph on it. ``official`` appends these; a round without a public consultation gets nothing."""

from __future__ import annotations

from typing import Any

from documents.model import Heading, Paragraph, Table
from kernel.timefmt import cn_date, cn_datetime, to_beijing
from states.decision import Outcome
from states.public_comment import KIND_LABELS, ModerationState
from storage.uow import UnitOfWork
from workflow.public.decisions import group_views
from workflow.public.feedback import tally


def _kinds_text(by_kind: dict[str, int]) -> str:
    return "、".join(f"{label}{n}条" for label, n in by_kind.items()) or "无"


def adoption_blocks(uow: UnitOfWork, round_id: int) -> list[Any]:
    """社会公众意见: counts by commenter type and item, then each group with its decision."""
    if uow.public.consultation_for_round(round_id) is None:
        return []
    t = tally(uow, round_id)
    groups = group_views(uow, round_id)
    kinds = list(KIND_LABELS.values())
    comments_by_item: dict[str, dict[str, int]] = {}
    for g in groups:
        for c in g["comments"]:
            if c["state"] == ModerationState.hidden:
                continue
            row = comments_by_item.setdefault(c["anchor"] or "全文", dict.fromkeys(kinds, 0))
            row[c["kind_label"]] += 1
    counts = tuple(
        (item, *(str(row[k]) for k in kinds), str(sum(row.values()))) for item, row in comments_by_item.items()
    )
    decided = tuple(
        (
            str(n),
            "、".join(g["targets"]),
            g["sample"],
            f"{g['size']}条",
            g["decision_text"],
        )
        for n, g in enumerate(groups, 1)
    )
    blocks: list[Any] = [
        Heading("社会公众意见", 2),
        Paragraph(
            f"共收到社会公众意见{t.received}条，其中不予公开{t.hidden}条；纳入研究{t.active}条"
            f"（{_kinds_text(t.by_kind)}），归并为{t.groups}组。"
            f"予以采纳{t.outcomes.get(Outcome.adopted, 0)}组，部分采纳{t.outcomes.get(Outcome.partly_adopted, 0)}组，"
            f"不予采纳{t.outcomes.get(Outcome.rejected, 0)}组。"
        ),
    ]
    if counts:
        blocks.append(Table(("条目", *kinds, "合计"), counts, (40, 22, 22, 30, 26, 20), "按条目和意见人类别统计"))
    if decided:
        headers = ("组", "条目", "意见（代表性表述）", "条数", "采纳情况及理由")
        blocks.append(Table(headers, decided, (12, 34, 90, 18, 60)))
    return blocks


def explanation_blocks(uow: UnitOfWork, round_id: int) -> list[Any]:
    """The 起草说明's paragraph: when and how the draft was put to the public, and what came of it."""
    consultation = uow.public.consultation_for_round(round_id)
    rnd = uow.rounds.get(round_id)
    if consultation is None or rnd is None:
        return []
    t = tally(uow, round_id)
    adopted = t.outcomes.get(Outcome.adopted, 0) + t.outcomes.get(Outcome.partly_adopted, 0)
    return [
        Paragraph(
            f"{cn_date(to_beijing(consultation.opens_at).date())}至{cn_datetime(rnd.deadline)}，"
            f"通过互联网向社会公开征求意见，共收到社会公众意见{t.received}条（{_kinds_text(t.by_kind)}），"
            f"其中{t.hidden}条因与征求意见内容无关等原因不予公开；相同或相近的意见归并为{t.groups}组，"
            f"予以采纳或部分采纳{adopted}组，不予采纳{t.outcomes.get(Outcome.rejected, 0)}组。"
            "采纳情况已通过征求意见页面向社会公布。"
        )
    ]
