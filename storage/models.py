"""SQLModel tables. Rows are plain records: state changes go through ``states/`` machines
in the services, never by assigning ``state`` from an entry point."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from states.draft import DraftStage, DraftState
from states.outbox import OutboxStatus
from states.progress_round import ProgressRequestState, ProgressRoundState
from states.public_comment import ModerationState
from states.recipient import RecipientState
from states.review import ReviewState
from states.round import RoundState
from states.tracked_item import TrackedItemState
from storage.types import UTCDateTime


def _at(nullable: bool = False, index: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Office(SQLModel, table=True):
    """发文机关, one per office profile (``workflow.profiles``); several may share one server."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    short_name: str = ""
    email: str = ""  # where review results and staff notices go
    reviewer_unit: str = ""  # the unit that does the legality review
    code: str | None = Field(default=None, unique=True, index=True)  # the profile's code (``--office CODE``)
    profile: str = Field(default="{}", sa_type=Text)  # workflow.profiles.OfficeProfile as JSON


class Unit(SQLModel, table=True):
    """A unit of one office's directory; aliases let 交通局 find 交通运输局. Names are unique per office:
    two offices may both list 市应急管理局, each with its own contact."""

    __table_args__ = (UniqueConstraint("office_id", "name", name="uq_unit_office_name"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    name: str
    category: str = Field(index=True)  # a category key of the office's profile
    aliases: str = Field(default="[]", sa_type=Text)  # JSON list
    contact: str = ""
    phone: str = ""
    email: str = ""
    webhook: str = ""
    active: bool = True


class Draft(SQLModel, table=True):
    """A document being drafted; ``state`` is owned by states.draft.DRAFT_MACHINE."""

    id: int | None = Field(default=None, primary_key=True)
    office_id: int | None = Field(default=None, foreign_key="office.id")
    title: str
    issuer: str
    state: str = Field(default=DraftState.drafting.value, index=True)
    current_version: int = 1
    doc_type: str = "general"  # a key of workflow.doc_types (一般性文件 by default)
    legal_basis: str = Field(default="", sa_type=Text)  # 制定依据: one law, regulation or policy per line
    issued_doc_number: str | None = None
    issued_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))
    created_at: datetime = Field(sa_column=_at())


class DraftVersion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("draft_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    version: int
    stage: str = DraftStage.proposed.value
    source_filename: str = ""
    source_title: str | None = None
    body: str = Field(default="[]", sa_type=Text)  # JSON list of paragraphs
    parts: str = Field(default="[]", sa_type=Text)  # JSON list of {ordinal, heading, task_numbers}
    note: str = ""
    created_at: datetime = Field(sa_column=_at())
    kind: str = "tasks"  # tasks (重点任务分工) | articles (第X条) | sections (一、（一）)


class Task(SQLModel, table=True):
    """A row of the task-division table (重点任务分工) of one draft version."""

    __table_args__ = (UniqueConstraint("version_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="draftversion.id", index=True)
    number: int
    title: str
    content_hash: str


class TaskItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    seq: int
    label: str = ""
    content: str = Field(sa_type=Text)
    responsible: str = Field(default="", sa_type=Text)


class DraftItem(SQLModel, table=True):
    """An addressable part of one draft version — 序号8, 第三章, 第五条, 第八条第二款, 第五条第（三）项, 一、（二）
    — that comments anchor to. ``seq`` is its place in the version; ``parent_seq`` the enclosing item's."""

    __tablename__ = "draft_item"
    __table_args__ = (UniqueConstraint("version_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="draftversion.id", index=True)
    seq: int
    kind: str  # task | chapter | section | article | paragraph | item | heading
    label: str
    number: int
    parent_seq: int | None = None
    heading: str = ""
    text: str = Field(default="", sa_type=Text)
    content_hash: str = ""


class DraftItemLink(SQLModel, table=True):
    """How an item of the previous version continues in this one, found by its wording when the version
    was imported (workflow.item_matching); an item without a link was deleted."""

    __tablename__ = "draft_item_link"
    __table_args__ = (UniqueConstraint("version_id", "from_seq", "to_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="draftversion.id", index=True)  # the newer version
    from_seq: int
    to_seq: int
    main: bool = True  # False: a further piece of a split item
    similarity: float = 1.0


class Round(SQLModel, table=True):
    """一轮征求意见 on one draft version; ``state`` is owned by states.round.ROUND_MACHINE."""

    __table_args__ = (
        UniqueConstraint("office_id", "doc_number"),
        Index("ix_round_state_deadline", "state", "deadline"),
    )

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    version: int
    office_id: int = Field(foreign_key="office.id")
    doc_number: str
    doc_year: int
    letter_date: date
    deadline: datetime = Field(sa_column=_at())
    deadline_warning: str = ""
    contact: str = ""
    phone: str = ""
    basis: str = Field(default="", sa_type=Text)
    requirements: str = Field(default="", sa_type=Text)
    scope: str = "internal"  # internal (units) | public (社会公开征求意见): the type's minimum is for public
    shorten_reason: str = Field(default="", sa_type=Text)  # why the period is shorter than the type's minimum
    # The letter's own words (workflow/reports/letters.py): why (为…), in light of what (请结合…实际), and the
    # attachments' names as the letter lists them ({"draft", "tasks", "reply_form"}; empty: from the draft).
    purpose: str = Field(default="", sa_type=Text)
    focus: str = Field(default="", sa_type=Text)
    attachment_names: str = Field(default="{}", sa_type=Text)
    draft_stage: str = ""  # the version's stage when the letter went out (代拟稿): later reviews re-label the version
    # A replayed round whose reply and review times are not on record (the demo): every page and document
    # that shows those times says they are illustrative.
    illustrative_times: bool = False
    state: str = Field(default=RoundState.open.value)
    created_at: datetime = Field(sa_column=_at())
    enforced_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))


class Recipient(SQLModel, table=True):
    """征求对象: one unit asked in one round; ``state`` owned by RECIPIENT_MACHINE."""

    # The unique (round_id, unit_id) index also serves lookups by round; an index on state would
    # only slow the deadline sweep, which rewrites state for many rows at once.
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    state: str = RecipientState.pending.value
    replied_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))
    deemed_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))
    late: bool = False
    revisions: int = 0
    # The unit as it was named when asked: a later rename (机构改革) must not rewrite old papers.
    unit_name: str = ""
    unit_category: str = ""


class Reply(SQLModel, table=True):
    """One revision of a unit's reply; every revision is kept, the last on-time one counts."""

    __table_args__ = (UniqueConstraint("recipient_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id", index=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    revision: int
    kind: str  # with_comments | no_comments
    channel: str = "web"  # web | paper | email
    received_at: datetime = Field(sa_column=_at())
    recorded_at: datetime = Field(sa_column=_at())
    recorded_by: str = ""
    sealed: bool = False
    late: bool = False
    superseded: bool = False
    admitted: bool = False
    attachment_name: str = ""
    attachment_sha256: str = ""


class Comment(SQLModel, table=True):
    """修改意见: a proposed change with its target, basis and reason."""

    id: int | None = Field(default=None, primary_key=True)
    reply_id: int = Field(foreign_key="reply.id", index=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    seq: int
    target: str = ""  # as the unit wrote it
    task_number: int | None = None
    anchor_seq: int | None = None  # DraftItem.seq in the round's version the target resolved to
    text: str = Field(sa_type=Text)
    basis: str = Field(default="", sa_type=Text)
    reason: str = Field(default="", sa_type=Text)


class Decision(SQLModel, table=True):
    """采纳情况及理由 for one comment."""

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", unique=True)
    outcome: str  # adopted | partly_adopted | rejected
    reason: str = Field(default="", sa_type=Text)
    change_task_number: int | None = None
    decided_by: str = ""
    decided_at: datetime = Field(sa_column=_at())


class LegalityReview(SQLModel, table=True):
    """合法性审查 of the draft after a round, by the justice bureau."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    version: int
    state: str = ReviewState.pending.value
    reviewer: str = ""
    opinion: str = Field(default="", sa_type=Text)
    requested_at: datetime = Field(sa_column=_at())
    decided_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))
    due_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))  # working days from submission
    min_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))  # end of the minimum period
    checklist: str = Field(default="[]", sa_type=Text)  # JSON: [{key, label, answer, note}]
    changes: str = Field(default="", sa_type=Text)  # on a return: what to change, one point per line
    missing_materials: str = Field(default="[]", sa_type=Text)  # JSON: materials missing at submission


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained record of every state change and action."""

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_column=_at())
    actor: str
    role: str
    action: str
    entity: str
    round_id: int | None = Field(default=None, index=True)
    from_state: str | None = None
    to_state: str | None = None
    payload: str = Field(default="{}", sa_type=Text)
    imported: bool = False
    prev_hash: str
    hash: str
    office_id: int | None = Field(default=None, index=True)  # whose event; None only for server-wide ones


class AuditHead(SQLModel, table=True):
    """The chain's tip, one row, locked by each appending transaction to serialise writers."""

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = ""


class OutboxMessage(SQLModel, table=True):
    """A message to send, written in the same transaction as the change that causes it.

    ``key`` is the idempotency key: the same notice is never queued twice, and channels that
    can de-duplicate (Message-ID, Idempotency-Key) receive it with every retry.
    """

    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    kind: str
    round_id: int | None = Field(default=None, index=True)
    recipient_id: int | None = Field(default=None, index=True)
    unit_id: int | None = None
    channel: str  # email | webhook | wecom | dingtalk | console | none
    address: str = ""
    context: str = Field(default="{}", sa_type=Text)  # JSON: ids and values frozen at enqueue time
    status: str = OutboxStatus.pending.value  # see states.outbox
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_at())
    last_error: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(sa_column=_at())
    sent_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))
    claimed_by: str = ""
    claimed_until: datetime | None = Field(default=None, sa_column=_at(nullable=True))


class DeliveryAttempt(SQLModel, table=True):
    """Every try to deliver a message, with the provider's answer."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="outboxmessage.id", index=True)
    at: datetime = Field(sa_column=_at())
    ok: bool
    permanent: bool = False
    detail: str = Field(default="", sa_type=Text)


class ReplyLink(SQLModel, table=True):
    """A unit's personal reply link. Only a hash of the token is stored; the token is derived
    from the server secret and ``nonce``, so it can be re-sent but never read from the database."""

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id", unique=True)
    nonce: str
    token_hash: str = Field(unique=True)
    revoked: bool = False
    created_at: datetime = Field(sa_column=_at())


class User(SQLModel, table=True):
    """Staff, reviewer and admin accounts (units reply through personal links, not accounts).

    A staff or admin account belongs to one office and sees only it; a reviewer account also serves
    every office whose profile names the same reviewing unit (see ``workflow.services.accounts``).
    """

    id: int | None = Field(default=None, primary_key=True)
    office_id: int | None = Field(default=None, foreign_key="office.id", index=True)
    username: str = Field(unique=True)
    display_name: str
    role: str  # staff | reviewer | admin
    password_hash: str
    active: bool = True
    created_at: datetime = Field(sa_column=_at())


class WebSession(SQLModel, table=True):
    """Server-side session: the cookie carries a random id; only its hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    csrf_token: str
    created_at: datetime = Field(sa_column=_at())
    expires_at: datetime = Field(sa_column=_at())


class ReplyAttachment(SQLModel, table=True):
    """A scan of a sealed paper reply, kept with its SHA-256."""

    id: int | None = Field(default=None, primary_key=True)
    reply_id: int = Field(foreign_key="reply.id", index=True)
    filename: str
    content_type: str
    sha256: str
    size: int
    data: bytes


class RateLimitCounter(SQLModel, table=True):
    """Hits per client key and fixed window, shared by every server process (keys are stored hashed)."""

    __tablename__ = "rate_limit_counter"
    bucket: str = Field(primary_key=True)
    key_hash: str = Field(primary_key=True)
    window_start: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True, index=True))
    hits: int = 0


class MeasureTable(SQLModel, table=True):
    """整改措施表 (imported) or the task list of an issued notice: the list a progress round chases."""

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    title: str
    source: str = "import"  # import | draft
    draft_id: int | None = Field(default=None, foreign_key="draft.id")
    doc_date: date
    source_filename: str = ""
    headers: str = Field(default="[]", sa_type=Text)  # JSON: the columns as the source wrote them
    groups: str = Field(default="{}", sa_type=Text)  # JSON: footnote groups → member names
    problems: str = Field(default="[]", sa_type=Text)  # JSON: what the import asked staff to confirm
    created_at: datetime = Field(sa_column=_at())


class TrackedItem(SQLModel, table=True):
    """One measure (or one task of an issued notice) tracked until signed off; ``state`` is owned by
    states.tracked_item.TRACKED_ITEM_MACHINE, overdue is derived from ``due_date``."""

    id: int | None = Field(default=None, primary_key=True)
    table_id: int = Field(foreign_key="measuretable.id", index=True)
    seq: int
    row: int = 0  # the table's problem row (several measures share one)
    category: str = ""
    problem: str = Field(default="", sa_type=Text)
    measure_number: int | None = None
    measure: str = Field(default="", sa_type=Text)
    provincial: str = Field(default="", sa_type=Text)
    responsible: str = Field(default="", sa_type=Text)  # the responsible-unit text as written
    unresolved: str = Field(default="[]", sa_type=Text)  # JSON: names not yet mapped to units
    due_text: str = ""
    due_kind: str = "none"
    due_date: date | None = Field(default=None, index=True)
    state: str = Field(default=TrackedItemState.open.value, index=True)
    supervised: bool = False
    supervision_note: str = Field(default="", sa_type=Text)
    closed_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))
    closed_by: str = ""
    created_at: datetime = Field(sa_column=_at())


class ItemUnit(SQLModel, table=True):
    """A unit responsible for a tracked item, as 牵头 (lead) or 配合 (support)."""

    __table_args__ = (UniqueConstraint("item_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="trackeditem.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str = "lead"


class UnitMapping(SQLModel, table=True):
    """Staff's answer for a responsible-unit name the directory does not know, kept per office."""

    __tablename__ = "unit_mapping"
    __table_args__ = (UniqueConstraint("office_id", "text", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    text: str
    unit_id: int = Field(foreign_key="unit.id")
    created_at: datetime = Field(sa_column=_at())


class ProgressRound(SQLModel, table=True):
    """One month's progress collection (当月工作开展情况); ``state`` owned by PROGRESS_ROUND_MACHINE."""

    __tablename__ = "progress_round"
    __table_args__ = (UniqueConstraint("office_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    month: str  # 2023-10
    due: datetime = Field(sa_column=_at(index=True))
    state: str = Field(default=ProgressRoundState.open.value, index=True)
    created_at: datetime = Field(sa_column=_at())
    enforced_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))


class ProgressRequest(SQLModel, table=True):
    """What one unit is asked in one progress round, reached through its own link (only the token's
    hash is stored, as for reply links); ``state`` owned by PROGRESS_REQUEST_MACHINE."""

    __tablename__ = "progress_request"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="progress_round.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    unit_name: str = ""
    item_ids: str = Field(default="[]", sa_type=Text)  # JSON: the open items asked about
    state: str = ProgressRequestState.pending.value
    reported_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))
    not_reported_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))
    nonce: str = ""
    token_hash: str = Field(default="", index=True)
    link_revoked_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))  # until reissued


class ProgressReport(SQLModel, table=True):
    """A unit's progress on one item in one round (ProgressReport); a resubmission replaces it. ``late``: sent
    after the due time — kept and shown as 逾期报送, while the unit stays counted 未报送 for that month."""

    __tablename__ = "progress_report"
    __table_args__ = (UniqueConstraint("request_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="progress_request.id", index=True)
    round_id: int = Field(foreign_key="progress_round.id", index=True)
    item_id: int = Field(foreign_key="trackeditem.id", index=True)
    status: str
    text: str = Field(default="", sa_type=Text)
    reported_at: datetime = Field(sa_column=_at())
    late: bool = False


class ItemEvidence(SQLModel, table=True):
    """A file proving progress or completion, kept with its SHA-256 (size-capped on upload)."""

    __tablename__ = "item_evidence"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="trackeditem.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="progress_request.id")
    purpose: str = "progress"  # progress | signoff
    filename: str
    content_type: str = "application/octet-stream"
    sha256: str
    size: int
    data: bytes
    uploaded_by: str = ""
    uploaded_at: datetime = Field(sa_column=_at())


class Departure(SQLModel, table=True):
    """A rule of the document type that was relaxed, with the reason given (shown to the reviewer)."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    rule: str  # consultation_period | review_period | ...
    message: str = Field(sa_type=Text)  # what was relaxed, in Chinese, with the rule's source
    reason: str = Field(default="", sa_type=Text)
    recorded_by: str = ""
    recorded_at: datetime = Field(sa_column=_at())


class ReviewDocument(SQLModel, table=True):
    """The reviewer's 审查意见书, kept with its SHA-256 like a reply scan."""

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="legalityreview.id", index=True)
    filename: str
    content_type: str
    sha256: str
    size: int
    data: bytes


class SignedDocument(SQLModel, table=True):
    """The signed and sealed final document of an issued draft (PDF, DOCX or OFD), kept with its SHA-256
    like a reply scan; a later upload (a better scan) is added, never overwrites."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    doc_number: str  # the 印发文号 it was issued under
    filename: str
    content_type: str
    sha256: str
    size: int
    data: bytes
    uploaded_by: str = ""
    uploaded_at: datetime = Field(sa_column=_at())


class Deliberation(SQLModel, table=True):
    """集体讨论 (e.g. 市政府第X次常务会议) of the draft after its review, with optional minutes."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    meeting: str
    held_on: date
    outcome: str = "approved"  # approved | approved_with_changes | rejected
    minutes_name: str = ""
    minutes_sha256: str = ""
    minutes: bytes | None = None
    recorded_by: str = ""
    recorded_at: datetime = Field(sa_column=_at())


class Publication(SQLModel, table=True):
    """公开发布 of the issued document: when and where (政府公报, 政府网站…)."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", unique=True)
    published_on: date
    place: str  # where it was published
    filing_due: date | None = None  # 备案 deadline, from the type's filing_days
    recorded_by: str = ""
    recorded_at: datetime = Field(sa_column=_at())


class Filing(SQLModel, table=True):
    """备案 of the published document with the body above (e.g. 市人民政府, 上级司法行政部门)."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", unique=True)
    filed_to: str
    filed_on: date
    recorded_by: str = ""
    recorded_at: datetime = Field(sa_column=_at())


# --- Public consultation (向社会公开征求意见, issue 16) ----------------------------------------------


class PublicConsultation(SQLModel, table=True):
    """A round put to the public: its draft version, the published explanation and whom to ask.

    The period is the round's (opened with it, closed by the same deadline sweep); a consultation
    without units is a round with no recipients."""

    __tablename__ = "public_consultation"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", unique=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    version: int
    explanation: str = Field(default="", sa_type=Text)  # 起草说明 as published
    contact: str = Field(default="", sa_type=Text)  # how else to comment (address, e-mail, phone), published
    opens_at: datetime = Field(sa_column=_at())
    created_by: str = ""


class PublicCommentGroup(SQLModel, table=True):
    """Identical and near-identical comments, decided once (采纳情况 applies to every comment in it)."""

    __tablename__ = "public_comment_group"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    manual: bool = False  # staff merged or split it: automatic grouping never changes it again
    outcome: str | None = None  # states.decision.Outcome
    reason: str = Field(default="", sa_type=Text)
    decided_by: str = ""
    decided_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))
    created_at: datetime = Field(sa_column=_at())


class PublicComment(SQLModel, table=True):
    """One comment from the public; ``state`` is owned by states.public_comment.MODERATION_MACHINE.

    Name and contact are not here (``PublicContact``), so nothing that reads comments can leak them."""

    __tablename__ = "public_comment"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    consultation_id: int = Field(foreign_key="public_consultation.id")
    receipt: str = Field(unique=True)
    kind: str  # states.public_comment.CommenterKind
    channel: str = "web"  # web | letter | email | fax
    target: str = ""  # as written ("" = the whole draft)
    anchor_key: str = ""  # the draft item it was resolved to ("序号5"), "" when none
    anchor_label: str = ""
    anchor_version: int | None = None
    text: str = Field(sa_type=Text)
    basis: str = Field(default="", sa_type=Text)
    reason: str = Field(default="", sa_type=Text)
    normalised: str = Field(default="", sa_type=Text)  # what grouping compares
    text_hash: str = Field(default="", index=True)  # of the normalised text: exact duplicates
    client_hash: str = ""  # keyed hash of the client address: resubmissions by one client are folded
    repeats: int = 0  # how many times the same client sent it again
    state: str = Field(default=ModerationState.pending.value, index=True)
    flagged: str = Field(default="[]", sa_type=Text)  # JSON: the office's flag words found in it
    moderation_reason: str = Field(default="", sa_type=Text)
    moderated_by: str = ""
    moderated_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))
    group_id: int | None = Field(default=None, foreign_key="public_comment_group.id", index=True)
    received_at: datetime = Field(sa_column=_at())
    recorded_by: str = ""


class PublicContact(SQLModel, table=True):
    """The commenter's optional name and contact: never published, purged past the retention period."""

    __tablename__ = "public_contact"

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="public_comment.id", unique=True)
    name: str = ""
    contact: str = ""
    created_at: datetime = Field(sa_column=_at())
    purged_at: datetime | None = Field(default=None, sa_column=_at(nullable=True))
