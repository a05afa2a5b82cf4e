"""``json.dumps(value, ensure_ascii=False, indent=1)``, the same text several times faster.

CPython 3.11's C encoder does not indent, so ``indent=`` falls back to the pure-Python encoder, a generator
per container and value. The audit pages show a few hundred stored events as indented JSON; this writes
the same characters with the C string escaper and one list of parts.
"""

from __future__ import annotations

from json.encoder import encode_basestring  # the C escaper where available (as json.dumps uses it)
from typing import Any

_INF = float("inf")


def indented_json(value: Any) -> str:
    """Exactly ``json.dumps(value, ensure_ascii=False, indent=1)`` for JSON values (dict keys str, int,
    float, bool or None; lists and tuples; no circular references); anything else raises TypeError."""
    parts: list[str] = []
    _write(value, "\n", parts)
    return "".join(parts)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INF:
        return "Infinity"
    if value == -_INF:
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value: Any) -> str | None:
    """A non-container value's JSON, or None for a list/dict (json.dumps's order of checks)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, list | tuple | dict):
        return None
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _key(key: Any) -> str:
    if isinstance(key, str):
        return encode_basestring(key)
    if isinstance(key, float):
        return encode_basestring(_float(key))
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return encode_basestring(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _write(value: Any, newline: str, parts: list[str]) -> None:
    """Append ``value``'s JSON; ``newline``: a newline and the indent of the level ``value`` is at."""
    if type(value) is str:  # most values: skip the checks below
        parts.append(encode_basestring(value))
        return
    text = _scalar(value)
    if text is not None:
        parts.append(text)
        return
    inner = newline + " "
    between = "," + inner
    if isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        sep = "{" + inner
        for key, item in value.items():
            parts.append(sep)
            sep = between
            parts.append(encode_basestring(key) if type(key) is str else _key(key))
            parts.append(": ")
            if type(item) is str:
                parts.append(encode_basestring(item))
            else:
                _write(item, inner, parts)
        parts.append(newline + "}")
        return
    if not value:
        parts.append("[]")
        return
    sep = "[" + inner
    for item in value:
        parts.append(sep)
        sep = between
        _write(item, inner, parts)
    parts.append(newline + "]")
