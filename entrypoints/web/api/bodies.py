"""Request bodies of the JSON API (validated by pydantic before any service runs)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from entrypoints.web.deps import MAX_ID
from workflow.services.decisions import CHANGE_MAX_CHARS
from workflow.services.replies import CommentInput

BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]  # as ``deps.Id``: no number the database cannot hold


class LoginBody(BaseModel):
    username: str
    password: str


class CommentBody(BaseModel):
    target: str = ""
    text: str
    basis: str = ""
    reason: str = ""


class StartBody(BaseModel):
    draft_id: BodyId
    doc_number: str
    deadline: str | None = None
    workdays: int | None = None
    units: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    all_units: bool = False
    contact: str
    phone: str
    letter_date: date | None = None
    basis: str = ""
    requirements: str | None = None  # the office's own wording (letter_requirements), else the default
    purpose: str | None = None  # 为…: opens the letter; the office's letter_purpose when left out
    focus: str = ""  # 请结合{focus}实际
    attachment_names: dict[str, str] = Field(default_factory=dict)  # draft / tasks / reply_form, as listed
    scope: str = "internal"  # internal | public (the type's minimum period applies to public consultation)
    shorten_reason: str = ""  # why a public consultation is shorter than the type's minimum


class ReplyBody(BaseModel):
    unit: str
    no_comments: bool = False
    comments: list[CommentBody] = Field(default_factory=list)
    channel: str = "web"
    received_at: str | None = None
    sealed: bool = False


class LinkReplyBody(BaseModel):
    no_comments: bool = False
    comments: list[CommentBody] = Field(default_factory=list)


class DeadlineBody(BaseModel):
    deadline: str
    reason: str


class DecisionBody(BaseModel):
    outcome: str
    reason: str = ""
    change_task: BodyId | None = Field(default=None, description="落实于重点任务分工的序号（与 change_item 二选一）")
    change_item: str | None = Field(
        default=None,
        max_length=CHANGE_MAX_CHARS,
        description="落实于文稿的哪一条目，按文稿的写法：第五条、第二章、第五条第（二）项；任务序号也可写作 8 或 序号8",
    )


class CheckAnswer(BaseModel):
    answer: str  # lawful | amend | unlawful
    note: str = ""


class ReviewBody(BaseModel):
    approve: bool
    opinion: str = ""
    checklist: dict[str, CheckAnswer] = Field(default_factory=dict)  # point key → answer
    changes: str = ""  # on a return: what to change, one point per line


class DocTypeBody(BaseModel):
    doc_type: str


class LegalBasisBody(BaseModel):
    text: str


class DeliberationBody(BaseModel):
    meeting: str
    date: date
    outcome: str = "approved"


class PublicationBody(BaseModel):
    date: date
    where: str


class FilingBody(BaseModel):
    to: str
    date: date


class IssueBody(BaseModel):
    doc_number: str


class AdmitBody(BaseModel):
    reason: str


def comment_inputs(items: list[CommentBody]) -> list[CommentInput]:
    return [CommentInput(c.target, c.text, c.basis, c.reason) for c in items]


class WithdrawBody(BaseModel):
    reason: str


class UnitPatch(BaseModel):
    """Only the fields given change; ``aliases`` separated by ；/;/、 as on the page."""

    name: str | None = None
    category: str | None = None
    aliases: str | None = None
    contact: str | None = None
    phone: str | None = None
    email: str | None = None
    webhook: str | None = None
    active: bool | None = None


class MapUnitBody(BaseModel):
    text: str = Field(description="责任单位原文中的名称，如“市县人民政府”")
    unit: str = Field(description="单位名录中的单位")


class SuperviseBody(BaseModel):
    note: str = Field(description="督办要求")


class ProgressStartBody(BaseModel):
    month: str = Field(description="月份，如 2024-10")
    due: str | None = Field(default=None, description="报送截止时间（北京时间）；默认每月 [progress] due_day 日")


class ProgressEntryBody(BaseModel):
    item_id: BodyId
    status: str = Field(description="not_started | in_progress | done | blocked，或 未开始 / 推进中 / 已完成 / 受阻")
    text: str = ""


class ProgressRelinkBody(BaseModel):
    reissue: bool = Field(default=True, description="撤销后生成新链接并随报送通知重发")


class ProgressReplyBody(BaseModel):
    items: list[ProgressEntryBody]


class NewAccountBody(BaseModel):
    username: str
    display_name: str = Field(description="姓名")
    role: str = Field(description="staff | reviewer | admin")
    password: str = Field(description="至少10个字符")


class AccountActiveBody(BaseModel):
    active: bool = Field(description="false：停用（已登录的会话随即失效）；true：重新启用")


class PasswordResetBody(BaseModel):
    password: str = Field(description="新密码，至少10个字符；该账号所有已登录的会话随之失效")


class PasswordChangeBody(BaseModel):
    old_password: str
    new_password: str = Field(description="至少10个字符，不能与原密码相同；本会话保持登录，其他会话失效")
