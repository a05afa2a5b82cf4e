"""Putting a round to the public, and what the public pages read: the list of open consultations of
every office, and one draft item by item with its period, its count and its published comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import NotFound
from kernel.ids import ref
from kernel.text import check_texts
from kernel.timefmt import cn_datetime, iso_beijing, to_beijing
from states.draft import DraftState
from states.public_comment import KIND_LABELS, ModerationState
from states.round import RoundState
from storage.models import Draft, Office, PublicConsultation, Round
from storage.uow import UnitOfWork
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.public.anchors import draft_items, preamble
from workflow.services._common import record

FINAL_DRAFT_STATES = (DraftState.approved, DraftState.issued)
"""The decisions are final once the legality review approved the draft (or it was issued)."""


@dataclass(frozen=True)
class PublicTerms:
    """What the public page says besides the draft: the 起草说明 and how else to comment (address, e-mail)."""

    explanation: str = ""
    contact: str = ""

    def __post_init__(self) -> None:
        labels: dict[str, str | None] = {"起草说明": self.explanation, "联系方式": self.contact}
        check_texts(labels, multiline=frozenset(labels))


def attach_consultation(
    uow: UnitOfWork, actor: Actor, now: datetime, rnd: Round, terms: PublicTerms
) -> PublicConsultation:
    """The round's public consultation, in the round's own transaction (``start_round`` calls it)."""
    row = PublicConsultation(
        round_id=rnd.id or 0,
        office_id=rnd.office_id,
        draft_id=rnd.draft_id,
        version=rnd.version,
        explanation=terms.explanation.strip(),
        contact=terms.contact.strip(),
        opens_at=now,
        created_by=actor.name,
    )
    uow.public.add(row)
    record(
        uow,
        actor,
        now,
        "public.opened",
        ref("public_consultation", row.id),
        round_id=rnd.id,
        deadline=rnd.deadline.isoformat(),
        version=rnd.version,
        contact=row.contact,
    )
    return row


def load_consultation(uow: UnitOfWork, consultation_id: int) -> tuple[PublicConsultation, Round, Draft, Office]:
    row = uow.public.consultation(consultation_id)
    rnd = uow.rounds.get(row.round_id) if row else None
    draft = uow.drafts.get(rnd.draft_id) if rnd else None
    office = uow.directory.office(row.office_id) if row else None
    if row is None or rnd is None or draft is None or office is None:
        raise NotFound("PUBLIC_CONSULTATION_NOT_FOUND", "该公开征求意见不存在。", consultation_id=consultation_id)
    return row, rnd, draft, office


def for_round(uow: UnitOfWork, round_id: int) -> PublicConsultation:
    row = uow.public.consultation_for_round(round_id)
    if row is None:
        raise NotFound("PUBLIC_CONSULTATION_NOT_FOUND", f"轮次 {round_id} 没有向社会公开征求意见。", round_id=round_id)
    return row


def is_open(rnd: Round, now: datetime) -> bool:
    return rnd.state == RoundState.open and now < rnd.deadline


def stage(rnd: Round, draft: Draft, now: datetime) -> str:
    """征求中 / 已截止，正在研究处理 / 已公布采纳情况 / 已撤回 — what the public is told about a consultation."""
    if draft.state == DraftState.withdrawn:
        return "已撤回"
    if is_open(rnd, now):
        return "征求中"
    if draft.state in FINAL_DRAFT_STATES:
        return "已公布采纳情况"
    return "已截止，正在研究处理"


def _summary(
    c: PublicConsultation, rnd: Round, draft: Draft, office: Office | None, count: int, now: datetime, rules: DocTypes
) -> dict[str, Any]:
    return {
        "consultation_id": c.id,
        "round_id": rnd.id,
        "office": office.name if office else "",
        "title": draft.title,
        "doc_type": draft.doc_type,
        "doc_type_label": rules.get(draft.doc_type).label if draft.doc_type in rules.types else draft.doc_type,
        "opens_at": iso_beijing(c.opens_at),
        "deadline": iso_beijing(rnd.deadline),
        "deadline_text": cn_datetime(rnd.deadline),
        "open": is_open(rnd, now),
        "final": draft.state in FINAL_DRAFT_STATES,
        "stage": stage(rnd, draft, now),
        # calendar days to the deadline's day (Beijing): 0 on the last day
        "days_left": max(0, (to_beijing(rnd.deadline).date() - to_beijing(now).date()).days),
        "comments": count,
    }


def public_listing(
    uow: UnitOfWork, clock: Clock, *, open_only: bool = True, rules: DocTypes = SHIPPED_TYPES
) -> list[dict[str, Any]]:
    """意见征集: the consultations of every office on this server (open ones, or all)."""
    now = clock.now()
    rows = uow.public.listed(open_only=open_only)
    counts = uow.public.count_by_round([r.id or 0 for _c, r, _d in rows])
    offices: dict[int, Office | None] = {}
    out = []
    for c, rnd, draft in rows:
        if open_only and not is_open(rnd, now):
            continue
        office = offices.setdefault(c.office_id, uow.directory.office(c.office_id))
        out.append(_summary(c, rnd, draft, office, counts.get(rnd.id or 0, 0), now, rules))
    return out


def public_draft(
    uow: UnitOfWork, clock: Clock, consultation_id: int, *, rules: DocTypes = SHIPPED_TYPES
) -> dict[str, Any]:
    """One consultation as the public reads it: the draft item by item, each with its published comments."""
    c, rnd, draft, office = load_consultation(uow, consultation_id)
    comments = uow.public.comments(rnd.id or 0)
    published = [x for x in comments if x.state == ModerationState.published]
    by_item: dict[str, list[dict[str, Any]]] = {}
    for x in published:
        by_item.setdefault(x.anchor_key, []).append(
            {
                "kind_label": KIND_LABELS.get(x.kind, x.kind),
                "target": x.target,
                "text": x.text,
                "received_at": iso_beijing(x.received_at),
            }
        )
    items = [
        {"key": key, "label": label, "text": text, "comments": by_item.get(key, [])}
        for key, label, text in draft_items(uow, c.draft_id, c.version)
    ]
    listed = {i["key"] for i in items}
    elsewhere = [x for key, xs in by_item.items() if key not in listed for x in xs]
    return {
        **_summary(c, rnd, draft, office, len(comments), clock.now(), rules),
        "explanation": c.explanation,
        "contact": c.contact,
        "preamble": preamble(uow, c.draft_id, c.version),
        "items": items,
        "whole_draft_comments": elsewhere,
        "published": len(published),
    }
