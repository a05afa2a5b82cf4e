"""The process of one round as both sides see it: the document type and its rules, the consultation's
scope and any shortening reason, the departures with their reasons, the legality review's period, due
date, materials and checklist, the deliberation, publication and filing (with the filing deadline)."""

from __future__ import annotations

import json
from typing import Any

from kernel.timefmt import iso_beijing
from storage.uow import UnitOfWork
from workflow.doc_types import CHECK_ANSWERS, SHIPPED_TYPES, DocTypes
from workflow.services._common import load_draft, load_round
from workflow.services.deliberation import OUTCOMES, deliberated
from workflow.services.departures import SCOPES, departures
from workflow.services.review import materials


def process_status(uow: UnitOfWork, round_id: int, rules: DocTypes = SHIPPED_TYPES) -> dict[str, Any]:
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    doc_type = rules.get(draft.doc_type)
    reviews = uow.rounds.reviews(round_id)
    documents = uow.process.review_documents([r.id or 0 for r in reviews])
    publication, filing = uow.process.publication(round_id), uow.process.filing(round_id)
    return {
        "round_id": round_id,
        "doc_type": doc_type.to_dict(),
        "scope": rnd.scope,
        "scope_label": SCOPES.get(rnd.scope, rnd.scope),
        "shorten_reason": rnd.shorten_reason,
        "legal_basis": [line for line in draft.legal_basis.splitlines() if line.strip()],
        "materials": materials(draft, doc_type),
        "departures": departures(uow, round_id),
        "reviews": [
            {
                "review_id": r.id,
                "version": r.version,
                "state": r.state,
                "reviewer": r.reviewer,
                "opinion": r.opinion,
                "requested_at": iso_beijing(r.requested_at),
                "min_at": iso_beijing(r.min_at) if r.min_at else None,
                "due_at": iso_beijing(r.due_at) if r.due_at else None,
                "decided_at": iso_beijing(r.decided_at) if r.decided_at else None,
                "checklist": [
                    {**p, "answer_label": CHECK_ANSWERS.get(p["answer"], p["answer"])}
                    for p in json.loads(r.checklist or "[]")
                ],
                "changes": [c for c in r.changes.splitlines() if c.strip()],
                "missing_materials": json.loads(r.missing_materials or "[]"),
                "opinion_files": [
                    {"filename": d.filename, "sha256": d.sha256, "size": d.size}
                    for d in documents
                    if d.review_id == r.id
                ],
            }
            for r in reviews
        ],
        "deliberation_required": doc_type.deliberation_required,
        "deliberated": deliberated(uow, round_id),
        "deliberations": [
            {
                "meeting": m.meeting,
                "held_on": m.held_on.isoformat(),
                "outcome": m.outcome,
                "outcome_label": OUTCOMES.get(m.outcome, m.outcome),
                "minutes": m.minutes_name or None,
                "minutes_sha256": m.minutes_sha256 or None,
            }
            for m in uow.process.deliberations(round_id)
        ],
        "publication": (
            {
                "published_on": publication.published_on.isoformat(),
                "where": publication.place,
                "filing_due": publication.filing_due.isoformat() if publication.filing_due else None,
            }
            if publication
            else None
        ),
        "filing": {"filed_to": filing.filed_to, "filed_on": filing.filed_on.isoformat()} if filing else None,
    }
