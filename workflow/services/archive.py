"""The archive of a round (《重大行政决策程序暂行条例》第三十三条: 决策过程记录和材料归档): one ZIP with
every document (DOCX, and PDF where LibreOffice is installed), every reply with its scan, the decisions,
review opinions (and 审查意见书), deliberation minutes, the signed final document, publication and filing
records, departures, the audit extract with its verification, and ``manifest.json`` with each file's SHA-256,
the 保管期限 and the audit chain's head. ``verify_archive`` re-checks every hash and the extract's events, naming what
was altered. Rounds past their retention are listed (``retention_due``), never deleted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import InvalidInput
from kernel.ids import ref
from kernel.timefmt import iso_beijing, to_beijing
from storage.audit import event_hash
from storage.uow import UnitOfWork
from workflow.doc_types import SHIPPED_TYPES, DocType, DocTypes
from workflow.services._common import load_draft, load_round, record
from workflow.services.audit import verify
from workflow.services.departures import departures
from workflow.services.queries import ILLUSTRATIVE_TIMES_NOTICE

MANIFEST = "manifest.json"
LETTER_ATTACHMENTS = "01-征求意见函附件"
FORMAT = "consultflow-archive/1"
DOCUMENTS = {
    "letter": "01-征求意见函",
    "reply-form": "02-回复表（空白）",
    "adoption": "03-征求意见采纳情况表",
    "explanation": "04-起草说明",
    "review-package": "05-合法性审查送审材料",
    "audit": "06-审计记录",
}


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _utc(at: datetime) -> str:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _safe(name: str) -> str:
    return "".join("_" if ch in '/\\:*?"<>|' else ch for ch in name)[:120] or "file"


def retention_until(doc_type: DocType, year: int) -> date | None:
    """Kept to the end of ``year`` + the type's years (None: 永久)."""
    years = doc_type.retention_years
    return None if years is None else date(year + years, 12, 31)


def _record_year(uow: UnitOfWork, round_id: int) -> int:
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    return to_beijing(draft.issued_at or rnd.created_at).year


def _audit_extract(uow: UnitOfWork, round_id: int) -> list[dict[str, Any]]:
    """The round's events with every field as hashed, so the extract can be re-verified on its own."""
    return [
        {
            "seq": ev.seq,
            "at": _utc(ev.at),
            "actor": ev.actor,
            "role": ev.role,
            "action": ev.action,
            "entity": ev.entity,
            "round_id": ev.round_id,
            "from_state": ev.from_state,
            "to_state": ev.to_state,
            "payload": ev.payload,
            "imported": ev.imported,
            "prev_hash": ev.prev_hash,
            "hash": ev.hash,
            "office_id": ev.office_id,
        }
        for ev in uow.audit.events(round_id=round_id)
    ]


def check_extract(events: list[dict[str, Any]]) -> tuple[bool, str]:
    """Each event's hash recomputed from its fields; consecutive events linked by prev_hash."""
    previous: dict[str, Any] | None = None
    for ev in events:
        expected = event_hash(
            seq=int(ev["seq"]),
            at=datetime.fromisoformat(ev["at"]),
            actor=ev["actor"],
            role=ev["role"],
            action=ev["action"],
            entity=ev["entity"],
            round_id=ev["round_id"],
            from_state=ev["from_state"],
            to_state=ev["to_state"],
            payload=ev["payload"],
            imported=bool(ev["imported"]),
            prev_hash=ev["prev_hash"],
            office_id=ev.get("office_id"),
        )
        if expected != ev["hash"]:
            return False, f"审计记录序号 {ev['seq']} 的内容与其哈希不符（记录被修改）"
        if previous is not None and int(ev["seq"]) == int(previous["seq"]) + 1 and ev["prev_hash"] != previous["hash"]:
            return False, f"审计记录序号 {ev['seq']} 的前序哈希与上一条记录不符"
        previous = ev
    return True, ""


@dataclass(frozen=True)
class ArchiveBuilt:
    data: bytes
    manifest: dict[str, Any]


def _files(uow: UnitOfWork, round_id: int, rules: DocTypes, pdf: bool) -> dict[str, bytes]:
    # Imported when an archive is built: python-docx, openpyxl and the document templates take a quarter
    # of a second to import, and ``archive due`` and ``archive verify`` (new processes) need none of them.
    from documents.docx_writer import render_docx
    from documents.pdf import docx_to_pdf
    from workflow.public.exports import comments_csv
    from workflow.reports import official
    from workflow.reports.attachments import letter_files

    files: dict[str, bytes] = {}
    docx: dict[str, bytes] = {}
    for kind, name in DOCUMENTS.items():
        doc = official.build(uow, round_id, kind, None, rules)
        docx[f"documents/{name}.docx"] = render_docx(doc)
    for file in letter_files(uow, round_id)[1:]:  # the letter's attachments as sent (the letter is 01 above)
        docx[f"documents/{LETTER_ATTACHMENTS}/{file.filename}"] = file.data
    files.update(docx)
    if pdf:
        files.update({name.replace("documents/", "documents/pdf/"): data for name, data in docx_to_pdf(docx).items()})
    replies = []
    scans = {a.reply_id: a for a in uow.replies.attachments([r.id or 0 for r, _ in uow.replies.for_round(round_id)])}
    for reply, unit in uow.replies.for_round(round_id):
        scan = scans.get(reply.id or 0)
        scan_path = f"replies/scans/{reply.id}-{_safe(scan.filename)}" if scan else None
        if scan is not None and scan_path:
            files[scan_path] = scan.data
        replies.append(
            {
                "reply_id": reply.id,
                "unit": unit.name,
                "revision": reply.revision,
                "kind": reply.kind,
                "channel": reply.channel,
                "received_at": iso_beijing(reply.received_at),
                "recorded_by": reply.recorded_by,
                "sealed": reply.sealed,
                "late": reply.late,
                "superseded": reply.superseded,
                "admitted": reply.admitted,
                "scan": scan_path,
                "scan_sha256": scan.sha256 if scan else None,
                "comments": [
                    {"comment_id": c.id, "target": c.target, "text": c.text, "basis": c.basis, "reason": c.reason}
                    for c in uow.replies.comments_of([reply.id or 0])
                ],
            }
        )
    files["replies/replies.json"] = _json(replies)
    files["decisions.json"] = _json(
        [
            {
                "comment_id": c.id,
                "unit": u.name,
                "target": c.target,
                "text": c.text,
                "outcome": d.outcome if d else None,
                "reason": d.reason if d else "",
                "change_task": d.change_task_number if d else None,  # 落实于序号8
                "change_item": d.change_item_label if d else None,  # 落实于第五条 (as the draft then numbered it)
                "decided_by": d.decided_by if d else "",
                "decided_at": iso_beijing(d.decided_at) if d else None,
            }
            for c, _r, u, d in uow.replies.decision_queue(round_id)
        ]
    )
    reviews = uow.rounds.reviews(round_id)
    opinions = uow.process.review_documents([r.id or 0 for r in reviews])
    for opinion in opinions:
        files[f"review/opinions/{opinion.review_id}-{_safe(opinion.filename)}"] = opinion.data
    files["review/reviews.json"] = _json(
        [
            {
                "review_id": r.id,
                "version": r.version,
                "state": r.state,
                "reviewer": r.reviewer,
                "opinion": r.opinion,
                "checklist": json.loads(r.checklist or "[]"),
                "changes": r.changes,
                "requested_at": iso_beijing(r.requested_at),
                "min_at": iso_beijing(r.min_at) if r.min_at else None,
                "due_at": iso_beijing(r.due_at) if r.due_at else None,
                "decided_at": iso_beijing(r.decided_at) if r.decided_at else None,
                "missing_materials": json.loads(r.missing_materials or "[]"),
                "opinion_files": [
                    f"review/opinions/{d.review_id}-{_safe(d.filename)}" for d in opinions if d.review_id == r.id
                ],
            }
            for r in reviews
        ]
    )
    meetings = []
    for m in uow.process.deliberations(round_id):
        path = f"deliberation/minutes/{m.id}-{_safe(m.minutes_name)}" if m.minutes else None
        if path and m.minutes:
            files[path] = m.minutes
        meetings.append(
            {
                "meeting": m.meeting,
                "held_on": m.held_on.isoformat(),
                "outcome": m.outcome,
                "minutes": path,
                "recorded_by": m.recorded_by,
            }
        )
    files["deliberation/deliberations.json"] = _json(meetings)
    signed = []
    for d in reversed(uow.process.signed_documents(round_id)):  # oldest first, as they were uploaded
        path = f"issue/signed/{d.id}-{_safe(d.filename)}"
        files[path] = d.data
        signed.append(
            {
                "file": path,
                "doc_number": d.doc_number,
                "sha256": d.sha256,
                "uploaded_by": d.uploaded_by,
                "uploaded_at": iso_beijing(d.uploaded_at),
            }
        )
    files["issue/signed.json"] = _json(signed)
    publication, filing = uow.process.publication(round_id), uow.process.filing(round_id)
    files["publication.json"] = _json(
        {"published_on": publication.published_on, "place": publication.place, "filing_due": publication.filing_due}
        if publication
        else None
    )
    files["filing.json"] = _json({"filed_to": filing.filed_to, "filed_on": filing.filed_on} if filing else None)
    files["departures.json"] = _json(departures(uow, round_id))
    if uow.public.consultation_for_round(round_id) is not None:  # the public's comments, groups, decisions; no contacts
        files["public/comments.csv"] = comments_csv(uow, round_id)
    events = _audit_extract(uow, round_id)
    extract_ok, extract_problem = check_extract(events)
    chain = verify(uow)
    files["audit/events.json"] = _json(events)
    files["audit/verification.json"] = _json(
        {
            "chain": dataclasses.asdict(chain),
            "extract": {"ok": extract_ok, "problem": extract_problem, "events": len(events)},
        }
    )
    return files


def build_archive(
    uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, *, rules: DocTypes = SHIPPED_TYPES, pdf: bool = True
) -> ArchiveBuilt:
    """The ZIP of the round's whole record; building it is itself an audit event (after the extract)."""
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    doc_type = rules.get(draft.doc_type)
    files = _files(uow, round_id, rules, pdf)
    tip = uow.audit.head()
    seq, head = (tip[0], tip[1]) if tip else (0, "")
    until = retention_until(doc_type, _record_year(uow, round_id))
    now = clock.now()
    manifest = {
        "format": FORMAT,
        "round_id": round_id,
        "doc_number": rnd.doc_number,
        "title": draft.title,
        "issued_doc_number": draft.issued_doc_number,
        "doc_type": doc_type.key,
        "doc_type_label": doc_type.label,
        "retention": doc_type.retention,
        "retention_until": until.isoformat() if until else None,
        "retention_source": doc_type.retention_source,
        "created_at": iso_beijing(now),
        "created_by": actor.name,
        "audit_head": {"seq": seq, "hash": head},
        "pdf": any(name.startswith("documents/pdf/") for name in files),
        # a replayed round (the demo): reply and review times are illustrative, the seed does not record them
        **({"illustrative_times": ILLUSTRATIVE_TIMES_NOTICE} if rnd.illustrative_times else {}),
        "files": [
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(files.items())
        ],
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
        archive.writestr(MANIFEST, _json(manifest))
    data = buf.getvalue()
    record(
        uow,
        actor,
        now,
        "round.archived",
        ref("round", round_id),
        round_id=round_id,
        files=len(files),
        sha256=hashlib.sha256(data).hexdigest(),
        audit_head_seq=seq,
        retention=doc_type.retention,
    )
    uow.commit()
    return ArchiveBuilt(data, manifest)


@dataclass(frozen=True)
class ArchiveVerdict:
    ok: bool
    checked: int
    altered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)
    audit_ok: bool = True
    audit_problem: str = ""

    def message(self) -> str:
        if self.ok:
            return f"归档包校验通过：{self.checked} 个文件的 SHA-256 与清单一致，审计记录摘要完整。"
        parts = []
        if self.altered:
            parts.append("以下文件已被改动：" + "、".join(self.altered))
        if self.missing:
            parts.append("以下文件缺失：" + "、".join(self.missing))
        if self.unlisted:
            parts.append("以下文件不在清单中：" + "、".join(self.unlisted))
        if not self.audit_ok:
            parts.append(self.audit_problem)
        return "归档包校验未通过。" + "；".join(parts) + "。"


def verify_archive(data: bytes) -> ArchiveVerdict:
    """Every file against the manifest's SHA-256, and the audit extract's events against their hashes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read(MANIFEST))
        listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError):
        raise InvalidInput("ARCHIVE_INVALID", "不是有效的归档包（ZIP 文件或 manifest.json 缺失、损坏）。") from None
    with archive:
        names = set(archive.namelist()) - {MANIFEST}
        altered = sorted(p for p in listed if p in names and hashlib.sha256(archive.read(p)).hexdigest() != listed[p])
        missing = sorted(p for p in listed if p not in names)
        unlisted = sorted(names - set(listed))
        audit_ok, problem = True, ""
        if "audit/events.json" in names:
            try:
                audit_ok, problem = check_extract(json.loads(archive.read("audit/events.json")))
            except (ValueError, KeyError, TypeError):
                audit_ok, problem = False, "审计记录摘要无法读取"
    ok = not (altered or missing or unlisted) and audit_ok
    return ArchiveVerdict(ok, len(listed), altered, missing, unlisted, audit_ok, problem)


def retention_due(uow: UnitOfWork, as_of: date, *, rules: DocTypes = SHIPPED_TYPES) -> list[dict[str, Any]]:
    """Rounds whose 保管期限 ended before ``as_of``: listed for the archivist's 鉴定, never deleted."""
    out = []
    drafts = uow.drafts.by_ids(sorted({r.draft_id for r in uow.rounds.all()}))
    for rnd in uow.rounds.all():
        draft = drafts.get(rnd.draft_id)
        if draft is None:
            continue
        doc_type = rules.get(draft.doc_type)
        until = retention_until(doc_type, to_beijing(draft.issued_at or rnd.created_at).year)
        if until is not None and until < as_of:
            out.append(
                {
                    "round_id": rnd.id,
                    "doc_number": rnd.doc_number,
                    "title": draft.title,
                    "doc_type": doc_type.key,
                    "retention": doc_type.retention,
                    "retention_until": until.isoformat(),
                }
            )
    return out
