"""发文字号: issuer code + 〔year〕 + serial + 号, e.g. X办函〔2023〕1号 (the prefix is the office's own)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kernel.errors import InvalidInput

_BRACKETS = re.compile(r"[\[［【(（〔]\s*(\d{4})\s*[\]］】)）〕]")
_PATTERN = re.compile(r"^(?P<code>[^\s〔〕]+?)〔(?P<year>\d{4})〕(?P<serial>[1-9]\d{0,4})号$")


@dataclass(frozen=True)
class DocNumber:
    code: str
    year: int
    serial: int

    def __str__(self) -> str:
        return f"{self.code}〔{self.year}〕{self.serial}号"


def parse_doc_number(text: str, prefix: str = "") -> DocNumber:
    """Accept the usual typing substitutes for 〔〕 but always store the proper brackets.

    ``prefix`` is the office's 机关代字 (its profile's ``doc_number_prefix``): a refusal shows it in its example.
    """
    # NFKC first: an IME in full-width mode types ２０２３ and １; 〔〕 and 【】 are left as they are.
    normal = unicodedata.normalize("NFKC", text or "")
    cleaned = _BRACKETS.sub(lambda m: f"〔{m.group(1)}〕", re.sub(r"\s+", "", normal))
    match = _PATTERN.match(cleaned)
    if not match:
        example = f"{prefix or '某办函'}〔2023〕1号"
        raise InvalidInput(
            "DOC_NUMBER_INVALID",
            f"发文字号“{text}”格式不正确，应为“机关代字〔年份〕序号号”，例如：{example}。",
            doc_number=text,
        )
    return DocNumber(match["code"], int(match["year"]), int(match["serial"]))
