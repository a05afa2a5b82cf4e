"""Chinese message templates: one file per kind and format, rendered with StrictUndefined.

``validate_all()`` renders every kind with a realistic sample context at start-up, so a template
that names a missing field stops the process then, not when a notice is due.
"""

from __future__ import annotations

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
    def __init__(self, extra_template_dir: Path | None = None) -> None:
        loaders = [FileSystemLoader(str(extra_template_dir))] if extra_template_dir else []
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

    def validate_all(self) -> None:
        for kind in KINDS:
            self.render(kind, sample_context(kind))


def sample_context(kind: str) -> dict[str, Any]:
    """A realistic context for each kind, shaped like a real round (of a fictional office: no office's words here)."""
    deadline = datetime(2023, 2, 18, 2, 0, tzinfo=UTC)
    base: dict[str, Any] = {
        "office": {"name": "示例市人民政府办公室", "short_name": "示例办"},
        "round": {
            "doc_number": "示办函〔2023〕1号",
            "deadline": deadline,
            "letter_date": date(2023, 2, 17),
            "letter_title": "关于对《示例市人民政府关于做好2023年安全生产工作的通知（代拟稿）》征求意见的函",
            "contact": "张明",
            "phone": "18335877837",
            "basis": "",
            "requirements": "修改意见要有依据、理由充分。理由不充分或无依据的不予采纳。",
        },
        "draft": {"title": "示例市人民政府关于做好2023年安全生产工作的通知"},
        "unit": {"name": "示例市交通运输局"},
        "reply_url": "https://consultflow.example.cn/r/TOKEN",
    }
    comment = {
        "target": "序号8 交通运输",
        "text": "建议增加“进一步强化邮递行业安全监管”。",
        "basis": "",
        "reason": "",
        "decision_text": "予以采纳",
    }
    extra: dict[str, dict[str, Any]] = {
        "reminder": {"remaining": timedelta(hours=2)},
        "deadline_changed": {"old_deadline": deadline - timedelta(days=1), "reason": "春节假期顺延"},
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
            "reviewer": "司法局",
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
        "review_result": {"review": {"approved": True, "reviewer": "司法局", "opinion": "", "version": 1}},
        "issued": {"issued_doc_number": "示政发〔2023〕1号"},
        "withdrawn": {"reason": "上级文件调整，另行起草"},
        "review_due_reminder": {
            "reviewer": "司法局",
            "review_url": "https://x.example.cn/review",
            "review": {
                "version": 1,
                "requested_at": deadline + timedelta(days=3),
                "due_at": deadline + timedelta(days=10),
                "rule": "国办发〔2018〕115号（合法性审核原则上不少于5个工作日，最长不超过15个工作日）",
            },
        },
        "filing_reminder": {
            "issued_doc_number": "示政发〔2023〕1号",
            "filing": {
                "published_on": date(2023, 3, 1),
                "place": "示例市人民政府门户网站",
                "due": date(2023, 3, 31),
                "rule": "国办发〔2018〕37号（自公开发布之日起30日内报送备案）",
            },
        },
    }
    if kind.startswith("progress_"):
        return {
            "office": base["office"],
            "unit": {"name": "市住建局"},
            "progress": {"month": "2024-10", "month_label": "2024年10月", "due": datetime(2024, 10, 25, 9, tzinfo=UTC)},
            "items": [
                {"title": "加快推进居民区和公共场所电动自行车充电场所规划和建设", "due_text": "10月底",
                 "supervised": True, "note": "本月底前完成选址"},
            ],
            "progress_url": "https://consultflow.example.cn/p/TOKEN",
        }
    return {**base, **extra.get(kind, {})}
