"""JSON API under /api/v1: every action the pages offer, with the CLI's error codes.

Authentication is the same server-side session as the pages (POST /session); unsafe methods must
send the session's CSRF token in the ``X-CSRF-Token`` header. Unit replies use the personal link.
One module per resource; every route declares what it answers (``schemas``).
"""

from __future__ import annotations

from fastapi import APIRouter

from entrypoints.web.api import (
    accounts,
    audit,
    decisions,
    documents,
    drafts,
    links,
    offices,
    process,
    progress,
    public,
    replies,
    reviews,
    rounds,
    session,
    signed,
    tasks,
    units,
    workdays,
)

router = APIRouter()
for module in (
    session,
    rounds,
    signed,
    drafts,
    workdays,
    replies,
    links,
    decisions,
    reviews,
    documents,
    audit,
    units,
    offices,
    tasks,
    progress,
    process,
    public,
    accounts,
):
    router.include_router(module.router)
