"""Text from outside, checked once at the boundary: no control characters, and one normal form for names.

Why: a control character that reaches the database breaks every document, notice and spreadsheet made from
it later (Word and Excel files are XML, and XML 1.0 forbids most of C0), long after the person who typed it
has gone. So text is refused where a command is built, with a Chinese message naming the field, and nothing
is stored. Line feeds and tabs are allowed only where multi-line text is legitimate (comments, reasons,
opinions); a carriage return is accepted there too (browsers send CRLF) and kept as typed.

The same module gives the one normal form of a user name (:func:`normalise_username`), used both by the
account lookup and by the login rate limit, so spelling variants of one account share one counter.
"""

from __future__ import annotations

import re
import unicodedata

from kernel.errors import InvalidInput

# C0 controls, DEL, C1 controls, surrogates and the non-characters U+FFFE/U+FFFF (none of them allowed in XML 1.0
# or meaningful in a document); line breaks other than LF (U+2028/U+2029) are layout, not text, and go too.
_FORBIDDEN_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_FORBIDDEN_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# What an XML document can carry at all: the renderers' last line of defence (see ``xml_safe``).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_text(value: str, label: str, *, multiline: bool = False) -> str:
    """``value`` unchanged, or ``TEXT_CONTROL_CHARACTER`` naming the field and the character's code point."""
    found = (_FORBIDDEN_MULTI_LINE if multiline else _FORBIDDEN_SINGLE_LINE).search(value)
    if found is not None:
        point = f"U+{ord(found.group()):04X}"
        raise InvalidInput(
            "TEXT_CONTROL_CHARACTER",
            f"“{label}”中含有不可见的控制字符（{point}），请删除后重新提交。",
            field=label,
            character=point,
        )
    return value


def check_texts(fields: dict[str, str | None], *, multiline: frozenset[str] = frozenset()) -> None:
    """Check several fields at once (label → value); ``multiline`` names those that may hold LF and tab."""
    for label, value in fields.items():
        if value:
            check_text(value, label, multiline=label in multiline)


def xml_safe(value: str) -> str:
    """``value`` without the characters XML cannot carry: what renderers write, so a document never fails."""
    return _NOT_XML.sub("", value)


def normalise_username(username: str) -> str:
    """The one spelling of a user name: NFKC (full-width letters become ASCII), format characters such as
    zero-width spaces removed, every Unicode space at either end (U+3000 included) stripped, case folded."""
    text = unicodedata.normalize("NFKC", username)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.strip().casefold()
