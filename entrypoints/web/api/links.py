"""A unit's personal reply link (no account: the link is the credential): its replies, once issued the 印发文号
and the signed final document, and revoking a link."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from entrypoints.web.api.bodies import LinkReplyBody, comment_inputs
from entrypoints.web.api.schemas import ReplyStored
from entrypoints.web.deps import ClockDep, Id, LinkVisitDep, SettingsDep, StaffWrite, UowDep
from entrypoints.web.downloads import signed_file
from kernel.timefmt import iso_beijing
from workflow.services.issuance import SIGNED_TYPES
from workflow.services.link_replies import LinkReply, link_page, link_signed_document, submit_link_reply
from workflow.services.links import revoke_link
from workflow.services.recipients import recipient_in_round

router = APIRouter(tags=["单位回复"])


class LinkRevoked(BaseModel):
    recipient_id: int
    revoked: bool


class LinkComment(BaseModel):
    target: str
    text: str


class LinkReplyView(BaseModel):
    revision: int
    kind: str
    late: bool
    received_at: str
    comments: list[LinkComment]


class LinkSignedDocument(BaseModel):
    id: int
    filename: str
    size: int
    sha256: str


class LinkView(BaseModel):
    round_id: int
    writable: bool
    state: str | None
    replies: list[LinkReplyView]
    issued_doc_number: str | None = Field(default=None, description="文稿印发后：印发文号")
    issued_at: str | None = Field(default=None, description="文稿印发后：印发时间（北京时间，ISO 8601）")
    signed_documents: list[LinkSignedDocument] = Field(
        default_factory=list, description="签发的正式文件（新上传的在前），下载：/links/{token}/signed/{id}"
    )


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
        issued_doc_number=page.issued_doc_number,
        issued_at=iso_beijing(page.issued_at) if page.issued_at else None,
        signed_documents=[
            LinkSignedDocument(id=d.id or 0, filename=d.filename, size=d.size, sha256=d.sha256) for d in page.signed
        ],
    )


@router.get(
    "/links/{token}/signed/{document_id}",
    response_class=Response,
    responses={
        200: {
            "content": {media: {} for media in SIGNED_TYPES.values()},
            "description": "文稿印发后签发的正式文件（SHA-256 见 X-Content-SHA256）",
        }
    },
)
def api_link_signed(document_id: Id, visit: LinkVisitDep, uow: UowDep, clock: ClockDep) -> Response:
    return signed_file(link_signed_document(uow, clock, visit, document_id))


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
