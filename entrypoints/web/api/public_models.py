"""What the public-consultation API answers and takes (``api.public``), as Pydantic models."""

from __future__ import annotations

from pydantic import BaseModel, Field

from entrypoints.web.api.bodies import BodyId


# -- answers ------------------------------------------------------------------------------------------
class ConsultationRow(BaseModel):
    consultation_id: int
    round_id: int
    office: str
    title: str
    doc_type_label: str
    deadline: str
    open: bool
    final: bool
    stage: str
    days_left: int
    comments: int


class PublishedComment(BaseModel):
    kind_label: str
    target: str
    text: str
    received_at: str


class DraftItemView(BaseModel):
    key: str
    label: str
    text: str
    comments: list[PublishedComment]


class ConsultationView(ConsultationRow):
    explanation: str
    contact: str
    preamble: list[str]
    items: list[DraftItemView]
    whole_draft_comments: list[PublishedComment]


class ReceiptIssued(BaseModel):
    receipt: str
    folded: bool = Field(description="同一来源此前已提交过相同意见：未重复登记，回执号不变")


class ReceiptView(BaseModel):
    receipt: str
    consultation_id: int
    title: str
    received_at: str
    kind_label: str
    target: str
    text: str
    state: str
    state_label: str
    hidden_reason: str
    final: bool
    decision: str | None
    decision_text: str


class FeedbackGroup(BaseModel):
    group_id: int
    size: int
    targets: list[str]
    sample: str
    decision: str | None
    decision_text: str


class FeedbackView(BaseModel):
    consultation_id: int
    title: str
    office: str
    stage: str
    final: bool
    received: int = 0
    counted: int = 0
    hidden: int = 0
    groups_count: int = 0
    by_kind: dict[str, int] = Field(default_factory=dict)
    by_item: dict[str, int] = Field(default_factory=dict)
    groups: list[FeedbackGroup] = Field(default_factory=list)


class Anchor(BaseModel):
    key: str
    label: str
    version: int | None


class PublicCommentRow(BaseModel):
    id: int
    receipt: str
    kind: str
    target: str
    anchor: Anchor | None
    text: str
    status: str
    group_id: int | None


class PublicGroupRow(BaseModel):
    group_id: int
    size: int
    sample: str
    decision: str | None


class Opened(BaseModel):
    round_id: int
    consultation_id: int
    deadline: str


class Moderated(BaseModel):
    comment_id: int
    status: str
    reason: str


class GroupDecided(BaseModel):
    group_id: int
    decision: str | None
    reason: str


class Purged(BaseModel):
    purged: int
    rounds: list[int]


# -- bodies -------------------------------------------------------------------------------------------
class PublicCommentBody(BaseModel):
    kind: str = Field(description="citizen | enterprise | association | organisation")
    text: str
    target: str = ""
    basis: str = ""
    reason: str = ""
    name: str = Field("", description="不公开，仅用于联系核实，按保存期限删除")
    contact: str = Field("", description="不公开，仅用于联系核实，按保存期限删除")
    website: str = Field("", description="留空（供识别自动程序）")


class StaffCommentBody(PublicCommentBody):
    channel: str = "letter"
    received_at: str | None = None


class OpenBody(BaseModel):
    draft_id: BodyId
    until: str
    explanation: str = ""
    contact_info: str = ""
    doc_number: str = ""
    shorten_reason: str = ""


class ModerationBody(BaseModel):
    publish: bool
    reason: str = ""


class GroupDecisionBody(BaseModel):
    outcome: str
    reason: str = ""


class MergeBody(BaseModel):
    group_ids: list[BodyId]


class SplitBody(BaseModel):
    comment_ids: list[BodyId]
