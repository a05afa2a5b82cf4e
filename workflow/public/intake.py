"""A comment from the public, without an account: limits first, then checks, then one stored row.

Abuse is limited without third-party services. Every submission counts against the client (per hour)
and the consultation (per minute) before anything else, refused ones too; a filled-in honeypot field
(hidden from people, filled by form robots) is refused; sizes are capped; control characters are
refused (``kernel.text``); the same text sent again by the same client is folded into the first
comment (same receipt, ``repeats`` + 1). Name and contact are optional and stored apart
(``PublicContact``), never in the comment, the audit trail or anything published.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from kernel.actors import Actor, Role
from kernel.clock import Clock
from kernel.errors import Conflict, DomainError, InvalidInput, NotFound, Problems
from kernel.ids import ref
from kernel.text import check_texts
from states.draft import DraftState
from states.public_comment import CHANNEL_LABELS, KIND_LABELS, ModerationState
from storage.models import PublicComment, PublicContact, Round
from storage.uow import UnitOfWork
from workflow.public.anchors import resolve_target
from workflow.public.consultations import is_open, load_consultation
from workflow.public.policy import PublicPolicy
from workflow.public.similarity import normalise, text_hash
from workflow.services._common import load_draft, load_round, record
from workflow.services.ratelimit import RateRule, check_hit, refuse_if

PUBLIC_ACTOR = Actor("社会公众", Role.public)
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud or typed from paper
CLOSED_MESSAGE = "该公开征求意见已截止，不能再提交意见。"
PURPOSE = (
    "您留下的姓名和联系方式仅用于就您的意见与您联系核实，不公开、不用于其他目的，"
    "并在征求意见结束后按规定期限删除（《中华人民共和国个人信息保护法》第六条、第十九条）。"
)


@dataclass(frozen=True)
class PublicCommentInput:
    """What the form (or the API, or staff for a letter) sends."""

    kind: str
    text: str
    target: str = ""
    basis: str = ""
    reason: str = ""
    name: str = ""
    contact: str = ""
    honeypot: str = ""  # the hidden field: people leave it empty

    def __post_init__(self) -> None:
        check_texts(
            {
                "意见人类别": self.kind,
                "条目": self.target,
                "意见": self.text,
                "依据": self.basis,
                "理由": self.reason,
                "姓名": self.name,
                "联系方式": self.contact,
            },
            multiline=frozenset({"意见", "依据", "理由"}),
        )


@dataclass(frozen=True)
class PublicClient:
    """Who submits: the client address (as ``entrypoints.web.client_address`` decided) and the key its hash uses."""

    address: str
    secret: str

    @property
    def key_hash(self) -> str:
        return hmac.new(self.secret.encode(), f"public-client:{self.address}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class PublicReceipt:
    comment_id: int
    receipt: str
    folded: bool  # the same text from the same client was already there: nothing new was stored


def rate_rules(policy: PublicPolicy) -> tuple[RateRule, RateRule]:
    return (
        RateRule(
            "public_comment", policy.comments_per_client_per_hour, "您提交意见过于频繁。", window=timedelta(hours=1)
        ),
        RateRule("public_round", policy.comments_per_round_per_minute, "当前提交意见的人数较多。"),
    )


def new_receipt() -> str:
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"GK-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def read_receipt(text: str) -> str:
    """``gk 2345 6789 abcd`` or ``GK-2345-6789-ABCD`` → the stored form; anything else is refused."""
    chars = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    chars = chars[2:] if chars.startswith("GK") else chars
    if len(chars) != 12 or any(ch not in RECEIPT_ALPHABET for ch in chars):
        raise InvalidInput("RECEIPT_INVALID", "回执号格式不正确，应为 GK-XXXX-XXXX-XXXX。", field="receipt")
    return f"GK-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def _checked(data: PublicCommentInput, policy: PublicPolicy) -> None:
    """Every problem of the form at once, each beside its field."""
    problems = Problems()
    if data.kind not in KIND_LABELS:
        message = "请选择意见人类别：公民、企业、行业协会商会或其他组织。"
        problems.add("kind", InvalidInput("PUBLIC_KIND_INVALID", message))
    if not data.text.strip():
        problems.add("text", InvalidInput("PUBLIC_TEXT_REQUIRED", "请填写意见内容。"))
    caps = (
        ("text", data.text, policy.max_text_characters, "意见"),
        ("basis", data.basis, policy.max_basis_characters, "依据"),
        ("reason", data.reason, policy.max_basis_characters, "理由"),
        ("target", data.target, 200, "条目"),
        ("name", data.name, policy.max_contact_characters, "姓名"),
        ("contact", data.contact, policy.max_contact_characters, "联系方式"),
    )
    for field_name, value, cap, label in caps:
        if len(value) > cap:
            message = f"{label}不能超过{cap}字（现为{len(value)}字）。"
            problems.add(field_name, InvalidInput("PUBLIC_TEXT_TOO_LONG", message))
    problems.check()


def _flags(data: PublicCommentInput, policy: PublicPolicy) -> list[str]:
    text = f"{data.text}\n{data.basis}\n{data.reason}".casefold()
    return [w for w in policy.flag_words if w.casefold() in text]


def _store(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    rnd: Round,
    consultation_id: int,
    version: int,
    data: PublicCommentInput,
    policy: PublicPolicy,
    *,
    client_hash: str,
    channel: str,
    received_at: datetime,
) -> PublicComment:
    normal = normalise(data.text)
    anchor = resolve_target(uow, rnd.draft_id, version, data.target)
    flags = _flags(data, policy)
    row = PublicComment(
        round_id=rnd.id or 0,
        consultation_id=consultation_id,
        receipt=new_receipt(),
        kind=data.kind,
        channel=channel,
        target=data.target.strip(),
        anchor_key=anchor.key if anchor else "",
        anchor_label=anchor.label if anchor else "",
        anchor_version=anchor.version if anchor else None,
        text=data.text.strip(),
        basis=data.basis.strip(),
        reason=data.reason.strip(),
        normalised=normal,
        text_hash=text_hash(normal),
        client_hash=client_hash,
        state=ModerationState.pending.value,
        flagged=json.dumps(flags, ensure_ascii=False),
        received_at=received_at,
        recorded_by=actor.name,
    )
    uow.public.add(row)
    if data.name.strip() or data.contact.strip():
        uow.public.add(
            PublicContact(comment_id=row.id or 0, name=data.name.strip(), contact=data.contact.strip(), created_at=now)
        )
    # The event carries the comment's content (as reply events do), never the name or contact.
    record(
        uow,
        actor,
        now,
        "public_comment.received",
        ref("public_comment", row.id),
        round_id=rnd.id,
        to_state=row.state,
        receipt=row.receipt,
        kind=row.kind,
        channel=channel,
        target=row.target,
        anchor=row.anchor_key,
        text=row.text,
        basis=row.basis,
        reason=row.reason,
        received_at=received_at.isoformat(),
        flagged=flags,
        has_contact=bool(data.name.strip() or data.contact.strip()),
    )
    return row


def submit_public_comment(
    uow: UnitOfWork,
    clock: Clock,
    consultation_id: int,
    data: PublicCommentInput,
    client: PublicClient,
    policy: PublicPolicy,
) -> PublicReceipt:
    """Count the submission, refuse robots, over-eager clients and closed consultations, fold repeats,
    store the comment pending moderation and give its receipt — in one transaction (one write lock)."""
    per_client, per_round = rate_rules(policy)
    key = client.key_hash
    used = check_hit(uow, clock, per_client, key)
    busy = check_hit(uow, clock, per_round, str(consultation_id))
    now = clock.now()
    try:  # every refusal below is decided by reading only; the hits are committed with it, so it counts
        refuse_if(used, per_client)
        refuse_if(busy, per_round)
        if data.honeypot.strip():
            raise InvalidInput("PUBLIC_HONEYPOT", "提交未被接受。")
        _checked(data, policy)
        consultation, rnd, _draft, _office = load_consultation(uow, consultation_id)
        if not is_open(rnd, now):
            raise Conflict("PUBLIC_CONSULTATION_CLOSED", CLOSED_MESSAGE, consultation_id=consultation_id)
    except DomainError:
        uow.commit()
        raise
    normal_hash = text_hash(normalise(data.text))
    earlier = uow.public.repeat_of(rnd.id or 0, key, normal_hash)
    if earlier is not None:
        earlier.repeats += 1
        uow.public.add(earlier)
        uow.commit()
        return PublicReceipt(earlier.id or 0, earlier.receipt, True)
    row = _store(
        uow, PUBLIC_ACTOR, now, rnd, consultation.id or 0, consultation.version, data, policy,
        client_hash=key, channel="web", received_at=now,
    )
    uow.commit()
    return PublicReceipt(row.id or 0, row.receipt, False)


def record_public_comment(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    round_id: int,
    data: PublicCommentInput,
    policy: PublicPolicy,
    *,
    channel: str = "letter",
    received_at: datetime | None = None,
) -> PublicReceipt:
    """Staff enter a comment received by letter, e-mail or fax: on time if received by the deadline, and
    only while the round's comments can still be decided (not once it went to legality review)."""
    if channel not in CHANNEL_LABELS:
        raise InvalidInput("PUBLIC_CHANNEL_INVALID", f"渠道须为 {'、'.join(CHANNEL_LABELS)} 之一。", channel=channel)
    _checked(data, policy)
    now = clock.now()
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    consultation = uow.public.consultation_for_round(round_id)
    if consultation is None:
        raise NotFound("PUBLIC_CONSULTATION_NOT_FOUND", f"轮次 {round_id} 没有向社会公开征求意见。")
    at = received_at or now
    if at > rnd.deadline or at > now:
        raise InvalidInput("PUBLIC_RECEIVED_LATE", "收到时间晚于截止时间（或晚于现在），不能作为本轮意见登记。")
    if draft.state not in (DraftState.soliciting, DraftState.deciding, DraftState.drafting) or (
        uow.rounds.latest_id_for_draft(draft.id or 0) != rnd.id
    ):
        raise Conflict("PUBLIC_NOT_ACCEPTING", "该轮次已提交合法性审查或已有后续轮次，不能再登记意见。")
    row = _store(
        uow, actor, now, rnd, consultation.id or 0, consultation.version, data, policy,
        client_hash="", channel=channel, received_at=at,
    )
    uow.commit()
    return PublicReceipt(row.id or 0, row.receipt, False)
