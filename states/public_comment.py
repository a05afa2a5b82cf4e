"""A public comment (社会公众意见) and its moderation: pending until staff publish or hide it.

Nothing is ever deleted: a hidden comment stays on the record with the reason staff chose from the
office's list, and may be published again (and a published one hidden) — each move audited.
The commenter's kind is data too, so every page and document names it the same way.
"""

from __future__ import annotations

from enum import StrEnum

from states.machine import StateMachine, Transition


class ModerationState(StrEnum):
    pending = "pending"
    published = "published"
    hidden = "hidden"


class CommenterKind(StrEnum):
    """Who comments, as the form offers it (公民 / 企业 / 行业协会商会 / 其他组织)."""

    citizen = "citizen"
    enterprise = "enterprise"
    association = "association"
    organisation = "organisation"


KIND_LABELS = {
    CommenterKind.citizen.value: "公民",
    CommenterKind.enterprise.value: "企业",
    CommenterKind.association.value: "行业协会商会",
    CommenterKind.organisation.value: "其他组织",
}

CHANNEL_LABELS = {"web": "网上提交", "letter": "信函", "email": "电子邮件", "fax": "传真"}

S = ModerationState

MODERATION_MACHINE = StateMachine(
    name="public_comment",
    states=ModerationState,
    initial=S.pending,
    table=[
        Transition("publish", (S.pending, S.hidden), S.published),
        Transition("hide", (S.pending, S.published), S.hidden),
    ],
    state_labels={"pending": "待审核", "published": "已公开", "hidden": "不予公开"},
    trigger_labels={"publish": "公开", "hide": "不予公开"},
)
