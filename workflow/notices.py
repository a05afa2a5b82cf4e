"""Notices as the workflow configures them: what the composer needs from the domain, and the relay.

notifications/ may not import workflow/; it asks for decision texts, reply links, letter titles and
attachments through ``notifications.facts.NoticeFacts``, which ``WorkflowFacts`` implements here.
Everything it does only reads: links are made when notices are queued (``messages.ensure_links``).
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path

from kernel.clock import Clock
from notifications.channels.registry import build_channels
from notifications.compose import Composer
from notifications.facts import LetterFacts, OfficeStyle
from notifications.message import Attachment
from notifications.relay import Relay, RelayPolicy
from notifications.templates import MessageRenderer
from storage.models import OutboxMessage
from storage.uow import UnitOfWork, UowFactory
from workflow.config import Settings
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.reports import official
from workflow.reports.attachments import notice_attachments
from workflow.reports.letters import check_office_templates
from workflow.services.decisions import decision_text
from workflow.services.links import live_token
from workflow.services.offices import office_profile
from workflow.services.progress import request_token


class WorkflowFacts:
    """``NoticeFacts`` from the workflow's own rules. ``attachments=False`` sends notices without the
    letter and reply form (their DOCX rendering is the slow part of composing)."""

    def __init__(
        self, base_url: str, secret: str, *, attachments: bool = True, rules: DocTypes = SHIPPED_TYPES
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.with_attachments = attachments
        self.rules = rules

    @classmethod
    def from_settings(cls, settings: Settings, *, attachments: bool = True) -> WorkflowFacts:
        rules = DocTypes.from_settings(settings)
        return cls(settings.base_url, settings.secret_key, attachments=attachments, rules=rules)

    def decision_text(self, outcome: str | None, reason: str) -> str:
        return decision_text(outcome, reason)

    def letter(self, uow: UnitOfWork, round_id: int) -> LetterFacts:
        title, attachments = official.letter_heading(uow, round_id)
        return LetterFacts(title, attachments)

    def round_stamp(self, uow: UnitOfWork, round_id: int) -> Hashable | None:
        """What the letter's title and attachments and the office's style are made of: the round's, its
        draft's and its office's rows (the profile with them), its version's stage and task table. Not in it:
        the letter template files, checked at start-up (``build_relay``); one edited while the server runs
        shows in a round's notices once that round changes or the server restarts."""
        return uow.rounds.letter_stamp(round_id)

    def reply_url(self, uow: UnitOfWork, recipient_id: int) -> str | None:
        token = live_token(uow, self.secret, recipient_id)
        return None if token is None else f"{self.base_url}/r/{token}"

    def progress_url(self, uow: UnitOfWork, request_id: int) -> str | None:
        request = uow.tracking.request(request_id)
        if request is None or request.link_revoked_at is not None:
            return None
        return f"{self.base_url}/p/{request_token(request, self.secret)}"

    def review_url(self, round_id: int) -> str:
        return f"{self.base_url}/review/rounds/{round_id}"

    def office_style(self, uow: UnitOfWork, office_id: int) -> OfficeStyle:
        if not office_id:
            return OfficeStyle()
        profile = office_profile(uow, office_id)
        folder = str(Path(profile.template_dir).resolve()) if profile.template_dir else ""
        return OfficeStyle(folder, dict(profile.wording))

    def attachments(self, uow: UnitOfWork, row: OutboxMessage) -> list[Attachment]:
        return notice_attachments(uow, row, self.rules) if self.with_attachments else []


def build_composer(
    settings: Settings, clock: Clock, renderer: MessageRenderer | None = None, *, attachments: bool = True
) -> Composer:
    """The composer for ``settings`` (base URL, link secret)."""
    return Composer(WorkflowFacts.from_settings(settings, attachments=attachments), clock, renderer)


def build_relay(uows: UowFactory, clock: Clock, settings: Settings) -> Relay:
    """The relay as configured: channels and policy from ``[notifications]``, templates (with any
    ``template_dir`` overrides, and every office's letter template: the e-mail carries the letter) checked
    now, so a broken template stops start-up, not a notice."""
    section = settings.section("notifications")
    extra = section.get("template_dir")
    renderer = MessageRenderer(settings.path.parent / str(extra) if extra else None)
    renderer.validate_all()
    with uows() as uow:
        check_office_templates(uow)
        check_office_notice_templates(uow, renderer)
    return Relay(
        uows,
        clock,
        build_channels(section),
        build_composer(settings, clock, renderer),
        RelayPolicy.from_mapping(section),
    )


def check_office_notice_templates(uow: UnitOfWork, renderer: MessageRenderer) -> int:
    """Start-up: every office's own notice templates (its profile's ``template_dir``) render a sample with
    its wording, so a broken one stops the server, not a notice; returns how many offices have a folder."""
    facts = WorkflowFacts("", "")
    checked = 0
    for office in uow.directory.offices():
        style = facts.office_style(uow, office.id or 0)
        if style.template_dir:
            renderer.for_office(style.template_dir).validate_all(style.wording)
            checked += 1
    return checked
