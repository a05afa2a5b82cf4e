"""Chinese message templates: one file per kind and format, rendered with StrictUndefined.

``validate_all()`` renders every kind with a realistic sample context at start-up, so a template
that names a missing field stops the process then, not when a notice is due.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    UndefinedError,
    select_autoescape,
)

from kernel.errors import InvalidInput
from kernel.timefmt import cn_date, cn_datetime

BUILTIN = Path(__file__).parent / "templates"
KINDS = (
    "solicitation",
    "reminder",
    "deadline_changed",
    "deadline_passed",
    "reply_receipt",
    "adoption_feedback",
    "review_request",
    "review_result",
    "issued",
    "withdrawn",
    "progress_request",
    "progress_reminder",
    "progress_not_reported",
    "review_due_reminder",
    "filing_reminder",
)
FORMATS = ("subject", "txt", "html", "md")


def cn_duration(delta: timedelta) -> str:
    """1天2小时 / 2小时 / 30分钟 — how much time is left, as people say it."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}天" if days else "", f"{hours}小时" if hours else "", f"{mins}分钟" if mins and not days else ""]
    return "".join(parts) or "不到1分钟"


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str
    markdown: str


class MessageRenderer:
    """Templates looked up in an office's own folder (if any), then the server's ``[notifications]
    template_dir``, then the shipped ones: an office replaces only the notices it words differently."""

    def __init__(self, extra_template_dir: Path | None = None, office_dir: Path | None = None) -> None:
        self._extra = extra_template_dir
        self._offices: dict[str, MessageRenderer] = {}
        loaders = [FileSystemLoader(str(d)) for d in (office_dir, extra_template_dir) if d is not None]
        self.env = Environment(
            loader=ChoiceLoader([*loaders, FileSystemLoader(str(BUILTIN))]),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
            keep_trailing_newline=False,
        )
        self.env.filters.update(cn_datetime=cn_datetime, cn_date=cn_date, cn_duration=cn_duration)

    def render(self, kind: str, context: dict[str, Any]) -> RenderedMessage:
        if kind not in KINDS:
            raise InvalidInput("TEMPLATE_UNKNOWN", f"没有“{kind}”类消息模板。")
        out = {}
        for fmt in FORMATS:
            name = f"{kind}.{fmt}.j2"
            try:
                out[fmt] = self.env.get_template(name).render(**context).strip()
            except UndefinedError as exc:
                raise InvalidInput(
                    "TEMPLATE_INVALID", f"消息模板 {name} 引用了不存在的字段：{exc.message}", template=name
                ) from None
            except TemplateError as exc:
                raise InvalidInput("TEMPLATE_INVALID", f"消息模板 {name} 有错误：{exc}", template=name) from None
        return RenderedMessage(" ".join(out["subject"].split()), out["txt"], out["html"], out["md"])

    def for_office(self, template_dir: str) -> MessageRenderer:
        """The renderer of an office whose profile names ``template_dir`` (this one if it names none);
        built once per folder."""
        if not template_dir:
            return self
        found = self._offices.get(template_dir)
        if found is None:
            found = self._offices[template_dir] = MessageRenderer(self._extra, Path(template_dir))
        return found

    def validate_all(self, wording: Mapping[str, str] | None = None) -> None:
        """Render every kind with a sample context (and the office's own ``wording``, which templates may use)."""
        for kind in KINDS:
            self.render(kind, sample_context(kind) | {"wording": dict(wording or {})})


def sample_context(kind: str) -> dict[str, Any]:
    """A complete context for each kind, with neutral sample values (no real office's words)."""
    deadline = datetime(2026, 3, 6, 2, 0, tzinfo=UTC)
    base: dict[str, Any] = {
        "office": {"name": "示例市某某工作委员会办公室", "short_name": "某某办"},
        "round": {
            "doc_number": "示例办函〔2026〕1号",
            "deadline": deadline,
            "letter_date": date(2026, 3, 2),
            "letter_title": "示例市某某工作委员会办公室关于对《示例市人民政府关于做好年度重点工作的通知（代拟稿）》"
            "征求意见的函",
            "attachments": [
                "示例市人民政府关于做好年度重点工作的通知（代拟稿）",
                "示例市人民政府关于做好年度重点工作的通知（重点任务分工）",
                "《示例市人民政府关于做好年度重点工作的通知（代拟稿）》征求意见回复表",
            ],
            "contact": "张三",
            "phone": "0000-0000000",
            "basis": "",
            "requirements": "修改意见要有依据、理由充分。理由不充分或无依据的不予采纳。",
        },
        "draft": {"title": "示例市人民政府关于做好年度重点工作的通知"},
        "unit": {"name": "示例单位"},
        "reply_url": "https://consultflow.example.cn/r/TOKEN",
    }
    comment = {
        "target": "序号1",
        "text": "建议增加“……”。",
        "basis": "",
        "reason": "",
        "decision_text": "予以采纳",
    }
    extra: dict[str, dict[str, Any]] = {
        "reminder": {"remaining": timedelta(hours=2)},
        "deadline_changed": {"old_deadline": deadline - timedelta(days=1), "reason": "节假日顺延"},
        "reply_receipt": {
            "reply": {
                "revision": 1,
                "received_at": deadline - timedelta(hours=3),
                "late": False,
                "no_comments": False,
                "channel_label": "网上回复",
            },
            "comments": [comment],
        },
        "adoption_feedback": {"comments": [comment]},
        "review_request": {
            "reviewer": "示例审查单位",
            "review": {"version": 1, "due_at": deadline + timedelta(days=7)},
            "review_url": "https://x.example.cn/review",
            "counts": {
                "asked": 37,
                "with_comments": 3,
                "no_comments": 17,
                "deemed": 17,
                "comments": 6,
                "adopted": 5,
                "partly_adopted": 0,
                "rejected": 1,
            },
        },
        "review_result": {"review": {"approved": True, "reviewer": "示例审查单位", "opinion": "", "version": 1}},
        "issued": {"issued_doc_number": "示例政发〔2026〕1号"},
        "withdrawn": {"reason": "上级文件调整，另行起草"},
        "review_due_reminder": {
            "reviewer": "示例审查单位",
            "review_url": "https://x.example.cn/review",
            "review": {
                "version": 1,
                "requested_at": deadline + timedelta(days=3),
                "due_at": deadline + timedelta(days=10),
                "rule": "国办发〔2018〕115号（合法性审核原则上不少于5个工作日，最长不超过15个工作日）",
            },
        },
        "filing_reminder": {
            "issued_doc_number": "示例政发〔2026〕1号",
            "filing": {
                "published_on": date(2026, 4, 1),
                "place": "示例市人民政府门户网站",
                "due": date(2026, 5, 1),
                "rule": "国办发〔2018〕37号（自公开发布之日起30日内报送备案）",
            },
        },
    }
    if kind.startswith("progress_"):
        return {
            "office": base["office"],
            "unit": {"name": "示例单位"},
            "progress": {"month": "2026-10", "month_label": "2026年10月", "due": datetime(2026, 10, 25, 9, tzinfo=UTC)},
            "items": [
                {"title": "示例整改措施", "due_text": "10月底", "supervised": True, "note": "本月底前完成"},
            ],
            "progress_url": "https://consultflow.example.cn/p/TOKEN",
        }
    return {**base, **extra.get(kind, {})}
