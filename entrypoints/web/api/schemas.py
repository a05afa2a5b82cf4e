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
    kind: str = Field(description="tasks（重点任务分工）| articles（条文）| sections（编号标题）")
    items: int = Field(description="可供意见指向的条目数")
    tasks: int | None = Field(default=None, description="重点任务项数（仅重点任务分工类文稿）")


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


class LateAdmitted(BaseModel):
    reply_id: int
    admitted: bool


class Decided(BaseModel):
    comment_id: int
    decision: str
    reason: str
    change_task: int | None = Field(default=None, description="落实于的任务序号")
    change_item: str | None = Field(default=None, description="落实于的条目（文稿中的写法，如第五条）")


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


class Checkpoint(BaseModel):
    """The audit chain head signed with the office's Ed25519 key (storage.checkpoints)."""

    seq: int
    hash: str
    at: str
    key_id: str
    signature: str


class Finding(BaseModel):
    code: str
    message: str


class CheckpointCheck(BaseModel):
    ok: bool
    checkpoints: int
    latest: Checkpoint | None
    findings: list[Finding]


class StateDifference(BaseModel):
    entity: str
    field: str
    expected: str
    found: str
    message: str


class ChainVerdict(BaseModel):
    ok: bool
    checked: int
    first_bad_seq: int | None
    problem: str
    checkpoints: CheckpointCheck | None = None  # against the published checkpoint file, if any
    differences: list[StateDifference] | None = None  # with ?state=true: replayed trail vs the tables


class Units(BaseModel):
    units: list[UnitView]


class UnitsImported(BaseModel):
    created: int
    updated: int
    unchanged: int
    new_categories: list[str] = Field(
        default_factory=list, description="文件带来的、本机关此前未设置的单位类别（已按出现顺序加入机关配置）"
    )


class TrackedItem(BaseModel):
    """One tracked item, as ``tasks list --json`` prints it."""

    id: int
    category: str
    problem: str
    measure: str
    units: list[str]
    due: str | None = Field(description="ISO date, or null (open-ended, recurring, not given, not understood)")
    status: str = Field(description="open | reported_done | closed")
    overdue: bool


class ImportProblem(BaseModel):
    row: int = Field(description="the table's problem row (0: the header)")
    column: str
    code: str
    message: str


class TasksImported(BaseModel):
    imported: int
    items: list[TrackedItem]
    problems: list[ImportProblem]


class UnitMapped(BaseModel):
    text: str
    unit: str
    items_updated: int
    unresolved: list[str]


class ItemState(BaseModel):
    id: int
    status: str
    supervised: bool
    note: str


class ProgressStarted(BaseModel):
    round_id: int
    month: str
    due: str
    requests: int
    units: list[str]


class LateProgressReport(BaseModel):
    unit: str
    reported_at: str
    reported_at_label: str


class ProgressUnits(BaseModel):
    asked: int
    reported: list[str]
    not_reported: list[str] = Field(
        description="未报送 at the due time: counted, never deemed to have reported (late reporters included)"
    )
    reported_late: list[LateProgressReport] = Field(description="逾期报送: sent after the due time, kept with its time")
    pending: list[str]


class ProgressItemBrief(BaseModel):
    id: int
    title: str
    due: str
    state: str
    note: str


class ProgressItems(BaseModel):
    total: int
    closed: list[ProgressItemBrief]
    reported_done: list[ProgressItemBrief]
    overdue: list[ProgressItemBrief]
    supervised: list[ProgressItemBrief]


class ProgressSummary(BaseModel):
    round_id: int
    month: str
    month_label: str
    due: str
    state: str
    units: ProgressUnits
    statuses: dict[str, int]
    items: ProgressItems


class ProgressReported(BaseModel):
    request_id: int
    unit: str
    state: str
    items: int
