"""The 征求意见函's words: the round's own fields through the office's Jinja2 template.

Nothing of any one office is written here. The shipped template (``templates/solicitation_letter.j2``)
holds the sentences every letter of this kind has; what differs comes from the round (purpose, basis,
focus, requirements, contact, deadline, the attachments' names) and from the office's profile (its
names, and ``wording``: e.g. ``letter_signature`` when the 落款 differs from the issuer mark). An office
may replace the template, or one block of it, in its profile's ``template_dir``; every office's template
is rendered once with a sample at start-up (``check_office_templates``), so a broken one stops the
process then, not when a letter is due.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    UndefinedError,
)

from kernel.errors import InvalidInput
from kernel.timefmt import cn_date, cn_datetime, to_beijing
from states.draft import STAGE_LABELS
from storage.uow import UnitOfWork
from workflow.profiles import OfficeProfile
from workflow.services.offices import office_profile

BUILTIN = Path(__file__).parent / "templates"
TEMPLATE = "solicitation_letter.j2"
_SEP = "\x1e"  # between the template's three parts (title, body, signature); no letter contains it


def book(title: str) -> str:
    """《title》, with 书名号 inside it turned into 〈〉 as nesting requires (GB/T 15834)."""
    return "《" + title.replace("《", "〈").replace("》", "〉") + "》"


def clause(text: str) -> str:
    """A phrase that the letter continues after a comma: its own closing punctuation dropped."""
    return text.strip().rstrip("。；，;,")


@dataclass(frozen=True)
class AttachmentName:
    number: int
    name: str


@dataclass(frozen=True)
class LetterAttachments:
    """附件1 the draft, 附件2 its task table where it has one, then the reply form: as the letter lists them."""

    draft: AttachmentName
    tasks: AttachmentName | None
    reply_form: AttachmentName

    def listed(self) -> tuple[str, ...]:
        return tuple(a.name for a in (self.draft, self.tasks, self.reply_form) if a is not None)


def cited_title(draft_title: str, stage: str) -> str:
    """《某市人民政府关于…的通知（代拟稿）》: the draft as the letter cites it, with its version's stage."""
    return book(f"{draft_title}（{STAGE_LABELS.get(stage, stage)}）")


def reply_form_title(draft_title: str, stage: str) -> str:
    return f"{cited_title(draft_title, stage)}征求意见回复表"


def letter_attachments(
    draft_title: str, stage: str, has_tasks: bool, names: Mapping[str, str] | None = None
) -> LetterAttachments:
    """The attachments' names: as the round recorded them (``names``), else from the draft's title and stage."""
    names = names or {}
    label = STAGE_LABELS.get(stage, stage)
    draft = AttachmentName(1, names.get("draft") or f"{draft_title}（{label}）")
    tasks = AttachmentName(2, names.get("tasks") or f"{draft_title}（重点任务分工）") if has_tasks else None
    form = AttachmentName(3 if has_tasks else 2, names.get("reply_form") or reply_form_title(draft_title, stage))
    return LetterAttachments(draft, tasks, form)


@dataclass(frozen=True)
class LetterText:
    title: str
    paragraphs: tuple[str, ...]
    signature: str


def _paragraphs(text: str) -> tuple[str, ...]:
    """Blank lines separate paragraphs; the lines of one paragraph are joined (Chinese needs no spaces)."""
    blocks = re.split(r"\n\s*\n", text.strip())
    joined = ("".join(line.strip() for line in block.splitlines()) for block in blocks)
    return tuple(p for p in joined if p)


class LetterTemplates:
    """The letter template of one office: its own ``template_dir`` first, then the shipped one."""

    def __init__(self, template_dir: Path | None = None) -> None:
        if template_dir is not None and not template_dir.is_dir():
            raise InvalidInput(
                "LETTER_TEMPLATE_INVALID",
                f"征求意见函模板目录 {template_dir} 不存在（机关配置 template_dir）。",
                template_dir=str(template_dir),
            )
        builtin = FileSystemLoader(str(BUILTIN))
        loaders: list[Any] = [FileSystemLoader(str(template_dir))] if template_dir else []
        self.where = str(template_dir or BUILTIN)
        self.env = Environment(
            loader=ChoiceLoader([*loaders, PrefixLoader({"builtin": builtin}), builtin]),
            undefined=StrictUndefined,
            autoescape=False,  # plain text: the document writers escape for HTML and XML
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(book=book, clause=clause, cn_date=cn_date, cn_datetime=cn_datetime)

    def render(self, context: Mapping[str, Any]) -> LetterText:
        try:
            text = self.env.get_template(TEMPLATE).render(**context, SEP=_SEP)
        except TemplateNotFound as exc:
            raise self._invalid(f"找不到模板 {exc.name}") from None
        except UndefinedError as exc:
            raise self._invalid(f"引用了不存在的字段：{exc.message}") from None
        except TemplateError as exc:
            raise self._invalid(f"有错误：{exc}") from None
        parts = text.split(_SEP)
        if len(parts) != 3:
            raise self._invalid("应依次输出 title、body、signature 三块（以 {{ SEP }} 分隔）")
        title, body, signature = parts
        paragraphs = _paragraphs(body)
        if not title.strip() or not paragraphs:
            raise self._invalid("标题或正文为空")
        return LetterText(" ".join(title.split()), paragraphs, signature.strip())

    def validate(self, profile: OfficeProfile) -> None:
        """Render a sample letter of ``profile``'s office: a missing field or a syntax error shows now."""
        self.render(sample_context(profile))

    def _invalid(self, what: str) -> InvalidInput:
        return InvalidInput(
            "LETTER_TEMPLATE_INVALID", f"征求意见函模板 {TEMPLATE}（{self.where}）{what}。", template=TEMPLATE
        )


@lru_cache(maxsize=32)
def _templates(template_dir: str) -> LetterTemplates:
    return LetterTemplates(Path(template_dir) if template_dir else None)


def templates_for(profile: OfficeProfile) -> LetterTemplates:
    """The office's letter template (its ``template_dir`` is absolute once loaded from a profile file)."""
    return _templates(str(Path(profile.template_dir).resolve()) if profile.template_dir else "")


def letter_context(
    profile: OfficeProfile,
    *,
    draft_title: str,
    stage: str,
    attachments: LetterAttachments,
    doc_number: str,
    deadline: datetime,
    letter_date: date,
    contact: str,
    phone: str,
    purpose: str = "",
    basis: str = "",
    focus: str = "",
    requirements: str = "",
    shorten_reason: str = "",
    period: str = "",
) -> dict[str, Any]:
    """What the template sees: the office, its wording, the draft, the round's fields and the attachments."""
    return {
        "office": {
            "name": profile.name,
            "short_name": profile.short_name,
            "running_name": profile.running_name,
            "level": profile.level,
        },
        "wording": dict(profile.wording),
        "draft": {
            "title": draft_title,
            "stage_label": STAGE_LABELS.get(stage, stage),
            "cited": cited_title(draft_title, stage),
        },
        "round": {
            "doc_number": doc_number,
            "deadline": deadline,
            "letter_date": letter_date,
            "contact": contact,
            "phone": phone,
            "purpose": purpose,
            "basis": basis,
            "focus": focus,
            "requirements": requirements,
            "shorten_reason": shorten_reason,
            "period_days": max(0, (to_beijing(deadline).date() - letter_date).days),
            # stated in the unit the type's minimum counts: "5个工作日" for a 规范性文件, else "9日"
            "period": period or f"{max(0, (to_beijing(deadline).date() - letter_date).days)}日",
        },
        "attachments": {
            "draft": attachments.draft,
            "tasks": attachments.tasks,
            "reply_form": attachments.reply_form,
        },
    }


def sample_context(profile: OfficeProfile) -> dict[str, Any]:
    """A neutral sample round of ``profile``'s office, every field filled, for the start-up check."""
    title = "关于做好年度重点工作的通知"
    return letter_context(
        profile,
        draft_title=title,
        stage="proposed",
        attachments=letter_attachments(title, "proposed", True),
        doc_number="示例〔2026〕1号",
        deadline=datetime(2026, 3, 6, 2, 0, tzinfo=UTC),
        letter_date=date(2026, 3, 2),
        contact="联系人",
        phone="0000-0000000",
        purpose="为做好年度重点工作",
        basis="根据上级有关文件精神",
        focus="本单位工作",
        requirements="修改意见要有依据、理由充分。",
        shorten_reason="工作时限紧",
    )


def round_attachment_names(raw: str) -> dict[str, str]:
    """The names a round recorded for its attachments (JSON), keeping only the three known keys."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: str(v) for k, v in data.items() if k in ("draft", "tasks", "reply_form") and v}


def check_office_templates(uow: UnitOfWork) -> int:
    """Start-up: every office's letter template renders a sample (the shipped one included); returns how many."""
    checked = 0
    LetterTemplates().validate(OfficeProfile(code="sample", name="示例机关", short_name="示例办"))
    for office in uow.directory.offices():
        profile = office_profile(uow, office.id or 0)
        templates_for(profile).validate(profile)
        checked += 1
    return checked
