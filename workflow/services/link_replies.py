"""A unit using its personal reply link: reading the round, and replying while the round is open.

One place decides what a link may do, for the reply page (/r/<token>) and the JSON API alike:
every use is counted against the rate limit (refused uses too), a revoked or unknown token reaches
nothing, and after the deadline the link only shows what was sent.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kernel.actors import Actor, Role
from kernel.clock import Clock
from kernel.errors import Forbidden, NotFound
from states.draft import DraftState
from storage.models import Comment, Draft, Recipient, Reply, Round, SignedDocument, Task, TaskItem, Unit
from storage.uow import UnitOfWork
from workflow.services.decisions import decision_text
from workflow.services.draft_items import round_draft
from workflow.services.links import LINK_INVALID_MESSAGE, LinkTarget, link_writable, resolve_link, token_hash
from workflow.services.ratelimit import RateDecision, RateRule, check_hit, check_hit_and_peek, refuse_if
from workflow.services.replies import (
    CommentInput,
    LockedRecipient,
    ReplyLimits,
    ReplyStored,
    SubmitReply,
    submit_locked_reply,
)

READ_ONLY_MESSAGE = "征求意见已截止，回复链接只能查看，不能再提交。逾期未回复，视为无意见。"
CSRF_MESSAGE = "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试。"


@dataclass(frozen=True)
class LinkVisit:
    """One use of a link: the token, who uses it (the client address) and the rate limit that applies."""

    token: str
    client: str
    rule: RateRule
    probe_rule: RateRule | None = None  # failed look-ups (unknown or revoked tokens) per client
    reply_limits: ReplyLimits = field(default_factory=ReplyLimits)

    @property
    def rate_key(self) -> str:
        return f"{self.client}\n{self.token.strip()}"


@dataclass(frozen=True)
class LinkReply:
    no_comments: bool = False
    comments: Sequence[CommentInput] = ()
    # The reply page's hidden field, bound to the link (see ``link_form_token``); ``None`` for the
    # JSON API, whose requests a foreign page cannot send (no form can post JSON).
    form_token: str | None = None
    form_secret: str = ""  # the server's secret the form token was made with


@dataclass(frozen=True)
class LinkPage:
    """What a link shows: the round and draft, the unit, its replies so far, and whether it may still reply."""

    round: Round
    draft: Draft | None
    unit: Unit | None
    recipient: Recipient | None
    tasks: list[tuple[Task, list[TaskItem]]]
    replies: list[Reply]
    comments: dict[int, list[Comment]] = field(default_factory=dict)  # by reply id
    known_targets: frozenset[str] = frozenset()
    targets: list[tuple[str, str]] = field(default_factory=list)  # the draft's own items, for the 条目 list
    draft_kind: str = "tasks"  # tasks | articles | sections
    body: list[str] = field(default_factory=list)  # the draft's text (shown for drafts without a task table)
    writable: bool = False
    time_left: timedelta | None = None  # until the deadline, while the link is writable
    # once the outcome is final (review approved, or issued): how each of the unit's comments was decided
    decided: list[dict[str, str]] = field(default_factory=list)
    # once the draft is issued: its 印发文号 and date, and the signed final documents (newest first, no bytes)
    issued_doc_number: str | None = None
    issued_at: datetime | None = None
    signed: list[SignedDocument] = field(default_factory=list)


FINAL_DRAFT_STATES = (DraftState.approved, DraftState.issued)


def _decided(uow: UnitOfWork, rnd: Round, draft: Draft | None, recipient_id: int) -> list[dict[str, str]]:
    if draft is None or draft.state not in FINAL_DRAFT_STATES:
        return []
    return [
        {
            "target": c.target or "未指明条目",
            "text": c.text,
            "decision": decision_text(d.outcome if d else None, d.reason if d else ""),
        }
        for c, r, _u, d in uow.replies.decision_queue(rnd.id or 0)
        if r.recipient_id == recipient_id
    ]


def _issued_signed(uow: UnitOfWork, draft: Draft | None) -> list[SignedDocument]:
    """The signed final documents of an issued draft: kept with its newest round, the one it was issued from
    (a link of an earlier round of the same draft shows them too: the unit commented on that draft)."""
    if draft is None or draft.state != DraftState.issued:
        return []
    issuing = uow.rounds.latest_id_for_draft(draft.id or 0)
    return list(uow.process.signed_documents(issuing)) if issuing is not None else []


def link_form_token(secret: str, token: str) -> str:
    """The reply form's CSRF token: there is no session, so it is bound to the link by an HMAC."""
    return hmac.new(secret.encode(), f"reply-form:{token}".encode(), hashlib.sha256).hexdigest()


def ensure_writable(writable: bool) -> None:
    """After the deadline (or once the round closed) a link only shows what was sent."""
    if not writable:
        raise Forbidden("LINK_READ_ONLY", READ_ONLY_MESSAGE)


def _count(uow: UnitOfWork, clock: Clock, visit: LinkVisit) -> tuple[RateDecision, RateDecision | None]:
    """Count this use (in the current transaction) and look at the client's failed look-ups."""
    return check_hit_and_peek(uow, clock, visit.rule, visit.rate_key, visit.probe_rule, visit.client)


def _refuse(visit: LinkVisit, use: RateDecision, probes: RateDecision | None) -> None:
    """Over the limit for this token, or too many tokens that do not exist (random-token guessing)."""
    refuse_if(use, visit.rule)
    if probes is not None and visit.probe_rule is not None:
        refuse_if(probes, visit.probe_rule)


def count_visit(uow: UnitOfWork, clock: Clock, visit: LinkVisit) -> None:
    """Count this use and commit it at once, so a refused request (over the limit, a wrong token, a
    closed round) still counts; then refuse if the client is over a limit."""
    use, probes = _count(uow, clock, visit)
    uow.commit()
    _refuse(visit, use, probes)


@contextmanager
def _counted(uow: UnitOfWork, clock: Clock, visit: LinkVisit) -> Iterator[None]:
    """Every use counts, in as few transactions as that allows: the count rides in the transaction of the
    work (one transaction per reply, issue 13), and a use refused on the way (a wrong token, a closed round,
    bad input, or any failure) is rolled back and counted again on its own, so refused uses count too. A
    token that leads nowhere also counts against the client (``link_probe``)."""
    use, probes = _count(uow, clock, visit)
    if not (use.allowed and (probes is None or probes.allowed)):
        uow.commit()  # the refused use counts
        _refuse(visit, use, probes)
    try:
        yield
    except Exception as exc:
        uow.rollback()
        try:
            check_hit(uow, clock, visit.rule, visit.rate_key)
            if visit.probe_rule is not None and isinstance(exc, NotFound) and exc.code == "LINK_INVALID":
                check_hit(uow, clock, visit.probe_rule, visit.client)
            uow.commit()
        except Exception:
            uow.rollback()  # the refusal itself is what the caller must hear of
        raise


def link_page(uow: UnitOfWork, clock: Clock, visit: LinkVisit) -> LinkPage:
    """Count the visit and read what the link shows, in one transaction."""
    with _counted(uow, clock, visit):
        page = _read_page(uow, clock, resolve_link(uow, clock, visit.token))
        uow.commit()
    return page


def _read_page(uow: UnitOfWork, clock: Clock, target: LinkTarget) -> LinkPage:
    rnd = uow.rounds.get(target.round_id)
    if rnd is None:  # resolve_link found the recipient, so its round exists; kept for the type checker
        raise NotFound("ROUND_NOT_FOUND", "轮次不存在。")
    draft = uow.drafts.get(rnd.draft_id)
    version = uow.drafts.version(draft.id or 0, rnd.version) if draft else None
    tasks = uow.drafts.tasks(version.id or 0) if version else []
    shown = round_draft(uow, rnd.draft_id, rnd.version)
    replies = list(uow.replies.for_recipient(target.recipient_id))
    comments: dict[int, list[Comment]] = {}
    for c in uow.replies.comments_of([r.id or 0 for r in replies]):
        comments.setdefault(c.reply_id, []).append(c)
    return LinkPage(
        round=rnd,
        draft=draft,
        unit=uow.directory.unit(target.unit_id),
        recipient=uow.rounds.recipient_by_id(target.recipient_id),
        tasks=tasks,
        replies=replies,
        comments=comments,
        known_targets=frozenset(value for value, _shown in shown.targets),
        targets=shown.targets,
        draft_kind=shown.kind,
        body=shown.body,
        writable=target.writable,
        time_left=(rnd.deadline - clock.now()) if target.writable else None,
        decided=_decided(uow, rnd, draft, target.recipient_id),
        issued_doc_number=draft.issued_doc_number if draft and draft.state == DraftState.issued else None,
        issued_at=draft.issued_at if draft and draft.state == DraftState.issued else None,
        signed=_issued_signed(uow, draft),
    )


def link_signed_document(uow: UnitOfWork, clock: Clock, visit: LinkVisit, document_id: int) -> SignedDocument:
    """A signed final document of the draft the link asked about, once issued: the unit downloads it with
    its link (no account). Counted as any use of the link; any other document is not found."""
    with _counted(uow, clock, visit):
        target = resolve_link(uow, clock, visit.token)
        rnd = uow.rounds.get(target.round_id)
        draft = uow.drafts.get(rnd.draft_id) if rnd else None
        row = next((d for d in _issued_signed(uow, draft) if d.id == document_id), None)
        if row is None:
            raise NotFound("SIGNED_DOCUMENT_NOT_FOUND", "没有这份签发的正式文件。", document_id=document_id)
        uow.commit()
    return row


def _locked_link(uow: UnitOfWork, clock: Clock, token: str) -> tuple[LockedRecipient, bool]:
    """``resolve_link`` for a reply: the link's recipient found and locked with its unit in one query, then
    its round read under the lock; and whether the link may still reply (judged by that round)."""
    found = uow.links.lock_route(token_hash(token or ""))
    if found is None or found[0]:
        raise NotFound("LINK_INVALID", LINK_INVALID_MESSAGE)
    _revoked, recipient, unit = found
    context = uow.rounds.reply_context(recipient.round_id, recipient.id)
    if context is None:  # the recipient's round exists (a foreign key); kept for the type checker
        raise NotFound("LINK_INVALID", LINK_INVALID_MESSAGE)
    writable = link_writable(clock, context.state, context.deadline)
    return LockedRecipient(recipient, unit, context), writable


def submit_link_reply(uow: UnitOfWork, clock: Clock, visit: LinkVisit, reply: LinkReply) -> ReplyStored:
    """Count the visit, check the form token and the link, then store the reply as the unit's own, all in
    one transaction (``submit_locked_reply`` commits). The unit is the one the link was sent to, whatever
    the request says."""
    with _counted(uow, clock, visit):
        if reply.form_token is not None and not hmac.compare_digest(
            reply.form_token, link_form_token(reply.form_secret, visit.token)
        ):
            raise Forbidden("CSRF_INVALID", CSRF_MESSAGE)
        locked, writable = _locked_link(uow, clock, visit.token)
        ensure_writable(writable)
        cmd = SubmitReply(
            round_id=locked.recipient.round_id,
            unit_id=locked.recipient.unit_id,
            no_comments=reply.no_comments,
            comments=list(reply.comments),
            channel="web",
            limits=visit.reply_limits,
        )
        return submit_locked_reply(uow, clock, Actor(locked.unit.name or "回复单位", Role.unit), cmd, locked)
