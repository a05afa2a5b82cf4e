"""A unit's reply: on time it moves the recipient; late it is kept, flagged, and waits for staff."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, DomainError, InvalidInput, NotFound, Problems
from kernel.ids import ref
from kernel.text import check_text, check_texts
from states.draft import DraftState
from states.recipient import RECIPIENT_MACHINE, RecipientContext, RecipientState
from states.round import RoundState
from storage.models import DraftItem, Reply, ReplyAttachment, Unit
from storage.repositories.rounds import ReplyContext
from storage.uow import UnitOfWork
from storage.views import RecipientRow, UnitRow
from workflow.comment_input import CommentInput
from workflow.draft_targets import Target, resolve_target
from workflow.parsing.reply_form import parse_reply_form
from workflow.services._common import load_draft, load_round, record
from workflow.services.draft_items import cached_version_items
from workflow.services.messages import queue_for_recipient
from workflow.unit_names import resolve_unit, unit_aliases

CHANNELS = ("web", "paper", "email")


@dataclass(frozen=True)
class ReplyLimits:
    """How much one reply may carry (``[security] max_comments_per_reply`` / ``max_reply_characters``).

    15,000 comments (9.2 MB) in one reply were once accepted and stalled every other writer; the seed's
    longest reply has a handful. The caps hold for every source (link, API, paper form, CLI) because the
    command checks them when it is built, before any database work."""

    max_comments: int = 200
    max_characters: int = 200_000

    @classmethod
    def from_mapping(cls, section: dict[str, object]) -> ReplyLimits:
        comments = section.get("max_comments_per_reply", cls.max_comments)
        characters = section.get("max_reply_characters", cls.max_characters)
        return cls(int(str(comments)), int(str(characters)))


@dataclass(frozen=True)
class SubmitReply:
    round_id: int
    unit_name: str = ""
    unit_id: int | None = None
    no_comments: bool = False
    comments: Sequence[CommentInput] = ()
    channel: str = "web"
    received_at: datetime | None = None
    sealed: bool = False
    attachment_name: str = ""
    attachment_sha256: str = ""
    attachment: ScanFile | None = None
    form_unit_name: str = ""  # the unit named on a filled-in 回复表: it must be the unit replying

    limits: ReplyLimits = field(default_factory=ReplyLimits)

    def __post_init__(self) -> None:
        check_texts({"单位": self.unit_name, "回复渠道": self.channel, "回复表上的单位": self.form_unit_name})
        if len(self.comments) > self.limits.max_comments:
            raise InvalidInput(
                "REPLY_TOO_MANY_COMMENTS",
                f"一次回复最多提交 {self.limits.max_comments} 条修改意见"
                f"（本次 {len(self.comments)} 条），请合并或分次提交。",
                limit=self.limits.max_comments,
            )
        size = sum(len(c.target) + len(c.text) + len(c.basis) + len(c.reason) for c in self.comments)
        if size > self.limits.max_characters:
            raise InvalidInput(
                "REPLY_TOO_LARGE",
                f"一次回复的修改意见合计不能超过 {self.limits.max_characters} 字（本次 {size} 字）。",
                limit=self.limits.max_characters,
            )


@dataclass(frozen=True)
class ScanFile:
    """A scan of the sealed paper form, kept with its SHA-256 so its integrity can be shown later."""

    filename: str
    content_type: str
    data: bytes


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SCAN_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", DOCX_TYPE: ".docx"}
SCAN_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ReplyStored:
    reply_id: int
    late: bool
    revision: int
    state: str
    comment_ids: list[int] = field(default_factory=list)


def parse_comments_json(raw: bytes | str) -> list[CommentInput]:
    """A comments file: a JSON list of {"target", "text", "basis", "reason"}."""
    try:
        data: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("COMMENTS_MALFORMED", f"修改意见文件不是有效的 JSON：{exc}") from None
    if not isinstance(data, list):
        raise InvalidInput("COMMENTS_MALFORMED", "修改意见文件应为 JSON 数组，每项包含 target、text、basis、reason。")
    if not data:
        raise InvalidInput("COMMENTS_EMPTY", "修改意见文件为空；如无修改意见，请使用“无修改意见”回复。")
    out = []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise InvalidInput("COMMENTS_MALFORMED", f"第{n}条修改意见应为 JSON 对象。", index=n)
        unknown = set(item) - {"target", "text", "basis", "reason"}
        if unknown:
            raise InvalidInput(
                "COMMENTS_MALFORMED", f"第{n}条修改意见含有未知字段：{'、'.join(sorted(unknown))}。", index=n
            )
        values = {k: item.get(k, "") for k in ("target", "text", "basis", "reason")}
        if not all(isinstance(v, str) for v in values.values()):
            raise InvalidInput("COMMENTS_MALFORMED", f"第{n}条修改意见的字段必须是文本。", index=n)
        out.append(CommentInput(**{k: v.strip() for k, v in values.items()}))
    return out


def _validate_comments(comments: Sequence[CommentInput], kind: str, items: Sequence[DraftItem]) -> list[Target]:
    """Each comment's target resolved to an item of the draft (``draft_targets``); every row's problems are
    reported together (``Problems``). A target naming an item the draft does not have is refused; free
    text is kept as written, without an anchor."""
    targets: list[Target] = []
    problems = Problems()
    for n, c in enumerate(comments, 1):
        if not c.text.strip():
            problems.add("comments", InvalidInput("COMMENT_TEXT_REQUIRED", f"第{n}条修改意见没有内容。", index=n))
        if len(c.text) > 20000:
            problems.add("comments", InvalidInput("COMMENT_TOO_LONG", f"第{n}条修改意见超过 20000 字。", index=n))
        target = resolve_target(c.target, kind, items)
        if target.unknown is not None:
            where = "在重点任务分工中" if kind == "tasks" else "在文稿中"
            problems.add(
                "comments",
                InvalidInput(
                    "COMMENT_TARGET_UNKNOWN", f"第{n}条修改意见指向的{target.unknown}{where}不存在。", index=n
                ),
            )
        targets.append(target)
    problems.check()
    return targets


def _form_names(written: str, unit: Unit | UnitRow) -> bool:
    """Whether the name written on a form is this unit: its name or an alias, also inside a longer
    official name (某某市交通运输局 for 交通运输局)."""
    try:
        resolve_unit(written, [unit])
        return True
    except DomainError:
        return any(name and name in written for name in (unit.name, *unit_aliases(unit)))


def _reply_context(uow: UnitOfWork, round_id: int, recipient_id: int | None) -> ReplyContext:
    """The round, its draft's state and version, and the recipient's last revision as they are now (read
    once the recipient is locked, ``RoundRepo.reply_context``)."""
    found = uow.rounds.reply_context(round_id, recipient_id)
    if found is None:
        raise NotFound("ROUND_NOT_FOUND", f"征求意见轮次 {round_id} 不存在。", round_id=round_id)
    return found


def _check_form_unit(cmd: SubmitReply, unit: Unit | UnitRow) -> None:
    if cmd.form_unit_name and not _form_names(cmd.form_unit_name, unit):
        raise InvalidInput(
            "REPLY_FORM_UNIT_MISMATCH",
            f"回复表上的单位“{cmd.form_unit_name}”与登记的单位“{unit.name}”不一致，请核实。",
            form_unit=cmd.form_unit_name,
        )


def _not_a_recipient(unit: Unit | UnitRow) -> NotFound:
    return NotFound("NOT_A_RECIPIENT", f"“{unit.name}”不是本轮征求意见的征求对象。", unit=unit.name)


def _deciding_on(uow: UnitOfWork, draft_id: int, draft_state: str, round_id: int) -> bool:
    """Staff are deciding on this round's comments: the draft is at that stage and no later round exists."""
    return draft_state == DraftState.deciding and uow.rounds.latest_id_for_draft(draft_id) == round_id


@dataclass(frozen=True)
class LockedRecipient:
    """The recipient a reply is for, locked in this transaction, with its unit, and its round as read under
    that lock (``RoundRepo.reply_context``): a sweep that closed the round, or a revision stored meanwhile,
    is seen."""

    recipient: RecipientRow
    unit: UnitRow
    context: ReplyContext


def _check_command(cmd: SubmitReply) -> None:
    """What a command must say before any database work: a known channel, and comments or 无修改意见."""
    if cmd.channel not in CHANNELS:
        raise InvalidInput("REPLY_CHANNEL_INVALID", f"回复渠道“{cmd.channel}”无效，可选：网上、纸质、邮件。")
    if cmd.no_comments and cmd.comments:
        raise InvalidInput("REPLY_KIND_CONFLICT", "不能同时回复“无修改意见”并提交修改意见。")
    if not cmd.no_comments and not cmd.comments:
        raise InvalidInput("COMMENTS_EMPTY", "请提交至少一条修改意见，或回复“无修改意见”。")


def _lock(uow: UnitOfWork, cmd: SubmitReply) -> LockedRecipient:
    """The unit's recipient row locked, then the round read as it is under that lock (a query each)."""
    if cmd.unit_id is not None:
        locked = uow.rounds.lock_recipient(cmd.round_id, cmd.unit_id)
        context = _reply_context(uow, cmd.round_id, locked[0].id if locked is not None else None)
        unit: Unit | UnitRow | None = locked[1] if locked is not None else uow.directory.unit(cmd.unit_id)
        if unit is None or unit.office_id != context.office_id:
            raise NotFound("UNIT_UNKNOWN", f"单位 {cmd.unit_id} 不存在。")
        _check_form_unit(cmd, unit)
        if locked is None:
            raise _not_a_recipient(unit)
    else:
        rnd = load_round(uow, cmd.round_id)
        load_draft(uow, rnd.draft_id)
        named = resolve_unit(cmd.unit_name, uow.directory.units(rnd.office_id, active_only=False))
        _check_form_unit(cmd, named)
        locked = uow.rounds.lock_recipient(rnd.id or 0, named.id or 0)
        if locked is None:
            raise _not_a_recipient(named)
        context = _reply_context(uow, cmd.round_id, locked[0].id)
    return LockedRecipient(locked[0], locked[1], context)


def submit_reply(uow: UnitOfWork, clock: Clock, actor: Actor, cmd: SubmitReply) -> ReplyStored:
    """Store a reply revision. On time: the recipient moves. Late: stored and flagged only.

    The clock is read only once this recipient's row is locked: a reply that had to wait for a
    concurrent deadline sweep is judged by when it actually gets written, not when it arrived.
    """
    _check_command(cmd)
    return _store(uow, clock, actor, cmd, _lock(uow, cmd))


def submit_locked_reply(
    uow: UnitOfWork, clock: Clock, actor: Actor, cmd: SubmitReply, locked: LockedRecipient
) -> ReplyStored:
    """``submit_reply`` for a caller that found and locked the recipient itself, in this transaction (a link
    reply does so with the link, in one query) and read its round after that (``RoundRepo.reply_context``).
    ``cmd`` must name that recipient's round and unit."""
    if (cmd.round_id, cmd.unit_id) != (locked.recipient.round_id, locked.recipient.unit_id):
        raise ValueError("the command names another recipient than the one locked")
    _check_command(cmd)
    if locked.unit.office_id != locked.context.office_id:
        raise NotFound("UNIT_UNKNOWN", f"单位 {cmd.unit_id} 不存在。")
    _check_form_unit(cmd, locked.unit)
    return _store(uow, clock, actor, cmd, locked)


def _store(uow: UnitOfWork, clock: Clock, actor: Actor, cmd: SubmitReply, locked: LockedRecipient) -> ReplyStored:
    """Judge the reply by the locked recipient and its round as read under the lock; store it with its
    comments, its audit event and its receipt, and commit them together."""
    recipient, unit, context = locked.recipient, locked.unit, locked.context
    now = clock.now()
    received_at = cmd.received_at or now
    if received_at > now + timedelta(minutes=1):
        raise InvalidInput("RECEIVED_AT_IN_FUTURE", "收到时间不能晚于当前时间。")
    version = context.version
    # what targets may name: the version's items, kept in this process once read (they never change)
    items = cached_version_items(uow, version) if version and cmd.comments else ()
    targets = _validate_comments(cmd.comments, version.kind if version else "tasks", items)
    anchors = {t.seq for t in targets if t.seq is not None}
    labels = {i.seq: i.label for i in items if i.seq in anchors}  # of the items the comments point at
    kind = RecipientState.no_comments if cmd.no_comments else RecipientState.with_comments
    trigger = "reply_no_comments" if cmd.no_comments else "reply_with_comments"
    if context.state != RoundState.open and not _deciding_on(
        uow, context.draft_id, context.draft_state, context.round_id
    ):
        raise Conflict(
            "ROUND_CLOSED_FOR_REPLIES",
            "该轮征求意见已结束（文稿已进入合法性审查、已印发或已撤回），不再接收回复。",
            draft_state=context.draft_state,
        )
    # Judged by when the reply was received: a paper form that arrived in time but is registered
    # after the sweep still counts (the transition from deemed_no_objection is guarded the same way).
    on_time = received_at < context.deadline and RECIPIENT_MACHINE.allows(recipient.state, trigger)
    registered_after_sweep = on_time and recipient.state == RecipientState.deemed_no_objection
    source = dest = recipient.state
    if on_time:
        dest = RECIPIENT_MACHINE.fire(
            recipient.state, trigger, RecipientContext(now=received_at, deadline=context.deadline)
        )
        # Conditional update: if a sweep deemed this recipient meanwhile, the reply is late.
        on_time = uow.rounds.mark_replied(recipient.id or 0, RECIPIENT_MACHINE.sources(trigger), dest, received_at)
    revision = context.last_revision + 1
    attachment_name, attachment_sha256 = cmd.attachment_name, cmd.attachment_sha256
    scan = _checked_scan(cmd.attachment) if cmd.attachment is not None else None
    if scan is not None:
        attachment_name, attachment_sha256 = scan.filename[:200], scan.sha256
    # Plain inserts (storage.repositories.replies): the ids go into the audit event and the receipt.
    reply_id = uow.replies.insert_reply(
        {
            "recipient_id": recipient.id or 0,
            "round_id": context.round_id,
            "revision": revision,
            "kind": kind.value,
            "channel": cmd.channel,
            "received_at": received_at,
            "recorded_at": now,
            "recorded_by": actor.name,
            "sealed": cmd.sealed,
            "late": not on_time,
            "superseded": False,
            "admitted": False,
            "attachment_name": attachment_name,
            "attachment_sha256": attachment_sha256,
        }
    )
    if scan is not None:
        uow.replies.add(scan.row(reply_id))
    rows: list[dict[str, Any]] = [
        {
            "reply_id": reply_id,
            "round_id": context.round_id,
            "seq": seq,
            "target": c.target,
            "task_number": target.task_number,
            "anchor_seq": target.seq,
            "text": c.text,
            "basis": c.basis,
            "reason": c.reason,
        }
        for seq, (c, target) in enumerate(zip(cmd.comments, targets, strict=True), 1)
    ]
    comment_ids = uow.replies.insert_comments(rows)  # one statement for all of them
    # the content itself is hashed into the trail, not just a count
    recorded: list[dict[str, Any]] = [
        {
            "id": comment_id,
            "seq": r["seq"],
            "target": r["target"],
            "anchor": labels.get(r["anchor_seq"]) if r["anchor_seq"] is not None else None,
            "text": r["text"],
            "basis": r["basis"],
            "reason": r["reason"],
        }
        for comment_id, r in zip(comment_ids, rows, strict=True)
    ]
    entity = ref("recipient", recipient.id)
    payload: dict[str, Any] = {
        "unit": unit.name,
        "reply_id": reply_id,
        "revision": revision,
        "kind": kind.value,
        "channel": cmd.channel,
        "received_at": received_at.isoformat(),
        "comments": len(comment_ids),
        "comment_items": recorded,
        "sealed": cmd.sealed,
    }
    if attachment_sha256:
        payload["attachment_sha256"] = attachment_sha256
    if registered_after_sweep:
        payload["registered_after_deadline"] = context.deadline.isoformat()
    if on_time:
        if revision > 1:  # a first reply has no earlier revision to supersede (the recipient row is locked)
            uow.replies.supersede_on_time(recipient.id or 0, reply_id)
        record(
            uow,
            actor,
            now,
            "reply.submitted",
            entity,
            round_id=context.round_id,
            office_id=context.office_id,
            from_state=source,
            to_state=dest,
            **payload,
        )
    else:
        uow.rounds.mark_late(recipient.id or 0)
        record(
            uow,
            actor,
            now,
            "reply.late",
            entity,
            round_id=context.round_id,
            office_id=context.office_id,
            from_state=source,
            to_state=source,
            deadline=context.deadline.isoformat(),
            **payload,
        )
    queue_for_recipient(
        uow, context.round_id, recipient.id or 0, "reply_receipt", known=(recipient, unit), reply_id=reply_id
    )
    uow.commit()
    return ReplyStored(reply_id, not on_time, revision, dest, comment_ids)


@dataclass(frozen=True)
class _CheckedScan:
    """A scan that passed the checks, with its digest (the reply row records both name and digest)."""

    filename: str
    content_type: str
    data: bytes
    sha256: str

    def row(self, reply_id: int) -> ReplyAttachment:
        return ReplyAttachment(
            reply_id=reply_id,
            filename=self.filename[:200],
            content_type=self.content_type,
            sha256=self.sha256,
            size=len(self.data),
            data=self.data,
        )


def _checked_scan(scan: ScanFile) -> _CheckedScan:
    if scan.content_type not in SCAN_TYPES:
        raise InvalidInput("ATTACHMENT_TYPE_INVALID", "扫描件只能是 PDF、JPG 或 PNG 文件（或填好的 Word 回复表）。")
    if not scan.data or len(scan.data) > SCAN_MAX_BYTES:
        raise InvalidInput("ATTACHMENT_TOO_LARGE", "扫描件不能为空，且不能超过 10 MB。")
    return _CheckedScan(scan.filename, scan.content_type, scan.data, hashlib.sha256(scan.data).hexdigest())


def admit_late_reply(uow: UnitOfWork, clock: Clock, actor: Actor, reply_id: int, reason: str) -> Reply:
    """Staff explicitly let a late reply's comments into the decision queue."""
    check_text(reason, "理由", multiline=True)
    if not reason.strip():
        raise InvalidInput("ADMIT_REASON_REQUIRED", "采纳逾期回复必须说明理由。")
    reply = uow.replies.get(reply_id)
    if reply is None:
        raise NotFound("REPLY_NOT_FOUND", f"回复 {reply_id} 不存在。", reply_id=reply_id)
    if not reply.late:
        raise Conflict("REPLY_NOT_LATE", "该回复并未逾期，无需单独纳入。")
    if reply.admitted:
        raise Conflict("REPLY_ALREADY_ADMITTED", "该逾期回复已纳入采纳决定。")
    rnd = load_round(uow, reply.round_id)
    draft = load_draft(uow, rnd.draft_id)
    if not _deciding_on(uow, draft.id or 0, draft.state, rnd.id or 0):
        raise Conflict("ROUND_CLOSED_FOR_REPLIES", "只有在本轮的采纳决定阶段才能纳入逾期回复。")
    reply.admitted = True
    uow.replies.add(reply)
    record(
        uow,
        actor,
        clock.now(),
        "reply.late_admitted",
        ref("reply", reply.id),
        round_id=rnd.id,
        reason=reason.strip(),
        recipient_id=reply.recipient_id,
    )
    uow.commit()
    return reply


def with_form(cmd: SubmitReply, filename: str, data: bytes) -> SubmitReply:
    """The reply a filled-in Word 回复表 carries: its comments (or 无修改意见), the unit it names (checked
    against the unit replying), and the file itself as the record unless a sealed scan is already kept."""
    form = parse_reply_form(data)
    return replace(
        cmd,
        no_comments=form.no_comments,
        comments=form.comments,
        form_unit_name=form.unit_name,
        attachment=cmd.attachment or ScanFile(filename or "回复表.docx", DOCX_TYPE, data),
    )
