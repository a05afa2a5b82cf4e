"""Office profiles: everything that differs from one office to the next, as data.

An office (a county 政府办, a 防指办, a bureau drafting a 规范性文件) names itself, its level (市/县/区,
so its departments are 市直/县直/区直), its unit categories with the words its documents print, its
reviewing unit and its document-number prefix. Nothing of any one office is written in code: the demo
office is one profile file among others (``profiles/``), loaded like any office's.

A category has a *kind* so that generic rules (tracking's "各乡镇（街道）" → every township, "X直各有关
部门" → every department) work for any office without knowing its labels.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kernel.errors import InvalidInput

LEVELS = ("省", "市", "县", "区", "乡镇")
CATEGORY_KINDS = ("member", "department", "township", "other")
"""member: 议事协调机构成员单位; department: X直部门; township: 乡镇（街道）; other: anything else."""

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def fold(text: str) -> str:
    """What category matching compares: NFKC (full-width brackets → half-width), no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


@dataclass(frozen=True)
class CategorySpec:
    """One unit category of one office, with the words its documents print."""

    key: str
    label: str  # as the adoption table prints it: 市防指成员单位
    addressee: str  # as the letter's 主送 line names it: 市防指各有关成员单位
    kind: str = "other"
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.key, self.label, self.addressee, *self.aliases)


@dataclass(frozen=True)
class OfficeProfile:
    """What one office is and says. Immutable: changes make a new profile (and an audit event)."""

    code: str  # short stable identifier, used by ``--office`` and in URLs: "xiaoyi-safety"
    name: str  # 发文机关全称
    short_name: str = ""  # 简称 used in running text (市防指办)
    level: str = "市"
    issuer: str = ""  # the government a 代拟稿 is drafted for (pre-filled as the draft's 发文机关)
    email: str = ""
    reviewer_unit: str = ""  # the unit doing the legality review (合法性审查)
    doc_number_prefix: str = ""  # 机关代字 of its letters, e.g. "X安办函" → X安办函〔2023〕1号
    categories: tuple[CategorySpec, ...] = ()  # in the order the adoption table lists them
    addressee_order: tuple[str, ...] = ()  # category keys in the order the letter's 主送 line names them
    categories_locked: bool = False  # refuse categories an import brings instead of adding them
    template_dir: str = ""  # this office's own copies of letter/notice templates (checked at start-up)
    wording: Mapping[str, str] = field(default_factory=dict)  # office phrases templates may use
    public: Mapping[str, Any] = field(default_factory=dict)  # its rules for public comments, over config [public]

    @property
    def direct_prefix(self) -> str:
        """市直 / 县直 / 区直: how the office's level names its own departments."""
        return f"{self.level}直"

    @property
    def running_name(self) -> str:
        return self.short_name or self.name

    def category(self, key: str) -> CategorySpec | None:
        return next((c for c in self.categories if c.key == key), None)

    def category_label(self, key: str) -> str:
        spec = self.category(key)
        return spec.label if spec else key

    def category_order(self) -> list[str]:
        return [c.key for c in self.categories]

    def addressees(self, keys: Sequence[str] | set[str]) -> list[str]:
        """The 主送 wording of the asked categories, in the letter's order (then the table's order)."""
        wanted = set(keys)
        order = [*self.addressee_order, *(k for k in self.category_order() if k not in self.addressee_order)]
        return [spec.addressee for k in order if k in wanted and (spec := self.category(k)) is not None]

    def find_category(self, text: str) -> CategorySpec | None:
        """The category an import file or a form names (key, label, 主送 wording or alias), or None."""
        wanted = fold(text)
        if not wanted:
            return None
        return next((c for c in self.categories if wanted in {fold(n) for n in c.names()}), None)

    def parse_category(self, text: str) -> CategorySpec:
        """Like ``find_category`` but an unknown name is an error that lists the office's categories."""
        spec = self.find_category(text)
        if spec is None:
            known = "、".join(c.label for c in self.categories) or "（尚未设置）"
            raise InvalidInput(
                "UNIT_CATEGORY_UNKNOWN",
                f"单位类别“{text}”无法识别，本机关可用类别：{known}。",
                category=text,
            )
        return spec

    def with_category(self, label: str) -> tuple[OfficeProfile, CategorySpec]:
        """A new category as an import wrote it, appended (its label printed as written); refused when locked."""
        clean = label.strip()
        if self.categories_locked:
            raise InvalidInput(
                "UNIT_CATEGORY_LOCKED",
                f"单位类别“{clean}”不在本机关的类别清单中，且清单已锁定；请先由管理员添加该类别。",
                category=clean,
            )
        if not clean:
            raise InvalidInput("UNIT_CATEGORY_UNKNOWN", "单位类别不能为空。", category=label)
        n = len(self.categories) + 1
        taken = {c.key for c in self.categories}
        while f"c{n}" in taken:
            n += 1
        spec = CategorySpec(key=f"c{n}", label=clean, addressee=_addressee_for(clean), kind=_guess_kind(clean, self))
        return replace(self, categories=(*self.categories, spec)), spec

    def to_mapping(self) -> dict[str, Any]:
        """The profile as plain data (the database stores it as JSON; ``profile_from_mapping`` reads it back)."""
        return {
            "code": self.code,
            "name": self.name,
            "short_name": self.short_name,
            "level": self.level,
            "issuer": self.issuer,
            "email": self.email,
            "reviewer_unit": self.reviewer_unit,
            "doc_number_prefix": self.doc_number_prefix,
            "categories": [
                {"key": c.key, "label": c.label, "addressee": c.addressee, "kind": c.kind, "aliases": list(c.aliases)}
                for c in self.categories
            ],
            "addressee_order": list(self.addressee_order),
            "categories_locked": self.categories_locked,
            "template_dir": self.template_dir,
            "wording": dict(self.wording),
            "public": dict(self.public),
        }


def _addressee_for(label: str) -> str:
    """A 主送 wording for a category an import brought: "市防指成员单位" → "市防指各有关成员单位"."""
    if label.endswith("成员单位") and "各" not in label:
        return label[: -len("成员单位")] + "各有关成员单位"
    if label.startswith("各"):
        return label
    return f"各{label}"


def addressee_for(label: str) -> str:
    """The 主送 wording of a category known only by its printed label (an office without that category declared)."""
    return _addressee_for(label)


def _guess_kind(label: str, profile: OfficeProfile) -> str:
    if "成员单位" in label:
        return "member"
    if "乡镇" in label or "街道" in label:
        return "township"
    if label.startswith(profile.direct_prefix) or label.endswith("部门"):
        return "department"
    return "other"


def _bad(message: str, **context: Any) -> InvalidInput:
    return InvalidInput("OFFICE_PROFILE_INVALID", f"机关配置有误：{message}", **context)


def _text(raw: Mapping[str, Any], name: str, default: str = "") -> str:
    value = raw.get(name, default)
    if not isinstance(value, str):
        raise _bad(f"{name} 应为文字。", field=name)
    return value.strip()


def _category(raw: Any, n: int) -> CategorySpec:
    if not isinstance(raw, Mapping):
        raise _bad(f"第{n}个单位类别应为键值表。")
    key = _text(raw, "key")
    label = _text(raw, "label")
    if not _KEY.match(key):
        raise _bad(f"单位类别 key “{key}” 应为小写字母开头的英文标识。", field="categories.key")
    if not label:
        raise _bad(f"单位类别 {key} 缺少 label（文书中印出的类别名称）。", field="categories.label")
    kind = _text(raw, "kind", "other")
    if kind not in CATEGORY_KINDS:
        raise _bad(f"单位类别 {key} 的 kind 应为 {'、'.join(CATEGORY_KINDS)} 之一。", field="categories.kind")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise _bad(f"单位类别 {key} 的 aliases 应为文字列表。", field="categories.aliases")
    return CategorySpec(
        key=key,
        label=label,
        addressee=_text(raw, "addressee") or _addressee_for(label),
        kind=kind,
        aliases=tuple(a.strip() for a in aliases if a.strip()),
    )


def profile_from_mapping(raw: Mapping[str, Any]) -> OfficeProfile:
    """Read and check a profile (from a TOML file, config.toml's [office], or the database's JSON)."""
    code = _text(raw, "code")
    name = _text(raw, "name")
    if not _CODE.match(code):
        raise _bad(f"机关代码 code “{code}” 应为小写字母、数字和连字符。", field="code")
    if not name:
        raise _bad("缺少机关全称 name。", field="name")
    level = _text(raw, "level", "市")
    if level not in LEVELS:
        raise _bad(f"层级 level 应为 {'、'.join(LEVELS)} 之一。", field="level")
    categories = tuple(_category(c, n) for n, c in enumerate(raw.get("categories", []) or [], start=1))
    keys = [c.key for c in categories]
    if len(set(keys)) != len(keys):
        raise _bad("单位类别 key 重复。", field="categories")
    order = raw.get("addressee_order", []) or []
    if not isinstance(order, list) or any(k not in keys for k in order):
        raise _bad("addressee_order 只能列出已定义的单位类别 key。", field="addressee_order")
    wording = raw.get("wording", {}) or {}
    if not isinstance(wording, Mapping) or not all(isinstance(v, str) for v in wording.values()):
        raise _bad("wording 应为“名称 = 文字”的键值表。", field="wording")
    public = raw.get("public", {}) or {}
    if not isinstance(public, Mapping):
        raise _bad("public 应为公开征求意见规则的键值表（与 config.toml [public] 相同的项）。", field="public")
    if public:
        # Checked now, with the same rules as config.toml [public]: a wrong value stops the profile's import.
        from workflow.public.policy import PublicPolicy

        try:
            PublicPolicy.from_mapping(public)
        except InvalidInput as exc:
            wrong = exc.message.split("配置错误：", 1)[-1]
            raise _bad(f"[office.public] {wrong}", field="public") from None
    return OfficeProfile(
        code=code,
        name=name,
        short_name=_text(raw, "short_name"),
        level=level,
        issuer=_text(raw, "issuer"),
        email=_text(raw, "email"),
        reviewer_unit=_text(raw, "reviewer_unit"),
        doc_number_prefix=_text(raw, "doc_number_prefix"),
        categories=categories,
        addressee_order=tuple(order),
        categories_locked=bool(raw.get("categories_locked", False)),
        template_dir=_text(raw, "template_dir"),
        wording={str(k): str(v) for k, v in wording.items()},
        public={str(k): (list(v) if isinstance(v, list | tuple) else v) for k, v in public.items()},
    )


def load_profile_file(path: Path) -> OfficeProfile:
    """A profile TOML file (see ``profiles/``); a missing or malformed file is a clear error."""
    if not path.exists():
        raise _bad(f"找不到机关配置文件 {path}。", path=str(path))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _bad(f"{path} 格式错误：{exc}", path=str(path)) from None
    profile = profile_from_mapping(raw.get("office", raw))
    if profile.template_dir and not (path.parent / profile.template_dir).is_dir():
        raise _bad(f"{path}：template_dir “{profile.template_dir}” 不是目录。", path=str(path), field="template_dir")
    if profile.template_dir and not Path(profile.template_dir).is_absolute():
        # A template folder named in a profile file is found next to that file, wherever the process runs.
        profile = replace(profile, template_dir=str((path.parent / profile.template_dir).resolve()))
    return profile
