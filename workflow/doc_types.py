"""Document types and the rules the law sets for them, as data with their source.

The shipped defaults (``SHIPPED``) follow the national rules; each value names the article it comes
from. An office changes them in ``config.toml`` under ``[doc_types.<key>]``: a table there overrides
the fields it names and keeps the shipped value (and its source) for the rest; a new key declares a
new type. ``DocTypes.from_mapping(settings.section("doc_types"))`` is the only loader, so the section
can later come from a per-office profile instead of the whole file.

Sources cited:
- 《重大行政决策程序暂行条例》（国务院令第713号）: Art. 15 (public consultation ≥ 30 days; a shorter
  period is explained when the consultation is opened), Art. 26 (送审材料; review ≥ 7 working days),
  Art. 27 (what the review covers), Art. 30 (集体讨论决定), Art. 32 (公布), Art. 33 (归档).
- 《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》（国办发〔2018〕37号）: public
  consultation, 集体审议, 统一登记编号印发, 公开发布, 备案 within 30 days of publication.
- 《国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见》（国办发〔2018〕115号）:
  审核时间原则上不少于5个工作日，最长不超过15个工作日.
- 《机关文件材料归档范围和文书档案保管期限规定》（国家档案局令第8号）: 保管期限 永久、定期30年、定期10年.

The seed round (a yearly work notice, asked of units in about 25 hours) is a 一般性文件: ``general`` has
no minimum that ordinary work would break. The rules classify, guide and warn; a shorter period or an
early approval is allowed with a recorded reason (see ``workflow/services/departures.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from kernel.errors import InvalidInput, NotFound
from workflow.calendar import CalendarConfig

DAY_UNITS = {"calendar": "日", "workdays": "个工作日"}
RETENTIONS = {"永久": None, "30年": 30, "10年": 10}
ARCHIVE_SOURCE = "《机关文件材料归档范围和文书档案保管期限规定》（国家档案局令第8号）"
OFFICE_PRACTICE = "本机关工作惯例（无全国性规定）"


@dataclass(frozen=True)
class CheckPoint:
    """One point of the review checklist (审查要点)."""

    key: str
    label: str


DEFAULT_CHECKLIST = (
    CheckPoint("authority", "制定（决策）主体和权限是否合法"),
    CheckPoint("procedure", "是否履行法定程序"),
    CheckPoint("content", "内容是否符合法律、法规、规章和国家政策规定"),
)
CHECK_ANSWERS = {"lawful": "合法", "amend": "需修改", "unlawful": "不合法"}
MATERIALS = {
    "draft": "送审稿",
    "explanation": "起草说明",
    "consultation": "征求意见及采纳情况",
    "legal_basis": "制定依据（法律、法规、规章和政策依据目录）",
    "audit": "程序记录（审计记录摘要）",
}


@dataclass(frozen=True)
class DocType:
    """One kind of document and what the law asks of it. ``*_source`` name where each rule comes from."""

    key: str
    label: str
    min_consultation_days: int = 0
    consultation_day_unit: str = "calendar"  # calendar | workdays
    consultation_source: str = OFFICE_PRACTICE
    review_required: bool = True
    min_review_workdays: int = 0
    max_review_workdays: int = 5  # the review's due date counts this many working days from submission
    review_source: str = OFFICE_PRACTICE
    deliberation_required: bool = False
    deliberation_source: str = ""
    publication_required: bool = False
    publication_source: str = ""
    filing_required: bool = False
    filing_days: int = 0  # calendar days after publication
    filing_source: str = ""
    checklist: tuple[CheckPoint, ...] = DEFAULT_CHECKLIST
    checklist_source: str = "《重大行政决策程序暂行条例》第二十七条（参照）"
    materials: tuple[str, ...] = ("draft", "consultation", "audit")
    materials_source: str = OFFICE_PRACTICE
    retention: str = "30年"
    retention_source: str = ARCHIVE_SOURCE

    @property
    def retention_years(self) -> int | None:
        """None for 永久."""
        return RETENTIONS[self.retention]

    def period_text(self, days: int | None = None) -> str:
        n = self.min_consultation_days if days is None else days
        return f"{n}{DAY_UNITS[self.consultation_day_unit]}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        out["checklist"] = [{"key": p.key, "label": p.label} for p in self.checklist]
        out["materials"] = [{"key": m, "label": MATERIALS[m]} for m in self.materials]
        out["materials_keys"] = list(self.materials)
        out["retention_years"] = self.retention_years
        return out


A713 = "《重大行政决策程序暂行条例》（国务院令第713号）"
G37 = "国办发〔2018〕37号"
G115 = "国办发〔2018〕115号"

SHIPPED: Mapping[str, DocType] = {
    # 一般性文件: e.g. the seed's yearly work notice. No national minimum: nothing here blocks ordinary work.
    "general": DocType(key="general", label="一般性文件", retention="30年"),
    # 规范性文件 (国办发〔2018〕37号, 〔2018〕115号).
    "normative": DocType(
        key="normative",
        label="规范性文件",
        min_consultation_days=7,  # 37号: 向社会公开征求意见，期限一般不少于7个工作日
        consultation_day_unit="workdays",
        consultation_source=f"{G37}（公开征求意见期限一般不少于7个工作日）",
        min_review_workdays=5,  # 115号: 审核时间原则上不少于5个工作日
        max_review_workdays=15,  # 115号: 最长不超过15个工作日
        review_source=f"{G115}（合法性审核原则上不少于5个工作日，最长不超过15个工作日）",
        deliberation_required=True,
        deliberation_source=f"{G37}（经制定机关常务会议或者办公会议集体审议决定）",
        publication_required=True,
        publication_source=f"{G37}（统一登记、统一编号、统一印发，及时公开发布）",
        filing_required=True,
        filing_days=30,
        filing_source=f"{G37}（自公开发布之日起30日内报送备案）",
        checklist_source=f"{G115}（审核制定主体、权限、程序和内容）",
        materials=("draft", "explanation", "consultation", "legal_basis", "audit"),
        materials_source=f"{G115}（报送草案、起草说明、制定依据、征求意见及采纳情况等材料）",
        retention="永久",
    ),
    # 重大行政决策 (国务院令第713号).
    "major-decision": DocType(
        key="major-decision",
        label="重大行政决策",
        min_consultation_days=30,
        consultation_day_unit="calendar",
        consultation_source=f"{A713}第十五条（公开征求意见的期限一般不少于30日）",
        min_review_workdays=7,
        max_review_workdays=15,  # Art. 26 sets no upper limit: the office's due date
        review_source=f"{A713}第二十六条（审查时间一般不少于7个工作日；期满日为本机关设定）",
        deliberation_required=True,
        deliberation_source=f"{A713}第三十条（经决策机关常务会议或者全体会议讨论）",
        publication_required=True,
        publication_source=f"{A713}第三十二条（及时公布重大行政决策）",
        checklist=(
            CheckPoint("authority", "决策事项是否符合法定权限"),
            CheckPoint("procedure", "决策草案的形成是否履行相关法定程序"),
            CheckPoint("content", "决策草案内容是否符合有关法律、法规、规章和国家政策的规定"),
        ),
        checklist_source=f"{A713}第二十七条",
        materials=("draft", "explanation", "consultation", "legal_basis", "audit"),
        materials_source=f"{A713}第二十六条（决策草案及相关材料，包括法律、法规、规章等依据和履行决策法定程序的说明）",
        retention="永久",
        retention_source=f"{ARCHIVE_SOURCE}；{A713}第三十三条（决策过程记录和材料归档）",
    ),
    # 内部工作方案: internal work plans; no legality review is required before they are issued.
    "internal-plan": DocType(
        key="internal-plan",
        label="内部工作方案",
        review_required=False,
        materials=("draft",),
        retention="10年",
    ),
}
DEFAULT_TYPE = "general"

_INT_FIELDS = ("min_consultation_days", "min_review_workdays", "max_review_workdays", "filing_days")
_BOOL_FIELDS = ("review_required", "deliberation_required", "publication_required", "filing_required")
_STR_FIELDS = (
    "label",
    "consultation_source",
    "review_source",
    "deliberation_source",
    "publication_source",
    "filing_source",
    "checklist_source",
    "materials_source",
    "retention_source",
)


def _bad(key: str, message: str) -> InvalidInput:
    return InvalidInput("DOC_TYPES_CONFIG_INVALID", f"config.toml [doc_types.{key}] 配置错误：{message}", doc_type=key)


def _override(base: DocType, key: str, table: Mapping[str, Any]) -> DocType:
    changes: dict[str, Any] = {}
    for name, value in table.items():
        if name in _INT_FIELDS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise _bad(key, f"{name} 须为非负整数。")
            changes[name] = value
        elif name in _BOOL_FIELDS:
            if not isinstance(value, bool):
                raise _bad(key, f"{name} 须为 true 或 false。")
            changes[name] = value
        elif name in _STR_FIELDS:
            changes[name] = str(value)
        elif name == "consultation_day_unit":
            if value not in DAY_UNITS:
                raise _bad(key, "consultation_day_unit 须为 calendar 或 workdays。")
            changes[name] = value
        elif name == "retention":
            if value not in RETENTIONS:
                raise _bad(key, "retention 须为 永久、30年 或 10年。")
            changes[name] = value
        elif name == "materials":
            unknown = [m for m in value if m not in MATERIALS]
            if unknown:
                raise _bad(key, f"materials 中有未知材料：{'、'.join(map(str, unknown))}。")
            changes[name] = tuple(value)
        elif name == "checklist":
            try:
                changes[name] = tuple(CheckPoint(str(p["key"]), str(p["label"])) for p in value)
            except (KeyError, TypeError):
                raise _bad(key, "checklist 每项须有 key 和 label。") from None
        else:
            raise _bad(key, f"未知配置项 {name}。")
    result = replace(base, **changes)
    if result.max_review_workdays < result.min_review_workdays:
        raise _bad(key, "max_review_workdays 不能小于 min_review_workdays。")
    return result


@dataclass(frozen=True)
class DocTypes:
    """An office's document types, shipped defaults overridden by its configuration."""

    types: Mapping[str, DocType] = field(default_factory=lambda: dict(SHIPPED))
    calendar: CalendarConfig = field(default_factory=CalendarConfig)  # working days for periods and due dates

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any], calendar_section: Mapping[str, Any] | None = None) -> DocTypes:
        """The office's types: ``[doc_types]`` over the shipped defaults; ``[calendar]`` counts working days."""
        types = dict(SHIPPED)
        for key, table in section.items():
            if not isinstance(table, Mapping):
                raise _bad(str(key), "须为表（[doc_types.<key>]）。")
            base = types.get(key) or DocType(key=key, label=str(table.get("label", key)))
            types[key] = _override(base, key, table)
        return cls(types, CalendarConfig.from_mapping(calendar_section or {}))

    @classmethod
    def from_settings(cls, settings: Any) -> DocTypes:
        """The types of the office ``settings`` (anything with ``section(name)``) configures."""
        return cls.from_mapping(settings.section("doc_types"), settings.section("calendar"))

    def get(self, key: str) -> DocType:
        try:
            return self.types[key]
        except KeyError:
            known = "、".join(f"{k}（{t.label}）" for k, t in self.types.items())
            raise NotFound("DOC_TYPE_UNKNOWN", f"文件类型“{key}”不存在。可选：{known}。", doc_type=key) from None

    def all(self) -> list[DocType]:
        return list(self.types.values())


SHIPPED_TYPES = DocTypes()
"""The shipped defaults, for callers given no configuration (tests, the demo)."""
