"""Documents that travel with a notice: the solicitation letter and the unit's own reply form."""

from __future__ import annotations

from documents.docx_writer import render_docx
from notifications.message import Attachment
from storage.models import OutboxMessage
from storage.uow import UnitOfWork
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.reports import official

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def notice_attachments(uow: UnitOfWork, row: OutboxMessage, rules: DocTypes = SHIPPED_TYPES) -> list[Attachment]:
    """The letter (函) and a pre-filled reply form (回复表) go with the solicitation notice; ``rules`` (the
    office's types and calendar) state a shortened period in the unit its type counts."""
    if row.kind != "solicitation" or row.round_id is None:
        return []
    unit = uow.directory.unit(row.unit_id) if row.unit_id else None
    letter = official.letter(uow, row.round_id, rules)
    form = official.reply_form(uow, row.round_id, unit.name if unit else None)
    return [
        Attachment(f"{letter.doc_number or '征求意见函'}.docx", DOCX, render_docx(letter)),
        Attachment(f"征求意见回复表（{unit.name if unit else '空白'}）.docx", DOCX, render_docx(form)),
    ]
