"""A unit's personal reply link (no account: the link is the credential), and revoking one."""

from __future__ import annotations

from fastapi import APIRouter

from entrypoints.web.api.bodies import LinkReplyBody, comment_inputs
from entrypoints.web.api.schemas import LinkComment, LinkReplyView, LinkRevoked, LinkView, ReplyStored
from entrypoints.web.deps import ClockDep, Id, LinkVisitDep, SettingsDep, StaffWrite, UowDep
from kernel.timefmt import iso_beijing
from workflow.services.link_replies import LinkReply, link_page, submit_link_reply
from workflow.services.links import revoke_link
from workflow.services.recipients import recipient_in_round

router = APIRouter(tags=["单位回复"])


@router.get("/links/{token}")
def api_link(visit: LinkVisitDep, uow: UowDep, clock: ClockDep) -> LinkView:
    page = link_page(uow, clock, visit)
    return LinkView(
        round_id=page.round.id or 0,
        writable=page.writable,
        state=page.recipient.state if page.recipient else None,
        replies=[
            LinkReplyView(
                revision=r.revision,
                kind=r.kind,
                late=r.late,
                received_at=iso_beijing(r.received_at),
                comments=[LinkComment(target=c.target, text=c.text) for c in page.comments.get(r.id or 0, [])],
            )
            for r in page.replies
        ],
    )


@router.post("/links/{token}/replies", status_code=201)
def api_link_reply(visit: LinkVisitDep, body: LinkReplyBody, uow: UowDep, clock: ClockDep) -> ReplyStored:
    reply = LinkReply(no_comments=body.no_comments, comments=comment_inputs(body.comments))
    stored = submit_link_reply(uow, clock, visit, reply)
    return ReplyStored(reply_id=stored.reply_id, late=stored.late, revision=stored.revision, state=stored.state)


@router.post("/rounds/{round_id}/recipients/{recipient_id}/revoke-link")
def api_revoke(
    round_id: Id, recipient_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> LinkRevoked:
    recipient_in_round(uow, round_id, recipient_id)
    revoke_link(uow, clock, user.actor, recipient_id, secret=settings.secret_key)
    return LinkRevoked(recipient_id=recipient_id, revoked=True)
