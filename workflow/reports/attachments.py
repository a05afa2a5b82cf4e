"""The letter as it is sent: the 征求意见函 and its real attachments, as Word files.

附件1 is the draft itself (rendered from the imported text), 附件2 its task table where it has one, and the
last the reply form (pre-filled for the unit a notice goes to). The same files are offered for download,
packed into the round's ZIPs, and attached to the solicitation e-mail: the relay renders them from the
outbox row's ids when it sends, so the row stays small and a unit always gets the round's own version.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections import OrderedDict

from documents.docx_writer import render_docx
from documents.model import OfficialDocument
from notifications.message import Attachment
from storage.models import OutboxMessage
from storage.uow import UnitOfWork
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.reports import official
from workflow.reports.letters import AttachmentName
from workflow.unit_names import resolve_unit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def zip_entry_name(name: str) -> str:
    """A name made safe as a file name (inside a ZIP or an e-mail): no path separators, no ``..``, no control
    or reserved characters (an unzip tool must never write outside its folder: ``回复表-../../x.html``)."""
    cleaned = _UNSAFE_IN_NAME.sub("_", name)
    while ".." in cleaned:
        cleaned = cleaned.replace("..", "_")
    return cleaned.strip(" .") or "单位"


def attachment_file_name(attachment: AttachmentName, unit: str | None = None) -> str:
    """附件1-关于做好…的通知.docx; a reply form pre-filled for a unit says whose it is."""
    suffix = f"（{unit}）" if unit else ""
    return zip_entry_name(f"附件{attachment.number}-{attachment.name}{suffix}") + ".docx"


def letter_files(
    uow: UnitOfWork, round_id: int, unit_name: str | None = None, rules: DocTypes = SHIPPED_TYPES
) -> list[Attachment]:
    """The letter and each of its attachments as DOCX, in the letter's order (reply form blank, or the unit's)."""
    letter = official.letter(uow, round_id, rules)
    names = official.round_attachments(uow, round_id)
    files = [Attachment(zip_entry_name(letter.doc_number or "征求意见函") + ".docx", DOCX, _docx(letter))]
    files.append(
        Attachment(
            attachment_file_name(names.draft),
            DOCX,
            _docx(official.draft_document(uow, round_id, with_tasks=False)),
        )
    )
    if names.tasks is not None:
        table = _docx(official.task_table_document(uow, round_id))
        files.append(Attachment(attachment_file_name(names.tasks), DOCX, table))
    unit = resolve_unit(unit_name, [u for _, u in uow.rounds.recipients(round_id)]).name if unit_name else None
    form = official.reply_form(uow, round_id, unit)
    files.append(Attachment(attachment_file_name(names.reply_form, unit), DOCX, render_docx(form)))
    return files


def letter_package(uow: UnitOfWork, round_id: int, rules: DocTypes = SHIPPED_TYPES) -> bytes:
    """One ZIP with the letter and its attachments (blank reply form), as a unit receives them on paper."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in letter_files(uow, round_id, rules=rules):
            archive.writestr(file.filename, file.data)
    return buf.getvalue()


_RENDERED: OrderedDict[str, bytes] = OrderedDict()
_RENDERED_LOCK = threading.Lock()
_RENDERED_MAX = 16


def _docx(doc: OfficialDocument) -> bytes:
    """The DOCX of ``doc``, rendered once for the same content: a round's letter is the same document for
    each of its units, and rendering it (python-docx) was the relay's main cost, competing with replies
    for the CPU while a round's notices went out (issue 13). Keyed by the document's whole content, so a
    changed round (new deadline, corrected number) renders anew."""
    key = repr(doc)
    with _RENDERED_LOCK:
        found = _RENDERED.get(key)
        if found is not None:
            _RENDERED.move_to_end(key)
            return found
    data = render_docx(doc)
    with _RENDERED_LOCK:
        _RENDERED[key] = data
        while len(_RENDERED) > _RENDERED_MAX:
            _RENDERED.popitem(last=False)
    return data


def notice_attachments(uow: UnitOfWork, row: OutboxMessage, rules: DocTypes = SHIPPED_TYPES) -> list[Attachment]:
    """The solicitation notice carries the letter and its attachments, the reply form pre-filled for the unit;
    ``rules`` (the office's types and calendar) state a shortened period in the unit its type counts."""
    if row.kind != "solicitation" or row.round_id is None:
        return []
    unit = uow.directory.unit(row.unit_id) if row.unit_id else None
    return letter_files(uow, row.round_id, unit.name if unit else None, rules)
