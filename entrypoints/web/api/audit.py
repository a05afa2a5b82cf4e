"""The audit trail: a round's events with their hashes, and verifying the whole chain."""

from __future__ import annotations

from fastapi import APIRouter

from entrypoints.web.api.schemas import ChainVerdict
from entrypoints.web.api.views import AuditEvent, AuditEvents
from entrypoints.web.deps import AnyUser, Id, UowDep
from workflow.services.audit import export_events, verify

router = APIRouter(tags=["审计"])


@router.get("/rounds/{round_id}/audit")
def api_round_audit(round_id: Id, user: AnyUser, uow: UowDep) -> AuditEvents:
    return AuditEvents(events=[AuditEvent.model_validate(e) for e in export_events(uow, round_id)])


@router.get("/audit/verify")
def api_verify(user: AnyUser, uow: UowDep) -> ChainVerdict:
    verdict = verify(uow)
    return ChainVerdict(
        ok=verdict.ok, checked=verdict.checked, first_bad_seq=verdict.first_bad_seq, problem=verdict.problem
    )
