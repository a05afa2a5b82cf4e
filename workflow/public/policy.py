"""An office's rules for public comments, from ``config.toml`` ``[public]``, then ``[public.offices.<code>]``,
then the office's own profile (``[office.public]``), each over the one before: grouping threshold, contact
retention, rate limits, size caps, the reasons staff may give for hiding a comment and the words that flag
one for attention."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from kernel.errors import InvalidInput
from storage.uow import UnitOfWork

DEFAULT_HIDE_REASONS = (
    "与征求意见内容无关",
    "含有违法或人身攻击内容",
    "含有广告或垃圾信息",
    "涉及个人隐私或商业秘密",
)
DEFAULT_FLAG_WORDS = ("加微信", "代开发票", "贷款", "http", "www.")


@dataclass(frozen=True)
class PublicPolicy:
    similarity_threshold: int = 80  # 0–100: near-identical comments score at least this (rapidfuzz ratio)
    contact_retention_days: int = 180  # after the consultation closes, names and contacts are purged
    comments_per_client_per_hour: int = 10
    comments_per_round_per_minute: int = 600
    lookups_per_client_per_minute: int = 30  # receipt look-ups (guessing receipts is throttled)
    max_text_characters: int = 5000
    max_basis_characters: int = 2000
    max_contact_characters: int = 100
    hide_reasons: tuple[str, ...] = DEFAULT_HIDE_REASONS
    flag_words: tuple[str, ...] = DEFAULT_FLAG_WORDS

    @classmethod
    def from_mapping(
        cls, section: Mapping[str, Any], office_code: str | None = None, profile: Mapping[str, Any] | None = None
    ) -> PublicPolicy:
        """``[public]``, with ``[public.offices.<office_code>]`` over it and the office profile's ``public`` over
        both; a wrong value is ``PUBLIC_CONFIG_INVALID``."""
        merged: dict[str, Any] = {k: v for k, v in section.items() if k != "offices"}
        offices = section.get("offices", {})
        if office_code and isinstance(offices, Mapping) and isinstance(offices.get(office_code), Mapping):
            merged.update(offices[office_code])
        merged.update(profile or {})
        values: dict[str, Any] = {}
        known = {f.name: f for f in fields(cls)}
        for name, value in merged.items():
            if name not in known:
                raise _bad(f"未知配置项 {name}。")
            if name in ("hide_reasons", "flag_words"):
                if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                    raise _bad(f"{name} 须为非空文字的列表。")
                values[name] = tuple(v.strip() for v in value)
            elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise _bad(f"{name} 须为正整数。")
            else:
                values[name] = value
        policy = cls(**values)
        if not 50 <= policy.similarity_threshold <= 100:
            raise _bad("similarity_threshold 须在 50 到 100 之间。")
        if not policy.hide_reasons:
            raise _bad("hide_reasons 不能为空。")
        return policy

    @classmethod
    def from_settings(cls, settings: Any, office_code: str | None = None) -> PublicPolicy:
        return cls.from_mapping(settings.section("public"), office_code)


def _bad(message: str) -> InvalidInput:
    return InvalidInput("PUBLIC_CONFIG_INVALID", f"config.toml [public] 配置错误：{message}")


def office_policy(uow: UnitOfWork, section: Mapping[str, Any], office_id: int) -> PublicPolicy:
    """The policy of the office ``office_id``: its code picks its ``[public.offices.<code>]`` overrides, and its
    profile's ``public`` table goes over those (an office's own rules travel with its profile)."""
    # Imported here: the offices service reads profiles, and profiles check their [office.public] with this module.
    from workflow.services.offices import office_profile

    office = uow.directory.office(office_id)
    if office is None:
        return PublicPolicy.from_mapping(section)
    return PublicPolicy.from_mapping(section, office.code, office_profile(uow, office.id or 0).public)


def consultation_policy(uow: UnitOfWork, section: Mapping[str, Any], consultation_id: int) -> PublicPolicy:
    """The policy of the office running the consultation (unknown consultation: the defaults of ``section``)."""
    row = uow.public.consultation(consultation_id)
    return office_policy(uow, section, row.office_id if row is not None else 0)


def round_policy(uow: UnitOfWork, section: Mapping[str, Any], round_id: int) -> PublicPolicy:
    rnd = uow.rounds.get(round_id)
    return office_policy(uow, section, rnd.office_id if rnd is not None else 0)
