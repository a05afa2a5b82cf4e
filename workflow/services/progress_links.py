"""Each unit's monthly progress link: listed for staff (to copy into a WeChat message), revoked when it went
to the wrong person, and re-sent with a new one — as reply links of solicitation rounds are (``links.py``).

A link is HMAC(secret, nonce) and only its hash is stored on the request. Revoking marks the request's link
dead (``link_revoked_at``); re-sending draws a new nonce, so the old token reaches nothing, and queues the
request notice again (with the new link) when the unit can still answer through it. Every step is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, NotFound
from kernel.ids import ref
from kernel.tokens import new_nonce, reply_token, token_hash
from states.progress_round import PROGRESS_REQUEST_MACHINE, ProgressContext
from storage.models import ProgressRequest, ProgressRound
from storage.uow import UnitOfWork
from workflow.services._common import record
from workflow.services.progress import report_trigger, request_token
from workflow.services.progress_notices import queue_progress


@dataclass(frozen=True)
class ProgressLink:
    request_id: int
    unit: str
    state: str
    state_label: str
    url: str | None  # None while revoked
    revoked_at: datetime | None


def load_progress_round(uow: UnitOfWork, round_id: int) -> ProgressRound:
    rnd = uow.tracking.round(round_id)
    if rnd is None:
        raise NotFound("PROGRESS_ROUND_NOT_FOUND", f"进展报送 {round_id} 不存在。", round_id=round_id)
    return rnd


def progress_links(uow: UnitOfWork, secret: str, base_url: str, round_id: int) -> list[ProgressLink]:
    """Every unit's link in the round, with its request's state; a revoked link is shown as such."""
    load_progress_round(uow, round_id)
    base = base_url.rstrip("/")
    return [
        ProgressLink(
            q.id or 0,
            q.unit_name,
            q.state,
            PROGRESS_REQUEST_MACHINE.label(q.state),
            None if q.link_revoked_at is not None else f"{base}/p/{request_token(q, secret)}",
            q.link_revoked_at,
        )
        for q in uow.tracking.requests(round_id)
    ]


def request_in_round(uow: UnitOfWork, round_id: int, request_id: int) -> ProgressRequest:
    """The request, checked to belong to the round named in the address."""
    request = uow.tracking.request(request_id)
    if request is None or request.round_id != round_id:
        raise NotFound("PROGRESS_REQUEST_NOT_FOUND", f"进展报送请求 {request_id} 不在本轮中。", request_id=request_id)
    return request


def revoke_progress_link(
    uow: UnitOfWork, clock: Clock, actor: Actor, request_id: int, *, secret: str, reissue: bool = True
) -> ProgressRequest:
    """Kill the unit's current link; by default (``reissue``) make a new one in the same transaction and send
    it with the request notice, so the unit can still report. A revoked link can be reissued later."""
    request = uow.tracking.request(request_id, for_update=True)
    if request is None:
        raise NotFound("PROGRESS_REQUEST_NOT_FOUND", f"进展报送请求 {request_id} 不存在。", request_id=request_id)
    was_live = request.link_revoked_at is None
    if not was_live and not reissue:
        raise Conflict("PROGRESS_LINK_ALREADY_REVOKED", f"{request.unit_name}的进展报送链接已经撤销。")
    rnd = load_progress_round(uow, request.round_id)
    now = clock.now()
    if reissue:
        request.nonce = new_nonce()
        request.token_hash = token_hash(reply_token(secret, request.nonce))
        request.link_revoked_at = None
    else:
        request.link_revoked_at = now
    uow.tracking.add(request)
    answerable = PROGRESS_REQUEST_MACHINE.may(
        request.state, report_trigger(request, rnd, now), ProgressContext(now=now, due=rnd.due)
    )
    sent = 0
    if reissue and answerable:
        sent = queue_progress(
            uow, rnd.id or 0, "progress_request", now, only={request.id or 0}, key_suffix=f"relink-{now.isoformat()}"
        )
    record(
        uow,
        actor,
        now,
        "progress_link.revoked" if was_live else "progress_link.reissued",
        ref("progress_request", request.id),
        progress_round_id=rnd.id,
        month=rnd.month,
        unit=request.unit_name,
        reissued=reissue,
        notices=sent,
    )
    uow.commit()
    return request
