"""A unit using its monthly progress link (/p/<token>): what it shows and answering through it.

The same rules as a reply link: every use is counted against the link rate limit, an unknown or revoked
token reaches nothing, and the form's CSRF token is bound to the link. After the due time a unit that had
not reported may still send its report, which is kept as 逾期报送; one that reported on time only sees
what it sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from kernel.actors import Actor, Role
from kernel.clock import Clock
from kernel.errors import Forbidden
from states.progress_round import PROGRESS_REQUEST_MACHINE
from states.tracked_item import PROGRESS_STATUS_LABELS, is_overdue
from storage.models import ProgressReport, ProgressRequest, ProgressRound, TrackedItem
from storage.uow import UnitOfWork
from workflow.services.link_replies import CSRF_MESSAGE, LinkVisit, count_visit
from workflow.services.progress import EntryInput, EvidenceInput, ReportProgress, report_progress, resolve_progress_link
from workflow.services.tracking import today

READ_ONLY = "本月进展已按时报送，报送截止后本页面只能查看。"


def progress_form_token(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), f"progress-form:{token}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ProgressItemView:
    item: TrackedItem
    overdue: bool
    report: ProgressReport | None  # this month's, if sent
    last: ProgressReport | None  # the unit's answer in an earlier month


@dataclass(frozen=True)
class ProgressPage:
    round: ProgressRound
    progress_request: ProgressRequest  # not ``request``: pages have the HTTP request under that name
    items: list[ProgressItemView]
    writable: bool
    late: bool  # an answer sent now is kept as 逾期报送
    statuses: dict[str, str]
    state_label: str


def progress_page(uow: UnitOfWork, clock: Clock, visit: LinkVisit) -> ProgressPage:
    count_visit(uow, clock, visit)
    target = resolve_progress_link(uow, clock, visit.token)
    request = uow.tracking.request(target.request_id)
    rnd = uow.tracking.round(target.round_id)
    assert request is not None and rnd is not None  # resolved just now
    ids = [int(i) for i in json.loads(request.item_ids or "[]")]
    items = uow.tracking.items_by_ids(ids)
    earlier: dict[int, ProgressReport] = {}
    for old in uow.tracking.rounds(rnd.office_id):
        if old.month >= rnd.month:
            continue
        mine = uow.tracking.request_for(old.id or 0, request.unit_id)
        if mine is not None:
            earlier.update({r.item_id: r for r in uow.tracking.reports(old.id or 0) if r.request_id == mine.id})
    on = today(clock)
    views = [
        ProgressItemView(
            items[i],
            is_overdue(items[i].state, items[i].due_date, on),
            uow.tracking.report(request.id or 0, i),
            earlier.get(i),
        )
        for i in ids
        if i in items
    ]
    labels = {s.value: label for s, label in PROGRESS_STATUS_LABELS.items()}
    state = PROGRESS_REQUEST_MACHINE.label(request.state)
    return ProgressPage(rnd, request, views, target.writable, target.late, labels, state)


def submit_progress_link(
    uow: UnitOfWork,
    clock: Clock,
    visit: LinkVisit,
    *,
    form_token: str | None,
    secret: str,
    entries: list[EntryInput],
    evidence: list[EvidenceInput],
) -> ProgressRequest:
    """Count the visit, check the form token and the link, then store the answer as the unit's own."""
    count_visit(uow, clock, visit)
    if form_token is not None and not hmac.compare_digest(form_token, progress_form_token(secret, visit.token)):
        raise Forbidden("CSRF_INVALID", CSRF_MESSAGE)
    target = resolve_progress_link(uow, clock, visit.token)
    if not target.writable:
        raise Forbidden("PROGRESS_LINK_READ_ONLY", READ_ONLY)
    request = uow.tracking.request(target.request_id)
    actor = Actor(request.unit_name if request else "报送单位", Role.unit)
    return report_progress(uow, clock, actor, ReportProgress(target.request_id, entries, evidence))
