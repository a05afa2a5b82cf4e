"""The API's models for what the services return as dicts (round status, lists, the adoption table,
audit events, units): the same fields, described for the published schema.

``ServiceView`` keeps any field a model does not list yet, so a field a service adds is passed
through rather than silently dropped.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ServiceView(BaseModel):
    model_config = ConfigDict(extra="allow")


class DashboardTotals(ServiceView):
    open: int
    silent: int
    undecided: int
    in_review: int


class RoundRow(ServiceView):
    round_id: int
    doc_number: str
    state: str
    draft_state: str | None
    deadline: str
    title: str
    office_id: int
    office: str = Field(description="发文机关简称（审查人员的列表含多个机关）")


class ReviewQueueRow(ServiceView):
    round_id: int
    doc_number: str
    title: str
    office_id: int
    office: str = Field(description="送审机关简称")
    draft_state: str | None
    state_label: str
    review_state: str
    review_state_label: str
    requested_at: str
    due_at: str | None


class RoundSummary(ServiceView):
    id: int
    round_id: int
    doc_number: str
    draft_id: int
    draft_title: str
    version: int
    state: str
    draft_state: str
    draft_state_label: str
    letter_date: str
    deadline: str
    deadline_text: str
    deadline_warning: str
    enforced_at: str | None
    contact: str
    phone: str
    issued_doc_number: str | None = Field(default=None, description="印发文号（印发后）")
    issued_at: str | None = Field(default=None, description="印发时间（北京时间，ISO 8601）")
    illustrative_times: bool = False  # replayed (demo) round: reply and review times are illustrative, not on record
    illustrative_notice: str = ""


class RecipientRow(ServiceView):
    recipient_id: int
    unit: str
    category: str
    category_label: str
    state: str
    state_label: str
    late: bool
    replied_at: str | None
    revisions: int
    channel: str | None


class CommentAnchor(ServiceView):
    """Where a comment points now: the item its target named, carried to the draft's current version."""

    removed: bool = Field(description="该条目已在修改稿中删除")
    label: str | None = Field(description="现在的条目，如“第六条”；已删除时为空")
    version: int = Field(description="label 所在的稿次（已删除时为删除它的稿次）")
    moved_from: str | None = Field(description="条目编号变化时的原条目，如“第五条”")
    original: str = Field(description="征求意见稿中的条目")
    changed: bool = Field(description="该条目（或其中的款、项）的文字在修改稿中有变化")
    split_into: list[str] = Field(description="条目被拆分时，拆分后的各条")
    display: str = Field(description="如“现第六条（原第五条）”")


class CommentRow(ServiceView):
    id: int
    unit: str
    target: str = Field(description="单位填写的条目，原样保留")
    task_number: int | None
    anchor: CommentAnchor | None = Field(default=None, description="条目解析出的锚点；自由填写的条目为空")
    text: str
    basis: str
    late_admitted: bool
    decision: str | None
    decision_label: str | None
    change_task: int | None = Field(description="落实于的任务序号")
    change_item: str | None = Field(default=None, description="落实于的条目，如第五条（作出决定时文稿中的写法）")
    change_anchor: CommentAnchor | None = Field(default=None, description="落实于的条目在现稿中的位置")
    change_display: str | None = Field(default=None, description="落实于，如“序号8”“第五条”“现第六条（原第五条）”")
    comment_reason: str
    reason: str = Field(description="采纳决定的理由")


class LateReply(ServiceView):
    reply_id: int
    unit: str
    received_at: str
    kind: str
    admitted: bool
    comments: int


class ReviewRow(ServiceView):
    review_id: int
    state: str
    reviewer: str
    opinion: str
    version: int | None


class PublicStatus(ServiceView):
    """The public consultation's figures (向社会公开征求意见), beside the units' replies."""

    consultation_id: int
    comments: int
    comments_by_state: dict[str, int]
    groups: int
    undecided: int
    reasons_missing: int
    decided: dict[str, int]


class SignedDocumentView(ServiceView):
    """A signed final document (签发的正式文件) kept for an issued draft; its bytes are downloaded separately."""

    id: int
    round_id: int
    doc_number: str = Field(description="印发文号")
    filename: str
    content_type: str
    sha256: str
    size: int = Field(description="字节数")
    uploaded_by: str
    uploaded_at: str = Field(description="上传时间（北京时间，ISO 8601）")


class RoundStatus(ServiceView):
    round: RoundSummary
    recipients: list[RecipientRow]
    comments: list[CommentRow]
    late_replies: list[LateReply]
    reviews: list[ReviewRow]
    public: PublicStatus | None = None
    signed_documents: list[SignedDocumentView] = Field(
        default_factory=list, description="签发的正式文件（新上传的在前；下载：/rounds/{round_id}/signed/{id}）"
    )


class AdoptionComment(ServiceView):
    comment_id: int
    unit: str
    target: str
    anchor: CommentAnchor | None = None
    text: str
    decision: str | None
    decision_label: str | None
    reason: str
    decision_text: str
    change_task: int | None
    change_item: str | None = None
    change_anchor: CommentAnchor | None = None
    change_display: str | None = None


class AdoptionGroup(ServiceView):
    reply_category: str
    reply_category_label: str
    unit_category: str
    unit_category_label: str
    count: int
    count_text: str
    units: list[str]
    comments: list[AdoptionComment]


class LegalityReview(ServiceView):
    reviewer: str
    state: str
    opinion: str
    version: int | None


class AdoptionTable(ServiceView):
    round_id: int
    doc_number: str
    title: str
    draft_title: str
    groups: list[AdoptionGroup]
    legality_review: LegalityReview


class AuditEvent(ServiceView):
    seq: int
    at: str
    actor: str
    role: str
    action: str
    entity: str
    round_id: int | None
    from_state: str | None
    to_state: str | None
    payload: dict[str, Any]
    imported: bool
    prev_hash: str
    hash: str


class AuditEvents(BaseModel):
    events: list[AuditEvent]


class UnitView(ServiceView):
    id: int
    name: str
    category: str
    category_label: str
    aliases: list[str]
    contact: str
    phone: str
    email: str
    webhook: str
    active: bool


class ItemChangeView(ServiceView):
    change: str = Field(description="inserted | deleted | changed | split | merged | moved | renumbered")
    kind: str
    label_before: str | None
    label_after: str | None
    text_before: str
    text_after: str
    heading_before: str
    heading_after: str
    renumbered: bool
    moved: bool
    similarity: float | None
    split_into: list[str]


class DraftDiff(ServiceView):
    draft_id: int
    from_: int = Field(serialization_alias="from")
    to: int
    items: list[ItemChangeView]
