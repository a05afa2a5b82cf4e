"""Rows several read models of one request share, loaded once and passed along (the reviewer's page
builds the review package, the adoption table and the audit lines from the same decision queue)."""

from __future__ import annotations

from storage.views import CommentRow, DecisionRow, ReplyRow, UnitView

Queue = list[tuple[CommentRow, ReplyRow, UnitView, DecisionRow | None]]
"""A round's decision queue as ``uow.replies.decision_queue`` returns it."""
