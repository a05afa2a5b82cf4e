"""Chinese numerals as drafts write them: 第二十三条, 第一百零五条, 第（三）项 — read and written back."""

from __future__ import annotations

import unicodedata

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_WRITE = "零一二三四五六七八九"
NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"


def parse_cn_number(text: str) -> int | None:
    """``二十三`` → 23, ``一百零五`` → 105, ``十`` → 10, ``23`` / ``２３`` → 23; anything else → None."""
    text = unicodedata.normalize("NFKC", text.strip())
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    total = current = 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            return None
    return total + current


def cn_number(n: int) -> str:
    """23 → 二十三, 105 → 一百零五, 110 → 一百一十, 12 → 十二 (the form legal texts use), up to 9999."""
    if n < 0 or n > 9999:
        return str(n)
    if n < 10:
        return _WRITE[n]
    if n < 20:
        return "十" + (_WRITE[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero else "") + _WRITE[digit] + unit
            zero = False
        elif out:
            zero = True
    return out
