"""JSON API under /api/v1: every action the pages offer, with the CLI's error codes.

Authentication is the same server-side session as the pages (POST /session); unsafe methods must
send the session's CSRF token in the ``X-CSRF-Token`` header. Unit replies use the personal link.
One module per resource; every route declares what it answers (``schemas``).
"""

from __future__ import annotations

from types import ModuleType

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

MODULES = (
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
)
"""Every resource, in the order the published schema lists them."""


def _router(modules: tuple[ModuleType, ...]) -> APIRouter:
    router = APIRouter()
    for module in modules:
        router.include_router(module.router)
    return router


link_router = links.router
"""The personal links' routes: the app matches them before every other route (units reply through them)."""
router = _router(tuple(m for m in MODULES if m is not links))
"""Everything else, matched after the pages."""
published = _router(MODULES)
"""The whole API in the documented order, for the schema only (``entrypoints.web.openapi``)."""
