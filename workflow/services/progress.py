"""Monthly progress rounds (当月工作开展情况) on the same engine as solicitation rounds.

Each responsible unit with open items gets one request, reached through its own link (HMAC token,
only its hash stored); it answers per item with text, a status and evidence. At the due time every
silent request becomes 未报送 — set-wise, exactly once, each with its audit event — and is counted;
it is never deemed to have reported anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kernel.actors import SYSTEM, Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.ids import ref
from kernel.tokens import new_nonce, reply_token, token_hash
from states.progress_round import (
    PROGRESS_REQUEST_MACHINE,
    PROGRESS_ROUND_MACHINE,
    ProgressContext,
    ProgressRequestState,
    ProgressRoundState,
)
from states.tracked_item import (
    PROGRESS_STATUS_LABELS,
    TRACKED_ITEM_MACHINE,
    ItemContext,
    ProgressStatus,
    TrackedItemState,
)
from storage.audit import PendingEvent
from storage.models import ProgressReport, ProgressRequest, ProgressRound
from storage.uow import UnitOfWork, UowFactory
from workflow.services._common import change_state, record
from workflow.services.progress_notices import queue_progress
from workflow.services.tracking import load_item, store_evidence
from workflow.tracking.schedule import ProgressSettings, default_due, month_text, parse_month
from workflow.unit_names import resolve_unit


@dataclass(frozen=True)
class StartProgress:
    office_id: int
    month: str
    due: datetime | None = None
    scheduled: bool = False  # started by the scheduler on ``[progress] start_day``


@dataclass(frozen=True)
class StartedProgress:
    round_id: int
    month: str
    due: datetime
    requests: int
    units: list[str]


def start_progress(
    uow: UnitOfWork, clock: Clock, actor: Actor, cmd: StartProgress, settings: ProgressSettings, secret: str
) -> StartedProgress:
    """One request per unit responsible for an item not yet closed, listing those items.

    One round per office and month: the database's unique constraint decides, so two processes starting the
    same month at once (two schedulers, staff and a scheduler) get one round and one ``PROGRESS_ROUND_EXISTS``.
    """
    year, mon = parse_month(cmd.month)
    month = month_text(year, mon)
    now = clock.now()
    if uow.tracking.round_by_month(cmd.office_id, month) is not None:
        raise Conflict("PROGRESS_ROUND_EXISTS", f"{year}年{mon}月的进展报送已发起。", month=month)
    due = cmd.due or default_due(month, settings)
    if due <= now:
        raise InvalidInput("PROGRESS_DUE_PAST", "报送截止时间已过，请另定截止时间。")
    open_items = [i for i in uow.tracking.items(cmd.office_id) if i.state != TrackedItemState.closed]
    by_unit: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for item_id, links in uow.tracking.units_of([i.id or 0 for i in open_items]).items():
        for _link, unit in links:
            if unit.active:
                by_unit.setdefault(unit.id or 0, []).append(item_id)
                names[unit.id or 0] = unit.name
    if not by_unit:
        raise InvalidInput(
            "PROGRESS_NOTHING_OPEN", "没有需要报送进展的事项（事项均已销号，或责任单位尚未对应到单位名录）。"
        )
    rnd = ProgressRound(office_id=cmd.office_id, month=month, due=due, created_at=now)
    if not uow.tracking.add_round(rnd):
        raise Conflict("PROGRESS_ROUND_EXISTS", f"{year}年{mon}月的进展报送已发起。", month=month)
    for unit_id, item_ids in sorted(by_unit.items()):
        nonce = new_nonce()
        uow.tracking.add(
            ProgressRequest(
                round_id=rnd.id or 0,
                unit_id=unit_id,
                unit_name=names[unit_id],
                item_ids=json.dumps(item_ids),
                nonce=nonce,
                token_hash=token_hash(reply_token(secret, nonce)),
            )
        )
    scheduled: dict[str, Any] = {"scheduled": True} if cmd.scheduled else {}
    record(
        uow,
        actor,
        now,
        "progress.started",
        ref("progress_round", rnd.id),
        office_id=rnd.office_id,
        month=month,
        due=due.isoformat(),
        units=len(by_unit),
        items=len(open_items),
        **scheduled,
    )
    queue_progress(uow, rnd.id or 0, "progress_request", now)
    uow.commit()
    return StartedProgress(rnd.id or 0, month, due, len(by_unit), sorted(names.values()))


def request_token(request: ProgressRequest, secret: str) -> str:
    return reply_token(secret, request.nonce)


@dataclass(frozen=True)
class ProgressLinkTarget:
    request_id: int
    round_id: int
    unit_id: int
    writable: bool  # an answer is taken now (on time, or late)
    late: bool  # … and it would be stored as 逾期报送


def report_trigger(request: ProgressRequest, rnd: ProgressRound, now: datetime) -> str:
    """``report_late`` where the machine allows it now (after the due time, not reported on time), else
    ``report`` (whose guard refuses a change to an on-time report after the due time)."""
    late = PROGRESS_REQUEST_MACHINE.may(request.state, "report_late", ProgressContext(now=now, due=rnd.due))
    return "report_late" if late else "report"


def resolve_progress_link(uow: UnitOfWork, clock: Clock, token: str) -> ProgressLinkTarget:
    """Which request a token reaches; a revoked link (or one replaced by a new one) reaches nothing."""
    request = uow.tracking.request_by_hash(token_hash(token or ""))
    if request is None or request.link_revoked_at is not None:
        raise NotFound("PROGRESS_LINK_INVALID", "进展报送链接无效或已被撤销，请与发文机关联系。")
    rnd = uow.tracking.round(request.round_id)
    assert rnd is not None  # a request belongs to its round (foreign key)
    now = clock.now()
    trigger = report_trigger(request, rnd, now)
    writable = PROGRESS_REQUEST_MACHINE.may(request.state, trigger, ProgressContext(now=now, due=rnd.due))
    return ProgressLinkTarget(request.id or 0, request.round_id, request.unit_id, writable, trigger == "report_late")


@dataclass(frozen=True)
class EntryInput:
    item_id: int
    status: str
    text: str = ""


@dataclass(frozen=True)
class EvidenceInput:
    item_id: int
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ReportProgress:
    request_id: int
    entries: list[EntryInput]
    evidence: list[EvidenceInput] = field(default_factory=list)


def parse_status(text: str) -> ProgressStatus:
    """未开始 / 推进中 / 已完成 / 受阻, or the code names."""
    wanted = (text or "").strip()
    for status, label in PROGRESS_STATUS_LABELS.items():
        if wanted in (status.value, label):
            return status
    labels = "、".join(PROGRESS_STATUS_LABELS.values())
    raise InvalidInput("PROGRESS_STATUS_INVALID", f"进展状态“{text}”无效，可选：{labels}。", status=text)


def report_progress(uow: UnitOfWork, clock: Clock, actor: Actor, cmd: ReportProgress) -> ProgressRequest:
    """A unit's answer for every item it was asked about; a second answer before the due time replaces it.

    After the due time an answer from a unit that had not reported is kept, marked late (逾期报送, with its
    time; the unit stays counted 未报送 for the month); an on-time answer can no longer be changed.
    An item a lead unit (or its only unit) reports 已完成 waits for staff to sign it off (销号), late or not.
    """
    now = clock.now()
    request = uow.tracking.request(cmd.request_id, for_update=True)
    if request is None:
        raise NotFound("PROGRESS_REQUEST_NOT_FOUND", f"进展报送请求 {cmd.request_id} 不存在。")
    rnd = uow.tracking.round(request.round_id)
    assert rnd is not None  # a request belongs to its round (foreign key)
    asked = [int(i) for i in json.loads(request.item_ids or "[]")]
    given = {e.item_id: e for e in cmd.entries}
    unknown = sorted(set(given) - set(asked))
    if unknown:
        raise InvalidInput("PROGRESS_ITEM_UNKNOWN", f"事项 {unknown[0]} 不在本单位的报送清单中。", item_id=unknown[0])
    missing = [i for i in asked if i not in given]
    if missing:
        raise InvalidInput("PROGRESS_INCOMPLETE", f"请逐项填报：还有 {len(missing)} 项未填写进展。", items=missing)
    statuses = {i: parse_status(given[i].status) for i in asked}
    for item_id in asked:
        if statuses[item_id] != ProgressStatus.not_started and not given[item_id].text.strip():
            raise InvalidInput("PROGRESS_TEXT_REQUIRED", "请填写当月工作开展情况。", item_id=item_id)
    revision = request.state in (ProgressRequestState.reported, ProgressRequestState.reported_late)
    trigger = report_trigger(request, rnd, now)
    late = trigger == "report_late"
    late_facts: dict[str, Any] = {}
    if late:
        late_facts = {"late": True, "due": rnd.due.isoformat(), "reported_at": now.isoformat()}
    request.reported_at = now
    change_state(
        uow,
        actor,
        now,
        PROGRESS_REQUEST_MACHINE,
        request,
        trigger,
        ProgressContext(now=now, due=rnd.due),
        action="progress.reported_late" if late else "progress.reported",
        office_id=rnd.office_id,
        unit=request.unit_name,
        month=rnd.month,
        revision=revision,
        statuses={str(k): v.value for k, v in statuses.items()},
        **late_facts,
    )
    units = uow.tracking.units_of(asked)
    for item_id in asked:
        row = uow.tracking.report(request.id or 0, item_id) or ProgressReport(
            request_id=request.id or 0, round_id=rnd.id or 0, item_id=item_id, status="", reported_at=now
        )
        row.status, row.text, row.reported_at = statuses[item_id].value, given[item_id].text.strip(), now
        row.late = late
        uow.tracking.add(row)
        links = units.get(item_id, [])
        leads = [u.id for link, u in links if link.role == "lead"] or [u.id for _l, u in links]
        item = load_item(uow, item_id, for_update=True)
        if (
            statuses[item_id] == ProgressStatus.done
            and request.unit_id in leads
            and item.state == TrackedItemState.open
        ):
            change_state(
                uow,
                actor,
                now,
                TRACKED_ITEM_MACHINE,
                item,
                "report_done",
                ItemContext(),
                action="item.reported_done",
                office_id=rnd.office_id,
                unit=request.unit_name,
                month=rnd.month,
            )
    for ev in cmd.evidence:
        if ev.item_id not in asked:
            raise InvalidInput(
                "PROGRESS_ITEM_UNKNOWN", f"事项 {ev.item_id} 不在本单位的报送清单中。", item_id=ev.item_id
            )
        stored = store_evidence(
            uow,
            actor,
            now,
            ev.item_id,
            ev.filename,
            ev.content_type,
            ev.data,
            purpose="progress",
            request_id=request.id,
        )
        record(
            uow,
            actor,
            now,
            "evidence.stored",
            ref("tracked_item", ev.item_id),
            office_id=rnd.office_id,
            filename=stored.filename,
            sha256=stored.sha256,
            size=stored.size,
        )
    uow.commit()
    return request


def request_for_unit(uow: UnitOfWork, round_id: int, unit_name: str) -> ProgressRequest:
    progress = uow.tracking.round(round_id)
    office = progress.office_id if progress is not None else None
    unit = resolve_unit(unit_name, uow.directory.units(office, active_only=False))
    request = uow.tracking.request_for(round_id, unit.id or 0)
    if request is None:
        raise NotFound("PROGRESS_REQUEST_NOT_FOUND", f"{unit.name}不在本轮进展报送范围内。", unit=unit.name)
    return request


@dataclass(frozen=True)
class ProgressSweep:
    rounds: int
    not_reported: int


def enforce_progress_batch(uow: UnitOfWork, clock: Clock, *, batch: int = 200) -> ProgressSweep:
    """Close due rounds and record silent units as 未报送, in one transaction; nothing twice."""
    now = clock.now()
    at_due = ProgressContext(now=now, due=now)
    r_from, q_from = ProgressRoundState.open, ProgressRequestState.pending
    r_to = PROGRESS_ROUND_MACHINE.fire(r_from, "close", at_due)
    q_to = PROGRESS_REQUEST_MACHINE.fire(q_from, "mark_not_reported", at_due)
    closed = uow.tracking.close_due_rounds(uow.tracking.claim_due_rounds(now, batch), now, r_from, r_to)
    if not closed:
        uow.rollback()
        return ProgressSweep(0, 0)
    silent = uow.tracking.mark_silent(closed, now, q_from, q_to)
    offices = {rid: row.office_id for rid in closed if (row := uow.tracking.round(rid)) is not None}
    events = [
        PendingEvent(
            at=now,
            actor=SYSTEM.name,
            role=SYSTEM.role.value,
            action="progress.not_reported",
            entity=ref("progress_request", rid),
            office_id=offices.get(round_id),
            from_state=q_from,
            to_state=q_to,
            payload={"round_id": round_id, "unit_id": unit_id, "enforced_at": now.isoformat()},
        )
        for rid, round_id, unit_id in silent
    ]
    events += [
        PendingEvent(
            at=now,
            actor=SYSTEM.name,
            role=SYSTEM.role.value,
            action="progress.closed",
            entity=ref("progress_round", round_id),
            office_id=offices.get(round_id),
            from_state=r_from,
            to_state=r_to,
            payload={"not_reported": sum(1 for _r, rid, _u in silent if rid == round_id)},
        )
        for round_id in closed
    ]
    uow.audit.record_many(events)
    for round_id in closed:
        queue_progress(
            uow, round_id, "progress_not_reported", now, only={rid for rid, r, _u in silent if r == round_id}
        )
    uow.commit()
    return ProgressSweep(len(closed), len(silent))


def sweep_progress(uows: UowFactory, clock: Clock) -> ProgressSweep:
    rounds = silent = 0
    while True:
        with uows() as uow:
            result = enforce_progress_batch(uow, clock)
        if not result.rounds:
            return ProgressSweep(rounds, silent)
        rounds, silent = rounds + result.rounds, silent + result.not_reported


def remind_progress(uows: UowFactory, clock: Clock, hours: float) -> int:
    """One reminder to each unit not yet reported, ``hours`` before the due time (keys: never twice)."""
    now = clock.now()
    queued = 0
    with uows() as uow:
        for rnd in uow.tracking.open_rounds():
            if rnd.due - timedelta(hours=hours) <= now < rnd.due:
                n = queue_progress(uow, rnd.id or 0, "progress_reminder", now, pending_only=True)
                if n:
                    record(uow, SYSTEM, now, "progress.reminders_queued", ref("progress_round", rnd.id),
                           office_id=rnd.office_id, messages=n)
                queued += n
        uow.commit()
    return queued
