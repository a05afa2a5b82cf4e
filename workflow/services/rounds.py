"""Starting a solicitation round and changing its deadline."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.ids import ref
from kernel.text import check_text, check_texts
from kernel.timefmt import to_beijing
from states.draft import DRAFT_MACHINE, DraftContext, DraftStage
from states.round import ROUND_MACHINE, RoundContext
from storage.models import Round, Unit
from storage.uow import UnitOfWork
from workflow.doc_number import parse_doc_number
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.public.consultations import PublicTerms, attach_consultation
from workflow.services._common import change_state, load_draft, load_round, record
from workflow.services.departures import check_period, check_scope, record_departure, require_reason_for_short_period
from workflow.services.messages import queue_for_round
from workflow.services.offices import office_profile, profile_of
from workflow.unit_names import resolve_unit, resolve_units

# The letter and the notice state 逾期未回复视为无意见 themselves, right after the deadline, as the seed does.
DEFAULT_REQUIREMENTS = "修改意见要有依据、理由充分，并安排专人负责意见修改对接工作。理由不充分或无依据的不予采纳。"


@dataclass(frozen=True)
class StartRound:
    draft_id: int
    office_id: int
    doc_number: str
    deadline: datetime
    contact: str
    phone: str
    unit_names: Sequence[str] = ()
    categories: Sequence[str] = ()
    all_units: bool = False
    letter_date: date | None = None
    basis: str = ""
    # None: the office's own words (profile ``wording``: letter_requirements / letter_purpose), else the default.
    requirements: str | None = None
    purpose: str | None = None  # 为…: why the draft is written, opening the letter
    focus: str = ""  # 请结合{focus}实际 (e.g. 2026年防汛工作); empty: 工作
    attachment_names: Mapping[str, str] = field(default_factory=dict)  # draft / tasks / reply_form as listed
    illustrative_times: bool = False  # a replayed round whose reply and review times are not on record
    deadline_warning: str = ""
    scope: str = "internal"  # internal | public: the type's minimum period is for public consultation
    shorten_reason: str = ""  # required when the period is shorter than the type's minimum
    public: PublicTerms | None = None  # also put the draft to the public (向社会公开征求意见), same deadline

    def __post_init__(self) -> None:
        check_texts(
            {
                "发文字号": self.doc_number,
                "联系人": self.contact,
                "联系电话": self.phone,
                "征求意见依据": self.basis,
                "意见要求": self.requirements or "",
                "征求意见目的": self.purpose or "",
                "结合实际": self.focus,
                **{f"附件名称（{k}）": v for k, v in self.attachment_names.items()},
            },
            multiline=frozenset({"征求意见依据", "意见要求", "征求意见目的"}),
        )
        unknown = set(self.attachment_names) - {"draft", "tasks", "reply_form"}
        if unknown:
            listed = "、".join(sorted(unknown))
            raise InvalidInput("ATTACHMENT_NAME_INVALID", f"附件名称只能为 draft、tasks、reply_form 设置：{listed}。")
        for name in (*self.unit_names, *self.categories):
            check_text(name, "征求对象")


@dataclass(frozen=True)
class RoundStarted:
    round_id: int
    deadline: datetime
    recipients: list[str] = field(default_factory=list)
    without_address: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # rules of the document type worth knowing
    consultation_id: int | None = None  # the public consultation opened with the round


def _pick_units(uow: UnitOfWork, cmd: StartRound) -> list[tuple[int, str, bool]]:
    """(unit id, name, has an address) for the chosen units of the office's directory, in directory order."""
    units = list(uow.directory.units(cmd.office_id))
    profile = office_profile(uow, cmd.office_id)
    chosen: dict[int, object] = {}
    if cmd.all_units:
        chosen.update({u.id: u for u in units if u.id is not None})
    for text in cmd.categories:
        category = profile.parse_category(text).key
        matching = [u for u in units if u.category == category]
        if not matching:
            raise NotFound("UNIT_CATEGORY_EMPTY", f"单位名录中没有类别为“{text}”的单位。", category=text)
        chosen.update({u.id: u for u in matching if u.id is not None})
    for unit in _resolve_active(uow, cmd.office_id, cmd.unit_names, units):
        if unit.id is not None:
            chosen[unit.id] = unit
    by_id = {u.id: u for u in units}
    return [(uid, by_id[uid].name, bool(by_id[uid].email or by_id[uid].webhook)) for uid in sorted(chosen)]


def _resolve_active(uow: UnitOfWork, office_id: int, names: Sequence[str], active: list[Unit]) -> list[Unit]:
    """Named units among the active ones; a name that only a disabled unit answers to says so."""
    try:
        return resolve_units(names, active)
    except NotFound as exc:
        name = str(exc.details.get("unit", ""))
        try:
            retired = resolve_unit(name, uow.directory.units(office_id, active_only=False))
        except (NotFound, Conflict):
            raise exc from None
        raise InvalidInput(
            "UNIT_INACTIVE", f"单位“{retired.name}”已停用，不能作为征求对象。", unit=retired.name
        ) from None


def letter_wording(cmd: StartRound, wording: Mapping[str, str]) -> tuple[str, str]:
    """The requirements and purpose the letter prints: as the command gives them, else the office's own words
    (profile ``wording``), else the shipped default requirements. Stored on the round as sent."""
    requirements = cmd.requirements
    if requirements is None:
        requirements = wording.get("letter_requirements", DEFAULT_REQUIREMENTS)
    purpose = wording.get("letter_purpose", "") if cmd.purpose is None else cmd.purpose
    return requirements, purpose


def start_round(
    uow: UnitOfWork, clock: Clock, actor: Actor, cmd: StartRound, *, secret: str, rules: DocTypes = SHIPPED_TYPES
) -> RoundStarted:
    """Open a round on the draft's current version: recipients pending, draft soliciting.

    ``secret`` (the server's link key) mints each unit's reply link in this transaction, so composing a
    notice later only reads it. ``rules`` are the office's document types: a public consultation shorter
    than the draft's type allows is refused without ``shorten_reason`` (``PERIOD_TOO_SHORT``).
    """
    if not (cmd.all_units or cmd.categories or cmd.unit_names or cmd.public is not None):
        raise InvalidInput("RECIPIENTS_REQUIRED", "请指定征求对象：全部单位、单位类别或单位名称。")
    now = clock.now()
    draft = load_draft(uow, cmd.draft_id, for_update=True)
    office = uow.directory.office(cmd.office_id)
    number = parse_doc_number(cmd.doc_number, profile_of(office).doc_number_prefix if office else "")
    if cmd.public is None and (not cmd.contact.strip() or not cmd.phone.strip()):
        raise InvalidInput("CONTACT_REQUIRED", "请填写联系人和联系电话。")
    if office is None:
        raise NotFound("OFFICE_NOT_FOUND", "发文机关不存在，请先执行 consultflow init。")
    if draft.office_id is not None and draft.office_id != cmd.office_id:  # another office's draft is not there
        raise NotFound("DRAFT_NOT_FOUND", f"文稿 {cmd.draft_id} 不存在。", draft_id=cmd.draft_id)
    if uow.rounds.by_doc_number(cmd.office_id, str(number)) is not None:
        raise Conflict("DOC_NUMBER_DUPLICATE", f"发文字号“{number}”已被使用。", doc_number=str(number))
    scope = check_scope("public" if cmd.public is not None else cmd.scope)
    picked = _pick_units(uow, cmd)
    letter_date = cmd.letter_date or to_beijing(now).date()
    doc_type = rules.get(draft.doc_type)
    requirements, purpose = letter_wording(cmd, office_profile(uow, cmd.office_id).wording)
    version = uow.drafts.version(draft.id or 0, draft.current_version)
    period = check_period(doc_type, scope, max(letter_date, to_beijing(now).date()), cmd.deadline, rules)
    reason = require_reason_for_short_period(period, cmd.shorten_reason)
    row = Round(
        draft_id=draft.id or 0,
        version=draft.current_version,
        office_id=cmd.office_id,
        doc_number=str(number),
        doc_year=number.year,
        letter_date=letter_date,
        deadline=cmd.deadline,
        deadline_warning=cmd.deadline_warning,
        contact=cmd.contact.strip(),
        phone=cmd.phone.strip(),
        basis=cmd.basis,
        requirements=requirements,
        purpose=purpose,
        focus=cmd.focus.strip(),
        attachment_names=json.dumps(
            {k: v.strip() for k, v in cmd.attachment_names.items() if v.strip()}, ensure_ascii=False, sort_keys=True
        ),
        illustrative_times=cmd.illustrative_times,
        draft_stage=version.stage if version else DraftStage.proposed,
        scope=scope,
        shorten_reason=reason if period.applies and period.short else "",
        state=ROUND_MACHINE.initial,
        created_at=now,
    )
    uow.rounds.add(row)
    round_id = row.id or 0
    if picked:
        uow.rounds.add_recipients(round_id, [uid for uid, _, _ in picked])
    names = [name for _, name, _ in picked]
    record(
        uow,
        actor,
        now,
        "round.started",
        ref("round", round_id),
        round_id=round_id,
        to_state=row.state,
        doc_number=str(number),
        draft_id=draft.id,
        version=draft.current_version,
        deadline=cmd.deadline.isoformat(),
        letter_date=letter_date.isoformat(),
        recipients=names,
        contact=row.contact,
        phone=row.phone,
        doc_type=doc_type.key,
        scope=scope,
        letter={
            "purpose": row.purpose,
            "basis": row.basis,
            "focus": row.focus,
            "requirements": row.requirements,
            "attachment_names": json.loads(row.attachment_names),
        },
        illustrative_times=row.illustrative_times,
    )
    if row.shorten_reason:
        record_departure(uow, actor, now, round_id, "consultation_period", period.message, row.shorten_reason)
    # The guards (at least one recipient, a future deadline) refuse here; the whole unit of work rolls back.
    change_state(
        uow, actor, now, DRAFT_MACHINE, draft, "start_round",
        DraftContext(now=now, deadline=cmd.deadline, recipient_count=len(picked), public=cmd.public is not None),
        action="draft.soliciting",
        round_id=round_id,
    )
    consultation = attach_consultation(uow, actor, now, row, cmd.public) if cmd.public is not None else None
    _notify_round_started(uow, round_id, secret)
    uow.commit()
    warnings = [period.message] if period.short and not period.applies else []
    return RoundStarted(
        round_id,
        cmd.deadline,
        names,
        [name for _, name, ok in picked if not ok],
        warnings,
        consultation.id if consultation is not None else None,
    )


def change_deadline(
    uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, new_deadline: datetime, reason: str
) -> Round:
    """延期 or bring forward an open round's deadline; recipients still silent are told."""
    check_text(reason, "理由", multiline=True)
    if not reason.strip():
        raise InvalidInput("DEADLINE_REASON_REQUIRED", "调整截止时间必须说明理由。")
    now = clock.now()
    row = load_round(uow, round_id, for_update=True)
    old = row.deadline
    row.deadline = new_deadline
    # change_deadline is a self-transition (open → open): the door records it with from/to.
    change_state(
        uow, actor, now, ROUND_MACHINE, row, "change_deadline",
        RoundContext(now=now, deadline=old, new_deadline=new_deadline),
        action="round.deadline_changed",
        round_id=round_id,
        old_deadline=old.isoformat(),
        new_deadline=new_deadline.isoformat(),
        reason=reason.strip(),
        direction="extended" if new_deadline > old else "brought_forward",
    )
    _notify_deadline_changed(uow, round_id, old, reason.strip())
    uow.commit()
    return row


def _notify_round_started(uow: UnitOfWork, round_id: int, secret: str) -> None:
    """Queue the solicitation notice for every recipient in this transaction (outbox), links included."""
    queue_for_round(uow, round_id, "solicitation", secret=secret)


def _notify_deadline_changed(uow: UnitOfWork, round_id: int, old: datetime, reason: str) -> None:
    queue_for_round(uow, round_id, "deadline_changed", only_pending=True, old_deadline=old, reason=reason)
