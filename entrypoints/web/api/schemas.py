"""What the JSON API answers, as Pydantic models, so the published schema says what comes back.

Field names and shapes are the API's contract (the CLI's ``--json`` uses the same ones). The models
of the services' read models are in ``views``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from entrypoints.web.api.views import DashboardTotals, UnitView


class Ok(BaseModel):
    ok: bool


class SessionUser(BaseModel):
    username: str
    role: str


class SessionStarted(BaseModel):
    csrf_token: str
    user: SessionUser


class DashboardRound(BaseModel):
    round_id: int
    doc_number: str
    state: str
    draft_state: str | None
    deadline: str
    silent: int
    undecided: int
    time_left: str


class Dashboard(BaseModel):
    totals: DashboardTotals
    problems: list[str]
    rounds: list[DashboardRound]


class DraftStored(BaseModel):
    draft_id: int
    version: int
    tasks: int


class Workdays(BaseModel):
    from_: str = Field(serialization_alias="from")
    add: int
    date: str
    deadline: str
    deadline_text: str
    reasoning: list[str]
    warnings: list[str]


class RoundStarted(BaseModel):
    round_id: int
    deadline: str
    recipients: list[str]
    without_address: list[str]
    warnings: list[str] = []


class DeadlineMoved(BaseModel):
    round_id: int
    deadline: str


class ReplyStored(BaseModel):
    reply_id: int
    late: bool
    revision: int
    state: str


class FormReplyStored(ReplyStored):
    comments: int


class LinkRevoked(BaseModel):
    recipient_id: int
    revoked: bool


class LateAdmitted(BaseModel):
    reply_id: int
    admitted: bool


class Decided(BaseModel):
    comment_id: int
    decision: str
    reason: str


class ReviewRequested(BaseModel):
    round_id: int
    review_id: int
    state: str
    due_at: str | None = None  # working days from submission (the type's maximum review period)
    min_at: str | None = None  # end of the type's minimum review period
    missing_materials: list[str] = []


class Reviewed(BaseModel):
    round_id: int
    review_id: int
    result: str
    changes: list[str] = []  # on a return: what to change


class Issued(BaseModel):
    round_id: int
    doc_number: str | None
    state: str


class Withdrawn(BaseModel):
    round_id: int
    state: str


class ChainVerdict(BaseModel):
    ok: bool
    checked: int
    first_bad_seq: int | None
    problem: str


class Units(BaseModel):
    units: list[UnitView]


class UnitsImported(BaseModel):
    created: int
    updated: int
    unchanged: int


class LinkComment(BaseModel):
    target: str
    text: str


class LinkReplyView(BaseModel):
    revision: int
    kind: str
    late: bool
    received_at: str
    comments: list[LinkComment]


class LinkView(BaseModel):
    round_id: int
    writable: bool
    state: str | None
    replies: list[LinkReplyView]
