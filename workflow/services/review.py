"""合法性审查: submitting the draft to the justice bureau, and recording its verdict.

The document type sets the review's minimum period and due date (working days from submission), the
checklist the reviewer answers point by point, and the 送审材料 the package must hold; submission says
which materials are missing, and an approval before the minimum period is recorded as a departure.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput
from kernel.text import check_texts
from kernel.timefmt import cn_datetime
from states.draft import DRAFT_MACHINE, DraftContext, DraftStage
from states.review import REVIEW_MACHINE
from states.round import RoundState
from storage.models import Draft, LegalityReview, ReviewDocument
from storage.uow import UnitOfWork
from workflow.doc_types import CHECK_ANSWERS, MATERIALS, SHIPPED_TYPES, DocType, DocTypes
from workflow.public.decisions import check_ready_for_review
from workflow.services._common import change_state, fire, load_draft, load_round
from workflow.services.departures import record_departure, review_dates
from workflow.services.messages import queue_adoption_feedback, queue_review_request, queue_review_result

OPINION_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
MAX_OPINION_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    data: bytes


def materials(draft: Draft, doc_type: DocType) -> list[dict[str, object]]:
    """The 送审材料 the type requires and whether each is there. All but the legal basis list are
    generated from the record (送审稿, 起草说明, 征求意见及采纳情况, 程序记录); the legal basis is
    typed on the draft (``draft basis``)."""
    out: list[dict[str, object]] = []
    for key in doc_type.materials:
        present = bool(draft.legal_basis.strip()) if key == "legal_basis" else True
        out.append({"key": key, "label": MATERIALS[key], "present": present})
    return out


def missing_materials(draft: Draft, doc_type: DocType) -> list[str]:
    return [str(m["label"]) for m in materials(draft, doc_type) if not m["present"]]


def submit_review(
    uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, *, rules: DocTypes = SHIPPED_TYPES
) -> LegalityReview:
    """Every on-time comment decided and every non-adoption reasoned, or nothing happens."""
    now = clock.now()
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    if uow.rounds.latest_id_for_draft(draft.id or 0) != rnd.id:
        raise Conflict("ROUND_SUPERSEDED", "该文稿已发起新的征求意见轮次，请针对最新轮次提交审查。")
    _, undecided, missing = uow.replies.queue_counts(round_id)
    public_undecided, public_missing = check_ready_for_review(uow, round_id)  # the public's groups, same gate
    ctx = DraftContext(
        now=now,
        undecided_comments=undecided + public_undecided,
        reasons_missing=missing + public_missing,
        has_closed_round=rnd.state == RoundState.closed,
    )
    doc_type = rules.get(draft.doc_type)
    min_at, due_at = review_dates(doc_type, now, rules)
    absent = missing_materials(draft, doc_type)
    review = LegalityReview(
        round_id=round_id,
        draft_id=draft.id or 0,
        version=draft.current_version,
        state=REVIEW_MACHINE.initial,
        requested_at=now,
        min_at=min_at,
        due_at=due_at,
        missing_materials=json.dumps(absent, ensure_ascii=False),
    )
    uow.rounds.add(review)
    change_state(
        uow, actor, now, DRAFT_MACHINE, draft, "submit_review", ctx,
        action="review.requested",
        round_id=round_id,
        version=draft.current_version,
        review_id=review.id,
        due_at=due_at.isoformat() if due_at else None,
        min_at=min_at.isoformat() if min_at else None,
        missing_materials=absent,
    )
    version = uow.drafts.version(draft.id or 0, draft.current_version)
    if version is not None:
        version.stage = DraftStage.for_review
        uow.drafts.add(version)
    queue_review_request(uow, round_id, review.id or 0)
    uow.commit()
    return review


def read_checklist(doc_type: DocType, answers: Mapping[str, tuple[str, str]]) -> list[dict[str, str]]:
    """Point-by-point answers on the type's checklist: every point answered 合法/需修改/不合法, a note
    required for anything but 合法. Empty ``answers``: no checklist (a free opinion only)."""
    if not answers:
        return []
    known = {p.key for p in doc_type.checklist}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise InvalidInput(
            "CHECKLIST_POINT_UNKNOWN",
            f"审查要点“{'、'.join(unknown)}”不存在。可选：{'、'.join(sorted(known))}。",
            points=unknown,
        )
    out = []
    for point in doc_type.checklist:
        if point.key not in answers:
            raise InvalidInput("CHECKLIST_INCOMPLETE", f"请对审查要点“{point.label}”作出结论。", point=point.key)
        answer, note = answers[point.key]
        if answer not in CHECK_ANSWERS:
            raise InvalidInput(
                "CHECKLIST_ANSWER_INVALID",
                "审查结论须为 lawful（合法）、amend（需修改）或 unlawful（不合法）。",
                point=point.key,
            )
        if answer != "lawful" and not note.strip():
            raise InvalidInput(
                "CHECKLIST_NOTE_REQUIRED", f"审查要点“{point.label}”结论为{CHECK_ANSWERS[answer]}，请写明意见。"
            )
        out.append({"key": point.key, "label": point.label, "answer": answer, "note": note.strip()})
    return out


def _opinion_file(upload: UploadedFile, review_id: int) -> ReviewDocument:
    suffix = "." + upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    if suffix not in OPINION_TYPES:
        raise InvalidInput("OPINION_FILE_TYPE", "审查意见书须为 PDF 或 DOCX 文件。", filename=upload.filename)
    if not upload.data or len(upload.data) > MAX_OPINION_BYTES:
        raise InvalidInput("OPINION_FILE_SIZE", "审查意见书为空或超过20MB。", filename=upload.filename)
    return ReviewDocument(
        review_id=review_id,
        filename=upload.filename,
        content_type=OPINION_TYPES[suffix],
        sha256=hashlib.sha256(upload.data).hexdigest(),
        size=len(upload.data),
        data=upload.data,
    )


def record_review(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    round_id: int,
    *,
    approve: bool,
    reviewer: str,
    opinion: str,
    checklist: Mapping[str, tuple[str, str]] | None = None,
    changes: str = "",
    document: UploadedFile | None = None,
    rules: DocTypes = SHIPPED_TYPES,
) -> LegalityReview:
    """The justice bureau approves, or returns the draft with its opinion and what to change."""
    check_texts({"审查机关或审查人": reviewer, "审查意见": opinion}, multiline=frozenset({"审查意见"}))
    if not reviewer.strip():
        raise InvalidInput("REVIEWER_REQUIRED", "请填写审查机关或审查人。")
    now = clock.now()
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    review = uow.rounds.pending_review(round_id)
    if review is None:
        raise Conflict("REVIEW_NOT_PENDING", "该轮次没有待审查的合法性审查申请。")
    doc_type = rules.get(draft.doc_type)
    points = read_checklist(doc_type, checklist or {})
    if approve and any(p["answer"] == "unlawful" for p in points):
        raise InvalidInput("CHECKLIST_CONTRADICTS", "有审查要点结论为“不合法”，不能审查通过，请退回修改。")
    to_change = [line.strip() for line in changes.splitlines() if line.strip()]
    to_change += [f"{p['label']}：{p['note']}" for p in points if p["answer"] != "lawful"]
    if not approve and not (opinion.strip() or to_change):
        raise InvalidInput("REVIEW_OPINION_REQUIRED", "退回修改必须填写审查意见，列明需修改的内容。")
    trigger = "approve" if approve else "return_for_revision"
    review.reviewer = reviewer.strip()
    review.opinion = opinion.strip() or "；".join(to_change)
    review.checklist = json.dumps(points, ensure_ascii=False)
    review.changes = "\n".join(to_change)
    review.decided_at = now
    if document is not None:
        uow.process.add(_opinion_file(document, review.id or 0))
    if approve and review.min_at is not None and now < review.min_at:
        record_departure(
            uow,
            actor,
            now,
            round_id,
            "review_period",
            f"合法性审查于{cn_datetime(now)}通过，早于最短审查期限届满时间{cn_datetime(review.min_at)}"
            f"（{doc_type.review_source}）。",
            f"审查机关（{review.reviewer}）提前完成审查",
        )
    # The request row moves with the draft; both are in the one review.* event below.
    fire(uow, REVIEW_MACHINE, review, trigger, None)
    change_state(
        uow, actor, now, DRAFT_MACHINE, draft, trigger, DraftContext(now=now),
        action="review.approved" if approve else "review.returned",
        round_id=round_id,
        reviewer=review.reviewer,
        opinion=review.opinion,
        version=review.version,
        review_id=review.id,
        checklist=points,
        changes=to_change,
        opinion_file=document.filename if document else None,
        opinion_file_sha256=hashlib.sha256(document.data).hexdigest() if document else None,
    )
    queue_review_result(uow, round_id, review.id or 0)
    if approve:  # the decisions are final now: tell the units how their comments were decided
        queue_adoption_feedback(uow, round_id, review.id or 0)
    uow.commit()
    return review
