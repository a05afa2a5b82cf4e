"""Turning an outbox row into a rendered message: gather the data its template needs, render,
attach. Runs at send time inside a short read transaction of the relay, and writes nothing: what it
needs from the domain (decision texts, reply links, attachments) comes through ``NoticeFacts``."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kernel.clock import Clock
from notifications.facts import NoticeFacts, OfficeStyle
from notifications.ics import deadline_ics
from notifications.message import Attachment, OutgoingMessage
from notifications.templates import MessageRenderer
from states.decision import Outcome
from states.recipient import RecipientState
from states.review import ReviewState
from storage.models import OutboxMessage
from storage.uow import UnitOfWork

CHANNEL_LABELS = {"web": "网上回复", "paper": "纸质回复", "email": "邮件回复"}
CALENDAR_KINDS = frozenset({"solicitation", "deadline_changed", "reminder"})
"""Notices that carry the deadline as an iCalendar entry."""


ROUND_PARTS = 64
"""Rounds whose shared part of the context a composer keeps (a few are sending at any time)."""


@dataclass(frozen=True)
class RoundPart:
    """What every notice of a round says alike: its office, the round with its letter, the draft, the
    reviewing unit (who a notice without a unit goes to) and the office's style. Copied into each context."""

    office: dict[str, Any]
    round: dict[str, Any]
    draft_title: str
    reviewer_unit: str
    style: OfficeStyle


class Composer:
    """``compose(uow, row)``: the rendered message for an outbox row (the relay's ``compose``).

    A round's part of the context (``RoundPart``) is built once and kept under the round's stamp
    (``NoticeFacts.round_stamp``), read again for every message: its letter took a dozen queries and more
    CPU than storing the reply a receipt confirms, in the process that takes the replies (issue 13). A change
    to the round, its draft or its office gives another stamp, so it is never served stale."""

    def __init__(self, facts: NoticeFacts, clock: Clock, renderer: MessageRenderer | None = None) -> None:
        self.facts = facts
        self.clock = clock
        self.renderer = renderer or MessageRenderer()
        self._parts: OrderedDict[tuple[int, Hashable], RoundPart] = OrderedDict()
        self._parts_lock = threading.Lock()  # one composer may serve the relay and a command at once

    def __call__(self, uow: UnitOfWork, row: OutboxMessage) -> OutgoingMessage:
        ctx, style = self._context(uow, row)
        ctx["wording"] = dict(style.wording)  # the office's phrases, for its own templates
        rendered = self.renderer.for_office(style.template_dir).render(row.kind, ctx)
        files: list[Attachment] = []
        if row.kind in CALENDAR_KINDS:
            rnd = ctx["round"]
            files.append(
                Attachment(
                    "截止时间.ics",
                    "text/calendar",
                    deadline_ics(
                        f"round-{rnd['id']}-deadline@consultflow",
                        f"征求意见截止：{rnd['doc_number']}",
                        rnd["deadline"],
                        f"{rnd['letter_title']}，逾期未回复视为无意见。",
                        self.clock.now(),
                    ),
                )
            )
        files.extend(self.facts.attachments(uow, row))
        return OutgoingMessage(
            key=row.key,
            channel=row.channel,
            address=row.address,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            markdown=rendered.markdown,
            attachments=tuple(files),
            payload={"kind": row.kind, "round_id": row.round_id, "recipient_id": row.recipient_id},
            sender_name=str((ctx.get("office") or {}).get("name", "")),  # the office whose message it is
        )

    def context(self, uow: UnitOfWork, row: OutboxMessage) -> dict[str, Any]:
        """What the row's templates see (its office's ``wording`` aside)."""
        return self._context(uow, row)[0]

    def _context(self, uow: UnitOfWork, row: OutboxMessage) -> tuple[dict[str, Any], OfficeStyle]:
        """The row's context and its office's style (a round's is kept with the round's part)."""
        stored: dict[str, Any] = json.loads(row.context or "{}")
        if row.kind.startswith("progress_"):
            progress = self._progress_context(uow, row, stored)
            return progress, self.facts.office_style(uow, int(progress["office"]["id"] or 0))
        part = self.round_part(uow, row.round_id or 0)
        unit = uow.directory.unit(row.unit_id) if row.unit_id else None
        ctx: dict[str, Any] = {
            "office": dict(part.office),
            "round": {**part.round, "attachments": list(part.round["attachments"])},
            "draft": {"title": part.draft_title},
            "unit": {"name": unit.name if unit else part.reviewer_unit},
        }
        if row.recipient_id:
            url = self.facts.reply_url(uow, row.recipient_id)
            if url is not None:  # a template that needs the link fails loudly without it (StrictUndefined)
                ctx["reply_url"] = url
        builder = getattr(self, f"_ctx_{row.kind}", None)
        if builder is not None:
            builder(uow, row, stored, ctx)
        return ctx, part.style

    def round_part(self, uow: UnitOfWork, round_id: int) -> RoundPart:
        """The round's part of every notice's context: the one kept under its stamp, else built now and kept.

        The stamp is read before the rows the part is built from, so a part is never older than its stamp
        (a change committed in between is in the part, and the next message, with the new stamp, builds it
        again). A unit of work holding changes not yet written builds it without the cache: the stamp (plain
        SQL) would not see them, the rows it is built from would."""
        if uow.has_unwritten_changes():
            return self._build_round_part(uow, round_id)
        stamp = self.facts.round_stamp(uow, round_id)
        if stamp is None:
            raise ValueError(f"round {round_id} not found")
        key = (round_id, stamp)
        with self._parts_lock:
            found = self._parts.get(key)
            if found is not None:
                self._parts.move_to_end(key)
                return found
        part = self._build_round_part(uow, round_id)
        with self._parts_lock:
            self._parts[key] = part
            while len(self._parts) > ROUND_PARTS:
                self._parts.popitem(last=False)
        return part

    def _build_round_part(self, uow: UnitOfWork, round_id: int) -> RoundPart:
        rnd = uow.rounds.get(round_id)
        if rnd is None:
            raise ValueError(f"round {round_id} not found")
        draft = uow.drafts.get(rnd.draft_id)
        office = uow.directory.office(rnd.office_id)
        letter = self.facts.letter(uow, rnd.id or 0)
        return RoundPart(
            office={
                "id": office.id if office else None,
                "name": office.name if office else "",
                "short_name": office.short_name if office else "",
            },
            round={
                "id": rnd.id,
                "doc_number": rnd.doc_number,
                "deadline": rnd.deadline,
                "letter_date": rnd.letter_date,
                "letter_title": letter.title,
                "attachments": tuple(letter.attachments),
                "contact": rnd.contact,
                "phone": rnd.phone,
                "basis": rnd.basis,
                "requirements": rnd.requirements,
            },
            draft_title=draft.title if draft else "",
            reviewer_unit=office.reviewer_unit if office else "",
            style=self.facts.office_style(uow, (office.id or 0) if office else 0),
        )

    def _progress_context(self, uow: UnitOfWork, row: OutboxMessage, stored: dict[str, Any]) -> dict[str, Any]:
        """A monthly progress notice: the unit, the month, its items (supervised ones with their note)."""
        request = uow.tracking.request(int(stored["progress_request_id"]))
        rnd = uow.tracking.round(request.round_id) if request else None
        if request is None or rnd is None:
            raise ValueError(f"progress request {stored.get('progress_request_id')} not found")
        office = uow.directory.office(rnd.office_id)
        year, month = rnd.month.split("-")
        items = uow.tracking.items_by_ids(json.loads(request.item_ids or "[]"))
        ctx: dict[str, Any] = {
            "office": {
                "id": office.id if office else None,
                "name": office.name if office else "",
                "short_name": office.short_name if office else "",
            },
            "unit": {"name": request.unit_name},
            "progress": {"month": rnd.month, "month_label": f"{year}年{int(month)}月", "due": rnd.due},
            "items": [
                {"title": (i.measure or i.problem).split("\n")[0][:80], "due_text": i.due_text,
                 "supervised": i.supervised, "note": i.supervision_note}
                for i in items.values()
            ],
        }
        url = self.facts.progress_url(uow, request.id or 0)
        if url is not None:
            ctx["progress_url"] = url
        return ctx

    def _ctx_reminder(self, uow: UnitOfWork, row: OutboxMessage, stored: dict[str, Any], ctx: dict[str, Any]) -> None:
        ctx["remaining"] = ctx["round"]["deadline"] - self.clock.now()

    def _ctx_deadline_changed(
        self, uow: UnitOfWork, row: OutboxMessage, stored: dict[str, Any], ctx: dict[str, Any]
    ) -> None:
        ctx["old_deadline"] = datetime.fromisoformat(stored["old_deadline"])
        ctx["reason"] = stored.get("reason", "")

    def _ctx_reply_receipt(
        self, uow: UnitOfWork, row: OutboxMessage, stored: dict[str, Any], ctx: dict[str, Any]
    ) -> None:
        reply = uow.replies.get(int(stored["reply_id"]))
        if reply is None:
            raise ValueError("reply not found")
        comments = uow.replies.comments_of([reply.id or 0])
        ctx["reply"] = {
            "revision": reply.revision,
            "received_at": reply.received_at,
            "late": reply.late,
            "no_comments": reply.kind == RecipientState.no_comments,  # a reply's kind is the state it gives
            "channel_label": CHANNEL_LABELS.get(reply.channel, reply.channel),
        }
        ctx["comments"] = [{"target": c.target, "text": c.text, "basis": c.basis, "reason": c.reason} for c in comments]

    def _ctx_adoption_feedback(
        self, uow: UnitOfWork, row: OutboxMessage, stored: dict[str, Any], ctx: dict[str, Any]
    ) -> None:
        ctx["comments"] = [
            {
                "target": c.target,
                "text": c.text,
                "decision_text": self.facts.decision_text(d.outcome if d else None, d.reason if d else ""),
            }
            for c, r, _u, d in uow.replies.decision_queue(row.round_id or 0)
            if r.recipient_id == row.recipient_id
        ]

    def _ctx_review_request(
        self, uow: UnitOfWork, row: OutboxMessage, stored: dict[str, Any], ctx: dict[str, Any]
    ) -> None:
        reviews = {v.id: v for v in uow.rounds.reviews(row.round_id or 0)}
        review = reviews.get(int(stored["review_id"]))
        states = [r.state for r, _ in uow.rounds.recipients(row.round_id or 0)]
        outcomes = [d.outcome if d else None for *_x, d in uow.replies.decision_queue(row.round_id or 0)]
        office = uow.directory.office(uow.rounds.get(row.round_id or 0).office_id)  # type: ignore[union-attr]
        ctx["reviewer"] = office.reviewer_unit if office else ""
        ctx["review"] = {"version": review.version if review else 0, "due_at": review.due_at if review else None}
        ctx["review_url"] = self.facts.review_url(row.round_id or 0)
        ctx["counts"] = {
            "asked": len(states),
            "with_comments": states.count(RecipientState.with_comments),
            "no_comments": states.count(RecipientState.no_comments),
            "deemed": states.count(RecipientState.deemed_no_objection),
            "comments": len(outcomes),
            "adopted": outcomes.count(Outcome.adopted),
            "partly_adopted": outcomes.count(Outcome.partly_adopted),
            "rejected": outcomes.count(Outcome.rejected),
        }

    def _ctx_review_result(
        self, uow: UnitOfWork, row: OutboxMessage, stored: dict[str, Any], ctx: dict[str, Any]
    ) -> None:
        review = {v.id: v for v in uow.rounds.reviews(row.round_id or 0)}.get(int(stored["review_id"]))
        ctx["review"] = {
            "approved": bool(review and review.state == ReviewState.approved),
            "reviewer": review.reviewer if review else "",
            "opinion": review.opinion if review else "",
            "version": review.version if review else 0,
        }

    def _ctx_review_due_reminder(
        self, uow: UnitOfWork, row: OutboxMessage, stored: dict[str, Any], ctx: dict[str, Any]
    ) -> None:
        review = {v.id: v for v in uow.rounds.reviews(row.round_id or 0)}.get(int(stored["review_id"]))
        ctx["reviewer"] = ctx["unit"]["name"]
        ctx["review_url"] = self.facts.review_url(row.round_id or 0)
        ctx["review"] = {
            "version": review.version if review else 0,
            "requested_at": review.requested_at if review else None,
            "due_at": review.due_at if review else None,
            "rule": stored.get("rule", ""),
        }

    def _ctx_filing_reminder(
        self, uow: UnitOfWork, row: OutboxMessage, stored: dict[str, Any], ctx: dict[str, Any]
    ) -> None:
        publication = uow.process.publication(row.round_id or 0)
        draft = uow.drafts.get(uow.rounds.get(row.round_id or 0).draft_id)  # type: ignore[union-attr]
        ctx["issued_doc_number"] = (draft.issued_doc_number if draft else "") or ""
        ctx["filing"] = {
            "published_on": publication.published_on if publication else None,
            "place": publication.place if publication else "",
            "due": publication.filing_due if publication else None,
            "rule": stored.get("rule", ""),
        }

    def _ctx_withdrawn(self, uow: UnitOfWork, row: OutboxMessage, stored: dict[str, Any], ctx: dict[str, Any]) -> None:
        ctx["reason"] = stored.get("reason", "")

    def _ctx_issued(self, uow: UnitOfWork, row: OutboxMessage, stored: dict[str, Any], ctx: dict[str, Any]) -> None:
        ctx["issued_doc_number"] = stored.get("doc_number", "")
