"""Office files (DOCX, XLSX) checked before any parser opens them: they are ZIP archives of XML.

Why: a 128 KB DOCX that inflates to 30 MB kept the server busy for 24 s, and an XML part with nested
entities made lxml fail with a bare 500. Every reader of an uploaded Word or Excel file (the draft import,
the filled-in reply form, the unit directory) calls :func:`check_office_zip` first, which refuses with
``UPLOAD_ARCHIVE_UNSAFE`` and a Chinese message:

* more than ``max_entries`` entries, or an entry name with ``..``, a leading ``/`` or a control character;
* an entry declared larger than ``max_entry_bytes`` inflated, or all entries together over ``max_total_bytes``
  (Python's ``zipfile`` never inflates past the declared size, and python-docx and openpyxl read through it,
  so the declared sizes bound what the parsers will see);
* a compression ratio over ``max_ratio`` on an entry of more than 1 MB (text XML compresses ~10:1; bombs 1000:1);
* an XML part with a ``DOCTYPE`` or entity declaration (XXE, "billion laughs"), or nested deeper than
  ``max_xml_depth``, or not well-formed — read with lxml without entities, network or DTD.

It is also where the parsers' own failures become a code: :func:`open_error` gives the file kind's code
for anything a broken file makes python-docx, openpyxl or lxml raise.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from kernel.errors import InvalidInput

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f]")
_RATIO_FLOOR = 1024 * 1024  # small entries may compress very well (a page of spaces); only big ones count


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 1000
    max_entry_bytes: int = 16 * 1024 * 1024
    max_total_bytes: int = 20 * 1024 * 1024
    max_ratio: int = 100
    max_xml_depth: int = 128


LIMITS = ZipLimits()


def _unsafe(label: str, why: str, **details: object) -> InvalidInput:
    return InvalidInput(
        "UPLOAD_ARCHIVE_UNSAFE", f"{label}无法安全读取：{why}。请用 Word/WPS/Excel 另存后重新上传。", **details
    )


def _xml_text(raw: bytes) -> bytes:
    """The XML as UTF-8 bytes, whatever its declared encoding (UTF-16 parts would hide a DOCTYPE)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16").encode("utf-8")
    return raw


def _check_xml(name: str, raw: bytes, label: str, limits: ZipLimits) -> None:
    # Imported here: the services that read uploads import this module, and most CLI commands that load
    # them never open an Office file (every CLI call is a new process and pays for its imports).
    from lxml import etree

    data = _xml_text(raw)
    if _DECLARATION.search(data):
        raise _unsafe(label, f"其中的 {name} 含有 DOCTYPE 或实体声明（可能是 XXE 或实体膨胀攻击）", entry=name)
    depth = 0
    try:
        for event, _element in etree.iterparse(
            io.BytesIO(data),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            depth += 1 if event == "start" else -1
            if depth > limits.max_xml_depth:
                raise _unsafe(label, f"其中的 {name} 嵌套超过 {limits.max_xml_depth} 层", entry=name)
    except etree.XMLSyntaxError as exc:
        # lxml may feed libxml2 a whole buffer before yielding events, so its own depth limit (256 without
        # XML_PARSE_HUGE: "Excessive depth in document") can fire before ours is counted: the same refusal.
        if "depth" in str(exc).lower():
            raise _unsafe(label, f"其中的 {name} 嵌套超过 {limits.max_xml_depth} 层", entry=name) from None
        raise _unsafe(label, f"其中的 {name} 不是格式正确的 XML", entry=name) from None


def check_office_zip(data: bytes, label: str, invalid_code: str, limits: ZipLimits = LIMITS) -> None:
    """Refuse ``data`` unless it is a ZIP within ``limits`` whose XML parts are plain (see the module doc).
    A file that is no ZIP at all is ``invalid_code`` (the reader's own "not a valid file" code)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InvalidInput(invalid_code, f"无法读取该文件（不是有效的{label}）。") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.max_entries:
            raise _unsafe(
                label, f"压缩包内有 {len(entries)} 个条目，超过上限 {limits.max_entries}", entries=len(entries)
            )
        total = 0
        for info in entries:
            name = info.filename
            if ".." in name.split("/") or name.startswith("/") or _BAD_NAME.search(name):
                raise _unsafe(label, "压缩包内的条目名称不合法", entry=name[:100])
            if info.file_size > limits.max_entry_bytes:
                raise _unsafe(label, f"其中的 {name} 解压后超过 {limits.max_entry_bytes // 2**20} MB", entry=name)
            total += info.file_size
            if total > limits.max_total_bytes:
                raise _unsafe(
                    label, f"解压后总大小超过 {limits.max_total_bytes // 2**20} MB", limit=limits.max_total_bytes
                )
            if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise _unsafe(label, f"其中的 {name} 压缩比异常（疑似压缩炸弹）", entry=name)
        for info in entries:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                try:
                    raw = archive.read(info)
                except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError):
                    raise InvalidInput(invalid_code, f"无法读取该文件（不是有效的{label}）。") from None
                _check_xml(info.filename, raw, label, limits)


def open_error(label: str, invalid_code: str) -> InvalidInput:
    """The refusal for a file a parser could not open after all (a missing part, a broken relationship)."""
    return InvalidInput(invalid_code, f"无法读取该文件（不是有效的{label}）。")
