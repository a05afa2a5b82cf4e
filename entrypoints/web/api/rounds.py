"""Rounds: the dashboard, listing and status, starting one, moving its deadline, withdrawing, issuing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from entrypoints.web.api.bodies import DeadlineBody, IssueBody, StartBody, WithdrawBody
from entrypoints.web.api.schemas import Dashboard, DashboardRound, DeadlineMoved, Issued, RoundStarted, Withdrawn
from entrypoints.web.api.views import RoundRow, RoundStatus
from entrypoints.web.deps import (
    AnyUser,
    ClockDep,
    Id,
    ReadUowDep,
    RulesDep,
    SettingsDep,
    Staff,
    StaffWrite,
    UowDep,
    office_id_of,
)
from kernel.timefmt import iso_beijing
from workflow.services.dashboard import dashboard
from workflow.services.deadline_spec import DeadlineSpec, resolve_deadline
from workflow.services.issuance import issue
from workflow.services.queries import list_rounds, round_status
from workflow.services.rounds import StartRound, change_deadline, start_round
from workflow.services.withdrawal import withdraw

router = APIRouter(tags=["征求意见"])


@router.get("/dashboard")
def api_dashboard(request: Request, user: Staff, uow: ReadUowDep, clock: ClockDep) -> Dashboard:
    data = dashboard(uow, clock, request.app.state.health_policy)
    return Dashboard(
        totals=data["totals"], problems=data["problems"], rounds=[_dashboard_row(r) for r in data["rounds"]]
    )


def _dashboard_row(row: dict[str, Any]) -> DashboardRound:
    rnd, draft = row["round"], row["draft"]
    return DashboardRound(
        round_id=rnd.id,
        doc_number=rnd.doc_number,
        state=rnd.state,
        draft_state=draft.state if draft else None,
        deadline=iso_beijing(rnd.deadline),
        silent=row["silent"],
        undecided=row["undecided"],
        time_left=row["time_left_text"],
    )


@router.get("/rounds", response_model=list[RoundRow])
def api_rounds(user: AnyUser, uow: ReadUowDep) -> list[dict[str, Any]]:
    return list_rounds(uow)


@router.get("/rounds/{round_id}", response_model=RoundStatus)
def api_round(round_id: Id, user: AnyUser, uow: ReadUowDep) -> dict[str, Any]:
    return round_status(uow, round_id)


@router.post("/rounds", status_code=201)
def api_start(
    body: StartBody, user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep, rules: RulesDep
) -> RoundStarted:
    deadline = resolve_deadline(DeadlineSpec(body.deadline, body.workdays), clock, settings.section("calendar"))
    cmd = StartRound(
        draft_id=body.draft_id,
        office_id=office_id_of(user),
        doc_number=body.doc_number,
        deadline=deadline.at,
        contact=body.contact,
        phone=body.phone,
        unit_names=body.units,
        categories=body.categories,
        all_units=body.all_units,
        letter_date=body.letter_date,
        basis=body.basis,
        requirements=body.requirements,
        purpose=body.purpose,
        focus=body.focus,
        attachment_names=body.attachment_names,
        deadline_warning=deadline.warning,
        scope=body.scope,
        shorten_reason=body.shorten_reason,
    )
    started = start_round(uow, clock, user.actor, cmd, secret=settings.secret_key, rules=rules)
    return RoundStarted(
        round_id=started.round_id,
        deadline=iso_beijing(started.deadline),
        recipients=started.recipients,
        without_address=started.without_address,
        warnings=started.warnings,
    )


@router.post("/rounds/{round_id}/deadline")
def api_deadline(
    round_id: Id, body: DeadlineBody, user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> DeadlineMoved:
    at = resolve_deadline(DeadlineSpec(deadline_text=body.deadline), clock, settings.section("calendar")).at
    row = change_deadline(uow, clock, user.actor, round_id, at, body.reason)
    return DeadlineMoved(round_id=round_id, deadline=iso_beijing(row.deadline))


@router.post("/rounds/{round_id}/withdraw")
def api_withdraw(round_id: Id, body: WithdrawBody, user: StaffWrite, uow: UowDep, clock: ClockDep) -> Withdrawn:
    draft = withdraw(uow, clock, user.actor, round_id, body.reason)
    return Withdrawn(round_id=round_id, state=draft.state)


@router.post("/rounds/{round_id}/issue", tags=["印发"])
def api_issue(
    round_id: Id, body: IssueBody, user: StaffWrite, uow: UowDep, clock: ClockDep, rules: RulesDep
) -> Issued:
    draft = issue(uow, clock, user.actor, round_id, body.doc_number, rules=rules)
    return Issued(round_id=round_id, doc_number=draft.issued_doc_number, state=draft.state)
