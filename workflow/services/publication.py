"""After 印发: 公开发布 (where and when) and 备案 (to whom and when), with the filing deadline.

The deadline is the type's ``filing_days`` after publication (规范性文件: 30 days, 国办发〔2018〕37号);
the scheduler reminds the office once before it (``process_reminders``).
"""

from __future__ import annotations

from datetime import date, timedelta

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput
from kernel.ids import ref
from states.draft import DraftState
from storage.models import Filing, Publication
from storage.uow import UnitOfWork
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.services._common import load_draft, load_round, record


def _issued(uow: UnitOfWork, round_id: int, what: str) -> int:
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    if draft.state != DraftState.issued or uow.rounds.latest_id_for_draft(draft.id or 0) != round_id:
        raise Conflict("NOT_ISSUED", f"文件尚未印发，不能登记{what}。", round_id=round_id)
    return draft.id or 0


def publish(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    round_id: int,
    published_on: date,
    place: str,
    *,
    rules: DocTypes = SHIPPED_TYPES,
) -> Publication:
    if not place.strip():
        raise InvalidInput("PUBLICATION_PLACE_REQUIRED", "请填写发布载体，如“市政府门户网站”“市政府公报”。")
    draft_id = _issued(uow, round_id, "公开发布")
    if uow.process.publication(round_id) is not None:
        raise Conflict("ALREADY_PUBLISHED", "该文件已登记公开发布。", round_id=round_id)
    doc_type = rules.get(load_draft(uow, draft_id).doc_type)
    due = published_on + timedelta(days=doc_type.filing_days) if doc_type.filing_required else None
    now = clock.now()
    row = Publication(
        round_id=round_id,
        published_on=published_on,
        place=place.strip(),
        filing_due=due,
        recorded_by=actor.name,
        recorded_at=now,
    )
    uow.process.add(row)
    record(
        uow,
        actor,
        now,
        "document.published",
        ref("round", round_id),
        round_id=round_id,
        published_on=published_on.isoformat(),
        place=row.place,
        filing_due=due.isoformat() if due else None,
    )
    uow.commit()
    return row


def file_record(uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, filed_to: str, filed_on: date) -> Filing:
    """备案 with ``filed_to``; late filing is allowed and recorded as late."""
    if not filed_to.strip():
        raise InvalidInput("FILING_BODY_REQUIRED", "请填写备案机关，如“市人民政府”。")
    _issued(uow, round_id, "备案")
    publication = uow.process.publication(round_id)
    if publication is None:
        raise Conflict("NOT_PUBLISHED", "文件尚未登记公开发布，备案期限自公开发布之日起计算，请先登记发布。")
    if uow.process.filing(round_id) is not None:
        raise Conflict("ALREADY_FILED", "该文件已登记备案。", round_id=round_id)
    now = clock.now()
    row = Filing(
        round_id=round_id, filed_to=filed_to.strip(), filed_on=filed_on, recorded_by=actor.name, recorded_at=now
    )
    uow.process.add(row)
    late = publication.filing_due is not None and filed_on > publication.filing_due
    record(
        uow,
        actor,
        now,
        "document.filed",
        ref("round", round_id),
        round_id=round_id,
        filed_to=row.filed_to,
        filed_on=filed_on.isoformat(),
        filing_due=publication.filing_due.isoformat() if publication.filing_due else None,
        late=late,
    )
    uow.commit()
    return row
