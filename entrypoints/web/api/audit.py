"""The audit trail: a round's events with their hashes, verifying the whole chain (against the
published signed checkpoints and, on request, against the state tables), and the signed head."""

from __future__ import annotations

from fastapi import APIRouter

from entrypoints.web.api.schemas import ChainVerdict, Checkpoint, CheckpointCheck, Finding, StateDifference
from entrypoints.web.api.views import AuditEvent, AuditEvents
from entrypoints.web.deps import AnyUser, Id, ReadUowDep, SettingsDep
from kernel.errors import NotFound
from workflow.services.audit import export_events, verify
from workflow.services.audit_state import verify_state
from workflow.services.checkpoints import signing_key, verify_stored

router = APIRouter(tags=["审计"])


@router.get("/rounds/{round_id}/audit")
def api_round_audit(round_id: Id, user: AnyUser, uow: ReadUowDep) -> AuditEvents:
    return AuditEvents(events=[AuditEvent.model_validate(e) for e in export_events(uow, round_id)])


@router.get("/audit/verify")
def api_verify(user: AnyUser, uow: ReadUowDep, settings: SettingsDep, state: bool = False) -> ChainVerdict:
    verdict = verify(uow)
    stored = verify_stored(uow, settings)
    checkpoints = None
    if stored is not None:
        checkpoints = CheckpointCheck(
            ok=stored.ok,
            checkpoints=stored.checkpoints,
            latest=Checkpoint(**stored.latest.to_dict()) if stored.latest else None,
            findings=[Finding(code=f.code, message=f.message) for f in stored.findings],
        )
    differences = None
    if state:
        differences = [
            StateDifference(entity=d.entity, field=d.field, expected=d.expected, found=d.found, message=d.message)
            for d in verify_state(uow).differences
        ]
    return ChainVerdict(
        ok=verdict.ok and (stored is None or stored.ok) and not differences,
        checked=verdict.checked,
        first_bad_seq=verdict.first_bad_seq,
        problem=verdict.problem,
        checkpoints=checkpoints,
        differences=differences,
    )


@router.get("/audit/checkpoint")
def api_checkpoint(user: AnyUser, uow: ReadUowDep, settings: SettingsDep) -> Checkpoint:
    """The current chain head, signed now (and appended to the checkpoint file)."""
    signing_key(settings)  # AUDIT_KEY_MISSING, named, where no key is configured
    signed = uow.checkpoint()
    if signed is None:
        raise NotFound("AUDIT_EMPTY", "还没有任何审计记录，无法生成检查点。")
    return Checkpoint(**signed.to_dict())
