"""``consultflow public open``: a public consultation on its own (no units asked), as a round whose only
audience is the public — the same deadline sweep, decision queue, review gate and documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import NotFound
from kernel.timefmt import to_beijing
from storage.uow import UnitOfWork
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.public.consultations import PublicTerms
from workflow.services.rounds import RoundStarted, StartRound, start_round


@dataclass(frozen=True)
class OpenPublic:
    draft_id: int
    office_id: int
    until: datetime
    terms: PublicTerms = field(default_factory=PublicTerms)
    doc_number: str = ""  # the 公告's number; one is made up from the office's name when not given
    contact: str = ""
    phone: str = ""
    shorten_reason: str = ""
    deadline_warning: str = ""


def next_public_number(uow: UnitOfWork, office_id: int, year: int) -> str:
    """``某某办公开征求意见〔2026〕N号``: the office's own series for consultations opened without a number."""
    office = uow.directory.office(office_id)
    if office is None:
        raise NotFound("OFFICE_NOT_FOUND", "发文机关不存在，请先执行 consultflow init。")
    code = f"{office.short_name or office.name}公开征求意见"
    taken = {r.doc_number for r in uow.rounds.all() if r.office_id == office_id}
    serial = 1
    while f"{code}〔{year}〕{serial}号" in taken:
        serial += 1
    return f"{code}〔{year}〕{serial}号"


def open_public(
    uow: UnitOfWork, clock: Clock, actor: Actor, cmd: OpenPublic, *, secret: str, rules: DocTypes = SHIPPED_TYPES
) -> RoundStarted:
    """Open the consultation until ``cmd.until``; the type's minimum public period applies (PERIOD_TOO_SHORT)."""
    number = cmd.doc_number.strip() or next_public_number(uow, cmd.office_id, to_beijing(clock.now()).year)
    return start_round(
        uow,
        clock,
        actor,
        StartRound(
            draft_id=cmd.draft_id,
            office_id=cmd.office_id,
            doc_number=number,
            deadline=cmd.until,
            contact=cmd.contact,
            phone=cmd.phone,
            deadline_warning=cmd.deadline_warning,
            scope="public",
            shorten_reason=cmd.shorten_reason,
            public=cmd.terms,
        ),
        secret=secret,
        rules=rules,
    )
