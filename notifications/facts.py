"""What composing a notice needs from the domain, as a small interface the domain layer implements.

notifications/ sits below the use-case layer and may not import it. The composer is given an object
with these methods instead (the use-case layer's ``notices.WorkflowFacts``). Every method only reads:
composing a message writes nothing.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from notifications.message import Attachment
from storage.models import OutboxMessage
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class OfficeStyle:
    """How an office words its notices: its own template folder (may be empty) and its phrases."""

    template_dir: str = ""
    wording: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LetterFacts:
    """What a notice says of the round's letter: its title as printed and its attachments' names."""

    title: str
    attachments: tuple[str, ...] = ()


class NoticeFacts(Protocol):
    def decision_text(self, outcome: str | None, reason: str) -> str:
        """How a decision on a comment is written (予以采纳 / 不予采纳，<理由> / 待决定)."""
        ...

    def letter(self, uow: UnitOfWork, round_id: int) -> LetterFacts:
        """The round's solicitation letter (函): title and the names of its attachments."""
        ...

    def round_stamp(self, uow: UnitOfWork, round_id: int) -> Hashable | None:
        """A value, read now, that differs whenever anything differs that ``letter`` and ``office_style`` (of
        the round's office) read, or that the composer reads of the round, its draft and its office: the
        composer keeps a round's part of the context under it. None: there is no such round."""
        ...

    def reply_url(self, uow: UnitOfWork, recipient_id: int) -> str | None:
        """The recipient's personal reply link, from its existing link row; None if it has no live link.
        Never creates a link: links are made when the notice is queued."""
        ...

    def progress_url(self, uow: UnitOfWork, request_id: int) -> str | None:
        """A unit's progress-report link for one monthly request; None if the request is gone."""
        ...

    def review_url(self, round_id: int) -> str:
        """Where the reviewer reads the round."""
        ...

    def office_style(self, uow: UnitOfWork, office_id: int) -> OfficeStyle:
        """The office's notice templates folder and wording (from its profile)."""
        ...

    def attachments(self, uow: UnitOfWork, row: OutboxMessage) -> list[Attachment]:
        """Documents that travel with this notice (may be none): for a solicitation, the letter and its
        attachments, rendered now from the row's ids (the outbox row itself holds no files)."""
        ...
